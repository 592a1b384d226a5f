"""il1rn_annot.workflow.cli: the `il1rn-annot samplesheet` command (resolve, plan; collect-reports
is tested with the report parts in test_workflow_report_parts.py)."""

from __future__ import annotations

import pytest
from sheet_builders import vcf_workdir, write

from il1rn_annot.workflow.cli import main


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with a few VCFs, as the workflow sees it (paths relative to it)."""
    return vcf_workdir(tmp_path, monkeypatch)


# ---- command line ------------------------------------------------------------------------


def test_cli_resolve_and_plan(workdir, capsys):
    sheet = write(workdir / "s.tsv", "sample\tvcf\nP1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n")
    out = workdir / "out" / "resolved.tsv"
    assert main(["resolve", "--samples", str(sheet), "--screen-vcf", "data/delly.cohort.bcf", "-o", str(out)]) == 0
    assert out.read_text().splitlines() == [
        "sample\tvcf",
        "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz",
        "DELLY_HET_EXON2_3\tdata/delly.cohort.bcf",
        "DELLY_REF\tdata/delly.cohort.bcf",
    ]
    capsys.readouterr()
    assert main(["plan", "--samples", str(sheet), "--batch-size", "1", "--screen-vcf", "data/delly.cohort.bcf"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "batch\tinput\toutput_name",
        "1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tgatk_hc.PATIENT_HOM_E77X",
        "2\tdata/delly.cohort.bcf\tdelly.cohort",
    ]
    assert main(["plan", "--samples", str(sheet), "--cores", "2", "--screen-vcf", "data/delly.cohort.bcf"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tgatk_hc.PATIENT_HOM_E77X",
        "2\tdata/delly.cohort.bcf\tdelly.cohort",
    ]
    bad = write(workdir / "bad.tsv", "sample\tvcf\nP1\tnope.vcf\n")
    assert main(["plan", "--samples", str(bad)]) == 2
    assert "row 1 (line 2), column 'vcf': file not found" in capsys.readouterr().err


def test_samplesheet_help_through_the_main_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`il1rn-annot samplesheet --help` reaches the samplesheet parser (argparse's REMAINDER
    refused a first argument starting with '-': "unrecognized arguments: --help")."""
    from il1rn_annot.cli import main as cli_main

    with pytest.raises(SystemExit) as exit_info:
        cli_main(["samplesheet", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: il1rn-annot samplesheet") and "collect-reports" in out


def test_missing_config_files_names_each_key_and_path(tmp_path):
    from il1rn_annot.workflow.config_files import missing_config_files

    there = tmp_path / "gnomad.vcf.bgz"
    there.write_bytes(b"")
    config = {
        "reference": "",
        "clinvar_vcf": str(tmp_path / "clinvar.vcf.gz"),
        "lab_config": None,
        "extra_variants": "",
        "population_vcfs": [str(there), str(tmp_path / "gone.vcf.bgz")],
    }
    assert missing_config_files(config) == [
        f"clinvar_vcf: {tmp_path / 'clinvar.vcf.gz'}",
        f"population_vcfs[1]: {tmp_path / 'gone.vcf.bgz'}",
    ]
    assert missing_config_files({**config, "clinvar_vcf": "", "population_vcfs": [str(there)]}) == []
