"""il1rn_annot.workflow.report_parts: the samples that get a lab report, the number of report
jobs, gathering their parts, and the annotation JSONs of a manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sheet_builders import write

from il1rn_annot.workflow.cli import main as samplesheet_main
from il1rn_annot.workflow.report_parts import (
    annotation_jsons,
    collect_reports,
    flagged_samples,
    report_part_count,
    report_statuses,
    select_samples,
)
from il1rn_annot.workflow.sheet import SampleSheetError

# ---- after the cohort step ----------------------------------------------------------------


def test_flagged_samples(tmp_path):
    summary = write(
        tmp_path / "summary.tsv",
        "sample\tdira_status\tstatus_sentence\n"
        "A\tconsistent_with_DIRA\tx\nB\tcarrier\tx\nC\tno_pathogenic_variant_detected\tx\n"
        "D\tinput_error\tx\nE\tpossible_DIRA\tx\nF\tnot_assessable\tx\nB\tcarrier\ty\n",
    )
    assert flagged_samples(summary, "flagged") == ["A", "B", "E"]
    assert flagged_samples(summary, "all") == ["A", "B", "C", "E", "F"]
    assert flagged_samples(summary, "none") == []
    with pytest.raises(ValueError, match="reports must be one of"):
        flagged_samples(summary, "some")
    bad = write(tmp_path / "bad.tsv", "sample\tstatus\nA\tcarrier\n")
    with pytest.raises(SampleSheetError, match="dira_status"):
        flagged_samples(bad)


def test_report_statuses_and_selection(tmp_path):
    summary = write(
        tmp_path / "summary.tsv", "sample\tdira_status\nA\tcarrier\nB\tinput_error\nC\tuncertain_significance\n"
    )
    assert report_statuses("flagged") == ["consistent_with_DIRA", "possible_DIRA", "carrier"]
    assert "input_error" not in report_statuses("all")
    assert report_statuses("none") == []
    assert select_samples(summary, ["carrier", "uncertain_significance"]) == ["A", "C"]


@pytest.mark.parametrize(
    "n, batch_size, cores, parts",
    [
        (22, 50, 2, 2),
        (22, 50, 1, 1),
        (22, 5, 1, 5),
        (22, 5, 2, 6),
        (1000, 50, 4, 20),
        (3, 50, 8, 3),
        (0, 50, 2, 0),
        (101, 50, 1, 3),
    ],
)
def test_report_part_count(n, batch_size, cores, parts):
    assert report_part_count(n, batch_size, cores) == parts
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
    written = collect_reports(parts, out)
    assert sorted(p.name for p in written) == sorted(f"{n}.report.{e}" for n in "ABC" for e in ("html", "pdf"))
    assert (out / "C.report.pdf").read_text() == "C"
    assert (out / "C.report.pdf").stat().st_ino == (parts[1] / "C.report.pdf").stat().st_ino  # a hard link
    assert json.loads((out / ".parts.json").read_text()) == {"samples": 3, "parts": 2}
    # the next run with other cores keeps 2 parts for the same 3 samples, re-plans for 4
    assert report_part_count(3, 50, 3) == 3
    assert report_part_count(3, 50, 3, out) == 2
    assert report_part_count(4, 50, 3, out) == 3
    assert report_part_count(3, 1, 1, out) == 3  # would exceed report_batch_size
    (parts[1] / "A.report.html").write_text("again")
    _record_part(parts[1])
    with pytest.raises(SampleSheetError, match=r"A\.report\.html is also written by"):
        collect_reports(parts, tmp_path / "again")
    assert samplesheet_main(["collect-reports", str(parts[0]), "-o", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "B.report.pdf").is_file()


def test_annotation_jsons_skips_failed_inputs(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "inputs": [
                    {"input": "a.vcf", "status": "ok", "outputs": {"json": "b1/a.il1rn.json"}, "samples": ["S1", "S2"]},
                    {"input": "b.vcf", "status": "input_error", "error": "broken", "samples": ["S2"]},
                    {"input": "c.vcf", "status": "ok", "outputs": {"json": "b1/c.il1rn.json"}, "samples": ["S2"]},
                ]
            }
        )
    )
    assert annotation_jsons([manifest], ["c.vcf", "b.vcf", "a.vcf"]) == ["b1/c.il1rn.json", "b1/a.il1rn.json"]
    assert annotation_jsons([manifest], sample="S2") == ["b1/a.il1rn.json", "b1/c.il1rn.json"]
    assert annotation_jsons([manifest], sample="S9") == []
