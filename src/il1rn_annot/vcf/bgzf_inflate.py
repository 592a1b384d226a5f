"""An index file's bytes decompressed block by block, only as far as a walk needs (`Inflater`).

A whole-genome .tbi is a BGZF file of a few MB; a query of chromosome 2 needs about a sixth of
it, and the largest offset is found in its last blocks (`vcf.index.ParsedIndex`). A plain gzip
index (not BGZF) is decompressed whole.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterator

from il1rn_annot.vcf.inflate import gunzip


class Inflater:
    """An index file's bytes, decompressed block by block as far as a walk needs (a query names
    chromosome 2, the second reference: a sixth of a whole-genome index)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.blocks = bgzf_blocks(raw)  # None: not BGZF, decompressed whole
        self.data = b""
        self._next = 0
        self._batch = 8

    def grow(self) -> bool:
        """Decompress the next blocks (twice as many each time); False when all are done."""
        if self.blocks is None:
            if self._next:
                return False
            self.data, self._next = gzip.decompress(self.raw), 1
            return True
        if self._next >= len(self.blocks):
            return False
        chunk = self.blocks[self._next : self._next + self._batch]
        self.data += b"".join(gunzip(self.raw[b:e]) for b, e in chunk)
        self._next += len(chunk)
        self._batch *= 2
        return True

    def tails(self) -> Iterator[bytes]:
        """The decompressed last 4, 16 and 64 blocks (fewer than all of them; none when not BGZF)."""
        if self.blocks is None:
            return
        for k in (4, 16, 64):
            if k >= len(self.blocks) - 1:
                return
            yield b"".join(gunzip(self.raw[b:e]) for b, e in self.blocks[-k:])


def bgzf_blocks(raw: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of every BGZF block of `raw`; None when it is not BGZF (plain gzip)."""
    blocks, at, size = [], 0, len(raw)
    while at < size:
        if at + 18 > size or raw[at : at + 4] != b"\x1f\x8b\x08\x04" or raw[at + 12 : at + 14] != b"BC":
            return None
        end = at + struct.unpack_from("<H", raw, at + 16)[0] + 1
        blocks.append((at, end))
        at = end
    return blocks
