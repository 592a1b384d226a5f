"""Mix-ups (issue 17): one sample ID in two files that disagree, report file names that clash,
screened joint VCFs sharing sample IDs. Real GRCh38 coordinates (c.229G>T p.(Glu77Ter) at
chr2:113131068, the known DIRA allele) and the shipped demo files."""

from __future__ import annotations

import csv
import html
import shutil
from pathlib import Path

import pytest
from conftest import vcf_text

from il1rn_annot.cli import main

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"
DATE = "2024-01-01T00:00:00Z"
E77X = "{chrom}\t113131068\t.\tG\tT\t60\tPASS\t.\tGT\t"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _cohort(tmp_path: Path, rows: list[tuple[str, str]], inputs: list[str]) -> dict[str, dict[str, str]]:
    assert (
        main(
            [
                "annotate",
                *inputs,
                "-o",
                "ann",
                "--keep-going",
                "--manifest",
                "ann/m.json",
                "--date",
                DATE,
                "--no-record-command",
            ]
        )
        == 0
    )
    (tmp_path / "sheet.tsv").write_text("sample\tvcf\n" + "".join(f"{s}\t{v}\n" for s, v in rows))
    assert (
        main(
            [
                "cohort",
                "--manifest",
                "ann/m.json",
                "--sample-sheet",
                "sheet.tsv",
                "-o",
                "cohort",
                "--reports-dir",
                "reports",
                "--date",
                DATE,
            ]
        )
        == 0
    )
    return {r["sample"]: r for r in read_tsv(tmp_path / "cohort" / "summary.tsv")}


