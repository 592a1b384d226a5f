"""Cohort summary (cohort/summary.py, cohort/sample_files.py and the `il1rn-annot cohort` command end
to end): every sample accounted for, one row each in work-list order, split samples combined, the
sheet deciding which files and samples count, input errors kept visible, parents phasing a child,
determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cohort_helpers import DATE, E77X, Q54X, RS419598, annotate, read_tsv, rec, run_cohort, write, write_sheet
from conftest import vcf_text

from il1rn_annot.cohort import summary as cohort_mod
from il1rn_annot.core.vocabulary import SORT_ORDER


@pytest.fixture
def cohort_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small cohort run from the working folder with relative paths, as the workflow does."""
    monkeypatch.chdir(tmp_path)
    Path("vcf").mkdir()
    write(
        Path("vcf/joint.vcf"),
        [
            rec(E77X, "1/1", "0/1", "0/0", "./.", "0/0", "0/0"),
            rec(RS419598, "0/0", "0/0", "0/0", "./.", "0/1", "0/0"),
        ],
        ["J_HOM", "J_HET", "J_REF", "J_NOCALL", "J_ASSOC", "LISTED"],
    )
    # a second joint VCF that the sheet names: only its listed sample is screened (consent)
    write(Path("vcf/listed.vcf"), [rec(E77X, "0/0", "1/1")], ["LISTED", "UNLISTED"])
    write(Path("vcf/split.snv.vcf"), [rec(E77X, "0/1")], ["SPLIT"])
    write(Path("vcf/split.sv.vcf"), [rec(Q54X, "0/1")], ["SPLIT"])
    Path("vcf/broken.vcf.gz").write_text(vcf_text([rec(E77X, "0/1")], ["BROKEN"]))  # plain text named .gz
    write_sheet(
        Path("samples.tsv"),
        [
            ("SPLIT", "vcf/split.snv.vcf"),
            ("SPLIT", "vcf/split.sv.vcf"),
            ("BROKEN", "vcf/broken.vcf.gz"),
            ("MISSING", "vcf/listed.vcf"),  # not in that VCF's header
            ("LISTED", "./vcf/listed.vcf"),  # the same file written another way
        ],
    )
    annotate(
        ["vcf/joint.vcf", "vcf/listed.vcf", "vcf/split.snv.vcf", "vcf/split.sv.vcf", "vcf/broken.vcf.gz"],
        "ann",
        "m.json",
    )
    assert run_cohort(["m.json"], "results/cohort", "samples.tsv", "results/reports") == 0
    return tmp_path / "results" / "cohort"


def test_every_sample_has_one_row_with_the_right_status(cohort_dir: Path) -> None:
    rows = read_tsv(cohort_dir / "summary.tsv")
    by = {r["sample"]: r for r in rows}
    sheet = {"SPLIT", "BROKEN", "MISSING", "LISTED"}
    joint = {"J_HOM", "J_HET", "J_REF", "J_NOCALL", "J_ASSOC"}  # screened whole: not named by the sheet
    assert len(rows) == len(sheet | joint) == len(by)
    assert set(by) == sheet | joint
    assert {s: by[s]["dira_status"] for s in by} == {
        "J_HOM": "consistent_with_DIRA",
        "SPLIT": "possible_DIRA",
        "J_HET": "carrier",
        "BROKEN": "input_error",
        "MISSING": "input_error",
        "J_NOCALL": "not_assessable",
        "J_REF": "no_pathogenic_variant_detected",
        "J_ASSOC": "no_pathogenic_variant_detected",
        "LISTED": "no_pathogenic_variant_detected",
    }
    assert "sample not in VCF header" in by["MISSING"]["error"]
    assert "not gzip-compressed" in by["BROKEN"]["error"]
    assert by["J_NOCALL"]["locus_called"] == "no"
    assert "association" in by["J_ASSOC"]["other_alleles"].lower() or "c.171T>C" in by["J_ASSOC"]["other_alleles"]
    # flagged first, then uncertain, input errors, not assessable, negatives; by sample ID within a status
    rank = {s: i for i, s in enumerate(SORT_ORDER)}
    keys = [(rank[r["dira_status"]], r["sample"]) for r in rows]
    assert keys == sorted(keys)
    assert [r["sample"] for r in rows][:3] == ["J_HOM", "SPLIT", "J_HET"]
    # report links for flagged samples only, relative to the summary
    assert by["J_HOM"]["report"] == "../reports/J_HOM.report.html"
    assert by["J_REF"]["report"] == "" and by["BROKEN"]["report"] == ""


