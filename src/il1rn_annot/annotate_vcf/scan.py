"""The pass over the locus records: annotate every ALT, count genotypes, keep the carriers' calls.

Reading is what a big joint VCF costs: at 10,000 samples every record is ~70 KB of genotype
text that htslib must parse, more than everything else the tool does. So the window is cut
into position ranges, read by forked worker processes when the file has many samples and an
index. Every range gives a `LocusTally`; the tallies are merged in range order, which gives
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
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import cyvcf2
import numpy as np

from il1rn_annot.core.annotate import AlleleAnnotation, annotate_allele
from il1rn_annot.core.coverage import CdsCoverage, CoverageThresholds, confident_calls, is_reference_block, is_structural
from il1rn_annot.errors import InputError
from il1rn_annot.core.genotypes import Call, RecordGenotypes
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.core.alleles import Allele, alleles_of
from il1rn_annot.vcf.fetch import ShortRecords, header_sample_count, locus_records, short_records_in_file
from il1rn_annot.vcf.record_extent import record_span_end, record_where
from il1rn_annot.vcf.vcf_input import VcfInput, reopen
from il1rn_annot.vcf.reference import ReferenceGenome
from il1rn_annot.outputs.annotated_vcf import annotated_line, AnnotatedVcfWriter, declare_annotation_info

#: up to this many samples every carried allele is listed per sample; above, only those that bear
#: on interpretation (P/LP, VUS, curated, association) — likely-benign ones are counted per allele
FINDINGS_ALL_MAX_SAMPLES = 50
#: up to this many samples the annotated VCF keeps the genotype columns; above, it is sites-only
VCF_GENOTYPES_MAX_SAMPLES = 100
#: a file with at least this many samples is read by worker processes (when it has an index
#: and more than one core is allowed); below, a fork costs more than it saves
PARALLEL_MIN_SAMPLES = 500
#: most worker processes for one file
MAX_WORKERS = 8


@dataclass
class ScanPlan:
    """Everything a range of the scan needs; forked workers inherit it (it is never pickled)."""

    info: VcfInput
    kb: KnowledgeBase
    build: str
    reference: ReferenceGenome | None
    window: tuple[int, int]
    contig_length: int
    all_findings: bool
    samples: list[str] | None  # the subset requested, in file order (None: every sample)
    index: str | None  # from `locate.locus_index`; None: the file is streamed
    #: the IL1RN CDS segments whose coverage by confident calls is measured (coverage.py)
    cds: list[tuple[int, int]] = field(default_factory=list)
    thresholds: CoverageThresholds = field(default_factory=CoverageThresholds)


@dataclass
class LocusTally:
    """What the records of the window (or of one range of it) add up to."""

    n_samples: int
    records_read: int = 0
    #: per allele ID: its annotation plus carriers, homozygotes, allele count, called samples
    alleles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: annotations (as dicts) of the alleles whose carriers are listed in `sample_calls`
    annotations: list[dict[str, Any]] = field(default_factory=list)
    #: per sample index: (index in `annotations`, call) for each allele it carries. Kept apart
    #: from the annotation until `findings` joins them, so a worker's tally pickles small
    sample_calls: dict[int, list[tuple[int, Call]]] = field(default_factory=dict)
    locus_called: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: per sample: locus records with no genotype for it
    uncalled_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    #: per sample: locus records with a half-called genotype (0/., ./1): DIRA is not excluded there
    partial_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    warnings: list[str] = field(default_factory=list)
    #: breakend junctions counted (locate.Allele.event -> allele ID): the mate of a pair is not counted again
    events: dict[tuple[str, str, int, int], str] = field(default_factory=dict)
    #: records read without genotype columns in a file with samples (anywhere / at the locus)
    short: ShortRecords = field(default_factory=lambda: ShortRecords(0))
    short_at_locus: ShortRecords = field(default_factory=lambda: ShortRecords(0))
    #: per sample and CDS base: a confident call or reference block over it (made at the first record)
    cds: CdsCoverage | None = None
    #: what kind of input the records show (coverage.input_kind): gVCF blocks, small variants, SVs
    reference_blocks: int = 0
    small_records: int = 0
    structural_records: int = 0

    def __post_init__(self) -> None:
        if len(self.locus_called) != self.n_samples:
            self.locus_called = np.zeros(self.n_samples, dtype=bool)
            self.uncalled_records = np.zeros(self.n_samples, dtype=np.int32)
        if len(self.partial_records) != self.n_samples:
            self.partial_records = np.zeros(self.n_samples, dtype=np.int32)

    def add(self, plan: ScanPlan, record: cyvcf2.Variant) -> list[AlleleAnnotation | None]:
        """Check, annotate and count one record; return its annotation per ALT (None: not a variant)."""
        path_text = str(plan.info.path)
        self.records_read += 1
        check_record(plan, record)
        n = self.n_samples
        if n and not record.FORMAT:
            self.short_at_locus.add(record, _where(record))
        genotypes = RecordGenotypes.of(record, n) if n else None
        self._count_kind(record)
        if genotypes is not None:
            self.locus_called |= genotypes.called
            self.uncalled_records += ~genotypes.called
            self.partial_records += genotypes.half_called
            if plan.cds:
                self._add_coverage(plan, record, genotypes)
        per_alt: list[AlleleAnnotation | None] = [None] * len(record.ALT)
        for allele in alleles_of(record, path_text, plan.contig_length):
            ann, ann_dict = annotated(plan, allele)
            per_alt[allele.alt_index - 1] = ann
            # a REF base the protein rules out (codon_sets): a run warning too, not only an allele note
            self.warnings.extend(n.removeprefix("WARNING: ") for n in ann.notes if n.startswith("WARNING: record "))
            if allele.event is not None:
                if allele.event in self.events:
                    continue  # the other end of a junction already counted (a breakend pair is one event)
                self.events[allele.event] = ann.allele_id
            entry = self.alleles.setdefault(ann.allele_id, {**ann_dict, "carriers": 0, "homozygotes": 0,
                                                            "allele_count": 0, "called_samples": 0})
            if genotypes is None:
                continue
            entry["called_samples"] = max(entry["called_samples"], int(np.count_nonzero(genotypes.called)))
            carriers, homozygotes, allele_count = genotypes.counts(allele)
            entry["carriers"] += carriers
            entry["homozygotes"] += homozygotes
            entry["allele_count"] += allele_count
            if plan.all_findings or bears_on_interpretation(ann):
                calls = genotypes.calls(allele)
                if calls:
                    self.annotations.append(ann_dict)
                    k = len(self.annotations) - 1
                    for call in calls:
                        self.sample_calls.setdefault(call.sample_index, []).append((k, call))
        return per_alt

    def _count_kind(self, record: cyvcf2.Variant) -> None:
        if is_reference_block(record):
            self.reference_blocks += 1
        elif is_structural(record):
            self.structural_records += 1
        else:
            self.small_records += 1

    def _add_coverage(self, plan: ScanPlan, record: cyvcf2.Variant, genotypes: RecordGenotypes) -> None:
        """Mark the CDS bases a confident call or block of this record covers, per sample.

        Blocks cover POS..END; explicit variant records (a gVCF's `C  T,<*>`) their REF bases.
        Symbolic and breakend records say nothing about small variants: they cover nothing.
        """
        if self.cds is None:
            self.cds = CdsCoverage(plan.cds, self.n_samples)
        if not is_reference_block(record) and is_structural(record):
            return
        first, last = record.POS, record.end  # htslib's end uses INFO/END for blocks
        lo, hi = self.cds.columns(first, last)
        if hi > lo:
            self.cds.add(first, last, confident_calls(record, genotypes, plan.thresholds))

    def findings(self, sample_index: int, source: str) -> list[dict[str, Any]]:
        """A sample's findings: each carried allele's annotation merged with the sample's call."""
        return [_finding(self.annotations[k], call, source) for k, call in self.sample_calls.get(sample_index, ())]

    def merge(self, later: LocusTally) -> None:
        """Add the tally of the next range (records after this one's), as if read in one pass."""
        self.records_read += later.records_read
        # a junction whose first end an earlier range counted: its other end is not counted again
        mates = {allele_id for event, allele_id in later.events.items() if event in self.events}
        for event, allele_id in later.events.items():
            self.events.setdefault(event, allele_id)
        for allele_id, theirs in later.alleles.items():
            if allele_id in mates:
                continue
            mine = self.alleles.get(allele_id)
            if mine is None:
                self.alleles[allele_id] = theirs
                continue
            mine["called_samples"] = max(mine["called_samples"], theirs["called_samples"])
            for key in ("carriers", "homozygotes", "allele_count"):
                mine[key] += theirs[key]
        shift = len(self.annotations)
        self.annotations.extend(later.annotations)
        for index, calls in later.sample_calls.items():
            kept = [(k + shift, call) for k, call in calls if later.annotations[k]["allele_id"] not in mates]
            if kept:
                self.sample_calls.setdefault(index, []).extend(kept)
        self.locus_called |= later.locus_called
        self.uncalled_records += later.uncalled_records
        self.partial_records += later.partial_records
        if later.cds is not None:
            if self.cds is None:
                self.cds = later.cds
            else:
                self.cds.merge(later.cds)
        self.reference_blocks += later.reference_blocks
        self.small_records += later.small_records
        self.structural_records += later.structural_records
        self.warnings.extend(later.warnings)
        self.short.merge(later.short)
        self.short_at_locus.merge(later.short_at_locus)

    def close(self, info: VcfInput, streamed: bool) -> None:
        """Add the file-level warnings once every range is merged.

        Records without genotype columns (Manta writes 8-column records among genotyped ones)
        are named once per file, wherever they are: a streamed file's every record is seen; an
        indexed SV file up to `locate.SHORT_SCAN_MAX_BYTES` is counted whole; otherwise the
        count covers the records the index queries read, and the warning says so.
        """
        n = header_sample_count(info)
        if not n:
            return
        whole = None if streamed or not info.has_sv_header else short_records_in_file(info)
        found = self.short if whole is None else whole
        if not found.count and not self.short_at_locus.count:
            return
        scope = "in the file" if streamed or whole is not None else "among the records read around the locus"
        text = (f"{max(found.count, self.short_at_locus.count)} record(s) {scope} have fewer columns than the "
                f"header: no genotype columns, although it names {n} sample(s) (first at {found.first})")
        if self.short_at_locus.count:
            more = self.short_at_locus.count - 1
            text += (f"; at the IL1RN locus, {self.short_at_locus.first} has no genotype columns"
                     + (f" (and {more} more)" if more else "")
                     + ": no sample is genotyped there, so a variant in it is attributed to no sample")
        else:
            text += "; none at the IL1RN locus"
        self.warnings.append(text + " (check the caller's output: every record should carry every sample's column)")


def check_record(plan: ScanPlan, record: cyvcf2.Variant) -> None:
    """Refuse a record no annotation can be trusted for: impossible span, REF unlike the FASTA."""
    span_end = record_span_end(record)
    if span_end > plan.contig_length:
        # e.g. SVLEN=-1000000000 on a <DUP>: impossible, and the annotated VCF of such a
        # record cannot be indexed (tabix refuses spans beyond 2^29), which crashed the run
        raise InputError(f"the record reaches position {span_end:,} (END/SVLEN), beyond the end of "
                         f"chromosome 2 ({plan.contig_length:,} bp)", path=str(plan.info.path), where=_where(record),
                         hint="check END/SVLEN: the value is impossible")
    if plan.reference is not None:
        _check_ref(record, plan.reference, str(plan.info.path))


ANNOTATION_MEMO_MAX = 20_000  # ~3 KB each in memory: at most ~60 MB; a 10,000-sample window has ~2,200 alleles


def annotated(plan: ScanPlan, allele: Allele) -> tuple[AlleleAnnotation, dict[str, Any]]:
    """`annotate_allele` and its dict (made once per allele, not per carrier), remembered per KB.

    A cohort's files share most of their alleles (the same common sites in every genome),
    so a batch of 1,000 files annotates each once. Both values are shared between files and
    read-only. Not remembered with a reference FASTA: the annotation then depends on its
    sequence, and a `ReferenceGenome` is opened per file.
    """
    if plan.reference is not None and not plan.reference.shipped:  # the shipped sequence never changes
        ann = annotate_allele(allele, plan.build, plan.kb, plan.reference)
        return ann, ann.to_dict()
    memo = plan.kb.annotation_memo
    key = (plan.build, allele)  # one shipped sequence per build: safe to share
    found = memo.get(key)
    if found is None:
        if len(memo) >= ANNOTATION_MEMO_MAX:
            memo.clear()
        ann = annotate_allele(allele, plan.build, plan.kb, plan.reference)
        found = memo[key] = (ann, ann.to_dict())
    return found


def bears_on_interpretation(ann: AlleleAnnotation) -> bool:
    """P/LP, VUS, curated and association alleles: those listed in a sample's findings."""
    return bool(ann.known_variant) or ann.classification not in ("likely_benign", "benign", "no_predicted_effect")


def worker_count(plan: ScanPlan, threads: int | None) -> int:
    """Processes to read the window with: 1 unless the file is big, indexed and cores are allowed."""
    if plan.index is None or len(plan.info.samples) < PARALLEL_MIN_SAMPLES:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # workers inherit the plan by fork (Windows has none): read in this process
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(threads, MAX_WORKERS))


