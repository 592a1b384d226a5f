"""Builders shared by the unit tests of core/hgvs.py and core/consequence.py: an `Allele` as
`vcf.locate` reads a normalised record, and a FASTA of the knowledge base's curated bases.

Written out here (not read through a VCF) so that the HGVS and consequence tests exercise
those modules alone; tests/test_alleles.py checks `vcf.locate` itself on caller-shaped records.
"""

from __future__ import annotations

from pathlib import Path

from il1rn_annot.core.alleles import Allele
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.reference import ReferenceGenome


def allele_of(chrom: str, pos: int, ref: str, alt: str, end: int | None = None) -> Allele:
    """The allele of a normalised VCF record, by the VCF rules: a symbolic <DEL>'s POS is its
    padding base and it deletes POS+1..END; an indel's first base is the shared anchor."""
    if alt.startswith("<"):
        if end is None:
            raise ValueError("a symbolic deletion needs END")
        return Allele(chrom, pos, ref, alt, 1, "sv_deletion", pos + 1, end, "", "", ".", "PASS", symbolic=True)
    if len(ref) == 1 and len(alt) == 1:
        return Allele(chrom, pos, ref, alt, 1, "snv", pos, pos, ref, alt, ".", "PASS")
    if alt == ref[0]:
        return Allele(chrom, pos, ref, alt, 1, "deletion", pos + 1, pos + len(ref) - 1, ref[1:], "", ".", "PASS")
    if ref == alt[0]:
        return Allele(chrom, pos, ref, alt, 1, "insertion", pos, pos, "", alt[1:], ".", "PASS")
    raise ValueError(f"SNVs, anchored indels and <DEL> only: {ref}>{alt}")


def context_reference(kb: KnowledgeBase, build: str, folder: Path) -> ReferenceGenome:
    """A FASTA of the knowledge base's curated `context` bases only (one contig `chr2:START-END` per
    context): the sequence the HGVS 3' rule needs around the curated indels, and nothing invented."""
    chrom = "chr2" if build == "GRCh38" else "2"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"context_{build}.fa"
    path.write_text(
        "".join(
            f">{chrom}:{start}-{start + len(seq) - 1}\n{seq}\n"
            for var in kb.variants.values()
            for b, (start, seq) in var.context.items()
            if b == build
        )
    )
    return ReferenceGenome(path, {b: i.chr2_length for b, i in kb.builds.items()})
