"""Is a called allele the same as a curated one? Compared as edits of the reference, by the
haplotypes they give, so that an indel written at another place of a repeat still matches.

`core.annotate` matches each call against the knowledge base's curated alleles with these; a
substitution matches only itself, an indel matches when both give the same sequence over the span
both touch (normalisation without choosing a direction), and None means the known reference bases
cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from il1rn_annot.kb.model import KnownVariant


@dataclass(frozen=True)
class Edit:
    """An allele as an edit of the reference: bases start..end replaced by `inserted`.

    A pure insertion after base p is (p + 1, p, ins); a pure deletion has inserted == "".
    """

    start: int
    end: int
    inserted: str


def edit_from_vcf(pos: int, ref: str, alt: str) -> Edit:
    """Minimal edit of a VCF (POS, REF, ALT): common suffix, then common prefix trimmed."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    k = 0
    while k < min(len(ref), len(alt)) and ref[k] == alt[k]:
        k += 1
    return Edit(pos + k, pos + len(ref) - 1, alt[k:])


def known_bases(*pieces: tuple[int, str]) -> dict[int, str] | None:
    """Reference bases by position from several (start, bases) pieces; None if two disagree."""
    known: dict[int, str] = {}
    for start, seq in pieces:
        for i, base in enumerate(seq.upper()):
            if known.setdefault(start + i, base) != base:
                return None
    return known


def _haplotype(edit: Edit, lo: int, hi: int, known: dict[int, str]) -> str | None:
    """The sequence lo..hi after `edit`, or None where a needed base is unknown."""
    try:
        left = "".join(known[p] for p in range(lo, edit.start))
        right = "".join(known[p] for p in range(edit.end + 1, hi + 1))
    except KeyError:
        return None
    return left + edit.inserted + right


def same_allele(a: Edit, b: Edit, known: dict[int, str]) -> bool | None:
    """Whether two edits give the same sequence (True/False), or None if the known bases cannot tell.

    Two indels written at different places of a repeat are the same allele exactly when they
    yield the same haplotype; comparing the haplotypes over the span both touch is the
    normalisation (left-alignment or 3' shifting) without choosing a direction.
    """
    if a == b:
        return True
    if len(a.inserted) - (a.end - a.start + 1) != len(b.inserted) - (b.end - b.start + 1):
        return False  # different net length: never the same allele
    if len(a.inserted) == a.end - a.start + 1 and len(b.inserted) == b.end - b.start + 1:
        # two substitutions (SNV/MNV, trimmed so that their first and last bases differ from REF)
        # cannot shift: they give one haplotype only when they are the same edit, whatever the
        # bases between them (c.181C>T is never c.160C>T, with or without a FASTA)
        return False
    lo, hi = min(a.start, b.start), max(a.end, b.end, a.start - 1, b.start - 1)
    ha, hb = _haplotype(a, lo, hi, known), _haplotype(b, lo, hi, known)
    if ha is None or hb is None:
        return None
    return ha == hb


def curated_edit(var: KnownVariant, build: str) -> Edit | None:
    if build in var.vcf:
        return edit_from_vcf(*var.vcf[build])
    if build in var.deletion:
        start, end = var.deletion[build]
        return Edit(start, end, "")
    return None


def same_allele_by_bases(a: Edit, b: Edit, pieces: list[tuple[int, str]], reference: Any = None) -> bool | None:
    """`same_allele` with the reference bases the records state (`pieces`: (start, bases) of each
    REF and curated context) and, where it covers the span both edits touch, the FASTA's.

    Records whose REFs contradict each other are not the same allele (False). Used by the
    knowledge-base match (`core.annotate`) and the population/ClinVar match (`evidence.match`).
    """
    pieces = list(pieces)
    if reference is not None:
        lo, hi = min(a.start, b.start) - 1, max(a.end, b.end) + 1
        if reference.covers(lo, hi):
            pieces.insert(0, (lo, reference.fetch(lo, hi)))
    known = known_bases(*pieces)
    return same_allele(a, b, known) if known is not None else False
