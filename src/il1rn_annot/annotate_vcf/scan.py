"""The pass over the locus records: annotate every ALT, count genotypes, keep the carriers' calls.

Reading is what a big joint VCF costs: at 10,000 samples every record is ~70 KB of genotype
text that htslib must parse, more than everything else the tool does. So the window is cut
into position ranges, read by forked worker processes when the file has many samples and an
index. Every range gives a `LocusTally` (`annotate_vcf.tally`); the tallies are merged in range order, which gives
the same result as one pass (tests/test_scan.py compares the outputs byte for byte), and an
error is reported from the first range that has one, as one pass would.

Above `VCF_GENOTYPES_MAX_SAMPLES` samples the annotated VCF is sites-only: its lines come
from a second, sample-less read (htslib then skips the genotype columns), also cut into
ranges and spread over the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import cyvcf2

from il1rn_annot.annotate_vcf import text_scan
from il1rn_annot.annotate_vcf.ranges import position_ranges, text_position_ranges
from il1rn_annot.annotate_vcf.tally import LocusTally, ScanPlan, annotated, check_record, record_label
from il1rn_annot.core.alleles import alleles_of
from il1rn_annot.core.annotate import AlleleAnnotation
from il1rn_annot.errors import InputError
from il1rn_annot.forked import ChildDied, Forked
from il1rn_annot.outputs.annotated_vcf import AnnotatedVcfWriter, annotated_line, declare_annotation_info
from il1rn_annot.vcf.fetch import ShortRecords, header_sample_count, locus_records
from il1rn_annot.vcf.vcf_input import reopen

if TYPE_CHECKING:
    from concurrent.futures import Future

#: up to this many samples the annotated VCF keeps the genotype columns; above, it is sites-only
VCF_GENOTYPES_MAX_SAMPLES = 100
#: a file with at least this many samples is read by worker processes (when it has an index
#: and more than one core is allowed); below, a fork costs more than it saves
PARALLEL_MIN_SAMPLES = 500
#: most worker processes for one file
MAX_WORKERS = 8


def worker_count(plan: ScanPlan, threads: int | None) -> int:
    """Processes to read the window with: 1 unless the file is big, indexed and cores are allowed."""
    if plan.index is None or len(plan.info.samples) < PARALLEL_MIN_SAMPLES:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # workers inherit the plan by fork (Windows has none): read in this process
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(threads, MAX_WORKERS))


def scan_keeping_genotypes(
    plan: ScanPlan, reader: cyvcf2.VCF, writer: AnnotatedVcfWriter, late: bool = False
) -> tuple[LocusTally, Callable[[], bool] | None]:
    """One pass that writes every record whole (genotype columns included) as it is tallied.

    `late`: the records are kept and formatted only by the returned `format_late`, called
    when the annotated VCF is kept (most inputs of a batch write none: issue 19); it returns
    False, writing nothing, when the writer cannot declare the INFO fields late
    (`AnnotatedVcfWriter.declare_now`).
    """
    tally = LocusTally(len(plan.info.samples))
    tally.short = ShortRecords(header_sample_count(plan.info))
    kept: list[tuple[cyvcf2.Variant, list[AlleleAnnotation | None]]] = []
    for record in locus_records(plan.info, reader, plan.window, plan.index, short=tally.short):
        per_alt = tally.add(plan, record)
        if late:
            _check_utf8(record, plan)  # refused as when its line is formatted now (`_formatted`)
            kept.append((record, per_alt))
        else:
            writer.write_line(record.CHROM, record.POS, _formatted(record, per_alt, plan))
    tally.close(plan.info, streamed=plan.index is None)
    if not late:
        return tally, None

    def format_late() -> bool:
        if not writer.declare_now():
            return False
        for record, per_alt in kept:
            writer.write_line(record.CHROM, record.POS, _formatted(record, per_alt, plan))
        return True

    return tally, format_late


class SitesOnlyScan:
    """A sites-only scan, in `workers` processes when more than one (a context manager).

    The work is cut into tasks: per position range a *tally* (genotypes parsed: the heavy
    part), then one *sites* read of the whole window (sample-less: annotation and the VCF
    lines). Workers take them in that order as they come free. Entering waits for the
    tallies only: the caller interprets the samples and writes the per-sample outputs while
    a worker still formats the VCF lines, which `finish` then writes.

    `reader` (the caller's, possibly sample-subset) serves the tally when everything runs
    here; `while_waiting` runs while workers read (the input's checksum); `before_htslib`
    before the genotypes are read the old way after the text read gave way (the size check
    of the records that the text read does as it reads).
    """

    def __init__(
        self,
        plan: ScanPlan,
        reader: cyvcf2.VCF,
        writer: AnnotatedVcfWriter,
        workers: int = 1,
        while_waiting: Callable[[], object] | None = None,
        before_htslib: Callable[[], object] | None = None,
    ) -> None:
        self.plan, self.writer, self.workers = plan, writer, max(1, workers)
        self._reader, self._while_waiting, self._before_htslib = reader, while_waiting, before_htslib
        ranges = position_ranges(plan.window, self.workers)
        self._tally_tasks: list[Task] = [("tally", bounds) for bounds in ranges]
        # one sites task for the whole window: a sample-less read is mostly decompression,
        # and a second range would decompress the first again (see `position_ranges`)
        self._sites_tasks: list[Task] = [("sites", (None, None))]
        # a plain joint VCF: one text read per range gives the tally and the VCF lines (text_scan.py)
        # (cut evenly: a later range starts reading near its first record, vcf.bgzf_seek)
        text_ranges = text_position_ranges(plan.window, self.workers)
        self._text_tasks: list[Task] = [("text", bounds) for bounds in text_ranges] if text_scan.eligible(plan) else []
        #: why the text read gave way to the old one (None: it did not, or was not tried)
        self.text_fallback: str | None = None
        self._text_lines: list[tuple[list[tuple[str, int, bytes]], str]] | None = None
        self._pool: Any = None
        self._sites_pending: Any = None
        self.tally = LocusTally(len(plan.info.samples))

    @property
    def read_as(self) -> str:
        """How the genotypes were read: "text" (text_scan.py) or "htslib"."""
        return "text" if self._text_lines is not None else "htslib"

    def __enter__(self) -> SitesOnlyScan:
        try:
            results = self._text_pass() if self._text_tasks else None
            if results is None:
                if self._before_htslib is not None:
                    self._before_htslib()  # what the text read would have checked (the records' sizes)
                results = self._tally_pass()
            for value in _values(self.plan, results):  # in file order: a single pass's first error
                self.tally.merge(value)
            self.tally.close(self.plan.info, streamed=self.plan.index is None)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _run(self, tasks: list[Task], reader: cyvcf2.VCF | None = None) -> list[tuple[str, Any]]:
        """Run tasks here, the first always (this process would otherwise only wait), each
        other in a forked child when there are workers (`forked.py`); then the caller's
        `while_waiting`, and the children's results, in task order."""
        plan = self.plan
        children: list[Forked] = []
        try:
            if self.workers > 1:
                for task in tasks[1:]:  # one by one: a fork that fails leaves the earlier ones to cancel
                    children.append(Forked(lambda task: _attempt(plan, task), task))
                results = [_attempt(plan, tasks[0], reader)]
            else:
                results = [_attempt(plan, task, reader) for task in tasks]
            if self._while_waiting is not None:
                self._while_waiting()
            for child in children:
                results.append(child.result())
        except ChildDied:
            raise _worker_died(plan) from None
        finally:
            for child in children:
                child.cancel()  # only those not waited for: an error is on its way
        return results

    def _text_pass(self) -> list[tuple[str, Any]] | None:
        """The text read of every range (text_scan.py); None when a range needs the old read."""
        results = self._run(self._text_tasks)
        _values(self.plan, [r for r in results if r[0] != "fallback"])  # a worker's bug: raised here
        gave_way = [value for status, value in results if status == "fallback"]
        if gave_way:
            self.text_fallback = gave_way[0]
            return None
        self._text_lines = [(lines, header) for _, (_, lines, header) in results]
        return [("ok", tally) for _, (tally, _, _) in results]

    def _tally_pass(self) -> list[tuple[str, Any]]:
        """The genotype tallies of every range; the sites read starts in the pool beside them."""
        if self.workers == 1:
            return self._run(self._tally_tasks, self._reader)
        self._start_pool()
        tallies = [self._pool.submit(_worker, task) for task in self._tally_tasks]
        self._sites_pending = [self._pool.submit(_worker, task) for task in self._sites_tasks]
        if self._while_waiting is not None:
            self._while_waiting()
        return self._collect(tallies)

    def finish(self) -> None:
        """Write the sites-only lines of every range to the writer (waiting for the workers)."""
        if self._text_lines is not None:
            results = [("ok", value) for value in self._text_lines]
        elif self._sites_pending is None:
            results = [_attempt(self.plan, task) for task in self._sites_tasks]
        else:
            results = self._collect(self._sites_pending)
        written = 0
        for lines, header in _values(self.plan, results):
            for chrom, pos, line in lines:
                self.writer.write_line(chrom, pos, line)
            written += len(lines)
            self.writer.adopt_header(header)
        if written != self.tally.records_read:
            raise RuntimeError(
                f"{self.plan.info.path}: {self.tally.records_read} records tallied but {written} formatted"
            )

    def _start_pool(self) -> None:
        """Worker processes for the htslib read (imported here: the text read needs none)."""
        global _PLAN
        from concurrent.futures import ProcessPoolExecutor

        _PLAN = self.plan
        # concurrent.futures, not multiprocessing.Pool: if htslib kills a worker (a
        # segmentation fault on a malformed record), the pending results fail with
        # BrokenProcessPool instead of being waited for forever
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))

    def _collect(self, futures: list[Future[tuple[str, Any]]]) -> list[tuple[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return [future.result() for future in futures]
        except BrokenProcessPool:
            raise _worker_died(self.plan) from None

    def __exit__(self, *exc: object) -> None:
        global _PLAN
        if self._pool is not None:
            # nothing left to wait for: the results were taken, or an error is on its way
            for future in self._sites_pending or ():
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        _PLAN = None


def _worker_died(plan: ScanPlan) -> InputError:
    return InputError(
        "a worker process reading the file died (htslib crashed, e.g. on a malformed record)",
        path=str(plan.info.path),
        hint="run with --threads 1 to have the record named, or check the file with `bcftools view`",
    )


def _values(plan: ScanPlan, results: list[tuple[str, Any]]) -> list[Any]:
    """The tasks' values; the first error (in task order) raised."""
    for status, value in results:
        if status == "error":
            raise value
        if status == "crash":
            raise RuntimeError(f"a worker reading {plan.info.path} failed: {value}")
    return [value for _, value in results]


Task = tuple[str, tuple[int | None, int | None]]  # ("tally" | "sites" | "text", (first, last) POS)
_PLAN: ScanPlan | None = None  # set for the lifetime of a worker pool; forked workers inherit it


def _worker(task: Task) -> tuple[str, Any]:
    assert _PLAN is not None
    return _attempt(_PLAN, task)


def _attempt(plan: ScanPlan, task: Task, reader: cyvcf2.VCF | None = None) -> tuple[str, Any]:
    """Run one task. Errors come back as values, so that the caller raises the first in file
    order (not the first to happen), and a bug's message survives the trip from a worker."""
    kind, bounds = task
    try:
        if kind == "tally":
            return "ok", _tally_range(plan, bounds, reader)
        if kind == "text":
            try:
                return "ok", text_scan.text_range(plan, bounds)
            except text_scan.NotPlain as exc:
                return "fallback", str(exc)
        return "ok", _sites_range(plan, bounds)
    except InputError as exc:
        return "error", exc
    except Exception as exc:  # a bug: report it with its type, whichever process met it
        if multiprocessing.parent_process() is None:
            raise
        return "crash", f"{type(exc).__name__}: {exc}"


def _tally_range(plan: ScanPlan, bounds: tuple[int | None, int | None], reader: cyvcf2.VCF | None = None) -> LocusTally:
    """Parse the genotypes of the records starting in `bounds` and tally them."""
    info = plan.info
    if reader is None:
        reader = reopen(info, plan.samples)
    tally = LocusTally(len(info.samples))
    tally.short = ShortRecords(header_sample_count(info))
    for record in locus_records(
        info, reader, plan.window, plan.index, None if bounds == (None, None) else bounds, short=tally.short
    ):
        tally.add(plan, record)
    return tally


def _sites_range(plan: ScanPlan, bounds: tuple[int | None, int | None]) -> tuple[list[tuple[str, int, bytes]], str]:
    """Annotate the records starting in `bounds` and format them sites-only: (lines, reader header).

    The header comes back because htslib declares undeclared INFO/FORMAT tags on the reader
    that meets them, and the annotated VCF must declare them too. The alleles are annotated
    again here rather than taken from the tally of the same range: the two tasks run at the
    same time in different processes, and annotating costs ~0.08 ms per allele.
    """
    info = plan.info
    sites = reopen(info, samples=[])
    declare_annotation_info(sites, plan.evidence is not None)
    lines: list[tuple[str, int, bytes]] = []
    for record in locus_records(info, sites, plan.window, plan.index, None if bounds == (None, None) else bounds):
        check_record(plan, record)
        per_alt: list[AlleleAnnotation | None] = [None] * len(record.ALT)
        for allele in alleles_of(record, str(info.path), plan.contig_length):
            per_alt[allele.alt_index - 1] = annotated(plan, allele)[0]
        lines.append((record.CHROM, record.POS, _formatted(record, per_alt, plan)))
    return lines, sites.raw_header


def _formatted(record: cyvcf2.Variant, per_alt: list[AlleleAnnotation | None], plan: ScanPlan) -> bytes:
    try:
        return annotated_line(record, per_alt)
    except UnicodeDecodeError:
        raise _not_utf8(record, plan) from None


def _check_utf8(record: cyvcf2.Variant, plan: ScanPlan) -> None:
    """Refuse a record whose text is not UTF-8, as `_formatted` does (htslib's text of the
    record, without the annotation: ~a tenth of formatting it annotated)."""
    try:
        str(record)
    except UnicodeDecodeError:
        raise _not_utf8(record, plan) from None


def _not_utf8(record: cyvcf2.Variant, plan: ScanPlan) -> InputError:
    return InputError(
        "the record is not UTF-8 text",
        path=str(plan.info.path),
        where=record_label(record),
        hint="VCF text is UTF-8: convert the file, e.g. `iconv -f latin1 -t utf-8`",
    )
