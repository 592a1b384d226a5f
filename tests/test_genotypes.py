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