def scan_keeping_genotypes(plan: ScanPlan, reader: cyvcf2.VCF, writer: AnnotatedVcfWriter) -> LocusTally:
    """One pass that writes every record whole (genotype columns included) as it is tallied."""
    tally = LocusTally(len(plan.info.samples))
    tally.short = ShortRecords(header_sample_count(plan.info))
    for record in locus_records(plan.info, reader, plan.window, plan.index, short=tally.short):
        per_alt = tally.add(plan, record)
        writer.write_line(record.CHROM, record.POS, _formatted(record, per_alt, plan))
    tally.close(plan.info, streamed=plan.index is None)
    return tally


class SitesOnlyScan:
    """A sites-only scan, in `workers` processes when more than one (a context manager).

    The work is cut into tasks: per position range a *tally* (genotypes parsed: the heavy
    part), then one *sites* read of the whole window (sample-less: annotation and the VCF
    lines). Workers take them in that order as they come free. Entering waits for the
    tallies only: the caller interprets the samples and writes the per-sample outputs while
    a worker still formats the VCF lines, which `finish` then writes.

    `reader` (the caller's, possibly sample-subset) serves the tally when everything runs
    here; `while_waiting` runs while workers read (the input's checksum).
    """

    def __init__(self, plan: ScanPlan, reader: cyvcf2.VCF, writer: AnnotatedVcfWriter, workers: int = 1,
                 while_waiting: Callable[[], object] | None = None) -> None:
        self.plan, self.writer, self.workers = plan, writer, max(1, workers)
        self._reader, self._while_waiting = reader, while_waiting
        ranges = position_ranges(plan.window, self.workers)
        self._tally_tasks: list[Task] = [("tally", bounds) for bounds in ranges]
        # one sites task for the whole window: a sample-less read is mostly decompression,
        # and a second range would decompress the first again (see `position_ranges`)
        self._sites_tasks: list[Task] = [("sites", (None, None))]
        self._pool: Any = None
        self._sites_pending: Any = None
        self.tally = LocusTally(len(plan.info.samples))

    def __enter__(self) -> SitesOnlyScan:
        global _PLAN
        if self.workers == 1:
            results = [_attempt(self.plan, task, self._reader) for task in self._tally_tasks]
            if self._while_waiting is not None:
                self._while_waiting()
        else:
            _PLAN = self.plan
            # concurrent.futures, not multiprocessing.Pool: if htslib kills a worker (a
            # segmentation fault on a malformed record), the pending results fail with
            # BrokenProcessPool instead of being waited for forever
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            tallies = [self._pool.submit(_worker, task) for task in self._tally_tasks]
            self._sites_pending = [self._pool.submit(_worker, task) for task in self._sites_tasks]
            if self._while_waiting is not None:
                self._while_waiting()
            try:
                results = self._collect(tallies)
            except BaseException:
                self.__exit__(None, None, None)
                raise
        try:
            for value in _values(self.plan, results):  # in file order: a single pass's first error
                self.tally.merge(value)
            self.tally.close(self.plan.info, streamed=self.plan.index is None)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def finish(self) -> None:
        """Write the sites-only lines of every range to the writer (waiting for the workers)."""
        if self._sites_pending is None:
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
            raise RuntimeError(f"{self.plan.info.path}: {self.tally.records_read} records tallied but {written} "
                               "formatted")

    def _collect(self, futures: list[Future[tuple[str, Any]]]) -> list[tuple[str, Any]]:
        try:
            return [future.result() for future in futures]
        except BrokenProcessPool:
            raise InputError("a worker process reading the file died (htslib crashed, e.g. on a malformed "
                             "record)", path=str(self.plan.info.path),
                             hint="run with --threads 1 to have the record named, or check the file with "
                                  "`bcftools view`") from None

    def __exit__(self, *exc: object) -> None:
        global _PLAN
        if self._pool is not None:
            # nothing left to wait for: the results were taken, or an error is on its way
            for future in self._sites_pending or ():
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        _PLAN = None


