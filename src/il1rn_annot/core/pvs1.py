"""The ClinGen SVI PVS1 decision tree for novel IL1RN alleles: how strongly a loss of function is
predicted, and by which branch.

Why a module of its own: these rules decide whether a novel allele can count towards a DIRA
call, so they must be reviewable in one place (docs/classification.md states each one).
`core.classify` turns the strength into a class (ACMG/AMP) and handles alleles the tree does
not apply to.

* Loss of function is graded with the ClinGen SVI PVS1 decision tree (Abou Tayoun et al. 2018,
  Hum Mutat 39:1517, PMID 30192042): nonsense/frameshift (NMD predicted unless the new stop
  lies in the last exon or the 3'-most 50 nt of the penultimate exon), canonical +/-1,2 splice
  sites (exon skipping), initiation codon (next in-frame Met) and deletions (whole gene,
  exons in or out of frame, part of the last exon with the stop codon).
* A strength becomes a class (`Pvs1.classification`) by the ACMG/AMP 2015 combining rules
  (Richards et al., PMID 25741868) in the Bayesian form of Tavtigian et al. 2018 (PMID
  29300386; very strong = 8 points, strong 4, moderate 2, supporting 1; likely pathogenic
  6-9): PVS1 alone is likely pathogenic, any weaker strength alone is of uncertain
  significance.

Everything works from the transcript model alone; a `reference` (any object with
`covers(start, end)` and `fetch(start, end)`, e.g. a FASTA or a shipped transcript sequence)
only refines where a frameshift's new stop codon falls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.transcript_facts import exon_cds, fraction_from, last_junction_c, protein_length, residue_of
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES
from il1rn_annot.kb.locus_model import TranscriptModel
from il1rn_annot.kb.model import KnowledgeBase

#: the ClinGen SVI strengths, strongest first
STRENGTHS = ("PVS1", "PVS1_Strong", "PVS1_Moderate", "PVS1_Supporting")
#: Tavtigian 2018 points per strength
POINTS = {"PVS1": 8, "PVS1_Strong": 4, "PVS1_Moderate": 2, "PVS1_Supporting": 1}
LIKELY_PATHOGENIC_POINTS = 6
NMD_DISTANCE = 50  # nt before the last exon-exon junction (ClinGen SVI 2018)
REMOVED_FRACTION_STRONG = 0.10  # > 10 % of the protein removed: PVS1_Strong
SOURCE = "ClinGen SVI PVS1 tree, Abou Tayoun 2018"

_STOP = re.compile(r"p\.\(?([A-Z][a-z]{2})(\d+)Ter\)?$")
_FRAMESHIFT = re.compile(r"p\.\(?([A-Z][a-z]{2})(\d+)[A-Z][a-z]{2}fs(Ter(\d+|\?))?\)?$")
_RESIDUE = re.compile(r"p\.\(?[A-Z][a-z]{2}(\d+)")


@dataclass(frozen=True)
class Pvs1:
    """A PVS1 strength and the branch of the decision tree that gave it."""

    strength: str
    branch: str

    @property
    def classification(self) -> str:
        return "likely_pathogenic" if POINTS[self.strength] >= LIKELY_PATHOGENIC_POINTS else "uncertain_significance"

    @property
    def evidence(self) -> str:
        cls = self.classification
        head = f"{self.strength} ({SOURCE}: {self.branch}): {cls}"
        if cls == "likely_pathogenic":
            return (
                head + ". PVS1 at very strong (8 points) reaches likely pathogenic on its own (ACMG/AMP 2015 "
                "combining rules as modelled by Tavtigian 2018); biallelic loss of function of IL1RN causes "
                "DIRA. No population frequency data were used: check rarity (PM2/BS1) before reporting"
            )
        return (
            head + f". {self.strength} alone ({POINTS[self.strength]} points) does not reach likely pathogenic "
            "(6 points; ACMG/AMP 2015 as modelled by Tavtigian 2018): rarity (PM2), an allele in trans (PM3) or "
            "segregation would be needed, and none of them is assessed by this tool"
        )


def _pct(fraction: float) -> str:
    return f"{round(100 * fraction)}%"


def _strength_by_fraction(fraction: float) -> str:
    """> 10 % of the protein removed or altered: PVS1_Strong, otherwise PVS1_Moderate (the tree's
    NMD-escaping branch, where the role of the region is not curated)."""
    return "PVS1_Strong" if fraction > REMOVED_FRACTION_STRONG else "PVS1_Moderate"


def _graded(tx: TranscriptModel, fraction: float, what: str) -> Pvs1:
    """The tree's NMD-escaping branch: the role of the region is not curated here, so the
    fraction of the protein removed decides (> 10 %: strong, otherwise moderate)."""
    return Pvs1(
        _strength_by_fraction(fraction),
        f"{what}; role of the region not curated; removes {_pct(fraction)} of the "
        f"{protein_length(tx)}-residue protein ({'>' if fraction > 0.10 else '<='}10%)",
    )


def _at_least(fraction: float, why: str, note: str = "") -> Pvs1:
    """NMD could not be judged (`why` says why): the strength the NMD-escaping branch would give
    is a floor, and the evidence says so; `note` adds what would raise it."""
    return Pvs1(
        _strength_by_fraction(fraction),
        f"{why}; the altered region is {_pct(fraction)} of the protein, so at least this strength{note}",
    )


#: why a frame change without the transcript sequence is only a floor, and what would raise it
_STOP_NEEDS_SEQUENCE = (
    "where the new stop codon falls (and so NMD) needs the transcript sequence, which was not available"
)
_FULL_IF_NMD = " (full PVS1 if NMD is shown)"


def _nmd_predicted(tx: TranscriptModel, ptc_c: int, delta: int = 0) -> bool:
    """NMD: the new stop codon starts more than 50 nt before the last exon-exon junction.
    `delta` is the length change of an indel upstream of the junction (it moves the junction)."""
    return ptc_c <= last_junction_c(tx) + delta - NMD_DISTANCE


def _where_escapes(tx: TranscriptModel, ptc_c: int, delta: int = 0) -> str:
    return (
        "in the last exon"
        if ptc_c > last_junction_c(tx) + delta
        else f"in the 3'-most {NMD_DISTANCE} nt of the penultimate exon"
    )


# ---------------------------------------------------------------------------------------
# branches of the tree


def truncating(allele: Allele, hgvs_p: str, terms: set[str], tx: TranscriptModel) -> Pvs1 | None:
    """Nonsense and frameshift variants: NMD by where the new stop codon lies."""
    delta = len(allele.alt_trim) - len(allele.ref_trim) if not allele.symbolic else -allele.length
    stop, shift = _STOP.match(hgvs_p or ""), _FRAMESHIFT.match(hgvs_p or "")
    if stop and "frameshift_variant" not in terms:
        residue = int(stop.group(2))
        ptc_c = 3 * (residue - 1) + 1
        if _nmd_predicted(tx, ptc_c):
            return Pvs1(
                "PVS1",
                f"nonsense, new stop codon at c.{ptc_c} more than {NMD_DISTANCE} nt before the last "
                f"exon-exon junction (after c.{last_junction_c(tx)}): NMD predicted",
            )
        return _graded(
            tx,
            fraction_from(tx, residue),
            f"nonsense, new stop codon at c.{ptc_c} {_where_escapes(tx, ptc_c)}: NMD not predicted",
        )
    first_c = _first_coding_c(allele, tx)
    if shift or stop:
        m = shift or stop
        assert m is not None  # one of them matched
        first = int(m.group(2))
        ter = shift.group(4) if shift else "1"
        if ter and ter != "?":
            ptc_c = 3 * (first + int(ter) - 2) + 1
            if _nmd_predicted(tx, ptc_c, delta):
                return Pvs1(
                    "PVS1",
                    f"frameshift from residue {first}, new stop codon at c.{ptc_c} of the "
                    f"changed transcript, more than {NMD_DISTANCE} nt before the last exon-exon "
                    "junction: NMD predicted",
                )
            return _graded(
                tx,
                fraction_from(tx, first),
                f"frameshift from residue {first}, new stop codon "
                f"{_where_escapes(tx, ptc_c, delta)}: NMD not predicted",
            )
        if ter == "?" or (ter is None and first_c is not None and first_c > last_junction_c(tx)):
            return _graded(
                tx,
                fraction_from(tx, first),
                f"frameshift from residue {first} with no new stop codon in the transcript: NMD not predicted",
            )
    if first_c is None:
        return None
    residue = residue_of(first_c)
    if first_c > last_junction_c(tx):
        return _graded(
            tx, fraction_from(tx, residue), f"frameshift from c.{first_c} in the last exon: NMD not predicted"
        )
    return _at_least(fraction_from(tx, residue), f"frameshift from c.{first_c}: {_STOP_NEEDS_SEQUENCE}", _FULL_IF_NMD)


def _first_coding_c(allele: Allele, tx: TranscriptModel) -> int | None:
    """c. position of the first coding base an allele changes (None outside the CDS)."""
    s = max(allele.start, tx.cds_start)
    e = min(allele.end if allele.kind != "insertion" else allele.start + 1, tx.cds_end)
    for pos in range(s, e + 1):
        if tx.exon_index(pos) is not None:
            return tx.c_position(pos).base
    return None


def start_loss(tx: TranscriptModel, kb: KnowledgeBase, reference: Any = None) -> Pvs1:
    """Initiation codon: moderate if a pathogenic variant lies before the next in-frame Met, else supporting."""
    met = next_inframe_met(tx, kb, reference)
    upstream = sorted(
        v.label
        for v in kb.variants.values()
        if v.classification == "pathogenic" and (r := _curated_residue(v)) is not None and 1 < r < met
    )
    where = f"the next in-frame Met is Met{met} (c.{3 * met - 2})"
    if upstream:
        return Pvs1(
            "PVS1_Moderate",
            f"initiation codon; {where}, and curated pathogenic variant(s) lie upstream of it ({', '.join(upstream)})",
        )
    return Pvs1(
        "PVS1_Supporting",
        f"initiation codon; {where}, and no curated pathogenic variant lies between the start codon and it",
    )


def _curated_residue(var: Any) -> int | None:
    m = _RESIDUE.match(var.hgvs_p or "")
    return int(m.group(1)) if m else None


def next_inframe_met(tx: TranscriptModel, kb: KnowledgeBase, reference: Any = None) -> int:
    """Residue of the first Met after Met1: from the reference's translation when it covers the
    exons, else the knowledge base's `transcript.next_inframe_met` (35 for NP_776214.1)."""
    seq = _spliced_cds(tx, reference, removed=())
    if seq:
        for i in range(3, len(seq) - 2, 3):
            if seq[i : i + 3] == "ATG":
                return i // 3 + 1
    return int(kb.transcript_info.get("next_inframe_met") or 35)


