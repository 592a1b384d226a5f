"""Annotate one allele: HGVS, consequence, curated knowledge, classification, deletion overlaps.

Classification order: a curated knowledge-base match wins (published DIRA allele,
association polymorphism, the 2q13 deletion); otherwise a transparent rule on the predicted
consequence (loss of function in IL1RN -> likely pathogenic, because biallelic loss of
function is the DIRA mechanism; protein-altering -> uncertain; silent or non-coding ->
likely benign). The evidence string always says which rule applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .consequence import LOSS_OF_FUNCTION, Prediction, predict
from .hgvs import hgvs_c
from .knowledge import KnowledgeBase, KnownVariant
from .locate import Allele
from .reference import ReferenceGenome

RECIPROCAL_OVERLAP_MATCH = 0.5
SMALL_INDEL_MAX = 50


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

    def to_dict(self) -> dict[str, Any]:
        """Shallow field dict (dataclasses.asdict deep-copies: 0.4 s per 2,000 alleles); callers
        treat the lists inside as read-only."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def is_pathogenic(self) -> bool:
        return self.classification in ("pathogenic", "likely_pathogenic")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0) + 1)


#: a call this close to a curated allele that is not the same allele is named as a near miss
NEAR_MISS_DISTANCE = 25
#: ... and of about its size (net length within this many bases): a 200-bp deletion is not a near miss
NEAR_MISS_LENGTH = 5


@dataclass(frozen=True)
class _Edit:
    """An allele as an edit of the reference: bases start..end replaced by `inserted`.

    A pure insertion after base p is (p + 1, p, ins); a pure deletion has inserted == "".
    """

    start: int
    end: int
    inserted: str


