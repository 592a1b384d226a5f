"""Throw-away single-node SLURM cluster for integration tests.

``live_slurm_cluster()`` is a context manager that

* writes a minimal ``slurm.conf`` into a private temp dir (no accounting,
  ``proctrack/linuxproc``, ``task/none``, one partition ``debug``),
* starts a private ``munged`` (own key, socket and pid file in the temp dir;
  the system munge, if any, is left untouched),
* starts ``slurmctld -D`` and ``slurmd -D`` in the background,
* waits until ``sinfo`` reports the node ``idle``,
* yields a :class:`SlurmCluster` with ``env`` (pass it to every subprocess
  that talks to the cluster) and ``snakemake_args`` (append them to a
  ``snakemake`` command line to run through snakemake-executor-plugin-slurm),
* on exit cancels all jobs, stops every daemon it started by the PID it
  recorded, and removes the temp dir.

If the SLURM/munge binaries are missing, we are not root, or a daemon does not
come up, :class:`SlurmUnavailable` is raised (the pytest fixture in
``conftest.py`` turns that into ``pytest.skip`` with the log tail).

Nothing here needs pytest; it can also be used from a REPL::

    from tests.slurm.cluster import live_slurm_cluster
    with live_slurm_cluster() as c:
        c.run(["sinfo"])

Set ``IL1RN_SLURM_KEEP_TMP=1`` to keep the temp dir (logs, conf) for debugging.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PARTITION = "debug"
# Marker put into the environment of everything we start (daemons, snakemake,
# SLURM jobs inherit it via sbatch --export=ALL). Used only to find our own
# leftovers at teardown.
MARKER_VAR = "IL1RN_SLURM_TEST_CLUSTER"

_SBIN_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")
_DAEMONS = ("munged", "slurmctld", "slurmd")
_CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel", "srun")


class SlurmUnavailable(RuntimeError):
    """A live SLURM cluster cannot be provided on this machine."""


def snakemake_slurm_args(partition: str = PARTITION, jobs: int = 4) -> list[str]:
    """CLI args that make Snakemake 9 + snakemake-executor-plugin-slurm 2.8
    work against the accounting-less test cluster, fast.

    * ``--slurm-status-command squeue``: the plugin defaults to ``sacct``
      whenever the binary exists, but with ``accounting_storage/none`` sacct
      only prints "Slurm accounting storage is disabled" (exit 1); the plugin
      then never learns a job state. ``squeue --states=all`` sees finished
      jobs for ``MinJobAge`` (300 s, set in slurm.conf); the plugin keeps
      squeue only while MinJobAge >= 3 * init-seconds, which holds here.
    * ``--slurm-init-seconds-before-status-checks 1`` and
      ``--seconds-between-status-checks 1``: poll after 1 s instead of 40 s.
      (The plugin still adds +10 s to the interval after every poll in which
      no job finished, so a job's completion is seen within ~11 s.)
    * no ``slurm_account``: with accounting off, the plugin's account
      validation (sacctmgr/sshare) fails hard; without an account it only
      warns "Unable to guess SLURM account" and submits without ``-A``.
    """
    return [
        "--executor", "slurm",
        "--jobs", str(jobs),
        "--default-resources", f"slurm_partition={partition}",
        "--slurm-status-command", "squeue",
        "--slurm-init-seconds-before-status-checks", "1",
        "--seconds-between-status-checks", "1",
    ]  # fmt: skip


@dataclass
class SlurmCluster:
    """Handle to a running test cluster (yielded by :func:`live_slurm_cluster`)."""

    root: Path
    conf: Path
    hostname: str
    partition: str
    env: dict[str, str]
    snakemake_args: list[str]
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def slurmctld_log(self) -> Path:
        return self.root / "log" / "slurmctld.log"

    @property
    def slurmd_log(self) -> Path:
        return self.root / "log" / "slurmd.log"

    def run(self, cmd: Sequence[str], timeout: float = 30, **kw) -> subprocess.CompletedProcess:
        """Run a command against the cluster (captured text output, no check)."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(list(cmd), env=self.env, timeout=timeout, **kw)

    def snakemake(self, *args: str, cwd: str | os.PathLike, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run ``python -m snakemake <args> <snakemake_args>`` in ``cwd``.

        stdout+stderr are merged into ``.stdout``.
        """
        cmd = [sys.executable, "-m", "snakemake", *args, *self.snakemake_args]
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=self.env,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def jobs(self) -> list[dict[str, str]]:
        """All jobs slurmctld still knows (incl. finished ones < MinJobAge)."""
        out = self.run(["squeue", "--states=all", "--noheader", "--format=%i|%j|%T|%k"]).stdout
        rows = []
        for line in out.splitlines():
            parts = line.strip().split("|", 3)
            if len(parts) == 4:
                rows.append(dict(zip(("id", "name", "state", "comment"), parts, strict=True)))
        return rows

    def log_tail(self, lines: int = 30) -> str:
        return _log_tail(self.root, lines)


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _which(name: str) -> str | None:
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(_SBIN_DIRS)
    return shutil.which(name, path=path)


def _short_hostname() -> str:
    try:
        out = subprocess.run(["hostname", "-s"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out or socket.gethostname().split(".")[0]


def _ncpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what `nproc` reports
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def _real_memory_mb() -> int:
    avail_kb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail_kb = int(line.split()[1])
                break
    except OSError:
        pass
    if not avail_kb:
        return 1024
    return max(256, int(avail_kb / 1024 * 0.9))


def _free_ports(n: int) -> list[int]:
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def _log_tail(root: Path, lines: int = 30) -> str:
    chunks = []
    log_dir = root / "log"
    if log_dir.is_dir():
        for f in sorted(log_dir.iterdir()):
            try:
                text = f.read_text(errors="replace").splitlines()
            except OSError:
                continue
            if text:
                chunks.append(f"--- {f.name} (last {lines} lines) ---")
                chunks.extend(text[-lines:])
    return "\n".join(chunks) or "(no daemon logs written)"


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(ppid, session id) of a pid, or None if gone/unreadable."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = data.rsplit(")", 1)[-1].split()
    try:
        return int(fields[1]), int(fields[3])
    except (IndexError, ValueError):
        return None


def _has_marker(pid: int, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _alive(pid: int) -> bool:
    st = _proc_stat(pid)
    if st is None:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return False


def _write_conf(root: Path, host: str, ports: list[int], partition: str) -> Path:
    conf = root / "slurm.conf"
    plugstack = root / "plugstack.conf"  # isolate from /etc/slurm/plugstack.conf
    plugstack.write_text("")
    lines = [
        "# generated by tests/slurm/cluster.py -- throw-away test cluster",
        f"ClusterName=il1rntest{os.getpid()}",
        f"SlurmctldHost={host}(127.0.0.1)",
        f"SlurmctldPort={ports[0]}",
        f"SlurmdPort={ports[1]}",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        f"AuthInfo=socket={root / 'munge' / 'munge.sock'}",
        "SlurmUser=root",
        "SlurmdUser=root",
        f"StateSaveLocation={root / 'state'}",
        f"SlurmdSpoolDir={root / 'spool'}",
        f"SlurmctldPidFile={root / 'run' / 'slurmctld.pid'}",
        f"SlurmdPidFile={root / 'run' / 'slurmd.pid'}",
        f"SlurmctldLogFile={root / 'log' / 'slurmctld.log'}",
        f"SlurmdLogFile={root / 'log' / 'slurmd.log'}",
        "SlurmctldDebug=info",
        "SlurmdDebug=info",
        f"PlugStackConfig={plugstack}",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "SchedulerType=sched/backfill",
        "MpiDefault=none",
        "SwitchType=switch/none",
        "ReturnToService=2",
        # trust the configured CPUs/RealMemory instead of draining the node
        # when the hardware topology looks different
        "SlurmdParameters=config_overrides",
        # finished jobs stay visible to `squeue --states=all` this long;
        # the plugin's squeue-based status check relies on it
        "MinJobAge=300",
        "SlurmctldTimeout=30",
        "SlurmdTimeout=30",
        "MessageTimeout=10",
        "InactiveLimit=0",
        "KillWait=5",
        "Waittime=0",
        "UnkillableStepTimeout=30",
        (f"NodeName={host} NodeAddr=127.0.0.1 CPUs={_ncpus()} RealMemory={_real_memory_mb()} State=UNKNOWN"),
        (f"PartitionName={partition} Nodes={host} Default=YES MaxTime=INFINITE State=UP"),
    ]
    conf.write_text("\n".join(lines) + "\n")
    return conf


# --------------------------------------------------------------------------- #
# the cluster
# --------------------------------------------------------------------------- #
class _Runner:
    def __init__(self, partition: str, startup_timeout: float) -> None:
        self.partition = partition
        self.startup_timeout = startup_timeout
        self.root: Path | None = None
        self.procs: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}
        self.marker = b""
        self._stopped = False

    # -- start ------------------------------------------------------------- #
    def start(self) -> SlurmCluster:
        if not sys.platform.startswith("linux"):
            raise SlurmUnavailable("live SLURM tests need Linux")
        if os.geteuid() != 0:
            raise SlurmUnavailable(
                "live SLURM tests need root (SlurmUser=root, slurmd runs jobs); "
                "run pytest as root or skip with -m 'not slurm'"
            )
        bins = {n: _which(n) for n in (*_DAEMONS, *_CLIENTS)}
        missing = sorted(n for n, p in bins.items() if not p)
        if missing:
            raise SlurmUnavailable(
                f"SLURM/munge binaries not found: {', '.join(missing)} "
                "(install with .ci/slurm_setup.sh: apt-get install slurm-wlm munge)"
            )

        # short path: the munge socket path must stay < 108 bytes
        base = "/tmp" if os.path.isdir("/tmp") else None
        self.root = root = Path(tempfile.mkdtemp(prefix="il1rn-slurm-", dir=base))
        # munged insists that every dir above its socket is world-executable
        root.chmod(0o755)
        for sub in ("munge", "state", "spool", "log", "run", "bin"):
            (root / sub).mkdir(mode=0o755)
        atexit.register(self.stop)

        host = _short_hostname()
        ports = _free_ports(2)
        conf = _write_conf(root, host, ports, self.partition)

        # srun shim: snakemake-executor-plugin-slurm-jobstep strips every
        # SLURM_* variable (incl. SLURM_CONF) before calling `srun` inside the
        # job, so srun would look for /etc/slurm/slurm.conf. The shim (first
        # on PATH, inherited by jobs via sbatch --export=ALL) puts it back.
        shim = root / "bin" / "srun"
        shim.write_text(f"#!/bin/sh\nSLURM_CONF='{conf}'\nexport SLURM_CONF\nexec '{bins['srun']}' \"$@\"\n")
        shim.chmod(0o755)

        self.marker = f"{MARKER_VAR}={root}".encode()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_", "SQUEUE_")) and k != "SNAKEMAKE_PROFILE"
        }
        env["SLURM_CONF"] = str(conf)
        env["PATH"] = os.pathsep.join([str(root / "bin"), env.get("PATH", os.defpath), *_SBIN_DIRS])
        env[MARKER_VAR] = str(root)
        self.env = env

        # munge ----------------------------------------------------------- #
        key = root / "munge" / "munge.key"
        with open(key, "wb") as fh:
            fh.write(os.urandom(1024))
        key.chmod(0o600)
        sock = root / "munge" / "munge.sock"
        self._spawn(
            "munged",
            [
                bins["munged"], "--foreground", f"--socket={sock}",
                f"--key-file={key}",
                f"--pid-file={root / 'munge' / 'munged.pid'}",
                f"--log-file={root / 'log' / 'munged.log'}",
                f"--seed-file={root / 'munge' / 'munged.seed'}",
            ],
        )  # fmt: skip
        self._wait(lambda: sock.exists(), 15, "munged did not create its socket")

        # slurm ----------------------------------------------------------- #
        self._spawn("slurmctld", [bins["slurmctld"], "-D", "-f", str(conf)])
        self._spawn("slurmd", [bins["slurmd"], "-D", "-f", str(conf)])

        def node_idle() -> bool:
            r = subprocess.run(
                [bins["sinfo"], "--noheader", "--Node", "--format=%N|%T"],
                env=env, capture_output=True, text=True, timeout=15,
            )  # fmt: skip
            states = [ln.split("|", 1)[-1] for ln in r.stdout.split()]
            return r.returncode == 0 and states == ["idle"]

        self._wait(
            node_idle,
            self.startup_timeout,
            f"node {host} did not become idle within {self.startup_timeout:.0f}s",
        )
        return SlurmCluster(
            root=root,
            conf=conf,
            hostname=host,
            partition=self.partition,
            env=env,
            snakemake_args=snakemake_slurm_args(self.partition),
            pids={n: p.pid for n, p in self.procs.items()},
        )

    def _spawn(self, name: str, cmd: list[str]) -> None:
        assert self.root is not None
        with open(self.root / "log" / f"{name}.stdout", "wb") as out:  # the child keeps its own copy
            try:
                self.procs[name] = subprocess.Popen(
                    cmd,
                    cwd=self.root,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own session: no ^C, easy to sweep
                )
            except OSError as e:
                raise SlurmUnavailable(f"cannot start {name}: {e}") from e

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise SlurmUnavailable(
                        f"{name} exited with code {p.returncode} during startup\n" + _log_tail(self.root)
                    )
            try:
                if ready():
                    return
            except (OSError, subprocess.SubprocessError):
                pass
            if time.monotonic() > deadline:
                raise SlurmUnavailable(f"{what}\n" + _log_tail(self.root))
            time.sleep(0.5)

    # -- stop -------------------------------------------------------------- #
    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if self.procs.get("slurmctld") and self.procs["slurmctld"].poll() is None:
            self._cancel_jobs()
        # stop in reverse dependency order, each by the PID we recorded
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.procs.get(name)
            if p is None:
                continue
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        p.kill()
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        p.wait(timeout=5)
        self._sweep_leftovers()
        if self.root is not None and not os.environ.get("IL1RN_SLURM_KEEP_TMP"):
            shutil.rmtree(self.root, ignore_errors=True)

    def _cancel_jobs(self) -> None:
        def client(*cmd: str) -> subprocess.CompletedProcess:
            return subprocess.run(list(cmd), env=self.env, capture_output=True, text=True, timeout=15)

        with contextlib.suppress(Exception):
            ids = client("squeue", "--noheader", "--format=%A").stdout.split()
            if ids:
                client("scancel", "--full", *ids)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if not client("squeue", "--noheader", "--format=%A").stdout.strip():
                    break
                time.sleep(0.5)

    def _sweep_leftovers(self) -> None:
        """Kill (by PID) anything still running that we started: processes in
        the sessions of our daemons (slurmscriptd, slurmstepd if it kept the
        session) or carrying our marker env var (job scripts, snakemake)."""
        sessions = {p.pid for p in self.procs.values()}
        me = os.getpid()
        for _ in range(3):
            victims = []
            for entry in os.listdir("/proc"):
                if not entry.isdigit() or int(entry) == me:
                    continue
                pid = int(entry)
                st = _proc_stat(pid)
                if st is None:
                    continue
                if st[1] in sessions or (self.marker and _has_marker(pid, self.marker)):
                    victims.append(pid)
            victims = [v for v in victims if _alive(v)]
            if not victims:
                return
            for pid in victims:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)


@contextlib.contextmanager
def live_slurm_cluster(partition: str = PARTITION, startup_timeout: float = 60) -> Iterator[SlurmCluster]:
    """Start a private single-node SLURM; see module docstring."""
    runner = _Runner(partition, startup_timeout)
    try:
        cluster = runner.start()
    except BaseException:
        runner.stop()
        raise
    try:
        yield cluster
    finally:
        runner.stop()
