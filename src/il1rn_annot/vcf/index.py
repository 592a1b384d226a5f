"""One reader of tabix (.tbi) and CSI (.csi) indexes, parsed once per file.

Two questions are asked of an input's index before htslib reads the locus:
`open_vcf` asks whether the index belongs to the data (`index_problem`: its largest virtual
offset must point into the data's last block), and `limits` asks where htslib starts reading the locus (so
that record sizes are checked over those bytes only). Both are answered from one parse,
kept for the file's (path, size, mtime): an index is decompressed and walked once per input,
not once per question. Format: the SAM/VCF index specifications (tabix, CSI v1).
"""

from __future__ import annotations

import array
import gzip
import hashlib
import os
import struct
import sys
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_I32 = struct.Struct("<i")
TABIX_MIN_SHIFT, TABIX_DEPTH = 14, 5
#: the empty block that ends every complete BGZF file (SAM specification, section 4.1.2)
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass(frozen=True)
class _Bin:
    bin_id: int
    loffset: int  # CSI only (0 for tabix)
    chunks: tuple[int, ...]  # flat (begin, end) virtual-offset pairs


@dataclass(frozen=True)
class _Ref:
    """Where one reference's bins and linear index lie in the index's words (see `_read_index`)."""

    first: int  # word of its first bin
    n_bin: int
    intervals: tuple[int, int]  # (first word, count) of its tabix linear index (CSI: (0, 0))


