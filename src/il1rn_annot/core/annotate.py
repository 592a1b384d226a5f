"""Annotate one allele: HGVS, consequence, curated knowledge, classification, deletion overlaps.

Classification order: a curated small variant matched exactly wins (published DIRA allele,
association polymorphism). Every other allele, deletions included, is classified by what it
does to IL1RN (`core/classify.py`: the ClinGen SVI PVS1 tree of `core/pvs1.py`, then ACMG/AMP
2015 as modelled by Tavtigian 2018). A deletion that overlaps the published ~175 kb 2q13
deletion takes that curated entry only when it also removes IL1RN at PVS1 strength; otherwise
the overlap is shown as supporting evidence and never makes it a DIRA allele. The evidence
string always names the rule and its strength.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from il1rn_annot.core.allele_match import (
    Edit,
    curated_edit,
    edit_from_vcf,
    same_allele_by_bases,
)
from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.classify import classify
from il1rn_annot.core.codon_sets import METHOD_NOTE
from il1rn_annot.core.consequence import predict
from il1rn_annot.core.hgvs import hgvs_c
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, SMALL_INDEL_MAX
from il1rn_annot.kb.model import KnowledgeBase, KnownVariant
from il1rn_annot.vcf.reference import ReferenceGenome

#: reciprocal overlap from which a deletion is matched to the published ~175 kb 2q13 deletion (a
#: candidate only: see `_deletion_fields`); the lab report's sentences and template print this value
RECIPROCAL_OVERLAP_MATCH = 0.5


#: AlleleAnnotation fields present only when population/ClinVar resources were given (evidence.apply)
EVIDENCE_FIELDS = ("population", "population_criterion", "clinvar")


@dataclass
class AlleleAnnotation:
    """Everything the outputs say about one ALT allele (sample-independent)."""

    allele_id: str
    chrom: str
    pos: int
    end: int
    ref: str
    alt: str
    vcf_id: str
    filter: str
    variant_type: str
    gene: str
    transcript: str
    hgvs_c: str
    hgvs_p: str
    consequence: list[str]
    classification: str
    classification_evidence: str
    known_variant: str
    conditions: list[str]
    pmids: list[str]
    references: list[str]
    deleted_genes: list[dict[str, Any]] = field(default_factory=list)
    il1rn_overlap: float | None = None
    exons_affected: list[int] = field(default_factory=list)
    exons_removed: list[int] = field(default_factory=list)  # whole exons a deletion removes
    reciprocal_overlap_2q13: float | None = None
    imprecise: bool = False
    hgvs_shifted: bool = True
    notes: list[str] = field(default_factory=list)
    #: ClinGen SVI PVS1 strength the rules gave ('' where the tree does not apply or a curated entry decided)
    pvs1: str = ""
    #: population data per resource given (evidence.apply); None: the run had no population resource
    population: list[dict[str, Any]] | None = None
    #: the population criterion that fired (BA1, BS1, PM2_Supporting or ''); None: no population resource
    population_criterion: str | None = None
    #: the ClinVar record of the allele ({"found": False} when absent); None: the run had no ClinVar file
    clinvar: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Shallow field dict (dataclasses.asdict deep-copies: 0.4 s per 2,000 alleles); callers
        treat the lists inside as read-only. The evidence fields appear only when the run had the
        resource, so a run without them writes the same outputs as before they existed."""
        values = self.__dict__  # the fields, in order (a plain dataclass: no slots, no extra attributes)
        return {
            name: value for name in _FIELD_NAMES if (value := values[name]) is not None or name not in EVIDENCE_FIELDS
        }

    @property
    def is_pathogenic(self) -> bool:
        return self.classification in ("pathogenic", "likely_pathogenic")


#: AlleleAnnotation's field names in order, read once (`dataclasses.fields` per call was ~2 us of ~6)
_FIELD_NAMES = tuple(f.name for f in fields(AlleleAnnotation))


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0) + 1)


#: a call this close to a curated allele that is not the same allele is named as a near miss
NEAR_MISS_DISTANCE = 25
#: ... and of about its size (net length within this many bases): a 200-bp deletion is not a near miss
NEAR_MISS_LENGTH = 5


