"""What an input shows about the IL1RN locus itself: was it called, and how much of the CDS.

A negative result ("no pathogenic variant detected") is only as good as the evidence that
the locus was looked at. That evidence depends on the kind of input, so each kind has one
rule (docs/outputs.md, "What counts as a called locus"):

* **gVCF** (reference blocks: GATK 3.x/4.x `<NON_REF>`, DeepVariant `<*>`, with INFO/END):
  the fraction of the IL1RN coding sequence (CDS) covered by *confident* calls - a called
  GT with GQ >= `min_gq` and depth >= `min_dp` (FORMAT/MIN_DP for blocks that have it, else
  FORMAT/DP) - is measured per sample. Below `min_cds_fraction` the locus is not adequately
  covered and the sample is `not_assessable`. A block with GT 0/0 but DP 0 and GQ 0 (GATK
  writes such blocks where no read was seen) is not evidence of anything.
* **variant-only VCF** (single-sample or joint, small variants, no blocks): a VCF lists
  variants only, so the absence of a record cannot show that the locus was sequenced.
  A negative is given, with the caveat "reference calls not recorded" in the sentence.
* **structural-variant / CNV calls only** (Manta, DELLY, GRIDSS, gCNV, ...): small variants
  were not assessed; the sample is `not_assessable` ("no deletion detected at IL1RN; small
  variants not assessed") unless another input of the same sample assessed them (the
  cohort and report steps pool a sample's inputs with `pool`).

Defaults, and why: GQ >= 20 and depth >= 10 are the "high-confidence genotype" thresholds of
gnomAD (GQ >= 20, DP >= 10; genome.ucsc.edu gnomAD track, "AC0" filter), common practice for
calling a genotype trustworthy. GATK groups reference positions into blocks by GQ band
(`##GVCFBlock20-21=minGQ=20(inclusive),maxGQ=21(exclusive)`) and writes MIN_DP, the minimum DP
observed within the block (GATK "GVCF - Genomic Variant Call Format"); DeepVariant merges
adjacent positions of equal or similar GQ into `<*>` blocks with MIN_DP too (DeepVariant gVCF
documentation): a block is judged by the GQ it carries and by its least depth, not by its
typical DP. CDS fraction >= 0.95: the smallest coding exon part of IL1RN (exon 2, 89 bp) is
16.7% of the 534-bp CDS, so no whole coding exon can be missing; the stretches that are not
covered are named in the sentence and the report whatever the fraction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from il1rn_annot.core.vocabulary import SMALL_INDEL_MAX

if TYPE_CHECKING:  # core.interpret, cohort and lab_report use the rules without htslib
    import cyvcf2

    from il1rn_annot.core.genotypes import RecordGenotypes

DEFAULT_MIN_GQ = 20
DEFAULT_MIN_DP = 10
DEFAULT_MIN_CDS_FRACTION = 0.95

#: ALT alleles of gVCF reference blocks (GATK `<NON_REF>`, DeepVariant and bcftools `<*>`)
BLOCK_ALTS = {"<NON_REF>", "<*>"}

INPUT_KINDS = ("gvcf", "variant_only", "structural")
KIND_TEXT = {
    "gvcf": "gVCF (reference blocks)",
    "variant_only": "variant-only VCF",
    "structural": "structural-variant / CNV calls only",
}

#: callers whose output holds structural variants or copy-number segments only, as their
#: `##source=` / `##...CommandLine` / `##..._version` header lines name them
_SV_CALLERS = re.compile(
    r"manta|GenerateSVCandidates|delly|gridss|svaba|novobreak|sniffles|lumpy|smoove|purple|longranger|cnvkit|"
    r"GermlineCNVCaller|PostprocessGermlineCNVCalls|gcnv|exomedepth|canvas|cutesv|svim|pbsv|tiddit|melt|cnvnator|"
    r"dysgu|wham|gatk-?sv|clinsv|conifer|xhmm|codex|savvycnv|decon|clincnv|panelcn",
    re.IGNORECASE,
)
#: callers of small variants (SNVs and indels): a file they wrote assessed small variants even
#: when its only record at the locus is a long explicit deletion
_SMALL_CALLERS = re.compile(
    r"HaplotypeCaller|UnifiedGenotyper|GenotypeGVCFs|DeepVariant|bcftools_call|bcftools call|freebayes|strelka|"
    r"varscan|octopus|platypus|clair3|mutect|GLnexus|dragen|sentieon|elprep|gatk_version",
    re.IGNORECASE,
)
#: FORMAT tags only SV callers write: Manta's PR/SR read pairs and split reads, DELLY's DV/RV/DR/RR
_SV_FORMAT_TAGS = {"PR", "SR", "DV", "RV", "DR", "RR"}


@dataclass(frozen=True)
class CoverageThresholds:
    """What makes a call or a reference block confident, and how much of the CDS must be."""

    min_gq: int = DEFAULT_MIN_GQ
    min_dp: int = DEFAULT_MIN_DP
    min_cds_fraction: float = DEFAULT_MIN_CDS_FRACTION

    def to_dict(self) -> dict[str, Any]:
        return {"min_gq": self.min_gq, "min_dp": self.min_dp, "min_cds_fraction": self.min_cds_fraction}


def cds_segments(exons: tuple[tuple[int, int], ...], cds_start: int, cds_end: int) -> list[tuple[int, int]]:
    """The coding parts of the exons (1-based inclusive): GRCh38 113127625-113127740, 113129576-113129664,
    113131045-113131157, 113132656-113132871 for NM_173842.3 (534 bp)."""
    return [(max(s, cds_start), min(e, cds_end)) for s, e in exons if e >= cds_start and s <= cds_end]


class CdsCoverage:
    """Per sample and CDS base: is there a confident call or reference block over it?

    A (samples x CDS bases) boolean matrix: 534 columns, so 5 MB at 10,000 samples. Only
    records that overlap the CDS touch it (a handful per sample in a gVCF).
    """

    def __init__(self, segments: list[tuple[int, int]], n_samples: int) -> None:
        self.segments = segments
        self.positions = np.concatenate([np.arange(s, e + 1) for s, e in segments]) if segments else np.zeros(0, int)
        self.covered = np.zeros((n_samples, len(self.positions)), dtype=bool)

    def columns(self, first: int, last: int) -> tuple[int, int]:
        """[lo, hi) columns of the CDS bases within first..last (1-based inclusive)."""
        return (
            int(np.searchsorted(self.positions, first, "left")),
            int(np.searchsorted(self.positions, last, "right")),
        )

    def add(self, first: int, last: int, confident: np.ndarray) -> None:
        lo, hi = self.columns(first, last)
        if hi > lo and confident.any():
            self.covered[confident, lo:hi] = True

    def merge(self, other: CdsCoverage) -> None:
        self.covered |= other.covered

    def uncovered(self, sample_index: int) -> list[tuple[int, int]]:
        """The CDS stretches (genomic, 1-based inclusive) without a confident call for the sample."""
        missing = self.positions[~self.covered[sample_index]]
        return _runs(missing.tolist())


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted positions -> maximal runs of consecutive positions."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def is_reference_block(record: cyvcf2.Variant) -> bool:
    """A gVCF non-variant record: every ALT is `<NON_REF>` / `<*>`, or no ALT but an INFO/END span.

    A record with ALT `.` and no END is not a block: `bcftools view -s S -a` writes one for
    every site of a joint VCF where the extracted sample is homozygous reference, and such a
    file lists variant sites only.
    """
    alts = record.ALT
    if alts:
        return all(a.upper() in BLOCK_ALTS for a in alts)
    try:
        return record.INFO.get("END") is not None
    except Exception:
        return False


def is_structural(record: cyvcf2.Variant) -> bool:
    """A symbolic, breakend or explicit record of more than SMALL_INDEL_MAX bp: what SV and CNV callers write."""
    alts = [a for a in record.ALT if a.upper() not in BLOCK_ALTS and a not in ("*", ".")]
    if not alts:
        return False
    for alt in alts:
        if alt.startswith(("<", ".")) or "[" in alt or "]" in alt or alt.endswith("."):
            continue
        # the same boundary as annotate's: an indel of up to SMALL_INDEL_MAX bp (bases deleted or
        # inserted, the shared padding base not counted) is small; longer, it is what SV callers write
        if max(len(record.REF), len(alt)) - 1 <= SMALL_INDEL_MAX:
            return False
    return True


def confident_calls(record: cyvcf2.Variant, genotypes: RecordGenotypes, thresholds: CoverageThresholds) -> np.ndarray:
    """Per sample: a called GT with GQ >= min_gq and depth (MIN_DP, else DP) >= min_dp.

    A missing GQ or depth is not confident: nothing shows the call was made on reads.
    """
    # imported here, not at the top: the rules above run without htslib
    from il1rn_annot.core.genotypes import MISSING_INT, int_format

    n = len(genotypes.called)
    fmt = record.FORMAT or ()
    gq = int_format(record, "GQ") if "GQ" in fmt else None
    depth_key = "MIN_DP" if "MIN_DP" in fmt else "DP"
    depth = int_format(record, depth_key) if depth_key in fmt else None
    if gq is None or depth is None:
        return np.zeros(n, dtype=bool)
    ok = genotypes.called & (gq >= thresholds.min_gq) & (depth >= thresholds.min_dp)
    return ok & (gq > MISSING_INT + 1) & (depth > MISSING_INT + 1)


def _caller_lines(header_lines: list[str]) -> list[str]:
    """`##source=`, `##...CommandLine...=` and `##..._version=` lines: where callers name themselves."""
    return [
        line
        for line in header_lines
        if line.startswith(("##source=", "##commandline", "##cmdline"))
        or re.match(r"##\w*(version|Version|CommandLine)[\w.]*=", line)
    ]


def small_caller_header(header_lines: list[str]) -> bool:
    """The header names a small-variant caller (GATK HaplotypeCaller, DeepVariant, bcftools call, ...)."""
    return any(_SMALL_CALLERS.search(line) for line in _caller_lines(header_lines))


def sv_caller_header(header_lines: list[str]) -> bool:
    """The header names an SV/CNV caller, or declares FORMAT tags only SV callers write."""
    if any(_SV_CALLERS.search(line) for line in _caller_lines(header_lines)):
        return True
    svtype = any(line.startswith("##INFO=<ID=SVTYPE,") for line in header_lines)
    tags = {m.group(1) for line in header_lines if (m := re.match(r"##FORMAT=<ID=([^,>]+)", line))}
    return svtype and bool(tags & _SV_FORMAT_TAGS)


def input_kind(
    is_gvcf: bool, reference_blocks: int, small_records: int, structural_records: int, header_lines: list[str]
) -> str:
    """gvcf, variant_only or structural (see the module docstring).

    A file with small-variant records at the locus, or written by a small-variant caller
    (GATK HaplotypeCaller writes a 200-bp deletion explicitly), assessed small variants;
    one with only SV records there, or a header naming an SV caller, did not.
    """
    if is_gvcf or reference_blocks:
        return "gvcf"
    if small_records or small_caller_header(header_lines):
        return "variant_only"
    if structural_records or sv_caller_header(header_lines):
        return "structural"
    return "variant_only"


def sample_coverage(
    kind: str, thresholds: CoverageThresholds, segments: list[tuple[int, int]], uncovered: list[tuple[int, int]] | None
) -> dict[str, Any]:
    """A sample's `coverage` entry in the annotation JSON (see annotation.schema.json)."""
    total = sum(e - s + 1 for s, e in segments)
    entry: dict[str, Any] = {
        "input_kind": kind,
        "small_variants_assessed": kind != "structural",
        "cds_bases": total,
        "cds_bases_confident": None,
        "cds_fraction": None,
        "uncovered": None,
        **thresholds.to_dict(),
    }
    if kind == "gvcf" and uncovered is not None:
        missing = sum(e - s + 1 for s, e in uncovered)
        entry.update(
            cds_bases_confident=total - missing,
            cds_fraction=round((total - missing) / total, 4) if total else 0.0,
            uncovered=[[s, e] for s, e in uncovered],
        )
    return entry


