"""Import WeasyPrint without paying for its failed library look-ups (~0.15-0.2 s a process).

Why: WeasyPrint opens Pango, HarfBuzz, fontconfig... by trying several names per library
(Windows, macOS and Linux spellings, e.g. 'libgobject-2.0-0', 'gobject-2.0-0', 'gobject-2.0').
cffi hands each name without a path to `ctypes.util.find_library`, which on Linux runs
`/sbin/ldconfig -p`, then `gcc` and then `ld` as subprocesses: ~10 ms for every name that does
not exist (16 of the 22 names asked on Debian), i.e. ~0.16 s of every report job.

How, without changing what is found: while WeasyPrint is imported, `find_library(name)` first
checks whether a file that *could* answer exists at all. The stdlib only returns a name that
matches `lib<name>.` in `ldconfig -p` (read from /etc/ld.so.cache), or a file `lib<name>.*`
that gcc or ld find in their library folders (the standard ones, LIBRARY_PATH, LD_LIBRARY_PATH;
conda's patched find_library looks in the environment's lib/). When no such string or file
exists anywhere, the answer is None without any subprocess; otherwise the real find_library
answers. So every name that resolves resolves exactly as before (same library, same PDF bytes).
Only on Linux with a readable ld.so cache; elsewhere (macOS, conda on Windows, musl) and if
the quick import fails for any reason, WeasyPrint is imported the normal way.
"""

from __future__ import annotations

import bisect
import contextlib
import glob
import importlib
import io
import os
import sys
from collections.abc import Callable, Iterable

LD_SO_CACHE = "/etc/ld.so.cache"

#: folders gcc's and ld's default search paths (and conda's find_library) look in, on Linux
_STANDARD_DIRS = (
    "/lib",
    "/lib32",
    "/lib64",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/local/lib",
    "/usr/local/lib64",
    "/lib/*-linux-*",
    "/usr/lib/*-linux-*",
    "/usr/local/lib/*-linux-*",
    "/usr/*-linux-*/lib*",
    "/usr/lib/gcc/*/*",
    "/usr/lib/gcc/*/*/*",
)

Finder = Callable[[str], "str | None"]


def library_dirs(environ: dict[str, str] | None = None) -> list[str]:
    """Every folder in which the stdlib's gcc/ld steps (or conda's finder) could find `lib<name>.*`."""
    env = os.environ if environ is None else environ
    dirs: list[str] = []
    for variable in ("LD_LIBRARY_PATH", "LIBRARY_PATH"):
        dirs += [d for d in env.get(variable, "").split(os.pathsep) if d]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, env.get("CONDA_PREFIX", "")}:
        if prefix:
            dirs.append(os.path.join(prefix, "lib"))
    for pattern in _STANDARD_DIRS:
        dirs += sorted(glob.glob(pattern)) if "*" in pattern else [pattern]
    return list(dict.fromkeys(dirs))


class QuickFinder:
    """`ctypes.util.find_library` that answers None at once for a name no library could match,
    and asks the real finder (`original`) for every other name.
    """

    def __init__(self, original: Finder, cache_bytes: bytes, dirs: Iterable[str]) -> None:
        self.original = original
        self.cache_bytes = cache_bytes
        self.dirs = list(dirs)
        self._sorted: list[str] | None = None

    def _names(self) -> list[str]:
        """Every file name in the library folders, sorted (read once, on the first look-up)."""
        if self._sorted is None:
            names: set[str] = set()
            for folder in self.dirs:
                with contextlib.suppress(OSError):
                    names.update(os.listdir(folder))
            self._sorted = sorted(names)
        return self._sorted

    def could_exist(self, name: str) -> bool:
        """False only when neither the ld.so cache nor any library folder holds `lib<name>.`."""
        prefix = f"lib{name}."
        if os.fsencode(prefix) in self.cache_bytes:
            return True
        names = self._names()
        at = bisect.bisect_left(names, prefix)
        return at < len(names) and names[at].startswith(prefix)

    def __call__(self, name: str) -> str | None:
        if not self.could_exist(name):
            return None
        return self.original(name)


def _forget_weasyprint() -> None:
    for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        del sys.modules[module]


def import_weasyprint() -> None:
    """Import WeasyPrint (once a process) with the quick library look-up; see the module docstring."""
    if "weasyprint" in sys.modules:
        return
    import ctypes.util

    try:
        with open(LD_SO_CACHE, "rb") as handle:
            cache_bytes = handle.read()
    except OSError:
        cache_bytes = b""
    if not sys.platform.startswith("linux") or not cache_bytes:
        importlib.import_module("weasyprint")  # the normal import

        return
    original = ctypes.util.find_library
    ctypes.util.find_library = QuickFinder(original, cache_bytes, library_dirs())
    try:
        # WeasyPrint prints an installation hint to stdout before it fails; the normal import
        # below prints it if it fails too
        with contextlib.redirect_stdout(io.StringIO()):
            importlib.import_module("weasyprint")
    except Exception:  # the quick way failed: the normal way decides
        _forget_weasyprint()
        ctypes.util.find_library = original
        importlib.import_module("weasyprint")
    finally:
        ctypes.util.find_library = original
