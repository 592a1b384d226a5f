"""Where a c. position lies on the protein and the exons: what the PVS1 tree (`core.pvs1`) asks
of the transcript model (protein length, each exon's coding part, the last exon-exon junction,
the fraction of the protein from a residue to its end). Facts of the transcript, not rules.
"""

from __future__ import annotations

from il1rn_annot.kb.locus_model import TranscriptModel


def protein_length(tx: TranscriptModel) -> int:
    """Residues of the protein (the stop codon not counted): 177 for NP_776214.1."""
    return tx.cds_length // 3 - 1


def exon_cds(tx: TranscriptModel) -> list[tuple[int, int] | None]:
    """Per exon (1-based order) the first and last c. position of its coding part, or None."""
    out: list[tuple[int, int] | None] = []
    for x0, x1 in tx.exons:
        lo, hi = max(x0, tx.cds_start), min(x1, tx.cds_end)
        out.append((tx.c_position(lo).base, tx.c_position(hi).base) if lo <= hi else None)
    return out


def last_junction_c(tx: TranscriptModel) -> int:
    """c. position of the last base before the last exon-exon junction (c.318 for IL1RN)."""
    return tx.c_position(tx.exons[-2][1]).base


def residue_of(c: int) -> int:
    return (c - 1) // 3 + 1


def fraction_from(tx: TranscriptModel, residue: int) -> float:
    """Fraction of the protein from `residue` to its end (what a truncation there removes)."""
    length = protein_length(tx)
    return max(0.0, min(1.0, (length - residue + 1) / length))