def _values(plan: ScanPlan, results: list[tuple[str, Any]]) -> list[Any]:
    """The tasks' values; the first error (in task order) raised."""
    for status, value in results:
        if status == "error":
            raise value
        if status == "crash":
            raise RuntimeError(f"a worker reading {plan.info.path} failed: {value}")
    return [value for _, value in results]


Task = tuple[str, tuple[int | None, int | None]]  # ("tally" | "sites", (first, last) POS)
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
        return "ok", _sites_range(plan, bounds)
    except InputError as exc:
        return "error", exc
    except Exception as exc:  # a bug: report it with its type, whichever process met it
        if multiprocessing.parent_process() is None:
            raise
        return "crash", f"{type(exc).__name__}: {exc}"


INDEX_WINDOW = 1 << 14  # tabix's linear index: the first record of each 16 kb window
SKIP_COST = 0.2  # cost of a record an index query reads past, per record tallied (measured at 10,000 samples)


def position_ranges(window: tuple[int, int], k: int, skip_cost: float = SKIP_COST
                    ) -> list[tuple[int | None, int | None]]:
    """Cut `window` into `k` ranges of record start positions covering every record that overlaps it.

    The first range is open to the left (deletions that start upstream and reach in), the
    last to the right. An index query for a range that starts inside a 16 kb window of the
    tabix linear index reads (decompresses, without parsing the genotypes) every record
    from that window's start: for the GRCh38 window one 16 kb index window covers 80% of
    it, so a second range starting half-way reads the first half again (~10% of its time
    at 10,000 samples). The cuts balance that: each range costs its width plus `skip_cost`
    times the stretch it passes over, assuming variants evenly dense across ~20 kb (0.2:
    with it the two ranges of the 10,000-sample benchmark took 1.01 and 0.99 s; halves
    took 0.97 and 1.09 s).
    """
    start, end = window
    if k <= 1:
        return [(None, None)]

    def passed_over(low: int) -> int:
        return low - max(start, low // INDEX_WINDOW * INDEX_WINDOW)

    def cuts_within(budget: float) -> list[int] | None:
        cuts, low = [], start
        for _ in range(k - 1):
            high = low - 1 + int(budget - skip_cost * passed_over(low))
            if high < low:
                return None
            if high >= end:
                return cuts
            cuts.append(high + 1)
            low = high + 1
        return cuts if end - low + 1 + skip_cost * passed_over(low) <= budget else None

    lo, hi = (end - start + 1) / k, float(end - start + 1)  # the most any range can cost
    for _ in range(40):  # bisect the largest range cost that k ranges can keep to
        mid = (lo + hi) / 2
        if cuts_within(mid) is None:
            lo = mid
        else:
            hi = mid
    cuts = cuts_within(hi) or []  # fewer than k - 1 only for a window narrower than k positions
    lows: list[int | None] = [None, *cuts]
    highs: list[int | None] = [c - 1 for c in cuts] + [None]
    return list(zip(lows, highs))


def _tally_range(plan: ScanPlan, bounds: tuple[int | None, int | None], reader: cyvcf2.VCF | None = None
                 ) -> LocusTally:
    """Parse the genotypes of the records starting in `bounds` and tally them."""
    info = plan.info
    if reader is None:
        reader = reopen(info, plan.samples)
    tally = LocusTally(len(info.samples))
    tally.short = ShortRecords(header_sample_count(info))
    for record in locus_records(info, reader, plan.window, plan.index, None if bounds == (None, None) else bounds,
                                short=tally.short):
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
    declare_annotation_info(sites)
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
        raise InputError("the record is not UTF-8 text", path=str(plan.info.path), where=_where(record),
                         hint="VCF text is UTF-8: convert the file, e.g. `iconv -f latin1 -t utf-8`") from None


def _where(record: cyvcf2.Variant) -> str:
    try:
        return record_where(record)
    except UnicodeDecodeError:
        return f"record at {record.POS}"


def _check_ref(record: cyvcf2.Variant, reference: ReferenceGenome, path: str) -> None:
    ref = record.REF.upper()
    if not ref or ref == "N" or not reference.covers(record.POS, record.POS + len(ref) - 1):
        return
    expected = reference.fetch(record.POS, record.POS + len(ref) - 1)
    if any(a != b and a != "N" and b != "N" for a, b in zip(ref, expected)):
        raise InputError(
            f"REF {record.REF} does not match {reference.label} ({expected}) at {record.CHROM}:{record.POS}",
            path=path, where=record_where(record),
            hint=("the VCF's REF is not the reference base here (another build or reference?); pass --reference "
                  "with the FASTA the calls were made on" if reference.shipped else
                  "the VCF and the FASTA come from different references or builds: use the FASTA the calls were "
                  "made on"))


def _finding(ann: dict[str, Any], call: Call, source: str) -> dict[str, Any]:
    """The allele's annotation dict (made once per allele; shared, read-only) plus one sample's call."""
    finding = dict(ann)
    finding.update({"zygosity": call.zygosity, "genotype": call.genotype, "phased": call.phased,
                    "haplotypes": list(call.haplotypes), "phase_set": call.phase_set,
                    "copy_number": call.copy_number, "depth": call.depth, "source": source,
                    "sample_filter": call.sample_filter})
    return finding