def _match_known(
    allele: Allele,
    annotation_c: str,
    hgvs_p: str,
    build: str,
    kb: KnowledgeBase,
    index: dict[tuple[int, str, str], KnownVariant],
    tx_c_start: int | None,
    tx_c_end: int | None,
    reference: ReferenceGenome | None = None,
    notes: list[str] | None = None,
) -> KnownVariant | None:
    """The curated variant that is the same allele as `allele`, else None (the rules then apply).

    Same allele means the same normalised change: identical trimmed VCF form, or an indel that
    gives the same sequence when compared base by base over the bases the knowledge base's
    context, both REFs and the reference sequence (when given) provide. Never a window, a
    length rule or a shared protein change: a different 15-bp deletion near the published
    Jesus 2011 allele is a different allele. A near miss is named in `notes`.
    (`annotation_c`, `hgvs_p`, `tx_c_start` and `tx_c_end` are not used: kept for the caller.)
    """
    if allele.symbolic:
        return None
    hit = index.get((allele.pos, allele.ref.upper(), allele.alt.upper()))
    if hit:
        return hit
    call = edit_from_vcf(allele.pos, allele.ref, allele.alt)
    near: list[tuple[KnownVariant, bool | None]] = []
    for var, vcf, curated in _curated_edits(kb, build):
        if (
            var.is_association
            and vcf
            and allele.kind == "snv"
            and vcf[0] == allele.start
            and len(vcf[1]) == 1
            and len(vcf[2]) == 1
            and {vcf[1], vcf[2]} == {allele.ref_trim, allele.alt_trim}
        ):
            return var  # association SNPs: either orientation of the allele pair
        if curated is None:
            continue
        if call.start > curated.end + NEAR_MISS_DISTANCE or curated.start > call.end + NEAR_MISS_DISTANCE:
            continue
        pieces = [(allele.pos, allele.ref)]
        if var.context.get(build):
            pieces.append(var.context[build])
        if vcf:
            pieces.append((vcf[0], vcf[1]))
        verdict = same_allele_by_bases(call, curated, pieces, reference)
        if verdict:
            return var
        net = len(call.inserted) - (call.end - call.start + 1)
        similar = (var.type == "snv") == (allele.kind == "snv") and abs(
            net - (len(curated.inserted) - (curated.end - curated.start + 1))
        ) <= NEAR_MISS_LENGTH
        if not var.is_association and similar:
            near.append((var, verdict))
    if notes is not None:
        for var, verdict in near:
            why = (
                "the bases known here cannot show it is the same allele; give the reference FASTA to "
                "compare base by base"
                if verdict is None
                else "not the same allele"
            )
            notes.append(
                f"near the published allele {var.label} ({var.id}), {why}: classified by the rules as a novel variant"
            )
    return None


def _curated_edits(
    kb: KnowledgeBase, build: str
) -> list[tuple[KnownVariant, tuple[int, str, str] | None, Edit | None]]:
    """Each curated variant with its VCF form and edit on `build`, in the knowledge base's order:
    made once per KB and build (`_match_known` compares every allele of a joint VCF with them)."""
    key = ("curated_edits", build)
    memo = kb.annotation_memo.get(key)
    if memo is None:
        memo = [(var, var.vcf.get(build), curated_edit(var, build)) for var in kb.variants.values()]
        kb.annotation_memo[key] = memo
    return memo


