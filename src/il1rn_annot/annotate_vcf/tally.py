"""What the locus records add up to, one record at a time: `LocusTally`.

Each record is checked (span within the chromosome, REF against the reference), every ALT
annotated (once per allele and knowledge base: `annotated`), the genotypes counted per
allele and per sample (called, half-called, covered CDS bases), and the calls of the
carriers kept as findings. A tally covers the whole window or one range of it; `merge`
adds the tally of the next range as if the records had been read in one pass
(`annotate_vcf.scan` reads the ranges, in worker processes for a big joint VCF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cyvcf2
import numpy as np

from il1rn_annot.core.alleles import Allele, alleles_of
from il1rn_annot.core.annotate import AlleleAnnotation, annotate_allele
from il1rn_annot.core.coverage import (
    CdsCoverage,
    CoverageThresholds,
    confident_calls,
    is_reference_block,
    is_structural,
)
from il1rn_annot.core.genotype_text import CountedGenotypes
from il1rn_annot.core.genotypes import Call, RecordGenotypes
from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.fetch import ShortRecords, header_sample_count, short_records_in_file
from il1rn_annot.vcf.record_extent import record_span_end, record_where
from il1rn_annot.vcf.reference import ReferenceGenome
from il1rn_annot.vcf.vcf_input import VcfInput

if TYPE_CHECKING:  # the evidence package is imported only when a run is given resources
    from il1rn_annot.evidence.load import EvidenceSet

#: up to this many samples every carried allele is listed per sample; above, only those that bear
#: on interpretation (P/LP, VUS, curated, association) — likely-benign ones are counted per allele
FINDINGS_ALL_MAX_SAMPLES = 50


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
    index: str | None  # from `fetch.locus_index`; None: the file is streamed
    #: the IL1RN CDS segments whose coverage by confident calls is measured (coverage.py)
    cds: list[tuple[int, int]] = field(default_factory=list)
    thresholds: CoverageThresholds = field(default_factory=CoverageThresholds)
    #: a big joint VCF may be read as text (annotate_vcf.text_scan); False: htslib parses every record
    text_read: bool = True
    #: the run's population/ClinVar data (evidence.load); None: no resource given
    evidence: EvidenceSet | None = None


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
    #: breakend junctions counted (alleles.Allele.event -> allele ID): the mate of a pair is not counted again
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
        self.records_read += 1
        check_record(plan, record)
        n = self.n_samples
        if n and not record.FORMAT:
            self.short_at_locus.add(record, record_label(record))
        genotypes = RecordGenotypes.of(record, n) if n else None
        self._count_kind(record)
        if genotypes is not None:
            self.locus_called |= genotypes.called
            self.uncalled_records += ~genotypes.called
            self.partial_records += genotypes.half_called
            if plan.cds:
                self._add_coverage(plan, record, genotypes)
        return self._add_alleles(plan, record, genotypes)

    def add_counted(
        self, plan: ScanPlan, record: cyvcf2.Variant, counted: CountedGenotypes, alleles: list[Allele] | None = None
    ) -> list[AlleleAnnotation | None]:
        """`add` for a record read sites-only whose genotypes were counted from its text
        (`core.genotype_text`; `annotate_vcf.text_scan`): none of its alleles bears on
        interpretation, so no call is kept. The per-sample counts of a chunk of such records
        come in one `add_sample_counts`. The coverage of the CDS is not counted: such a
        file is never a gVCF, the one kind whose coverage is read. `alleles`: the record's
        (`alleles_of`), when the caller has them already."""
        self.records_read += 1
        check_record(plan, record)
        self._count_kind(record)
        return self._add_alleles(plan, record, counted, alleles)

    def add_sample_counts(self, called_any: np.ndarray, uncalled: np.ndarray, half_called: np.ndarray) -> None:
        """Per sample, over records added by `add_counted`: called at one of them, records
        with no call, records with a half call."""
        self.locus_called |= called_any
        self.uncalled_records += uncalled
        self.partial_records += half_called

    def _add_alleles(
        self,
        plan: ScanPlan,
        record: cyvcf2.Variant,
        genotypes: RecordGenotypes | CountedGenotypes | None,
        alleles: list[Allele] | None = None,
    ) -> list[AlleleAnnotation | None]:
        """Annotate the record's ALTs and count them (and keep the calls of those that bear on interpretation)."""
        path_text = str(plan.info.path)
        per_alt: list[AlleleAnnotation | None] = [None] * len(record.ALT)
        n_called = 0
        if isinstance(genotypes, RecordGenotypes):
            n_called = int(np.count_nonzero(genotypes.called))
        elif genotypes is not None:
            n_called = genotypes.n_called
        for allele in alleles_of(record, path_text, plan.contig_length) if alleles is None else alleles:
            ann, ann_dict = annotated(plan, allele)
            per_alt[allele.alt_index - 1] = ann
            # a REF base the protein rules out (codon_sets): a run warning too, not only an allele note
            self.warnings.extend(n.removeprefix("WARNING: ") for n in ann.notes if n.startswith("WARNING: record "))
            if allele.event is not None:
                if allele.event in self.events:
                    continue  # the other end of a junction already counted (a breakend pair is one event)
                self.events[allele.event] = ann.allele_id
            entry = self.alleles.setdefault(
                ann.allele_id, {**ann_dict, "carriers": 0, "homozygotes": 0, "allele_count": 0, "called_samples": 0}
            )
            if genotypes is None:
                continue
            entry["called_samples"] = max(entry["called_samples"], n_called)
            carriers, homozygotes, allele_count = genotypes.counts(allele)
            entry["carriers"] += carriers
            entry["homozygotes"] += homozygotes
            entry["allele_count"] += allele_count
            if plan.all_findings or bears_on_interpretation(ann):
                if not isinstance(genotypes, RecordGenotypes):
                    raise RuntimeError(f"{record_label(record)}: the calls of {ann.allele_id} were not read")
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
        indexed SV file up to `fetch.SHORT_SCAN_MAX_BYTES` is counted whole; otherwise the
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
        text = (
            f"{max(found.count, self.short_at_locus.count)} record(s) {scope} have fewer columns than the "
            f"header: no genotype columns, although it names {n} sample(s) (first at {found.first})"
        )
        if self.short_at_locus.count:
            more = self.short_at_locus.count - 1
            text += (
                f"; at the IL1RN locus, {self.short_at_locus.first} has no genotype columns"
                + (f" (and {more} more)" if more else "")
                + ": no sample is genotyped there, so a variant in it is attributed to no sample"
            )
        else:
            text += "; none at the IL1RN locus"
        self.warnings.append(text + " (check the caller's output: every record should carry every sample's column)")


