"""Three sections of the lab report built from a sample's findings and its annotation files: the
coverage of the IL1RN coding sequence (`coverage_view`), the reference sequence the annotation
used (`reference_sequence_text`) and what a geneticist does next (`recommendations`).

`lab_report.context` assembles the whole view of a sample from these and the other parts.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.allele_words import removed_genes_with_conditions
from il1rn_annot.core.coverage import KIND_TEXT, adequately_covered
from il1rn_annot.core.coverage import evidence_text as coverage_evidence_text
from il1rn_annot.core.vocabulary import PATHOGENIC
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.variant_rows import fmt_int
from il1rn_annot.outputs.read_back import SampleInFile


def reference_sequence_text(items: list[SampleInFile]) -> str:
    """Which reference sequence the annotation used, as the annotation files record it.

    Older files carry no `reference_sequence` field: a `reference` input then means a FASTA.
    """
    texts = []
    for item in items:
        prov = item.doc.get("provenance") or {}
        text = prov.get("reference_sequence")
        if not text:
            fasta = next((i for i in prov.get("inputs") or [] if i.get("role") == "reference"), None)
            text = (
                f"reference FASTA {fasta.get('path')} (SHA-256 {fasta.get('sha256')})"
                if fasta
                else "none (no reference FASTA was given and no verified transcript sequence is shipped): HGVS "
                "names of indels are at the caller's left-aligned position and protein changes of novel "
                "coding variants were not predicted"
            )
        texts.append(str(text))
    return "; ".join(dict.fromkeys(texts)) or "none"


def recommendations(findings: list[dict[str, Any]], status: str) -> list[str]:
    """What a geneticist does next with this result: confirmation and family testing."""
    relevant = [f for f in findings if f.get("classification") in (*PATHOGENIC, "uncertain_significance")]
    out: list[str] = []
    if relevant:
        out.append(
            "Confirm the reported variant(s) by an orthogonal method before clinical use: Sanger sequencing "
            "for a small variant; MLPA, quantitative PCR or a chromosomal microarray for a deletion."
        )
    if any(f.get("zygosity") == "homozygous" for f in relevant):
        out.append(
            "Test both parents. A homozygous call may be hemizygous: one copy carries the variant and the "
            "other a deletion this test did not see. Each parent should carry the variant; a parent who "
            "does not points to such a deletion (or a de novo event) and needs copy-number testing."
        )
    if status == "possible_DIRA" or sum(1 for f in relevant if f.get("zygosity") == "heterozygous") > 1:
        out.append(
            "Test both parents (segregation) to establish whether the two variants are on different copies "
            "of IL1RN (in trans), as autosomal recessive disease requires."
        )
    elif status == "carrier":
        out.append(
            "One allele was found. Where the clinical picture suggests DIRA, look for a second allele this "
            "test cannot see (a deletion or an intronic variant), and offer carrier testing to relatives."
        )
    # a deletion that also takes a gene whose own loss matters (PAX8, one copy; IL36RN, both) is a
    # finding for the patient beyond DIRA: the next step must not stop at the IL1RN result
    genes = removed_genes_with_conditions(findings)
    if genes:
        out.append(
            "The deletion also removes " + "; ".join(genes) + ". This is outside the DIRA interpretation: "
            "assess its clinical relevance for the patient and the family (the conditions are named from "
            "the knowledge base; the genes were not otherwise analysed)."
        )
    return out


def coverage_view(coverage: dict[str, Any] | None, kb: KnowledgeBase, build: str, chrom: str) -> dict[str, Any] | None:
    """The report's "Coverage of the IL1RN coding sequence" section, as plain data.

    Each uncovered CDS stretch is named with its exon, so that the reader sees which part of
    the gene a negative result does not speak for.
    """
    if not coverage:
        return None
    tx = kb.transcript(build)
    exon_of = lambda pos: next((n for n, (s, e) in enumerate(tx.exons, start=1) if s <= pos <= e), None)  # noqa: E731
    stretches = [
        {"region": f"{chrom}:{fmt_int(s)}-{fmt_int(e)}", "length": e - s + 1, "exon": exon_of(s)}
        for s, e in coverage.get("uncovered") or []
    ]
    return {
        "kind": KIND_TEXT.get(str(coverage.get("input_kind")), str(coverage.get("input_kind"))),
        "measured": coverage.get("cds_fraction") is not None,
        "fraction": coverage.get("cds_fraction"),
        "confident": coverage.get("cds_bases_confident"),
        "total": coverage.get("cds_bases"),
        "min_gq": coverage.get("min_gq"),
        "min_dp": coverage.get("min_dp"),
        "min_fraction": coverage.get("min_cds_fraction"),
        "adequate": adequately_covered(coverage) if coverage.get("cds_fraction") is not None else None,
        "small_variants_assessed": coverage.get("small_variants_assessed", True),
        "structural_assessed": coverage.get("structural_assessed", coverage.get("input_kind") == "structural"),
        "uncovered": stretches,
        "summary": coverage_evidence_text(coverage),
    }
