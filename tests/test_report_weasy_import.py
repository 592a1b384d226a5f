"""The quick WeasyPrint import (`lab_report.weasy_import`): a name no library could match is
answered None without the stdlib's subprocesses, every other name by the real finder, and the
libraries WeasyPrint opens are the ones the normal import opens."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from il1rn_annot.lab_report.weasy_import import LD_SO_CACHE, QuickFinder, library_dirs


class Recorder:
    """A stand-in for ctypes.util.find_library that records the names it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, name: str) -> str | None:
        self.asked.append(name)
        return f"lib{name}.so.9"


def test_a_name_no_file_matches_is_answered_none_without_the_real_finder(tmp_path):
    real = Recorder()
    finder = QuickFinder(real, b"\0libpango-1.0.so.0\0/usr/lib/libpango-1.0.so.0\0", [str(tmp_path)])
    assert finder("libgobject-2.0-0") is None
    assert finder("gobject-2.0.dylib") is None
    assert real.asked == []


def test_a_name_in_the_ld_so_cache_or_a_library_folder_goes_to_the_real_finder(tmp_path):
    (tmp_path / "libharfbuzz-vector.so.0").write_bytes(b"")
    real = Recorder()
    finder = QuickFinder(real, b"\0libpango-1.0.so.0\0", [str(tmp_path / "missing"), str(tmp_path)])
    assert finder("pango-1.0") == "libpango-1.0.so.9"
    assert finder("harfbuzz-vector") == "libharfbuzz-vector.so.9"
    # a prefix of a real name is not a match: the stdlib wants 'lib<name>.'
    assert finder("harfbuzz") is None
    assert real.asked == ["pango-1.0", "harfbuzz-vector"]


def test_library_dirs_cover_the_environment_folders():
    env = {"LD_LIBRARY_PATH": "/opt/a/lib:/opt/b/lib", "LIBRARY_PATH": "/opt/c/lib", "CONDA_PREFIX": "/opt/conda"}
    dirs = library_dirs(env)
    for folder in ("/opt/a/lib", "/opt/b/lib", "/opt/c/lib", "/opt/conda/lib", "/usr/lib", "/usr/local/lib"):
        assert folder in dirs
    assert str(Path(sys.prefix) / "lib") in dirs
    assert len(dirs) == len(set(dirs))


#: run in a fresh interpreter: records every name WeasyPrint's import asks find_library, the real
#: answer, the quick answer, and whether the quick import leaves find_library as it found it
_PROBE = textwrap.dedent(
    """
    import ctypes.util, json, sys
    real = ctypes.util.find_library
    asked = []
    def record(name):
        asked.append(name)
        return real(name)
    ctypes.util.find_library = record
    import weasyprint.text.ffi as ffi
    opened = {k: getattr(ffi, k) is not None for k in ("harfbuzz_subset", "harfbuzz_vector")}
    ctypes.util.find_library = real
    from il1rn_annot.lab_report import weasy_import
    with open(weasy_import.LD_SO_CACHE, "rb") as handle:
        quick = weasy_import.QuickFinder(real, handle.read(), weasy_import.library_dirs())
    for module in [m for m in sys.modules if m.startswith("weasyprint")]:
        del sys.modules[module]
    weasy_import.import_weasyprint()
    import weasyprint.text.ffi as ffi2
    print(json.dumps({
        "pairs": [[name, real(name), quick(name)] for name in asked],
        "restored": ctypes.util.find_library is real,
        "opened": opened,
        "opened_quick": {k: getattr(ffi2, k) is not None for k in opened},
    }))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path(LD_SO_CACHE).exists(), reason="Linux fast path")
def test_weasyprint_finds_the_same_libraries_quickly_as_normally():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(probe["pairs"]) >= 5  # gobject, pango, harfbuzz, fontconfig, pangoft2 at least
    for name, real_answer, quick_answer in probe["pairs"]:
        assert quick_answer == real_answer, name
    assert any(real is None for _, real, _ in probe["pairs"])  # some were skipped: the point of it
    assert probe["restored"]
    assert probe["opened_quick"] == probe["opened"]


_BROKEN_QUICK_PATH = textwrap.dedent(
    """
    import ctypes.util
    from il1rn_annot.lab_report import weasy_import
    real = ctypes.util.find_library
    weasy_import.QuickFinder.__call__ = lambda self, name: None  # a quick path that finds nothing
    weasy_import.import_weasyprint()
    import weasyprint.text.ffi as ffi
    assert ffi.pango is not None and ctypes.util.find_library is real
    print("imported")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path(LD_SO_CACHE).exists(), reason="Linux fast path")
def test_a_failed_quick_import_falls_back_to_the_normal_one_without_printing_its_hint():
    done = subprocess.run([sys.executable, "-c", _BROKEN_QUICK_PATH], capture_output=True, text=True, check=True)
    assert done.stdout == "imported\n"  # WeasyPrint's installation hint of the failed attempt is not shown
