"""GT counts read from the text (core.genotype_text) equal htslib's (core.genotypes.RecordGenotypes)."""

from __future__ import annotations

from pathlib import Path

import cyvcf2
import numpy as np
import pytest
from conftest import vcf_text

from il1rn_annot.core.alleles import alleles_of
from il1rn_annot.core.genotype_text import count_gt_text
from il1rn_annot.core.genotypes import RecordGenotypes

SAMPLES = [f"S{i}" for i in range(8)]
# (ALT, one sample column each): plain diploid forms, the way joint callers write them
PLAIN = [
    ("T", ["0/0:12", "0/1:5", "1/1:9", "./.:.", "0/.:3", "./1:4", "1|0:7", "0|1:8"]),
    ("T,C", ["0/0:1", "1/2:5", "2/2:9", "0/2:2", "2|1:3", "./.:.", "1/1:4", "0/0:6"]),
    ("T", ["0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "./."]),  # GT alone, the last column too
    ("T", ["./.:.", "./.:.", "./.:.", "./.:.", "./.:.", "./.:.", "./.:.", "./.:."]),  # nobody called
]
# forms left to htslib: haploid, a bare '.', an index beyond the ALTs, three alleles
NOT_PLAIN = [
    ("T", ["0/0:12", "1:5", "0/0:9", "0/0:1", "0/0:1", "0/0:1", "0/0:1", "0/0:1"]),
    ("T", ["0/0:12", ".", "0/0:9", "0/0:1", "0/0:1", "0/0:1", "0/0:1", "0/0:1"]),
    ("T", ["0/0:12", "0/2:5", "0/0:9", "0/0:1", "0/0:1", "0/0:1", "0/0:1", "0/0:1"]),
    ("T", ["0/0/1:12", "0/0:5", "0/0:9", "0/0:1", "0/0:1", "0/0:1", "0/0:1", "0/0:1"]),
]


def _records(tmp_path: Path, rows: list[tuple[str, list[str]]]) -> tuple[list[cyvcf2.Variant], list[str]]:
    lines = []
    for k, (alt, columns) in enumerate(rows):
        fmt = "GT:DP" if ":" in columns[0] or any(":" in c for c in columns) else "GT"
        lines.append("\t".join(["chr2", str(113120000 + 10 * k), ".", "A", alt, "50", "PASS", ".", fmt, *columns]))
    path = tmp_path / "gt.vcf"
    path.write_text(vcf_text(lines, SAMPLES))
    return list(cyvcf2.VCF(str(path))), lines


def test_plain_genotypes_count_as_htslib_counts_them(tmp_path):
    records, lines = _records(tmp_path, PLAIN)
    parts = [line.split("\t", 9)[9].encode() for line in lines]
    chunk = count_gt_text(parts, len(SAMPLES), [len(r.ALT) for r in records])
    called_any = np.zeros(len(SAMPLES), dtype=bool)
    uncalled = np.zeros(len(SAMPLES), dtype=np.int32)
    half = np.zeros(len(SAMPLES), dtype=np.int32)
    for record, counted in zip(records, chunk.records, strict=True):
        assert counted is not None
        genotypes = RecordGenotypes(record, len(SAMPLES))
        assert counted.n_called == np.count_nonzero(genotypes.called)
        for allele in alleles_of(record, "gt.vcf", 242_193_529):
            assert counted.counts(allele) == genotypes.counts(allele), allele
        called_any |= genotypes.called
        uncalled += ~genotypes.called
        half += genotypes.half_called
    assert chunk.called_any.tolist() == called_any.tolist()
    assert chunk.uncalled.tolist() == uncalled.tolist()
    assert chunk.half_called.tolist() == half.tolist()
    # the first record by hand: 1/1 is one carrier and a homozygote; 0/. and ./1 are half calls
    first = chunk.records[0]
    assert first is not None and first.counts(alleles_of(records[0], "gt.vcf", 242_193_529)[0]) == (5, 1, 6)
    assert chunk.half_called.tolist()[4:6] == [1, 1]


@pytest.mark.parametrize("k", range(len(NOT_PLAIN)))
def test_other_forms_are_left_to_htslib_and_not_counted(tmp_path, k):
    rows = [PLAIN[0], NOT_PLAIN[k]]
    records, lines = _records(tmp_path, rows)
    parts = [line.split("\t", 9)[9].encode() for line in lines]
    chunk = count_gt_text(parts, len(SAMPLES), [len(r.ALT) for r in records])
    assert chunk.records[0] is not None and chunk.records[1] is None
    # the per-sample counts cover the plain record only
    only_first = RecordGenotypes(records[0], len(SAMPLES))
    assert chunk.uncalled.tolist() == (~only_first.called).astype(int).tolist()


def test_a_record_with_the_wrong_number_of_columns_is_left_to_htslib():
    parts = [b"0/0:1\t0/1:2", b"0/0:1\t0/1:2\t1/1:3", b"0/1:1\t1/1:2"]
    chunk = count_gt_text(parts, 2, [1, 1, 1])
    assert [r is not None for r in chunk.records] == [True, False, True]
    assert chunk.uncalled.tolist() == [0, 0]


def test_views_of_the_lines_count_as_the_bytes_do():
    """The text read passes each record's sample columns as a view of its line (no copy): the
    counts are those of the same bytes, in the wrong-column-count fallback too."""
    lines = [b"chr2\t1\t.\tA\tG\t.\t.\t.\tGT\t" + p for p in (b"0/0:1\t0/1:2", b"0/0:1\t0/1:2\t1/1:3", b"./.:.\t1/1:2")]
    start = len(b"chr2\t1\t.\tA\tG\t.\t.\t.\tGT\t")
    as_bytes = count_gt_text([line[start:] for line in lines], 2, [1, 1, 1])
    as_views = count_gt_text([memoryview(line)[start:] for line in lines], 2, [1, 1, 1])
    assert [r is not None for r in as_views.records] == [True, False, True]
    for a, b in zip(as_bytes.records, as_views.records, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a.n_called == b.n_called
            assert a.copies.tolist() == b.copies.tolist() and a.homozygous.tolist() == b.homozygous.tolist()
    assert as_views.uncalled.tolist() == as_bytes.uncalled.tolist() == [1, 0]
    assert as_views.half_called.tolist() == as_bytes.half_called.tolist()
