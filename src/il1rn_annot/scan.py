"""The pass over the locus records: annotate every ALT, count genotypes, keep the carriers' calls.

Reading is what a big joint VCF costs: at 10,000 samples every record is ~70 KB of genotype
text that htslib must parse, more than everything else the tool does. So the window is cut
into position ranges, each read by its own worker process (fork) when the file has many
samples and an index. Every range gives a `LocusTally`; the tallies are merged in range
order, which gives the same result as one pass (tests/test_scan.py compares the outputs
byte for byte), and an error is reported from the first range that has one, as one pass
would.

Above `VCF_GENOTYPES_MAX_SAMPLES` samples the annotated VCF is sites-only. Each range then
formats its own records from a second, sample-less reader (htslib skips the genotype
columns), so that read is spread over the workers too.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cyvcf2
import numpy as np

from .annotate import AlleleAnnotation, annotate_allele
from .errors import InputError
from .genotypes import RecordGenotypes
from .knowledge import KnowledgeBase
from .locate import alleles_of, locus_records, record_span_end, record_where
from .read_vcf import VcfInput, reopen
from .reference import ReferenceGenome
from .write_outputs import AnnotatedVcfWriter, annotated_line, declare_annotation_info

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


@dataclass
class LocusTally:
    """What the records of the window (or of one range of it) add up to."""

    n_samples: int
    records_read: int = 0
    #: per allele ID: its annotation plus carriers, homozygotes, allele count, called samples
    alleles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: per sample index: the findings (annotation + call) of the alleles it carries
    sample_calls: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    locus_called: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: per sample: locus records with no genotype for it
    uncalled_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.locus_called) != self.n_samples:
            self.locus_called = np.zeros(self.n_samples, dtype=bool)
            self.uncalled_records = np.zeros(self.n_samples, dtype=np.int32)

    def add(self, plan: ScanPlan, record: cyvcf2.Variant) -> list[AlleleAnnotation | None]:
        """Check, annotate and count one record; return its annotation per ALT (None: not a variant)."""
        path_text = str(plan.info.path)
        self.records_read += 1
        span_end = record_span_end(record)
        if span_end > plan.contig_length:
            # e.g. SVLEN=-1000000000 on a <DUP>: impossible, and the annotated VCF of such a
            # record cannot be indexed (tabix refuses spans beyond 2^29), which crashed the run
            raise InputError(f"the record reaches position {span_end:,} (END/SVLEN), beyond the end of "
                             f"chromosome 2 ({plan.contig_length:,} bp)", path=path_text, where=_where(record),
                             hint="check END/SVLEN: the value is impossible")
        if plan.reference is not None:
            _check_ref(record, plan.reference, path_text)
        n = self.n_samples
        if n and not record.FORMAT:
            self.warnings.append(f"{_where(record)} has no genotype columns although the header names {n} "
                                 "sample(s): no sample is called at it")
        genotypes = RecordGenotypes.of(record, n) if n else None
        if genotypes is not None:
            self.locus_called |= genotypes.called
            self.uncalled_records += ~genotypes.called
        per_alt: list[AlleleAnnotation | None] = [None] * len(record.ALT)
        for allele in alleles_of(record, path_text, plan.contig_length):
            ann = annotate_allele(allele, plan.build, plan.kb, plan.reference)
            per_alt[allele.alt_index - 1] = ann
            ann_dict = ann.to_dict()  # once per allele, not per carrier: dataclasses.asdict is slow
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
                for call in genotypes.calls(allele):
                    self.sample_calls.setdefault(call.sample_index, []).append(_finding(ann_dict, call, path_text))
        return per_alt

    def merge(self, later: LocusTally) -> None:
        """Add the tally of the next range (records after this one's), as if read in one pass."""
        self.records_read += later.records_read
        for allele_id, theirs in later.alleles.items():
            mine = self.alleles.get(allele_id)
            if mine is None:
                self.alleles[allele_id] = theirs
                continue
            mine["called_samples"] = max(mine["called_samples"], theirs["called_samples"])
            for key in ("carriers", "homozygotes", "allele_count"):
                mine[key] += theirs[key]
        for index, calls in later.sample_calls.items():
            self.sample_calls.setdefault(index, []).extend(calls)
        self.locus_called |= later.locus_called
        self.uncalled_records += later.uncalled_records
        self.warnings.extend(later.warnings)


def bears_on_interpretation(ann: AlleleAnnotation) -> bool:
    """P/LP, VUS, curated and association alleles: those listed in a sample's findings."""
    return bool(ann.known_variant) or ann.classification not in ("likely_benign", "benign")


def worker_count(plan: ScanPlan, threads: int | None) -> int:
    """Processes to read the window with: 1 unless the file is big, indexed and cores are allowed."""
    if plan.index is None or len(plan.info.samples) < PARALLEL_MIN_SAMPLES:
        return 1
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(threads, MAX_WORKERS))


