"""Sample sheets, screened joint VCFs and job batching for the Snakemake workflow.

The workflow (`Snakefile`, `rules/*.smk`) keeps its logic here, so that it can be tested
without Snakemake and used from the command line:

* `read_sample_sheet()` reads the tab-separated sheet (columns `sample`, `vcf`, any others
  kept) and refuses it with every problem listed as `SHEET: row N (line L), column 'C': ...`.
* `screen_vcf_rows()` turns joint VCFs whose every sample is to be screened into rows, the
  sample names read from the header with cyvcf2.
* `plan_batches()` / `make_plan()` group the distinct input files into batches of at most
  `batch_size` files (one annotate job each) such that no two files of one batch would write
  the same output name (`NAME.il1rn.json` for `run1/NAME.vcf.gz` and `run2/NAME.vcf.gz`);
  local batches are cut into full rounds of equal jobs (one per core), and finished batches are kept.
* `safe_name()` maps a sample ID to a file-name-safe form for per-sample files.
* `flagged_samples()` / `report_part_count()` pick, after the cohort step, the samples that
  get a lab report and how many report jobs (each one process for many samples) write them;
  `collect_reports()` gathers the parts into `results/reports/`.

Command line (used by the workflow's `resolve_samples` rule):

    python -m il1rn_annot.workflow.samplesheet resolve --samples SHEET.tsv [--screen-vcf JOINT.vcf.gz ...] -o OUT.tsv
    python -m il1rn_annot.workflow.samplesheet plan --samples SHEET.tsv [--batch-size 200] [--cores N]
    python -m il1rn_annot.workflow.samplesheet collect-reports PART_DIR ... -o results/reports
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.core.vocabulary import FLAGGED, REPORT_MODES, STATUSES
from il1rn_annot.outputs import naming
from il1rn_annot.errors import Il1rnAnnotError, InputError
from il1rn_annot.outputs.read_summary import read_summary

REQUIRED_COLUMNS = ("sample", "vcf")
#: optional: the sample IDs (in this sheet) of a sample's parents; their calls phase its alleles
PARENT_COLUMNS = ("mother", "father")
NO_PARENT = ("", "0", ".")  # as in PED files: no parent given
DEFAULT_BATCH_SIZE = 200
DEFAULT_REPORT_BATCH_SIZE = 50
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


def _file_problem(path: str) -> str | None:
    if not os.path.exists(path):
        shown = path if os.path.isabs(path) else f"{path} (relative to {os.getcwd()})"
        return f"file not found: {shown}"
    if os.path.isdir(path):
        return f"is a directory, not a VCF/BCF file: {path}"
    if not os.access(path, os.R_OK):
        return f"file not readable (permissions): {path}"
    return None


def read_sample_sheet(path: str | os.PathLike[str], *, check_files: bool = True,
                      schema: str | os.PathLike[str] | dict[str, Any] | None = None) -> list[SheetRow]:
    """Read and check a tab-separated sample sheet; raise `SampleSheetError` listing every problem.

    Blank lines and lines starting with `#` are skipped. Required columns: `sample` and `vcf`
    (others are kept and ignored). Refused: a missing column, an empty or space-padded cell,
    a (sample, vcf) pair listed twice (the same file written two ways counts), a missing or
    unreadable file, and, when `schema` (a JSON Schema for one row) is given, anything it rejects.
    """
    source = str(path)
    if not os.path.isfile(path):
        raise SampleSheetError(source, [f"sample sheet not found (relative to {os.getcwd()})"],
                               hint="set `samples:` in config/config.yaml or pass --config samples=PATH")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise SampleSheetError(source, [f"not UTF-8 text ({exc})"],
                               hint="save the sheet as UTF-8 tab-separated text") from None

    numbered = [(i, text) for i, text in enumerate(lines, start=1) if text.strip() and not text.startswith("#")]
    if not numbered:
        raise SampleSheetError(source, ["the sheet is empty (no header line)"],
                               hint="the first line must be the header: sample<TAB>vcf")
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split("\t")]
    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        hint = "the sheet must be tab-separated with a header line naming the columns sample and vcf"
        if "\t" not in header_text and ("," in header_text or ";" in header_text or " " in header_text.strip()):
            hint = "the header has no TAB: the sheet must be tab-separated (not comma/semicolon/space-separated)"
        raise SampleSheetError(source, [f"header (line {header_line}): missing column(s) "
                                        + ", ".join(f"'{c}'" for c in missing)
                                        + f" (found: {', '.join(repr(h) for h in header)})"], hint=hint)
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
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(f"{_where(row_number, line_number)}: {len(cells)} fields but the header has "
                            f"{len(header)} columns (a TAB inside a value?)")
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        record = dict(zip(header, cells))
        named.add(record["sample"])
        row_problems: list[str] = []
        for column in REQUIRED_COLUMNS:
            value = record[column]
            if not value.strip():
                row_problems.append(f"{_where(row_number, line_number, column)}: empty")
            elif value != value.strip():
                row_problems.append(f"{_where(row_number, line_number, column)}: leading or trailing spaces "
                                    f"in {value!r}")
        if validator is not None and not row_problems:
            for error in sorted(validator.iter_errors(record), key=lambda e: list(e.path)):
                column = str(error.path[0]) if error.path else None
                row_problems.append(f"{_where(row_number, line_number, column)}: {error.message}")
        if row_problems:
            problems.extend(row_problems)
            continue
        vcf = normalise_path(record["vcf"])
        if check_files:
            problem = _file_problem(vcf)
            if problem:
                problems.append(f"{_where(row_number, line_number, 'vcf')}: {problem}")
                continue
        key = (record["sample"], os.path.realpath(vcf) if check_files else vcf)
        if key in seen:
            problems.append(f"{_where(row_number, line_number)}, columns 'sample' and 'vcf': duplicate row: "
                            f"sample {record['sample']!r} with file {record['vcf']!r} is already listed in "
                            f"row {seen[key]}")
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
                problems.append(f"{_where(row.row, row.line, role)}: {parent!r} is not a sample of this sheet "
                                f"(list the {role}'s VCF in a row of its own, or leave the cell empty)")
        if row.sample in first and first[row.sample][0] != parents:
            earlier = first[row.sample][1]
            problems.append(f"{_where(row.row, row.line)}, columns 'mother'/'father': sample {row.sample!r} has "
                            f"other parents in row {earlier.row}; give the same on every row of a sample")
        first.setdefault(row.sample, (parents, row))
    return problems


def vcf_header_samples(path: str) -> list[str]:
    """Sample names from a VCF/BCF header (cyvcf2); raises on an unreadable header."""
    import cyvcf2
    reader = cyvcf2.VCF(path, lazy=True)
    try:
        return list(reader.samples)
    finally:
        reader.close()


def screen_vcf_rows(paths: Iterable[str], *, key: str = "screen_vcfs") -> list[SheetRow]:
    """One row per sample of each joint VCF to screen; the names come from the header.

    A file whose header cannot be read is refused here (not reported as an input error later):
    without the header the workflow cannot know which samples it would be leaving out.
    """
    rows: list[SheetRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(paths):
        where = f"{key}[{i}]"
        if not str(value).strip():
            problems.append(f"{where}: empty path")
            continue
        vcf = normalise_path(str(value))
        problem = _file_problem(vcf)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        real = os.path.realpath(vcf)
        if real in seen:
            problems.append(f"{where}: {value} is listed twice")
            continue
        seen.add(real)
        try:
            samples = vcf_header_samples(vcf)
        except Exception as exc:  # cyvcf2 raises OSError/Exception with htslib's words
            problems.append(f"{where}: cannot read the VCF header of {value} ({exc})")
            continue
        if not samples:
            problems.append(f"{where}: {value} has no sample columns (a sites-only VCF cannot be screened)")
            continue
        rows.extend(SheetRow(s, vcf, where) for s in samples)
    if problems:
        raise SampleSheetError("config", problems,
                               hint="fix or remove the file from screen_vcfs; list its samples in the sample "
                                    "sheet instead to have an unreadable file reported as input_error")
    return rows


def shared_screen_ids(screen_rows: Iterable[SheetRow], in_sheet: Iterable[str] = ()) -> dict[str, list[str]]:
    """sample -> the screened VCFs holding it, for IDs in more than one screened VCF (and not
    in the sheet, which decides for its own samples).

    Such a sample's files are interpreted together, as for a sample the sheet lists with two
    files (an SNV and an SV joint VCF of one cohort share every ID). But the same ID in two
    runs may be two people: the workflow names them (a warning, and the cohort step flags any
    site where the files disagree as a possible sample swap) instead of merging silently.
    """
    listed = set(in_sheet)
    files: dict[str, list[str]] = {}
    for row in screen_rows:
        if row.sample not in listed and row.vcf not in files.setdefault(row.sample, []):
            files[row.sample].append(row.vcf)
    return {sample: vcfs for sample, vcfs in files.items() if len(vcfs) > 1}


def combine_rows(sheet_rows: Iterable[SheetRow], screen_rows: Iterable[SheetRow]) -> tuple[list[SheetRow], list[str]]:
    """Sheet rows, then screened rows of samples the sheet does not name.

    The sheet is authoritative for the samples it lists (as in `il1rn-annot cohort`): a
    sheet sample that is also in a screened VCF keeps only its sheet files, since the same ID
    in another file may be another person. Returns (rows, samples whose screened rows were
    left out).
    """
    out = list(sheet_rows)
    in_sheet = {row.sample for row in out}
    seen: set[tuple[str, str]] = set()
    skipped: list[str] = []
    for row in screen_rows:
        if row.sample in in_sheet:
            if row.sample not in skipped:
                skipped.append(row.sample)
            continue
        key = (row.sample, os.path.realpath(row.vcf))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out, skipped


def safe_name(sample: str) -> str:
    """The file-name-safe form of a sample ID used for per-sample files (`NAME.report.html`).

    It is `il1rn_annot.outputs.naming.safe_name`, the rule `il1rn-annot report` names its files by
    (and `il1rn-annot cohort` links them by), so that the workflow asks for exactly the files
    the report step writes: letters, digits, `.`, `_`, `-` kept, anything else `_`, and 8 hex
    digits of the ID's SHA-256 appended whenever the name had to change (`A B` != `A_B`).
    """
    return naming.safe_name(sample)


def safe_name_map(samples: Iterable[str]) -> dict[str, str]:
    """safe name -> sample ID; raises if two IDs would share a file name."""
    out: dict[str, str] = {}
    problems = []
    for sample in samples:
        safe = safe_name(sample)
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


@dataclass(frozen=True)
class Batch:
    """Input files annotated together by one job into `results/annotations/batch_{index}/`."""

    index: int
    inputs: tuple[str, ...]

    def output_names(self) -> list[str]:
        return [naming.input_stem(p) for p in self.inputs]


def output_key(path: str) -> str:
    """What two inputs must not share within one batch: their output stem, case-folded."""
    return naming.input_stem(path).lower()


def _fill(paths: Iterable[str], capacity: Any) -> list[list[str]]:
    """Files into batches in order: each file joins the first batch with room (`capacity(j)` files
    for the j-th batch, 0-based) that does not already hold its output name."""
    batches: list[list[str]] = []
    names: list[set[str]] = []
    open_batches: list[int] = []  # indexes of batches with room, in order
    for path in paths:
        key = output_key(path)
        target = next((b for b in open_batches if key not in names[b]), None)
        if target is None:
            batches.append([])
            names.append(set())
            target = len(batches) - 1
            open_batches.append(target)
        batches[target].append(path)
        names[target].add(key)
        if len(batches[target]) >= capacity(target):
            open_batches.remove(target)
    return batches


def balanced_sizes(total: int, parts: int) -> list[int]:
    """`total` split into `parts` sizes differing by at most one, larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if j < extra else 0) for j in range(parts)]


