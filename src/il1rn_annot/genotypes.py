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


@dataclass
class RecordGenotypes:
    """Genotype matrix of one record, and per-sample facts derived once per record."""

    alleles: np.ndarray | None  # (n_samples, max_ploidy) allele indices; -1 missing, -2 vector end
    phased: np.ndarray | None  # (n_samples,) bool
    copy_number: np.ndarray | None  # (n_samples,) int, MISSING_INT where absent
    phase_set: np.ndarray | None
    depth: np.ndarray | None
    called: np.ndarray  # (n_samples,) bool: at least one allele called (or CN given)

    @classmethod
    def of(cls, record: cyvcf2.Variant, n_samples: int) -> "RecordGenotypes":
        fmt = set(record.FORMAT or ())
        alleles = phased = None
        if "GT" in fmt:
            try:
                matrix = record.genotype.array()
                alleles = matrix[:, :-1]
                phased = matrix[:, -1].astype(bool) & ((alleles != -2).sum(axis=1) > 1)
            except Exception:
                alleles = None
        copy_number = _int_format(record, "CN") if "CN" in fmt else None
        phase_set = _int_format(record, "PS") if "PS" in fmt else None
        depth = _int_format(record, "DP") if "DP" in fmt else None
        called = np.zeros(n_samples, dtype=bool)
        if alleles is not None:
            called |= (alleles >= 0).any(axis=1)
        if copy_number is not None:
            called |= copy_number > MISSING_INT + 1
        return cls(alleles, phased, copy_number, phase_set, depth, called)

    def calls(self, allele: Allele) -> list[Call]:
        """Calls of `allele` for every sample that carries it."""
        a = allele.alt_index
        n = len(self.called)
        count = np.zeros(n, dtype=np.int64)
        ploidy = np.full(n, 2, dtype=np.int64)
        n_called = np.zeros(n, dtype=np.int64)
        if self.alleles is not None:
            is_a = self.alleles == a
            count = is_a.sum(axis=1)
            ploidy = (self.alleles != -2).sum(axis=1)
            n_called = (self.alleles >= 0).sum(axis=1)
        cn = self.copy_number
        use_cn = cn is not None and allele.kind in ("sv_deletion", "cnv")
        if use_cn:
            has_cn = cn > MISSING_INT + 1
            loss = has_cn & (cn < 2)
            carriers_mask = loss | ((count > 0) & ~has_cn & (allele.kind != "cnv"))
        else:
            carriers_mask = count > 0
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
