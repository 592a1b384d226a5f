"""The Snakemake workflow, end to end, on copies of the workflow in temporary directories.

Two real runs (the shipped demo configuration; a mixed cohort with a corrupt VCF, a screened
joint VCF, two inputs sharing a file name and a sample ID unsafe in file names), dry runs
(job counts: 1,000 files in 6 annotate jobs on 2 cores, 8 on 4; lab reports in one job per
core), lint, snakefmt, refused sample sheets and the Snakemake report.
"""

from __future__ import annotations

import csv
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import fill_file_system, mounted_tmpfs

from il1rn_annot.outputs.naming import safe_name

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOW_FILES = [
    "Snakefile",
    "rules",
    "config",
    "schemas",
    "resources",
    "snakemake_report",
    "envs",
    "profiles/default",
    "test_data",
]
FLAGGED = {"consistent_with_DIRA", "possible_DIRA", "carrier"}

# test_data/README.md, "Samples and expected interpretation" (GRCh38 files = config/samples.tsv)
DEMO_EXPECTED = {
    "PATIENT_HOM_E77X": "consistent_with_DIRA",
    "CARRIER_Q54X": "carrier",
    "FAM1_PROBAND": "consistent_with_DIRA",
    "FAM1_MOTHER": "carrier",
    "FAM1_FATHER": "carrier",
    # c.76C>T/c.133C>T are no longer published alleles (issue 15): by the rules, c.133C>T is p.(Gln45Ter)
    # deduced from the protein (Gln45 CAR -> TAR), likely pathogenic; c.76C>T (Arg26: Ter, Trp or Cys) a VUS
    "UNPHASED_COMPHET": "carrier",
    "CIS_PAIR": "carrier",
    "HOM_DEL2": "consistent_with_DIRA",
    "SPLICE_HOM": "consistent_with_DIRA",
    "MULTI_12": "carrier",
    "PARTIAL": "carrier",
    "ASSOC_ONLY": "no_pathogenic_variant_detected",
    "NOCALL": "not_assessable",
    "MISSENSE_VUS": "uncertain_significance",
    "DEL175_HOM": "consistent_with_DIRA",
    "DELLY_HET_EXON2_3": "uncertain_significance",
    "DELLY_REF": "not_assessable",
    "GCNV_CN0": "consistent_with_DIRA",
    "EXOME_CN1": "carrier",
    "EXOME_CN0": "consistent_with_DIRA",
    "EXPLICIT_DEL": "uncertain_significance",
    "SYMBOLIC_DEL": "uncertain_significance",
    "URBANEJA_LIKE": "carrier",
}