@dataclass(frozen=True)
class ParsedIndex:
    """An index walked once: contig names, where each reference's bins are, the largest offset.

    Only the bins of a reference a query names are decoded (`bins`): the index of a 1 GB
    whole-genome VCF holds ~200,000 bins, and decoding them all into Python objects took
    0.4 s per input, 100 times the locus query it served (issue 19).
    """

    csi: bool
    min_shift: int
    depth: int
    names: tuple[str, ...]  # tabix names (or CSI's tabix-style aux); may be empty
    words: array.array[int] = field(repr=False)  # the references part of the index as little-endian uint32
    refs: tuple[_Ref, ...] = ()
    largest: int | None = None  # largest virtual offset a record's chunk ends at
    #: SHA-256 of the index file's bytes as read (provenance: vcf.identity)
    sha256: str = ""

    @property
    def pseudo_bin(self) -> int:
        """The metadata bin htslib adds per reference (its chunk holds offsets, not records)."""
        return ((1 << ((self.depth + 1) * 3)) - 1) // 7 + 1

    def max_offset(self) -> int | None:
        """Largest BGZF virtual offset a record's chunk ends at (None: no records indexed)."""
        return self.largest

    def bins(self, target: int, wanted: set[int] | None = None) -> tuple[_Bin, ...]:
        """The bins of reference number `target`, decoded (only those in `wanted`, when given;
        a CSI bin's linear offset is kept for every bin, its chunks only for the wanted)."""
        w, ref = self.words, self.refs[target]
        out: list[_Bin] = []
        at = ref.first
        for _ in range(ref.n_bin):
            bin_id = w[at]
            if self.csi:
                loffset, n_chunk = w[at + 1] | w[at + 2] << 32, w[at + 3]
                at += 4
            else:
                loffset, n_chunk = 0, w[at + 1]
                at += 2
            if wanted is None or bin_id in wanted:
                chunks = tuple(w[k] | w[k + 1] << 32 for k in range(at, at + 4 * n_chunk, 2))
                if chunks or self.csi:  # an empty CSI bin still carries a linear offset (loffset)
                    out.append(_Bin(bin_id, loffset, chunks))
            elif self.csi:
                out.append(_Bin(bin_id, loffset, ()))
            at += 4 * n_chunk
        return tuple(out)

    def linear_offset(self, target: int, window: int) -> int:
        """Entry `window` (16 kb windows; the last one past the end) of reference `target`'s
        tabix linear index; 0 when it has none."""
        first, count = self.refs[target].intervals
        if not count:
            return 0
        k = first + 2 * min(window, count - 1)
        return self.words[k] | self.words[k + 1] << 32

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
        if target >= len(self.refs):
            return None
        overlapping = set(_reg2bins(beg, end, self.min_shift, self.depth))
        bins = self.bins(target, overlapping)
        chunks = [
            pair for b in bins if b.bin_id in overlapping for pair in zip(b.chunks[0::2], b.chunks[1::2], strict=True)
        ]
        min_off = 0
        if not self.csi:
            min_off = self.linear_offset(target, beg >> TABIX_MIN_SHIFT)
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
    data = gzip.decompress(raw)
    length = len(data)
    magic = data[:4]
    names: tuple[str, ...] = ()
    if magic == b"TBI\x01":
        csi, min_shift, depth = False, TABIX_MIN_SHIFT, TABIX_DEPTH
        if length < 36:
            raise ValueError("index ends early")
        n_ref = _I32.unpack_from(data, 4)[0]
        l_nm = _I32.unpack_from(data, 32)[0]
        names = _names(data[36 : 36 + l_nm])
        pos = 36 + l_nm
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
    if pos > length:
        raise ValueError("index ends early")
    # Every field after the names is a 4- or 8-byte integer: the rest of the index as one list
    # of uint32 words (numpy converts it in C), walked by word index. Each bin is skipped by its
    # chunk count; only the pseudo-bin's end offset (the reference's last record) is read.
    words = array.array("I")
    words.frombytes(memoryview(data)[pos : length - (length - pos) % 4])
    if sys.byteorder != "little":
        words.byteswap()
    n_words = len(words)
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    head = 4 if csi else 2  # words before a bin's chunks; the last of them is the chunk count
    last_head = head - 1
    refs: list[_Ref] = []
    largest: int | None = None
    at = 0
    try:
        for _ in range(n_ref):
            n_bin = words[at]
            first = at = at + 1
            ref_largest = -1
            # the hot loop (~190,000 bins in a whole-genome index): two word reads per bin. A bin's
            # chunks are sorted and disjoint, so its last chunk ends last; the pseudo-bin's first
            # pair is (first, last) offset of the reference's records
            for _ in range(n_bin):
                n_chunk = words[at + last_head]
                if n_chunk:
                    k = at + head + 2 if words[at] == pseudo else at + head + 4 * n_chunk - 2
                    end = words[k] | words[k + 1] << 32
                    if end > ref_largest:
                        ref_largest = end
                at += head + 4 * n_chunk
            intervals = (0, 0)
            if not csi:
                n_intv = words[at]
                intervals = (at + 1, n_intv)
                at += 1 + 2 * n_intv
            if at > n_words:
                raise IndexError
            refs.append(_Ref(first, n_bin, intervals))
            if ref_largest >= 0 and (largest is None or ref_largest > largest):
                largest = ref_largest
    except IndexError:
        raise ValueError("index ends early") from None
    return ParsedIndex(csi, min_shift, depth, names, words, tuple(refs), largest, hashlib.sha256(raw).hexdigest())


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


def block_range(data_path: str | os.PathLike[str], span: tuple[int, int]) -> tuple[int, int]:
    """The compressed byte range [start, end) of the BGZF blocks holding virtual offsets
    `span` = (first, last): from the first's block to the end of the last's block (a virtual
    offset at a block's byte 0 ends before that block)."""
    start, last = span[0] >> 16, span[1] >> 16
    if span[1] & 0xFFFF == 0:
        return start, max(start, last)
    with open(data_path, "rb") as handle:
        handle.seek(last)
        head = handle.read(18)
    if len(head) < 18 or head[:4] != b"\x1f\x8b\x08\x04" or head[12:14] != b"BC":
        return start, last  # not a block header (corrupt data): htslib's own read will say so
    bsize = struct.unpack_from("<H", head, 16)[0]
    return start, last + bsize + 1


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
