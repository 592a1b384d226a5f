"""Per-sample genotypes of a record as numpy arrays: who carries which allele, how many copies.

A joint VCF can hold tens of thousands of samples; looping over them in Python per record
would dominate the run time, so zygosity is computed for all samples at once from htslib's
genotype matrix (cyvcf2 `genotype.array()`), and Python only touches the carriers.
Copy number (FORMAT/CN) overrides GT for deletions and CNVs, because CNV callers often
write haploid or placeholder genotypes (GATK gCNV writes an allele index, not a diploid GT).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, NamedTuple

import cyvcf2
import numpy as np

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.vocabulary import DELETION_TYPES

MISSING_INT = np.iinfo(np.int32).min


class Call(NamedTuple):
    """One sample's call of one ALT allele (a tuple: thousands cross from worker processes)."""

    sample_index: int
    zygosity: str  # homozygous, heterozygous, hemizygous, partial
    genotype: str
    phased: bool
    haplotypes: tuple[int, ...]  # which haplotype slots carry the allele (0-based)
    phase_set: int | None
    copy_number: int | None
    depth: int | None
    #: FORMAT/FT when the caller wrote one (a sample-level filter, e.g. Manta/DELLY); None without
    sample_filter: str | None = None


def _row_count(mask: np.ndarray) -> np.ndarray:
    """Per-row count of True in a (samples, ploidy) mask: a column loop, much cheaper than
    `mask.sum(axis=1)` for the 2-3 columns a genotype matrix has."""
    total = mask[:, 0].astype(np.int8)
    for k in range(1, mask.shape[1]):
        total += mask[:, k]
    return total


