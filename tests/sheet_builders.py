"""Builders shared by the tests of workflow/sheet.py, workflow/batches.py and workflow/cli.py:
a working folder holding a few of test_data/'s VCFs (paths relative to it, as the workflow
sees them) and a writer of small sample sheets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"
SCHEMA = REPO / "schemas" / "samples.schema.yaml"
#: the samples of test_data/bcftools.joint_cohort.vcf.gz, in header order
JOINT_SAMPLES = [
    "FAM1_PROBAND",
    "FAM1_MOTHER",
    "FAM1_FATHER",
    "UNPHASED_COMPHET",
    "CIS_PAIR",
    "HOM_DEL2",
    "SPLICE_HOM",
    "MULTI_12",
    "PARTIAL",
    "ASSOC_ONLY",
    "NOCALL",
    "MISSENSE_VUS",
]


def vcf_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a few VCFs under data/, made the current directory."""
    data = tmp_path / "data"
    data.mkdir()
    for name in (
        "gatk_hc.PATIENT_HOM_E77X.vcf.gz",
        "deepvariant.CARRIER_Q54X.g.vcf.gz",
        "bcftools.joint_cohort.vcf.gz",
        "delly.cohort.bcf",
    ):
        shutil.copy(TEST_DATA / name, data / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
