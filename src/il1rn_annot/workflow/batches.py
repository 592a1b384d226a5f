"""Annotate batches: which input files one annotate job reads, and the plan the workflow builds.

* `plan_batches()` groups the distinct input files into batches of at most `batch_size`
  files (one annotate job each, writing `results/annotations/batch_N/`) such that no two
  files of one batch would write the same output name (`NAME.il1rn.json` for
  `run1/NAME.vcf.gz` and `run2/NAME.vcf.gz`); local batches are cut into full rounds of equal
  jobs (one per core, `balanced_sizes()`), and finished batches (`read_finished_batches()`,
  from their manifests) are kept as they are.
* `make_plan()` reads the sample sheet and the screened VCFs (`workflow.sheet`) and returns
  the `Plan`: the rows, the batches, and which sample reads which files.

Snakemake builds the plan while it builds the DAG (`rules/common.smk`): stdlib only here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.outputs import naming
from il1rn_annot.workflow.screen_vcfs import combine_rows, screen_vcf_rows, shared_screen_ids
from il1rn_annot.workflow.sheet import (
    SampleSheetError,
    SheetRow,
    read_sample_sheet,
    resolved_table,
    safe_name_map,
)

DEFAULT_BATCH_SIZE = 200


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


def _fill(paths: Iterable[str], capacity: Callable[[int], int]) -> list[list[str]]:
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


def plan_batches(
    inputs: Iterable[str],
    batch_size: int = DEFAULT_BATCH_SIZE,
    parallel: int = 1,
    finished: Mapping[int, Sequence[str]] | None = None,
) -> list[Batch]:
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
    done = finished or {}
    for index in sorted(done):
        files = tuple(done[index])
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

    def rebatch(
        self,
        batch_size: int = DEFAULT_BATCH_SIZE,
        parallel: int = 1,
        finished: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
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
        raise KeyError(f"no batch {index}: the plan has batches {', '.join(str(b.index) for b in self.batches)}")

    def sample_for(self, safe: str) -> str:
        try:
            return self.sample_of_safe[safe]
        except KeyError:
            raise KeyError(
                f"unknown sample file name {safe!r}: not a sample of the sample sheet or a screened VCF"
            ) from None

    def batches_of(self, sample: str) -> list[int]:
        return sorted({self.batch_of[v] for v in self.inputs_of[sample]})

    def table(self) -> list[dict[str, str]]:
        """The resolved sheet of the plan's rows (`sheet.resolved_table`)."""
        return resolved_table(self.rows)


def make_plan(
    sample_sheet: str | None,
    screen_vcfs: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    check_files: bool = True,
    schema: str | os.PathLike[str] | dict[str, Any] | None = None,
    parallel: int = 1,
    finished: Mapping[int, Sequence[str]] | None = None,
) -> Plan:
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
    for row, real in zip(rows, reals, strict=True):
        if real not in canonical:
            canonical[real] = row.vcf
            inputs.append(row.vcf)
    rows = [
        SheetRow(r.sample, canonical[real], r.source, r.row, r.line, r.extra)
        for r, real in zip(rows, reals, strict=True)
    ]
    plan = Plan(
        rows,
        [],
        screened_but_in_sheet=skipped,
        inputs=inputs,
        screened_in_several=shared_screen_ids(screen_rows, {r.sample for r in sheet_rows}),
    )
    plan.rebatch(batch_size, parallel, finished)
    for row in rows:
        plan.inputs_of.setdefault(row.sample, [])
        if row.vcf not in plan.inputs_of[row.sample]:
            plan.inputs_of[row.sample].append(row.vcf)
    plan.sample_of_safe = safe_name_map(plan.inputs_of)
    return plan