def copy_workflow(dest: Path, with_test_data: bool = True) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        if name == "test_data" and not with_test_data:
            continue
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def snakemake(workdir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run Snakemake from this interpreter's environment (il1rn-annot on PATH)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("IL1RN_ANNOT_DATE", None)
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=workdir,
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def check(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"rc={result.returncode}\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    return result


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def statuses(workdir: Path) -> dict[str, str]:
    rows = read_tsv(workdir / "results" / "cohort" / "summary.tsv")
    out = {r["sample"]: r["dira_status"] for r in rows}
    assert len(out) == len(rows), "one summary row per sample"
    return out


def job_counts(output: str) -> dict[str, int]:
    table = output[output.index("Job stats:") :]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


def assert_reports(workdir: Path, expected_flagged: set[str]) -> None:
    """Exactly the flagged samples have an HTML + PDF report, and it states their result."""
    reports = workdir / "results" / "reports"
    summary = {r["sample"]: r for r in read_tsv(workdir / "results" / "cohort" / "summary.tsv")}
    assert {s for s, r in summary.items() if r["dira_status"] in FLAGGED} == expected_flagged
    written = {p.name for p in reports.iterdir() if not p.name.startswith(".")}
    assert written == {f"{safe_name(s)}.report.{ext}" for s in expected_flagged for ext in ("html", "pdf")}
    for sample in expected_flagged:
        text = html.unescape((reports / f"{safe_name(sample)}.report.html").read_text(encoding="utf-8"))
        assert sample in text
        assert " ".join(summary[sample]["status_sentence"].split()) in " ".join(text.split()), sample
        assert (reports / f"{safe_name(sample)}.report.pdf").read_bytes().startswith(b"%PDF")
    # every link of the cohort overview leads to a report that exists
    overview = workdir / "results" / "cohort" / "summary.html"
    links = set(re.findall(r'href="([^"#]*\.report\.(?:html|pdf))"', overview.read_text(encoding="utf-8")))
    assert {html.unescape(link).rsplit("/", 1)[-1] for link in links} >= {
        f"{safe_name(s)}.report.html" for s in expected_flagged
    }
    for link in links:
        assert (overview.parent / html.unescape(link)).resolve().is_file(), link
    # the report parts were gathered and removed
    assert not (workdir / "results" / "report_parts").exists()


# ---- the shipped configuration on the demo data --------------------------------------------


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("demo"))
    result = check(snakemake(workdir, "--cores", "2"))
    return workdir, result


@pytest.mark.slow
def test_demo_summary_has_every_sample_with_its_status(demo_run):
    workdir, _ = demo_run
    sheet = {r["sample"] for r in read_tsv(workdir / "config" / "samples.tsv")}
    found = statuses(workdir)
    assert set(found) == sheet == set(DEMO_EXPECTED)
    assert found == DEMO_EXPECTED
    for name in ("alleles.tsv", "summary.html"):
        assert (workdir / "results" / "cohort" / name).stat().st_size > 0


@pytest.mark.slow
def test_demo_reports_for_flagged_samples_only(demo_run):
    workdir, _ = demo_run
    assert_reports(workdir, {s for s, status in DEMO_EXPECTED.items() if status in FLAGGED})


@pytest.mark.slow
def test_demo_annotations_logs_and_benchmarks(demo_run):
    workdir, result = demo_run
    out = result.stdout + result.stderr
    # 11 files on 2 cores: two annotate jobs (not one); 16 lab reports: two report jobs (one
    # process each, not one per sample), gathered into results/reports by a local job
    assert job_counts(out[: out.index("checkpoint")]) == {
        "annotate": 2,
        "resolve_samples": 1,
        "cohort": 1,
        "all": 1,
        "total": 5,
    }
    batches = workdir / "results" / "annotations"
    assert sorted(p.name for p in batches.iterdir()) == ["batch_1", "batch_2"]
    manifests = [(batches / b / "manifest.json").read_text() for b in ("batch_1", "batch_2")]
    assert [m.count('"status": "ok"') for m in manifests] == [6, 5]
    assert len(list(batches.glob("*/bcftools.joint_cohort.il1rn.json"))) == 1
    assert len(list(batches.glob("*/delly.cohort.il1rn.vcf.gz"))) == 1
    # every sample of every input has its row in its batch's sample_status.tsv (per_input_files:
    # notable); an input whose samples are all negative has its JSON there and no tables of its own
    rows = [row for b in ("batch_1", "batch_2") for row in _tsv_rows(batches / b / "sample_status.tsv")]
    summary = _tsv_rows(workdir / "results" / "cohort" / "summary.tsv")
    assert {r["sample"] for r in rows} == {r["sample"] for r in summary if r["dira_status"] != "input_error"}
    negative_inputs = {r["input"] for r in rows} - {
        r["input"] for r in rows if r["dira_status"] != "no_pathogenic_variant_detected"
    }
    # (every demo input has a flagged, uncertain or not-assessable sample: all keep their files;
    # a negative input's JSON-only outputs are tested in tests/test_batch_tables.py)
    for entry in (e for m in manifests for e in json.loads(m)["inputs"] if e["status"] == "ok"):
        name, negative = entry["name"], entry["input"] in negative_inputs
        assert len(list(batches.glob(f"*/{name}.il1rn.json"))) == 1, name
        assert len(list(batches.glob(f"*/{name}.il1rn.vcf.gz"))) == (0 if negative else 1), name
        assert set(entry["outputs"]) == ({"json"} if negative else {"vcf", "tsv", "sample_status", "json"})
    for log in (
        "logs/resolve_samples.log",
        "logs/annotate/batch_1.log",
        "logs/annotate/batch_2.log",
        "logs/cohort.log",
        "logs/report/part_1_of_2.log",
        "logs/report/part_2_of_2.log",
        "logs/collect_reports.log",
        "logs/benchmarks/annotate/batch_1.tsv",
        "logs/benchmarks/cohort.tsv",
        "logs/benchmarks/report/part_2_of_2.tsv",
    ):
        assert (workdir / log).is_file(), log
    assert not (workdir / "logs" / "report" / "PATIENT_HOM_E77X.log").exists()
    report_log = (workdir / "logs" / "report" / "part_1_of_2.log").read_text()
    # 16 reports (flagged samples): 8 + 8. DELLY_HET_EXON2_3, EXPLICIT_DEL, SYMBOLIC_DEL (PVS1_Strong deletions)
    # are VUS; the c.76C>T/c.133C>T pair samples are carriers (c.133C>T p.(Gln45Ter) deduced without a FASTA)
    assert report_log.count(".report.pdf") == 8
    assert "il1rn-annot annotate" in out and "il1rn-annot report --samples-from" in out  # printshellcmds
    assert out.count("il1rn-annot report ") == 2
    again = check(snakemake(workdir, "--cores", "2", "-n"))
    assert "Nothing to be done" in again.stdout + again.stderr
    # other --cores (the profile's 4): finished batches and report parts are kept, nothing re-runs
    again = check(snakemake(workdir, "-n"))
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout
    # reports: all (22 samples that could be read) would be 2 new report jobs on 2 cores
    everyone = check(snakemake(workdir, "--cores", "2", "-n", "--config", "reports=all"))
    counts = job_counts(everyone.stdout + everyone.stderr)
    assert counts == {"report": 2, "collect_reports": 1, "all": 1, "total": 4}, counts


@pytest.mark.slow
def test_snakemake_report_zip(demo_run):
    workdir, _ = demo_run
    check(snakemake(workdir, "--report", "report.zip"))
    with zipfile.ZipFile(workdir / "report.zip") as archive:
        names = archive.namelist()
        page = archive.read("report/report.html").decode("utf-8")
    assert any(n.endswith("summary.tsv") for n in names)
    assert any(n.endswith("PATIENT_HOM_E77X.report.pdf") for n in names)
    flagged = {s for s, status in DEMO_EXPECTED.items() if status in FLAGGED}
    assert {n.rsplit("/", 1)[-1] for n in names if ".report." in n} == {
        f"{safe_name(s)}.report.{ext}" for s in flagged for ext in ("html", "pdf")
    }
    assert "screened the cohort" in page and "2. Lab reports" in page and "consistent_with_DIRA" in page


@pytest.mark.slow
def test_a_copied_project_is_up_to_date_and_a_deleted_report_fails_the_run(demo_run, tmp_path):
    """`cp -a` of a finished project reruns nothing (the identity params hold relative paths,
    sizes and mtimes, which a copy keeps). A report deleted from results/reports/ after a
    complete run was "Nothing to be done" with exit 0 (the folder is one Snakemake output):
    now the run, and the dry run, fail naming the sample and the command that repairs it."""
    source, _ = demo_run
    workdir = tmp_path / "copy"
    shutil.copytree(source, workdir, symlinks=True)  # copy2: mtimes to the nanosecond, as cp -a
    assert "Nothing to be done" in (lambda r: r.stdout + r.stderr)(check(snakemake(workdir, "--cores", "2", "-n")))
    (workdir / "results" / "reports" / "CARRIER_Q54X.report.pdf").unlink()
    (workdir / "results" / "reports" / "FAM1_MOTHER.report.html").write_bytes(b"")
    for args in (["-n"], []):
        failed = snakemake(workdir, "--cores", "2", *args)
        out = failed.stdout + failed.stderr
        assert failed.returncode != 0, out
        assert "sample 'CARRIER_Q54X' (carrier): CARRIER_Q54X.report.pdf" in out, out
        assert "sample 'FAM1_MOTHER' (carrier): FAM1_MOTHER.report.html" in out, out
        assert "--forcerun collect_reports" in out
    # no false alarm when the folder is written again anyway: other samples chosen
    everyone = check(snakemake(workdir, "--cores", "2", "-n", "--config", "reports=all"))
    assert job_counts(everyone.stdout)["collect_reports"] == 1
    # the command it names plans the report jobs again (the parts are temporary)
    counts = job_counts(check(snakemake(workdir, "--cores", "2", "-n", "--forcerun", "collect_reports")).stdout)
    assert counts == {"report": 2, "collect_reports": 1, "all": 1, "total": 4}, counts


# ---- a mixed cohort: corrupt file, screened joint VCF, clashing file names, unsafe ID ------


@pytest.mark.slow
def test_corrupt_vcf_screened_vcf_clashing_names_unsafe_id(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    data = workdir / "test_data"
    # a second file named like the patient's, holding the carrier (another run's folder)
    (data / "run2").mkdir()
    shutil.copy(data / "deepvariant.CARRIER_Q54X.g.vcf.gz", data / "run2" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz")
    shutil.copy(data / "deepvariant.CARRIER_Q54X.g.vcf.gz.tbi", data / "run2" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz.tbi")
    # a truncated bgzipped VCF
    (data / "broken.vcf.gz").write_bytes((data / "manta.DEL175_HOM.vcf.gz").read_bytes()[:700])
    # a sample ID with a space, a slash and a non-ASCII letter, in a file name with a space
    weird = "Pat 07/β"
    with gzip.open(data / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", "rt") as handle:
        text = handle.read()
    (data / "weird name.vcf").write_text(text.replace("PATIENT_HOM_E77X", weird), encoding="utf-8")
    (workdir / "cohort.tsv").write_text(
        "sample\tvcf\tnote\n"
        "PATIENT_HOM_E77X\ttest_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\t\n"
        "CARRIER_Q54X\ttest_data/run2/gatk_hc.PATIENT_HOM_E77X.vcf.gz\tsame file name\n"
        f"{weird}\ttest_data/weird name.vcf\t\n"
        "BROKEN_SAMPLE\ttest_data/broken.vcf.gz\ttruncated\n"
        "EXOME_CN1\ttest_data/cnv_symbolic_mix.vcf\tthe file also holds EXOME_CN0\n",
        encoding="utf-8",
    )

    check(
        snakemake(
            workdir,
            "--cores",
            "2",
            "--config",
            "samples=cohort.tsv",
            "batch_size=2",
            'screen_vcfs=["test_data/delly.cohort.bcf"]',
            "report_date=2026-01-02",
        )
    )

    found = statuses(workdir)
    # EXOME_CN0 is not in the sheet; the cohort step may list it as another sample of a listed file
    assert found.pop("EXOME_CN0", "consistent_with_DIRA") == "consistent_with_DIRA"
    assert found == {
        "PATIENT_HOM_E77X": "consistent_with_DIRA",
        "CARRIER_Q54X": "carrier",
        weird: "consistent_with_DIRA",
        "BROKEN_SAMPLE": "input_error",
        "EXOME_CN1": "carrier",
        "DELLY_HET_EXON2_3": "uncertain_significance",
        "DELLY_REF": "not_assessable",
    }
    broken = next(r for r in read_tsv(workdir / "results/cohort/summary.tsv") if r["sample"] == "BROKEN_SAMPLE")
    assert "truncated" in broken["status_sentence"] + broken.get("error", "") + broken["evidence"]
    # every flagged sample of the summary has its report (no dangling link in summary.html)
    flagged = {s for s, status in statuses(workdir).items() if status in FLAGGED}
    assert {"PATIENT_HOM_E77X", "CARRIER_Q54X", weird, "EXOME_CN1"} <= flagged
    assert_reports(workdir, flagged)
    assert safe_name(weird) != weird
    manifest = json.loads((workdir / "results/annotations/batch_1/manifest.json").read_text())
    stamp = json.loads(Path(workdir, manifest["inputs"][0]["outputs"]["json"]).read_text())
    assert stamp["provenance"]["generated_at"].startswith("2026-01-02")  # report_date pins the date
    # the two files named gatk_hc.PATIENT_HOM_E77X.* went to different batches: nothing overwritten
    annotations = workdir / "results" / "annotations"
    # 6 files, 2 per batch; the second gatk_hc.PATIENT_HOM_E77X.vcf.gz cannot join the first;
    # the third batch would run alone on the 2 cores: split in two
    assert sorted(p.name for p in annotations.iterdir()) == ["batch_1", "batch_2", "batch_3", "batch_4"]
    holders = sorted(p.parent.name for p in annotations.glob("*/gatk_hc.PATIENT_HOM_E77X.il1rn.json"))
    assert holders == ["batch_1", "batch_2"]
    held = {
        b: [
            x["sample"]
            for x in json.loads((annotations / b / "gatk_hc.PATIENT_HOM_E77X.il1rn.json").read_text())["samples"]
        ]
        for b in holders
    }
    assert held == {"batch_1": ["PATIENT_HOM_E77X"], "batch_2": ["CARRIER_Q54X"]}
    resolved = read_tsv(workdir / "results" / "samplesheet" / "resolved_sheet.tsv")
    assert [r["sample"] for r in resolved][-2:] == ["DELLY_HET_EXON2_3", "DELLY_REF"]


# ---- dry runs: which jobs ----------------------------------------------------------------


def test_dry_run_lists_the_expected_jobs(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    result = check(snakemake(workdir, "-n", "--config", "batch_size=4"))
    out = result.stdout + result.stderr
    # 11 distinct files in config/samples.tsv -> 3 batches of at most 4, split to one per core
    # (the default profile's cores: 4): 3, 3, 3, 2; reports come after the checkpoint
    assert job_counts(out) == {"annotate": 4, "resolve_samples": 1, "cohort": 1, "all": 1, "total": 7}
    for i in (1, 2, 3, 4):
        assert f"results/annotations/batch_{i}" in out
    assert "checkpoint" in out.lower()
    one_core = check(snakemake(workdir, "-n", "--cores", "1", "--config", "batch_size=4"))
    assert job_counts(one_core.stdout + one_core.stderr)["annotate"] == 3
    # --jobs, as cluster profiles set it: plain batch_size batches (a SLURM job re-plans alone)
    cluster_like = check(snakemake(workdir, "-n", "--jobs", "10", "--config", "batch_size=4"))
    assert job_counts(cluster_like.stdout + cluster_like.stderr)["annotate"] == 3


def test_reports_none_warns_that_an_earlier_reports_folder_is_not_updated(tmp_path):
    """`reports: none` after a run that wrote reports left results/reports/ as it was, with no
    word, although the new run may change a result (a report saying consistent_with_DIRA
    beside a summary saying carrier): each run now says the folder is not updated."""
    workdir = copy_workflow(tmp_path / "wf")
    none = check(snakemake(workdir, "-n", "--cores", "1", "--config", "reports=none"))
    assert "not update" not in none.stdout + none.stderr  # no earlier reports: nothing to say
    (workdir / "results" / "reports").mkdir(parents=True)
    (workdir / "results" / "reports" / "PATIENT_HOM_E77X.report.html").write_text("<html>earlier</html>")
    none = check(snakemake(workdir, "-n", "--cores", "1", "--config", "reports=none"))
    assert (
        "reports: none: results/reports/ holds lab reports of an earlier run, which this run does not update"
        in " ".join((none.stdout + none.stderr).split())
    )
    flagged = check(snakemake(workdir, "-n", "--cores", "1"))
    assert "does not update" not in flagged.stdout + flagged.stderr


def test_dry_run_1000_files_is_a_handful_of_jobs_filling_the_cores(tmp_path):
    workdir = copy_workflow(tmp_path / "wf", with_test_data=False)
    data = workdir / "vcfs"
    data.mkdir()
    demo = REPO / "test_data" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
    lines = ["sample\tvcf"]
    for i in range(1, 1001):
        shutil.copyfile(demo, data / f"S{i:04d}.vcf.gz")
        lines.append(f"S{i:04d}\tvcfs/S{i:04d}.vcf.gz")
    (workdir / "big.tsv").write_text("\n".join(lines) + "\n")
    # batch_size 500 (the default): one round of equal jobs on every core (2 cores: 2 x 500; 4: 4 x
    # 250; 5: 5 x 200); with batch_size 200, 5 batches of 200 would leave a job alone at the end,
    # and the files are cut into full rounds of equal jobs instead (2 cores: 6 x 167)
    for cores, annotate, size in (("2", 2, "500"), ("4", 4, "500"), ("5", 5, "500"), ("2", 6, "200")):
        result = check(snakemake(workdir, "-n", "--cores", cores, "--config", "samples=big.tsv", f"batch_size={size}"))
        assert job_counts(result.stdout + result.stderr) == {
            "annotate": annotate,
            "resolve_samples": 1,
            "cohort": 1,
            "all": 1,
            "total": annotate + 3,
        }, cores


def test_a_big_joint_vcf_gets_an_annotate_job_with_threads(tmp_path):
    """A screened joint VCF of 600 samples is read by several processes (capped at --cores)."""
    import pysam

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import vcf_text

    workdir = copy_workflow(tmp_path / "wf")
    samples = [f"P{i:04d}" for i in range(600)]
    record = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t" + "\t".join(["0/0"] * 599 + ["0/1"])
    (workdir / "joint.vcf").write_text(vcf_text([record], samples))
    pysam.tabix_index(str(workdir / "joint.vcf"), preset="vcf", force=True)
    (workdir / "screen.yaml").write_text("screen_vcfs: [joint.vcf.gz]\n")
    result = check(snakemake(workdir, "-n", "-p", "--cores", "3", "--configfile", "screen.yaml"))
    out = result.stdout + result.stderr
    commands = [line for line in out.splitlines() if "il1rn-annot annotate" in line]
    joint = [c for c in commands if "joint.vcf.gz" in c]
    assert len(joint) == 1 and "--threads 3" in joint[0]  # joint_vcf_threads 4, capped at 3 cores
    assert all("--threads 1" in c for c in commands if c not in joint)  # small files: one process


# ---- conventions -------------------------------------------------------------------------


def test_lint_is_clean(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    result = snakemake(workdir, "--lint")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Lints for" not in out and "good condition" in out


def test_snakefmt_check():
    snakefmt = shutil.which("snakefmt", path=str(BIN)) or shutil.which("snakefmt")
    if snakefmt is None:
        pytest.skip("snakefmt not installed (pip install -e '.[test]')")
    result = subprocess.run([snakefmt, "--check", "Snakefile", "rules"], cwd=REPO, text=True, capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- refused inputs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_workflow(tmp_path_factory):
    return copy_workflow(tmp_path_factory.mktemp("bad"))


def refused(workdir: Path, *config: str) -> str:
    """Run (not dry-run: errors then go to stderr) and return stderr; nothing may have run."""
    result = snakemake(workdir, "--cores", "1", "--config", *config)
    assert result.returncode != 0, result.stdout + result.stderr
    assert not (workdir / "results").exists()
    return result.stderr


def test_sheet_without_vcf_column_is_refused(bare_workflow):
    (bare_workflow / "novcf.tsv").write_text(
        "sample\tfile\nPATIENT_HOM_E77X\ttest_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"
    )
    stderr = refused(bare_workflow, "samples=novcf.tsv")
    assert "novcf.tsv: header (line 1): missing column(s) 'vcf'" in stderr, stderr


def test_a_configured_file_that_does_not_exist_is_refused_by_key_and_path(bare_workflow):
    """A misspelt population_vcfs / clinvar_vcf / reference path stops the run before anything runs:
    Snakemake checks a rule's inputs only when the rule has to run, so after a finished run it said
    "Nothing to be done" and the old results stood as if made with the file."""
    stderr = refused(
        bare_workflow,
        "population_vcfs=['test_data/evidence/gnomad.missing.vcf.bgz']",
        "clinvar_vcf=clinvar_typo.vcf.gz",
    )
    assert "configured file(s) not found" in stderr, stderr
    assert "population_vcfs[0]: test_data/evidence/gnomad.missing.vcf.bgz" in stderr
    assert "clinvar_vcf: clinvar_typo.vcf.gz" in stderr


def test_sheet_problems_are_all_listed_by_row_and_column(bare_workflow):
    """Empty sample, missing file and duplicate (sample, vcf) row: one run names all three."""
    (bare_workflow / "bad.tsv").write_text(
        "sample\tvcf\n"
        "PATIENT_HOM_E77X\ttest_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"
        "\ttest_data/delly.cohort.bcf\n"
        "GHOST\ttest_data/ghost.vcf.gz\n"
        "PATIENT_HOM_E77X\t./test_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"
    )
    stderr = refused(bare_workflow, "samples=bad.tsv")
    assert "bad.tsv: row 2 (line 3), column 'sample': empty" in stderr, stderr
    assert "bad.tsv: row 3 (line 4), column 'vcf': file not found: test_data/ghost.vcf.gz" in stderr
    assert (
        "bad.tsv: row 4 (line 5), columns 'sample' and 'vcf': duplicate row: sample 'PATIENT_HOM_E77X' "
        "with file './test_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz' is already listed in row 1"
    ) in stderr


def test_unknown_config_key_is_refused(bare_workflow):
    assert "'batchsize' was unexpected" in refused(bare_workflow, "batchsize=10")


def test_missing_screen_vcf_is_refused(bare_workflow):
    stderr = refused(bare_workflow, 'screen_vcfs=["test_data/nowhere.vcf.gz"]')
    assert "screen_vcfs[0]: file not found: test_data/nowhere.vcf.gz" in stderr, stderr


@pytest.mark.parametrize(
    "override, expected",
    [
        ({"reports": "some"}, "'some' is not one of"),
        ({"batch_size": 0}, "less than the minimum"),
        ({"build": "hg19"}, "is not one of"),
        ({"screen_vcfs": "joint.vcf.gz"}, "is not of type 'array'"),
    ],
)
def test_config_schema(override, expected):
    import jsonschema
    import yaml

    schema = yaml.safe_load((REPO / "schemas" / "config.schema.yaml").read_text())
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    jsonschema.validate(config, schema)
    assert set(config) == set(schema["properties"])  # every key documented in the schema is shipped
    with pytest.raises(jsonschema.ValidationError, match=re.escape(expected)):
        jsonschema.validate({**config, **override}, schema)


def test_every_config_key_and_sheet_column_is_documented():
    import yaml

    readme = (REPO / "config" / "README.md").read_text()
    for schema in ("config.schema.yaml", "samples.schema.yaml"):
        for key in yaml.safe_load((REPO / "schemas" / schema).read_text())["properties"]:
            assert f"| `{key}` |" in readme, key


def test_schema_defaults_are_the_shipped_config():
    import yaml

    schema = yaml.safe_load((REPO / "schemas" / "config.schema.yaml").read_text())
    shipped = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert {key: spec["default"] for key, spec in schema["properties"].items()} == shipped


# ---- faults and reruns (issue 17) ----------------------------------------------------------


def run_and_kill(workdir: Path, started: Path, after: float, *args: str) -> None:
    """Run the workflow and SIGKILL it (its whole process group) `after` seconds after
    `started` appears; the run must not have finished by then."""
    import signal
    import time

    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("IL1RN_ANNOT_DATE", None)
    with open(workdir / "killed_run.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--cores", "2", *args],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while not started.exists():
                assert proc.poll() is None, f"the run ended before {started} appeared"
                assert time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(after)
            assert proc.poll() is None, "the run finished before it could be killed"
            os.killpg(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def hidden_leftovers(workdir: Path) -> list[str]:
    return [str(p.relative_to(workdir)) for p in (workdir / "results").rglob(".*.tmp*")]


@pytest.mark.slow
@pytest.mark.parametrize("rerun_incomplete", [False, True], ids=["rerun", "rerun-incomplete"])
def test_kill_during_the_report_step_then_rerun_gives_every_report(tmp_path, rerun_incomplete):
    """issue 17: SIGKILL ~1 s after the first report job started, `--unlock`, rerun: the rerun
    said "100% done" with 2 HTML files, no PDF and 19 dangling links in summary.tsv. A report
    part is now put in place only when complete, so the rerun writes the parts again."""
    workdir = copy_workflow(tmp_path / "wf")
    run_and_kill(workdir, workdir / "logs" / "report", 1.0)
    assert not (workdir / "results" / "reports").exists(), "killed too late: the reports were collected"
    # no part folder survives as if it were complete (only hidden staging folders)
    parts = workdir / "results" / "report_parts"
    assert not [p for p in parts.iterdir() if not p.name.startswith(".")] if parts.exists() else True
    check(snakemake(workdir, "--unlock"))
    again = check(snakemake(workdir, "--cores", "2", *(["--rerun-incomplete"] if rerun_incomplete else [])))
    assert "report" in job_counts(again.stdout + again.stderr)
    assert_reports(workdir, {s for s, status in DEMO_EXPECTED.items() if status in FLAGGED})
    assert hidden_leftovers(workdir) == []
    assert "Nothing to be done" in (lambda r: r.stdout + r.stderr)(check(snakemake(workdir, "--cores", "2", "-n")))


def test_collect_reports_refuses_an_incomplete_part_and_a_missing_linked_report(tmp_path):
    """The check the workflow's collect_reports job makes: it fails (exit 2) instead of
    publishing a reports folder that the summary's links do not match."""
    from il1rn_annot.workflow.cli import main as samplesheet_main

    part = tmp_path / "part_1_of_1"
    part.mkdir()
    (part / "A.report.html").write_text("<html>A</html>")
    (part / "A.report.pdf").write_bytes(b"%PDF-1.7 A")
    summary = tmp_path / "summary.tsv"
    summary.write_text(
        "sample\tdira_status\treport\nA\tcarrier\t../reports/A.report.html\n"
        "B\tconsistent_with_DIRA\t../reports/B.report.html\nC\tno_pathogenic_variant_detected\t\n"
    )
    out = tmp_path / "reports"
    # a part without its record: a job killed half-way (or a folder from an older version)
    assert samplesheet_main(["collect-reports", str(part), "--summary", str(summary), "-o", str(out)]) == 2
    assert not out.exists()
    (part / ".part.json").write_text(json.dumps({"samples": ["A"], "files": ["A.report.html", "A.report.pdf"]}))
    # complete part, but the summary links B's report, which no part holds
    assert samplesheet_main(["collect-reports", str(part), "--summary", str(summary), "-o", str(out)]) == 2
    assert not out.exists()
    summary.write_text("sample\tdira_status\treport\nA\tcarrier\t../reports/A.report.html\n")
    (part / "A.report.pdf").unlink()  # listed in the record, gone from the folder
    assert samplesheet_main(["collect-reports", str(part), "--summary", str(summary), "-o", str(out)]) == 2
    (part / "A.report.pdf").write_bytes(b"%PDF-1.7 A")
    assert samplesheet_main(["collect-reports", str(part), "--summary", str(summary), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".parts.json", "A.report.html", "A.report.pdf"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_collect_reports_names_each_missing_report(tmp_path, capsys):
    from il1rn_annot.workflow.cli import main as samplesheet_main

    part = tmp_path / "p"
    part.mkdir()
    (part / ".part.json").write_text(json.dumps({"samples": [], "files": []}))
    summary = tmp_path / "summary.tsv"
    summary.write_text("sample\tdira_status\treport\nPAT 1\tconsistent_with_DIRA\t../reports/PAT_1-x.report.html\n")
    assert samplesheet_main(["collect-reports", str(part), "--summary", str(summary), "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert (
        "links a report that is missing: sample 'PAT 1' (consistent_with_DIRA): PAT_1-x.report.html, "
        "PAT_1-x.report.pdf not written"
    ) in err


def small_sheet(workdir: Path) -> str:
    (workdir / "two.tsv").write_text(
        "sample\tvcf\n"
        "PATIENT_HOM_E77X\ttest_data/gatk_hc.PATIENT_HOM_E77X.vcf.gz\n"
        "CARRIER_Q54X\ttest_data/deepvariant.CARRIER_Q54X.g.vcf.gz\n"
    )
    return "samples=two.tsv"


@pytest.mark.slow
def test_full_disk_under_annotations_fails_the_workflow_and_a_rerun_recovers(tmp_path):
    """issue 17: with results/annotations on a full file system the workflow exited 0 with the
    patient as input_error ("this is a bug"), and stayed so after space returned."""
    workdir = copy_workflow(tmp_path / "wf")
    annotations = workdir / "results" / "annotations"
    annotations.mkdir(parents=True)
    with mounted_tmpfs(annotations, "64k", "the full-disk workflow test"):
        fill_file_system(annotations)
        failed = snakemake(workdir, "--cores", "1", "--config", small_sheet(workdir))
        assert failed.returncode != 0, failed.stdout + failed.stderr
        log = (workdir / "logs" / "annotate" / "batch_1.log").read_text()
        assert "no space left on the device" in log and "bug" not in log, log
        assert not (workdir / "results" / "cohort" / "summary.tsv").exists()
    check(snakemake(workdir, "--unlock"))
    check(snakemake(workdir, "--cores", "1", "--config", small_sheet(workdir)))
    assert statuses(workdir) == {"PATIENT_HOM_E77X": "consistent_with_DIRA", "CARRIER_Q54X": "carrier"}


def _dry_reasons(workdir: Path, *config: str) -> tuple[dict[str, int], str]:
    result = check(snakemake(workdir, "--cores", "1", "-n", "--config", *config))
    out = result.stdout + result.stderr
    return (job_counts(out) if "Job stats:" in out else {}), out


@pytest.mark.slow
def test_an_input_replaced_with_an_older_mtime_is_noticed(tmp_path):
    """issue 17: other content with an OLDER mtime (cp -p, rsync -a) triggered nothing. The
    rules' params carry each input's size and mtime_ns: any change re-runs the job."""
    workdir = copy_workflow(tmp_path / "wf")
    sheet = small_sheet(workdir)
    check(snakemake(workdir, "--cores", "1", "--config", sheet))
    assert statuses(workdir)["PATIENT_HOM_E77X"] == "consistent_with_DIRA"
    manifest = json.loads((workdir / "results/annotations/batch_1/manifest.json").read_text())
    entry = next(e for e in manifest["inputs"] if "PATIENT" in e["input"])
    target = workdir / "test_data" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
    assert entry["identity"] == {
        "size": target.stat().st_size,
        "mtime_ns": target.stat().st_mtime_ns,
        "sha256": "",  # indexed: identified without a whole-file read (issue 19)
        "checksum": "locus",
        "fingerprint": entry["identity"]["fingerprint"],
    }
    assert _dry_reasons(workdir, sheet)[0] == {}
    # the patient's file replaced by a corrected call (1/1 -> 0/1), dated a year earlier
    import pysam

    with gzip.open(target, "rt") as handle:
        text = handle.read().replace("GT:AD:DP:GQ:PL\t1/1:0,28:28", "GT:AD:DP:GQ:PL\t0/1:14,14:28")
    staged = tmp_path / "corrected.vcf"
    staged.write_text(text)
    pysam.tabix_compress(str(staged), str(staged) + ".gz", force=True)
    old = target.stat().st_mtime - 365 * 86400
    shutil.copyfile(str(staged) + ".gz", target)
    pysam.tabix_index(str(target), preset="vcf", force=True)
    os.utime(target, (old, old))
    os.utime(str(target) + ".tbi", (old + 1, old + 1))
    counts, out = _dry_reasons(workdir, sheet)
    assert counts.get("annotate") == 1 and counts.get("cohort") == 1, out
    assert "Params have changed" in out
    check(snakemake(workdir, "--cores", "1", "--config", sheet))
    assert statuses(workdir)["PATIENT_HOM_E77X"] == "carrier"


@pytest.mark.slow
def test_editing_the_shipped_knowledge_base_reruns_the_steps(tmp_path):
    """issue 17: with `knowledge_base: ""` (the shipped one) an edit of resources/knowledge_base/
    re-ran nothing. Its files are now inputs (newer mtime) and in the params (older mtime)."""
    workdir = copy_workflow(tmp_path / "wf")
    sheet = small_sheet(workdir)
    check(snakemake(workdir, "--cores", "1", "--config", sheet))
    variants = workdir / "resources" / "knowledge_base" / "references.yaml"
    variants.write_text(variants.read_text() + "# a curator's note\n")
    counts, out = _dry_reasons(workdir, sheet)
    assert counts.get("annotate") == 1 and counts.get("cohort") == 1 and counts.get("resolve_samples") is None, out
    assert "Updated input files" in out or "Params have changed" in out
    check(snakemake(workdir, "--cores", "1", "--config", sheet))
    assert _dry_reasons(workdir, sheet)[0] == {}
    # an edit dated in the past (restored from a backup with cp -p): still noticed
    old = variants.stat().st_mtime - 30 * 86400
    variants.write_text(variants.read_text() + "# another note\n")
    os.utime(variants, (old, old))
    counts, out = _dry_reasons(workdir, sheet)
    assert counts.get("annotate") == 1 and "Params have changed" in out, out


def _tsv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
