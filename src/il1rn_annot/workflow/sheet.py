"""The lab's sample sheet and the `screen_vcfs` joint VCFs: read, check, combine, resolve.

Everything here answers "which (sample, file) pairs are screened, and under which file names":

* `read_sample_sheet()` reads the tab-separated sheet (columns `sample`, `vcf`, optional
  `mother`/`father`, any others kept) and refuses it with every problem listed as
  `SHEET: row N (line L), column 'C': ...`; `parents_of()` / `parent_problems()` check the
  parent columns.
* the `screen_vcfs` joint VCFs become rows in `workflow.screen_vcfs` (their samples read from
  the header, put after the sheet's rows).
* `safe_name_map()` / `case_clashes()`: the file-name-safe form of each sample ID for
  per-sample files (`outputs.naming.safe_name`, the rule `il1rn-annot report` names its files
  by), and the IDs whose files would clash.
* `resolved_table()` / `write_resolved_sheet()`: the resolved sheet
  (`results/samplesheet/resolved_sheet.tsv`) the cohort step accounts for.

The batches of annotate jobs are planned from these rows in `workflow.batches`; the report
jobs after the cohort step in `workflow.report_parts`. Snakemake imports this module while it
builds the DAG: it stays light (stdlib, PyYAML and jsonschema, imported where used).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from il1rn_annot.errors import Il1rnAnnotError
from il1rn_annot.outputs import naming

REQUIRED_COLUMNS = ("sample", "vcf")
#: optional: the sample IDs (in this sheet) of a sample's parents; their calls phase its alleles
PARENT_COLUMNS = ("mother", "father")
NO_PARENT = ("", "0", ".")  # as in PED files: no parent given
MAX_LISTED_PROBLEMS = 25


class SampleSheetError(Il1rnAnnotError):
    """The sample sheet (or a screened VCF) cannot be used; `problems` lists every reason."""

    def __init__(self, source: str, problems: Sequence[str], hint: str | None = None) -> None:
        self.source = source
        self.problems = list(problems)
        self.hint = hint
        shown = self.problems[:MAX_LISTED_PROBLEMS]
        lines = [f"{source}: {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"{source}: ... and {len(self.problems) - len(shown)} more problem(s)")
        if hint:
            lines.append(f"({hint})")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class SheetRow:
    """One (sample, file) pair to screen.

    `vcf` is the path as the workflow passes it to the annotator: normalised (`./a/../b` ->
    `b`), relative to the working directory unless absolute. `row` is the 1-based data row
    of the sheet (0 for rows that come from a screened joint VCF), `line` the line in the file.
    """

    sample: str
    vcf: str
    source: str
    row: int = 0
    line: int = 0
    extra: tuple[tuple[str, str], ...] = ()


def normalise_path(value: str) -> str:
    """The path the workflow uses for a sheet or config entry (`~` expanded, `..` folded)."""
    return os.path.normpath(os.path.expanduser(value))


def _where(row: int, line: int, column: str | None = None) -> str:
    text = f"row {row} (line {line})"
    return f"{text}, column '{column}'" if column else text


def _load_schema(schema: str | os.PathLike[str] | dict[str, Any] | None) -> Any:
    if schema is None:
        return None
    if isinstance(schema, dict):
        data = schema
    else:
        import yaml

        with open(schema, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    from jsonschema import Draft202012Validator

    return Draft202012Validator(data)


def file_problem(path: str) -> str | None:
    if not os.path.exists(path):
        shown = path if os.path.isabs(path) else f"{path} (relative to {os.getcwd()})"
        return f"file not found: {shown}"
    if os.path.isdir(path):
        return f"is a directory, not a VCF/BCF file: {path}"
    if not os.access(path, os.R_OK):
        return f"file not readable (permissions): {path}"
    return None


def read_sample_sheet(
    path: str | os.PathLike[str],
    *,
    check_files: bool = True,
    schema: str | os.PathLike[str] | dict[str, Any] | None = None,
) -> list[SheetRow]:
    """Read and check a tab-separated sample sheet; raise `SampleSheetError` listing every problem.

    Blank lines and lines starting with `#` are skipped. Required columns: `sample` and `vcf`
    (others are kept and ignored). Refused: a missing column, an empty or space-padded cell,
    a (sample, vcf) pair listed twice (the same file written two ways counts), a missing or
    unreadable file, and, when `schema` (a JSON Schema for one row) is given, anything it rejects.
    """
    source = str(path)
    if not os.path.isfile(path):
        raise SampleSheetError(
            source,
            [f"sample sheet not found (relative to {os.getcwd()})"],
            hint="set `samples:` in config/config.yaml or pass --config samples=PATH",
        )
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise SampleSheetError(
            source, [f"not UTF-8 text ({exc})"], hint="save the sheet as UTF-8 tab-separated text"
        ) from None

    numbered = [(i, text) for i, text in enumerate(lines, start=1) if text.strip() and not text.startswith("#")]
    if not numbered:
        raise SampleSheetError(
            source, ["the sheet is empty (no header line)"], hint="the first line must be the header: sample<TAB>vcf"
        )
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split("\t")]
    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        hint = "the sheet must be tab-separated with a header line naming the columns sample and vcf"
        if "\t" not in header_text and ("," in header_text or ";" in header_text or " " in header_text.strip()):
            hint = "the header has no TAB: the sheet must be tab-separated (not comma/semicolon/space-separated)"
        raise SampleSheetError(
            source,
            [
                f"header (line {header_line}): missing column(s) "
                + ", ".join(f"'{c}'" for c in missing)
                + f" (found: {', '.join(repr(h) for h in header)})"
            ],
            hint=hint,
        )
    for col in set(header):
        if header.count(col) > 1 and col:
            problems.append(f"header (line {header_line}): column '{col}' appears {header.count(col)} times")
    if problems:
        raise SampleSheetError(source, problems)

    validator = _load_schema(schema)
    named: set[str] = set()  # every sample the sheet names, even on a row refused for another reason
    rows: list[SheetRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row_number, (line_number, text) in enumerate(numbered[1:], start=1):
        cells = text.split("\t")
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                f"{_where(row_number, line_number)}: {len(cells)} fields but the header has "
                f"{len(header)} columns (a TAB inside a value?)"
            )
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        record = dict(zip(header, cells, strict=True))  # cells padded/cut to the header
        named.add(record["sample"])
        row_problems: list[str] = []
        for column in REQUIRED_COLUMNS:
            value = record[column]
            if not value.strip():
                row_problems.append(f"{_where(row_number, line_number, column)}: empty")
            elif value != value.strip():
                row_problems.append(
                    f"{_where(row_number, line_number, column)}: leading or trailing spaces in {value!r}"
                )
        if validator is not None and not row_problems:
            for error in sorted(validator.iter_errors(record), key=lambda e: list(e.path)):
                named_column = str(error.path[0]) if error.path else None
                row_problems.append(f"{_where(row_number, line_number, named_column)}: {error.message}")
        if row_problems:
            problems.extend(row_problems)
            continue
        vcf = normalise_path(record["vcf"])
        if check_files:
            problem = file_problem(vcf)
            if problem:
                problems.append(f"{_where(row_number, line_number, 'vcf')}: {problem}")
                continue
        key = (record["sample"], os.path.realpath(vcf) if check_files else vcf)
        if key in seen:
            problems.append(
                f"{_where(row_number, line_number)}, columns 'sample' and 'vcf': duplicate row: "
                f"sample {record['sample']!r} with file {record['vcf']!r} is already listed in "
                f"row {seen[key]}"
            )
            continue
        seen[key] = row_number
        extra = tuple((k, v) for k, v in record.items() if k not in REQUIRED_COLUMNS)
        rows.append(SheetRow(record["sample"], vcf, source, row_number, line_number, extra))
    problems.extend(parent_problems(rows, named))
    if problems:
        raise SampleSheetError(source, problems)
    if not rows:
        raise SampleSheetError(source, ["no sample rows below the header"])
    return rows


def parents_of(row: SheetRow) -> dict[str, str]:
    """{'mother': ID, 'father': ID} as the row gives them (PED-style '', '0', '.' = not given)."""
    extra = dict(row.extra)
    return {role: extra[role].strip() for role in PARENT_COLUMNS if extra.get(role, "").strip() not in NO_PARENT}


def parent_problems(rows: Sequence[SheetRow], named: Iterable[str] = ()) -> list[str]:
    """Parents must be samples of the sheet, not the sample itself, and the same on every row of a sample."""
    samples = {row.sample for row in rows} | set(named)
    problems: list[str] = []
    first: dict[str, tuple[dict[str, str], SheetRow]] = {}
    for row in rows:
        parents = parents_of(row)
        for role, parent in parents.items():
            if parent == row.sample:
                problems.append(f"{_where(row.row, row.line, role)}: a sample cannot be its own {role}")
            elif parent not in samples:
                problems.append(
                    f"{_where(row.row, row.line, role)}: {parent!r} is not a sample of this sheet "
                    f"(list the {role}'s VCF in a row of its own, or leave the cell empty)"
                )
        if row.sample in first and first[row.sample][0] != parents:
            earlier = first[row.sample][1]
            problems.append(
                f"{_where(row.row, row.line)}, columns 'mother'/'father': sample {row.sample!r} has "
                f"other parents in row {earlier.row}; give the same on every row of a sample"
            )
        first.setdefault(row.sample, (parents, row))
    return problems


def safe_name_map(samples: Iterable[str]) -> dict[str, str]:
    """safe name -> sample ID; raises if two IDs would share a file name."""
    out: dict[str, str] = {}
    problems = []
    for sample in samples:
        safe = naming.safe_name(sample)
        other = out.get(safe)
        if other is not None and other != sample:
            problems.append(f"samples {other!r} and {sample!r} map to the same file name {safe!r}")
            continue
        out[safe] = sample
    if problems:
        raise SampleSheetError("samples", problems, hint="rename one of the samples")
    return out


def case_clashes(safe_names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of file names that differ only in case (one file on macOS/Windows file systems)."""
    seen: dict[str, str] = {}
    out = []
    for name in safe_names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            out.append((other, name))
    return out