def _edit_from_vcf(pos: int, ref: str, alt: str) -> _Edit:
    """Minimal edit of a VCF (POS, REF, ALT): common suffix, then common prefix trimmed."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    k = 0
    while k < min(len(ref), len(alt)) and ref[k] == alt[k]:
        k += 1
    return _Edit(pos + k, pos + len(ref) - 1, alt[k:])


def _known_bases(*pieces: tuple[int, str]) -> dict[int, str] | None:
    """Reference bases by position from several (start, bases) pieces; None if two disagree."""
    known: dict[int, str] = {}
    for start, seq in pieces:
        for i, base in enumerate(seq.upper()):
            if known.setdefault(start + i, base) != base:
                return None
    return known


def _haplotype(edit: _Edit, lo: int, hi: int, known: dict[int, str]) -> str | None:
    """The sequence lo..hi after `edit`, or None where a needed base is unknown."""
    try:
        left = "".join(known[p] for p in range(lo, edit.start))
        right = "".join(known[p] for p in range(edit.end + 1, hi + 1))
    except KeyError:
        return None
    return left + edit.inserted + right


def same_allele(a: _Edit, b: _Edit, known: dict[int, str]) -> bool | None:
    """Whether two edits give the same sequence (True/False), or None if the known bases cannot tell.

    Two indels written at different places of a repeat are the same allele exactly when they
    yield the same haplotype; comparing the haplotypes over the span both touch is the
    normalisation (left-alignment or 3' shifting) without choosing a direction.
    """
    if a == b:
        return True
    if len(a.inserted) - (a.end - a.start + 1) != len(b.inserted) - (b.end - b.start + 1):
        return False  # different net length: never the same allele
    lo, hi = min(a.start, b.start), max(a.end, b.end, a.start - 1, b.start - 1)
    ha, hb = _haplotype(a, lo, hi, known), _haplotype(b, lo, hi, known)
    if ha is None or hb is None:
        return None
    return ha == hb


def _curated_edit(var: KnownVariant, build: str) -> _Edit | None:
    if build in var.vcf:
        return _edit_from_vcf(*var.vcf[build])
    if build in var.deletion:
        start, end = var.deletion[build]
        return _Edit(start, end, "")
    return None


def _match_known(allele: Allele, annotation_c: str, hgvs_p: str, build: str, kb: KnowledgeBase,
                 index: dict[tuple[int, str, str], KnownVariant], tx_c_start: int | None,
                 tx_c_end: int | None, reference: ReferenceGenome | None = None,
                 notes: list[str] | None = None) -> KnownVariant | None:
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
    call = _edit_from_vcf(allele.pos, allele.ref, allele.alt)
    near: list[tuple[KnownVariant, bool | None]] = []
    for var in kb.variants.values():
        vcf = var.vcf.get(build)
        if (var.is_association and vcf and allele.kind == "snv" and vcf[0] == allele.start
                and len(vcf[1]) == 1 and len(vcf[2]) == 1 and {vcf[1], vcf[2]} == {allele.ref_trim, allele.alt_trim}):
            return var  # association SNPs: either orientation of the allele pair
        curated = _curated_edit(var, build)
        if curated is None:
            continue
        if call.start > curated.end + NEAR_MISS_DISTANCE or curated.start > call.end + NEAR_MISS_DISTANCE:
            continue
        pieces = [(allele.pos, allele.ref)]
        if var.context.get(build):
            pieces.append(var.context[build])
        if vcf:
            pieces.append((vcf[0], vcf[1]))
        if reference is not None:
            lo, hi = min(call.start, curated.start) - 1, max(call.end, curated.end) + 1
            if reference.covers(lo, hi):
                pieces.insert(0, (lo, reference.fetch(lo, hi)))
        known = _known_bases(*pieces)
        verdict = same_allele(call, curated, known) if known is not None else False
        if verdict:
            return var
        net = len(call.inserted) - (call.end - call.start + 1)
        similar = (var.type == "snv") == (allele.kind == "snv") and abs(
            net - (len(curated.inserted) - (curated.end - curated.start + 1))) <= NEAR_MISS_LENGTH
        if not var.is_association and similar:
            near.append((var, verdict))
    if notes is not None:
        for var, verdict in near:
            why = ("the bases known here cannot show it is the same allele; give the reference FASTA to "
                   "compare base by base" if verdict is None else "not the same allele")
            notes.append(f"near the published allele {var.label} ({var.id}), {why}: classified by the rules "
                         "as a novel variant")
    return None


def _deletion_fields(allele: Allele, build: str, kb: KnowledgeBase, ann: AlleleAnnotation) -> KnownVariant | None:
    """Genes removed, IL1RN fraction, reciprocal overlap with the known 2q13 deletion."""
    tx = kb.transcript(build)
    s, e = allele.start, allele.end
    for gene in kb.cluster_genes(build):
        ov = _overlap(s, e, gene.start, gene.end)
        if ov:
            ann.deleted_genes.append({"gene": gene.symbol, "fraction": round(ov / gene.length, 4)})
    ann.il1rn_overlap = round(_overlap(s, e, tx.start, tx.end) / tx.length, 4)
    best: KnownVariant | None = None
    for var in kb.variants.values():
        if var.type != "region_deletion" or build not in var.region:
            continue
        r0, r1 = var.region[build]
        ov = _overlap(s, e, r0, r1)
        reciprocal = min(ov / (e - s + 1), ov / (r1 - r0 + 1)) if ov else 0.0
        ann.reciprocal_overlap_2q13 = round(reciprocal, 4)
        if reciprocal >= RECIPROCAL_OVERLAP_MATCH:
            best = var
    return best


def _rule_classification(pred: Prediction, ann: AlleleAnnotation, tx_exon_count: int) -> tuple[str, str]:
    terms = set(pred.consequences)
    lof = terms & LOSS_OF_FUNCTION
    if (ann.variant_type in ("sv_deletion", "deletion") and terms == {"upstream_gene_variant"}
            and ann.end - ann.pos > SMALL_INDEL_MAX):
        # not a point change: a deleted stretch of the promoter region may silence the gene
        return "uncertain_significance", ("deletion of sequence upstream of IL1RN (promoter region): effect on "
                                          "expression unknown")
    if ann.variant_type in ("sv_deletion", "cnv", "deletion") and ann.il1rn_overlap:
        if "transcript_ablation" in terms:
            return "likely_pathogenic", ("deletion removes the whole IL1RN transcript; biallelic loss of IL1RN "
                                         "causes DIRA (loss of function is the disease mechanism)")
        if ann.exons_removed and "exon_loss_variant" in terms:
            return "likely_pathogenic", (f"deletion removes IL1RN exon(s) {', '.join(map(str, ann.exons_removed))}; "
                                         "predicted loss of function (PVS1)")
        partial = ", ".join(map(str, ann.exons_affected))
        takes_cds = bool(terms & {"coding_sequence_variant", "start_lost", "stop_lost", "frameshift_variant",
                                  "inframe_deletion", "protein_altering_variant"})
        if "feature_truncation" in terms and takes_cds:
            if ann.exons_affected == [tx_exon_count] and not lof:
                # as for a stop or frameshift there: the transcript escapes nonsense-mediated decay
                return "uncertain_significance", ("deletion of part of the coding sequence in the last exon: "
                                                  "predicted to escape nonsense-mediated decay; loss of function "
                                                  "not established")
            return "likely_pathogenic", (f"deletion removes part of the coding sequence (IL1RN exon(s) {partial}); "
                                         "predicted loss of function (PVS1)")
        if ann.exons_affected and lof:
            return "likely_pathogenic", (f"deletion of part of IL1RN exon(s) {partial}: predicted loss of function "
                                         f"({', '.join(sorted(lof))}; PVS1)")
        if "feature_truncation" in terms:
            return "uncertain_significance", (f"deletion removes untranslated sequence of IL1RN exon(s) {partial} "
                                              "(no coding sequence or splice site): effect on expression unknown")
    if lof:
        last_exon_only = ann.exons_affected == [tx_exon_count] and not terms & {
            "splice_acceptor_variant", "splice_donor_variant", "start_lost", "transcript_ablation"}
        if last_exon_only and terms & {"stop_gained", "frameshift_variant"}:
            return "uncertain_significance", (f"{'/'.join(sorted(lof))} in the last exon: predicted to escape "
                                              "nonsense-mediated decay; loss of function not established")
        return "likely_pathogenic", (f"predicted loss of function ({', '.join(sorted(lof))}) in IL1RN, where "
                                     "biallelic loss of function causes DIRA (PVS1); not a published allele: "
                                     "review before reporting")
    if terms & {"missense_variant", "inframe_deletion", "inframe_insertion", "protein_altering_variant",
                "stop_lost", "coding_sequence_variant", "splice_region_variant", "feature_truncation"}:
        return "uncertain_significance", (f"{pred.worst} of unknown effect; not in the knowledge base")
    if ann.variant_type in ("other_sv", "breakend"):
        return "uncertain_significance", "structural variant other than a deletion: effect on IL1RN not assessed"
    return "likely_benign", (f"{pred.worst}: no predicted effect on the IL1RN protein; not a published DIRA "
                             "allele")


def annotate_allele(allele: Allele, build: str, kb: KnowledgeBase,
                    reference: ReferenceGenome | None = None) -> AlleleAnnotation:
    """Annotate one allele of a locus record on `build`."""
    tx = kb.transcript(build)
    name = hgvs_c(allele, tx, reference)
    pred = predict(allele, tx, kb, reference)
    in_il1rn = allele.start <= tx.end + kb.upstream_distance and allele.end >= tx.start - kb.upstream_distance
    gene = "IL1RN" if in_il1rn else next(
        (g.symbol for g in kb.cluster_genes(build) if g.start <= allele.start <= g.end), "intergenic")
    ann = AlleleAnnotation(
        allele_id=allele.allele_id, chrom=allele.chrom, pos=allele.pos, end=allele.end, ref=allele.ref,
        alt=allele.alt, vcf_id=allele.vcf_id, filter=allele.filter, variant_type=allele.kind, gene=gene,
        transcript=tx.refseq, hgvs_c=name.c, hgvs_p=pred.hgvs_p, consequence=list(pred.consequences),
        classification="", classification_evidence="", known_variant="", conditions=[], pmids=[],
        references=[], exons_affected=list(pred.exons_affected), exons_removed=list(pred.exons_removed),
        imprecise=allele.imprecise,
        hgvs_shifted=name.shifted, notes=list(pred.notes),
    )
    if not name.shifted and allele.kind in ("deletion", "insertion"):
        ann.notes.append("HGVS c. not 3'-shifted (no reference FASTA): the caller's left-aligned position is used")
    known: KnownVariant | None = None
    if allele.kind in ("sv_deletion", "cnv", "deletion"):
        known = _deletion_fields(allele, build, kb, ann)
        if allele.kind == "deletion" and allele.length <= SMALL_INDEL_MAX:
            # a small indel is named by HGVS, not by the genes it "removes"
            ann.deleted_genes, ann.il1rn_overlap, ann.reciprocal_overlap_2q13 = [], None, None
    c_start = c_end = None
    if allele.kind == "deletion" and tx.cds_start <= allele.start and allele.end <= tx.cds_end:
        cs, ce = tx.c_position(allele.start), tx.c_position(allele.end)
        if not cs.offset and not ce.offset:
            c_start, c_end = cs.base, ce.base
    known = _match_known(allele, name.c, pred.hgvs_p, build, kb, kb.small_variant_index(build),
                         c_start, c_end, reference=reference, notes=ann.notes) or known
    if known is not None:
        ann.known_variant = known.id
        ann.classification = known.classification
        ann.classification_evidence = known.evidence
        ann.conditions = list(known.conditions)
        ann.references = list(known.references)
        ann.pmids = kb.pmids_for(known.references)
        if known.hgvs_c and not reference:
            ann.hgvs_c = known.hgvs_c  # the curated, 3'-shifted name
        if known.hgvs_p and not ann.hgvs_p:
            ann.hgvs_p = known.hgvs_p
        if known.consequence and known.consequence not in ann.consequence and (
                "coding_sequence_variant" in ann.consequence or not ann.consequence):
            # without the codon sequence the curated consequence is the better statement
            ann.consequence = [known.consequence] + [t for t in ann.consequence if t != "coding_sequence_variant"]
    else:
        ann.classification, ann.classification_evidence = _rule_classification(pred, ann, len(tx.exons))
        if ann.is_pathogenic:
            ann.conditions = ["DIRA"]
            ann.references = list(kb.conditions["DIRA"].references)
            ann.pmids = kb.pmids_for(ann.references)
    if allele.filter not in ("PASS", "."):
        ann.notes.append(f"call did not pass the caller's filters ({allele.filter}): confirm before reporting")
    if allele.imprecise:
        ann.notes.append("imprecise breakpoints (CIPOS/CIEND): gene overlaps use the reported POS/END")
    ann.notes.extend(allele.notes)  # how a breakend or translocation was read (locate.py)
    return ann
