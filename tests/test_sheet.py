"""il1rn_annot.workflow.sheet: sheet checks (row and column named), parents, screened VCFs,
safe names, the resolved sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from sheet_builders import JOINT_SAMPLES, REPO, SCHEMA, vcf_workdir, write

from il1rn_annot.outputs.naming import report_file_name, safe_name
from il1rn_annot.workflow.batches import make_plan
from il1rn_annot.workflow.screen_vcfs import screen_vcf_rows
from il1rn_annot.workflow.sheet import (
    SampleSheetError,
    case_clashes,
    parents_of,
    read_sample_sheet,
    safe_name_map,
    write_resolved_sheet,
)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with a few VCFs, as the workflow sees it (paths relative to it)."""
    return vcf_workdir(tmp_path, monkeypatch)


def refused(sheet: Path, **kwargs) -> str:
    with pytest.raises(SampleSheetError) as info:
        read_sample_sheet(sheet, **kwargs)
    return str(info.value)


# ---- reading and checking the sheet ------------------------------------------------------


def test_demo_sheet_reads(monkeypatch):
    monkeypatch.chdir(REPO)
    rows = read_sample_sheet("config/samples.tsv", schema=SCHEMA)
    assert len(rows) == 24
    assert rows[0].sample == "PATIENT_HOM_E77X" and rows[0].row == 1 and rows[0].line == 2
    assert [r.vcf for r in rows if r.sample == "URBANEJA_LIKE"] == [
        "test_data/gatk_hc.URBANEJA_LIKE.vcf.gz",
        "test_data/delly_like.URBANEJA_LIKE.sv.vcf.gz",
    ]


def test_comments_blank_lines_extra_columns_bom_crlf(workdir):
    sheet = write(
        workdir / "s.tsv",
        "\ufeff# cohort 42\r\nsample\tvcf\tfamily\r\n\r\n"
        "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tF1\r\n# a note\r\n"
        "P2\t./data/../data/delly.cohort.bcf\t\r\n",
    )
    rows = read_sample_sheet(sheet, schema=SCHEMA)
    assert [(r.sample, r.vcf, r.row, r.line) for r in rows] == [
        ("P1", "data/gatk_hc.PATIENT_HOM_E77X.vcf.gz", 1, 4),
        ("P2", "data/delly.cohort.bcf", 2, 6),
    ]
    assert rows[0].extra == (("family", "F1"),)


def test_missing_vcf_column_names_header_and_column(workdir):
    message = refused(write(workdir / "s.tsv", "sample\tpath\nP1\tdata/delly.cohort.bcf\n"))
    assert "header (line 1)" in message and "'vcf'" in message and "'path'" in message


def test_comma_separated_sheet_gets_a_hint(workdir):
    message = refused(write(workdir / "s.tsv", "sample,vcf\nP1,data/delly.cohort.bcf\n"))
    assert "tab-separated" in message


def test_every_problem_is_listed_with_row_and_column(workdir):
    sheet = write(
        workdir / "s.tsv",
        "sample\tvcf\n"
        "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"  # row 1 fine
        "\tdata/delly.cohort.bcf\n"  # row 2 empty sample
        "P3\tdata/missing.vcf.gz\n"  # row 3 no such file
        "P1\t./data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"  # row 4 duplicate of row 1
        "P5 \tdata/delly.cohort.bcf\n"  # row 5 trailing space
        "P6\t\n"  # row 6 empty vcf
        "P7\tdata\n",
    )  # row 7 a directory
    message = refused(sheet)
    assert "row 2 (line 3), column 'sample': empty" in message
    assert "row 3 (line 4), column 'vcf': file not found: data/missing.vcf.gz" in message
    assert "row 4 (line 5), columns 'sample' and 'vcf': duplicate row" in message and "row 1" in message
    assert "row 5 (line 6), column 'sample': leading or trailing spaces" in message
    assert "row 6 (line 7), column 'vcf': empty" in message
    assert "row 7 (line 8), column 'vcf': is a directory" in message
    assert "row 1 " not in message.split("duplicate")[0]  # the good row is not blamed
    assert message.count("\n") == 5  # one line per problem


def test_same_sample_in_two_files_is_fine_same_file_twice_is_not(workdir):
    (workdir / "link.vcf.gz").symlink_to(workdir / "data" / "delly.cohort.bcf")
    ok = write(workdir / "ok.tsv", "sample\tvcf\nU\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\nU\tdata/delly.cohort.bcf\n")
    assert len(read_sample_sheet(ok)) == 2
    dup = write(workdir / "dup.tsv", "sample\tvcf\nU\tdata/delly.cohort.bcf\nU\tlink.vcf.gz\n")
    assert "row 2 (line 3), columns 'sample' and 'vcf': duplicate row" in refused(dup)


def test_schema_rules_are_reported_per_row(workdir):
    schema = {"type": "object", "properties": {"sample": {"type": "string", "pattern": "^P[0-9]+$"}}}
    sheet = write(workdir / "s.tsv", "sample\tvcf\nP1\tdata/delly.cohort.bcf\nX2\tdata/delly.cohort.bcf\n")
    message = refused(sheet, schema=schema)
    assert "row 2 (line 3), column 'sample'" in message and "does not match" in message


