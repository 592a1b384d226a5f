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

from dataclasses import dataclass

import numpy as np

from il1rn_annot.core.alleles import Allele

_CODES = 12  # allele codes -2..9 shifted by 2 (RecordGenotypes' bincount layout)
_TAB, _COLON, _SLASH, _BAR, _DOT, _ZERO = 9, 58, 47, 124, 46, 48


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


def count_gt_text(parts: list[bytes], n_samples: int, n_alts: list[int]) -> ChunkCounts:
    """Count the GTs of records given by their sample columns (the text after FORMAT).

    `parts[k]`: record k's sample columns, tab-separated, GT first in FORMAT (the caller
    checks FORMAT); `n_alts[k]`: its number of ALT alleles.
    """
    records: list[CountedGenotypes | None] = [None] * len(parts)
    called_any = np.zeros(n_samples, dtype=bool)
    uncalled = np.zeros(n_samples, dtype=np.int32)
    half = np.zeros(n_samples, dtype=np.int32)
    rows = [k for k, part in enumerate(parts) if n_samples and part.count(b"\t") == n_samples - 1]
    if not rows:
        return ChunkCounts(records, called_any, uncalled, half)
    # one buffer: every column followed by a tab, then padding so that reading 4 bytes from
    # any column start stays inside it
    buf = b"\t".join(parts[k] for k in rows) + b"\t\0\0\0"
    text = np.frombuffer(buf, dtype=np.uint8)
    ends = np.flatnonzero(text == _TAB)
    r = len(rows)
    if len(ends) != r * n_samples:  # a tab inside a part's text cannot happen; be safe anyway
        return ChunkCounts(records, called_any, uncalled, half)
    flat = np.empty_like(ends)
    flat[0] = 0
    flat[1:] = ends[:-1] + 1
    starts = flat.reshape(r, n_samples)
    length = ends.reshape(r, n_samples) - starts
    first, sep, second, after = (text[starts + i] for i in range(4))
    a0 = first.astype(np.int16) - _ZERO
    a1 = second.astype(np.int16) - _ZERO
    plain = (length >= 3) & ((length == 3) | (after == _COLON)) & ((sep == _SLASH) | (sep == _BAR))
    plain &= ((a0 >= 0) & (a0 <= 9)) | (first == _DOT)
    plain &= ((a1 >= 0) & (a1 <= 9)) | (second == _DOT)
    a0[first == _DOT] = -1
    a1[second == _DOT] = -1
    top = np.maximum(a0, a1)
    ok = plain.all(axis=1) & (top.max(axis=1) <= np.asarray([n_alts[k] for k in rows]))
    if not ok.any():
        return ChunkCounts(records, called_any, uncalled, half)
    a0, a1, top = a0[ok], a1[ok], top[ok]
    called = top >= 0
    halves = called & (np.minimum(a0, a1) < 0)
    code = (a0.astype(np.intp) + 2) * _CODES + (a1 + 2)
    kept = int(np.count_nonzero(ok))
    code += (np.arange(kept, dtype=np.intp) * (_CODES * _CODES))[:, None]
    table = np.bincount(code.ravel(), minlength=kept * _CODES * _CODES).reshape(kept, _CODES, _CODES)
    copies = table.sum(axis=2) + table.sum(axis=1)
    homozygous = table.diagonal(axis1=1, axis2=2)
    n_called = np.count_nonzero(called, axis=1).tolist()
    for j, k in enumerate(np.asarray(rows)[ok].tolist()):
        records[k] = CountedGenotypes(n_called[j], copies[j], homozygous[j])
    called_any = called.any(axis=0)
    uncalled += np.count_nonzero(~called, axis=0).astype(np.int32)
    half += np.count_nonzero(halves, axis=0).astype(np.int32)
    return ChunkCounts(records, called_any, uncalled, half)
