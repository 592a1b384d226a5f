"""The user's reference FASTA (optional): REF checks, HGVS 3' shifting and protein prediction.

A whole-genome FASTA works, and so does a locus extract made with
`samtools faidx genome.fa chr2:113100001-113160000 > locus.fa`, whose single contig is
named after the region: labs can ship a few kilobases instead of 3 GB. The FASTA's
chromosome-2 length (when it holds the whole chromosome) is checked against the build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pysam

from .errors import InputError

_REGION_NAME = re.compile(r"^(?P<chrom>[^:]+):(?P<start>[0-9,]+)-(?P<end>[0-9,]+)$")


class ReferenceGenome:
    """Random access to chromosome-2 sequence, 1-based inclusive coordinates."""

    def __init__(self, path: str | Path, chr2_lengths: dict[str, int]) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError("reference FASTA not found", path=str(self.path))
        try:
            self._fasta = pysam.FastaFile(str(self.path))
        except Exception as exc:
            raise InputError(f"cannot open the reference FASTA ({exc})", path=str(self.path),
                             hint="it must be plain or bgzip-compressed FASTA; `samtools faidx` it") from None
        self._pieces: list[tuple[str, int, int]] = []  # (fasta contig, first genomic pos, last)
        self.build_from_length: str | None = None
        for name, length in zip(self._fasta.references, self._fasta.lengths):
            match = _REGION_NAME.match(name)
            if match and match["chrom"] in ("chr2", "2"):
                first = int(match["start"].replace(",", ""))
                self._pieces.append((name, first, first + length - 1))
            elif name in ("chr2", "2"):
                self._pieces.append((name, 1, length))
                for build, chr2_length in chr2_lengths.items():
                    if chr2_length == length:
                        self.build_from_length = build
        if not self._pieces:
            raise InputError("the reference FASTA has no chromosome 2 (contig chr2, 2, or a chr2:START-END extract)",
                             path=str(self.path))

    def covers(self, start: int, end: int) -> bool:
        return any(first <= start and end <= last for _, first, last in self._pieces)

    def fetch(self, start: int, end: int) -> str:
        """Bases start..end (1-based inclusive), upper case; raises if not covered."""
        for name, first, last in self._pieces:
            if first <= start and end <= last:
                return self._fasta.fetch(name, start - first, end - first + 1).upper()
        raise InputError(f"the reference FASTA does not cover chromosome 2:{start}-{end}", path=str(self.path),
                         hint="give a FASTA (or locus extract) that covers the IL1RN region")

    def base_or_none(self, start: int, end: int) -> str | None:
        return self.fetch(start, end) if self.covers(start, end) else None
