"""Per-sample genotypes of a record as numpy arrays: who carries which allele, how many copies.

A joint VCF can hold tens of thousands of samples; looping over them in Python per record
would dominate the run time, so zygosity is computed for all samples at once from htslib's
genotype matrix (cyvcf2 `genotype.array()`), and Python only touches the carriers.
Copy number (FORMAT/CN) overrides GT for deletions and CNVs, because CNV callers often
write haploid or placeholder genotypes (GATK gCNV writes an allele index, not a diploid GT).
"""

from __future__ import annotations

from dataclasses import dataclass

import cyvcf2
import numpy as np

from .locate import Allele

MISSING_INT = np.iinfo(np.int32).min


@dataclass
class Call:
    """One sample's call of one ALT allele."""

    sample_index: int
    zygosity: str  # homozygous, heterozygous, hemizygous, partial
    genotype: str
    phased: bool
    haplotypes: tuple[int, ...]  # which haplotype slots carry the allele (0-based)
    phase_set: int | None
    copy_number: int | None
    depth: int | None


def _row_count(mask: np.ndarray) -> np.ndarray:
    """Per-row count of True in a (samples, ploidy) mask: a column loop, much cheaper than
    `mask.sum(axis=1)` for the 2-3 columns a genotype matrix has."""
    total = mask[:, 0].astype(np.int8)
    for k in range(1, mask.shape[1]):
        total += mask[:, k]
    return total


class RecordGenotypes:
    """Genotype matrix of one record, and per-sample facts derived once per record.

    PS and DP are read only when a carrier's call is built (most records have none worth
    reading), CN whenever present because it decides zygosity of deletions.
    """

    def __init__(self, record: cyvcf2.Variant, n_samples: int) -> None:
        fmt = record.FORMAT or ()
        self._record = record
        self._phase_set: np.ndarray | None | bool = False  # False = not read yet
        self._depth: np.ndarray | None | bool = False
        self._fmt = fmt
        self.alleles: np.ndarray | None = None  # (n, max_ploidy); -1 missing, -2 vector end
        self.phased: np.ndarray | None = None
        self.ploidy: np.ndarray | None = None
        self.n_called: np.ndarray | None = None
        if "GT" in fmt:
            try:
                matrix = record.genotype.array()
            except Exception:
                matrix = None
            if matrix is not None:
                self.alleles = matrix[:, :-1]
                self.ploidy = _row_count(self.alleles != -2)
                self.n_called = _row_count(self.alleles >= 0)
                self.phased = (matrix[:, -1] == 1) & (self.ploidy > 1)
        self.copy_number = _int_format(record, "CN") if "CN" in fmt else None
        called = self.n_called > 0 if self.n_called is not None else np.zeros(n_samples, dtype=bool)
        if self.copy_number is not None:
            called = called | (self.copy_number > MISSING_INT + 1)
        self.called: np.ndarray = called

    @classmethod
    def of(cls, record: cyvcf2.Variant, n_samples: int) -> "RecordGenotypes":
        return cls(record, n_samples)

    @property
    def phase_set(self) -> np.ndarray | None:
        if self._phase_set is False:
            self._phase_set = _int_format(self._record, "PS") if "PS" in self._fmt else None
        return self._phase_set  # type: ignore[return-value]

    @property
    def depth(self) -> np.ndarray | None:
        if self._depth is False:
            self._depth = _int_format(self._record, "DP") if "DP" in self._fmt else None
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
        use_cn = cn is not None and allele.kind in ("sv_deletion", "cnv")
        if use_cn:
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
        carriers_mask, count, ploidy, _, use_cn = self._carrier_arrays(allele)
        if use_cn:
            cn = self.copy_number
            has_cn = cn > MISSING_INT + 1
            hom = carriers_mask & ((has_cn & (cn == 0)) | (~has_cn & (count == ploidy)))
            copies = np.where(has_cn, 2 - np.clip(cn, 0, 2), count)
        else:
            hom = carriers_mask & (count == ploidy)
            copies = count
        return int(np.count_nonzero(carriers_mask)), int(np.count_nonzero(hom)), int(copies[carriers_mask].sum())

    def calls(self, allele: Allele) -> list[Call]:
        """Calls of `allele` for every sample that carries it."""
        a = allele.alt_index
        cn = self.copy_number
        carriers_mask, count, ploidy, n_called, use_cn = self._carrier_arrays(allele)
        out: list[Call] = []
        for i in np.flatnonzero(carriers_mask):
            cn_i = int(cn[i]) if cn is not None and cn[i] > MISSING_INT + 1 else None
            if use_cn and cn_i is not None:
                zygosity = "homozygous" if cn_i == 0 else "heterozygous"
            elif ploidy[i] == 1:
                zygosity = "hemizygous"
            elif count[i] == ploidy[i]:
                zygosity = "homozygous"
            elif n_called[i] < ploidy[i]:
                zygosity = "partial"
            else:
                zygosity = "heterozygous"
            haplotypes: tuple[int, ...] = ()
            gt_text = "."
            if self.alleles is not None:
                row = self.alleles[i]
                haplotypes = tuple(int(k) for k in np.flatnonzero(row == a))
                sep = "|" if self.phased is not None and self.phased[i] else "/"
                gt_text = sep.join("." if x == -1 else str(int(x)) for x in row if x != -2)
            out.append(Call(
                sample_index=int(i), zygosity=zygosity, genotype=gt_text,
                phased=bool(self.phased[i]) if self.phased is not None else False,
                haplotypes=haplotypes,
                phase_set=_value(self.phase_set, i), copy_number=cn_i, depth=_value(self.depth, i)))
        return out


def _int_format(record: cyvcf2.Variant, key: str) -> np.ndarray | None:
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


def _value(array: np.ndarray | None, i: int) -> int | None:
    if array is None:
        return None
    value = int(array[i])
    return None if value in (MISSING_INT, MISSING_INT + 1) else value
