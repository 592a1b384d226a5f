#!/usr/bin/env bash
# Install the SLURM + munge packages needed by tests/slurm (live single-node
# SLURM started by the pytest fixture). Idempotent: does nothing when the
# binaries are already there. Always exits 0 -- if the install fails, the
# slurm tests skip themselves with a reason.
#
# Usage (as root, or with passwordless sudo):  bash .ci/slurm_setup.sh
set -u

have_all() {
    local b
    for b in slurmctld slurmd munged sbatch squeue sinfo scontrol scancel srun; do
        PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null 2>&1 || return 1
    done
}

if have_all; then
    echo "slurm_setup: slurm-wlm and munge already installed; nothing to do."
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "slurm_setup: not root and no passwordless sudo; skipping install" \
         "(tests/slurm will be skipped)." >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "slurm_setup: apt-get not available; skipping install" \
         "(tests/slurm will be skipped)." >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if "${SUDO[@]}" apt-get update -qq \
    && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends slurm-wlm munge; then
    echo "slurm_setup: installed slurm-wlm and munge."
else
    echo "slurm_setup: apt-get install slurm-wlm munge failed" \
         "(tests/slurm will be skipped)." >&2
fi

# The Debian packages may start system slurmctld/slurmd/munged services where
# systemd runs. The test fixture does not need them: it runs its own munged
# and SLURM daemons on free ports with a private config and key.
exit 0