def gene_conditions(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """{symbol: condition} of the cluster genes with a verified condition of their own (locus.yaml)."""
    memo = kb.annotation_memo.get("gene_conditions")
    if memo is None:
        memo = {g["symbol"]: dict(g["condition"]) for g in kb.raw["locus"]["cluster"]["genes"] if g.get("condition")}
        kb.annotation_memo["gene_conditions"] = memo
    return memo


def _deletion_fields(allele: Allele, build: str, kb: KnowledgeBase, ann: AlleleAnnotation) -> KnownVariant | None:
    """Genes removed (each with its own condition where one is curated), IL1RN fraction, and
    reciprocal overlap with the known 2q13 deletion (returned when >= RECIPROCAL_OVERLAP_MATCH: a
    candidate only)."""
    tx = kb.transcript(build)
    s, e = allele.start, allele.end
    conditions = gene_conditions(kb)
    for gene in kb.cluster_genes(build):
        ov = _overlap(s, e, gene.start, gene.end)
        if ov:
            entry: dict[str, Any] = {"gene": gene.symbol, "fraction": round(ov / gene.length, 4)}
            cond = conditions.get(gene.symbol)
            if cond:
                entry.update(condition=cond["short"], omim=cond["omim"], inheritance=cond["inheritance"])
            ann.deleted_genes.append(entry)
    ann.il1rn_overlap = round(_overlap(s, e, tx.start, tx.end) / tx.length, 4)
    best: KnownVariant | None = None
    for var in kb.variants.values():
        if var.type != "region_deletion" or build not in var.region:
            continue
        r0, r1 = var.region[build]
        ov = _overlap(s, e, r0, r1)
        reciprocal = min(ov / (e - s + 1), ov / (r1 - r0 + 1)) if ov else 0.0
        # the stored (rounded) value decides, so that the report, which reads it back, agrees
        ann.reciprocal_overlap_2q13 = round(reciprocal, 4)
        if ann.reciprocal_overlap_2q13 >= RECIPROCAL_OVERLAP_MATCH:
            best = var
    return best


def _apply_known(
    ann: AlleleAnnotation,
    known: KnownVariant,
    kb: KnowledgeBase,
    reference: ReferenceGenome | None,
    extra_evidence: str = "",
) -> None:
    """Take a curated entry's classification, conditions and references."""
    ann.known_variant = known.id
    ann.classification = known.classification
    ann.classification_evidence = known.evidence + extra_evidence
    ann.conditions = list(known.conditions)
    ann.references = list(known.references)
    ann.pmids = kb.pmids_for(known.references)
    if known.hgvs_c and not reference:
        ann.hgvs_c = known.hgvs_c  # the curated, 3'-shifted name
    if known.hgvs_p and ann.hgvs_p and not reference and ann.hgvs_p != known.hgvs_p:
        # a p. deduced without sequence (codon_sets) meets the curated, published name: the curated one
        # is kept (a frameshift's short form p.(Asn52fs) is the same change as p.(Asn52LysfsTer25));
        # a real disagreement is shown, never hidden
        if not _same_protein_change(ann.hgvs_p, known.hgvs_p):
            ann.notes.append(
                f"the protein change deduced without a reference sequence ({ann.hgvs_p}) differs from "
                f"the curated name {known.hgvs_p}: check the record and the curated entry"
            )
        ann.hgvs_p = known.hgvs_p
    if known.hgvs_p and not reference:  # the curated name stands: no "not determined" note beside it
        ann.notes = [n for n in ann.notes if not n.startswith("protein change not determined")]
    if known.hgvs_p and not ann.hgvs_p:
        ann.hgvs_p = known.hgvs_p
    if (
        known.consequence
        and known.consequence not in ann.consequence
        and ("coding_sequence_variant" in ann.consequence or not ann.consequence)
    ):
        # without the codon sequence the curated consequence is the better statement
        ann.consequence = [known.consequence] + [t for t in ann.consequence if t != "coding_sequence_variant"]


def _same_protein_change(short: str, curated: str) -> bool:
    """True when a frameshift's short form names the same change as a curated long form."""
    stem = short.removesuffix("fs)")
    return short.endswith("fs)") and curated.startswith(stem) and "fs" in curated


def _region_match(
    ann: AlleleAnnotation, region: KnownVariant, kb: KnowledgeBase, reference: ReferenceGenome | None
) -> None:
    """The published 2q13 deletion matched by reciprocal overlap: supporting evidence only.

    It becomes the curated (pathogenic) entry only when the rules already find that the
    deletion removes IL1RN at PVS1 strength; otherwise the overlap is named in the evidence
    and the rule's class stands (an upstream deletion that spares IL1RN is no DIRA allele).
    """
    overlap = (
        f" Supporting: reciprocal overlap {ann.reciprocal_overlap_2q13:.2f} with the published ~175 kb 2q13 "
        f"deletion ({region.id}; approximate span)."
    )
    if ann.is_pathogenic:
        rule = f" By what it removes: {ann.classification_evidence.rstrip('.')}."
        _apply_known(ann, region, kb, reference, rule + overlap)
        return
    ann.classification_evidence = (
        ann.classification_evidence.rstrip(".")
        + "."
        + overlap
        + " It does not remove IL1RN coding sequence at PVS1 strength, so the overlap "
        "does not make it that DIRA allele."
    )


def annotate_allele(
    allele: Allele, build: str, kb: KnowledgeBase, reference: ReferenceGenome | None = None
) -> AlleleAnnotation:
    """Annotate one allele of a locus record on `build`."""
    tx = kb.transcript(build)
    name = hgvs_c(allele, tx, reference)
    pred = predict(allele, tx, kb, reference)
    in_il1rn = allele.start <= tx.end + kb.upstream_distance and allele.end >= tx.start - kb.upstream_distance
    gene = (
        "IL1RN"
        if in_il1rn
        else next((g.symbol for g in kb.cluster_genes(build) if g.start <= allele.start <= g.end), "intergenic")
    )
    ann = AlleleAnnotation(
        allele_id=allele.allele_id,
        chrom=allele.chrom,
        pos=allele.pos,
        end=allele.end,
        ref=allele.ref,
        alt=allele.alt,
        vcf_id=allele.vcf_id,
        filter=allele.filter,
        variant_type=allele.kind,
        gene=gene,
        transcript=tx.refseq,
        hgvs_c=name.c,
        hgvs_p=pred.hgvs_p,
        consequence=list(pred.consequences),
        classification="",
        classification_evidence="",
        known_variant="",
        conditions=[],
        pmids=[],
        references=[],
        exons_affected=list(pred.exons_affected),
        exons_removed=list(pred.exons_removed),
        imprecise=allele.imprecise,
        hgvs_shifted=name.shifted,
        notes=list(pred.notes),
    )
    if not name.shifted and allele.kind in ("deletion", "insertion"):
        ann.notes.append("HGVS c. not 3'-shifted (no reference FASTA): the caller's left-aligned position is used")
    region: KnownVariant | None = None
    if allele.kind in ANY_DELETION_TYPES:
        region = _deletion_fields(allele, build, kb, ann)
        if allele.length <= SMALL_INDEL_MAX:
            # a small indel (explicit or symbolic) is named by HGVS, not by the genes it "removes"
            ann.deleted_genes, ann.il1rn_overlap, ann.reciprocal_overlap_2q13, region = [], None, None, None
    c_start = c_end = None
    if allele.kind == "deletion" and tx.cds_start <= allele.start and allele.end <= tx.cds_end:
        cs, ce = tx.c_position(allele.start), tx.c_position(allele.end)
        if not cs.offset and not ce.offset:
            c_start, c_end = cs.base, ce.base
    known = _match_known(
        allele,
        name.c,
        pred.hgvs_p,
        build,
        kb,
        kb.small_variant_index(build),
        c_start,
        c_end,
        reference=reference,
        notes=ann.notes,
    )
    if known is not None:
        _apply_known(ann, known, kb, reference)
    else:
        ann.classification, ann.classification_evidence, ann.pvs1 = classify(
            allele, pred, ann.variant_type, tx, kb, reference
        )
        if pred.hgvs_p and any(n.startswith(METHOD_NOTE) for n in pred.notes):
            # the rule read a p. deduced without sequence (codon_sets): the evidence says so
            ann.classification_evidence = ann.classification_evidence.rstrip(".") + f". {pred.hgvs_p}: {METHOD_NOTE}."
        if region is not None:
            _region_match(ann, region, kb, reference)
        if ann.is_pathogenic and not ann.known_variant:
            ann.conditions = ["DIRA"]
            ann.references = list(kb.conditions["DIRA"].references)
            ann.pmids = kb.pmids_for(ann.references)
    if allele.filter not in ("PASS", "."):
        ann.notes.append(f"call did not pass the caller's filters ({allele.filter}): confirm before reporting")
    if allele.imprecise:
        ann.notes.append("imprecise breakpoints (CIPOS/CIEND): gene overlaps use the reported POS/END")
    ann.notes.extend(allele.notes)  # how a breakend or translocation was read (core/alleles.py)
    return ann
