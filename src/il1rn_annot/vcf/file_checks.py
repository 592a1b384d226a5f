"""Check a VCF's bytes before htslib reads it, and name the faults precisely.

htslib reports these cryptically or not at all: the format is sniffed from the content (a
`.gz` name on a plain file, a BOM, a truncated BGZF); the header text is checked (no
`#CHROM` line, `##` lines after it, CRLF endings, unbalanced quotes, duplicate or empty
sample names); a last line without its newline is read as complete or refused as cut off.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Any

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.index_check import BGZF_EOF, last_block_starts
from il1rn_annot.vcf.inflate import gunzip_stream


def sniff(path: Path) -> tuple[str, bytes]:
    """Return (format, first decompressed bytes) from the content, not the name."""
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if not head:
        raise InputError("file is empty", path=str(path), hint="check that the caller finished and wrote its output")
    if head.startswith(b"\xef\xbb\xbf"):
        raise InputError(
            "the file starts with a UTF-8 byte-order mark (BOM), which htslib does not accept",
            path=str(path),
            where="line 1",
            hint="remove it, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE` (saved by a Windows editor?)",
        )
    if head[:2] == b"\x1f\x8b":
        is_bgzf = len(head) >= 18 and head[3] & 4 and head[12:14] == b"BC"
        try:
            text = gunzip_stream().decompress(head, 4096)
        except zlib.error as exc:
            raise InputError(
                f"gzip data is corrupt ({exc})", path=str(path), hint="re-create the file with bgzip"
            ) from None
        if is_bgzf:
            with open(path, "rb") as handle:
                handle.seek(max(0, os.path.getsize(path) - 28))
                tail = handle.read(28)
            if tail != BGZF_EOF:
                raise InputError(
                    "the BGZF end-of-file marker is missing: the file is truncated (an interrupted copy or "
                    "caller run?)",
                    path=str(path),
                    hint="copy or re-create the file; htslib would otherwise stop early and silently",
                )
        if text.startswith(b"BCF\x02"):
            return "bcf", text
        return ("vcf.gz" if is_bgzf else "vcf.gzip"), text
    if path.name.endswith((".gz", ".bgz")):
        raise InputError(
            "the name ends in .gz but the content is not gzip-compressed",
            path=str(path),
            hint="rename it to .vcf, or compress it with `bgzip` and index it with `tabix -p vcf`",
        )
    if head.startswith(b"BCF"):
        return "bcf", head
    return "vcf", head


def _ends_with_newline(path: Path, fmt: str) -> bool:
    """Whether the (decompressed) data end in a newline; reads only the last BGZF block."""
    if fmt == "vcf":
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    if fmt == "vcf.gz":
        text = _last_block_text(path)
        if text:
            return text.endswith(b"\n")
    return _last_lines(path, fmt)[0]


def _last_block_text(path: Path) -> bytes:
    """The decompressed text of a BGZF file's last non-empty block (b"" when it cannot be found)."""
    starts = last_block_starts(path)
    if len(starts) < 2:
        return b""
    with open(path, "rb") as handle:
        handle.seek(starts[0])
        block = handle.read(starts[1] - starts[0])
    try:
        return gunzip_stream().decompress(block)
    except zlib.error:
        return b""


def _last_lines(path: Path, fmt: str) -> tuple[bool, str, str | None]:
    """(ends with a newline, last line, the line before it or None). Reads the tail of a plain
    file, the last block of a BGZF one; another compressed file (or a BGZF one whose last block
    holds less than two lines) is read through: only when its end lacks the newline, which is rare."""
    if fmt == "vcf":
        size = os.path.getsize(path)
        chunk = 1 << 16
        while True:
            with open(path, "rb") as handle:
                handle.seek(max(0, size - chunk))
                tail = handle.read()
            if tail.count(b"\n") >= 3 or chunk >= size:
                break
            chunk *= 4
        text = tail.decode("utf-8", "replace")
    else:
        block = _last_block_text(path) if fmt == "vcf.gz" else b""
        if block.count(b"\n") >= 2:  # the last line and the whole line before it: in the last block
            text = block.decode("utf-8", "replace")
        else:
            lines: list[bytes] = [b"", b""]
            with gzip.open(path, "rb") as handle:
                for line in handle:
                    lines = [lines[-1], line]
            text = b"".join(lines).decode("utf-8", "replace")
    ends = text.endswith("\n")
    parts = text.rstrip("\n").split("\n") if ends else text.split("\n")
    last = parts[-1]
    previous = parts[-2] if len(parts) > 1 else None
    return ends, last, previous


