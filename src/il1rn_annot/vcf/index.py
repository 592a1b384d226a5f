"""One reader of tabix (.tbi) and CSI (.csi) indexes, parsed once per file.

Two questions are asked of an input's index before htslib reads the locus:
`open_vcf` asks whether the index belongs to the data (`index_problem`: its largest virtual
offset must point into the data's last block), and `limits` asks where htslib starts reading the locus (so
that record sizes are checked over those bytes only). Both are answered from one parse,
kept for the file's (path, size, mtime): an index is decompressed and walked once per input,
not once per question. Format: the SAM/VCF index specifications (tabix, CSI v1).
"""

from __future__ import annotations

import gzip
import os
import struct
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_I32, _U64 = struct.Struct("<i"), struct.Struct("<Q")
_U32_I32_ONLY, _U32_Q_I32 = struct.Struct("<Ii"), struct.Struct("<IQi")  # a bin's head: tabix, CSI
TABIX_MIN_SHIFT, TABIX_DEPTH = 14, 5
#: the empty block that ends every complete BGZF file (SAM specification, section 4.1.2)
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass(frozen=True)
class _Bin:
    bin_id: int
    loffset: int  # CSI only (0 for tabix)
    chunks: tuple[int, ...]  # flat (begin, end) virtual-offset pairs


