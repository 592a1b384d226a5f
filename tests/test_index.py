"""vcf/index: the largest chunk end and the window's start offset, with and without htslib's
metadata bin (the parse reads the metadata bin's end instead of every chunk; issue 19)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pysam

from il1rn_annot.vcf.index import read_index
from il1rn_annot.vcf.index_check import index_problem

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "test_data"
PSEUDO_BIN = 37450  # tabix's metadata bin (depth 5)


def _chunk_ends_and_strip_meta(data: bytes) -> tuple[int, bytes]:
    """Walk a decompressed tabix index: the largest chunk end over every real bin (what the
    index's last record ends at), and the same index without its metadata bins (old tabix)."""
    n_ref = struct.unpack_from("<i", data, 4)[0]
    l_nm = struct.unpack_from("<i", data, 32)[0]
    pos = 36 + l_nm
    out = bytearray(data[:pos])
    largest = 0
    for _ in range(n_ref):
        n_bin = struct.unpack_from("<i", data, pos)[0]
        pos += 4
        kept = bytearray()
        kept_bins = 0
        for _ in range(n_bin):
            bin_id, n_chunk = struct.unpack_from("<Ii", data, pos)
            body = data[pos : pos + 8 + 16 * n_chunk]
            pos += 8 + 16 * n_chunk
            if bin_id == PSEUDO_BIN:
                continue
            ends = struct.unpack_from(f"<{2 * n_chunk}Q", body, 8)[1::2]
            largest = max(largest, *ends)
            kept += body
            kept_bins += 1
        n_intv = struct.unpack_from("<i", data, pos)[0]
        intervals = data[pos : pos + 4 + 8 * n_intv]
        pos += 4 + 8 * n_intv
        out += struct.pack("<i", kept_bins) + kept + intervals
    return largest, bytes(out)


def test_largest_end_is_the_last_records_with_or_without_metadata_bins(tmp_path):
    vcf = DATA / "bcftools.joint_cohort.vcf.gz"
    tbi = Path(str(vcf) + ".tbi")
    largest, stripped = _chunk_ends_and_strip_meta(gzip.decompress(tbi.read_bytes()))
    assert read_index(tbi).max_offset() == largest
    old_style = tmp_path / "old.vcf.gz.tbi"
    with pysam.BGZFile(str(old_style), "wb", index=None) as out:
        out.write(stripped)
    parsed = read_index(old_style)
    assert parsed.max_offset() == largest  # parsed whole when there is no metadata bin
    window = ("chr2", 113115597, 113136014, ["chr2"])
    assert parsed.region_start(*window) == read_index(tbi).region_start(*window) is not None
    assert index_problem(str(old_style), vcf) is None  # the check of open_vcf accepts both
