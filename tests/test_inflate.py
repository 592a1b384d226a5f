"""vcf/inflate.py: ISA-L gives zlib's bytes, and zlib's errors, on real BGZF blocks."""

from __future__ import annotations

import importlib
import struct
import sys
import zlib
from pathlib import Path

import pytest

from il1rn_annot.vcf import inflate

DATA = Path(__file__).resolve().parents[1] / "test_data"


def _blocks(path: Path) -> list[bytes]:
    raw, out, at = path.read_bytes(), [], 0
    while at < len(raw):
        size = struct.unpack_from("<H", raw, at + 16)[0] + 1
        out.append(raw[at : at + size])
        at += size
    return out


@pytest.fixture(params=["isal", "zlib"])
def library(request, monkeypatch):
    """The module as loaded with ISA-L, and as loaded where it is not installed."""
    if request.param == "zlib":
        monkeypatch.setitem(sys.modules, "isal", None)  # `from isal import ...` raises ImportError
    module = importlib.reload(inflate)
    yield module
    monkeypatch.undo()
    importlib.reload(inflate)


def test_the_same_bytes_as_zlib_on_every_block_of_real_files(library):
    if library.LIBRARY != "zlib":
        pytest.importorskip("isal")
    for name in ("bcftools.joint_cohort.vcf.gz", "gatk_hc.PATIENT_HOM_E77X.vcf.gz.tbi", "manta.DEL175_HOM.vcf.gz"):
        for block in _blocks(DATA / name):
            assert library.gunzip(block) == zlib.decompress(block, 31)
            assert library.gunzip_stream().decompress(block, 100) == zlib.decompressobj(31).decompress(block, 100)


def test_corrupt_data_raises_zlib_error_whatever_the_library(library):
    block = _blocks(DATA / "bcftools.joint_cohort.vcf.gz")[0]
    damaged = block[:30] + bytes(b ^ 0xFF for b in block[30:60]) + block[60:]
    with pytest.raises(zlib.error):
        library.gunzip(damaged)
    with pytest.raises(zlib.error):
        library.gunzip(block[:-8] + b"\0\0\0\0" + block[-4:])  # wrong CRC: checked
    with pytest.raises(zlib.error):
        library.gunzip_stream().decompress(damaged)