@dataclass(frozen=True)
class ParsedIndex:
    """The parts of an index the two questions need: contig names, the largest chunk end, and
    each reference's bins and linear offsets, parsed when first asked for (only chromosome
    2's ever are: walking every bin of every contig into objects was ~1.5 ms of the ~10 ms a
    small file costs in a 1,000-file batch, issue 19)."""

    csi: bool
    min_shift: int
    depth: int
    names: tuple[str, ...]  # tabix names (or CSI's tabix-style aux); may be empty
    data: bytes = field(repr=False)  # the decompressed index
    ref_starts: tuple[int, ...]  # offset of each reference's n_bin field in `data`
    largest_end: int | None  # largest virtual offset a record's chunk ends at (None: no records)
    _parsed: dict[int, tuple[tuple[_Bin, ...], Sequence[int]]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def pseudo_bin(self) -> int:
        """The metadata bin htslib adds per reference (its chunk holds offsets, not records)."""
        return _pseudo_bin(self.depth)

    def max_offset(self) -> int | None:
        """Largest BGZF virtual offset a record's chunk ends at (None: no records indexed)."""
        return self.largest_end

    def reference(self, target: int) -> tuple[tuple[_Bin, ...], Sequence[int]]:
        """Reference `target`'s bins and (tabix) linear offsets, parsed once."""
        if target not in self._parsed:
            self._parsed[target] = _parse_reference(self.data, self.ref_starts[target], self.csi)[0]
        return self._parsed[target]

    def region_start(self, contig: str, beg: int, end: int, seqnames: list[str]) -> int | None:
        """The smallest virtual offset htslib reads for [beg, end) (0-based) on `contig`; None
        when the index holds no record there. `seqnames`: the header's contigs, for a CSI
        index without names (a BCF's)."""
        order = list(self.names) if self.names else list(seqnames)
        if contig not in order:
            return None
        target = order.index(contig)
        if target >= len(self.ref_starts):
            return None
        overlapping = set(_reg2bins(beg, end, self.min_shift, self.depth))
        bins, offsets = self.reference(target)
        chunks = [
            pair for b in bins if b.bin_id in overlapping for pair in zip(b.chunks[0::2], b.chunks[1::2], strict=True)
        ]
        min_off = 0
        if not self.csi:
            if offsets:
                min_off = offsets[min(beg >> TABIX_MIN_SHIFT, len(offsets) - 1)]
        else:
            loffsets = {b.bin_id: b.loffset for b in bins}
            leaf = _pseudo_bin(self.depth) - 1 + (beg >> self.min_shift)
            while leaf not in loffsets and leaf > 0:
                leaf = (leaf - 1) >> 3
            min_off = loffsets.get(leaf, 0)
        kept = [b for b, e in chunks if e > min_off]
        return min(kept) if kept else None


def _pseudo_bin(depth: int) -> int:
    return ((1 << ((depth + 1) * 3)) - 1) // 7 + 1


def _reg2bins(beg: int, end: int, min_shift: int, depth: int) -> list[int]:
    """The bins of the binning scheme overlapping [beg, end) (0-based), as htslib lists them."""
    bins: list[int] = []
    end -= 1
    shift, first = min_shift + depth * 3, 0
    for level in range(depth + 1):
        bins.extend(range(first + (beg >> shift), first + (end >> shift) + 1))
        shift -= 3
        first += 1 << (level * 3)
    return bins


def read_index(index_path: str | os.PathLike[str]) -> ParsedIndex:
    """The parsed index at `index_path`, read once per (path, size, mtime) in a process.

    Raises ValueError when the file is not a readable tabix/CSI index (or ends early), and
    OSError / zlib errors as reading the file raises them.
    """
    st = os.stat(index_path)
    return _read_index(os.fspath(index_path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _read_index(index_path: str, size: int, mtime_ns: int) -> ParsedIndex:
    data = gzip.decompress(Path(index_path).read_bytes())
    length = len(data)
    if length < 8:
        raise ValueError("index ends early")
    magic = data[:4]
    names: tuple[str, ...] = ()
    if magic == b"TBI\x01":
        csi, min_shift, depth = False, TABIX_MIN_SHIFT, TABIX_DEPTH
        if length < 36:
            raise ValueError("index ends early")
        n_ref = _I32.unpack_from(data, 4)[0]
        l_nm = _I32.unpack_from(data, 32)[0]
        pos = 36 + l_nm
        names = _names(data[36:pos])
    elif magic == b"CSI\x01":
        csi = True
        if length < 16:
            raise ValueError("index ends early")
        min_shift, depth, l_aux = struct.unpack_from("<3i", data, 4)
        aux = data[16 : 16 + l_aux]
        names = _names(aux[28:]) if l_aux >= 28 else ()
        pos = 16 + l_aux
        if pos + 4 > length:
            raise ValueError("index ends early")
        n_ref = _I32.unpack_from(data, pos)[0]
        pos += 4
    else:
        raise ValueError("not a tabix (.tbi) or CSI (.csi) index")
    pseudo = _pseudo_bin(depth)
    starts: list[int] = []
    largest: int | None = None
    for _ in range(n_ref):
        starts.append(pos)
        pos, end = _skip_reference(data, pos, csi, pseudo)
        if end is not None and (largest is None or end > largest):
            largest = end
    return ParsedIndex(csi, min_shift, depth, names, data, tuple(starts), largest)


def _skip_reference(data: bytes, pos: int, csi: bool, pseudo: int) -> tuple[int, int | None]:
    """Walk one reference's bins without parsing their chunks: (offset after the reference,
    the largest chunk end). htslib's metadata bin holds the reference's last record end;
    a reference without one (old tabix) is parsed whole for it."""
    length = len(data)
    ref_start = pos
    if pos + 4 > length:
        raise ValueError("index ends early")
    n_bin = _I32.unpack_from(data, pos)[0]
    pos += 4
    head, skip = (_U32_Q_I32, 16) if csi else (_U32_I32_ONLY, 8)
    meta_end: int | None = None
    has_chunks = False
    for _ in range(n_bin):
        if pos + skip > length:
            raise ValueError("index ends early")
        values = head.unpack_from(data, pos)
        bin_id, n_chunk = values[0], values[-1]
        pos += skip
        if n_chunk > 0:
            if pos + 16 * n_chunk > length:
                raise ValueError("index ends early")
            if bin_id == pseudo:
                meta_end = _U64.unpack_from(data, pos + 8)[0]
            has_chunks = True
            pos += 16 * n_chunk
    if not csi:
        if pos + 4 > length:
            raise ValueError("index ends early")
        n_intv = _I32.unpack_from(data, pos)[0]
        pos += 4 + 8 * max(n_intv, 0)
        if pos > length:
            raise ValueError("index ends early")
    if meta_end is None and has_chunks:
        (bins, _), _ = _parse_reference(data, ref_start, csi)
        meta_end = max(max(b.chunks[1::2]) for b in bins if b.chunks)
    return pos, meta_end


def _parse_reference(data: bytes, pos: int, csi: bool) -> tuple[tuple[tuple[_Bin, ...], Sequence[int]], int]:
    """One reference's bins and (tabix) linear offsets from `pos`, and the offset after them."""
    length = len(data)
    n_bin = _I32.unpack_from(data, pos)[0]
    pos += 4
    ref_bins: list[_Bin] = []
    for _ in range(n_bin):
        loffset = 0
        if csi:
            bin_id, loffset, n_chunk = _U32_Q_I32.unpack_from(data, pos)
            pos += 16
        else:
            bin_id, n_chunk = _U32_I32_ONLY.unpack_from(data, pos)
            pos += 8
        if n_chunk <= 0:
            if csi:  # an empty CSI bin still carries a linear offset (loffset)
                ref_bins.append(_Bin(bin_id, loffset, ()))
            continue
        stop = pos + 16 * n_chunk
        if stop > length:
            raise ValueError("index ends early")
        ref_bins.append(_Bin(bin_id, loffset, struct.unpack_from(f"<{2 * n_chunk}Q", data, pos)))
        pos = stop
    intervals: Sequence[int] = ()
    if not csi:
        n_intv = _I32.unpack_from(data, pos)[0]
        pos += 4
        if n_intv > 0:
            # one value is read of the ~15,000 a human chromosome 2 has: a view, not a tuple
            view = memoryview(data)[pos : pos + 8 * n_intv]
            intervals = view.cast("Q") if sys.byteorder == "little" else struct.unpack_from(f"<{n_intv}Q", data, pos)
            pos += 8 * n_intv
    return (tuple(ref_bins), intervals), pos


def _names(block: bytes) -> tuple[str, ...]:
    return tuple(n.decode("utf-8", "replace") for n in block.split(b"\0") if n)


# ---------------------------------------------------------------------------------------
# the input's index: found next to the data, and checked against it


def last_block_starts(data_path: Path) -> list[int]:
    """Offsets of the BGZF blocks at the end of the file, last data block first, then any
    empty blocks after it, then the EOF block. Found by chaining block headers back from
    the EOF marker within the last two maximal blocks (cheap for any file size)."""
    size = os.path.getsize(data_path)
    tail_start = max(0, size - 2 * 65536 - 2 * len(BGZF_EOF))
    with open(data_path, "rb") as handle:
        handle.seek(tail_start)
        tail = handle.read()
    ends: dict[int, tuple[int, int]] = {}  # block end -> (block start, uncompressed size)
    at = tail.find(b"\x1f\x8b\x08\x04")
    while at != -1:
        if at + 18 <= len(tail) and tail[at + 12 : at + 16] == b"BC\x02\x00":
            bsize = struct.unpack_from("<H", tail, at + 16)[0]
            block_end = at + bsize + 1
            if block_end <= len(tail):
                isize = struct.unpack_from("<I", tail, block_end - 4)[0]
                ends[tail_start + block_end] = (tail_start + at, isize)
        at = tail.find(b"\x1f\x8b\x08\x04", at + 1)
    starts = [size - len(BGZF_EOF)]
    cursor = starts[0]
    while cursor in ends:
        begin, isize = ends[cursor]
        starts.insert(0, begin)
        if isize:
            break
        cursor = begin
    return starts


def index_problem(index_path: str, data_path: Path) -> str | None:
    """Why the index does not belong to the data file, or None when it plausibly does.

    A correct index's last record ends in the file's last non-empty BGZF block (or at a
    later block boundary), so its largest virtual offset points there. An index of another
    file (renamed, re-compressed, or appended to after indexing) fails this almost always;
    htslib itself would follow the offsets and silently return the wrong records or none.
    """
    try:
        best = read_index(index_path).max_offset()
    except (OSError, EOFError, zlib.error, ValueError, struct.error) as exc:
        return f"it cannot be read as an index ({exc})"
    if best is None:
        return None
    size = os.path.getsize(data_path)
    compressed = best >> 16
    if compressed > size - len(BGZF_EOF):
        return f"it points to byte {compressed:,}, beyond the end of the data ({size:,} bytes)"
    starts = last_block_starts(data_path)
    if len(starts) > 1 and compressed not in starts:
        return (
            f"its last record ends in the block at byte {compressed:,}, but the data's last block "
            f"starts at byte {starts[0]:,}"
        )
    return None


def index_for(path: Path, fmt: str) -> str | None:
    if fmt not in ("vcf.gz", "bcf"):
        return None
    for suffix in (".tbi", ".csi"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            return str(candidate)
    return None