def _spliced_cds(tx: TranscriptModel, reference: Any, removed: tuple[int, ...]) -> str:
    """CDS onwards (to the transcript end) with exons `removed` skipped; '' without a usable reference."""
    if reference is None or not all(reference.covers(x0, x1) for x0, x1 in tx.exons):
        return ""
    parts = []
    for n, (x0, x1) in enumerate(tx.exons, start=1):
        if n in removed:
            continue
        lo = max(x0, tx.cds_start)
        if lo <= x1:
            parts.append(reference.fetch(lo, x1).upper())
    return "".join(parts)


def exon_loss(removed: list[int], tx: TranscriptModel, reference: Any, how: str) -> Pvs1:
    """Loss of whole exons (a deletion, or skipping predicted for a canonical splice site)."""
    cds = exon_cds(tx)
    n_exons = len(tx.exons)
    coding = [span for k in removed if (span := cds[k - 1]) is not None]
    names = f"exon{'s' if len(removed) > 1 else ''} {', '.join(map(str, removed))}"
    if not coding:
        return Pvs1("PVS1_Supporting", f"{how}: {names} carry no coding sequence")  # never for IL1RN's exons
    first_c = min(c0 for c0, _ in coding)
    nt = sum(c1 - c0 + 1 for c0, c1 in coding)
    residue = residue_of(first_c)
    if 1 in removed:
        return _graded(
            tx,
            min(1.0, nt / 3 / protein_length(tx)),
            f"{how}: {names} with the start codon: no NMD prediction is possible",
        )
    if n_exons in removed:
        return _graded(tx, fraction_from(tx, residue), f"{how}: {names} with the stop codon: NMD not predicted")
    if nt % 3 == 0:
        return _graded(tx, nt / 3 / protein_length(tx), f"{how}: in-frame loss of {names} ({nt} coding nt)")
    seq = _spliced_cds(tx, reference, tuple(removed))
    kept_last = max(k for k in range(1, n_exons + 1) if k not in removed)
    if seq:
        return _exon_loss_with_sequence(seq, removed, tx, how, names, residue)
    after = min(k for k in range(1, n_exons + 1) if k > max(removed) and k not in removed)
    if after == kept_last:
        return _graded(
            tx,
            fraction_from(tx, residue),
            f"{how}: out-of-frame loss of {names}; the reading frame changes in the last exon: NMD not predicted",
        )
    return _at_least(
        fraction_from(tx, residue), f"{how}: out-of-frame loss of {names}; {_STOP_NEEDS_SEQUENCE}", _FULL_IF_NMD
    )


