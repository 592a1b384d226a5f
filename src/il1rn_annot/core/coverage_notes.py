"""What the called locus means for a result: when a negative cannot be given, and the caveat a
negative carries for its input kind.

`core.coverage` measures what an input shows about the locus (kind, CDS fraction, thresholds);
these functions turn that into the words of a status. `core.interpret` uses them when it
decides a sample's status and when it adds the coverage notes to every status.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.coverage import adequately_covered, evidence_text, stretches_text
from il1rn_annot.core.sample_result import SampleResult


def _cds_percent(coverage: dict[str, Any]) -> str:
    return (
        f"{coverage['cds_fraction']:.0%} of the IL1RN coding sequence ({coverage['cds_bases_confident']} of "
        f"{coverage['cds_bases']} bp)"
    )


def _thresholds_text(coverage: dict[str, Any]) -> str:
    return (
        f"a called genotype with GQ >= {coverage['min_gq']} and depth >= {coverage['min_dp']} "
        f"(MIN_DP for reference blocks); at least {coverage['min_cds_fraction']:.0%} of the CDS is required"
    )


def locus_not_assessed(coverage: dict[str, Any] | None, assoc_text: str, found: bool) -> tuple[str, str] | None:
    """(sentence, evidence) of `not_assessable` when the input cannot support a negative, else None.

    gVCF: confident calls/blocks cover less of the CDS than required. Structural-variant or
    CNV calls only: deletions were assessed, small variants were not.
    """
    if not coverage:
        return None
    if (
        coverage.get("input_kind") == "gvcf"
        and coverage.get("cds_fraction") is not None
        and not adequately_covered(coverage)
    ):
        return (
            "IL1RN locus not adequately covered: only " + _cds_percent(coverage) + " has confident calls; "
            "no result can be given (a variant there would not be seen).",
            "gVCF coverage: "
            + _cds_percent(coverage)
            + " covered by confident calls or reference blocks ("
            + _thresholds_text(coverage)
            + "). Not covered: "
            + stretches_text(coverage.get("uncovered"))
            + "."
            + assoc_text,
        )
    # a small-variant file: a genome has variants on every chromosome (an SV caller may find none there)
    if coverage.get("chr2_records") is False and coverage.get("input_kind") == "variant_only":
        return (
            (
                "IL1RN locus not assessable: the input has no calls on chromosome 2 at all, so the locus was not "
                "in the called region (a file split by chromosome, or a panel without IL1RN?)."
            ),
            "no record on chromosome 2 in the whole file: the absence of an IL1RN record says nothing about "
            "the locus; provide the sample's chromosome-2 (or whole-genome) calls." + assoc_text,
        )
    if not coverage.get("small_variants_assessed", True):
        return (
            ("No pathogenic deletion" if found else "No deletion") + " detected at IL1RN; small variants not "
            "assessed (structural-variant / copy-number calls only): DIRA cannot be excluded from this input.",
            "the input holds structural-variant or copy-number calls only (no small-variant calls, no "
            "reference blocks): no deletion or copy-number loss of IL1RN was called, but sequence variants "
            "(most DIRA alleles) were not assessed; provide the sample's SNV/indel calls." + assoc_text,
        )
    return None


def negative_caveat(coverage: dict[str, Any] | None) -> str:
    """What the sentence of a negative result must add for the input kind."""
    if not coverage:
        return ""
    if coverage.get("input_kind") == "variant_only":
        return (
            " Reference calls not recorded (variant-only VCF): coverage of IL1RN is not shown by the input; "
            "confirm it before reporting a negative result."
        )
    if coverage.get("input_kind") == "gvcf" and coverage.get("uncovered"):
        return f" Not confidently called: {stretches_text(coverage['uncovered'])} of the CDS."
    return ""


def with_coverage_notes(result: SampleResult, coverage: dict[str, Any] | None) -> SampleResult:
    """Append the coverage evidence (gVCF, SV calls only) to every status's evidence; name a
    carrier's uncovered CDS.

    A carrier's "no second pathogenic allele detected" is only as good as the coverage of the
    rest of the CDS: when a gVCF leaves part of it uncovered, the sentence says so.
    """
    if not coverage:
        return result
    # a variant-only VCF's caveat is in the sentence of a negative; on a finding it adds nothing
    note = evidence_text(coverage) if coverage.get("input_kind") != "variant_only" else ""
    if note and note not in result.evidence:
        text = result.evidence.rstrip()
        result.evidence = (
            text + ("" if not text or text.endswith(".") else ".") + " Locus evidence: " + note + "."
        ).strip()
    if (
        result.dira_status in ("carrier", "uncertain_significance")
        and coverage.get("input_kind") == "gvcf"
        and coverage.get("uncovered")
    ):
        gaps = stretches_text(coverage["uncovered"])
        if coverage.get("cds_bases_confident") == 0:
            # none of it (e.g. a GATK 3.5 DP=0 block over the gene): "part of" would understate it
            result.status_sentence += (
                " None of the IL1RN coding sequence was confidently called (0 of "
                f"{coverage.get('cds_bases')} bp in the gVCF): small variants were not assessed"
                + (", so a second allele would not be seen." if result.dira_status == "carrier" else ".")
            )
        else:
            result.status_sentence += f" Part of the CDS was not confidently called ({gaps})" + (
                ": a second allele there would not be seen." if result.dira_status == "carrier" else "."
            )
        if not adequately_covered(coverage):
            result.evidence += " Coverage below the required fraction of the CDS."
    if result.dira_status == "carrier" and not coverage.get("small_variants_assessed", True):
        result.status_sentence += (
            " Small variants were not assessed (structural-variant / copy-number calls "
            "only): a second, sequence-level allele would not be seen."
        )
    return result