class RecordGenotypes:
    """Genotype matrix of one record, and per-sample facts derived once per record.

    Most records of a joint VCF only need counting (carriers, homozygotes, allele count):
    with at most two alleles per sample and no FORMAT/CN, `counts` takes them for every
    ALT at once from three `np.bincount` calls instead of a dozen array passes per ALT,
    which was most of the time spent per record at 10,000 samples. Ploidy, phase, PS and
    DP are derived only when a carrier's call is built.
    """

    def __init__(self, record: cyvcf2.Variant, n_samples: int) -> None:
        fmt = record.FORMAT or ()
        self._record = record
        self._phase_set: np.ndarray | bool | None = False  # False = not read yet
        self._depth: np.ndarray | bool | None = False
        self._fmt = fmt
        self._n_alleles = 1 + len(record.ALT)
        self._matrix: np.ndarray | None = None
        self.alleles: np.ndarray | None = None  # (n, max_ploidy); -1 missing, -2 vector end
        self._tallies: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if "GT" in fmt:
            try:
                self._matrix = record.genotype.array()
            except Exception:
                self._matrix = None
            if self._matrix is not None:
                self.alleles = self._matrix[:, :-1]
        self.copy_number = int_format(record, "CN") if "CN" in fmt else None
        self._pair_max: np.ndarray | None = None  # diploid: per sample the larger allele index
        called: np.ndarray
        if self.alleles is None:
            called = np.zeros(n_samples, dtype=bool)
        elif self.alleles.shape[1] == 2:
            self._pair_max = np.maximum(self.alleles[:, 0], self.alleles[:, 1])
            called = self._pair_max >= 0
        else:
            # any(axis=1) of a 2-D array is 1-D; numpy's stubs cannot tell it from a 0-D bool
            called = (self.alleles >= 0).any(axis=1)  # type: ignore[assignment]
        if self.copy_number is not None:
            called = called | (self.copy_number > MISSING_INT + 1)
        self.called: np.ndarray = called
        #: one sample's allele indexes as Python ints (a single-sample file: most of a cohort's
        #: inputs), for `counts`, `half_called` and `calls` without numpy's per-call overhead
        #: (~20 us a record on arrays of one row); None for more samples or no GT
        self._one: list[int] | None = (
            self.alleles[0].tolist() if n_samples == 1 and self.alleles is not None and len(self.alleles) == 1 else None
        )

    @classmethod
    def of(cls, record: cyvcf2.Variant, n_samples: int) -> RecordGenotypes:
        return cls(record, n_samples)

    @cached_property
    def ploidy(self) -> np.ndarray | None:
        return None if self.alleles is None else _row_count(self.alleles != -2)

    @cached_property
    def n_called(self) -> np.ndarray | None:
        return None if self.alleles is None else _row_count(self.alleles >= 0)

    @property
    def half_called(self) -> np.ndarray:
        """Per sample: a genotype with called and uncalled alleles (0/., ./1, 1/.): neither a plain
        negative nor a plain carrier, since the uncalled allele may carry a variant."""
        if self.alleles is None or self.alleles.shape[1] < 2:
            return np.zeros(len(self.called), dtype=bool)
        if self._one is not None:
            present = [x for x in self._one if x != -2]
            n_alleles_called = sum(1 for x in present if x >= 0)
            return np.array([0 < n_alleles_called < len(present)])
        n_called, ploidy = self.n_called, self.ploidy
        assert n_called is not None and ploidy is not None
        return (n_called > 0) & (n_called < ploidy)

    @property
    def phase_set(self) -> np.ndarray | None:
        if self._phase_set is False:
            self._phase_set = int_format(self._record, "PS") if "PS" in self._fmt else None
        return self._phase_set  # type: ignore[return-value]

    @property
    def depth(self) -> np.ndarray | None:
        if self._depth is False:
            self._depth = int_format(self._record, "DP") if "DP" in self._fmt else None
        return self._depth  # type: ignore[return-value]

    def _carrier_arrays(self, allele: Allele) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        """(carriers mask, copies of the allele, ploidy, called alleles, copy number decides) per sample."""
        a = allele.alt_index
        n = len(self.called)
        if self.alleles is not None:
            count = _row_count(self.alleles == a)
            ploidy, n_called = self.ploidy, self.n_called
        else:
            count = np.zeros(n, dtype=np.int8)
            ploidy = np.full(n, 2, dtype=np.int8)
            n_called = np.zeros(n, dtype=np.int8)
        cn = self.copy_number
        use_cn = cn is not None and allele.kind in DELETION_TYPES
        carriers_mask: np.ndarray
        if use_cn:
            assert cn is not None  # use_cn says so; for mypy
            has_cn = cn > MISSING_INT + 1
            loss = has_cn & (cn < 2)
            carriers_mask = loss | ((count > 0) & ~has_cn & (allele.kind != "cnv"))
        else:
            carriers_mask = count > 0
        return carriers_mask, count, ploidy, n_called, use_cn  # type: ignore[return-value]

    def counts(self, allele: Allele) -> tuple[int, int, int]:
        """(carriers, homozygotes incl. hemizygotes, allele count) for `allele`, all in numpy.

        Used for alleles that do not bear on any sample's interpretation (likely benign), so a
        10,000-sample joint VCF costs no Python work per carrier for them.
        """
        uses_cn = self.copy_number is not None and allele.kind in DELETION_TYPES
        if not uses_cn and self._one is not None and len(self._one) <= 2:
            # `_allele_tallies` for one sample: its (first, second) pair, -2 ending a haploid call
            a = allele.alt_index
            first, second = self._one[0], (self._one[1] if len(self._one) == 2 else -2)
            ac = (first == a) + (second == a)
            hom2 = int(len(self._one) == 2 and first == a and second == a)
            hom1 = int(first == a and second == -2)
            return ac - hom2, hom2 + hom1, ac
        if not uses_cn and self.alleles is not None and self.alleles.shape[1] <= 2:
            allele_count, diploid_hom, haploid = self._allele_tallies()
            k = allele.alt_index + 2  # bincount index: -2 (vector end) -> 0, -1 (missing) -> 1
            ac, hom2, hom1 = (int(t[k]) if k < len(t) else 0 for t in (allele_count, diploid_hom, haploid))
            # a homozygous diploid sample holds two copies but is one carrier; a haploid one is
            # a carrier and hemizygous; a partial call (./a) is a carrier, not homozygous
            return ac - hom2, hom2 + hom1, ac
        return self._counts_per_sample(allele)

    def _counts_per_sample(self, allele: Allele) -> tuple[int, int, int]:
        """`counts` from per-sample arrays: any ploidy, and FORMAT/CN for deletions."""
        carriers_mask, count, ploidy, _, use_cn = self._carrier_arrays(allele)
        if use_cn:
            cn = self.copy_number
            assert cn is not None  # _carrier_arrays uses the copy number only when there is one
            has_cn = cn > MISSING_INT + 1
            hom = carriers_mask & ((has_cn & (cn == 0)) | (~has_cn & (count == ploidy)))
            copies = np.where(has_cn, 2 - np.clip(cn, 0, 2), count)
        else:
            hom = carriers_mask & (count == ploidy)
            copies = count
        return int(np.count_nonzero(carriers_mask)), int(np.count_nonzero(hom)), int(copies[carriers_mask].sum())

    def _allele_tallies(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per allele index + 2: copies, diploid homozygotes (a/a), haploid carriers; for every ALT at once.

        A diploid record is one `np.bincount` of the (first, second) allele pairs; copies are the
        pair table's row plus column sums, homozygotes its diagonal, haploid calls its column
        for "no second allele" (-2, the vector end).
        """
        if self._tallies is None:
            alleles = self.alleles
            assert alleles is not None
            if alleles.shape[1] == 1:
                copies = np.bincount(alleles[:, 0] + 2)  # bincount needs non-negative values
                self._tallies = (copies, np.zeros(0, dtype=np.intp), copies)
            else:
                size = self._n_alleles + 2  # indices -2..n_alleles-1
                top = int(self._pair_max.max()) if self._pair_max is not None and len(alleles) else -1
                if top + 2 >= size:
                    size = top + 3  # an out-of-range GT
                code = alleles[:, 0].astype(np.intp)  # (first + 2) * size + (second + 2), in place
                code *= size
                code += alleles[:, 1]
                code += 2 * size + 2
                pairs = np.bincount(code, minlength=size * size)
                table = pairs.reshape(size, size)
                self._tallies = (table.sum(axis=1) + table.sum(axis=0), table.diagonal().copy(), table[:, 0].copy())
        return self._tallies

    def calls(self, allele: Allele) -> list[Call]:
        """Calls of `allele` for every sample that carries it.

        numpy finds the carriers; each carrier's genotype row is then read as a Python list
        (`tolist` once for all carriers), which is cheaper than a dozen array passes for
        ploidy, copies and phase when a file has one sample, and than per-element numpy
        indexing (~20 us each) when a common allele has thousands of carriers. Genotype
        texts are made once per distinct genotype.
        """
        a = allele.alt_index
        use_cn = self.copy_number is not None and allele.kind in DELETION_TYPES
        if use_cn:
            carriers_mask = self._carrier_arrays(allele)[0]
        elif self._one is not None:
            if a not in self._one:
                return []
            carriers_mask = np.ones(1, dtype=bool)
        elif self.alleles is not None:
            carriers_mask = (self.alleles == a).any(axis=1)
        else:
            return []
        index = np.flatnonzero(carriers_mask)
        n = len(index)
        cn = _column(self.copy_number, index)
        rows: list[Any] = self._matrix[index].tolist() if self._matrix is not None else [None] * n
        depth, phase_set = _column(self.depth, index), _column(self.phase_set, index)
        sample_filter = _str_column(self._record, "FT", index) if "FT" in self._fmt else [None] * n
        texts: dict[tuple[int, ...], tuple[str, tuple[int, ...], bool]] = {}
        out: list[Call] = []
        haplotypes: tuple[int, ...]
        for k, i in enumerate(index.tolist()):
            row = rows[k]
            if row is None:  # no GT: a carrier by copy number only
                gt_text, haplotypes, phased, copies, ploidy, called = ".", (), False, 0, 2, 0
            else:
                key = tuple(row)  # the alleles, then the phase flag (cyvcf2's last column)
                if key not in texts:
                    alleles = [x for x in row[:-1] if x != -2]
                    phased_row = row[-1] == 1 and len(alleles) > 1
                    texts[key] = (
                        ("|" if phased_row else "/").join("." if x == -1 else str(x) for x in alleles),
                        tuple(j for j, x in enumerate(row[:-1]) if x == a),
                        phased_row,
                    )
                gt_text, haplotypes, phased = texts[key]
                present = [x for x in row[:-1] if x != -2]
                copies, ploidy, called = present.count(a), len(present), sum(1 for x in present if x >= 0)
            cn_i = cn[k]
            if use_cn and cn_i is not None:
                zygosity = "homozygous" if cn_i == 0 else "heterozygous"
            elif ploidy == 1:
                zygosity = "hemizygous"
            elif copies == ploidy:
                zygosity = "homozygous"
            elif called < ploidy:
                zygosity = "partial"
            else:
                zygosity = "heterozygous"
            out.append(
                Call(
                    sample_index=i,
                    zygosity=zygosity,
                    genotype=gt_text,
                    phased=phased,
                    haplotypes=haplotypes,
                    phase_set=phase_set[k],
                    copy_number=cn_i,
                    depth=depth[k],
                    sample_filter=sample_filter[k],
                )
            )
        return out


def _column(values: np.ndarray | None, index: np.ndarray) -> list[int | None]:
    """values[index] as Python ints, None where missing (or all None without the field)."""
    if values is None:
        return [None] * len(index)
    return [None if v in (MISSING_INT, MISSING_INT + 1) else v for v in values[index].tolist()]


def int_format(record: cyvcf2.Variant, key: str) -> np.ndarray | None:
    """An integer FORMAT field's first value per sample (int64; htslib's missing values kept, so
    callers can tell them apart); None where the field cannot be read or is not an integer field.

    One reader for genotypes (CN, PS, DP) and coverage (GQ, DP, MIN_DP), so both treat an
    unreadable or mistyped field alike: as absent.
    """
    try:
        values = record.format(key)
    except Exception:
        return None
    if values is None:
        return None
    values = np.asarray(values)
    if values.dtype.kind not in "iu":
        return None
    return values[:, 0].astype(np.int64)


def _str_column(record: cyvcf2.Variant, key: str, index: np.ndarray) -> list[str | None]:
    """A string FORMAT field (FT) for the samples in `index`; None where missing or unreadable."""
    try:
        values = record.format(key)
    except Exception:
        return [None] * len(index)
    if values is None:
        return [None] * len(index)
    out: list[str | None] = []
    for i in index.tolist():
        v = values[i]
        text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        text = text.strip("\x00").strip()
        out.append(None if text in ("", ".") else text)
    return out
