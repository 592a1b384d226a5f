"""Write outputs so that no reader ever sees a half-written file or a mixed set.

Every file is written to a temporary name in the target folder and renamed into place only
when complete, so a run killed half-way never leaves a truncated file that a rerun (or
Snakemake) would trust. Temporary names are hidden (`.NAME.HOST-PID.XXXX.tmp...`); a run
that was killed (SIGKILL, node failure) cannot remove its own, so `clean_stale_temps()`
removes those of dead processes on this host when the same output is written again.
The files of one input are put in place together (`OutputSet`), a folder in one rename
(`staging_dir`, `replace_dir`); an OSError while writing becomes an `OutputError` in plain
words (`output_error`: a full disk is not the input's fault).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from il1rn_annot.errors import OutputError


def _host_tag() -> str:
    """This host's name as it appears in temp names (no dots or dashes: they separate fields)."""
    return socket.gethostname().split(".")[0].replace("-", "_") or "host"


def _temp_prefix(path: Path) -> str:
    """Hidden temp-name prefix for `path`; host and PID tell a stale temp from a live one."""
    return f".{path.name}.{_host_tag()}-{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def clean_stale_temps(paths: list[Path]) -> list[Path]:
    """Remove temp files left beside `paths` by killed runs on this host; return them.

    Only names made by `atomic_path` for exactly these outputs are considered, and only when
    the process that made them (PID in the name) is gone: temps of a live run, or of a run on
    another host sharing the folder, are left alone.
    """
    by_dir: dict[Path, list[str]] = {}
    for path in paths:
        by_dir.setdefault(path.parent, []).append(re.escape(path.name))
    return [gone for folder, names in by_dir.items() for gone in _sweep(folder, "|".join(names))]


def clean_stale_temps_in(folder: Path) -> list[Path]:
    """`clean_stale_temps` for every output in `folder` at once; return the removed temps.

    A batch of 1,000 inputs writing into one folder calls this once instead of scanning the
    growing folder once per input (4,000+ entries each time by the end).
    """
    return _sweep(folder, ".+")


def _sweep(folder: Path, names: str) -> list[Path]:
    """Remove `atomic_path` temps in `folder` of the outputs matching the regex `names` whose
    process on this host is gone."""
    pattern = re.compile(rf"\.(?:{names})\.{re.escape(_host_tag())}-(\d+)\.[^.]+\.tmp")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        # outputs are not hidden: skip them cheaply (a batch folder holds 5 files per input)
        match = pattern.match(entry.name) if entry.name.startswith(".") else None
        if match is None or _pid_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


#: errno -> plain words, for an output that cannot be written (never the input's fault)
OUTPUT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error (a failing disk or network file system?)",
    errno.EFBIG: "file too large for the file system",
}

#: errnos only a write can raise: whatever wrote, the disk is full or read-only (user-fixable)
WRITE_ONLY_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
_OUTPUT_HINTS = {
    errno.ENOSPC: "free space on the file system of {folder} (or write elsewhere) and run again",
    errno.EDQUOT: "free space within your quota on {folder} (or write elsewhere) and run again",
    errno.EROFS: "{folder} is on a read-only file system: write to a writable folder and run again",
    errno.EACCES: "give yourself write permission on {folder} (or write elsewhere) and run again",
    errno.EPERM: "give yourself write permission on {folder} (or write elsewhere) and run again",
}
_DEFAULT_HINT = "check the disk of {folder} and run again"


def output_error(exc: OSError, path: Path | str) -> OutputError:
    """An `OutputError` for `exc`, raised while writing `path`, in plain words.

    htslib (pysam) reports a failed write without an errno ("Error closing BGZFile object"):
    the folder's file system is then asked whether it is full or read-only, so that a full
    disk is named as such instead of reported as a bug.
    """
    if isinstance(exc, OutputError):
        return exc
    folder = Path(path).parent
    code = exc.errno if exc.errno in OUTPUT_ERRNOS else _probe_errno(folder)
    detail = OUTPUT_ERRNOS.get(code) if code is not None else None
    detail = detail or exc.strerror or str(exc) or type(exc).__name__
    hint = _OUTPUT_HINTS.get(code, _DEFAULT_HINT) if code is not None else _DEFAULT_HINT
    error = OutputError(f"cannot write {path}: {detail} ({hint.format(folder=folder)})")
    error.errno = code  # type: ignore[attr-defined]
    return error


