"""Find a called allele among a resource's alleles: the same normalised change, never the position alone.

Each resource record is split into its ALT alleles (a multi-allelic gnomAD site is several
entries, each with its own Number=A values) and each ALT is trimmed to its minimal edit (common
suffix, then prefix: `core.allele_match.edit_from_vcf`). A call matches an entry with the same
minimal edit; an indel written elsewhere in a repeat (a caller that did not left-align, a
resource that pads differently) matches when both give the same haplotype over the bases both
REFs (and the reference FASTA, when given) show (`core.allele_match.same_allele`): left-alignment
without choosing a direction. A C>T at a site where the resource has C>A is no match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from il1rn_annot.core.allele_match import Edit, edit_from_vcf, same_allele_by_bases
from il1rn_annot.vcf.reference import ReferenceGenome

T = TypeVar("T")

#: how far apart two indels may be written and still be compared base by base (a repeat's length)
SHIFT_REACH = 100


@dataclass(frozen=True)
class _Entry(Generic[T]):
    pos: int
    ref: str
    edit: Edit
    payload: T


class AlleleIndex(Generic[T]):
    """A resource's alleles in the window, looked up by normalised change."""

    def __init__(self) -> None:
        self._exact: dict[tuple[int, int, str], T] = {}
        self._indels: list[_Entry[T]] = []

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, pos: int, ref: str, alt: str, payload: T) -> None:
        """One ALT of a record (symbolic and missing ALTs are skipped by the caller)."""
        edit = edit_from_vcf(pos, ref, alt)
        self._exact.setdefault((edit.start, edit.end, edit.inserted), payload)
        if len(edit.inserted) != edit.end - edit.start + 1:
            self._indels.append(_Entry(pos, ref.upper(), edit, payload))

    def find(self, pos: int, ref: str, alt: str, reference: ReferenceGenome | None = None) -> tuple[T | None, str]:
        """(the entry that is the same allele or None, a note when the bases known cannot tell)."""
        call = edit_from_vcf(pos, ref, alt)
        hit = self._exact.get((call.start, call.end, call.inserted))
        if hit is not None:
            return hit, ""
        net = len(call.inserted) - (call.end - call.start + 1)
        if net == 0 and len(call.inserted) == call.end - call.start + 1:
            return None, ""  # a substitution cannot shift: the exact key decides
        undecided = False
        for entry in self._indels:
            other = entry.edit
            if len(other.inserted) - (other.end - other.start + 1) != net:
                continue
            if other.start > call.end + SHIFT_REACH or call.start > other.end + SHIFT_REACH:
                continue
            verdict = same_allele_by_bases(call, other, [(pos, ref), (entry.pos, entry.ref)], reference)
            if verdict:
                return entry.payload, ""
            undecided = undecided or verdict is None
        note = (
            "an indel of the same length is listed nearby whose bases the records do not show to be the same "
            "allele: give the reference FASTA (--reference) to compare base by base"
            if undecided
            else ""
        )
        return None, note