def scan_keeping_genotypes(plan: ScanPlan, reader: cyvcf2.VCF, writer: AnnotatedVcfWriter) -> LocusTally:
    """One pass that writes every record whole (genotype columns included) as it is tallied."""
    tally = LocusTally(len(plan.info.samples))
    for record in locus_records(plan.info, reader, plan.window, plan.index):
        per_alt = tally.add(plan, record)
        writer.write_line(record.CHROM, record.POS, _formatted(record, per_alt, plan))
    return tally


def scan_sites_only(plan: ScanPlan, reader: cyvcf2.VCF, writer: AnnotatedVcfWriter, workers: int = 1,
                    while_waiting: Callable[[], object] | None = None) -> LocusTally:
    """Tally the window and write it sites-only, in `workers` processes when more than one.

    This process reads the first range with `reader` (the caller's, possibly sample-subset)
    while forked workers read the others; `while_waiting` runs here after its own range,
    while workers may still be reading (the input's checksum).
    """
    ranges = position_ranges(plan.window, max(1, workers))
    results = _read_ranges(plan, ranges, reader, while_waiting)
    total = LocusTally(len(plan.info.samples))
    for status, value in results:
        if status == "error":
            raise value  # the first range's error: the one a single pass would have met first
        tally, lines, header = value
        total.merge(tally)
        for chrom, pos, line in lines:
            writer.write_line(chrom, pos, line)
        writer.adopt_header(header)
    return total


_PLAN: ScanPlan | None = None  # set for the lifetime of a worker pool; forked workers inherit it


def _read_ranges(plan: ScanPlan, ranges: list[tuple[int | None, int | None]], reader: cyvcf2.VCF,
                 while_waiting: Callable[[], object] | None) -> list[tuple[str, Any]]:
    """Read the first range here with `reader` and the others in forked workers, at the same time."""
    global _PLAN
    _PLAN = plan
    try:
        if len(ranges) == 1:
            results = [_attempt(plan, ranges[0], reader)]
            if while_waiting is not None:
                while_waiting()
            return results
        with multiprocessing.get_context("fork").Pool(len(ranges) - 1) as pool:
            pending = pool.map_async(_worker, ranges[1:], chunksize=1)
            first = _attempt(plan, ranges[0], reader)
            if while_waiting is not None:
                while_waiting()
            return [first, *pending.get()]
    finally:
        _PLAN = None


def _attempt(plan: ScanPlan, bounds: tuple[int | None, int | None], reader: cyvcf2.VCF | None = None
             ) -> tuple[str, Any]:
    """Read one range; an `InputError` comes back as a value, so the first range's is raised."""
    try:
        return "ok", _scan_range(plan, bounds, reader)
    except InputError as exc:
        return "error", exc


def _worker(bounds: tuple[int | None, int | None]) -> tuple[str, Any]:
    assert _PLAN is not None
    return _attempt(_PLAN, bounds)


def position_ranges(window: tuple[int, int], k: int) -> list[tuple[int | None, int | None]]:
    """Cut `window` into `k` ranges of record start positions covering every record that overlaps it.

    The first range is open to the left (deletions that start upstream and reach in), the
    last to the right; equal widths, because variant density across ~20 kb is even enough.
    """
    start, end = window
    cuts = [start + (end - start + 1) * i // k for i in range(1, k)]
    lows: list[int | None] = [None, *cuts]
    highs: list[int | None] = [c - 1 for c in cuts] + [None]
    return list(zip(lows, highs))


def _scan_range(plan: ScanPlan, bounds: tuple[int | None, int | None], full: cyvcf2.VCF | None = None
                ) -> tuple[LocusTally, list[tuple[str, int, bytes]], str]:
    """Tally the records starting in `bounds`; format them sites-only. Returns (tally, lines, header)."""
    info = plan.info
    if full is None:
        full = reopen(info, plan.samples)
    sites = reopen(info, samples=[])
    declare_annotation_info(sites)
    positions = None if bounds == (None, None) else bounds
    tally = LocusTally(len(info.samples))
    lines: list[tuple[str, int, bytes]] = []
    site_records = locus_records(info, sites, plan.window, plan.index, positions)
    for record in locus_records(info, full, plan.window, plan.index, positions):
        per_alt = tally.add(plan, record)
        site = next(site_records, None)
        if site is None or (site.CHROM, site.POS, site.REF) != (record.CHROM, record.POS, record.REF):
            raise RuntimeError(f"the sites-only read of {info.path} lost step with the full read at "
                               f"{record.CHROM}:{record.POS}")
        lines.append((site.CHROM, site.POS, _formatted(site, per_alt, plan)))
    return tally, lines, sites.raw_header


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
            f"REF {record.REF} does not match the reference FASTA ({expected}) at {record.CHROM}:{record.POS}",
            path=path, where=record_where(record),
            hint="the VCF and the FASTA come from different references or builds: use the FASTA the calls were made on")


def _finding(ann: dict[str, Any], call: Any, source: str) -> dict[str, Any]:
    """The allele's annotation dict (made once per allele; shared, read-only) plus one sample's call."""
    finding = dict(ann)
    finding.update({"zygosity": call.zygosity, "genotype": call.genotype, "phased": call.phased,
                    "haplotypes": list(call.haplotypes), "phase_set": call.phase_set,
                    "copy_number": call.copy_number, "depth": call.depth, "source": source})
    return finding
