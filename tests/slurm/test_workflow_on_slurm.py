"""The real il1rn-annot workflow (Snakefile, rules/, config/) end to end.

* ``test_demo_cohort_same_results_locally_and_on_slurm`` (``slurm``): the demo cohort
  (config/samples.tsv) run locally and through the live single-node SLURM of
  ``conftest.slurm_cluster``, each in its own copy of the workflow; cohort tables,
  annotations and the set of lab reports must be the same. Prints the wall time of the
  cluster run and the number of SLURM jobs (``pytest -s`` shows them).
* ``test_workflow_runs_from_read_only_checkout``: the workflow code is chmod a-w and run
  with ``--directory`` elsewhere; nothing inside the checkout may change (root ignores
  the permission bits, so a listing with sizes, modes and mtimes is compared).
* ``test_dry_run_1000_files_through_slurm_profile``: a 1,000-file cohort through
  ``--profile profiles/slurm`` (dry run, needs no cluster) is a handful of jobs.

The last two need no live SLURM (no ``slurm`` marker, no fixture): they also run where
the cluster is unavailable; the dry run only needs snakemake-executor-plugin-slurm.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from .cluster import snakemake_slurm_args

REPO = Path(__file__).resolve().parents[2]

# Everything a checkout of the workflow needs to run (rules name envs/ for --sdm conda;
# snakemake records the env file in its metadata even without conda).
WORKFLOW_ITEMS = (
    "Snakefile", "rules", "config", "schemas", "snakemake_report", "resources",
    "test_data", "profiles", "envs",
)  # fmt: skip
REPORT_DATE = "2026-01-01"  # config key `report_date`: pins dates in every output
# Rules that never become cluster jobs: `localrules: resolve_samples` in
# rules/cohort.smk, and the target rule `all` (no shell/run: handled by the main process).
LOCAL_RULES = {"resolve_samples", "collect_reports", "all"}
# "Job 7 has been submitted with SLURM jobid 21 (log: .../slurm_logs/rule_report/P1/21.log)."
SUBMITTED_RE = re.compile(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: .*?/slurm_logs/rule_([^/]+)/")

pytestmark = pytest.mark.skipif(not (REPO / "Snakefile").is_file(), reason="workflow Snakefile not present")


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default os.environ) with this interpreter's bin dir first on PATH: the
    rules call ``il1rn-annot`` and ``python -m il1rn_annot...``, which must be the ones
    of the environment running the tests (SLURM jobs inherit PATH via --export=ALL)."""
    env = dict(os.environ if base is None else base)
    env.pop("SNAKEMAKE_PROFILE", None)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", os.defpath)])
    return env


