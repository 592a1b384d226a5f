"""The `screen_vcfs` joint VCFs: every sample of each becomes a sheet row, its name read from the
header with cyvcf2 (imported only then).

`screen_vcf_rows()` makes the rows; `combine_rows()` puts them after the sheet's rows (the sheet
decides for its own samples); `shared_screen_ids()` / `screened_in_several_text()` name IDs found in
several screened VCFs. The sheet itself is read in `workflow.sheet`; Snakemake imports this module
while it builds the DAG, so it stays light.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from il1rn_annot.workflow.sheet import SampleSheetError, SheetRow, file_problem, normalise_path


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
        problem = file_problem(vcf)
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
        raise SampleSheetError(
            "config",
            problems,
            hint="fix or remove the file from screen_vcfs; list its samples in the sample "
            "sheet instead to have an unreadable file reported as input_error",
        )
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


def screened_in_several_text(shared: dict[str, list[str]], shown: int = 10) -> list[str]:
    """Warning lines naming samples found in more than one screened VCF (`shared_screen_ids`)."""
    if not shared:
        return []
    lines = [
        (
            f"{len(shared)} sample ID(s) are in more than one screen_vcfs file; their calls are interpreted "
            "together, and any site where the files disagree is flagged as a possible sample swap (list a "
            "sample in the sample sheet to choose its files):"
        )
    ]
    lines += [f"  {sample}: {', '.join(vcfs)}" for sample, vcfs in list(shared.items())[:shown]]
    if len(shared) > shown:
        lines.append(f"  ... and {len(shared) - shown} more")
    return lines
