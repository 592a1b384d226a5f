"""One task in a forked child process, its result back through a pipe: `Forked`.

At the top of the package, not in `annotate_vcf/`: the text read of a joint VCF
(`annotate_vcf.scan`) and the writing of a big JSON (`outputs.json_file`) both use it, and
`outputs` does not depend on the annotation step.

The text read of a big joint VCF (`text_scan`) cuts the window into ranges. A pool of worker
processes (`concurrent.futures`) cost ~0.15 s of CPU at 2,504 samples beyond the reading
itself: importing it, a process per range while the parent only waited, its queue threads,
and its shutdown. Here the parent reads one range itself and forks one child per other
range; a child inherits everything (the plan, the knowledge base, the imported modules),
runs its task, writes the pickled result to a pipe and leaves with `os._exit` (no interpreter
shutdown, no exit handlers, no flush of the parent's buffered streams).

A child that dies without a result (htslib can kill a process on a malformed record) is a
`ChildDied`, never a hang: its end of the pipe closes when it dies, whatever killed it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any


class ChildDied(Exception):
    """The child ended without writing a result (killed by a signal, or out of memory)."""


class Forked:
    """`task(argument)` run in a forked child; `result()` waits for it and returns its value.

    The task returns a value the caller can pickle; an exception it raises comes back as
    ("crash", "Type: message"), the form `scan._attempt` gives a worker's bug.
    """

    def __init__(self, task: Callable[[Any], Any], argument: Any) -> None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to be had (EAGAIN, ENOMEM): the caller's error, no fds left open
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: never returns
            os.close(read_end)
            code = 0
            try:
                try:
                    value = task(argument)
                except BaseException as exc:  # a bug, or an interrupt: reported, not raised
                    value = ("crash", f"{type(exc).__name__}: {exc}")
                data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid: int | None = pid
        self._read_end = read_end

    def result(self) -> Any:
        """The child's value, once it has exited; `ChildDied` if it wrote none."""
        chunks = []
        with os.fdopen(self._read_end, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        # unpickled while the child is still tearing down its address space (~3 ms after a
        # 2,504-sample read), which reaping it waits for; a child that wrote part of its result
        # and died leaves a pickle that does not load, or a non-zero status
        cut_short = False
        try:
            value = pickle.loads(b"".join(chunks)) if chunks else None
        except Exception:
            value, cut_short = None, True
        status = self._reap()
        if not chunks or cut_short or status != 0:
            raise ChildDied(("its result was cut short, " if cut_short else "") + _describe(status))
        return value

    def cancel(self) -> None:
        """Stop the child (if still running) and reap it: the caller's error is on its way."""
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._reap()
        with contextlib.suppress(OSError):
            os.close(self._read_end)

    def _reap(self) -> int:
        if self.pid is None:
            return 0
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
