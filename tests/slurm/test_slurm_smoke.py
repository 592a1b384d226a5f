"""Smoke test: a 2-rule Snakefile through snakemake-executor-plugin-slurm
against the live single-node SLURM from conftest.slurm_cluster."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SNAKEFILE = textwrap.dedent(
    """
    localrules: all

    rule all:
        input: "b.txt", "a.jobid", "b.jobid"

    rule a:
        output: txt="a.txt", jobid="a.jobid"
        shell: "echo 'hello from slurm' > {output.txt}; echo ${{SLURM_JOB_ID:-none}} > {output.jobid}"

    rule b:
        input: "a.txt"
        output: txt="b.txt", jobid="b.jobid"
        shell: "tr a-z A-Z < {input} > {output.txt}; echo ${{SLURM_JOB_ID:-none}} > {output.jobid}"
    """
)


def _check_run(cluster, wd: Path, result) -> None:
    assert result.returncode == 0, (
        f"snakemake failed (rc={result.returncode}):\n{result.stdout[-6000:]}\n{cluster.log_tail(20)}"
    )
    assert (wd / "a.txt").read_text() == "hello from slurm\n"
    assert (wd / "b.txt").read_text() == "HELLO FROM SLURM\n"

    # the rules really ran inside SLURM allocations ...
    ids = {r: (wd / f"{r}.jobid").read_text().strip() for r in ("a", "b")}
    for rule, jid in ids.items():
        assert re.fullmatch(r"\d+", jid), f"rule {rule} did not run in a SLURM job: {jid!r}"
    assert ids["a"] != ids["b"]

    # ... which slurmctld knows about (squeue keeps finished jobs for MinJobAge)
    jobs = {j["id"]: j for j in cluster.jobs()}
    for rule, jid in ids.items():
        assert jid in jobs, f"job {jid} unknown to slurmctld: {jobs}"
        assert jobs[jid]["state"] == "COMPLETED", jobs[jid]
        assert jobs[jid]["comment"] == f"rule_{rule}", jobs[jid]
    ctld_log = cluster.slurmctld_log.read_text(errors="replace")
    for jid in ids.values():
        assert f"_slurm_rpc_submit_batch_job: JobId={jid} " in ctld_log
    assert "localrule all" in result.stdout


@pytest.mark.slurm
def test_two_rule_workflow_runs_through_live_slurm(slurm_cluster, tmp_path):
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    t0 = time.monotonic()
    result = slurm_cluster.snakemake(
        "--snakefile", "Snakefile", "--slurm-keep-successful-logs", cwd=tmp_path, timeout=180
    )
    elapsed = time.monotonic() - t0
    _check_run(slurm_cluster, tmp_path, result)

    # the plugin wrote one SLURM log per submitted job (kept on success only
    # because of --slurm-keep-successful-logs)
    for rule in ("a", "b"):
        jid = (tmp_path / f"{rule}.jobid").read_text().strip()
        log = tmp_path / ".snakemake" / "slurm_logs" / f"rule_{rule}" / f"{jid}.log"
        assert log.is_file(), sorted(p.name for p in (tmp_path / ".snakemake").rglob("*"))
        assert f"rule {rule}:" in log.read_text()
    assert elapsed < 120, f"tiny workflow took {elapsed:.0f}s through SLURM"


@pytest.mark.slurm
def test_repo_profile_runs_through_live_slurm(slurm_cluster, tmp_path):
    """profiles/slurm/config.yaml parses and works (partition via env var)."""
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    env = dict(
        slurm_cluster.env,
        IL1RN_SLURM_PARTITION=slurm_cluster.partition,
        # accounting_storage/none: sacct cannot report job states
        IL1RN_SLURM_STATUS_COMMAND="squeue",
    )
    env.pop("IL1RN_SLURM_ACCOUNT", None)  # no accounting -> no account

    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake", "--snakefile", "Snakefile",
            "--profile", str(REPO / "profiles" / "slurm"),
            # only make polling fast; everything else comes from the profile
            "--slurm-init-seconds-before-status-checks", "1",
            "--seconds-between-status-checks", "1",
        ],
        cwd=tmp_path, env=env, timeout=180, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    _check_run(slurm_cluster, tmp_path, result)
    assert "Using profile" in result.stdout
    assert f"slurm_partition={slurm_cluster.partition}" in result.stdout