def test_sample_split_across_two_vcfs_is_combined(cohort_dir: Path) -> None:
    split = {r["sample"]: r for r in read_tsv(cohort_dir / "summary.tsv")}["SPLIT"]
    assert split["dira_status"] == "possible_DIRA"
    assert "c.229G>T" in split["pathogenic_alleles"] and "c.160C>T" in split["pathogenic_alleles"]
    assert split["inputs"] == "vcf/split.snv.vcf;vcf/split.sv.vcf"
    # each file alone says carrier
    for name in ("split.snv", "split.sv"):
        doc = json.loads((cohort_dir.parents[1] / "ann" / f"{name}.il1rn.json").read_text())
        assert doc["samples"][0]["dira_status"] == "carrier"


def test_corrupt_input_does_not_stop_the_others(cohort_dir: Path) -> None:
    doc = json.loads((cohort_dir / "summary.json").read_text())
    statuses = {i["input"]: i["status"] for i in doc["inputs"]}
    assert statuses["vcf/broken.vcf.gz"] == "input_error"
    assert sum(s == "ok" for s in statuses.values()) == 4
    assert doc["counts"]["input_error"] == 2 and doc["n_samples"] == 9
    assert sum(doc["counts"].values()) == doc["n_samples"] == len(doc["samples"])


def test_single_file_samples_keep_their_annotation_status(cohort_dir: Path) -> None:
    """The cohort re-interprets, but a one-file sample must read exactly as its own annotation says."""
    doc = json.loads((cohort_dir.parents[1] / "ann" / "joint.il1rn.json").read_text())
    rows = {r["sample"]: r for r in read_tsv(cohort_dir / "summary.tsv")}
    for entry in doc["samples"]:
        assert rows[entry["sample"]]["dira_status"] == entry["dira_status"]
        assert rows[entry["sample"]]["status_sentence"] == entry["status_sentence"]


def test_summary_agrees_with_the_report_for_a_split_sample(cohort_dir: Path) -> None:
    """The report pools a split sample with `core.pool` exactly as the cohort step does."""
    from il1rn_annot.core.interpret import interpret_sample
    from il1rn_annot.lab_report.context import pool_files
    from il1rn_annot.outputs.naming import safe_name
    from il1rn_annot.outputs.read_back import gather_sample

    ann = cohort_dir.parents[1] / "ann"
    items = gather_sample([ann / "split.snv.il1rn.json", ann / "split.sv.il1rn.json"], "SPLIT")
    pooled = pool_files(items)
    result = interpret_sample("SPLIT", pooled.findings, pooled.locus_called)
    row = {r["sample"]: r for r in read_tsv(cohort_dir / "summary.tsv")}["SPLIT"]
    assert (row["dira_status"], row["status_sentence"]) == (result.dira_status, result.status_sentence)
    assert row["report"] == f"../reports/{safe_name('SPLIT')}.report.html"


def test_same_inputs_same_bytes(cohort_dir: Path) -> None:
    first = {p.name: p.read_bytes() for p in sorted(cohort_dir.iterdir())}
    assert set(first) == {"summary.tsv", "alleles.tsv", "summary.json", "summary.html"}
    assert run_cohort(["m.json"], "results/cohort", "samples.tsv", "results/reports") == 0
    again = {p.name: p.read_bytes() for p in sorted(cohort_dir.iterdir())}
    assert again == first
    # another output folder at the same depth: same bytes too (no output path is recorded)
    assert run_cohort(["m.json"], "results2/cohort", "samples.tsv", "results2/reports") == 0
    other = {p.name: p.read_bytes() for p in sorted(Path("results2/cohort").iterdir())}
    assert other == first


def test_provenance_records_versions_and_checksums(cohort_dir: Path) -> None:
    import hashlib

    doc = json.loads((cohort_dir / "summary.json").read_text())
    prov = doc["provenance"]
    assert prov["generated_at"] == DATE and prov["tool_version"] and prov["knowledge_base_version"]
    assert prov["manifests"][0]["sha256"] == hashlib.sha256(Path("m.json").read_bytes()).hexdigest()
    assert prov["sample_sheet"]["sha256"] == hashlib.sha256(Path("samples.tsv").read_bytes()).hexdigest()
    html = (cohort_dir / "summary.html").read_text()
    assert prov["manifests"][0]["sha256"] in html and "<script" not in html


