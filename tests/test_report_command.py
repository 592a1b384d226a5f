"""`il1rn-annot report` (`lab_report.command`, `lab_report.plan`): one or many samples in one process,
samples chosen from a cohort summary, whose interpretation is shown without interpreting again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_cases import (
    DATE,
    annotate_cases,
    text_of,
)

from il1rn_annot.cli import main as cli_main
from il1rn_annot.lab_report.writer import write_report


@pytest.fixture(scope="module")
def jsons(tmp_path_factory, kb) -> dict[str, Path]:
    return annotate_cases(tmp_path_factory.mktemp("annot"), kb)


@pytest.fixture(scope="module")
def e77x_report(jsons, kb, tmp_path_factory) -> dict[str, Path]:
    return write_report([jsons["e77x"]], "PAT_E77X", tmp_path_factory.mktemp("rep"), kb, date=DATE, pdf=True)


def test_cli_report(jsons, tmp_path, capsys):
    out = tmp_path / "cli"
    assert (
        cli_main(["report", str(jsons["e77x"]), "--sample", "PAT_E77X", "-o", str(out), "--date", DATE, "--no-pdf"])
        == 0
    )
    assert (out / "PAT_E77X.report.html").exists() and not (out / "PAT_E77X.report.pdf").exists()
    assert cli_main(["report", str(jsons["e77x"]), "--sample", "NOBODY", "-o", str(out)]) == 2
    assert "NOBODY" in capsys.readouterr().err


def test_cli_report_several_samples_in_one_process(jsons, e77x_report, tmp_path, capsys):
    """--sample repeated: each sample's report from the given JSONs that hold it; the bytes are
    those of a one-sample run (HTML and PDF); a sample that fails leaves the others written."""
    out = tmp_path / "multi"
    given = [str(jsons[k]) for k in ("e77x", "assoc", "splice", "sv")]
    assert (
        cli_main(
            [
                "report",
                *given,
                "--sample",
                "PAT_E77X",
                "--sample",
                "URB",
                "--sample",
                "ASSOC_ONLY",
                "-o",
                str(out),
                "--date",
                DATE,
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"{s}.report.{e}") for s in ("PAT_E77X", "URB", "ASSOC_ONLY") for e in ("html", "pdf")]
    for kind in ("html", "pdf"):
        assert (out / f"PAT_E77X.report.{kind}").read_bytes() == e77x_report[kind].read_bytes()
    urb = text_of((out / "URB.report.html").read_text())
    assert "delly.URB" in urb and "gatk.URB" in urb  # both files of the sample, interpreted together
    assert "Possible DIRA" in urb
    assert "gatk.E77X" not in urb  # a file without the sample is not listed in its report
    # one sample missing: the others are still written, the exit status says it
    again = tmp_path / "again"
    assert (
        cli_main(["report", *given, "--sample", "NOBODY", "--sample", "ASSOC_ONLY", "-o", str(again), "--no-pdf"]) == 2
    )
    err = capsys.readouterr().err
    assert "NOBODY" in err and "1 of 2 report(s) not written" in err
    assert (again / "ASSOC_ONLY.report.html").is_file()


def test_report_shows_the_cohort_interpretation_without_interpreting_again(jsons, tmp_path, monkeypatch):
    """--samples-from summary.tsv: the status, sentence and evidence are the summary row's (the
    sample is interpreted once, by the cohort step); without a summary the report interprets the
    pooled sample itself."""
    import il1rn_annot.lab_report.context as context

    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "inputs": [
                    {
                        "input": "e77x.vcf",
                        "status": "ok",
                        "outputs": {"json": str(jsons["e77x"])},
                        "samples": ["PAT_E77X"],
                    }
                ]
            }
        )
    )
    summary = tmp_path / "summary.tsv"
    summary.write_text(
        "sample\tdira_status\tstatus_sentence\tevidence\tinputs\tlocus_called\terror\n"
        "PAT_E77X\tconsistent_with_DIRA\tSentence of the cohort step.\tEvidence of the cohort step."
        "\te77x.vcf\tyes\t\n",
        encoding="utf-8",
    )

    def not_again(*args, **kwargs):
        raise AssertionError("the report interpreted a sample the summary already interpreted")

    monkeypatch.setattr(context, "interpret_pooled", not_again)
    out = tmp_path / "from_summary"
    assert (
        cli_main(
            [
                "report",
                "--samples-from",
                str(summary),
                "--manifest",
                str(manifest),
                "--date",
                DATE,
                "--no-pdf",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    html = (out / "PAT_E77X.report.html").read_text()
    assert "Sentence of the cohort step." in html and "Evidence of the cohort step." in html
    monkeypatch.undo()
    alone = tmp_path / "alone"
    assert (
        cli_main(["report", str(jsons["e77x"]), "--sample", "PAT_E77X", "--date", DATE, "--no-pdf", "-o", str(alone)])
        == 0
    )
    assert "Sentence of the cohort step." not in (alone / "PAT_E77X.report.html").read_text()


def test_cli_report_samples_from_cohort_summary(jsons, e77x_report, tmp_path, capsys):
    """--samples-from summary.tsv --statuses ...: the summary's samples with those statuses, each
    from the JSONs of its own inputs (via the manifests); --part K/N takes a share of them."""
    manifest = tmp_path / "manifest.json"
    entries = [
        ("e77x.vcf", "e77x", ["PAT_E77X"]),
        ("assoc.vcf", "assoc", ["ASSOC_ONLY"]),
        ("splice.vcf", "splice", ["URB"]),
        ("sv.vcf", "sv", ["URB"]),
        ("broken.vcf", None, ["BROKEN"]),
    ]
    manifest.write_text(
        json.dumps(
            {
                "inputs": [
                    {"input": i, "status": "ok", "outputs": {"json": str(jsons[k])}, "samples": names}
                    if k
                    else {"input": i, "status": "input_error", "error": "truncated", "samples": names}
                    for i, k, names in entries
                ]
            }
        )
    )
    summary = tmp_path / "summary.tsv"
    summary.write_text(
        "sample\tdira_status\tinputs\n"
        "PAT_E77X\tconsistent_with_DIRA\te77x.vcf\n"
        "URB\tpossible_DIRA\tsplice.vcf;sv.vcf\n"
        "BROKEN\tinput_error\tbroken.vcf\n"
        "ASSOC_ONLY\tno_pathogenic_variant_detected\tassoc.vcf\n",
        encoding="utf-8",
    )
    base = ["report", "--samples-from", str(summary), "--manifest", str(manifest), "--date", DATE]
    out = tmp_path / "flagged"
    assert cli_main([*base, "-o", str(out)]) == 0  # default statuses: the flagged ones
    assert sorted(p.name for p in out.iterdir()) == [
        "PAT_E77X.report.html",
        "PAT_E77X.report.pdf",
        "URB.report.html",
        "URB.report.pdf",
    ]
    assert (out / "PAT_E77X.report.pdf").read_bytes() == e77x_report["pdf"].read_bytes()
    assert "delly.URB" in (out / "URB.report.html").read_text()
    parts = [tmp_path / f"part{k}" for k in (1, 2)]
    for k, part in enumerate(parts, start=1):
        assert (
            cli_main(
                [
                    *base,
                    "--statuses",
                    "possible_DIRA,consistent_with_DIRA,no_pathogenic_variant_detected",
                    "--part",
                    f"{k}/2",
                    "--no-pdf",
                    "-o",
                    str(part),
                ]
            )
            == 0
        )
    assert [sorted(p.name for p in part.iterdir()) for part in parts] == [
        ["PAT_E77X.report.html", "URB.report.html"],
        ["ASSOC_ONLY.report.html"],
    ]
    capsys.readouterr()
    assert cli_main([*base, "--statuses", "carier", "-o", str(tmp_path / "typo")]) == 2
    assert "unknown status(es) carier" in capsys.readouterr().err
    assert cli_main([*base, "--part", "3/2", "-o", str(tmp_path / "part")]) == 2
    empty = tmp_path / "empty"
    assert cli_main([*base, "--statuses", "carrier", "-o", str(empty)]) == 0  # nobody: an empty folder
    assert empty.is_dir() and not any(empty.iterdir())
    assert cli_main(["report", "-o", str(empty), str(jsons["e77x"])]) == 2  # no sample named
    assert "no sample given" in capsys.readouterr().err