def _exon_loss_with_sequence(
    seq: str, removed: list[int], tx: TranscriptModel, how: str, names: str, residue: int
) -> Pvs1:
    """Translate the transcript without the removed exons; NMD if its stop lies > 50 nt before its last junction."""
    stop_at = next((i for i in range(0, len(seq) - 2, 3) if seq[i : i + 3] in ("TAA", "TAG", "TGA")), None)
    kept = [k for k in range(1, len(tx.exons) + 1) if k not in removed]
    # the changed transcript's last junction, counted from c.1 of it
    before_last = 0
    for k in kept[:-1]:
        x0, x1 = tx.exons[k - 1]
        before_last += max(0, x1 - max(x0, tx.cds_start) + 1)
    if stop_at is not None and stop_at + 1 <= before_last - NMD_DISTANCE:
        return Pvs1(
            "PVS1",
            f"{how}: out-of-frame loss of {names}; the new stop codon lies {before_last - stop_at} "
            "nt before the last exon-exon junction of the changed transcript: NMD predicted",
        )
    return _graded(
        tx,
        fraction_from(tx, residue),
        f"{how}: out-of-frame loss of {names}; the new stop codon "
        "escapes NMD (last exon or the 3'-most 50 nt of the "
        "penultimate exon)",
    )


def splice_site(allele: Allele, tx: TranscriptModel, reference: Any) -> Pvs1 | None:
    """Canonical +/-1,2 sites: the adjacent exon is predicted to be skipped."""
    s, e = allele.start, allele.end if allele.kind != "insertion" else allele.start + 1
    for k in range(len(tx.exons) - 1):
        donor, acceptor = tx.exons[k][1], tx.exons[k + 1][0]
        if s <= donor + 2 and e >= donor + 1:
            return exon_loss(
                [k + 1], tx, reference, f"canonical splice donor of intron {k + 1}, skipping of exon {k + 1} predicted"
            )
        if s <= acceptor - 1 and e >= acceptor - 2:
            return exon_loss(
                [k + 2],
                tx,
                reference,
                f"canonical splice acceptor of intron {k + 1}, skipping of exon {k + 2} predicted",
            )
    return None


