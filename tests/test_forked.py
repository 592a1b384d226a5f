"""A task in a forked child: its value comes back whole, or the parent learns the child died."""

from __future__ import annotations

import os
import pickle
import signal

import pytest

from il1rn_annot import forked
from il1rn_annot.forked import ChildDied, Forked


def test_the_value_comes_back_whole() -> None:
    value = {"lines": [f"line {i}" * 20 for i in range(20_000)], "counts": list(range(5000))}  # ~3 MB: many pipe reads
    assert Forked(lambda arg: {**value, "arg": arg}, 7).result() == {**value, "arg": 7}


def test_a_task_that_raises_comes_back_as_a_crash_value() -> None:
    assert Forked(lambda _: 1 / 0, None).result() == ("crash", "ZeroDivisionError: division by zero")


def test_a_child_killed_before_writing_is_child_died() -> None:
    child = Forked(lambda _: os.kill(os.getpid(), signal.SIGKILL), None)
    with pytest.raises(ChildDied, match="killed by signal 9"):
        child.result()


def test_a_result_cut_short_is_child_died_never_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that wrote part of its pickle (killed half-way through a big result) gives no
    value, whatever its exit status: the cut pickle does not load."""
    whole = pickle.dumps

    def cut(value: object, protocol: int | None = None) -> bytes:
        return whole(value, protocol=protocol)[:-3]

    monkeypatch.setattr(forked.pickle, "dumps", cut)  # the forked child inherits the patch
    with pytest.raises(ChildDied, match="its result was cut short, exit status 0"):
        Forked(lambda _: list(range(1000)), None).result()