def test_sheet_file_never_annotated_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("a.vcf"), [rec(E77X, "0/1")], ["A"])
    write_sheet(Path("sheet.tsv"), [("A", "a.vcf"), ("B", "b.vcf")])
    annotate(["a.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "sheet.tsv") == 0
    rows = {r["sample"]: r for r in read_tsv(Path("out/summary.tsv"))}
    assert rows["B"]["dira_status"] == "input_error" and "not found in any manifest" in rows["B"]["error"]
    assert rows["A"]["dira_status"] == "carrier"


def test_unreadable_joint_vcf_outside_the_sheet_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("a.vcf"), [rec(E77X, "0/1")], ["A"])
    Path("junk.vcf").write_bytes(b"\x00\x01 not a vcf at all\n")
    annotate(["a.vcf", "junk.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out") == 0
    doc = json.loads(Path("out/summary.json").read_text())
    assert [s["sample"] for s in doc["samples"]] == ["A"]
    assert any("junk.vcf" in w for w in doc["provenance"]["warnings"])
    assert "junk.vcf" in Path("out/summary.html").read_text()
    assert "junk.vcf" in capsys.readouterr().err


def test_one_sample_on_two_builds_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("b38.vcf"), [rec(E77X, "0/1")], ["X"])
    write(Path("b37.vcf"), [rec("{chrom}\t113888645\t.\tG\tT\t60\tPASS\t.\tGT\t", "0/1")], ["X"], build="GRCh37")
    annotate(["b38.vcf", "b37.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out") == 0
    row = read_tsv(Path("out/summary.tsv"))[0]
    assert row["dira_status"] == "input_error" and "different genome builds" in row["error"]


def test_row_count_is_checked(cohort_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = cohort_mod.summarise_sample

    def lossy(src, *args, **kwargs):
        row, counted, drift = real(src, *args, **kwargs)
        if src.sample == "J_REF":
            row["sample"] = "J_HET"  # a sample silently replaced by another
        return row, counted, drift

    monkeypatch.setattr(cohort_mod, "summarise_sample", lossy)
    with pytest.raises(RuntimeError, match="went missing"):
        cohort_mod.build_cohort(["m.json"], "samples.tsv", Path("x"), "", kb=_kb())


def _kb():
    from il1rn_annot.kb.load import load_knowledge_base

    return load_knowledge_base()


def test_bad_sample_sheet_and_manifest_are_clear_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.json").write_text("{not json")
    assert run_cohort(["m.json"], "out") == 2
    assert "manifest" in capsys.readouterr().err
    write(Path("a.vcf"), [rec(E77X, "0/1")], ["A"])
    annotate(["a.vcf"], "ann", "m2.json")
    Path("sheet.tsv").write_text("name,file\nA,a.vcf\n")
    assert run_cohort(["m2.json"], "out", "sheet.tsv") == 2
    assert "sample" in capsys.readouterr().err


def test_readable_half_of_a_split_sample_is_kept_visible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SNV file fine, SV file broken: input_error, but the carrier found in the SNV file is not hidden."""
    monkeypatch.chdir(tmp_path)
    write(Path("s.snv.vcf"), [rec(E77X, "0/1")], ["S"])
    Path("s.sv.vcf.gz").write_text("garbage\n")
    write_sheet(Path("sheet.tsv"), [("S", "s.snv.vcf"), ("S", "s.sv.vcf.gz")])
    annotate(["s.snv.vcf", "s.sv.vcf.gz"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "sheet.tsv", "reports") == 0
    row = read_tsv(Path("out/summary.tsv"))[0]
    assert row["dira_status"] == "input_error" and row["partial_status"] == "carrier"
    assert "c.229G>T" in row["pathogenic_alleles"] and "s.sv.vcf.gz" in row["error"]
    assert "From the readable input(s) only" in row["status_sentence"]
    html = Path("out/summary.html").read_text()
    flagged = html[html.index('id="flagged"') : html.index('id="errors"')]
    assert ">S</td>" in flagged and "readable inputs: carrier" in flagged


def test_a_different_file_with_the_same_name_is_not_matched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("run1").mkdir()
    Path("run2").mkdir()
    write(Path("run1/x.vcf"), [rec(E77X, "0/1")], ["X"])
    write(Path("run2/x.vcf"), [rec(E77X, "1/1")], ["X"])
    Path("staged").mkdir()
    Path("staged/x.vcf").write_bytes(Path("run1/x.vcf").read_bytes())  # a copy of the annotated file
    write_sheet(Path("sheet.tsv"), [("X", "run2/x.vcf")])
    annotate(["run1/x.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "sheet.tsv") == 0
    row = read_tsv(Path("out/summary.tsv"))[0]
    assert row["dira_status"] == "input_error" and "not found in any manifest" in row["error"]
    write_sheet(Path("sheet2.tsv"), [("X", "staged/x.vcf")])
    assert run_cohort(["m.json"], "out2", "sheet2.tsv") == 0
    assert read_tsv(Path("out2/summary.tsv"))[0]["dira_status"] == "carrier"


def test_unlisted_sample_of_a_file_named_by_the_sheet_is_not_summarised(cohort_dir: Path) -> None:
    """Consent: the sheet names listed.vcf for LISTED only, so UNLISTED (a DIRA homozygote) stays out."""
    rows = read_tsv(cohort_dir / "summary.tsv")
    assert "UNLISTED" not in {r["sample"] for r in rows}
    warnings = json.loads((cohort_dir / "summary.json").read_text())["provenance"]["warnings"]
    assert any("not listed in it and were not summarised" in w for w in warnings)


def test_parents_in_the_sheet_phase_a_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unphased child with one allele from each parent is in trans once the sheet names the parents;
    every other sample keeps its status, and a child whose parents are not named stays possible_DIRA."""
    monkeypatch.chdir(tmp_path)
    write(
        Path("trio.vcf"),
        [rec(Q54X, "0/1", "0/1", "0/0", "0/1"), rec(E77X, "0/1", "0/0", "0/1", "0/1")],
        ["CHILD", "MOTHER", "FATHER", "UNRELATED_CHILD"],
    )
    Path("samples.tsv").write_text(
        "sample\tvcf\tmother\tfather\n"
        "CHILD\ttrio.vcf\tMOTHER\tFATHER\n"
        "MOTHER\ttrio.vcf\t0\t0\n"
        "FATHER\ttrio.vcf\t\t\n"
        "UNRELATED_CHILD\ttrio.vcf\t.\t.\n"
    )
    annotate(["trio.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "samples.tsv") == 0
    rows = {r["sample"]: r for r in read_tsv(Path("out/summary.tsv"))}
    child = rows["CHILD"]
    assert child["dira_status"] == "consistent_with_DIRA"
    assert "phased by the parents' genotypes" in child["status_sentence"]
    assert "inherited from the mother (MOTHER)" in child["evidence"]
    assert (child["mother"], child["father"]) == ("MOTHER", "FATHER")
    assert rows["UNRELATED_CHILD"]["dira_status"] == "possible_DIRA"
    assert (rows["MOTHER"]["dira_status"], rows["FATHER"]["dira_status"]) == ("carrier", "carrier")
    assert rows["MOTHER"]["mother"] == "" and rows["UNRELATED_CHILD"]["father"] == ""
    html = Path("out/summary.html").read_text()
    table = html[html.index('id="samples"') : html.index('id="alleles"')]
    assert "<th>parents</th>" in table and "mother MOTHER<br>father FATHER" in table
    doc = json.loads(Path("out/summary.json").read_text())
    assert not any("interpret differently" in w for w in doc["provenance"]["warnings"])


def test_a_parent_that_cannot_be_read_leaves_the_phase_unknown_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("kid.vcf"), [rec(Q54X, "0/1"), rec(E77X, "0/1")], ["KID"])
    write(Path("mum.vcf"), [rec(Q54X, "0/1")], ["MUM"])
    Path("dad.vcf.gz").write_text(vcf_text([rec(E77X, "0/1")], ["DAD"]))  # plain text named .gz: unreadable
    Path("samples.tsv").write_text(
        "sample\tvcf\tmother\tfather\nKID\tkid.vcf\tMUM\tDAD\nMUM\tmum.vcf\t\t\nDAD\tdad.vcf.gz\t\t\n"
    )
    annotate(["kid.vcf", "mum.vcf", "dad.vcf.gz"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "samples.tsv") == 0
    rows = {r["sample"]: r for r in read_tsv(Path("out/summary.tsv"))}
    assert rows["DAD"]["dira_status"] == "input_error"
    assert rows["KID"]["dira_status"] == "possible_DIRA"  # one parent alone does not phase
    warnings = json.loads(Path("out/summary.json").read_text())["provenance"]["warnings"]
    assert any("KID: the father DAD could not be assessed" in w for w in warnings)


def test_half_called_genotype_keeps_its_sentence_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0/. is not a plain negative: the cohort step interprets again from the JSON and must still say
    that an allele was not called (the count travels as `partial_records`)."""
    monkeypatch.chdir(tmp_path)
    vcf = write(tmp_path / "half.vcf", [rec(E77X.format(chrom="chr2"), "0/.", "0/0")], ["HALF", "FULL"])
    annotate([str(vcf)], "ann", "ann/manifest.json")
    assert run_cohort(["ann/manifest.json"], "cohort") == 0
    rows = {r["sample"]: r for r in read_tsv(tmp_path / "cohort" / "summary.tsv")}
    assert rows["HALF"]["dira_status"] == rows["FULL"]["dira_status"] == "no_pathogenic_variant_detected"
    assert "DIRA is not excluded" in rows["HALF"]["status_sentence"]
    assert "DIRA is not excluded" not in rows["FULL"]["status_sentence"]