#: the per-sample part of a sample's coverage; the rest is the file's (`locus` in the JSON)
SAMPLE_KEYS = ("cds_bases_confident", "cds_fraction", "uncovered")


def slim(coverage: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a sample's JSON entry stores: the gVCF measurements only (null for other kinds).

    The rest (kind, thresholds, CDS length, chromosome-2 records) is the same for every
    sample of a file and is written once in `locus`; repeating it made a 3,000-sample JSON
    56% larger. `of_sample` puts the two back together.
    """
    if not coverage or coverage.get("cds_fraction") is None:
        return None
    return {key: coverage[key] for key in SAMPLE_KEYS}


def of_sample(locus: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any] | None:
    """A sample's full coverage from its annotation JSON: the file's `locus` part and its own.

    None for JSONs written before coverage was recorded (no `locus.input_kind`).
    """
    kind = locus.get("input_kind")
    if kind is None:
        return None
    thresholds = locus.get("coverage_thresholds") or {}
    full: dict[str, Any] = {
        "input_kind": kind,
        "small_variants_assessed": kind != "structural",
        "cds_bases": sum(e - s + 1 for s, e in locus.get("cds") or []),
        "cds_bases_confident": None,
        "cds_fraction": None,
        "uncovered": None,
        "min_gq": thresholds.get("min_gq", DEFAULT_MIN_GQ),
        "min_dp": thresholds.get("min_dp", DEFAULT_MIN_DP),
        "min_cds_fraction": thresholds.get("min_cds_fraction", DEFAULT_MIN_CDS_FRACTION),
        "chr2_records": locus.get("chr2_records"),
    }
    full.update({key: value for key, value in (entry.get("coverage") or {}).items() if key in SAMPLE_KEYS})
    return full


def adequately_covered(coverage: dict[str, Any]) -> bool:
    """A gVCF sample whose confident CDS fraction reaches the threshold."""
    fraction = coverage.get("cds_fraction")
    return fraction is not None and fraction >= coverage.get("min_cds_fraction", DEFAULT_MIN_CDS_FRACTION)


def pool(entries: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """One sample's coverage over several inputs (e.g. a gVCF and a Manta VCF).

    gVCF measurements are combined exactly: a CDS base is uncovered only if every gVCF
    leaves it uncovered. Small variants are assessed if any input assessed them. The
    strictest thresholds recorded are kept. None when no input recorded coverage (JSONs
    written before this field existed).
    """
    present = [e for e in entries if e]
    if not present:
        return None
    gvcfs = [e for e in present if e.get("input_kind") == "gvcf" and e.get("uncovered") is not None]
    kinds = [e.get("input_kind") for e in present]
    kind = "gvcf" if gvcfs else ("variant_only" if "variant_only" in kinds else "structural")
    pooled = dict(gvcfs[0] if gvcfs else next(e for e in present if e.get("input_kind") == kind))
    pooled["small_variants_assessed"] = any(e.get("small_variants_assessed") for e in present)
    pooled["structural_assessed"] = "structural" in kinds
    # whether the small-variant calls reach chromosome 2: an SV file's chr2 records do not say
    chr2 = [e.get("chr2_records") for e in present if e.get("input_kind") == kind]
    pooled["chr2_records"] = (
        True if any(c is True for c in chr2) else (False if chr2 and all(c is False for c in chr2) else None)
    )
    for key in ("min_gq", "min_dp", "min_cds_fraction"):
        values = [e[key] for e in present if e.get(key) is not None]
        if values:
            pooled[key] = max(values)
    if len(gvcfs) > 1:
        missing = set.intersection(*({p for s, e in g["uncovered"] for p in range(s, e + 1)} for g in gvcfs))
        total = pooled["cds_bases"]
        pooled["uncovered"] = [[s, e] for s, e in _runs(sorted(missing))]
        pooled["cds_bases_confident"] = total - len(missing)
        pooled["cds_fraction"] = round((total - len(missing)) / total, 4) if total else 0.0
    return pooled


def stretches_text(uncovered: list[list[int]] | None, chrom: str = "") -> str:
    """'113127625-113127740 (116 bp)' for each stretch, '; '-joined (at most 6, then a count)."""
    if not uncovered:
        return ""
    said = [f"{chrom + ':' if chrom else ''}{s:,}-{e:,} ({e - s + 1} bp)" for s, e in uncovered[:6]]
    if len(uncovered) > 6:
        said.append(f"{len(uncovered) - 6} more")
    return "; ".join(said)


def evidence_text(coverage: dict[str, Any] | None) -> str:
    """One line for tables: what the input shows about the locus."""
    if not coverage:
        return ""
    kind = coverage.get("input_kind")
    if kind == "gvcf" and coverage.get("cds_fraction") is not None:
        return (
            f"gVCF: {coverage['cds_fraction']:.0%} of the CDS confidently called "
            f"({coverage['cds_bases_confident']}/{coverage['cds_bases']} bp; GQ>={coverage['min_gq']}, "
            f"depth>={coverage['min_dp']})"
        )
    if coverage.get("chr2_records") is False and kind == "variant_only":
        return "no calls on chromosome 2 in the input: the locus was not in the called region"
    if kind == "structural" and not coverage.get("small_variants_assessed"):
        return "structural-variant/CNV calls only: small variants not assessed"
    text = "variant-only VCF: reference calls not recorded, CDS coverage not measured"
    if coverage.get("structural_assessed"):
        text += "; deletions from structural-variant calls"
    return text


#: how the cohort counts a negative or not-assessable sample by what its inputs show
EVIDENCE_KEYS = {
    "gvcf_covered": "gVCF, CDS covered by confident calls",
    "gvcf_not_covered": "gVCF, CDS not adequately covered",
    "variant_only": "variant-only VCF (reference calls not recorded)",
    "structural_only": "structural-variant / CNV calls only (small variants not assessed)",
    "no_chr2_calls": "no calls on chromosome 2 in the input",
    "not_recorded": "locus evidence not recorded (annotation made before coverage was measured)",
}


def evidence_key(coverage: dict[str, Any] | None) -> str:
    """One of EVIDENCE_KEYS for a sample's pooled coverage."""
    if not coverage:
        return "not_recorded"
    if coverage.get("input_kind") == "gvcf" and coverage.get("cds_fraction") is not None:
        return "gvcf_covered" if adequately_covered(coverage) else "gvcf_not_covered"
    if coverage.get("chr2_records") is False and coverage.get("input_kind") == "variant_only":
        return "no_chr2_calls"
    if not coverage.get("small_variants_assessed", True):
        return "structural_only"
    return "variant_only"
