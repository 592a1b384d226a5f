"""il1rn_annot.workflow.samplesheet: sheet checks (row and column named), screened VCFs, batching."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from il1rn_annot.workflow import samplesheet
from il1rn_annot.workflow.samplesheet import (
    SampleSheetError,
    flagged_samples,
    make_plan,
    plan_batches,
    read_sample_sheet,
    safe_name,
    safe_name_map,
)

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"
SCHEMA = REPO / "schemas" / "samples.schema.yaml"
JOINT = TEST_DATA / "bcftools.joint_cohort.vcf.gz"
JOINT_SAMPLES = ["FAM1_PROBAND", "FAM1_MOTHER", "FAM1_FATHER", "UNPHASED_COMPHET", "CIS_PAIR", "HOM_DEL2",
                 "SPLICE_HOM", "MULTI_12", "PARTIAL", "ASSOC_ONLY", "NOCALL", "MISSENSE_VUS"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with a few VCFs, as the workflow sees it (paths relative to it)."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("gatk_hc.PATIENT_HOM_E77X.vcf.gz", "deepvariant.CARRIER_Q54X.g.vcf.gz",
                 "bcftools.joint_cohort.vcf.gz", "delly.cohort.bcf"):
        shutil.copy(TEST_DATA / name, data / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


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
        "test_data/gatk_hc.URBANEJA_LIKE.vcf.gz", "test_data/delly_like.URBANEJA_LIKE.sv.vcf.gz"]


def test_comments_blank_lines_extra_columns_bom_crlf(workdir):
    sheet = write(workdir / "s.tsv", "\ufeff# cohort 42\r\nsample\tvcf\tfamily\r\n\r\n"
                  "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tF1\r\n# a note\r\n"
                  "P2\t./data/../data/delly.cohort.bcf\t\r\n")
    rows = read_sample_sheet(sheet, schema=SCHEMA)
    assert [(r.sample, r.vcf, r.row, r.line) for r in rows] == [
        ("P1", "data/gatk_hc.PATIENT_HOM_E77X.vcf.gz", 1, 4), ("P2", "data/delly.cohort.bcf", 2, 6)]
    assert rows[0].extra == (("family", "F1"),)


def test_missing_vcf_column_names_header_and_column(workdir):
    message = refused(write(workdir / "s.tsv", "sample\tpath\nP1\tdata/delly.cohort.bcf\n"))
    assert "header (line 1)" in message and "'vcf'" in message and "'path'" in message


def test_comma_separated_sheet_gets_a_hint(workdir):
    message = refused(write(workdir / "s.tsv", "sample,vcf\nP1,data/delly.cohort.bcf\n"))
    assert "tab-separated" in message


def test_every_problem_is_listed_with_row_and_column(workdir):
    sheet = write(workdir / "s.tsv", "sample\tvcf\n"
                  "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"   # row 1 fine
                  "\tdata/delly.cohort.bcf\n"                    # row 2 empty sample
                  "P3\tdata/missing.vcf.gz\n"                    # row 3 no such file
                  "P1\t./data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"  # row 4 duplicate of row 1
                  "P5 \tdata/delly.cohort.bcf\n"                 # row 5 trailing space
                  "P6\t\n"                                       # row 6 empty vcf
                  "P7\tdata\n")                                  # row 7 a directory
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
    sheet = write(workdir / "trio.tsv", "sample\tvcf\tmother\tfather\n"
                  f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tFAM1_FATHER\n"
                  f"FAM1_MOTHER\t{joint}\t0\t.\n"
                  f"FAM1_FATHER\t{joint}\t\t\n")
    rows = read_sample_sheet(sheet, schema=SCHEMA)
    assert samplesheet.parents_of(rows[0]) == {"mother": "FAM1_MOTHER", "father": "FAM1_FATHER"}
    assert samplesheet.parents_of(rows[1]) == {}  # '0' and '.' mean no parent, as in PED files
    out = workdir / "resolved.tsv"
    samplesheet.write_resolved_sheet(make_plan(str(sheet), schema=SCHEMA), out)
    assert out.read_text().splitlines() == ["sample\tvcf\tmother\tfather",
                                            f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tFAM1_FATHER",
                                            f"FAM1_MOTHER\t{joint}\t\t", f"FAM1_FATHER\t{joint}\t\t"]
    bad = write(workdir / "bad.tsv", "sample\tvcf\tmother\tfather\n"
                f"FAM1_PROBAND\t{joint}\tFAM1_MOTHER\tNOT_LISTED\n"
                f"FAM1_MOTHER\t{joint}\tFAM1_MOTHER\t\n"
                f"FAM1_PROBAND\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tFAM1_FATHER\t\n"
                f"FAM1_FATHER\t{joint}\t\t\n")
    message = refused(bad, schema=SCHEMA)
    assert "row 1 (line 2), column 'father': 'NOT_LISTED' is not a sample of this sheet" in message
    assert "row 2 (line 3), column 'mother': a sample cannot be its own mother" in message
    assert "row 3 (line 4), columns 'mother'/'father': sample 'FAM1_PROBAND' has other parents in row 1" in message


def test_sheet_without_parents_resolves_to_two_columns(workdir):
    sheet = write(workdir / "s.tsv", "sample\tvcf\nP1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n")
    out = workdir / "resolved.tsv"
    samplesheet.write_resolved_sheet(make_plan(str(sheet)), out)
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
    rows = samplesheet.screen_vcf_rows(["data/bcftools.joint_cohort.vcf.gz"])
    assert [r.sample for r in rows] == JOINT_SAMPLES
    assert {r.source for r in rows} == {"screen_vcfs[0]"}


def test_screen_vcf_problems_name_the_entry(workdir):
    write(workdir / "garbage.vcf", "not a vcf\n")
    with pytest.raises(SampleSheetError) as info:
        samplesheet.screen_vcf_rows(["data/delly.cohort.bcf", "missing.vcf.gz", "garbage.vcf"])
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


# ---- batching ----------------------------------------------------------------------------


def test_batches_keep_order_and_size():
    files = [f"d/s{i}.vcf.gz" for i in range(1, 1001)]
    batches = plan_batches(files, 200)
    assert [len(b.inputs) for b in batches] == [200] * 5
    assert [b.index for b in batches] == [1, 2, 3, 4, 5]
    assert [p for b in batches for p in b.inputs] == files
    assert [len(b.inputs) for b in plan_batches(files[:7], 3)] == [3, 3, 1]
    assert len(plan_batches(files + files[:10], 200)) == 5  # repeated paths: once


def test_same_output_name_never_shares_a_batch():
    files = ["run1/P1.vcf.gz", "run2/P1.vcf.gz", "run1/P2.vcf", "run3/p1.VCF.gz", "run3/P1.bcf", "P3.bcf"]
    batches = plan_batches(files, 200)
    for batch in batches:
        names = [n.lower() for n in batch.output_names()]
        assert len(names) == len(set(names)), batch
    assert batches[0].inputs == ("run1/P1.vcf.gz", "run1/P2.vcf", "run3/p1.VCF.gz", "P3.bcf")
    assert batches[1].inputs == ("run2/P1.vcf.gz",)
    assert batches[2].inputs == ("run3/P1.bcf",)


def test_appending_files_leaves_full_batches_alone():
    files = [f"s{i}.vcf" for i in range(450)]
    before = plan_batches(files, 200)
    after = plan_batches([*files, "new1.vcf", "new2.vcf"], 200)
    assert after[:2] == before[:2]
    assert after[2].inputs[-2:] == ("new1.vcf", "new2.vcf")


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        plan_batches(["a.vcf"], 0)
    with pytest.raises(ValueError, match="parallel must be at least 1"):
        plan_batches(["a.vcf"], 10, parallel=0)


@pytest.mark.parametrize("n, batch_size, cores, sizes", [
    (11, 200, 4, [3, 3, 3, 2]),  # fewer batches than cores: one per core
    (5, 200, 8, [1, 1, 1, 1, 1]),  # fewer files than cores: one per file
    (1000, 200, 2, [167, 167, 167, 167, 166, 166]),  # 3 rounds of 2 equal jobs, not 5 x 200 (the fifth alone)
    (1000, 200, 4, [125] * 8),
    (1000, 200, 5, [200] * 5),  # full rounds stay as they are
    (1001, 200, 2, [167, 167, 167, 167, 167, 166]),
    (399, 200, 2, [200, 199]),
    (7, 3, 1, [3, 3, 1]),  # one core (or a cluster): batch_size only
])
def test_local_batches_fill_rounds_of_every_core_evenly(n, batch_size, cores, sizes):
    files = [f"d/s{i}.vcf.gz" for i in range(n)]
    batches = plan_batches(files, batch_size, parallel=cores)
    assert [len(b.inputs) for b in batches] == sizes
    assert [b.index for b in batches] == list(range(1, len(sizes) + 1))
    assert [p for b in batches for p in b.inputs] == files  # still in input order
    assert max(sizes) <= batch_size


def test_split_last_round_keeps_output_names_apart():
    files = ["run1/P1.vcf.gz", "run2/P1.vcf.gz", "run3/P1.vcf.gz", "P2.vcf", "P3.vcf"]
    batches = plan_batches(files, 200, parallel=2)
    for batch in batches:
        names = [n.lower() for n in batch.output_names()]
        assert len(names) == len(set(names)), batch
    assert sorted(p for b in batches for p in b.inputs) == sorted(files)


def test_finished_batches_are_kept_whatever_the_cores():
    files = [f"s{i}.vcf" for i in range(1000)]
    first = plan_batches(files, 200, parallel=2)
    finished = {b.index: b.inputs for b in first}
    assert plan_batches(files, 200, parallel=4, finished=finished) == first  # another --cores: no re-run
    assert plan_batches(files, 50, parallel=1, finished=finished) == first  # another batch_size: neither
    grown = plan_batches([*files, "new1.vcf", "new2.vcf", "new3.vcf"], 200, parallel=2, finished=finished)
    assert grown[:6] == first
    assert [b.inputs for b in grown[6:]] == [("new1.vcf", "new2.vcf"), ("new3.vcf",)]


def test_finished_batches_that_no_longer_fit_are_replanned():
    files = [f"s{i}.vcf" for i in range(10)]
    finished = {1: ("s0.vcf", "s1.vcf"), 2: ("s2.vcf", "gone.vcf"), 3: ("s1.vcf", "s3.vcf"), 5: ("s9.vcf",)}
    batches = plan_batches(files, 4, finished=finished)
    # batch 2 names a file no longer screened, batch 3 one that batch 1 holds: both re-planned
    assert {b.index: b.inputs for b in batches} == {
        1: ("s0.vcf", "s1.vcf"), 5: ("s9.vcf",), 2: ("s2.vcf", "s3.vcf", "s4.vcf", "s5.vcf"),
        3: ("s6.vcf", "s7.vcf", "s8.vcf")}
    assert [b.index for b in batches] == [1, 2, 3, 5]


def test_read_finished_batches(tmp_path):
    root = tmp_path / "annotations"
    for index, inputs in ((1, ["a.vcf", "b.vcf"]), (12, ["c.vcf"])):
        (root / f"batch_{index}").mkdir(parents=True)
        (root / f"batch_{index}" / "manifest.json").write_text(
            json.dumps({"inputs": [{"input": i, "status": "ok"} for i in inputs]}))
    (root / "batch_3").mkdir()  # running or failed: no manifest
    (root / "batch_4").mkdir()
    (root / "batch_4" / "manifest.json").write_text("{truncated")
    (root / "other").mkdir()
    assert samplesheet.read_finished_batches(root) == {1: ("a.vcf", "b.vcf"), 12: ("c.vcf",)}
    assert samplesheet.read_finished_batches(tmp_path / "none") == {}


def test_plan_annotates_each_file_once(workdir):
    sheet = write(workdir / "s.tsv", "sample\tvcf\n"
                  + "".join(f"{s}\tdata/bcftools.joint_cohort.vcf.gz\n" for s in JOINT_SAMPLES[:3])
                  + "URB\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\nURB\t./data/delly.cohort.bcf\n")
    plan = make_plan(str(sheet), [], 2)
    assert [b.inputs for b in plan.batches] == [
        ("data/bcftools.joint_cohort.vcf.gz", "data/gatk_hc.PATIENT_HOM_E77X.vcf.gz"), ("data/delly.cohort.bcf",)]
    assert plan.inputs_of["URB"] == ["data/gatk_hc.PATIENT_HOM_E77X.vcf.gz", "data/delly.cohort.bcf"]
    assert plan.batches_of("URB") == [1, 2]
    assert plan.batch(2).index == 2
    with pytest.raises(KeyError):
        plan.batch(3)


def test_nothing_to_screen_is_refused():
    with pytest.raises(SampleSheetError, match="nothing to screen"):
        make_plan(None, [], 200)


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


def test_safe_name_is_the_report_modules_rule():
    from il1rn_annot.lab_report import lab_report as report
    for sample in ("P 01/b", "A_B", "x" * 200, "..", "Pat 07/β"):
        assert safe_name(sample) == report.safe_name(sample)


def test_safe_name_map_detects_clashes():
    mapping = safe_name_map(["A B", "A_B", "A/B"])
    assert len(mapping) == 3 and mapping["A_B"] == "A_B"
    assert samplesheet.case_clashes(safe_name_map(["Sample1", "sample1", "S2"])) == [("Sample1", "sample1")]


# ---- after the cohort step ----------------------------------------------------------------


def test_flagged_samples(tmp_path):
    summary = write(tmp_path / "summary.tsv", "sample\tdira_status\tstatus_sentence\n"
                    "A\tconsistent_with_DIRA\tx\nB\tcarrier\tx\nC\tno_pathogenic_variant_detected\tx\n"
                    "D\tinput_error\tx\nE\tpossible_DIRA\tx\nF\tnot_assessable\tx\nB\tcarrier\ty\n")
    assert flagged_samples(summary, "flagged") == ["A", "B", "E"]
    assert flagged_samples(summary, "all") == ["A", "B", "C", "E", "F"]
    assert flagged_samples(summary, "none") == []
    with pytest.raises(ValueError, match="reports must be one of"):
        flagged_samples(summary, "some")
    bad = write(tmp_path / "bad.tsv", "sample\tstatus\nA\tcarrier\n")
    with pytest.raises(SampleSheetError, match="dira_status"):
        flagged_samples(bad)


def test_report_statuses_and_selection(tmp_path):
    summary = write(tmp_path / "summary.tsv", "sample\tdira_status\nA\tcarrier\nB\tinput_error\n"
                    "C\tuncertain_significance\n")
    assert samplesheet.report_statuses("flagged") == ["consistent_with_DIRA", "possible_DIRA", "carrier"]
    assert "input_error" not in samplesheet.report_statuses("all")
    assert samplesheet.report_statuses("none") == []
    assert samplesheet.select_samples(summary, ["carrier", "uncertain_significance"]) == ["A", "C"]


@pytest.mark.parametrize("n, batch_size, cores, parts", [
    (22, 50, 2, 2), (22, 50, 1, 1), (22, 5, 1, 5), (22, 5, 2, 6), (1000, 50, 4, 20), (3, 50, 8, 3), (0, 50, 2, 0),
    (101, 50, 1, 3)])
def test_report_part_count(n, batch_size, cores, parts):
    assert samplesheet.report_part_count(n, batch_size, cores) == parts
    if n:
        assert -(-n // parts) <= batch_size


def _record_part(part: Path) -> None:
    """The .part.json `il1rn-annot report --all-or-nothing` writes: the files of a complete part."""
    files = sorted(p.name for p in part.iterdir() if not p.name.startswith("."))
    (part / ".part.json").write_text(json.dumps({"samples": [], "files": files}))


def test_collect_reports_links_parts_and_remembers_their_number(tmp_path):
    parts = [tmp_path / "part_1_of_2", tmp_path / "part_2_of_2"]
    for part, names in zip(parts, (["A", "B"], ["C"]), strict=True):
        part.mkdir()
        for name in names:
            (part / f"{name}.report.html").write_text(name)
            (part / f"{name}.report.pdf").write_text(name)
        _record_part(part)
    out = tmp_path / "reports"
    written = samplesheet.collect_reports(parts, out)
    assert sorted(p.name for p in written) == sorted(f"{n}.report.{e}" for n in "ABC" for e in ("html", "pdf"))
    assert (out / "C.report.pdf").read_text() == "C"
    assert (out / "C.report.pdf").stat().st_ino == (parts[1] / "C.report.pdf").stat().st_ino  # a hard link
    assert json.loads((out / ".parts.json").read_text()) == {"samples": 3, "parts": 2}
    # the next run with other cores keeps 2 parts for the same 3 samples, re-plans for 4
    assert samplesheet.report_part_count(3, 50, 3) == 3
    assert samplesheet.report_part_count(3, 50, 3, out) == 2
    assert samplesheet.report_part_count(4, 50, 3, out) == 3
    assert samplesheet.report_part_count(3, 1, 1, out) == 3  # would exceed report_batch_size
    (parts[1] / "A.report.html").write_text("again")
    _record_part(parts[1])
    with pytest.raises(SampleSheetError, match=r"A\.report\.html is also written by"):
        samplesheet.collect_reports(parts, tmp_path / "again")
    assert samplesheet.main(["collect-reports", str(parts[0]), "-o", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "B.report.pdf").is_file()


def test_annotation_jsons_skips_failed_inputs(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"inputs": [
        {"input": "a.vcf", "status": "ok", "outputs": {"json": "b1/a.il1rn.json"}, "samples": ["S1", "S2"]},
        {"input": "b.vcf", "status": "input_error", "error": "broken", "samples": ["S2"]},
        {"input": "c.vcf", "status": "ok", "outputs": {"json": "b1/c.il1rn.json"}, "samples": ["S2"]}]}))
    assert samplesheet.annotation_jsons([manifest], ["c.vcf", "b.vcf", "a.vcf"]) == [
        "b1/c.il1rn.json", "b1/a.il1rn.json"]
    assert samplesheet.annotation_jsons([manifest], sample="S2") == ["b1/a.il1rn.json", "b1/c.il1rn.json"]
    assert samplesheet.annotation_jsons([manifest], sample="S9") == []


# ---- command line ------------------------------------------------------------------------


def test_cli_resolve_and_plan(workdir, capsys):
    sheet = write(workdir / "s.tsv", "sample\tvcf\nP1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n")
    out = workdir / "out" / "resolved.tsv"
    assert samplesheet.main(["resolve", "--samples", str(sheet), "--screen-vcf", "data/delly.cohort.bcf",
                             "-o", str(out)]) == 0
    assert out.read_text().splitlines() == [
        "sample\tvcf", "P1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz",
        "DELLY_HET_EXON2_3\tdata/delly.cohort.bcf", "DELLY_REF\tdata/delly.cohort.bcf"]
    capsys.readouterr()
    assert samplesheet.main(["plan", "--samples", str(sheet), "--batch-size", "1",
                             "--screen-vcf", "data/delly.cohort.bcf"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "batch\tinput\toutput_name", "1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tgatk_hc.PATIENT_HOM_E77X",
        "2\tdata/delly.cohort.bcf\tdelly.cohort"]
    assert samplesheet.main(["plan", "--samples", str(sheet), "--cores", "2",
                             "--screen-vcf", "data/delly.cohort.bcf"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "1\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tgatk_hc.PATIENT_HOM_E77X", "2\tdata/delly.cohort.bcf\tdelly.cohort"]
    bad = write(workdir / "bad.tsv", "sample\tvcf\nP1\tnope.vcf\n")
    assert samplesheet.main(["plan", "--samples", str(bad)]) == 2
    assert "row 1 (line 2), column 'vcf': file not found" in capsys.readouterr().err