@runtime_checkable
class ResolvedRows(Protocol):
    """What `write_resolved_sheet` accepts besides table rows: a `batches.Plan` (its `table()`)."""

    def table(self) -> list[dict[str, str]]: ...


def resolved_table(rows: Iterable[SheetRow]) -> list[dict[str, str]]:
    """The resolved sheet: one row per (sample, vcf) pair, sheet rows first; with the parent
    columns when the sheet names any parent (the cohort step phases with them)."""
    listed = list(rows)
    with_parents = any(parents_of(r) for r in listed)
    table = []
    for r in listed:
        entry = {"sample": r.sample, "vcf": r.vcf}
        if with_parents:
            parents = parents_of(r)
            entry.update({role: parents.get(role, "") for role in PARENT_COLUMNS})
        table.append(entry)
    return table


def write_resolved_sheet(rows: Iterable[dict[str, str]] | ResolvedRows, path: str | os.PathLike[str]) -> None:
    """Write `sample<TAB>vcf` rows (the sheet the cohort step accounts for) atomically."""
    from il1rn_annot.outputs.atomic import write_text

    table = rows.table() if isinstance(rows, ResolvedRows) else list(rows)
    columns = ["sample", "vcf"] + [c for c in PARENT_COLUMNS if any(c in r for r in table)]
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in table]
    write_text(Path(path), "\n".join(lines) + "\n")
