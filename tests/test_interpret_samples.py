"""Whether a file genotyped a sample at the locus (annotate_vcf/interpret_samples.py).

The memo of `interpret_samples` is checked against interpreting every sample alone in
tests/test_scan.py (it needs that file's joint VCF).
"""

from __future__ import annotations

from il1rn_annot.annotate_vcf.interpret_samples import _locus_called

INFO = None  # _locus_called does not read the file's description


def test_a_gvcf_answers_with_its_cds_coverage():
    covered = {"input_kind": "gvcf", "cds_fraction": 0.99, "min_cds_fraction": 0.95}
    thin = {"input_kind": "gvcf", "cds_fraction": 0.5, "min_cds_fraction": 0.95}
    assert _locus_called(INFO, 0, False, covered) is True  # type: ignore[arg-type]
    assert _locus_called(INFO, 10, True, thin) is False  # type: ignore[arg-type]
    assert _locus_called(INFO, 10, True, {"input_kind": "gvcf", "cds_fraction": None}) is False  # type: ignore[arg-type]


def test_a_vcf_without_locus_records_cannot_tell():
    assert _locus_called(INFO, 0, False, {"input_kind": "variant_only"}) is None  # type: ignore[arg-type]


def test_a_joint_vcf_answers_with_the_samples_genotypes():
    assert _locus_called(INFO, 12, True, {"input_kind": "joint"}) is True  # type: ignore[arg-type]
    assert _locus_called(INFO, 12, False, {"input_kind": "joint"}) is False  # type: ignore[arg-type]
