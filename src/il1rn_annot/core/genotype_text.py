"""Diploid GT counts read straight from a joint VCF's sample columns, many records at a time.

A joint VCF's window is mostly records whose alleles no sample's interpretation lists
(intronic, UTR, synonymous: `tally.bears_on_interpretation` is false). Of those, the tally
needs only counts: carriers, homozygotes and allele count per ALT, and per sample whether
it was called, left uncalled or half-called there. htslib parses every FORMAT field of
every sample to give them (~65 ns a sample field); here the first three characters of each
sample column are read with numpy for a chunk of records at once (~4x less).

Only the plainest form is taken: GT first in FORMAT, every sample's GT exactly two
single-digit allele indexes (or `.`) joined by `/` or `|`, then `:` or the column's end,
and no index beyond the record's ALTs. Any other record (haploid or multi-digit GT, a
missing `.` for the whole field, the wrong number of columns) is marked `None`, and the
caller reads it with htslib as before, so every such form keeps htslib's meaning.
The counts are those of `genotypes.RecordGenotypes.counts` for a diploid record without
FORMAT/CN (tests/test_genotype_text.py compares them on the same records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from il1rn_annot.core.alleles import Allele

_CODES = 12  # allele codes -2..9 shifted by 2 (RecordGenotypes' bincount layout)
_TAB = 9
_BAD = 99
#: byte -> allele index: '0'-'9' -> 0-9, '.' -> -1 (missing), anything else _BAD
_ALLELE = np.full(256, _BAD, dtype=np.int8)
_ALLELE[ord("0") : ord("9") + 1] = np.arange(10)
_ALLELE[ord(".")] = -1
_SEPARATOR = np.zeros(256, dtype=bool)  # '/' or '|' between the two alleles
_SEPARATOR[[ord("/"), ord("|")]] = True
_AFTER = np.zeros(256, dtype=bool)  # ':' after GT, or the tab that ends the column
_AFTER[[ord(":"), _TAB]] = True
_FIVE_BYTES = np.uint64((1 << 40) - 1)
#: little-endian words of a column's tab and first four bytes: "\t0/0:" and "\t0/0\t"
_HOM_REF_COLON = np.uint64(int.from_bytes(b"\t0/0:", "little"))
_HOM_REF_END = np.uint64(int.from_bytes(b"\t0/0\t", "little"))


@dataclass(frozen=True)
class CountedGenotypes:
    """A record's counts from its GT text: what `LocusTally` needs of a record whose calls
    are not listed (`calls` is never asked of it)."""

    n_called: int  # samples with at least one called allele
    copies: np.ndarray  # per allele code (index + 2): copies of that allele over all samples
    homozygous: np.ndarray  # per allele code: samples homozygous for it (a/a)

    def counts(self, allele: Allele) -> tuple[int, int, int]:
        """(carriers, homozygotes, allele count), as `RecordGenotypes.counts` gives them."""
        k = allele.alt_index + 2
        if k >= _CODES:
            return 0, 0, 0
        copies, hom = int(self.copies[k]), int(self.homozygous[k])
        return copies - hom, hom, copies


@dataclass
class ChunkCounts:
    """Counts of a chunk of records: per record (None: not in the plain form, read with htslib)
    and, over the records counted here, per sample."""

    records: list[CountedGenotypes | None]
    called_any: np.ndarray  # bool per sample: called at one of the counted records
    uncalled: np.ndarray  # int32 per sample: counted records with no allele called
    half_called: np.ndarray  # int32 per sample: counted records with one of two alleles called


def count_gt_text(parts: Sequence[bytes | memoryview], n_samples: int, n_alts: list[int]) -> ChunkCounts:
    """Count the GTs of records given by their sample columns (the text after FORMAT).

    `parts[k]`: record k's sample columns (bytes, or a memoryview of the line: no copy),
    tab-separated, GT first in FORMAT (the caller checks FORMAT); `n_alts[k]`: its number of
    ALT alleles.
    """
    records: list[CountedGenotypes | None] = [None] * len(parts)
    called_any = np.zeros(n_samples, dtype=bool)
    uncalled = np.zeros(n_samples, dtype=np.int32)
    half = np.zeros(n_samples, dtype=np.int32)
    if not n_samples or not parts:
        return ChunkCounts(records, called_any, uncalled, half)
    rows = list(range(len(parts)))
    buf, tabs = _tabs(parts, n_samples)
    if tabs is None:  # a record with too few or too many columns: find it, leave it to htslib
        rows = [k for k, part in enumerate(parts) if bytes(part).count(b"\t") == n_samples - 1]
        buf, tabs = _tabs([parts[k] for k in rows], n_samples)
        if not rows or tabs is None:
            return ChunkCounts(records, called_any, uncalled, half)
    r, n = len(rows), n_samples
    words = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))[tabs]
    words &= _FIVE_BYTES
    # "0/0:" or "0/0" ending the column: most columns of a joint VCF; the rest are decoded
    others = np.flatnonzero((words != _HOM_REF_COLON) & (words != _HOM_REF_END))
    row_of, col_of = np.divmod(others, n)
    w = words[others]
    a0 = _ALLELE[(w >> 8) & 0xFF]
    a1 = _ALLELE[(w >> 24) & 0xFF]
    plain = _SEPARATOR[(w >> 16) & 0xFF] & _AFTER[(w >> 32) & 0xFF] & (a0 != _BAD) & (a1 != _BAD)
    top = np.maximum(a0, a1)
    limit = np.asarray([n_alts[k] for k in rows])
    bad = np.zeros(r, dtype=bool)
    bad[row_of[~plain | (top > limit[row_of])]] = True
    if bad.all():
        return ChunkCounts(records, called_any, uncalled, half)
    if bad.any():
        keep = ~bad[row_of]
        row_of, col_of, a0, a1, top = row_of[keep], col_of[keep], a0[keep], a1[keep], top[keep]
    kept = r - int(np.count_nonzero(bad))
    missing = top < 0
    halves = (~missing) & (np.minimum(a0, a1) < 0)
    uncalled += np.bincount(col_of[missing], minlength=n).astype(np.int32)
    half += np.bincount(col_of[halves], minlength=n).astype(np.int32)
    called_any = uncalled < kept
    uncalled_in_row = np.bincount(row_of[missing], minlength=r)
    decoded_in_row = np.bincount(row_of, minlength=r)
    code = row_of * (_CODES * _CODES) + (a0.astype(np.intp) + 2) * _CODES + (a1 + 2)
    table = np.bincount(code, minlength=r * _CODES * _CODES).reshape(r, _CODES, _CODES)
    table[:, 2, 2] += n - decoded_in_row  # the 0/0 columns
    copies = table.sum(axis=2) + table.sum(axis=1)
    homozygous = table.diagonal(axis1=1, axis2=2)
    n_called = (n - uncalled_in_row).tolist()
    for j, k in enumerate(rows):
        if not bad[j]:
            records[k] = CountedGenotypes(n_called[j], copies[j], homozygous[j])
    return ChunkCounts(records, called_any, uncalled, half)


def _tabs(parts: Sequence[bytes | memoryview], n_samples: int) -> tuple[bytes, np.ndarray | None]:
    """The parts in one buffer, a tab before every column and 8 bytes of padding (the 8 bytes
    from any tab lie inside it), and the tabs' positions; None when a part has not exactly
    `n_samples` columns (its first column's tab is then not where the lengths put it)."""
    buf = b"\t" + b"\t".join(parts) + b"\t" + b"\0" * 8
    tabs = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == _TAB)[:-1]
    if len(tabs) != len(parts) * n_samples:
        return buf, None
    firsts = np.zeros(len(parts), dtype=np.intp)
    np.cumsum([len(part) + 1 for part in parts[:-1]], out=firsts[1:])
    if not np.array_equal(tabs[::n_samples], firsts):
        return buf, None
    return buf, tabs
