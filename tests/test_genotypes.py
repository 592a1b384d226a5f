"""Genotype counting: the all-ALTs-at-once path agrees with the per-sample one on every GT shape."""

from __future__ import annotations

import cyvcf2
from conftest import vcf_text

from il1rn_annot.core.alleles import alleles_of
from il1rn_annot.core.genotypes import RecordGenotypes

# diploid, phased, partial, missing, haploid (chrX-style or caller quirks) and multi-allelic calls
GTS = ["0/0", "0/1", "1/1", "./1", "1/.", "./.", "1", "0", ".", "2/2", "1|2", "2|0", "0/2", "1/1"]


def _records(tmp_path):
    path = tmp_path / "shapes.vcf"
    rows = [
        "{chrom}\t113131068\t.\tG\tT,A\t50\tPASS\t.\tGT\t" + "\t".join(GTS),
        "{chrom}\t113131100\t.\tC\tG\t50\tPASS\t.\tGT\t" + "\t".join(g.replace("2", "1") for g in GTS),
        "{chrom}\t113131200\t.\tA\tC\t50\tPASS\t.\tGT\t" + "\t".join(["1"] * 7 + ["0"] * 6 + ["."]),
        # allele indexes beyond the ALTs (a malformed record htslib still reads)
        "{chrom}\t113131300\t.\tA\tC\t50\tPASS\t.\tGT\t" + "\t".join(["3/3", "1/3", "0/1", "4/1"] + ["0/0"] * 10),
    ]
    path.write_text(vcf_text(rows, [f"s{i}" for i in range(len(GTS))]))
    return list(cyvcf2.VCF(str(path), gts012=False))


def test_bincount_counts_match_per_sample_counts(tmp_path):
    seen = []
    for record in _records(tmp_path):
        genotypes = RecordGenotypes.of(record, len(GTS))
        for allele in alleles_of(record, "shapes.vcf", 242193529):
            fast = genotypes.counts(allele)
            assert fast == genotypes._counts_per_sample(allele)
            seen.append(fast)
    # T: carriers 0/1 1/1 ./1 1/. 1 1|2 1/1 -> 7; homozygous 1/1 x2 + hemizygous 1 -> 3; copies 1+2+1+1+1+1+2 = 9
    assert seen[0] == (7, 3, 9)
    assert seen[1] == (4, 1, 5)  # A: carriers 2/2 1|2 2|0 0/2; homozygous 2/2; copies 2+1+1+1
    assert seen[3] == (7, 7, 7)  # all haploid: every carrier is hemizygous
    assert seen[4] == (3, 0, 3)  # C: 1/3 0/1 4/1; the out-of-range indexes count for no ALT


SINGLE_GTS = [
    *GTS,
    *("0|1", "1|1", ".|1", "2/.", "3/3", "1/3", "4/1", "0/0/1", "1/1/1", "./1/2", "1|0|1", "2", "3", "1/1/."),
]


def test_one_sample_fast_path_gives_the_numpy_results(tmp_path):
    """A single-sample file's genotypes are counted in Python (`RecordGenotypes._one`): the same
    counts, half calls and calls as the numpy path, for every shape of GT (ploidy 1-3, phased,
    partial, missing, multi-allelic, indexes beyond the ALTs)."""
    path = tmp_path / "one.vcf"
    rows = [
        f"{{chrom}}\t{113131000 + k}\t.\tG\tT,A\t50\tPASS\t.\tGT:DP\t{gt}:{20 + k}" for k, gt in enumerate(SINGLE_GTS)
    ]
    path.write_text(vcf_text(rows, ["only"]))
    compared = 0
    for record in cyvcf2.VCF(str(path), gts012=False):
        fast, slow = RecordGenotypes.of(record, 1), RecordGenotypes.of(record, 1)
        assert fast._one is not None
        slow._one = None  # the numpy path, as for a file of many samples
        assert fast.half_called.tolist() == slow.half_called.tolist()
        assert fast.called.tolist() == slow.called.tolist()
        for allele in alleles_of(record, "one.vcf", 242193529):
            assert fast.counts(allele) == slow.counts(allele) == slow._counts_per_sample(allele)
            assert fast.calls(allele) == slow.calls(allele)
            compared += 1
    assert compared == 2 * len(SINGLE_GTS)
