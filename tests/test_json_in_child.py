"""outputs.json_file: a big JSON written by a forked child is the same bytes, and the output
set stays all or nothing: a child's full disk, death or a cancelled set leave the earlier
files and no temp."""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

import il1rn_annot.outputs.json_file as jf
from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import OutputError
from il1rn_annot.outputs.atomic import OutputSet

ROOT = Path(__file__).resolve().parents[1]
JOINT = ROOT / "test_data" / "bcftools.joint_cohort.vcf.gz"
LISTS = ("alleles", "samples")


def _payload(n: int) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "provenance": {"tool": "il1rn-annot", "warnings": ["a", "b"]},
        "alleles": [{"allele_id": f"chr2:{k}:A:C", "pmids": [], "note": "é"} for k in range(n // 2)],
        "samples": [
            {"sample": f"S{k:06d}", "findings": [{"depth": k, "phased": False}], "coverage": None} for k in range(n)
        ],
    }


class _Counted(jf.Forked):
    started: ClassVar[list[int]] = []

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        assert self.pid is not None
        _Counted.started.append(self.pid)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    _Counted.started = []
    monkeypatch.setattr(jf, "Forked", _Counted)
    return _Counted.started


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_child_writes_the_same_bytes_as_the_process(tmp_path: Path, counted: list[int]) -> None:
    payload = _payload(jf.IN_CHILD_MIN_ITEMS)
    jf.write_json(tmp_path / "here.json", payload, LISTS)
    outputs = OutputSet()
    jf.write_json(tmp_path / "child.json", payload, LISTS, outputs=outputs, in_child=True)
    assert len(counted) == 1
    outputs.commit()
    assert (tmp_path / "child.json").read_bytes() == (tmp_path / "here.json").read_bytes()
    assert _temps(tmp_path) == []


def test_small_payload_is_written_in_the_process(tmp_path: Path, counted: list[int]) -> None:
    outputs = OutputSet()
    jf.write_json(tmp_path / "small.json", _payload(10), LISTS, outputs=outputs, in_child=True)
    outputs.commit()
    assert counted == [] and (tmp_path / "small.json").read_text().startswith("{\n")


def _set_with_earlier_files(folder: Path) -> tuple[OutputSet, dict[str, bytes]]:
    """An output set whose two files exist from an earlier run; the TSV is staged first."""
    earlier = {"x.tsv": b"old tsv\n", "x.json": b"{}\n"}
    for name, data in earlier.items():
        (folder / name).write_bytes(data)
    outputs = OutputSet()
    outputs.write_bytes(folder / "x.tsv", b"new tsv\n")
    return outputs, earlier


def test_a_full_disk_in_the_child_fails_the_commit_and_keeps_the_earlier_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jf, "_write_streamed", full)  # the child inherits it
    outputs, earlier = _set_with_earlier_files(tmp_path)
    jf.write_json(tmp_path / "x.json", _payload(jf.IN_CHILD_MIN_ITEMS), LISTS, outputs=outputs, in_child=True)
    assert len(counted) == 1
    with pytest.raises(OutputError) as caught:
        outputs.commit()
    assert "no space left on the device" in str(caught.value) and "x.json" in str(caught.value)
    assert caught.value.errno == errno.ENOSPC  # type: ignore[attr-defined]
    assert {name: (tmp_path / name).read_bytes() for name in earlier} == earlier
    assert _temps(tmp_path) == []


def test_a_child_killed_fails_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jf, "_write_streamed", lambda *_: os.kill(os.getpid(), signal.SIGKILL))
    outputs, earlier = _set_with_earlier_files(tmp_path)
    jf.write_json(tmp_path / "x.json", _payload(jf.IN_CHILD_MIN_ITEMS), LISTS, outputs=outputs, in_child=True)
    with pytest.raises(OutputError, match="ended without a result"):
        outputs.commit()
    assert {name: (tmp_path / name).read_bytes() for name in earlier} == earlier
    assert _temps(tmp_path) == []


def test_abort_stops_the_child_and_removes_the_temps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    monkeypatch.setattr(jf, "_write_streamed", lambda *_: time.sleep(60))
    outputs, earlier = _set_with_earlier_files(tmp_path)
    jf.write_json(tmp_path / "x.json", _payload(jf.IN_CHILD_MIN_ITEMS), LISTS, outputs=outputs, in_child=True)
    started = time.monotonic()
    outputs.abort()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie left
        os.waitpid(counted[0], os.WNOHANG)
    assert {name: (tmp_path / name).read_bytes() for name in earlier} == earlier
    assert _temps(tmp_path) == []


def test_annotate_outputs_are_the_same_with_the_json_in_a_child(
    tmp_path: Path, kb: Any, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    """The whole annotate run, a child forced for the shipped joint VCF: every file byte-identical."""
    annotate_file(JOINT, tmp_path / "here", kb, date="2026-01-01T00:00:00Z")
    assert counted == []  # a few samples: written in the process
    monkeypatch.setattr(jf, "IN_CHILD_MIN_ITEMS", 1)
    annotate_file(JOINT, tmp_path / "child", kb, date="2026-01-01T00:00:00Z")
    assert len(counted) == 1
    here = {p.name: p.read_bytes() for p in (tmp_path / "here").iterdir()}
    child = {p.name: p.read_bytes() for p in (tmp_path / "child").iterdir()}
    assert here.keys() == child.keys() and len(here) == 5
    assert here == child