def _fill_rounds(files: list[str], batch_size: int, parallel: int) -> list[list[str]]:
    """Files into batches for `parallel` jobs at once: the fewest rounds of `parallel` jobs
    with at most `batch_size` files each, every batch the same size (within one file).

    Snakemake starts ready jobs in an order of its own: with 4 x 200 + 2 x 100 files on two
    cores it ran a 100-file batch first and left the last 200-file batch alone on one core
    (3 s of one idle core in a 16 s run). Batches of one size fill the rounds in any order.
    """
    if parallel <= 1 or not files:
        return _fill(files, lambda _j: batch_size)
    jobs = -(-len(files) // batch_size)
    jobs = min(len(files), -(-jobs // parallel) * parallel)
    sizes = balanced_sizes(len(files), jobs)
    return _fill(files, lambda j: sizes[j] if j < jobs else batch_size)


def plan_batches(inputs: Iterable[str], batch_size: int = DEFAULT_BATCH_SIZE, parallel: int = 1,
                 finished: dict[int, Sequence[str]] | None = None) -> list[Batch]:
    """Split distinct input files into batches of at most `batch_size` files, in input order.

    Files are taken in the order given (sheet order, then screened VCFs), so appending rows
    to the sheet only adds files to the last batch or new batches: batches already done
    keep their exact file list and are not re-run. A file whose output name (`NAME` of
    `NAME.vcf.gz`) is already taken in the batch being filled goes into the next batch with
    room and without that name, so every output file name is unique within its folder.

    `parallel`: how many annotate jobs run at once (a local run's --cores). With more than
    one, the files are cut into the fewest full rounds of `parallel` batches, all of one size
    (`_fill_rounds`): 11 files on 4 cores are 4 batches (3, 3, 3, 2), not 1; 1,000 files on 2
    cores with batch_size 200 are 6 x 167 (166), not 5 x 200 (whose fifth job would run alone)
    nor 4 x 200 + 2 x 100 (whose short jobs may run first). With `parallel` 1 (a cluster,
    whose jobs each re-read the workflow and must plan alike) the batches are plain
    `batch_size` batches, so appended files only add batches.

    `finished`: batches already annotated, {index: files} (from their manifests). A finished
    batch whose files are all still to be screened, and in no other finished batch, is kept
    with its index and files whatever `batch_size` and `parallel` are now; only the other files
    are planned, into the lowest free indexes. So a re-run with other --cores, or after rows
    were appended, re-runs no finished batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if parallel < 1:
        raise ValueError("parallel must be at least 1")
    ordered = list(dict.fromkeys(inputs))
    wanted = set(ordered)
    kept: dict[int, tuple[str, ...]] = {}
    taken: set[str] = set()
    for index in sorted(finished or {}):
        files = tuple(finished[index])  # type: ignore[index]
        if index < 1 or not files or len(set(files)) != len(files) or not set(files) <= wanted or taken & set(files):
            continue
        kept[index] = files
        taken.update(files)
    rest = [path for path in ordered if path not in taken]
    new = _fill_rounds(rest, batch_size, parallel)
    free = (i for i in range(1, len(kept) + len(new) + 1) if i not in kept)
    batches = [Batch(index, files) for index, files in kept.items()]
    batches += [Batch(next(free), tuple(files)) for files in new]
    return sorted(batches, key=lambda b: b.index)


def read_finished_batches(folder: str | os.PathLike[str]) -> dict[int, tuple[str, ...]]:
    """{index: input files} of the annotate batches in FOLDER (`batch_N/manifest.json`).

    The manifest is written when a batch's annotate job ends, so a batch listed here ran to its
    end (Snakemake deletes the outputs of a failed job). Unreadable manifests are ignored.
    """
    out: dict[int, tuple[str, ...]] = {}
    root = Path(folder)
    if not root.is_dir():
        return out
    for manifest in root.glob("batch_*/manifest.json"):
        match = re.fullmatch(r"batch_(\d+)", manifest.parent.name)
        if not match:
            continue
        try:
            doc = json.loads(manifest.read_text(encoding="utf-8"))
            files = tuple(str(e["input"]) for e in doc["inputs"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        out[int(match.group(1))] = files
    return dict(sorted(out.items()))


@dataclass
class Plan:
    """Everything the workflow needs to know at DAG time."""

    rows: list[SheetRow]
    batches: list[Batch]
    batch_of: dict[str, int] = field(default_factory=dict)  # input path -> batch index
    inputs_of: dict[str, list[str]] = field(default_factory=dict)  # sample -> input paths
    sample_of_safe: dict[str, str] = field(default_factory=dict)  # safe name -> sample
    screened_but_in_sheet: list[str] = field(default_factory=list)  # screened rows left out
    screened_in_several: dict[str, list[str]] = field(default_factory=dict)  # shared_screen_ids
    inputs: list[str] = field(default_factory=list)  # distinct input files, in order

    def rebatch(self, batch_size: int = DEFAULT_BATCH_SIZE, parallel: int = 1,
                finished: dict[int, Sequence[str]] | None = None) -> None:
        """Batch the input files again (`plan_batches`), e.g. once the local cores are known."""
        self.batches = plan_batches(self.inputs, batch_size, parallel, finished)
        self.batch_of = {path: batch.index for batch in self.batches for path in batch.inputs}

    @property
    def samples(self) -> list[str]:
        return list(self.inputs_of)

    def samples_per_input(self) -> dict[str, int]:
        """How many of the plan's samples each input file holds (a joint VCF: many)."""
        counts: dict[str, int] = {}
        for paths in self.inputs_of.values():
            for path in dict.fromkeys(paths):
                counts[path] = counts.get(path, 0) + 1
        return counts

    def batch(self, index: int | str) -> Batch:
        i = int(index)
        for batch in self.batches:
            if batch.index == i:
                return batch
        raise KeyError(f"no batch {index}: the plan has batches "
                       f"{', '.join(str(b.index) for b in self.batches)}")

    def sample_for(self, safe: str) -> str:
        try:
            return self.sample_of_safe[safe]
        except KeyError:
            raise KeyError(f"unknown sample file name {safe!r}: not a sample of the sample sheet or a "
                           "screened VCF") from None

    def batches_of(self, sample: str) -> list[int]:
        return sorted({self.batch_of[v] for v in self.inputs_of[sample]})

    def table(self) -> list[dict[str, str]]:
        """The resolved sheet: one row per (sample, vcf) pair, sheet rows first; with the parent
        columns when the sheet names any parent (the cohort step phases with them)."""
        with_parents = any(parents_of(r) for r in self.rows)
        table = []
        for r in self.rows:
            entry = {"sample": r.sample, "vcf": r.vcf}
            if with_parents:
                parents = parents_of(r)
                entry.update({role: parents.get(role, "") for role in PARENT_COLUMNS})
            table.append(entry)
        return table


def make_plan(sample_sheet: str | None, screen_vcfs: Sequence[str] = (),
              batch_size: int = DEFAULT_BATCH_SIZE, *, check_files: bool = True,
              schema: str | os.PathLike[str] | dict[str, Any] | None = None, parallel: int = 1,
              finished: dict[int, Sequence[str]] | None = None) -> Plan:
    """Read the sheet and the screened VCFs' headers, and batch the distinct files
    (`parallel` and `finished` as in `plan_batches`)."""
    sheet_rows = read_sample_sheet(sample_sheet, check_files=check_files, schema=schema) if sample_sheet else []
    screen_rows = screen_vcf_rows(screen_vcfs) if screen_vcfs else []
    rows, skipped = combine_rows(sheet_rows, screen_rows)
    if not rows:
        raise SampleSheetError("config", ["nothing to screen: `samples` is empty and `screen_vcfs` lists no file"])
    # one input per distinct file; the same file written two ways (./a, a) is annotated once
    canonical: dict[str, str] = {}
    inputs: list[str] = []
    reals = [os.path.realpath(row.vcf) if check_files else row.vcf for row in rows]  # once per row: 1,000s
    for row, real in zip(rows, reals):
        if real not in canonical:
            canonical[real] = row.vcf
            inputs.append(row.vcf)
    rows = [SheetRow(r.sample, canonical[real], r.source, r.row, r.line, r.extra) for r, real in zip(rows, reals)]
    plan = Plan(rows, [], screened_but_in_sheet=skipped, inputs=inputs,
                screened_in_several=shared_screen_ids(screen_rows, {r.sample for r in sheet_rows}))
    plan.rebatch(batch_size, parallel, finished)
    for row in rows:
        plan.inputs_of.setdefault(row.sample, [])
        if row.vcf not in plan.inputs_of[row.sample]:
            plan.inputs_of[row.sample].append(row.vcf)
    plan.sample_of_safe = safe_name_map(plan.inputs_of)
    return plan


def screened_in_several_text(shared: dict[str, list[str]], shown: int = 10) -> list[str]:
    """Warning lines naming samples found in more than one screened VCF (`shared_screen_ids`)."""
    if not shared:
        return []
    lines = [f"{len(shared)} sample ID(s) are in more than one screen_vcfs file; their calls are interpreted "
             "together, and any site where the files disagree is flagged as a possible sample swap (list a "
             "sample in the sample sheet to choose its files):"]
    lines += [f"  {sample}: {', '.join(vcfs)}" for sample, vcfs in list(shared.items())[:shown]]
    if len(shared) > shown:
        lines.append(f"  ... and {len(shared) - shown} more")
    return lines


def write_resolved_sheet(rows: Iterable[dict[str, str]] | Plan, path: str | os.PathLike[str]) -> None:
    """Write `sample<TAB>vcf` rows (the sheet the cohort step accounts for) atomically."""
    from il1rn_annot.outputs.atomic import write_text
    table = rows.table() if isinstance(rows, Plan) else list(rows)
    columns = ["sample", "vcf"] + [c for c in PARENT_COLUMNS if any(c in r for r in table)]
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in table]
    write_text(Path(path), "\n".join(lines) + "\n")


def read_statuses(summary_tsv: str | os.PathLike[str]) -> dict[str, list[str]]:
    """sample -> its dira_status value(s) in a cohort summary.tsv (one or more rows per sample),
    read by `outputs.read_summary` (the one reader of the summary); its errors as `SampleSheetError`."""
    try:
        return {sample: entry.statuses for sample, entry in read_summary(summary_tsv).items()}
    except InputError as exc:
        raise SampleSheetError(str(summary_tsv), [exc.message], hint=exc.hint) from None


def report_statuses(mode: str = "flagged") -> list[str]:
    """The dira_status values whose samples get a report under `reports: MODE`."""
    if mode not in REPORT_MODES:
        raise ValueError(f"reports must be one of {', '.join(REPORT_MODES)}, not {mode!r}")
    if mode == "none":
        return []
    if mode == "flagged":
        return list(FLAGGED)
    return [s for s in STATUSES if s != "input_error"]


def select_samples(summary_tsv: str | os.PathLike[str], statuses: Iterable[str]) -> list[str]:
    """Samples of a cohort summary with one of `statuses`, in summary order (the selection
    `il1rn-annot report --samples-from SUMMARY --statuses ...` makes: `outputs.read_summary`)."""
    wanted = set(statuses)
    return [sample for sample, found in read_statuses(summary_tsv).items() if wanted & set(found)]


def flagged_samples(summary_tsv: str | os.PathLike[str], mode: str = "flagged") -> list[str]:
    """Samples that get a lab report: `flagged` (consistent_with_DIRA, possible_DIRA, carrier),
    `all` (every sample that could be read), or `none`; in summary order."""
    statuses = report_statuses(mode)
    return select_samples(summary_tsv, statuses) if statuses else []


PARTS_RECORD = ".parts.json"


def report_part_count(n_samples: int, batch_size: int = DEFAULT_REPORT_BATCH_SIZE, parallel: int = 1,
                      reports_dir: str | os.PathLike[str] | None = None) -> int:
    """How many report jobs write the reports of `n_samples` samples: at most `batch_size`
    samples each, as many as `parallel` (local cores) when there are enough samples, and a
    multiple of `parallel` so that no round of jobs leaves cores idle.

    With `reports_dir`: if the reports there were written for the same number of samples
    (`collect_reports` records it), the same number of parts, so that a re-run with other
    --cores does not re-write every report.
    """
    if n_samples <= 0:
        return 0
    if batch_size < 1 or parallel < 1:
        raise ValueError("batch_size and parallel must be at least 1")
    if reports_dir is not None:
        try:
            record = json.loads((Path(reports_dir) / PARTS_RECORD).read_text(encoding="utf-8"))
            if record["samples"] == n_samples and 1 <= int(record["parts"]) <= n_samples \
                    and -(-n_samples // int(record["parts"])) <= batch_size:
                return int(record["parts"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    parts = -(-n_samples // batch_size)
    parts = -(-parts // parallel) * parallel
    return min(n_samples, parts)


PART_RECORD = ".part.json"  # written by `il1rn-annot report --all-or-nothing` (report.PART_RECORD)


def collect_reports(parts: Iterable[str | os.PathLike[str]], outdir: str | os.PathLike[str],
                    summary: str | os.PathLike[str] | None = None, pdf: bool = True) -> list[Path]:
    """Gather the files of report part folders into OUTDIR (hard links; copies across file
    systems), all or nothing. OUTDIR/.parts.json records how many samples' reports came from
    how many parts.

    Refused (SampleSheetError, nothing put in place): a part without its `.part.json` record
    or missing a file the record lists (a job killed half-way, or a folder edited since);
    a file name written by two parts (two samples, one file name); with `summary`, any report
    the cohort summary links (its `report` column: HTML, and the PDF beside it) that no part
    holds. OUTDIR is filled under a hidden name and renamed into place when complete.
    """
    import shutil

    from il1rn_annot.outputs.atomic import replace_dir, staging_dir, write_text
    target_dir = Path(outdir)
    part_dirs = list(dict.fromkeys(str(p) for p in parts))
    staged = staging_dir(target_dir)
    try:
        written = _link_parts(part_dirs, staged)
        if summary is not None:
            _check_linked_reports(summary, {path.name for path in written}, pdf)
        samples = sum(1 for p in written if p.name.endswith(".report.html"))
        write_text(staged / PARTS_RECORD, json.dumps({"samples": samples, "parts": len(part_dirs)}) + "\n")
        replace_dir(staged, target_dir)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return [target_dir / path.name for path in written]


def _link_parts(parts: list[str], staged: Path) -> list[Path]:
    """Hard-link (or copy) every file of every checked part into `staged`."""
    import shutil

    from il1rn_annot.outputs.atomic import writing
    origin: dict[str, str] = {}
    written = []
    for part in parts:
        files = _part_files(Path(part))
        for path in files:
            if path.name in origin:
                raise SampleSheetError(part, [f"{path.name} is also written by {origin[path.name]}"],
                                       hint="two samples map to one report file name: rename one")
            origin[path.name] = part
            target = staged / path.name
            with writing(target):
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
            written.append(target)
    return written


def _part_files(part: Path) -> list[Path]:
    """The report files of a part folder, checked against its `.part.json` record."""
    hint = ("the report job did not finish (killed?) or the folder was changed: delete the folder and run "
            "the workflow again (Snakemake writes the part again)")
    try:
        record = json.loads((part / PART_RECORD).read_text(encoding="utf-8"))
        listed = [str(name) for name in record["files"]]
    except FileNotFoundError:
        raise SampleSheetError(str(part), [f"no {PART_RECORD}: not a complete report part"], hint=hint) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SampleSheetError(str(part), [f"unreadable {PART_RECORD} ({exc})"], hint=hint) from None
    problems = []
    for name in listed:
        path = part / name
        if "/" in name or name.startswith(".") or not path.is_file():
            problems.append(f"{name}: listed in {PART_RECORD} but not in the folder")
        elif path.stat().st_size == 0:
            problems.append(f"{name}: empty file")
    extra = sorted(p.name for p in part.iterdir() if not p.name.startswith(".") and p.name not in listed)
    problems += [f"{name}: in the folder but not listed in {PART_RECORD}" for name in extra]
    if problems:
        raise SampleSheetError(str(part), problems, hint=hint)
    return [part / name for name in listed]


def missing_collected_reports(summary: str | os.PathLike[str], reports_dir: str | os.PathLike[str],
                              pdf: bool = True) -> list[str]:
    """What the cohort summary links but a collected reports folder lacks (or holds empty),
    one line per sample; [] when complete.

    Why: the folder is ONE Snakemake output, so a report deleted (or emptied) after a complete
    run goes unnoticed by Snakemake; the workflow asks this every time it builds its plan."""
    folder = Path(reports_dir)
    present = {p.name for p in folder.iterdir() if p.is_file() and p.stat().st_size > 0}
    return _missing_linked_reports(summary, present, pdf)


def _check_linked_reports(summary: str | os.PathLike[str], present: set[str], pdf: bool) -> None:
    """Every report the cohort summary links (HTML, and its PDF) is among `present` file names."""
    missing = _missing_linked_reports(summary, present, pdf)
    if missing:
        raise SampleSheetError(str(summary), [f"links a report that is missing: {m}" for m in missing],
                               hint="a report job failed or was interrupted: run the workflow again "
                                    "(with --rerun-incomplete if Snakemake asks for it)")


def _missing_linked_reports(summary: str | os.PathLike[str], present: set[str], pdf: bool) -> list[str]:
    """`sample 'X' (status): X.report.html, X.report.pdf not written` for each report the
    cohort summary links (HTML, and its PDF) that is not among `present` file names."""
    missing = []
    with open(summary, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            link = (row.get("report") or "").strip()
            if not link:
                continue
            html = os.path.basename(link)
            wanted = [html] + ([html[: -len(".html")] + ".pdf"] if pdf and html.endswith(".html") else [])
            absent = [name for name in wanted if name not in present]
            if absent:
                missing.append(f"sample {row.get('sample', '')!r} ({row.get('dira_status', '')}): "
                               + ", ".join(absent) + " not written")
    return missing


def lab_logo(lab_config: str | os.PathLike[str]) -> list[str]:
    """[the logo file a lab settings YAML names], as the report step resolves it (relative to
    the YAML's folder), when it is a regular file; else [] (the report step then says why)."""
    import stat

    import yaml
    try:
        with open(lab_config, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
        logo = doc.get("logo") if isinstance(doc, dict) else None
        if not logo:
            return []
        path = os.path.join(os.path.dirname(str(lab_config)), os.path.expanduser(str(logo)))
        return [os.path.normpath(path)] if stat.S_ISREG(os.stat(path).st_mode) else []
    except (OSError, ValueError, yaml.YAMLError):
        return []


def annotation_jsons(manifests: Iterable[str | os.PathLike[str]], inputs: Iterable[str] | None = None,
                     sample: str | None = None) -> list[str]:
    """Annotation JSON files from annotate manifests (read by `outputs.read_back.read_manifest`);
    inputs that failed are left out.

    With `inputs`: the files written for those inputs, in that order. Without: those of every
    input whose manifest entry lists `sample` (for a sample the sheet does not name, e.g. another
    sample of a joint VCF that the cohort step summarised too).
    """
    # imported here, not at the top: Snakemake imports this module, read_back pulls in numpy
    from il1rn_annot.outputs.read_back import read_manifest
    wanted = list(inputs) if inputs is not None else None
    found: dict[str, str] = {}
    for manifest in manifests:
        for entry in read_manifest(manifest)["inputs"]:
            if entry.get("status") != "ok":
                continue
            if (wanted is not None and entry.get("input") in wanted) or \
                    (wanted is None and sample is not None and sample in entry.get("samples", [])):
                found[entry["input"]] = entry["outputs"]["json"]
    if wanted is None:
        return list(found.values())
    return [found[i] for i in wanted if i in found]


def _write_tsv(rows: list[dict[str, Any]], columns: list[str], handle: Any) -> None:
    writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="il1rn-annot samplesheet",
                                     description="Check a sample sheet, resolve screened VCFs, show batches.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("resolve", "write the resolved sheet (sample, vcf) of every pair to screen"),
                            ("plan", "print the batches (one annotate job each)")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--samples", default="", help="sample sheet (TSV with columns sample, vcf)")
        p.add_argument("--screen-vcf", action="append", default=[], metavar="VCF",
                       help="joint VCF whose every sample is screened (repeatable)")
        p.add_argument("--schema", help="JSON Schema (YAML) for one sheet row")
        p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        if name == "resolve":
            p.add_argument("-o", "--output", required=True)
        else:
            p.add_argument("--cores", type=int, default=1,
                           help="annotate jobs run at once (the workflow's --cores on a local run)")
            p.add_argument("--annotations", metavar="DIR",
                           help="keep the finished batches of DIR (results/annotations), as the workflow does")
    col = sub.add_parser("collect-reports", help="gather report part folders into one folder (hard links)")
    col.add_argument("parts", nargs="+", metavar="DIR")
    col.add_argument("-o", "--output", required=True)
    col.add_argument("--summary", metavar="TSV", help="cohort summary.tsv: every report it links must be collected")
    col.add_argument("--no-pdf", action="store_true", help="the reports were written without PDFs")
    args = parser.parse_args(argv)
    try:
        if args.command == "collect-reports":
            written = collect_reports(args.parts, args.output, args.summary, pdf=not args.no_pdf)
            print(f"{len(written)} report file(s) from {len(args.parts)} part(s) -> {args.output}", file=sys.stderr)
            return 0
        finished = read_finished_batches(args.annotations) if getattr(args, "annotations", None) else None
        plan = make_plan(args.samples or None, args.screen_vcf, args.batch_size, schema=args.schema,
                         parallel=getattr(args, "cores", 1), finished=finished)
    except Il1rnAnnotError as exc:
        print(f"il1rn-annot: error: {exc}", file=sys.stderr)
        return 2
    for line in screened_in_several_text(plan.screened_in_several):
        print(f"il1rn-annot: warning: {line}", file=sys.stderr)
    if args.command == "resolve":
        write_resolved_sheet(plan, args.output)
        print(f"{len(plan.rows)} (sample, vcf) pairs, {len(plan.samples)} samples, "
              f"{sum(len(b.inputs) for b in plan.batches)} files -> {args.output}", file=sys.stderr)
    else:
        rows = [{"batch": b.index, "input": p, "output_name": n}
                for b in plan.batches for p, n in zip(b.inputs, b.output_names())]
        _write_tsv(rows, ["batch", "input", "output_name"], sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
