"""vcf.bgzf_seek: a later range of a bgzipped VCF starts reading close before its first record."""

from __future__ import annotations

import random

import pysam

from il1rn_annot.vcf.bgzf_seek import line_start_before
from il1rn_annot.vcf.index import read_index

WINDOW = (113115598, 113136014)  # GRCh38 screen window of the shipped knowledge base


def _joint_like(tmp_path, n_samples=300):
    """chr2 records every ~10 bp across the window, ~1.2 kB of genotypes each: many BGZF blocks."""
    rng = random.Random(7)
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=chr1,length=248956422>", "##contig=<ID=chr2,length=242193529>"]
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    names = "\t".join(f"S{i}" for i in range(n_samples))
    lines.append(f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{names}")
    lines.append("chr1\t1000\t.\tA\tG\t50\tPASS\t.\tGT\t" + "\t".join(["0/1"] * n_samples))
    pos = WINDOW[0] - 3000
    positions = []
    while pos < WINDOW[1] + 3000:
        pos += rng.randint(1, 20)
        positions.append(pos)
        gts = "\t".join(rng.choice(["0/0", "0/0", "0/1", "1/1"]) for _ in range(n_samples))
        lines.append(f"chr2\t{pos}\t.\tA\tC\t50\tPASS\t.\tGT\t{gts}")
    plain = tmp_path / "joint.vcf"
    plain.write_text("\n".join(lines) + "\n")
    path = pysam.tabix_index(str(plain), preset="vcf", force=True)
    return tmp_path / "joint.vcf.gz", positions, path + ".tbi"


def _lines_from(path, voffset, n):
    with pysam.BGZFile(str(path), "rb") as handle:
        handle.seek(voffset)
        return [line for line in (handle.readline() for _ in range(n)) if line]


def test_the_offset_is_a_line_start_before_the_first_record_at_the_position(tmp_path):
    path, positions, index = _joint_like(tmp_path)
    span = read_index(index).region_span("chr2", WINDOW[0] - 1, WINDOW[1], ["chr1", "chr2"])
    assert span is not None
    moved = 0
    for target in (WINDOW[0], WINDOW[0] + 5000, (WINDOW[0] + WINDOW[1]) // 2, WINDOW[1] - 10, WINDOW[1]):
        voffset = line_start_before(path, span, "chr2", target)
        assert span[0] <= voffset <= span[1]
        first = min(p for p in positions if p >= target)
        read = _lines_from(path, voffset, 400)
        assert read[0].startswith(b"chr2\t")  # a whole line, not the middle of one
        starts = [int(line.split(b"\t")[1]) for line in read]
        assert starts[0] <= first and first in starts  # nothing at or after `target` is skipped
        moved += voffset > span[0]
        # and it is close: fewer than two blocks' worth of lines before the first wanted record
        assert starts.index(first) < 2 * 65536 // 1200 + 2
    assert moved >= 3  # the later positions did not start at the index's window start


def test_anything_unexpected_keeps_the_index_offset(tmp_path):
    path, _, index = _joint_like(tmp_path)
    span = read_index(index).region_span("chr2", WINDOW[0] - 1, WINDOW[1], ["chr1", "chr2"])
    assert span is not None
    assert line_start_before(path, span, "chr7", WINDOW[1]) == span[0]  # another contig: never past
    broken = tmp_path / "broken.vcf.gz"
    data = bytearray(path.read_bytes())
    cut = (span[0] >> 16) + 20  # the blocks after the index's first one overwritten with zeros
    data[cut:] = bytes(len(data) - cut)
    broken.write_bytes(bytes(data))
    assert line_start_before(broken, span, "chr2", WINDOW[1]) == span[0]