def _ploidy(gt: str) -> int:
    return gt.count("/") + gt.count("|") + 1


def _cut_record(last: str, previous: str | None, n_samples: int) -> str | None:
    """Why a last line without its newline is a record cut short, or None when it is complete.

    Cut: fewer columns than the header, a GT ending in a separator or a field ending in ':',
    or a last GT with fewer alleles than the line's other genotypes (or than the same
    column's GT on the line before, on the same chromosome): `1/1` cut to `1` reads as a
    hemizygous call. A cut inside another value (DP 30 -> 3) cannot be told from the bytes.
    """
    cols = last.split("\t")
    expected = 9 + n_samples if n_samples else 8
    if len(cols) < expected:
        return f"it has {len(cols)} of the {expected} tab-separated columns the header names"
    if not n_samples:
        return None
    value = cols[-1]
    if value.endswith(":"):
        return f"its last field {value!r} ends in ':'"
    if cols[8].split(":")[0] != "GT":
        return None
    gt = value.split(":")[0]
    if not gt or gt[-1] in "/|":
        return f"its last genotype {gt!r} ends in a separator"
    others = [v.split(":")[0] for v in cols[9:-1]]
    if previous is not None:
        before = previous.split("\t")
        if len(before) == len(cols) and before[0] == cols[0] and before[8].split(":")[0] == "GT":
            others.append(before[-1].split(":")[0])
    widest = max((_ploidy(g) for g in others if g), default=0)
    if _ploidy(gt) < widest:
        return f"its last genotype {gt!r} has fewer alleles than the other genotypes ({widest})"
    return None


def check_last_line(path: Path, fmt: str, header_text: str) -> str | None:
    """A warning when the last line lacks its newline but is complete; an error when it is cut.

    The same for plain, bgzipped and indexed files: a file that does not end in a newline was
    once refused when plain and read silently when bgzipped, though htslib reads the cut
    record either way (a GT `1/1` cut to `1` as a hemizygous call, one cut inside FORMAT as no
    call): a wrong answer instead of an error.
    """
    if fmt == "bcf":
        return None
    try:
        if _ends_with_newline(path, fmt):
            return None
        _, last, previous = _last_lines(path, fmt)
    except (OSError, EOFError, zlib.error):
        return None  # a compressed stream cut short: named by the truncation checks that follow
    chrom_line = header_text.rstrip("\n").split("\n")[-1] if header_text else ""
    n_samples = max(0, len(chrom_line.split("\t")) - 9)
    if last.startswith("#"):
        return "the file does not end with a newline; it holds no record after the header"
    cols = last.split("\t")
    record = f"record {cols[0]}:{cols[1]}" if len(cols) > 1 else "the last record"
    problem = _cut_record(last, previous, n_samples)
    if problem:
        raise InputError(
            f"the file does not end with a newline and its last record is cut off: {problem}",
            path=str(path),
            where=f"last line ({record})",
            hint="copy or re-create the file (an interrupted copy or caller run?)",
        )
    return (
        f"the file does not end with a newline; its last line ({record}) is complete and was read "
        "(a copy cut exactly at the end of a line cannot be told from a complete file: check that the "
        "caller finished)"
    )


