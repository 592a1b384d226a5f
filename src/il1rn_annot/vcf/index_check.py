"""The input's index, found next to the data and checked against it (`index_for`, `index_problem`),
and where BGZF blocks lie at the end of the file and around a span of virtual offsets
(`last_block_starts`, `block_range`).

`vcf.index` parses an index once per file; this module asks it the questions `open_vcf`,
`limits`, `identity` and `file_checks` need of the data file itself. Format: the SAM
specification's BGZF section (4.1) and the tabix/CSI index specifications.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from il1rn_annot.vcf.index import read_index

#: the empty block that ends every complete BGZF file (SAM specification, section 4.1.2)
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def last_block_starts(data_path: Path) -> list[int]:
    """Offsets of the BGZF blocks at the end of the file, last data block first, then any
    empty blocks after it, then the EOF block. Found by chaining block headers back from
    the EOF marker within the last two maximal blocks (cheap for any file size)."""
    size = os.path.getsize(data_path)
    tail_start = max(0, size - 2 * 65536 - 2 * len(BGZF_EOF))
    with open(data_path, "rb") as handle:
        handle.seek(tail_start)
        tail = handle.read()
    ends: dict[int, tuple[int, int]] = {}  # block end -> (block start, uncompressed size)
    at = tail.find(b"\x1f\x8b\x08\x04")
    while at != -1:
        if at + 18 <= len(tail) and tail[at + 12 : at + 16] == b"BC\x02\x00":
            bsize = struct.unpack_from("<H", tail, at + 16)[0]
            block_end = at + bsize + 1
            if block_end <= len(tail):
                isize = struct.unpack_from("<I", tail, block_end - 4)[0]
                ends[tail_start + block_end] = (tail_start + at, isize)
        at = tail.find(b"\x1f\x8b\x08\x04", at + 1)
    starts = [size - len(BGZF_EOF)]
    cursor = starts[0]
    while cursor in ends:
        begin, isize = ends[cursor]
        starts.insert(0, begin)
        if isize:
            break
        cursor = begin
    return starts


def block_range(data_path: str | os.PathLike[str], span: tuple[int, int]) -> tuple[int, int]:
    """The compressed byte range [start, end) of the BGZF blocks holding virtual offsets
    `span` = (first, last): from the first's block to the end of the last's block (a virtual
    offset at a block's byte 0 ends before that block)."""
    start, last = span[0] >> 16, span[1] >> 16
    if span[1] & 0xFFFF == 0:
        return start, max(start, last)
    with open(data_path, "rb") as handle:
        handle.seek(last)
        head = handle.read(18)
    if len(head) < 18 or head[:4] != b"\x1f\x8b\x08\x04" or head[12:14] != b"BC":
        return start, last  # not a block header (corrupt data): htslib's own read will say so
    bsize = struct.unpack_from("<H", head, 16)[0]
    return start, last + bsize + 1


def index_problem(index_path: str, data_path: Path) -> str | None:
    """Why the index does not belong to the data file, or None when it plausibly does.

    A correct index's last record ends in the file's last non-empty BGZF block (or at a
    later block boundary), so its largest virtual offset points there. An index of another
    file (renamed, re-compressed, or appended to after indexing) fails this almost always;
    htslib itself would follow the offsets and silently return the wrong records or none.
    """
    try:
        best = read_index(index_path).max_offset()
    except (OSError, EOFError, zlib.error, ValueError, struct.error) as exc:
        return f"it cannot be read as an index ({exc})"
    if best is None:
        return None
    size = os.path.getsize(data_path)
    compressed = best >> 16
    if compressed > size - len(BGZF_EOF):
        return f"it points to byte {compressed:,}, beyond the end of the data ({size:,} bytes)"
    starts = last_block_starts(data_path)
    if len(starts) > 1 and compressed not in starts:
        return (
            f"its last record ends in the block at byte {compressed:,}, but the data's last block "
            f"starts at byte {starts[0]:,}"
        )
    return None


def index_for(path: Path, fmt: str) -> str | None:
    if fmt not in ("vcf.gz", "bcf"):
        return None
    for suffix in (".tbi", ".csi"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            return str(candidate)
    return None
