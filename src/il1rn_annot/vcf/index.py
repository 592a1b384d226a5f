"""One reader of tabix (.tbi) and CSI (.csi) indexes, parsed once per file.

Two questions are asked of an input's index before htslib reads the locus:
`open_vcf` asks whether the index belongs to the data (`vcf.index_check.index_problem`: its
largest virtual offset must point into the data's last block), and `limits` asks where htslib
starts reading the locus (so that record sizes are checked over those bytes only). Both are answered from one parse,
kept for the file's (path, size, mtime): an index is decompressed and walked once per input,
not once per question. Format: the SAM/VCF index specifications (tabix, CSI v1).
"""

from __future__ import annotations

import array
import hashlib
import os
import struct
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from il1rn_annot.vcf.bgzf_inflate import Inflater

_I32 = struct.Struct("<i")
TABIX_MIN_SHIFT, TABIX_DEPTH = 14, 5


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


class ParsedIndex:
    """An index read once: contig names, the references' bins as uint32 words, walked lazily.

    A query decodes only the bins of the reference it names, after walking (skipping) the
    references before it; the largest offset is found by the pseudo-bins. The index of a 1 GB
    whole-genome VCF holds ~200,000 bins: decoding them all into Python objects took 0.4 s per
    input, 100 times the locus query it served, and walking them all still 75 ms (issue 19).
    """

    def __init__(
        self,
        csi: bool,
        min_shift: int,
        depth: int,
        names: tuple[str, ...],
        source: Inflater,
        pos: int,
        n_ref: int,
        sha256: str = "",
    ) -> None:
        self.csi, self.min_shift, self.depth, self.names = csi, min_shift, depth, names
        self._source, self._pos = source, pos  # the decompressed index so far; where its references start
        self.words = self._words()  # the references part decompressed so far, as uint32
        self.n_ref = n_ref
        #: SHA-256 of the index file's bytes as read (provenance: vcf.identity)
        self.sha256 = sha256
        self._refs: list[_Ref] = []
        self._at = 0  # word where the next reference to walk starts
        self._largest: list[int | None] = []  # per walked reference: its largest chunk end
        self._spans: dict[tuple[str, int, int, tuple[str, ...]], tuple[int, int] | None] = {}
        self._bins: dict[int, tuple[_Bin, ...]] = {}

    def _words(self) -> array.array[int]:
        data = self._source.data
        words = array.array("I")
        words.frombytes(memoryview(data)[self._pos : len(data) - (len(data) - self._pos) % 4])
        if sys.byteorder != "little":
            words.byteswap()
        return words

    def _grow(self) -> bool:
        """Decompress more of the index (False: all of it is)."""
        if not self._source.grow():
            return False
        self.words = self._words()
        return True

    def ref(self, target: int) -> _Ref:
        """Reference number `target`, walking the references before it once (ValueError: the
        index ends early)."""
        while True:
            try:
                return self._walk_to(target)
            except IndexError:  # the walk ran past what is decompressed: more, or the index ends early
                if not self._grow():
                    raise ValueError("index ends early") from None

    def _walk_to(self, target: int) -> _Ref:
        words, n_words = self.words, len(self.words)
        head = 4 if self.csi else 2  # words before a bin's chunks; the last of them is the chunk count
        last_head = head - 1
        pseudo = self.pseudo_bin
        while len(self._refs) <= target:
            at = self._at
            n_bin = words[at]
            first = at = at + 1
            ref_largest = -1
            # the hot loop: two word reads per bin. A bin's chunks are sorted and disjoint, so
            # its last chunk ends last; the pseudo-bin's first pair is (first, last) offset
            # of the reference's records
            for _ in range(n_bin):
                n_chunk = words[at + last_head]
                if n_chunk:
                    k = at + head + 2 if words[at] == pseudo else at + head + 4 * n_chunk - 2
                    end = words[k] | words[k + 1] << 32
                    if end > ref_largest:
                        ref_largest = end
                at += head + 4 * n_chunk
            intervals = (0, 0)
            if not self.csi:
                n_intv = words[at]
                intervals = (at + 1, n_intv)
                at += 1 + 2 * n_intv
            if at > n_words:
                raise IndexError
            self._refs.append(_Ref(first, n_bin, intervals))
            self._largest.append(ref_largest if ref_largest >= 0 else None)
            self._at = at
        return self._refs[target]

    @property
    def pseudo_bin(self) -> int:
        """The metadata bin htslib adds per reference (its chunk holds offsets, not records)."""
        return ((1 << ((self.depth + 1) * 3)) - 1) // 7 + 1

    def max_offset(self) -> int | None:
        """Largest BGZF virtual offset a record's chunk ends at (None: no records indexed).

        htslib writes one pseudo-bin per reference with records, whose first pair is the
        (first, last) offset of its records; the last reference with records holds the largest.
        Its section ends the index (references without records take 8 bytes each), so the
        pseudo-bins are searched (vectorised: the bin id followed by its chunk count 2) in the
        last 4, 16, 64 decompressed blocks: any pseudo-bin found there is the last reference's
        or an earlier one's, whose whole section precedes the last's. Without one (tabix before
        2013), or with more candidates than references, every bin is walked.
        """
        for tail in self._source.tails():
            # the tail of the references part, word-aligned from its end (every field after the
            # names is a 4- or 8-byte integer); the last reference with records ends the index
            found = self._pseudo_bin_max(np.frombuffer(tail[len(tail) % 4 :], dtype=np.uint32))
            if found is not None:
                return found
        while self._grow():
            pass
        found = self._pseudo_bin_max(np.frombuffer(self.words, dtype=np.uint32))
        if found is not None:
            return found
        if self.n_ref:
            self.ref(self.n_ref - 1)
        walked = [value for value in self._largest if value is not None]
        return max(walked) if walked else None

    def _pseudo_bin_max(self, words: np.ndarray) -> int | None:
        """The largest end offset of the pseudo-bins found in `words`; None when there are none,
        more than references, or one that does not read as (first, last) offsets."""
        head = 4 if self.csi else 2
        if len(words) <= head + 4:
            return None
        hits = np.flatnonzero((words[: -head - 4] == self.pseudo_bin) & (words[head - 1 : -5] == 2))
        if not 0 < len(hits) <= self.n_ref:
            return None
        first = hits + head
        begins = words[first].astype(np.uint64) | words[first + 1].astype(np.uint64) << np.uint64(32)
        ends = words[first + 2].astype(np.uint64) | words[first + 3].astype(np.uint64) << np.uint64(32)
        return int(ends.max()) if bool(np.all(begins <= ends)) else None

    def bins(self, target: int, wanted: set[int] | None = None) -> tuple[_Bin, ...]:
        """The bins of reference number `target`, decoded (only those in `wanted`, when given;
        a CSI bin's linear offset is kept for every bin, its chunks only for the wanted).
        All of a reference's bins are decoded once and kept."""
        if wanted is None and target in self._bins:
            return self._bins[target]
        ref = self.ref(target)  # first: walking may decompress more of the index
        w = self.words
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
        if wanted is None:
            self._bins[target] = tuple(out)
        return tuple(out)

    def linear_offset(self, target: int, window: int) -> int:
        """Entry `window` (16 kb windows; the last one past the end) of reference `target`'s
        tabix linear index; 0 when it has none."""
        first, count = self.ref(target).intervals
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
        """(first, last) virtual offsets htslib reads for [beg, end) (0-based) on `contig`, as
        `hts_itr_query` chooses them: the chunks of the bins overlapping the region, cut to
        start no earlier than the linear-index offset of `beg` (min_off) and to end no later
        than the first chunk of the next bin right of `end` (max_off, where htslib reads the
        record that ends the query); None when it reads none. Remembered per region."""
        key = (contig, beg, end, () if self.names else tuple(seqnames))
        if key not in self._spans:
            self._spans[key] = self._region_span(contig, beg, end, seqnames)
        return self._spans[key]

    def _region_span(self, contig: str, beg: int, end: int, seqnames: list[str]) -> tuple[int, int] | None:
        order = list(self.names) if self.names else list(seqnames)
        if contig not in order:
            return None
        target = order.index(contig)
        if target >= self.n_ref:
            return None
        overlapping = set(_reg2bins(beg, end, self.min_shift, self.depth))
        # one pass over the reference's bins (~15,000 on a whole-genome chr2): the chunks of the
        # overlapping bins, and each bin's first chunk start (for max_off) and CSI linear offset
        ref = self.ref(target)  # first: walking may decompress more of the index
        w = self.words
        chunks: list[tuple[int, int]] = []
        firsts: dict[int, int] = {}
        loffsets: dict[int, int] = {}
        at, csi = ref.first, self.csi
        for _ in range(ref.n_bin):
            bin_id = w[at]
            if csi:
                loffsets[bin_id] = w[at + 1] | w[at + 2] << 32
                n_chunk = w[at + 3]
                at += 4
            else:
                n_chunk = w[at + 1]
                at += 2
            if n_chunk:
                firsts[bin_id] = w[at] | w[at + 1] << 32
                if bin_id in overlapping:
                    chunks += [
                        (w[k] | w[k + 1] << 32, w[k + 2] | w[k + 3] << 32) for k in range(at, at + 4 * n_chunk, 4)
                    ]
            at += 4 * n_chunk
        firsts.pop(self.pseudo_bin, None)
        if not csi:
            min_off = self.linear_offset(target, beg >> TABIX_MIN_SHIFT)
        else:
            leaf = ((1 << ((self.depth + 1) * 3)) - 1) // 7 + (beg >> self.min_shift)
            while leaf not in loffsets and leaf > 0:
                leaf = (leaf - 1) >> 3
            min_off = loffsets.get(leaf, 0)
        max_off = self._max_off(firsts, end)
        kept = [(max(b, min_off), min(e, max_off)) for b, e in chunks if e > min_off and b < max_off]
        if not kept:
            return None
        return min(b for b, _ in kept), max(e for _, e in kept)

    def _max_off(self, firsts: dict[int, int], end: int) -> int:
        """htslib's max_off for a query ending at `end` (0-based, exclusive): the first chunk
        start of the nearest bin with records right of `end`, moving up a level at a first child
        (hts.c, hts_itr_query); 2**64 - 1 when there is none. `firsts`: bin -> first chunk start."""
        first_leaf = ((1 << (3 * self.depth)) - 1) // 7
        n_bins = ((1 << (3 * (self.depth + 1))) - 1) // 7
        bin_id = first_leaf + ((end - 1) >> self.min_shift) + 1
        if bin_id >= n_bins:
            bin_id = 0
        while True:
            while bin_id % 8 == 1:
                bin_id = (bin_id - 1) >> 3
            if bin_id == 0:
                return (1 << 64) - 1
            if bin_id in firsts:
                return firsts[bin_id]
            bin_id += 1


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
    source = Inflater(raw)
    try:
        while len(source.data) < 1 << 16 and source.grow():
            pass  # the header and the names: the first block(s)
        while True:
            data = source.data
            length = len(data)
            try:
                header = _header(data)
            except struct.error:
                header = None
            if header is not None and header[-1] <= length:
                break
            if not source.grow():
                raise ValueError("index ends early")
    except (zlib.error, EOFError, OSError) as exc:
        raise ValueError(f"the index cannot be decompressed ({exc})") from None
    csi, min_shift, depth, names, n_ref, pos = header
    return ParsedIndex(csi, min_shift, depth, names, source, pos, n_ref, hashlib.sha256(raw).hexdigest())


