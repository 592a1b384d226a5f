"""pytest wiring for the live-SLURM tests (see cluster.py)."""

from __future__ import annotations

import pytest

from .cluster import SlurmCluster, SlurmUnavailable, live_slurm_cluster


@pytest.fixture(scope="session")
def slurm_cluster() -> SlurmCluster:
    """A private single-node SLURM cluster for the whole test session.

    Usage::

        @pytest.mark.slurm
        def test_x(slurm_cluster, tmp_path):
            r = slurm_cluster.snakemake("--snakefile", "Snakefile", cwd=tmp_path)
            # or: subprocess.run(["snakemake", ..., *slurm_cluster.snakemake_args],
            #                    env=slurm_cluster.env, cwd=tmp_path)

    Skips (with the daemon log tail) if SLURM cannot be started here.
    """
    cm = live_slurm_cluster()
    try:
        cluster = cm.__enter__()
    except SlurmUnavailable as e:
        pytest.skip(f"live SLURM unavailable: {e}")
    try:
        yield cluster
    finally:
        cm.__exit__(None, None, None)