def _freeze_package(dest: Path) -> str:
    """Copy the il1rn_annot sources (installed editable from REPO/src) and the shipped
    knowledge base (found from the package as ../../resources/knowledge_base) to dest and
    return a PYTHONPATH that makes every process of both runs (SLURM jobs inherit the
    environment) import that copy: both runs then use the same code and knowledge base
    even while the checkout is being edited."""
    import il1rn_annot

    pkg = Path(il1rn_annot.__file__).resolve().parent
    shutil.copytree(pkg, dest / "src" / pkg.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(pkg.parents[1] / "resources", dest / "resources")
    return str(dest / "src")


def _copy_workflow(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in WORKFLOW_ITEMS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(
                src, dest / name, symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__", ".snakemake", "results", "logs"),
            )  # fmt: skip
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def _snakemake_local(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd, env=env or _env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _finish(proc: subprocess.Popen, timeout: float, what: str) -> str:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"{what} timed out after {timeout:.0f}s:\n{out[-6000:]}")
    assert proc.returncode == 0, f"{what} failed (rc={proc.returncode}):\n{out[-6000:]}"
    return out


def _rel_files(root: Path, pattern: str = "**/*") -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.glob(pattern)
        if p.is_file() and not p.name.startswith(".snakemake")
    }


def _json_diffs(a, b, where: str = "") -> list[tuple[str, object, object]]:
    """(JSON path, value a, value b) of every leaf that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _json_diffs(a.get(k, "<missing>"), b.get(k, "<missing>"), f"{where}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += _json_diffs(x, y, f"{where}/{i}")
        return out
    return [] if a == b else [(where or "/", a, b)]


_TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?")


def _volatile(value_a, value_b, dir_a: Path, dir_b: Path) -> bool:
    """Differs only by the run directory (absolute path) or by a timestamp."""
    if not (isinstance(value_a, str) and isinstance(value_b, str)):
        return False
    na = value_a.replace(str(dir_a), "<RUNDIR>")
    nb = value_b.replace(str(dir_b), "<RUNDIR>")
    if na == nb:
        return True
    return bool(_TIMESTAMP_RE.search(value_a) and _TIMESTAMP_RE.search(value_b)) and (
        _TIMESTAMP_RE.sub("<TS>", na) == _TIMESTAMP_RE.sub("<TS>", nb)
    )


def _text_diff(a: Path, b: Path) -> str:
    return "".join(
        difflib.unified_diff(
            a.read_text(errors="replace").splitlines(True),
            b.read_text(errors="replace").splitlines(True),
            str(a), str(b), n=1,
        )
    )[:3000]  # fmt: skip


def _compare_results(local: Path, cluster: Path) -> list[str]:
    """Assert the two runs' outputs agree; return the JSON fields that differed only by
    run directory or timestamp (ignored, but to be reported)."""
    ra, rb = local / "results", cluster / "results"
    for name in ("summary.tsv", "alleles.tsv"):
        a, b = ra / "cohort" / name, rb / "cohort" / name
        assert a.is_file() and b.is_file(), f"cohort/{name} missing"
        assert a.read_bytes() == b.read_bytes(), f"cohort/{name} differs:\n{_text_diff(a, b)}"

    # A local run spreads the annotate batches over its cores, a cluster run keeps plain
    # batch_size batches (every cluster job must plan the same batches): the batch folders
    # differ by design, so outputs are compared by file name; manifests list batch paths.
    ann_a, ann_b = ra / "annotations", rb / "annotations"

    def by_name(root: Path) -> dict[str, Path]:
        found = {}
        for rel in _rel_files(root):
            name = Path(rel).name
            if name.endswith((".tsv", ".json")) and name not in BATCH_FILES:
                assert name not in found, f"{name} written twice"
                found[name] = root / rel
        return found

    # a batch's alleles.tsv / sample_status.tsv (every input's rows after an `input` column):
    # batches differ, so the rows of all batches are compared, in input order within a batch
    for table in ("alleles.tsv", "sample_status.tsv"):
        rows_a, rows_b = (
            sorted(
                line
                for rel in _rel_files(root)
                if Path(rel).name == table
                for line in (root / rel).read_text().splitlines()[1:]
            )
            for root in (ann_a, ann_b)
        )
        assert rows_a and rows_a == rows_b, f"annotations/*/{table} differ"
    paths_a, paths_b = by_name(ann_a), by_name(ann_b)
    files_a, files_b = set(paths_a), set(paths_b)
    assert files_a, "no annotation tables written"
    assert files_a == files_b, (
        f"annotation files differ: only local {sorted(files_a - files_b)}, only SLURM {sorted(files_b - files_a)}"
    )
    volatile: list[str] = []
    for rel in sorted(files_a):
        a, b = paths_a[rel], paths_b[rel]
        if a.read_bytes() == b.read_bytes():
            continue
        if rel.endswith(".tsv"):
            pytest.fail(f"annotations/{rel} differs:\n{_text_diff(a, b)}")
        diffs = _json_diffs(json.loads(a.read_text()), json.loads(b.read_text()))
        # the recorded command line names the batch's files and folder: batches differ by
        # design between a local and a cluster run (see above), the annotations must not
        real = [d for d in diffs if not _volatile(d[1], d[2], local, cluster) and d[0] != "/provenance/command_line"]
        assert not real, f"annotations/{rel} differs:\n" + "\n".join(
            f"  {p}: local={va!r:.200} slurm={vb!r:.200}" for p, va, vb in real[:20]
        )
        volatile += [f"annotations/{rel}:{p}" for p, _, _ in diffs]

    reports_a, reports_b = _rel_files(ra / "reports"), _rel_files(rb / "reports")
    assert reports_a, "no lab reports written for the demo cohort"
    assert reports_a == reports_b, (
        f"reports differ: only local {sorted(reports_a - reports_b)}, only SLURM {sorted(reports_b - reports_a)}"
    )
    return volatile


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every path under root (root included) with type, size, mode and mtime."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in ["", *dirnames, *filenames]:
            p = Path(dirpath, name) if name else Path(dirpath)
            st = p.lstat()
            snap[p.relative_to(root).as_posix()] = (
                stat.S_IFMT(st.st_mode), st.st_size, stat.S_IMODE(st.st_mode), st.st_mtime_ns,
            )  # fmt: skip
    return snap


def _chmod_tree(root: Path, writable: bool) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in ["", *dirnames, *filenames]:
            p = Path(dirpath, name) if name else Path(dirpath)
            if p.is_symlink():
                continue
            mode = stat.S_IMODE(p.lstat().st_mode)
            p.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


# --------------------------------------------------------------------------- #
# 1. demo cohort: local vs live SLURM
# --------------------------------------------------------------------------- #
BATCH_FILES = ("manifest.json", "alleles.tsv", "sample_status.tsv")


@pytest.mark.slurm
def test_demo_cohort_same_results_locally_and_on_slurm(slurm_cluster, tmp_path):
    local = _copy_workflow(tmp_path / "local")
    cluster_wd = _copy_workflow(tmp_path / "slurm")
    config = ["--config", f"report_date={REPORT_DATE}"]
    pythonpath = _freeze_package(tmp_path / "frozen")
    local_env = dict(_env(), PYTHONPATH=pythonpath)
    probe = subprocess.run(
        [sys.executable, "-c", "import il1rn_annot; print(il1rn_annot.__file__)"],
        env=local_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.startswith(pythonpath), probe.stdout
    # Submit every ready job at once (the repo profile allows 100): SLURM then starts
    # the next one as soon as a CPU is free instead of after Snakemake's next poll.
    cluster = dataclasses.replace(
        slurm_cluster,
        env=dict(_env(slurm_cluster.env), PYTHONPATH=pythonpath),
        snakemake_args=snakemake_slurm_args(slurm_cluster.partition, jobs=50),
    )

    # The local run is started first and runs while the SLURM run waits for its polls.
    t0 = time.monotonic()
    local_proc = _snakemake_local("--cores", "2", *config, cwd=local, env=local_env)
    try:
        t1 = time.monotonic()
        result = cluster.snakemake(*config, cwd=cluster_wd, timeout=420)
        cluster_wall = time.monotonic() - t1
        jobs_seen = {j["id"]: j for j in slurm_cluster.jobs()}
    finally:
        local_out = _finish(local_proc, timeout=420, what="local snakemake run")
    total_wall = time.monotonic() - t0

    assert result.returncode == 0, (
        f"snakemake on SLURM failed (rc={result.returncode}):\n{result.stdout[-8000:]}\n{slurm_cluster.log_tail(20)}"
    )
    assert "(100%) done" in result.stdout
    assert "(100%) done" in local_out

    # -- the rules really ran as SLURM jobs ---------------------------------- #
    submitted = dict(SUBMITTED_RE.findall(result.stdout))  # SLURM job id -> rule
    assert submitted, f"no SLURM submissions in the log:\n{result.stdout[-4000:]}"
    ctld_log = slurm_cluster.slurmctld_log.read_text(errors="replace")
    for jid, rule in submitted.items():
        assert f"_slurm_rpc_submit_batch_job: JobId={jid} " in ctld_log, jid
        job = jobs_seen.get(jid)
        if job is not None:
            assert job["state"] == "COMPLETED", job
            assert re.fullmatch(rf"rule_{rule}(_wildcards_.*)?", job["comment"]), job
        else:  # squeue forgets finished jobs after MinJobAge (300 s)
            assert f"_job_complete: JobId={jid} WEXITSTATUS 0" in ctld_log, jid
    per_rule = Counter(submitted.values())

    batches = sorted(p.name for p in (cluster_wd / "results" / "annotations").iterdir())
    n_reports = len(list((cluster_wd / "results" / "reports").glob("*.report.html")))
    # reports are rendered in parts (one process per part, report_batch_size samples each)
    assert set(per_rule) == {"annotate", "cohort", "report"}, per_rule
    assert per_rule["annotate"] == len(batches) and per_rule["cohort"] == 1, per_rule
    assert 1 <= per_rule["report"] <= n_reports, per_rule
    assert not LOCAL_RULES & set(per_rule), per_rule

    # -- same results ------------------------------------------------------- #
    volatile = _compare_results(local, cluster_wd)

    print(
        f"\n[slurm demo] cluster run wall time {cluster_wall:.1f}s "
        f"(local run in parallel; both done after {total_wall:.1f}s); "
        f"{len(submitted)} SLURM jobs: {dict(sorted(per_rule.items()))}; "
        f"{len(batches)} annotate batch(es), {n_reports} lab reports"
    )
    if volatile:
        print("[slurm demo] JSON fields that differ only by run dir/timestamp (ignored):")
        for field in volatile:
            print(f"  {field}")


# --------------------------------------------------------------------------- #
# 2. read-only checkout (local, no SLURM)
# --------------------------------------------------------------------------- #
def test_workflow_runs_from_read_only_checkout(tmp_path):
    checkout = _copy_workflow(tmp_path / "checkout")
    work = tmp_path / "work"
    work.mkdir()
    td = checkout / "test_data"
    # a small cohort that still runs every rule: an indexed VCF.gz with a flagged
    # sample (-> report), a BCF, and a plain un-indexed VCF (nothing may be indexed
    # next to the inputs); absolute paths, since relative ones are read from --directory
    sheet = work / "samples.tsv"
    sheet.write_text(
        "sample\tvcf\n"
        f"PATIENT_HOM_E77X\t{td / 'gatk_hc.PATIENT_HOM_E77X.vcf.gz'}\n"
        f"DELLY_REF\t{td / 'delly.cohort.bcf'}\n"
        f"EXOME_CN1\t{td / 'cnv_symbolic_mix.vcf'}\n"
    )

    before = _snapshot(checkout)
    _chmod_tree(checkout, writable=False)
    try:
        read_only = _snapshot(checkout)
        proc = _snakemake_local(
            "--snakefile", str(checkout / "Snakefile"),
            "--directory", str(work),
            # `configfile: "config/config.yaml"` is read from the working directory
            "--configfile", str(checkout / "config" / "config.yaml"),
            "--cores", "2",
            "--config", f"samples={sheet}", f"report_date={REPORT_DATE}",
            cwd=work,
        )  # fmt: skip
        out = _finish(proc, timeout=300, what="snakemake from a read-only checkout")
        after = _snapshot(checkout)
    finally:
        _chmod_tree(checkout, writable=True)

    changed = sorted(p for p in set(read_only) | set(after) if read_only.get(p) != after.get(p))
    assert not changed, "the run wrote inside the read-only checkout:\n" + "\n".join(
        f"  {p}: {read_only.get(p)} -> {after.get(p)}" for p in changed[:30]
    )
    assert set(before) == set(after)
    assert "(100%) done" in out
    results = work / "results"
    assert (results / "cohort" / "summary.tsv").is_file()
    assert (results / "reports" / "PATIENT_HOM_E77X.report.pdf").is_file()
    assert (work / ".snakemake").is_dir()


# --------------------------------------------------------------------------- #
# 3. 1,000-file cohort: dry run through the slurm profile
# --------------------------------------------------------------------------- #
_TINY_VCF_HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
    "chr2\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT\t0/1\n"
)


def test_dry_run_1000_files_through_slurm_profile(tmp_path):
    pytest.importorskip("snakemake_executor_plugin_slurm")
    n_files = 1000
    wf = _copy_workflow(tmp_path / "wf")
    vcf_dir = wf / "cohort1000"
    vcf_dir.mkdir()
    rows = ["sample\tvcf"]
    for i in range(1, n_files + 1):
        sample = f"S{i:04d}"
        (vcf_dir / f"{sample}.vcf").write_text(_TINY_VCF_HEADER.format(sample=sample))
        rows.append(f"{sample}\tcohort1000/{sample}.vcf")
    (wf / "cohort1000.tsv").write_text("\n".join(rows) + "\n")

    env = _env()
    for var in ("IL1RN_SLURM_ACCOUNT", "IL1RN_SLURM_PARTITION", "IL1RN_SLURM_STATUS_COMMAND"):
        env.pop(var, None)
    r = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--profile", "profiles/slurm",
         "--config", "samples=cohort1000.tsv", f"report_date={REPORT_DATE}"],
        cwd=wf, env=env, timeout=180, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert r.returncode == 0, f"dry run failed (rc={r.returncode}):\n{r.stdout[-6000:]}"
    assert "profiles/slurm" in r.stdout

    stats = re.search(r"Job stats:\n.*?\n-+\s+-+\n(.*?)\ntotal\s+(\d+)", r.stdout, re.S)
    assert stats, r.stdout[-4000:]
    counts = {rule: int(n) for rule, n in (ln.split() for ln in stats.group(1).splitlines() if ln.strip())}
    total = int(stats.group(2))
    assert sum(counts.values()) == total
    cluster_jobs = sum(n for rule, n in counts.items() if rule not in LOCAL_RULES)

    batch_size = yaml.safe_load((wf / "config" / "config.yaml").read_text())["batch_size"]
    assert counts.get("annotate") == math.ceil(n_files / batch_size), counts
    assert counts.get("cohort") == 1, counts
    assert cluster_jobs <= 10, f"{cluster_jobs} cluster jobs for {n_files} files: {counts}"
    print(
        f"\n[slurm dry-run] {n_files} input files -> {total} jobs, {cluster_jobs} of them "
        f"SLURM jobs ({counts}); lab-report jobs come after the cohort checkpoint and are "
        "not in a dry run"
    )