def check_record(plan: ScanPlan, record: cyvcf2.Variant) -> None:
    """Refuse a record no annotation can be trusted for: impossible span, REF unlike the FASTA."""
    span_end = record_span_end(record)
    if span_end > plan.contig_length:
        # e.g. SVLEN=-1000000000 on a <DUP>: impossible, and the annotated VCF of such a
        # record cannot be indexed (tabix refuses spans beyond 2^29), which crashed the run
        raise InputError(
            f"the record reaches position {span_end:,} (END/SVLEN), beyond the end of "
            f"chromosome 2 ({plan.contig_length:,} bp)",
            path=str(plan.info.path),
            where=record_label(record),
            hint="check END/SVLEN: the value is impossible",
        )
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
        ann = _annotate(plan, allele)
        return ann, ann.to_dict()
    memo = plan.kb.annotation_memo
    # one shipped sequence per build: safe to share; the evidence (its resources) is part of the key
    key: tuple[Any, ...] = (plan.build, allele) if plan.evidence is None else (plan.build, allele, plan.evidence.key)
    found = memo.get(key)
    if found is None:
        if len(memo) >= ANNOTATION_MEMO_MAX:
            memo.clear()
        ann = _annotate(plan, allele)
        found = memo[key] = (ann, ann.to_dict())
    return found


def _annotate(plan: ScanPlan, allele: Allele) -> AlleleAnnotation:
    """`annotate_allele`, then the run's population/ClinVar evidence (evidence.apply) when given."""
    ann = annotate_allele(allele, plan.build, plan.kb, plan.reference)
    if plan.evidence is not None:
        from il1rn_annot.evidence.apply import apply_evidence  # only runs with resources import it

        apply_evidence(ann, allele, plan.evidence, plan.reference)
    return ann


def bears_on_interpretation(ann: AlleleAnnotation) -> bool:
    """P/LP, VUS, curated and association alleles: those listed in a sample's findings."""
    return bool(ann.known_variant) or ann.classification not in ("likely_benign", "benign", "no_predicted_effect")


def record_label(record: cyvcf2.Variant) -> str:
    try:
        return record_where(record)
    except UnicodeDecodeError:
        return f"record at {record.POS}"


def _check_ref(record: cyvcf2.Variant, reference: ReferenceGenome, path: str) -> None:
    ref = record.REF.upper()
    if not ref or ref == "N" or not reference.covers(record.POS, record.POS + len(ref) - 1):
        return
    expected = reference.fetch(record.POS, record.POS + len(ref) - 1)
    if any(a != b and a != "N" and b != "N" for a, b in zip(ref, expected, strict=False)):
        raise InputError(
            f"REF {record.REF} does not match {reference.label} ({expected}) at {record.CHROM}:{record.POS}",
            path=path,
            where=record_where(record),
            hint=(
                "the VCF's REF is not the reference base here (another build or reference?); pass --reference "
                "with the FASTA the calls were made on"
                if reference.shipped
                else "the VCF and the FASTA come from different references or builds: use the FASTA the calls were "
                "made on"
            ),
        )


def _finding(ann: dict[str, Any], call: Call, source: str) -> dict[str, Any]:
    """The allele's annotation dict (made once per allele; shared, read-only) plus one sample's call."""
    finding = dict(ann)
    finding.update(
        {
            "zygosity": call.zygosity,
            "genotype": call.genotype,
            "phased": call.phased,
            "haplotypes": list(call.haplotypes),
            "phase_set": call.phase_set,
            "copy_number": call.copy_number,
            "depth": call.depth,
            "source": source,
            "sample_filter": call.sample_filter,
        }
    )
    return finding