def gzip_truncated(path: Path) -> bool:
    """True when a gzip/BGZF stream cannot be read to its end (error path only: reads it all)."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return True
    return False


def read_header_text(path: Path, fmt: str, head: bytes) -> str:
    """The raw header text, read before htslib so its faults can be named precisely."""
    if fmt == "bcf":
        return ""  # binary: htslib's own header parse is authoritative
    opener = gzip.open if fmt.startswith("vcf.gz") else open
    lines: list[str] = []
    # newline="\n": lines end at LF only, as for htslib. (newline="" also split at a bare CR,
    # so a CR inside a sample name hid the rest of the #CHROM line from the duplicate and
    # CRLF checks.)
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="\n") as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1 and not line.startswith("##fileformat=VCF"):
                    shown = line.rstrip("\r\n")[:60]
                    raise InputError(
                        f"not a VCF: the first line is {shown!r}, not '##fileformat=VCFv4.x'",
                        path=str(path),
                        where="line 1",
                        hint="give a VCF/BCF file; if this is one, restore its ##fileformat line (htslib needs it)",
                    )
                if "\ufffd" in line:
                    raise InputError(
                        "the header is not UTF-8 text",
                        path=str(path),
                        where=f"line {number}",
                        hint="VCF text is UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`",
                    )
                if not line.startswith("#"):
                    raise InputError(
                        "no '#CHROM' header line before the first record",
                        path=str(path),
                        where=f"line {number}",
                        hint="every VCF needs the '#CHROM POS ID REF ALT ...' column header line",
                    )
                lines.append(line)
                if line.startswith("#CHROM"):
                    _check_after_chrom_line(path, handle, number)
                    break
            else:
                if not any(line.startswith("#CHROM") for line in lines):
                    raise InputError(
                        "no '#CHROM' header line",
                        path=str(path),
                        hint="the file holds only meta-information lines; is it truncated?",
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"cannot read the compressed data ({exc})",
            path=str(path),
            hint="the file is corrupt or truncated: re-create it",
        ) from None
    return "".join(lines)


def _check_after_chrom_line(path: Path, handle: Any, chrom_number: int) -> None:
    """Refuse `##` meta-information lines between the #CHROM line and the first record.

    htslib reads such a line as a record in a plain VCF (an error naming a 1-column record),
    while tabix skips it as a comment in a bgzipped one: the same file read two ways, and the
    meta-information it carries (an INFO or contig declaration) silently lost.
    """
    for number, line in enumerate(handle, start=chrom_number + 1):
        if line.startswith("##"):
            raise InputError(
                "a '##' meta-information line follows the #CHROM line",
                path=str(path),
                where=f"line {number}",
                hint="move every '##' line above the '#CHROM' line (the #CHROM line ends the header)",
            )
        if not line.startswith("#"):
            return


def check_header_text(path: Path, text: str) -> None:
    if not text:
        return
    if "\r\n" in text:
        raise InputError(
            "Windows (CRLF) line endings",
            path=str(path),
            where="header",
            hint="convert with `dos2unix` or `sed -i 's/\\r$//'` and compress again",
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("##") and "=<" in line and (line.count('"') - line.count('\\"')) % 2:
            # htslib then swallows the following lines into the quoted value, and reads the
            # #CHROM line as a record: its own error names the wrong line
            raise InputError(
                "unbalanced double quote in a header line",
                path=str(path),
                where=f"line {number}",
                hint="close the quoted value (or remove the quote character) in that line",
            )
    chrom_line = text.rstrip("\n").split("\n")[-1]
    if not chrom_line.startswith("#CHROM"):
        return
    columns = chrom_line.split("\t")
    expected = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if columns[: len(expected)] != expected[: len(columns[: len(expected)])] or len(columns) < 8:
        raise InputError(
            f"the #CHROM line has columns {columns[:9]}, not the eight VCF columns",
            path=str(path),
            where="#CHROM line",
            hint="is the file tab-separated?",
        )
    samples = columns[9:]
    if len(columns) == 9:
        raise InputError(
            "the #CHROM line has a FORMAT column but no sample columns",
            path=str(path),
            where="#CHROM line",
            hint="a sites-only VCF ends the #CHROM line at INFO: remove FORMAT, or add the sample columns",
        )
    seen: set[str] = set()
    duplicates = sorted({s for s in samples if s in seen or seen.add(s)})  # type: ignore[func-returns-value]
    if duplicates:
        raise InputError(
            f"duplicate sample names in the header: {', '.join(duplicates)}",
            path=str(path),
            where="#CHROM line",
            hint="give every sample a unique name (bcftools reheader -s)",
        )
    empty = [i for i, s in enumerate(samples, start=10) if not s.strip()]
    if empty:
        raise InputError(
            f"empty sample name in column {empty[0]}",
            path=str(path),
            where="#CHROM line",
            hint="name every sample column",
        )
