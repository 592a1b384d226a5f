"""The cyclic garbage collector is paused only for the work, and always resumed; the fast exit
still runs exit handlers, flushes the streams and keeps the exit code."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import InputError
from il1rn_annot.runtime import cyclic_gc_paused

DATA = Path(__file__).resolve().parents[1] / "test_data"


def test_paused_inside_resumed_after_even_on_error():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cyclic_gc_paused():
        _ = 1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()


def test_objects_made_while_paused_are_not_walked_at_resume_but_their_cycles_are_collected():
    """Resuming leaves no backlog in the youngest generation (the first allocation after a big
    run walked every object it made); a reference cycle made inside is still collectable."""
    import weakref

    class Node:
        pass

    gc.collect()
    with cyclic_gc_paused():
        kept = [[i] for i in range(50_000)]  # 50,000 containers: far past the young threshold
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle, unreachable once the names go
        probe = weakref.ref(a)
        del a, b
    assert gc.isenabled()
    assert gc.get_count()[0] < gc.get_threshold()[0]  # nothing pending: no walk of the 50,000
    assert probe() is not None  # not collected by reference counting
    gc.collect()
    assert probe() is None  # the full collection frees the cycle
    assert len(kept) == 50_000


def test_annotate_file_resumes_the_collector(tmp_path, kb):
    annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb)
    assert gc.isenabled()
    with pytest.raises(InputError):
        annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, samples=["nobody"])
    assert gc.isenabled()


def _exit_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import atexit, sys
        from pathlib import Path
        from il1rn_annot.runtime import exit_without_teardown
        marker = Path({str(tmp_path / "handler-ran")!r})
        atexit.register(marker.write_text, "yes")
        sys.stdout.write("unflushed line on stdout")  # buffered: a pipe is not a terminal
        sys.stderr.write("a warning on stderr")
        """
    ) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


def test_exit_without_teardown_runs_handlers_flushes_and_keeps_the_code(tmp_path):
    done = _exit_script(tmp_path, "exit_without_teardown(3)\nprint('never reached')\n")
    assert done.returncode == 3
    assert done.stdout == "unflushed line on stdout"
    assert done.stderr == "a warning on stderr"
    assert (tmp_path / "handler-ran").read_text() == "yes"


def test_exit_without_teardown_with_a_thread_alive_takes_the_normal_exit(tmp_path):
    """A non-daemon thread still running is waited for, as at a normal exit (os._exit would kill it)."""
    body = """
        import threading, time
        out = Path({out!r})
        def late():
            time.sleep(0.3)
            out.write_text("thread finished")
        threading.Thread(target=late).start()
        exit_without_teardown(0)
    """.format(out=str(tmp_path / "thread-out"))
    done = _exit_script(tmp_path, body)
    assert done.returncode == 0
    assert (tmp_path / "thread-out").read_text() == "thread finished"
    assert (tmp_path / "handler-ran").read_text() == "yes"


def test_the_command_exits_with_its_code_and_message(tmp_path):
    """The console entry point (cli.run) ends through the fast exit: code 2 and the error line intact."""
    script = "import sys; sys.argv = ['il1rn-annot', 'annotate', sys.argv[1], '-o', sys.argv[2]]; "
    script += "from il1rn_annot.cli import run; run()"
    missing = tmp_path / "missing.vcf.gz"
    done = subprocess.run(
        [sys.executable, "-c", script, str(missing), str(tmp_path / "out")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "error" in done.stderr and "missing.vcf.gz" in done.stderr
    ok = subprocess.run(
        [sys.executable, "-c", script, str(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "gatk_hc.PATIENT_HOM_E77X.il1rn.json").is_file()


def test_keep_until_exit_holds_one_value_only_in_a_process_that_ends_without_teardown():
    import weakref

    from il1rn_annot import runtime

    class Result:
        pass

    first, second = Result(), Result()
    probe_first, probe_second = weakref.ref(first), weakref.ref(second)
    runtime.keep_until_exit(first)  # this test process ends normally: nothing is held
    del first
    assert probe_first() is None
    held = list(runtime._ENDS_WITHOUT_TEARDOWN)
    try:
        runtime.ends_without_teardown()
        third = Result()
        probe_third = weakref.ref(third)
        runtime.keep_until_exit(second)
        del second
        assert probe_second() is not None  # held for the kernel to free
        runtime.keep_until_exit(third)  # one at a time: the one before is let go
        del third
        assert probe_second() is None and probe_third() is not None
    finally:
        runtime._ENDS_WITHOUT_TEARDOWN[:] = held
        runtime._KEPT.clear()
