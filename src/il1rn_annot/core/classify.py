"""Rule classification of a novel IL1RN allele (one not in the knowledge base): the PVS1 tree
first (`core.pvs1`), then ACMG/AMP for what it does not reach.

No population, segregation or functional data are used, which the evidence text says.
Variants with no evidence either way (intronic, UTR, synonymous) are `no_predicted_effect`:
no benign criterion (BP4/BP7, BA1/BS1) was assessed, so they are not called likely benign.
Deletions that spare IL1RN are judged by where they lie (promoter sequence or not);
docs/classification.md states each rule.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.pvs1 import pvs1_for
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, SMALL_INDEL_MAX
from il1rn_annot.kb.locus_model import TranscriptModel
from il1rn_annot.kb.model import KnowledgeBase

NO_PREDICTED_EFFECT = "no_predicted_effect"


def classify(
    allele: Allele, pred: Any, variant_type: str, tx: TranscriptModel, kb: KnowledgeBase, reference: Any = None
) -> tuple[str, str, str]:
    """(classification, evidence naming the rule, PVS1 strength or '') for an allele not in the knowledge base."""
    if variant_type in ("other_sv", "breakend"):
        return (
            "uncertain_significance",
            (
                "structural variant other than a deletion: its effect on IL1RN is not "
                "assessed (no ACMG/AMP criterion applied)"
            ),
            "",
        )
    pvs1 = pvs1_for(allele, pred, tx, kb, reference)
    if pvs1 is not None:
        return pvs1.classification, pvs1.evidence, pvs1.strength
    cls, evidence = _without_pvs1(allele, pred, variant_type, tx, kb)
    return cls, evidence, ""


def _without_pvs1(
    allele: Allele, pred: Any, variant_type: str, tx: TranscriptModel, kb: KnowledgeBase
) -> tuple[str, str]:
    terms = set(pred.consequences)
    deletion_like = variant_type in ANY_DELETION_TYPES
    if deletion_like and (allele.end < tx.start or allele.start > tx.end):
        side = "upstream" if allele.end < tx.start else "downstream"
        gap = tx.start - allele.end if side == "upstream" else allele.start - tx.end
        spares = (
            f"deletion that does not remove IL1RN: it ends {gap:,} bp {side} of the IL1RN transcript"
            if side == "upstream"
            else f"deletion that does not remove IL1RN: it starts {gap:,} bp downstream of the IL1RN transcript"
        )
        if side == "upstream" and gap <= kb.upstream_distance and allele.length > SMALL_INDEL_MAX:
            return "uncertain_significance", (
                spares + "; it may remove promoter sequence (within "
                f"{kb.upstream_distance:,} bp of the transcript start): effect on "
                "expression unknown. No ACMG/AMP criterion applies (PVS1 needs loss of "
                "IL1RN sequence): at most uncertain significance"
            )
        return NO_PREDICTED_EFFECT, spares + ": no predicted effect on IL1RN and no ACMG/AMP criterion applied"
    if "stop_lost" in terms or "inframe_deletion" in terms or "inframe_insertion" in terms:
        return "uncertain_significance", (
            f"{pred.worst}: protein length change; PM4 (ACMG/AMP 2015) would apply in a "
            "non-repeat region but is not assessed here; PVS1 does not apply: uncertain "
            "significance"
        )
    if "missense_variant" in terms or "protein_altering_variant" in terms:
        return "uncertain_significance", (
            f"{pred.worst} not in the knowledge base: no ACMG/AMP criterion assessed "
            "(in-silico, population and functional evidence are not used): uncertain "
            "significance"
        )
    if "coding_sequence_variant" in terms:
        return "uncertain_significance", (
            "change in the coding sequence whose effect on the protein needs the "
            "transcript sequence, which was not available: uncertain significance"
        )
    if "feature_truncation" in terms:
        exons = ", ".join(map(str, pred.exons_affected))
        return "uncertain_significance", (
            f"deletion of untranslated sequence of IL1RN exon(s) {exons} (no coding "
            "sequence or canonical splice site): effect on expression unknown; no "
            "ACMG/AMP criterion applies: uncertain significance"
        )
    if "splice_region_variant" in terms:
        return "uncertain_significance", (
            "splice region outside the canonical +/-1,2 sites: PVS1 does not apply; "
            "the effect on splicing is not predicted here (no in-silico tool): "
            "uncertain significance"
        )
    return NO_PREDICTED_EFFECT, (
        f"{pred.worst}: no predicted effect on the IL1RN protein; no ACMG/AMP criterion "
        "applied either way (BP4/BP7 need splice and conservation predictions, BA1/BS1 "
        "population data, none of which is used), so this is not a benign classification"
    )
