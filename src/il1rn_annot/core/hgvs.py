"""HGVS c. names on NM_173842.3 for alleles read by `core.alleles`.

Callers write indels left-aligned; HGVS wants them 3'-shifted (on the transcript's strand,
which for IL1RN is the genome's + strand). With a reference FASTA the allele is shifted
right as far as the sequence allows and a duplication is named `dup`; without one the
caller's position is used and the name says so through `shifted=False`.
"""

from __future__ import annotations

from dataclasses import dataclass

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.vocabulary import DELETION_TYPES
from il1rn_annot.kb.locus_model import TranscriptModel
from il1rn_annot.vcf.reference import ReferenceGenome


@dataclass(frozen=True)
class HgvsName:
    c: str  # "c.229G>T"; "" when the allele has no sensible c. name (e.g. whole-gene deletion)
    shifted: bool  # True when 3' shifting was done against the reference
    start: int  # genomic span after shifting
    end: int
    kind: str  # "sub", "del", "ins", "dup", "delins", "range_del"


def shift_right(start: int, end: int, reference: ReferenceGenome) -> tuple[int, int]:
    """3'-shift a deletion of bases start..end while the sequence repeats."""
    length = end - start + 1
    while reference.covers(start, end + 1):
        if reference.fetch(start, start) != reference.fetch(end + 1, end + 1):
            break
        start, end = start + 1, end + 1
        if end - start + 1 != length:  # pragma: no cover - defensive
            break
    return start, end


def _shift_insertion(after: int, inserted: str, reference: ReferenceGenome) -> tuple[int, str]:
    """3'-shift an insertion placed after base `after`; rotates the inserted sequence."""
    while reference.covers(after + 1, after + 1):
        nxt = reference.fetch(after + 1, after + 1)
        if nxt != inserted[0]:
            break
        inserted = inserted[1:] + nxt
        after += 1
    return after, inserted


def _range(tx: TranscriptModel, start: int, end: int) -> str:
    first, last = str(tx.c_position(start)), str(tx.c_position(end))
    return first if start == end else f"{first}_{last}"


def hgvs_c(allele: Allele, tx: TranscriptModel, reference: ReferenceGenome | None) -> HgvsName:
    """Name `allele` on the transcript (c.), 3'-shifted when the reference is available."""
    kind = allele.kind
    if kind == "snv":
        c = f"c.{tx.c_position(allele.start)}{allele.ref_trim}>{allele.alt_trim}"
        return HgvsName(c, True, allele.start, allele.end, "sub")
    if kind in ("mnv", "delins"):
        return HgvsName(
            f"c.{_range(tx, allele.start, allele.end)}delins{allele.alt_trim}", True, allele.start, allele.end, "delins"
        )
    if kind == "deletion":
        start, end, shifted = allele.start, allele.end, False
        if reference is not None and reference.covers(start, end + 1):
            start, end = shift_right(start, end, reference)
            shifted = True
        return HgvsName(f"c.{_range(tx, start, end)}del", shifted, start, end, "del")
    if kind == "insertion":
        after, inserted, shifted = allele.start, allele.alt_trim, False
        if reference is not None and reference.covers(after, after + 1):
            after, inserted = _shift_insertion(after, inserted, reference)
            shifted = True
            n = len(inserted)
            if reference.covers(after - n + 1, after) and reference.fetch(after - n + 1, after) == inserted:
                return HgvsName(f"c.{_range(tx, after - n + 1, after)}dup", True, after - n + 1, after, "dup")
        return HgvsName(
            f"c.{tx.c_position(after)}_{tx.c_position(after + 1)}ins{inserted}", shifted, after, after + 1, "ins"
        )
    if kind in DELETION_TYPES:
        if allele.start <= tx.start and allele.end >= tx.end:
            return HgvsName("", True, allele.start, allele.end, "range_del")
        return HgvsName(f"c.{_range(tx, allele.start, allele.end)}del", True, allele.start, allele.end, "range_del")
    return HgvsName("", False, allele.start, allele.end, kind)