def _header(data: bytes) -> tuple[bool, int, int, tuple[str, ...], int, int] | None:
    """(csi, min_shift, depth, names, n_ref, where the references start) from the decompressed
    start of an index; None when more of it is needed (struct.error: likewise)."""
    magic = data[:4]
    if magic == b"TBI\x01":
        if len(data) < 36:
            return None
        n_ref = _I32.unpack_from(data, 4)[0]
        l_nm = _I32.unpack_from(data, 32)[0]
        if len(data) < 36 + l_nm:
            return None
        return False, TABIX_MIN_SHIFT, TABIX_DEPTH, _names(data[36 : 36 + l_nm]), n_ref, 36 + l_nm
    if magic == b"CSI\x01":
        if len(data) < 16:
            return None
        min_shift, depth, l_aux = struct.unpack_from("<3i", data, 4)
        if len(data) < 16 + l_aux + 4:
            return None
        aux = data[16 : 16 + l_aux]
        names = _names(aux[28:]) if l_aux >= 28 else ()
        return True, min_shift, depth, names, _I32.unpack_from(data, 16 + l_aux)[0], 20 + l_aux
    if len(data) < 4:
        return None
    raise ValueError("not a tabix (.tbi) or CSI (.csi) index")


def _names(block: bytes) -> tuple[str, ...]:
    return tuple(n.decode("utf-8", "replace") for n in block.split(b"\0") if n)