def test_one_sample_homozygous_in_one_file_and_reference_in_the_other_is_flagged(tmp_path, monkeypatch, capsys):
    """issue 17: 1/1 in one file, 0/0 in the other was pooled into consistent_with_DIRA with no note."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(TEST_DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", "patient.vcf.gz")
    shutil.copy(TEST_DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz.tbi", "patient.vcf.gz.tbi")
    Path("resequenced.vcf").write_text(vcf_text([E77X + "0/0"], ["PATIENT_HOM_E77X"]))
    rows = _cohort(
        tmp_path,
        [("PATIENT_HOM_E77X", "patient.vcf.gz"), ("PATIENT_HOM_E77X", "resequenced.vcf")],
        ["patient.vcf.gz", "resequenced.vcf"],
    )
    row = rows["PATIENT_HOM_E77X"]
    assert row["discordant_calls"] == (
        "c.229G>T (chr2:113131068:G:T): homozygous (1/1) in patient.vcf.gz; not carried (0/0) in resequenced.vcf"
    )
    err = capsys.readouterr().err
    assert "PATIENT_HOM_E77X: the files of this sample disagree (possible sample swap" in err
    page = html.unescape((tmp_path / "cohort" / "summary.html").read_text(encoding="utf-8"))
    assert "possible sample swap" in page and "not carried (0/0) in resequenced.vcf" in page
    # the sample's report says so next to the result
    assert (
        main(
            [
                "report",
                "--samples-from",
                "cohort/summary.tsv",
                "--manifest",
                "ann/m.json",
                "-o",
                "reports",
                "--no-pdf",
                "--date",
                DATE,
            ]
        )
        == 0
    )
    report = html.unescape((tmp_path / "reports" / "PATIENT_HOM_E77X.report.html").read_text(encoding="utf-8"))
    assert "Discordant calls between this sample's files: possible sample swap." in report
    assert "not carried (0/0) in resequenced.vcf" in report


def test_heterozygous_against_homozygous_is_discordant_and_agreement_is_not(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.vcf").write_text(
        vcf_text(
            [E77X + "1/1", E77X.replace("113131068", "113129619").replace("G\tT", "C\tT") + "0/0"],
            [
                "S1",
            ],
        )
    )
    Path("b.vcf").write_text(vcf_text([E77X + "0/1"], ["S1"]))
    Path("c.vcf").write_text(vcf_text([E77X + "1/1"], ["S2"]))
    Path("d.vcf").write_text(vcf_text([E77X + "1/1"], ["S2"]))
    rows = _cohort(
        tmp_path,
        [("S1", "a.vcf"), ("S1", "b.vcf"), ("S2", "c.vcf"), ("S2", "d.vcf")],
        ["a.vcf", "b.vcf", "c.vcf", "d.vcf"],
    )
    assert rows["S1"]["discordant_calls"] == (
        "c.229G>T (chr2:113131068:G:T): homozygous (1/1) in a.vcf; heterozygous (0/1) in b.vcf"
    )
    assert rows["S2"]["discordant_calls"] == ""  # two files calling the same thing agree


def test_an_snv_file_and_an_sv_file_of_one_sample_are_not_discordant(tmp_path, monkeypatch):
    """URBANEJA_LIKE (GATK SNVs + a Delly-like SV file): no common site, nothing to compare."""
    monkeypatch.chdir(tmp_path)
    for name in ("gatk_hc.URBANEJA_LIKE.vcf.gz", "delly_like.URBANEJA_LIKE.sv.vcf.gz"):
        for suffix in ("", ".tbi"):
            shutil.copy(TEST_DATA / (name + suffix), name + suffix)
    rows = _cohort(
        tmp_path,
        [("URBANEJA_LIKE", "gatk_hc.URBANEJA_LIKE.vcf.gz"), ("URBANEJA_LIKE", "delly_like.URBANEJA_LIKE.sv.vcf.gz")],
        ["gatk_hc.URBANEJA_LIKE.vcf.gz", "delly_like.URBANEJA_LIKE.sv.vcf.gz"],
    )
    assert rows["URBANEJA_LIKE"]["discordant_calls"] == ""


def test_an_uncalled_genotype_is_not_taken_for_reference(tmp_path, monkeypatch):
    """./. in a joint VCF says nothing about the sample: not discordant with a 1/1 elsewhere."""
    monkeypatch.chdir(tmp_path)
    Path("single.vcf").write_text(vcf_text([E77X + "1/1"], ["S1"]))
    Path("joint.vcf").write_text(vcf_text([E77X + "./.\t0/1"], ["S1", "S2"]))
    rows = _cohort(
        tmp_path, [("S1", "single.vcf"), ("S1", "joint.vcf"), ("S2", "joint.vcf")], ["single.vcf", "joint.vcf"]
    )
    assert rows["S1"]["discordant_calls"] == ""


def test_report_refuses_two_sample_ids_sharing_a_file_name(tmp_path, monkeypatch, capsys):
    """issue 17: `il1rn-annot report` wrote two sample IDs that map to one file name into one
    file (exit 0). Refused before any report is written, as the workflow does."""
    import il1rn_annot.lab_report.plan as report_mod

    monkeypatch.chdir(tmp_path)
    Path("two.vcf").write_text(vcf_text([E77X + "1/1\t0/1"], ["P1", "p1"]))
    assert main(["annotate", "two.vcf", "-o", "ann", "--date", DATE]) == 0
    argv = [
        "report",
        "ann/two.il1rn.json",
        "--sample",
        "P1",
        "--sample",
        "p1",
        "-o",
        "reports",
        "--no-pdf",
        "--date",
        DATE,
    ]
    # on a case-insensitive file system (macOS, Windows shares) P1 and p1 are one file
    monkeypatch.setattr(report_mod, "_case_insensitive", lambda folder: True)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "two samples map to one report file name: 'P1' and 'p1' would both be written to p1.report.html" in err
    assert not Path("reports").exists() or not list(Path("reports").iterdir())
    # two IDs one file name whatever the file system: safe_name truncated to one stem
    monkeypatch.setattr(report_mod, "safe_name", lambda sample: "same")
    assert main(argv) == 2
    assert "'P1' and 'p1' would both be written to same.report.html" in capsys.readouterr().err
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    # here (Linux, case-sensitive) P1 and p1 are two files: both written
    assert report_mod._case_insensitive(tmp_path) is False
    assert main(argv) == 0
    assert sorted(p.name for p in Path("reports").glob("*.report.html")) == ["P1.report.html", "p1.report.html"]


def _joint(path: Path, gts: list[str], samples: list[str]) -> str:
    import pysam

    path.write_text(vcf_text([E77X + "\t".join(gts)], samples))
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return str(path) + ".gz"


def test_two_screen_vcfs_sharing_an_id_are_named(tmp_path, monkeypatch, capsys):
    """issue 17: two screened joint VCFs holding one sample ID were merged silently."""
    from il1rn_annot.workflow.batches import make_plan
    from il1rn_annot.workflow.cli import main as samplesheet_main

    monkeypatch.chdir(tmp_path)
    run1 = _joint(tmp_path / "run1.vcf", ["1/1", "0/0"], ["S1", "S2"])
    run2 = _joint(tmp_path / "run2.vcf", ["0/0", "0/1"], ["S1", "S3"])
    plan = make_plan(None, [run1, run2])
    assert plan.screened_in_several == {"S1": [run1, run2]}
    assert samplesheet_main(["resolve", "--screen-vcf", run1, "--screen-vcf", run2, "-o", "resolved.tsv"]) == 0
    err = capsys.readouterr().err
    assert "1 sample ID(s) are in more than one screen_vcfs file" in err and f"S1: {run1}, {run2}" in err
    # the sheet decides for its own samples: listed there, S1 is no longer named
    Path("sheet.tsv").write_text(f"sample\tvcf\nS1\t{run1}\n")
    assert make_plan("sheet.tsv", [run1, run2]).screened_in_several == {}
    # and the cohort step flags the disagreement of S1's two files
    assert main(["annotate", run1, run2, "-o", "ann", "--keep-going", "--manifest", "ann/m.json", "--date", DATE]) == 0
    assert (
        main(["cohort", "--manifest", "ann/m.json", "--sample-sheet", "resolved.tsv", "-o", "cohort", "--date", DATE])
        == 0
    )
    rows = {r["sample"]: r for r in read_tsv(tmp_path / "cohort" / "summary.tsv")}
    assert rows["S1"]["discordant_calls"] == (
        f"c.229G>T (chr2:113131068:G:T): homozygous (1/1) in {run1}; not carried (0/0) in {run2}"
    )
    assert rows["S2"]["discordant_calls"] == rows["S3"]["discordant_calls"] == ""


def test_workflow_names_screen_vcfs_sharing_an_id(tmp_path):
    sys_path = str(REPO / "tests")
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from test_workflow import check, copy_workflow, snakemake

    workdir = copy_workflow(tmp_path / "wf", with_test_data=False)
    run1 = _joint(workdir / "run1.vcf", ["1/1"], ["S1"])
    run2 = _joint(workdir / "run2.vcf", ["0/0"], ["S1"])
    (workdir / "screen.yaml").write_text(f"samples: ''\nscreen_vcfs: [{Path(run1).name}, {Path(run2).name}]\n")
    result = check(snakemake(workdir, "-n", "--cores", "1", "--configfile", "screen.yaml"))
    out = result.stdout + result.stderr
    assert "more than one screen_vcfs file" in out and "S1: run1.vcf.gz, run2.vcf.gz" in out


# ---- the lab logo: bounded, regular files only (issue 17, bounded resources) ---------------


def _lab(tmp_path: Path, logo: str) -> Path:
    lab = tmp_path / "lab.yaml"
    lab.write_text(f"lab_name: Test lab\nlogo: {logo}\n")
    return lab


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("dev_zero", "is a device, not an image file"),
        ("fifo", "is a FIFO (named pipe), not an image file"),
        ("folder", "is a folder, not an image file"),
        ("too_big", "bytes (limit 2,000,000)"),
    ],
)
def test_a_logo_that_is_not_a_small_regular_file_is_refused_at_once(tmp_path, kind, expected):
    """issue 17: a logo of /dev/zero read until memory ran out; a FIFO hung the report step."""
    import os
    import subprocess
    import sys

    if kind == "dev_zero":
        logo = "/dev/zero"
    elif kind == "fifo":
        logo = str(tmp_path / "logo.png")
        os.mkfifo(logo)
    elif kind == "folder":
        logo = str(tmp_path)
    else:
        logo = str(tmp_path / "huge.png")
        with open(logo, "wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n")
            handle.truncate(50 << 20)  # sparse: the size is checked, not read
    lab = _lab(tmp_path, logo)
    code = (
        "import resource, sys\nfrom il1rn_annot.lab_report.lab_settings import load_lab_config\n"
        "from il1rn_annot.errors import InputError\n"
        "try:\n    load_lab_config(sys.argv[1])\nexcept InputError as exc:\n    print(exc)\n"
        "print('PEAK', [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1])"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(lab)], capture_output=True, text=True, timeout=30)
    assert expected in proc.stdout, proc.stdout + proc.stderr
    assert f"{lab}: logo: the logo {logo}" in proc.stdout
    assert int(proc.stdout.rsplit("PEAK ", 1)[1]) < 300_000  # kB (VmHWM; imports ~0.1 GB): nothing big was read


def test_a_small_png_logo_is_still_embedded(tmp_path):
    from il1rn_annot.lab_report.lab_settings import load_lab_config

    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert load_lab_config(_lab(tmp_path, "logo.png"))["logo_uri"].startswith("data:image/png;base64,")


def test_report_all_or_nothing_leaves_no_folder_when_a_sample_fails(tmp_path, monkeypatch, capsys):
    """The workflow's report parts: a part is put in place whole, with .part.json, or not at all."""
    import json

    monkeypatch.chdir(tmp_path)
    Path("two.vcf").write_text(vcf_text([E77X + "1/1\t0/1"], ["P1", "P2"]))
    assert main(["annotate", "two.vcf", "-o", "ann", "--date", DATE]) == 0
    argv = [
        "report",
        "ann/two.il1rn.json",
        "--sample",
        "P1",
        "--sample",
        "P2",
        "-o",
        "part_1_of_1",
        "--no-pdf",
        "--date",
        DATE,
        "--all-or-nothing",
    ]
    assert main([*argv, "--sample", "GHOST"]) == 2  # GHOST is in no file: the part is not written
    assert "sample 'GHOST' is not in any of the given annotation JSON files" in capsys.readouterr().err
    assert not Path("part_1_of_1").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert main(argv) == 0
    record = json.loads(Path("part_1_of_1/.part.json").read_text())
    assert record["files"] == ["P1.report.html", "P2.report.html"] and record["samples"] == ["P1", "P2"]
    assert sorted(p.name for p in Path("part_1_of_1").iterdir()) == [".part.json", "P1.report.html", "P2.report.html"]
