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
import hashlib
import os
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_I32, _U32, _U32_I32 = struct.Struct("<i"), struct.Struct("<I"), struct.Struct("<Ii")
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
    """The parts of an index the two questions need: contig names, bins, linear offsets."""

    csi: bool
    min_shift: int
    depth: int
    names: tuple[str, ...]  # tabix names (or CSI's tabix-style aux); may be empty
    bins: tuple[tuple[_Bin, ...], ...]  # per reference
    intervals: tuple[tuple[int, ...], ...]  # tabix linear index per reference (empty for CSI)
    #: SHA-256 of the index file's bytes as read (provenance: vcf.identity)
    sha256: str = ""

    @property
    def pseudo_bin(self) -> int:
        """The metadata bin htslib adds per reference (its chunk holds offsets, not records)."""
        return ((1 << ((self.depth + 1) * 3)) - 1) // 7 + 1

    def max_offset(self) -> int | None:
        """Largest BGZF virtual offset a record's chunk ends at (None: no records indexed)."""
        best: int | None = None
        pseudo = self.pseudo_bin
        for ref in self.bins:
            for b in ref:
                if not b.chunks:
                    continue
                value = b.chunks[1] if b.bin_id == pseudo else max(b.chunks[1::2])
                best = value if best is None or value > best else best
        return best

    def region_start(self, contig: str, beg: int, end: int, seqnames: list[str]) -> int | None:
        """The smallest virtual offset htslib reads for [beg, end) (0-based) on `contig`; None
        when the index holds no record there. `seqnames`: the header's contigs, for a CSI
        index without names (a BCF's)."""
        span = self.region_span(contig, beg, end, seqnames)
        return span[0] if span else None

    def region_span(self, contig: str, beg: int, end: int, seqnames: list[str]) -> tuple[int, int] | None:
        """(smallest start, largest end) virtual offsets of the chunks htslib reads for [beg,
        end) (0-based) on `contig`, as `hts_itr_query` chooses them (bins overlapping the
        region, chunks ending after the linear-index offset); None when it reads none."""
        order = list(self.names) if self.names else list(seqnames)
        if contig not in order:
            return None
        target = order.index(contig)
        if target >= len(self.bins):
            return None
        overlapping = set(_reg2bins(beg, end, self.min_shift, self.depth))
        bins = self.bins[target]
        chunks = [
            pair for b in bins if b.bin_id in overlapping for pair in zip(b.chunks[0::2], b.chunks[1::2], strict=True)
        ]
        min_off = 0
        if not self.csi:
            offsets = self.intervals[target]
            if offsets:
                min_off = offsets[min(beg >> TABIX_MIN_SHIFT, len(offsets) - 1)]
        else:
            loffsets = {b.bin_id: b.loffset for b in bins}
            leaf = ((1 << ((self.depth + 1) * 3)) - 1) // 7 + (beg >> self.min_shift)
            while leaf not in loffsets and leaf > 0:
                leaf = (leaf - 1) >> 3
            min_off = loffsets.get(leaf, 0)
        kept = [(b, e) for b, e in chunks if e > min_off]
        if not kept:
            return None
        return min(b for b, _ in kept), max(e for _, e in kept)


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
    raw = Path(index_path).read_bytes()
    data = memoryview(gzip.decompress(raw))
    length = len(data)
    pos = 0

    def take(fmt: str) -> tuple[int, ...]:
        nonlocal pos
        n = struct.calcsize(fmt)
        if pos + n > length:
            raise ValueError("index ends early")
        values = struct.unpack_from(fmt, data, pos)
        pos += n
        return values

    magic = bytes(data[:4])
    pos = 4
    names: tuple[str, ...] = ()
    if magic == b"TBI\x01":
        csi, min_shift, depth = False, TABIX_MIN_SHIFT, TABIX_DEPTH
        n_ref = take("<i")[0]
        take("<6i")
        l_nm = take("<i")[0]
        names = _names(bytes(data[pos : pos + l_nm]))
        pos += l_nm
    elif magic == b"CSI\x01":
        csi = True
        min_shift, depth, l_aux = take("<3i")
        aux = bytes(data[pos : pos + l_aux])
        names = _names(aux[28:]) if l_aux >= 28 else ()
        pos += l_aux
        n_ref = take("<i")[0]
    else:
        raise ValueError("not a tabix (.tbi) or CSI (.csi) index")
    # the bin loop runs ~800 times for a small file and ~1,000 files make a batch: bound
    # Struct methods and a local offset instead of a helper call per field
    int32, uint32_int32, uint32 = _I32.unpack_from, _U32_I32.unpack_from, _U32.unpack_from
    all_bins: list[tuple[_Bin, ...]] = []
    all_intervals: list[tuple[int, ...]] = []
    for _ in range(n_ref):
        n_bin = take("<i")[0]
        ref_bins: list[_Bin] = []
        for _ in range(n_bin):
            if pos + 8 > length:
                raise ValueError("index ends early")
            loffset = 0
            if csi:
                bin_id = uint32(data, pos)[0]
                if pos + 16 > length:
                    raise ValueError("index ends early")
                loffset = struct.unpack_from("<Q", data, pos + 4)[0]
                pos += 12
                n_chunk = int32(data, pos)[0]
                pos += 4
            else:
                bin_id, n_chunk = uint32_int32(data, pos)
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
        all_bins.append(tuple(ref_bins))
        if not csi:
            n_intv = take("<i")[0]
            if pos + 8 * n_intv > length:
                raise ValueError("index ends early")
            all_intervals.append(struct.unpack_from(f"<{n_intv}Q", data, pos) if n_intv > 0 else ())
            pos += 8 * n_intv
    return ParsedIndex(
        csi, min_shift, depth, names, tuple(all_bins), tuple(all_intervals), hashlib.sha256(raw).hexdigest()
    )


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