def _probe_errno(folder: Path) -> int | None:
    """ENOSPC if `folder`'s file system has no free block, EROFS if it is mounted read-only, else None."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    if stats.f_flag & getattr(os, "ST_RDONLY", 1):
        return errno.EROFS
    free = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail  # root may use the reserved blocks
    if free == 0 or (stats.f_files and stats.f_favail == 0):
        return errno.ENOSPC
    return None


@contextlib.contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into an `OutputError` naming the cause."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, path) from exc


def _file_mode() -> int:
    """The permissions a plain open() would give a new file (mkstemp creates 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _make_temp(path: Path, suffix: str = "") -> Path:
    """A new hidden temp file beside `path` (its folder made if needed), named for `clean_stale_temps`."""
    if not path.parent.is_dir():  # a stat, not a failing mkdir per output file
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp" + suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success.

    An OSError while writing (full disk, read-only, no permission) becomes an `OutputError`
    naming the file and the cause; the temp is removed and an earlier `path` is left as it was.
    """
    with writing(path):
        tmp_path = _make_temp(path, suffix)
        try:
            yield tmp_path
            os.chmod(tmp_path, _file_mode())
            os.replace(tmp_path, path)
        finally:
            with contextlib.suppress(OSError):
                tmp_path.unlink()


class OutputSet:
    """The outputs of one input, written under hidden temp names and put in place together.

    `annotate` writes five files per input (VCF, index, two TSVs, JSON). Replacing each as it
    was written let a failure half-way (a full disk) leave a mixed set: new TSVs beside the
    previous run's JSON and VCF. Here nothing gets a final name until every file is complete;
    `commit` then renames them all (renames write no data), and if a rename fails the
    previous files are put back from hard links taken just before: the whole set or none.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}  # final path -> temp path
        self._pending: list[tuple[Callable[[], None], Callable[[], None]]] = []  # (finish, cancel)

    def stage_pending(self, final: Path, finish: Callable[[], None], cancel: Callable[[], None]) -> None:
        """`final`'s temp (already `stage`d) is still being written by someone else (a forked
        child, `outputs.json_file`): `commit` first calls `finish`, which waits for it and
        raises the writer's `OutputError`; `abort` calls `cancel`. The set stays all or nothing."""
        if final not in self._staged:
            raise ValueError(f"{final} is not staged")
        self._pending.append((finish, cancel))

    def _finish_pending(self) -> None:
        """Wait for every pending writer; the first failure aborts the set and is raised."""
        try:
            while self._pending:
                finish, _ = self._pending[0]
                finish()
                self._pending.pop(0)
        except BaseException:
            self.abort()
            raise

    def stage(self, final: Path, suffix: str = "") -> Path:
        """A temp path to write `final`'s content to (not yet in place)."""
        with writing(final):
            tmp = _make_temp(final, suffix)
        self._staged[final] = tmp
        return tmp

    def adopt(self, final: Path, tmp: Path) -> None:
        """Take a temp file written by someone else (htslib's index beside the staged VCF)."""
        self._staged[final] = tmp

    def write_bytes(self, final: Path, data: bytes) -> None:
        tmp = self.stage(final)
        with writing(final):
            tmp.write_bytes(data)

    def commit(self) -> None:
        """Rename every staged file onto its final name, or (on failure) leave the previous set."""
        self._finish_pending()
        mode = _file_mode()
        backups: dict[Path, Path] = {}
        placed: list[Path] = []
        final = None
        try:
            for final, tmp in self._staged.items():  # noqa: B007 - `final` names the file if chmod fails
                os.chmod(tmp, mode)
            for final, tmp in self._staged.items():
                if os.path.lexists(final):
                    backup = tmp.with_name(tmp.name + ".old")
                    try:
                        os.link(final, backup)
                    except OSError:  # no hard links here (some network file systems): no roll-back copy
                        continue
                    backups[final] = backup
            for final, tmp in self._staged.items():
                os.replace(tmp, final)
                placed.append(final)
        except OSError as exc:
            for done in placed:
                with contextlib.suppress(OSError):
                    if done in backups:
                        os.replace(backups.pop(done), done)
                    else:
                        done.unlink()
            raise output_error(exc, final or "outputs") from exc
        finally:
            for leftover in [*backups.values(), *self._staged.values()]:
                with contextlib.suppress(OSError):
                    leftover.unlink()
            self._staged.clear()

    def abort(self) -> None:
        """Stop any pending writer and remove every staged temp; the final names keep what they
        held before."""
        pending, self._pending = self._pending, []
        for _, cancel in pending:
            with contextlib.suppress(Exception):
                cancel()
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._staged.clear()


def remove_outputs(paths: list[Path]) -> None:
    """Remove outputs an earlier run wrote under these names and this run does not write
    (a missing one is fine); a file that cannot be removed is an OutputError, as a write would be."""
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise output_error(exc, path) from exc


def staging_dir(final: Path) -> Path:
    """A new hidden folder beside `final` to fill, then put in place with `replace_dir`.

    Named like `atomic_path` temps (host and PID), so that `clean_stale_dirs` can remove those
    of killed runs.
    """
    with writing(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_dirs(final)
        return Path(tempfile.mkdtemp(prefix=_temp_prefix(final), suffix=".tmp", dir=final.parent))


def clean_stale_dirs(final: Path) -> list[Path]:
    """Remove staging folders of `final` left by killed processes on this host."""
    import shutil

    pattern = re.compile(rf"\.{re.escape(final.name)}\.{re.escape(_host_tag())}-(\d+)\.[^.]+\.tmp(\.old)?")
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(final.parent):
            match = pattern.fullmatch(entry.name)
            if match and entry.is_dir(follow_symlinks=False) and not _pid_alive(int(match.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def replace_dir(staged: Path, final: Path) -> None:
    """Put the complete folder `staged` at `final` in one rename (an earlier `final` is removed).

    A folder that exists only once complete is what Snakemake's output check needs: a job
    killed half-way leaves no `final` (only a hidden staging folder), so the rerun runs it again.
    """
    import shutil

    with writing(final):
        os.chmod(staged, _dir_mode())  # mkdtemp makes 0700: what a plain mkdir would give
        old = None
        if os.path.lexists(final):
            old = staged.with_name(staged.name + ".old")
            os.replace(final, old)
        try:
            os.replace(staged, final)
        except OSError:
            if old is not None:
                os.replace(old, final)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _dir_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


@contextlib.contextmanager
def output_target(path: Path, outputs: OutputSet | None) -> Iterator[Path]:
    """Where to write `path`: an `atomic_path` temp, or a temp of `outputs` (put in place at its commit)."""
    if outputs is None:
        with atomic_path(path) as tmp:
            yield tmp
    else:
        tmp = outputs.stage(path)
        with writing(path):
            yield tmp


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