def deletion(
    allele: Allele,
    hgvs_p: str,
    terms: set[str],
    exons_removed: list[int],
    tx: TranscriptModel,
    kb: KnowledgeBase,
    reference: Any,
) -> Pvs1 | None:
    """What a deletion removes from the transcript decides; None when it removes no coding base or splice site."""
    s, e = allele.start, allele.end
    if s <= tx.start and e >= tx.end:
        return Pvs1("PVS1", "full gene deletion: the whole IL1RN transcript is removed")
    if s <= tx.start and e >= tx.cds_start:
        return Pvs1(
            "PVS1",
            "the transcription start and the start codon of the MANE transcript (exon 1 from its "
            "first base to c.1) are removed, so no IL1RN transcript is expected from this allele; "
            "taken as the full-gene-deletion branch",
        )
    lo, hi = max(s, tx.cds_start), min(e, tx.cds_end)
    coding_c = [tx.c_position(p).base for p in range(lo, hi + 1) if tx.exon_index(p) is not None]
    crosses = any(s <= x1 < e or s < x0 <= e for x0, x1 in tx.exons)  # an exon-intron boundary inside
    touched = [n for n, (x0, x1) in enumerate(tx.exons, start=1) if s <= x1 and e >= x0]
    if exons_removed and set(touched) == set(exons_removed):
        return exon_loss(list(exons_removed), tx, reference, "deletion")
    if not coding_c:
        return (
            splice_site(allele, tx, reference)
            if crosses or "splice_donor_variant" in terms or "splice_acceptor_variant" in terms
            else None
        )
    if coding_c[0] <= 3:
        return start_loss(tx, kb, reference)
    first_residue = residue_of(coding_c[0])
    if coding_c[-1] >= tx.cds_length - 2:
        if first_residue > protein_length(tx):
            return None  # the stop codon alone: stop-loss (PM4 territory), not a PVS1 class
        return _graded(
            tx, fraction_from(tx, first_residue), f"deletion of c.{coding_c[0]} to the stop codon: NMD not predicted"
        )
    if crosses:
        what = (
            f"deletion of coding sequence from c.{coding_c[0]} across an exon-intron boundary (splicing "
            "outcome not predictable, p.?)"
        )
        if tx.exon_index(max(s, tx.cds_start)) == len(tx.exons) or coding_c[0] > last_junction_c(tx):
            return _graded(tx, fraction_from(tx, first_residue), what + " in the last exon: NMD not predicted")
        return _at_least(fraction_from(tx, first_residue), what + "; NMD cannot be predicted")
    if len(coding_c) % 3 == 0:
        return None  # in-frame deletion inside one exon: PM4 territory, not PVS1
    return truncating(allele, hgvs_p, terms | {"frameshift_variant"}, tx)


# ---------------------------------------------------------------------------------------
# which branch an allele takes


def pvs1_for(allele: Allele, pred: Any, tx: TranscriptModel, kb: KnowledgeBase, reference: Any) -> Pvs1 | None:
    """The PVS1 strength of an allele, or None where the tree does not apply."""
    terms = set(pred.consequences)
    if allele.kind in ANY_DELETION_TYPES and allele.end >= tx.start and allele.start <= tx.end:
        return deletion(allele, pred.hgvs_p, terms, list(pred.exons_removed), tx, kb, reference)
    if terms & {"stop_gained", "frameshift_variant"}:
        return truncating(allele, pred.hgvs_p, terms, tx)
    if terms & {"splice_donor_variant", "splice_acceptor_variant"}:
        return splice_site(allele, tx, reference)
    if "start_lost" in terms:
        return start_loss(tx, kb, reference)
    return None
