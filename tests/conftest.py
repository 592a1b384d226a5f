"""Shared fixtures: the shipped knowledge base, a writer of small, real-shaped VCFs, and a real
small file system (tmpfs) to fill for the full-disk tests."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from il1rn_annot.kb.load import load_knowledge_base
from il1rn_annot.kb.model import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
GRCH38_CHR2 = 242193529
GRCH37_CHR2 = 243199373
#: GRCh37 position = GRCh38 position + this, across the IL-1 cluster (the KB's liftover_offset)
GRCH37_SHIFT = 757_577


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def vcf_text(
    records: list[str],
    samples: list[str],
    *,
    build: str = "GRCh38",
    chrom: str | None = None,
    extra_header: list[str] | None = None,
    contigs: bool = True,
) -> str:
    """A VCF 4.2 text with GATK-like header lines; records are tab-separated strings."""
    chrom = chrom or ("chr2" if build == "GRCh38" else "2")
    length = GRCH38_CHR2 if build == "GRCh38" else GRCH37_CHR2
    lines = ["##fileformat=VCFv4.2"]
    if contigs:
        lines.append(f"##contig=<ID={chrom},length={length}>")
    lines += [
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
        '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
        '##ALT=<ID=DEL,Description="Deletion">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ]
    lines += extra_header or []
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    body = [r.replace("{chrom}", chrom) for r in records]
    return "\n".join(lines + body) + "\n"


@pytest.fixture
def make_vcf(tmp_path: Path):
    """make_vcf(name, records, samples, **kw) -> Path of a plain VCF in tmp_path."""

    def _make(name: str, records: list[str], samples: list[str], **kwargs) -> Path:
        path = tmp_path / name
        path.write_text(vcf_text(records, samples, **kwargs))
        return path

    return _make


def annotate_at_grch38(
    make_vcf, records: list[str], build: str, kb: KnowledgeBase, out_dir: Path | None = None, **annotate_kwargs: Any
) -> tuple[dict[int, dict], Any, dict]:
    """Annotate `records` written once in GRCh38 positions (`{chrom}` for the contig) on `build`:
    for GRCh37 each POS is moved by GRCH37_SHIFT, so one test case runs on both builds.

    Returns (alleles of the JSON keyed by their GRCh38 position, the FileResult, the JSON payload).
    `out_dir` defaults to the VCF's folder; `annotate_kwargs` go to annotate_file (e.g. reference_path).
    """
    from il1rn_annot.annotate_vcf.run import annotate_file

    shift = 0 if build == "GRCh38" else GRCH37_SHIFT
    moved = []
    for rec in records:
        fields = rec.split("\t")
        fields[1] = str(int(fields[1]) + shift)
        moved.append("\t".join(fields))
    path = make_vcf(f"{build}.vcf", moved, ["S"], build=build)
    result = annotate_file(path, out_dir or path.parent, kb, date="2026-01-01T00:00:00Z", **annotate_kwargs)
    payload = json.loads(Path(result.outputs["json"]).read_text())
    return {a["pos"] - shift: a for a in payload["alleles"]}, result, payload


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str, what: str) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "400k") mounted on the existing `folder` for the block, unmounted
    after (lazily, so a handle left open does not keep it). A real file system, so ENOSPC and
    EROFS come from the kernel, not a mock. Skips `what` with the reason where mounting is not
    allowed (it needs root and mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip(f"mounting a tmpfs needs root (and mount): {what} cannot run here")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill_file_system(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte (files `filler`, then `filler2` for the
    last partial block); return `filler`. Asserts the disk really is full."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC  # noqa: PT017 - filling the disk is set-up, not the test
    with contextlib.suppress(OSError), open(folder / "filler2", "wb", buffering=0) as handle:  # the last partial block
        while True:
            handle.write(b"\0")
    assert os.statvfs(folder).f_bfree == 0
    return filler


def spy_scan_workers(monkeypatch, check: Callable[[Any], None] | None = None) -> list[int]:
    """Record how many processes each scan.SitesOnlyScan is built with (one entry per scan);
    `check(the_scan)` runs on each too. Undone with `monkeypatch`."""
    from il1rn_annot.annotate_vcf import scan

    used: list[int] = []
    original = scan.SitesOnlyScan.__init__

    def spy(self, plan, reader, writer, workers=1, **options):
        original(self, plan, reader, writer, workers, **options)
        used.append(self.workers)
        if check is not None:
            check(self)

    monkeypatch.setattr(scan.SitesOnlyScan, "__init__", spy)
    return used