def test_parent_columns_are_checked_and_kept_in_the_resolved_sheet(workdir):
    joint = "data/bcftools.joint_cohort.vcf.gz"
    sheet = write(
        workdir / "trio.tsv",
        "sample\tvcf\tmother\tfather\n"
        f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tFAM1_FATHER\n"
        f"FAM1_MOTHER\t{joint}\t0\t.\n"
        f"FAM1_FATHER\t{joint}\t\t\n",
    )
    rows = read_sample_sheet(sheet, schema=SCHEMA)
    assert parents_of(rows[0]) == {"mother": "FAM1_MOTHER", "father": "FAM1_FATHER"}
    assert parents_of(rows[1]) == {}  # '0' and '.' mean no parent, as in PED files
    out = workdir / "resolved.tsv"
    write_resolved_sheet(make_plan(str(sheet), schema=SCHEMA), out)
    assert out.read_text().splitlines() == [
        "sample\tvcf\tmother\tfather",
        f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tFAM1_FATHER",
        f"FAM1_MOTHER\t{joint}\t\t",
        f"FAM1_FATHER\t{joint}\t\t",
    ]
    bad = write(
        workdir / "bad.tsv",
        "sample\tvcf\tmother\tfather\n"
        f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tNOT_LISTED\n"
        f"FAM1_MOTHER\t{joint}\tFAM1_MOTHER\t\n"
        f"FAM1_PROBAND\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tFAM1_FATHER\t\n"
        f"FAM1_FATHER\t{joint}\t\t\n",
    )
    message = refused(bad, schema=SCHEMA)
    assert "row 1 (line 2), column 'father': 'NOT_LISTED' is not a sample of this sheet" in message
    assert "row 2 (line 3), column 'mother': a sample cannot be its own mother" in message
    assert "row 3 (line 4), columns 'mother'/'father': sample 'FAM1_PROBAND' has other parents in row 1" in message


def test_sheet_without_parents_resolves_to_two_columns(workdir):
    sheet = write(workdir / "s.tsv", "sample\tvcf\nP1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n")
    out = workdir / "resolved.tsv"
    write_resolved_sheet(make_plan(str(sheet)), out)
    assert out.read_text() == "sample\tvcf\nP1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"


def test_empty_and_missing_sheets(workdir):
    assert "no sample rows" in refused(write(workdir / "a.tsv", "sample\tvcf\n"))
    assert "empty" in refused(write(workdir / "b.tsv", "# only a comment\n\n"))
    assert "not found" in refused(workdir / "nope.tsv")


def test_many_problems_are_capped(workdir):
    rows = "".join(f"S{i}\tdata/missing{i}.vcf\n" for i in range(40))
    message = refused(write(workdir / "s.tsv", "sample\tvcf\n" + rows))
    assert "and 15 more problem(s)" in message


# ---- screened joint VCFs -----------------------------------------------------------------


def test_screen_vcf_rows_come_from_the_header(workdir):
    rows = screen_vcf_rows(["data/bcftools.joint_cohort.vcf.gz"])
    assert [r.sample for r in rows] == JOINT_SAMPLES
    assert {r.source for r in rows} == {"screen_vcfs[0]"}


def test_screen_vcf_problems_name_the_entry(workdir):
    write(workdir / "garbage.vcf", "not a vcf\n")
    with pytest.raises(SampleSheetError) as info:
        screen_vcf_rows(["data/delly.cohort.bcf", "missing.vcf.gz", "garbage.vcf"])
    message = str(info.value)
    assert "screen_vcfs[1]: file not found" in message
    assert "screen_vcfs[2]: cannot read the VCF header" in message


def test_sheet_is_authoritative_for_its_samples(workdir):
    sheet = write(workdir / "s.tsv", "sample\tvcf\nFAM1_PROBAND\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n")
    plan = make_plan(str(sheet), ["data/bcftools.joint_cohort.vcf.gz"], 200)
    assert plan.inputs_of["FAM1_PROBAND"] == ["data/gatk_hc.PATIENT_HOM_E77X.vcf.gz"]
    assert plan.screened_but_in_sheet == ["FAM1_PROBAND"]
    assert set(plan.samples) == set(JOINT_SAMPLES)
    assert len(plan.rows) == 12


# ---- safe names --------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["PATIENT_HOM_E77X", "FAM1.P-2", "a" * 80])
def test_safe_ids_are_kept(sample):
    assert safe_name(sample) == sample


@pytest.mark.parametrize("sample", ["P 01/b", "../../etc/passwd", "<b>x</b>", ".hidden", "Ünïcode", "a" * 300, "-x"])
def test_unsafe_ids_become_safe_and_distinct(sample):
    name = safe_name(sample)
    assert name != sample
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in name)
    assert name[0].isalnum() and len(name) <= 100
    assert safe_name(sample) == name  # deterministic


def test_the_workflow_asks_for_the_report_files_the_writer_names():
    """The workflow maps report file names back to sample IDs (`safe_name_map`); the keys
    must be the stems of the files the report writer writes (`report_file_name`)."""
    samples = ["P 01/b", "A_B", "x" * 200, "..", "Pat 07/β"]
    mapping = safe_name_map(samples)
    assert sorted(mapping.values()) == sorted(samples)
    for stem, sample in mapping.items():
        assert report_file_name(sample) == f"{stem}.report.html"
        assert report_file_name(sample, "pdf") == f"{stem}.report.pdf"


def test_safe_name_map_detects_clashes():
    mapping = safe_name_map(["A B", "A_B", "A/B"])
    assert len(mapping) == 3 and mapping["A_B"] == "A_B"
    assert case_clashes(safe_name_map(["Sample1", "sample1", "S2"])) == [("Sample1", "sample1")]
