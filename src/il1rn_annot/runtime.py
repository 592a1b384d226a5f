"""Process-level settings of a run: the cyclic garbage collector paused while outputs are built,
freed memory kept for reuse, and an exit that skips the interpreter's teardown.

Interpreting 10,000 samples, or reading 1,000 annotation JSONs for a cohort, makes hundreds of
thousands of dicts, lists and tuples, none of them in reference cycles (reference counting
frees them). Python's cyclic collector still walks them all, again and again as they pile up:
~0.2 s of a ~1.9 s joint-VCF run and ~0.3 s of a ~1.1 s cohort step. Pausing it for the
duration of one input (or one cohort) and resuming afterwards keeps memory behaviour the
same: whatever cycles there are (e.g. an exception's traceback) are collected once it resumes.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from typing import NoReturn


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block, or the decorated function (forked
    workers inherit the pause).

    On resuming, the objects made inside are moved to the oldest generation without being
    walked (`gc.freeze` then `gc.unfreeze`): left in the youngest, the first allocation after
    the block walked every one of them (8.7 ms after a 2,504-sample joint VCF, issue 19, just
    before the process exits). A cycle among them is still collected, at the next full
    collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


#: glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory(mmap_threshold: int = 32 << 20, trim_threshold: int = 128 << 20) -> bool:
    """Have glibc's malloc reuse freed memory instead of giving it back and asking again.

    A joint-VCF run allocates and frees buffers of 0.1-5 MB per chunk of records (the
    decompressed text, numpy's arrays of tab positions and allele codes). glibc serves each
    from a fresh `mmap` above its threshold and trims the heap's top as soon as a few
    hundred kB are free, so every chunk faulted its pages in anew: 40,000 page faults and
    0.12 s of system time for 2,504 samples, against 16,000 and 0.05 s with the memory kept
    (peak memory the same). True when set (glibc only; other C libraries are left alone).
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, trim_threshold))


#: set by `ends_without_teardown`: this process exits through `exit_without_teardown`
_ENDS_WITHOUT_TEARDOWN: list[bool] = []
#: the object `keep_until_exit` holds (one at a time)
_KEPT: list[object] = []


def ends_without_teardown() -> None:
    """Declare that this process ends through `exit_without_teardown` (the console command does;
    a test calling `cli.main` in its long-lived process does not)."""
    _ENDS_WITHOUT_TEARDOWN[:] = [True]


def keep_until_exit(value: object) -> None:
    """Hold `value` (dropping the one held before) when the process ends without teardown.

    The last input's results (a 2,504-sample joint VCF's payload: ~100,000 dicts, lists and
    strings, on pages shared copy-on-write with the forked JSON writer) took 8.5 ms to free one
    by one as the command returned, just before the exit; the kernel frees them at once. One
    object at a time, so that a batch of 1,000 inputs holds no more than the input before the
    one it is on. Elsewhere (`cli.main` called in a long-lived process) nothing is held.
    """
    if _ENDS_WITHOUT_TEARDOWN:
        _KEPT[:] = [value]


def exit_without_teardown(code: int) -> NoReturn:
    """End the process as `sys.exit(code)` would, minus the interpreter's teardown.

    After a forked child (a reader of the window, the JSON writer: `forked.py`) every page of
    the parent is shared copy-on-write, so the teardown, which frees every module, function
    and object one by one and runs a last garbage collection, faults in and copies page
    after page of memory the kernel reclaims anyway: ~25 ms of a ~0.47 s joint-VCF run (issue
    19). What the exit must do is still done: the exit handlers run (`atexit`, e.g. removing a
    private link folder) and stdout/stderr are flushed. With other threads alive, or a stream
    that cannot be flushed (a closed pipe), the normal exit is taken, which handles both.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)
