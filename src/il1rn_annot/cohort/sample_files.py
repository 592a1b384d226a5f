"""Which samples the cohort summarises, and which files each one is read from.

Which samples. Every sample of the sample sheet, plus every sample of every manifest input
the sheet does not name (a joint VCF screened without listing its samples), including the
samples of inputs that failed. `SampleSelection.expected` is that set, counted apart from the
selection itself: `summary.build_cohort` checks its rows against it before anything is written,
so no sample can go missing silently. A failed input whose sample names could not be read and
which the sheet does not mention cannot produce a sample row; it is listed under `inputs`
(JSON and HTML) and in the warnings.

Which files. Samples are identified by their ID. A sheet sample uses exactly the files the
sheet lists for it (the sheet is authoritative; the same ID in another input is ignored with a
warning); a sample outside the sheet uses every manifest input that holds it. A file the sheet
names is screened for the samples the sheet lists only (consent): its other samples are left
out, with a warning.

The sample sheet is read by the workflow's reader (`workflow.sheet.read_sample_sheet`,
without checking that the files are visible from here): one reading of a sheet, one `SheetRow`.
Sheet paths are matched to manifest inputs by path (from the working folder or the sheet's
folder, symlinks resolved), else by file name when the content (SHA-256) is the same; see
`InputIndex.find`. A sheet file found in no manifest makes its sample an input_error
(`summary.pool_sample`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.digest import sha256_file
from il1rn_annot.outputs.read_inputs import AnnotatedInput, InputIndex
from il1rn_annot.workflow.sheet import parents_of as sheet_parents
from il1rn_annot.workflow.sheet import read_sample_sheet


@dataclass
class SampleSources:
    """The files one sample is summarised from: the manifest inputs that hold it (for a sheet
    sample, those the sheet lists) and the sheet paths found in no manifest."""

    sample: str
    inputs: list[AnnotatedInput] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # sheet paths found in no manifest
    in_sheet: bool = False


@dataclass
class SampleSelection:
    """Which samples the cohort summarises and from which files (see the module docstring)."""

    sources: dict[str, SampleSources]  # sample -> its files, in sheet order, then in manifest order
    expected: set[str]  # every sample of the sheet and of every input it does not name: the row-count check
    parents_of: dict[str, dict[str, str]]  # sample -> {"mother": ID, "father": ID} as the sheet names them
    sheet_record: dict[str, Any] | None  # the sheet's path, SHA-256 and row count for the provenance


def select_cohort_samples(
    inputs: list[AnnotatedInput], sample_sheet: str | None, warnings: list[str]
) -> SampleSelection:
    """Every sample to summarise and the files of each: the sheet decides for its samples and
    for the files it names; every other sample of every input is summarised from all of them.
    What is left out (a sheet sample in a file the sheet does not list for it, an unlisted
    sample of a file the sheet names, an unreadable input with no known samples) is added to
    `warnings`."""
    index = InputIndex(inputs)
    sources: dict[str, SampleSources] = {}
    sheet_record: dict[str, Any] | None = None
    sheet_samples: list[str] = []
    named_by_sheet: set[int] = set()  # inputs the sheet names: only its listed samples are screened
    parents_of: dict[str, dict[str, str]] = {}
    if sample_sheet:
        # the workflow's reader (one reading of a sheet); the files need not be visible from here
        sheet_rows = read_sample_sheet(sample_sheet, check_files=False)
        for sheet_row in sheet_rows:
            if sheet_parents(sheet_row):
                parents_of[sheet_row.sample] = sheet_parents(sheet_row)
        sheet_samples = [sheet_row.sample for sheet_row in sheet_rows]
        sheet_record = {"path": sample_sheet, "sha256": sha256_file(Path(sample_sheet)), "rows": len(sheet_rows)}
        sheet_dir = Path(sample_sheet).resolve().parent
        for sheet_row in sheet_rows:
            src = sources.setdefault(sheet_row.sample, SampleSources(sheet_row.sample, in_sheet=True))
            item = index.find(sheet_row.vcf, sheet_dir, warnings)
            if item is not None:
                named_by_sheet.add(id(item))
            if item is None:
                src.unmatched.append(sheet_row.vcf)
            elif item not in src.inputs:
                src.inputs.append(item)
                item.used = True
    ignored: list[str] = []
    unlisted = 0
    for item in inputs:
        for sample in item.samples:
            found = sources.get(sample)
            if found is None and id(item) in named_by_sheet:
                unlisted += 1  # consent: a joint VCF named by the sheet is screened for the listed samples only
                continue
            if found is None:
                found = sources[sample] = SampleSources(sample)
            if found.in_sheet:
                if item not in found.inputs:
                    ignored.append(f"{sample} in {item.input}")
                continue
            found.inputs.append(item)
            item.used = True
    if ignored:
        warnings.append(
            f"{len(ignored)} sample(s) of the sample sheet are also in inputs the sheet does not list "
            "for them; those calls were not used (the sheet decides which files hold a sample): "
            + "; ".join(ignored[:10])
            + (" ..." if len(ignored) > 10 else "")
        )
    if unlisted:
        warnings.append(
            f"{unlisted} sample(s) of files named in the sample sheet are not listed in it and were not "
            "summarised (the sheet decides which samples are screened; list them, or screen the whole "
            "file with screen_vcfs)"
        )
    orphans = [i for i in inputs if not i.ok and not i.samples and not i.used]
    for item in orphans:
        warnings.append(
            f"{item.input} could not be read and its sample names are unknown, so none of its "
            f"samples can be listed: {item.error}"
        )

    # counted independently of `sources`, so that the row-count check can catch a sample lost on the way
    expected = set(sheet_samples) | {s for item in inputs if id(item) not in named_by_sheet for s in item.samples}
    return SampleSelection(sources, expected, parents_of, sheet_record)
