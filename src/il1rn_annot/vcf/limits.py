"""Size limits checked before htslib reads a VCF/BCF, so that no input can exhaust memory.

htslib holds a whole header, and a whole record line, in memory (and cyvcf2 copies them):
a 300 MB INFO field in a 0.3 MB file took 1.3 GB and was copied into the annotated VCF; a
1 GB header from a 3.7 MB file took 3 GB. The checks here stream the decompressed bytes in
1 MiB pieces and refuse, with the line and the limit, anything larger than:

* `HEADER_MAX_BYTES` for the whole header (a 100,000-sample #CHROM line is ~1.5 MB);
* `LINE_MAX_BYTES` for one line (header or record; a BCF record likewise);
* `INFO_MAX_BYTES` for one record's INFO column (VEP/SnpEff annotations are ~10-100 kB).

Which records: those htslib will read. An indexed file is read at the IL1RN window only,
so only the index chunks of the window are scanned (a few BGZF blocks); a file read without
an index is scanned whole (one more decompression pass, ~1 s per 300 MB of text). Peak
memory of the checks: one line up to `LINE_MAX_BYTES` only when INFO must be measured.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.index import read_index
from il1rn_annot.vcf.index_check import block_range
from il1rn_annot.vcf.inflate import gunzip

HEADER_MAX_BYTES = 64 << 20
LINE_MAX_BYTES = 64 << 20
INFO_MAX_BYTES = 8 << 20
_CHUNK = 1 << 20
_BLOCK = 1 << 16  # a BGZF block holds at most 64 KiB of text
_HINT = (
    "documented limits (docs/reruns.md, 'Bounded resources'): header {header} MiB, line {line} MiB, "
    "INFO {info} MiB; is the file corrupt, or can the oversized annotation be removed (bcftools annotate -x)?"
)


def _hint() -> str:
    return _HINT.format(header=HEADER_MAX_BYTES >> 20, line=LINE_MAX_BYTES >> 20, info=INFO_MAX_BYTES >> 20)


def _too_big(path: Path, what: str, where: str) -> InputError:
    return InputError(what, path=str(path), where=where, hint=_hint())


def _open_stream(path: Path, fmt: str) -> BinaryIO:
    """The decompressed bytes of the file (plain, gzip or BGZF)."""
    if fmt == "vcf":
        return open(path, "rb")
    return gzip.open(path, "rb")  # type: ignore[return-value]


def check_header_size(path: Path, fmt: str, head: bytes) -> None:
    """Refuse a header over HEADER_MAX_BYTES or a header line over LINE_MAX_BYTES, before any
    reader (ours or htslib's) takes a line of it into memory. `head`: the first decompressed
    bytes (`file_checks.sniff`)."""
    if fmt == "bcf":
        if len(head) >= 9:
            (l_text,) = struct.unpack("<I", head[5:9])
            if l_text > HEADER_MAX_BYTES:
                raise _too_big(path, f"the BCF header is {l_text:,} bytes (limit {HEADER_MAX_BYTES:,})", "header")
        return
    total = 0
    line_number, line_length = 1, 0
    at_line_start = True
    try:
        with _open_stream(path, fmt) as handle:
            # 64 KiB at a time: the read stops at the first record, and a 1 MiB read went on ~15 BGZF
            # blocks into the records of an indexed file that the annotation never reads (issue 19)
            for chunk in iter(lambda: handle.read(_BLOCK), b""):
                start = 0
                while start < len(chunk):
                    if at_line_start and chunk[start : start + 1] not in (b"#", b""):
                        return  # the first record: the header ended
                    end = chunk.find(b"\n", start)
                    piece = (len(chunk) if end < 0 else end + 1) - start
                    line_length += piece
                    total += piece
                    if line_length > LINE_MAX_BYTES:
                        raise _too_big(
                            path, f"header line {line_number} is over {LINE_MAX_BYTES:,} bytes", f"line {line_number}"
                        )
                    if total > HEADER_MAX_BYTES:
                        raise _too_big(path, f"the header is over {HEADER_MAX_BYTES:,} bytes", f"line {line_number}")
                    if end < 0:
                        at_line_start = False
                        break
                    line_number, line_length, at_line_start = line_number + 1, 0, True
                    start = end + 1
    except (OSError, EOFError, zlib.error):
        return  # unreadable data: file_checks names the fault precisely


def check_record_sizes(
    path: Path, fmt: str, index_path: str | None, contig: str | None, window: tuple[int, int], seqnames: list[str]
) -> None:
    """Refuse a record (of those htslib will read) over LINE_MAX_BYTES, or whose INFO is over
    INFO_MAX_BYTES. `window`: 1-based (start, end) of the screened locus; `seqnames`: the
    header's contigs in order (a BCF record names its contig by that index)."""
    span = None
    if index_path and contig:
        try:
            span = read_index(index_path).region_span(contig, window[0] - 1, window[1], seqnames)
        except (OSError, ValueError, struct.error, zlib.error, EOFError):
            span = None  # an index open_vcf accepted but this cannot parse: scan the file
        if span is None and index_path:
            return  # the index holds nothing at the window: htslib reads no record
    try:
        if fmt == "bcf":
            _check_bcf_records(path, span, contig, window, seqnames)
        else:
            _check_vcf_lines(path, fmt, span, contig, window)
    except (OSError, EOFError, zlib.error, struct.error):
        return  # unreadable data: file_checks / htslib name the fault


class _BlockRange:
    """The decompressed text of the BGZF blocks holding the virtual offsets `span` = (first,
    last), from `first`: what htslib's index query reads, and not a block more (a reader that
    reads ahead, like a 1 MiB `BGZFile.read`, ran ~15 blocks past the window into data the
    annotation never reads; issue 19)."""

    def __init__(self, path: Path, span: tuple[int, int]) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        self._at, self._end = block_range(path, span)
        self._skip = span[0] & 0xFFFF
        self._buffer = b""

    def _next_block(self) -> bytes:
        if self._at >= self._end:
            return b""
        self._file.seek(self._at)
        head = self._file.read(18)
        if len(head) < 18 or head[12:14] != b"BC":
            raise zlib.error(f"no BGZF block at byte {self._at}")
        size = struct.unpack_from("<H", head, 16)[0] + 1
        block = head + self._file.read(size - 18)
        self._at += size
        text = gunzip(block)
        text, self._skip = text[self._skip :], 0
        return text

    def read(self, n: int) -> bytes:
        # blocks gathered in a list and joined once: appending each 64 KiB block to a growing
        # buffer copied it ~8 times per 1 MiB read (a tenth of a second at 10,000 samples)
        parts, have = [self._buffer], len(self._buffer)
        while have < n:
            more = self._next_block()
            if not more and self._at >= self._end:
                break
            parts.append(more)
            have += len(more)
        data = b"".join(parts)
        if len(data) <= n:
            self._buffer = b""
            return data
        self._buffer = data[n:]
        return data[:n]

    def __enter__(self) -> _BlockRange:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _bgzf_from(path: Path, span: tuple[int, int] | None) -> BinaryIO | _BlockRange:
    """Decompressed bytes of the blocks of `span` (virtual offsets from the index; None: the
    whole file from the start, any compression)."""
    if span is None:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return _BlockRange(path, span)


def _check_vcf_lines(
    path: Path, fmt: str, span: tuple[int, int] | None, contig: str | None, window: tuple[int, int]
) -> None:
    """Stream the record lines (of the index `span`'s blocks, else the whole file) and check
    their sizes; with a span stop at the first line past the window."""
    if span is not None:
        for _ in locus_lines(path, span, contig, window[1]):
            pass
        return
    with _open_stream(path, fmt) as handle:
        for number, line in _lines(handle, every=False):
            if line is None:
                raise _too_big(path, f"a record line is over {LINE_MAX_BYTES:,} bytes", _where(number, None))
            if not line.startswith(b"#"):
                _check_info(path, line, _where(number, None))


def locus_lines(path: Path, span: tuple[int, int], contig: str | None, end: int) -> Iterator[bytes]:
    """The lines of the BGZF blocks of `span` (the virtual offsets htslib's index query reads:
    `index.ParsedIndex.region_span`) up to the first past `end` on `contig`, checked as
    `check_record_sizes` checks them, without their newline: one decompression serves the
    check and a reader of the text (`annotate_vcf.text_scan`)."""
    start = span[0]
    with _bgzf_from(path, span) as handle:
        for number, line in _lines(handle, every=True):
            if line is None:
                raise _too_big(path, f"a record line is over {LINE_MAX_BYTES:,} bytes", _where(number, start))
            if line.startswith(b"#"):
                continue
            if _past(line, contig, end):
                return
            _check_info(path, line, _where(number, start))
            yield line


def _check_info(path: Path, line: bytes, where: str) -> None:
    if len(line) > INFO_MAX_BYTES:
        fields = line.split(b"\t", 8)
        info = fields[7] if len(fields) > 7 else b""
        if len(info) > INFO_MAX_BYTES:
            pos = fields[1].decode("ascii", "replace") if len(fields) > 1 else "?"
            raise _too_big(
                path,
                f"the INFO column of the record at {fields[0].decode('utf-8', 'replace')}:"
                f"{pos} is {len(info):,} bytes (limit {INFO_MAX_BYTES:,})",
                where,
            )


def _where(number: int, start: int | None) -> str:
    return f"line {number}" if start is None else "a record at the IL1RN locus"


def _past(line: bytes, contig: str | None, end: int) -> bool:
    """Whether a record line lies beyond the window (another contig, or POS after `end`)."""
    fields = line[:256].split(b"\t", 2)
    if len(fields) < 2 or contig is None:
        return False
    if fields[0].decode("utf-8", "replace") != contig:
        return True
    try:
        return int(fields[1]) > end
    except ValueError:
        return False


def _lines(handle: BinaryIO | _BlockRange, every: bool) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of every line (`every`), else only of lines longer than
    INFO_MAX_BYTES (a whole file is checked chunk by chunk at C speed); (number, None), and
    the end, for a line over LINE_MAX_BYTES. Holds at most one line of LINE_MAX_BYTES."""
    number = 0
    parts: list[bytes] = []  # the unfinished line at the end of the last chunk
    length = 0
    for data in iter(lambda: handle.read(_CHUNK), b""):
        pieces = data.split(b"\n")
        tail = pieces.pop()
        if parts and pieces:  # the unfinished line ends in this chunk
            length += len(pieces[0])
            if length > LINE_MAX_BYTES:
                yield number + 1, None
                return
            parts.append(pieces[0])
            pieces[0] = b"".join(parts)
            parts, length = [], 0
        if every:
            for piece in pieces:
                number += 1
                yield number, piece
        else:
            if pieces and max(map(len, pieces)) > INFO_MAX_BYTES:
                for k, piece in enumerate(pieces, start=number + 1):
                    if len(piece) > INFO_MAX_BYTES:
                        yield k, piece
            number += len(pieces)
        if tail:
            parts.append(tail)
            length += len(tail)
            if length > LINE_MAX_BYTES:
                yield number + 1, None
                return
    if parts:
        yield number + 1, b"".join(parts)


def _check_bcf_records(
    path: Path, span: tuple[int, int] | None, contig: str | None, window: tuple[int, int], seqnames: list[str]
) -> None:
    """BCF records are `l_shared, l_indiv` (uint32) then the data: sizes read, data skipped."""
    rid = seqnames.index(contig) if contig in seqnames else None
    start = span[0] if span else None
    with _bgzf_from(path, span) as handle:
        if start is None:
            magic = handle.read(9)
            if len(magic) < 9:
                return
            _skip(handle, struct.unpack("<I", magic[5:9])[0])
        number = 0
        while True:
            sizes = handle.read(16)
            if len(sizes) < 16:
                return
            l_shared, l_indiv, chrom, pos = struct.unpack("<IIii", sizes)
            number += 1
            if start is not None and rid is not None and (chrom != rid or pos + 1 > window[1]):
                return
            if 8 + l_shared + l_indiv > LINE_MAX_BYTES:
                raise _too_big(
                    path,
                    f"a BCF record is {8 + l_shared + l_indiv:,} bytes (limit {LINE_MAX_BYTES:,})",
                    f"record {number}" if start is None else "a record at the IL1RN locus",
                )
            _skip(handle, l_shared + l_indiv - 8)


def _skip(handle: BinaryIO | _BlockRange, n: int) -> None:
    while n > 0:
        got = len(handle.read(min(n, _CHUNK)))
        if not got:
            return
        n -= got


# ---- tabix / CSI index: where the window's records start --------------------------------
