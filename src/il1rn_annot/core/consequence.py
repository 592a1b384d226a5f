"""Sequence Ontology consequences and HGVS p. predictions on the IL1RN MANE transcript.

Three sources of knowledge, strongest first:

* a reference FASTA (`--reference`): the allele is applied to the spliced CDS and the
  proteins compared (`_cds_effect_with_sequence`); it always wins;
* without one, the protein NP_776214.1 shipped in the knowledge base, the genetic code and
  the VCF record's REF/ALT bases (`codon_sets.deduce`): a protein change is reported only
  when every reference codon sequence that agrees with the protein and the REF bases gives
  the same change (c.181C>T: Gln61 is CAA/CAG, so TAA/TAG: p.(Gln61Ter)); otherwise the
  possible outcomes are listed in a note and the allele stays `coding_sequence_variant`;
  a REF base no codon of the residue has is a warning naming the record (wrong build or
  transcript, or a bad record); every deduced p. says so in the allele notes;
* positions alone: splice sites, UTRs, introns, frameshift vs in-frame by indel length,
  exon loss for deletions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.codon_sets import METHOD_NOTE, codon_text, deduce, outcome_text
from il1rn_annot.core.protein_change import protein_change, translate
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, DELETION_TYPES, SMALL_INDEL_MAX
from il1rn_annot.kb.locus_model import TranscriptModel
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.reference import ReferenceGenome

#: SO terms from most to least severe (Ensembl VEP order), used to sort and to pick the worst.
SEVERITY = [
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "exon_loss_variant",
    "feature_truncation",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_donor_5th_base_variant",
    "splice_region_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "intron_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "copy_number_increase",
    "structural_variant",
    "intergenic_variant",
]
LOSS_OF_FUNCTION = {
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "start_lost",
    "exon_loss_variant",
}


@dataclass
class Prediction:
    consequences: list[str] = field(default_factory=list)
    hgvs_p: str = ""
    exons_affected: list[int] = field(default_factory=list)  # exons a deletion (or any allele) overlaps
    exons_removed: list[int] = field(default_factory=list)  # exons a deletion removes whole
    notes: list[str] = field(default_factory=list)

    def add(self, term: str) -> None:
        if term not in self.consequences:
            self.consequences.append(term)

    def sort(self) -> None:
        self.consequences.sort(key=lambda t: SEVERITY.index(t) if t in SEVERITY else len(SEVERITY))

    @property
    def worst(self) -> str:
        return self.consequences[0] if self.consequences else "intergenic_variant"


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 <= b1 and b0 <= a1


def _position_consequences(allele: Allele, tx: TranscriptModel, kb: KnowledgeBase, pred: Prediction) -> None:
    """Everything that follows from where the allele lies."""
    if allele.kind == "insertion":
        s, e = allele.start, allele.start + 1  # the two bases flanking the insertion point
    else:
        s, e = allele.start, allele.end
    deletion_like = allele.kind in ANY_DELETION_TYPES
    if deletion_like and s <= tx.start and e >= tx.end:
        pred.add("transcript_ablation")
        pred.exons_affected = list(range(1, len(tx.exons) + 1))
        pred.exons_removed = list(pred.exons_affected)
        return
    if e < tx.start:
        pred.add("upstream_gene_variant" if tx.start - e <= kb.upstream_distance else "intergenic_variant")
        return
    if s > tx.end:
        pred.add("downstream_gene_variant" if s - tx.end <= kb.upstream_distance else "intergenic_variant")
        return
    exons_hit = [n for n, (x0, x1) in enumerate(tx.exons, start=1) if _overlaps(s, e, x0, x1)]
    if allele.kind == "insertion":
        exons_hit = [n for n, (x0, x1) in enumerate(tx.exons, start=1) if x0 <= s and e <= x1]
    pred.exons_affected = exons_hit
    for k in range(len(tx.exons) - 1):
        donor_last, acceptor_first = tx.exons[k][1], tx.exons[k + 1][0]
        intron_touched = False
        if allele.kind == "insertion":
            # an insertion between the two donor or the two acceptor bases disrupts the site
            if s in (donor_last + 1,) or s == acceptor_first - 2:
                pred.add("splice_donor_variant" if s == donor_last + 1 else "splice_acceptor_variant")
        else:
            if _overlaps(s, e, donor_last + 1, donor_last + 2):
                pred.add("splice_donor_variant")
            if _overlaps(s, e, acceptor_first - 2, acceptor_first - 1):
                pred.add("splice_acceptor_variant")
            intron_touched = _overlaps(s, e, donor_last + 1, acceptor_first - 1)
        ex, intr = kb.splice_region_exonic, kb.splice_region_intronic
        if (
            _overlaps(s, e, donor_last - ex + 1, donor_last)
            or _overlaps(s, e, donor_last + 3, donor_last + intr)
            or _overlaps(s, e, acceptor_first - intr, acceptor_first - 3)
            or _overlaps(s, e, acceptor_first, acceptor_first + ex - 1)
        ):
            pred.add("splice_region_variant")
        if intron_touched:
            pred.add("intron_variant")
    if allele.kind == "insertion" and not exons_hit and tx.intron_index(s) is not None:
        pred.add("intron_variant")
    if deletion_like:
        pred.exons_removed = [n for n in exons_hit if s <= tx.exons[n - 1][0] and e >= tx.exons[n - 1][1]]
    if pred.exons_removed:
        pred.add("exon_loss_variant")
    elif deletion_like and exons_hit and allele.length > SMALL_INDEL_MAX:
        # part of an exon: what is lost (coding sequence, UTR) decides, not 'exon loss'. A small
        # deletion is judged by its frame whether it is written explicitly or as <DEL> (issue 16)
        pred.add("feature_truncation")
    for n in exons_hit:
        x0, x1 = tx.exons[n - 1]
        lo, hi = max(s, x0), min(e, x1)
        if lo < tx.cds_start:
            pred.add("5_prime_UTR_variant")
        if hi > tx.cds_end:
            pred.add("3_prime_UTR_variant")
        if _overlaps(lo, hi, tx.cds_start, tx.cds_end):
            pred.add("coding_sequence_variant")
            if deletion_like and _overlaps(lo, hi, tx.cds_start, tx.cds_start + 2):
                pred.add("start_lost")  # a deletion taking any base of the ATG (+ strand)
            if deletion_like and _overlaps(lo, hi, tx.cds_end - 2, tx.cds_end):
                pred.add("stop_lost")  # ... or of the stop codon


def _cds_effect_without_sequence(allele: Allele, tx: TranscriptModel, pred: Prediction, protein: str = "") -> None:
    """What the protein, the REF/ALT bases, indel length and position say about the CDS without sequence."""
    if "coding_sequence_variant" not in pred.consequences:
        return
    inside_cds = (
        tx.cds_start <= allele.start
        and allele.end <= tx.cds_end
        and len(pred.exons_affected) == 1
        and _within_one_exon(allele, tx)
    )
    if allele.kind in ("snv", "mnv") and inside_cds:
        if _deduced(allele, tx, pred, protein, frameshift=False):
            return
        c_first = tx.c_position(allele.start).base
        if c_first <= 3:
            pred.add("start_lost")
        return
    if allele.kind in (*ANY_DELETION_TYPES, "insertion", "delins") and inside_cds and allele.length <= SMALL_INDEL_MAX:
        delta = -allele.length if allele.symbolic else len(allele.alt_trim) - len(allele.ref_trim)
        if _deduced(allele, tx, pred, protein, frameshift=bool(delta % 3)):
            return
        pred.add("frameshift_variant" if delta % 3 else ("inframe_deletion" if delta < 0 else "inframe_insertion"))


def _cds_edit(allele: Allele, tx: TranscriptModel) -> tuple[int, int, str, dict[int, str]]:
    """The allele as a CDS edit: 0-based [t0, t1) replaced by ALT bases, and the REF bases the record states
    {0-based CDS offset: base} (padding and context bases of REF included: each one constrains a codon)."""

    def offset(pos: int) -> int:
        return tx.c_position(pos).base - 1

    if allele.kind == "insertion":
        t0 = t1 = offset(allele.start) + 1
    else:
        t0, t1 = offset(allele.start), offset(allele.end) + 1
    known: dict[int, str] = {}
    for i, base in enumerate(allele.ref.upper()):
        pos = allele.pos + i
        if base in "ACGT" and tx.cds_start <= pos <= tx.cds_end and tx.exon_index(pos) is not None:
            known[offset(pos)] = base
    return t0, t1, "" if allele.symbolic else allele.alt_trim.upper(), known


def _deduced(allele: Allele, tx: TranscriptModel, pred: Prediction, protein: str, frameshift: bool) -> bool:
    """Apply `codon_sets.deduce`; True when it determined the protein change (terms and p. set).

    An undetermined change adds a note with the possible outcomes and claims no protein
    effect; a REF base that no codon of the residue has adds a warning naming the record.
    """
    if not protein or 3 * (len(protein) + 1) != tx.cds_length:
        return False
    t0, t1, alt, known = _cds_edit(allele, tx)
    if set(alt) - set("ACGT"):
        return False
    ded = deduce(protein, t0, t1, alt, known, protein_change)
    record = f"{allele.chrom}:{allele.pos} {allele.ref}>{allele.alt}"
    if ded.status == "determined":
        pred.hgvs_p = ded.hgvs_p
        pred.add(ded.term)
        if frameshift:
            pred.add("frameshift_variant")
        pred.notes.append(
            f"{METHOD_NOTE}: reference codons agreeing with the protein and REF: {codon_text(ded)}; "
            f"with the ALT every one gives {ded.hgvs_p}"
        )
        return True
    if ded.status == "contradiction":
        pred.notes.append(
            f"WARNING: record {record}: the REF base(s) agree with no codon of NP_776214.1 at {codon_text(ded)}: "
            "wrong genome build or transcript, or a bad record; check the VCF against its reference. No protein "
            "change deduced"
        )
    elif ded.status == "ambiguous":
        pred.notes.append(
            f"protein change not determined without the reference sequence: reference codons agreeing "
            f"with the protein and REF: {codon_text(ded)}; with the ALT they could give "
            f"{outcome_text(ded)}: needs the reference sequence (--reference FASTA)"
        )
    return False


def _within_one_exon(allele: Allele, tx: TranscriptModel) -> bool:
    """True when every changed base lies in one exon: a change across an exon-intron boundary
    gets p.? (its effect on splicing decides the protein), never a protein from its exonic part."""
    if allele.kind == "insertion":
        here = tx.exon_index(allele.start)
        return here is not None and here == tx.exon_index(allele.start + 1)
    first = tx.exon_index(allele.start)
    return first is not None and first == tx.exon_index(allele.end)


def _crosses_cds_boundary(allele: Allele, tx: TranscriptModel) -> bool:
    """A deletion that takes the start or stop codon together with UTR bases (c.-4_6del,
    c.529_*9del): HGVS gives such a change p.? -- whether and where translation starts or ends
    is not predictable -- rather than leaving the protein column empty."""
    if allele.kind in ("snv", "mnv", "insertion"):
        return False
    return allele.start < tx.cds_start <= allele.end or allele.start <= tx.cds_end < allele.end


def _cds_effect_with_sequence(
    allele: Allele, tx: TranscriptModel, reference: ReferenceGenome, pred: Prediction
) -> None:
    """Apply the allele to the spliced CDS (+ 3' UTR for read-through) and compare proteins."""
    small_symbolic = allele.kind in DELETION_TYPES and allele.length <= SMALL_INDEL_MAX
    if "coding_sequence_variant" not in pred.consequences or (
        allele.kind not in ("snv", "mnv", "deletion", "insertion", "delins") and not small_symbolic
    ):
        return
    if len(pred.exons_affected) != 1 or allele.length > 300 or not _within_one_exon(allele, tx):
        return  # crosses a splice junction: the splice terms already say it; p. is not predictable
    if _crosses_cds_boundary(allele, tx):
        return  # takes the start or stop codon with UTR bases: p.? (`predict`)
    if not all(reference.covers(x0, x1) for x0, x1 in tx.exons):
        pred.notes.append("reference FASTA does not cover all IL1RN exons: protein change not predicted")
        return
    exonic = "".join(reference.fetch(x0, x1) for x0, x1 in tx.exons)
    cds_t0 = tx.transcript_index(tx.cds_start) - 1
    ref_tail = exonic[cds_t0:]
    ref_p = translate(ref_tail)
    if not ref_p.startswith("M") or len(ref_p) != tx.cds_length // 3:
        pred.notes.append(
            "the reference FASTA's IL1RN CDS does not translate to the expected protein: is it the right build?"
        )
        return
    if allele.kind == "insertion":
        t_after = tx.transcript_index(allele.start) - cds_t0
        alt_tail = ref_tail[:t_after] + allele.alt_trim + ref_tail[t_after:]
        first_codon = (t_after) // 3 + 1
        delta = len(allele.alt_trim)
    else:
        t0 = tx.transcript_index(max(allele.start, tx.exons[pred.exons_affected[0] - 1][0])) - cds_t0 - 1
        t1 = tx.transcript_index(min(allele.end, tx.exons[pred.exons_affected[0] - 1][1])) - cds_t0
        if t0 < 0:
            return  # starts in the 5' UTR
        alt_tail = ref_tail[:t0] + allele.alt_trim + ref_tail[t1:]
        first_codon = t0 // 3 + 1
        delta = len(allele.alt_trim) - (t1 - t0)
    alt_p = translate(alt_tail)
    term, hgvs_p = protein_change(ref_p, alt_p, first_codon, frameshift=bool(delta % 3))
    pred.hgvs_p = hgvs_p
    pred.add(term)
    if term == "stop_gained" and delta % 3:
        pred.add("frameshift_variant")


def predict(allele: Allele, tx: TranscriptModel, kb: KnowledgeBase, reference: ReferenceGenome | None) -> Prediction:
    """Consequence terms (sorted, worst first) and HGVS p. for one allele."""
    pred = Prediction()
    if allele.kind == "breakend":
        pred.add("structural_variant")
        return pred
    if allele.kind == "other_sv":
        pred.add("structural_variant" if not allele.alt.upper().startswith("<DUP") else "copy_number_increase")
        return pred
    _position_consequences(allele, tx, kb, pred)
    if reference is not None:
        _cds_effect_with_sequence(allele, tx, reference, pred)
    if not pred.hgvs_p:
        # the protein + REF deduction whenever the sequence could not be used: no FASTA, or one that
        # does not cover the exons (a partial extract must not lose a nonsense call the protein shows)
        covered = reference is not None and all(reference.covers(x0, x1) for x0, x1 in tx.exons)
        _cds_effect_without_sequence(allele, tx, pred, "" if covered else kb.protein)
    if (
        len(pred.consequences) > 1
        and "coding_sequence_variant" in pred.consequences
        and any(
            t in pred.consequences
            for t in (
                "stop_gained",
                "frameshift_variant",
                "missense_variant",
                "synonymous_variant",
                "stop_retained_variant",
                "inframe_deletion",
                "inframe_insertion",
                "start_lost",
                "stop_lost",
                "protein_altering_variant",
                "exon_loss_variant",
                "transcript_ablation",
            )
        )
    ):
        pred.consequences.remove("coding_sequence_variant")
    if (
        "splice_donor_variant" in pred.consequences or "splice_acceptor_variant" in pred.consequences
    ) and not pred.hgvs_p:
        pred.hgvs_p = "p.?"
    if (
        not pred.hgvs_p
        and _crosses_cds_boundary(allele, tx)
        and ("start_lost" in pred.consequences or "stop_lost" in pred.consequences)
    ):
        pred.hgvs_p = "p.?"
    pred.sort()
    return pred
