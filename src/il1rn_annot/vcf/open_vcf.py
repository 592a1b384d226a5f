"""Open a VCF / bgzipped VCF / BCF / gVCF safely and describe it.

htslib (through cyvcf2) does the parsing; this module does what htslib does not: it
sniffs the format from the bytes (a `.gz` name on a plain file, a truncated BGZF), checks
the header for the faults htslib reports cryptically or not at all (no `#CHROM` line,
duplicate sample names, CRLF line endings, no chromosome 2), finds the chromosome-2
name in use and the build, and decides how the locus will be read (index query,
temporary index, or a stream).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cyvcf2

from il1rn_annot.vcf.genome_build import BuildCall, detect_build, resolve_build
from il1rn_annot.errors import InputError
from il1rn_annot.kb.knowledge import KnowledgeBase
from il1rn_annot.vcf.limits import check_header_size, check_record_sizes
from il1rn_annot.outputs.naming import input_stem
from il1rn_annot.vcf.index import read_index

#: primary-assembly contig names of both naming styles, declared on the reader when the file does not
STANDARD_CONTIGS = tuple([f"chr{c}" for c in [*range(1, 23), "X", "Y", "M"]]
                         + [str(c) for c in [*range(1, 23), "X", "Y", "MT"]])
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
CHR2_NAMES = ("chr2", "2")
#: header lines of files that hold breakend records (Manta, SvABA, DELLY: MATEID; GRIDSS: PARID, EVENT)
BREAKEND_HEADER = ("##INFO=<ID=MATEID,", "##INFO=<ID=PARID,", "##INFO=<ID=EVENT,", "##ALT=<ID=BND")


@dataclass
class VcfInput:
    """An opened input and what the annotator needs to know about it."""

    path: Path
    format: str  # "vcf", "vcf.gz", "vcf.gzip", "bcf"
    samples: list[str]
    contig: str | None  # the name chromosome 2 has in this file
    contig_lengths: dict[str, int | None]
    header_lines: list[str]
    build: BuildCall
    index_path: str | None
    has_sv_header: bool
    fileformat: str
    warnings: list[str] = field(default_factory=list)
    #: lines before the first record in a text VCF (line numbers of records in errors); None for BCF
    header_line_count: int | None = None
    #: contigs declared on the reader's header by `open_vcf` (not in the file's header); see `_declare_contigs`
    declared_contigs: list[str] = field(default_factory=list)
    _sha256: str | None = field(default=None, repr=False)
    #: CHROM values of a streamed text VCF, found once (`locate._declare_stream_contigs`)
    text_contigs: set[str] | None = field(default=None, repr=False)
    #: the header declares breakend records (MATEID, PARID, EVENT or an ALT BND): see locate.BND_LOOKAHEAD
    has_breakend_header: bool = False

    @property
    def sha256(self) -> str:
        """Checksum of the input, read when first asked for: a joint VCF's workers parse while it is computed."""
        if self._sha256 is None:
            self._sha256 = sha256_of(self.path)
        return self._sha256

    @property
    def name(self) -> str:
        """Input name without its VCF suffixes (NAME for NAME.vcf.gz)."""
        return input_stem(self.path)

    @property
    def is_gvcf(self) -> bool:
        return any(line.startswith("##GVCFBlock") or "<NON_REF>" in line
                   for line in self.header_lines) or self.path.name.endswith((".g.vcf.gz", ".g.vcf", ".gvcf.gz"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sniff(path: Path) -> tuple[str, bytes]:
    """Return (format, first decompressed bytes) from the content, not the name."""
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if not head:
        raise InputError("file is empty", path=str(path), hint="check that the caller finished and wrote its output")
    if head.startswith(b"\xef\xbb\xbf"):
        raise InputError("the file starts with a UTF-8 byte-order mark (BOM), which htslib does not accept",
                         path=str(path), where="line 1",
                         hint="remove it, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE` (saved by a Windows editor?)")
    if head[:2] == b"\x1f\x8b":
        is_bgzf = len(head) >= 18 and head[3] & 4 and head[12:14] == b"BC"
        try:
            text = zlib.decompressobj(31).decompress(head, 4096)
        except zlib.error as exc:
            raise InputError(f"gzip data is corrupt ({exc})", path=str(path),
                             hint="re-create the file with bgzip") from None
        if is_bgzf:
            with open(path, "rb") as handle:
                handle.seek(max(0, os.path.getsize(path) - 28))
                tail = handle.read(28)
            if tail != BGZF_EOF:
                raise InputError(
                    "the BGZF end-of-file marker is missing: the file is truncated (an interrupted copy or caller run?)",
                    path=str(path), hint="copy or re-create the file; htslib would otherwise stop early and silently")
        if text.startswith(b"BCF\x02"):
            return "bcf", text
        return ("vcf.gz" if is_bgzf else "vcf.gzip"), text
    if path.name.endswith((".gz", ".bgz")):
        raise InputError("the name ends in .gz but the content is not gzip-compressed", path=str(path),
                         hint="rename it to .vcf, or compress it with `bgzip` and index it with `tabix -p vcf`")
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
        starts = _last_block_starts(path)
        if len(starts) > 1:
            with open(path, "rb") as handle:
                handle.seek(starts[0])
                block = handle.read(starts[1] - starts[0])
            try:
                text = zlib.decompressobj(31).decompress(block)
            except zlib.error:
                text = b""
            if text:
                return text.endswith(b"\n")
    return _last_lines(path, fmt)[0]


def _last_lines(path: Path, fmt: str) -> tuple[bool, str, str | None]:
    """(ends with a newline, last line, the line before it or None). Reads the tail of a plain
    file; a compressed one is read through (only when its end lacks the newline: rare)."""
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


def _check_last_line(path: Path, fmt: str, header_text: str) -> str | None:
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
        raise InputError(f"the file does not end with a newline and its last record is cut off: {problem}",
                         path=str(path), where=f"last line ({record})",
                         hint="copy or re-create the file (an interrupted copy or caller run?)")
    return (f"the file does not end with a newline; its last line ({record}) is complete and was read "
            "(a copy cut exactly at the end of a line cannot be told from a complete file: check that the "
            "caller finished)")


def _gzip_truncated(path: Path) -> bool:
    """True when a gzip/BGZF stream cannot be read to its end (error path only: reads it all)."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return True
    return False


def _header_text(path: Path, fmt: str, head: bytes) -> str:
    """The raw header text, read before htslib so its faults can be named precisely."""
    if fmt == "bcf":
        return ""  # binary: htslib's own header parse is authoritative
    opener = gzip.open if fmt.startswith("vcf.gz") else open
    lines: list[str] = []
    # newline="\n": lines end at LF only, as for htslib. (newline="" also split at a bare CR,
    # so a CR inside a sample name hid the rest of the #CHROM line from the duplicate and
    # CRLF checks.)
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="\n") as handle:  # type: ignore[operator]
            for number, line in enumerate(handle, start=1):
                if number == 1 and not line.startswith("##fileformat=VCF"):
                    shown = line.rstrip("\r\n")[:60]
                    raise InputError(f"not a VCF: the first line is {shown!r}, not '##fileformat=VCFv4.x'",
                                     path=str(path), where="line 1",
                                     hint="give a VCF/BCF file; if this is one, restore its ##fileformat line "
                                          "(htslib needs it)")
                if "\ufffd" in line:
                    raise InputError("the header is not UTF-8 text", path=str(path), where=f"line {number}",
                                     hint="VCF text is UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`")
                if not line.startswith("#"):
                    raise InputError("no '#CHROM' header line before the first record", path=str(path),
                                     where=f"line {number}",
                                     hint="every VCF needs the '#CHROM POS ID REF ALT ...' column header line")
                lines.append(line)
                if line.startswith("#CHROM"):
                    _check_after_chrom_line(path, handle, number)
                    break
            else:
                if not any(line.startswith("#CHROM") for line in lines):
                    raise InputError("no '#CHROM' header line", path=str(path),
                                     hint="the file holds only meta-information lines; is it truncated?")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read the compressed data ({exc})", path=str(path),
                         hint="the file is corrupt or truncated: re-create it") from None
    return "".join(lines)


def _check_after_chrom_line(path: Path, handle: Any, chrom_number: int) -> None:
    """Refuse `##` meta-information lines between the #CHROM line and the first record.

    htslib reads such a line as a record in a plain VCF (an error naming a 1-column record),
    while tabix skips it as a comment in a bgzipped one: the same file read two ways, and the
    meta-information it carries (an INFO or contig declaration) silently lost.
    """
    for number, line in enumerate(handle, start=chrom_number + 1):
        if line.startswith("##"):
            raise InputError("a '##' meta-information line follows the #CHROM line", path=str(path),
                             where=f"line {number}",
                             hint="move every '##' line above the '#CHROM' line (the #CHROM line ends the header)")
        if not line.startswith("#"):
            return


def _check_header_text(path: Path, text: str) -> None:
    if not text:
        return
    if "\r\n" in text:
        raise InputError("Windows (CRLF) line endings", path=str(path), where="header",
                         hint="convert with `dos2unix` or `sed -i 's/\\r$//'` and compress again")
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("##") and "=<" in line and (line.count('"') - line.count('\\"')) % 2:
            # htslib then swallows the following lines into the quoted value, and reads the
            # #CHROM line as a record: its own error names the wrong line
            raise InputError("unbalanced double quote in a header line", path=str(path), where=f"line {number}",
                             hint="close the quoted value (or remove the quote character) in that line")
    chrom_line = text.rstrip("\n").split("\n")[-1]
    if not chrom_line.startswith("#CHROM"):
        return
    columns = chrom_line.split("\t")
    expected = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if columns[: len(expected)] != expected[: len(columns[: len(expected)])] or len(columns) < 8:
        raise InputError(f"the #CHROM line has columns {columns[:9]}, not the eight VCF columns",
                         path=str(path), where="#CHROM line", hint="is the file tab-separated?")
    samples = columns[9:]
    if len(columns) == 9:
        raise InputError("the #CHROM line has a FORMAT column but no sample columns", path=str(path),
                         where="#CHROM line", hint="a sites-only VCF ends the #CHROM line at INFO: remove FORMAT, "
                                                   "or add the sample columns")
    seen: set[str] = set()
    duplicates = sorted({s for s in samples if s in seen or seen.add(s)})  # type: ignore[func-returns-value]
    if duplicates:
        raise InputError(f"duplicate sample names in the header: {', '.join(duplicates)}", path=str(path),
                         where="#CHROM line", hint="give every sample a unique name (bcftools reheader -s)")
    empty = [i for i, s in enumerate(samples, start=10) if not s.strip()]
    if empty:
        raise InputError(f"empty sample name in column {empty[0]}", path=str(path), where="#CHROM line",
                         hint="name every sample column")




def _last_block_starts(data_path: Path) -> list[int]:
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
        if at + 18 <= len(tail) and tail[at + 12:at + 16] == b"BC\x02\x00":
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


def _index_problem(index_path: str, data_path: Path) -> str | None:
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
    starts = _last_block_starts(data_path)
    if len(starts) > 1 and compressed not in starts:
        return (f"its last record ends in the block at byte {compressed:,}, but the data's last block "
                f"starts at byte {starts[0]:,}")
    return None


def _index_for(path: Path, fmt: str) -> str | None:
    if fmt not in ("vcf.gz", "bcf"):
        return None
    for suffix in (".tbi", ".csi"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            return str(candidate)
    return None


def open_vcf(path: str | os.PathLike[str], kb: KnowledgeBase, requested_build: str = "auto") -> tuple[VcfInput, cyvcf2.VCF]:
    """Open `path`, validate it and return its description plus an open cyvcf2 reader."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=str(path), hint="check the path in the sample sheet or command line")
    if path.is_dir():
        raise InputError("is a directory, not a VCF", path=str(path))
    fmt, head = _sniff(path)
    check_header_size(path, fmt, head)  # limits.py: before any reader holds a line of it
    header_text = _header_text(path, fmt, head)
    _check_header_text(path, header_text)
    last_line_warning = _check_last_line(path, fmt, header_text)
    try:
        reader = cyvcf2.VCF(str(path), gts012=False, lazy=False)
    except Exception as exc:  # htslib/cyvcf2 raise bare OSError/Exception types
        if fmt != "vcf" and _gzip_truncated(path):
            raise InputError("the compressed data ends early: the file is truncated (an interrupted copy or "
                             "caller run?)", path=str(path), hint="copy or re-create the file") from None
        from il1rn_annot.vcf.locate import htslib_reason  # locate imports this module
        reason = htslib_reason(lambda: cyvcf2.VCF(str(path), gts012=False, lazy=False))
        raise InputError(f"htslib cannot parse the file ({reason or exc})", path=str(path),
                         hint="check it with `bcftools view -h`; is it a VCF/BCF?") from None
    raw_header = reader.raw_header
    header_lines = raw_header.splitlines()
    if not any(line.startswith("#CHROM") for line in header_lines):
        raise InputError("no '#CHROM' header line", path=str(path))
    fileformat = next((line.split("=", 1)[1] for line in header_lines if line.startswith("##fileformat=")), "")
    contig_lengths: dict[str, int | None] = {}
    for line in header_lines:
        if line.startswith("##contig=<"):
            fields = dict(kv.split("=", 1) for kv in _split_meta(line[10:-1]) if "=" in kv)
            if "ID" in fields:
                length = fields.get("length")
                contig_lengths[fields["ID"]] = int(length) if length and length.isdigit() else None
    contig = next((name for name in CHR2_NAMES if name in contig_lengths), None)
    if contig_lengths and contig is None:
        more = len(contig_lengths) - 6
        shown = ", ".join(list(contig_lengths)[:6]) + (f" and {more} more" if more > 0 else "")
        raise InputError(f"no chromosome 2 contig in the header (contigs: {shown})", path=str(path), where="header",
                         hint="this file cannot hold IL1RN calls: give the file that covers chromosome 2 (named chr2 or 2)")
    detected, evidence = detect_build(contig_lengths, header_lines, kb, str(path))
    build = resolve_build(detected, evidence, requested_build, str(path), kb)
    has_bnd = any(line.startswith(BREAKEND_HEADER) for line in header_lines)
    has_sv = has_bnd or any(line.startswith(("##INFO=<ID=SVLEN,", "##INFO=<ID=SVTYPE,", "##ALT=<ID=DEL",
                                             "##ALT=<ID=CN")) for line in header_lines)
    index_path = _index_for(path, fmt)
    warnings = list(build.warnings) + ([last_line_warning] if last_line_warning else [])
    if index_path and os.path.getmtime(index_path) < os.path.getmtime(path):
        warnings.append(f"index {Path(index_path).name} is older than the data file and was not trusted: "
                        "the file was read without it (re-index with `tabix -p vcf` or `bcftools index`)")
        index_path = None
    if index_path:
        problem = _index_problem(index_path, path)
        if problem:
            warnings.append(f"index {Path(index_path).name} does not match the data file and was not trusted: "
                            f"{problem}; the file was read without it (re-index with `tabix -p vcf` or "
                            "`bcftools index`)")
            index_path = None
    declared = _declare_contigs(reader, fmt, contig_lengths)
    try:
        samples = list(reader.samples)
    except UnicodeDecodeError as exc:
        raise InputError(f"a sample name is not UTF-8 text ({exc.object[max(0, exc.start - 20):exc.end + 20]!r})",
                         path=str(path), where="#CHROM line",
                         hint="VCF text is UTF-8: convert it, e.g. `bcftools reheader` or `iconv -f latin1 -t utf-8`") from None
    _check_record_sizes(path, fmt, index_path, contig, kb.screen_window[build.build], has_sv, has_bnd, reader)
    if not samples:
        warnings.append("the file has no sample columns (a sites-only VCF): its sites are annotated and listed one "
                        "per row in the allele table, with empty sample and genotype columns, but no sample can be "
                        "interpreted from it")
    info = VcfInput(path=path, format=fmt, samples=samples, contig=contig,
                    contig_lengths=contig_lengths, header_lines=header_lines, build=build,
                    index_path=index_path, has_sv_header=has_sv, has_breakend_header=has_bnd,
                    fileformat=fileformat, warnings=warnings,
                    header_line_count=header_text.count("\n") if header_text else None,
                    declared_contigs=declared)
    return info, reader


def _check_record_sizes(path: Path, fmt: str, index_path: str | None, contig: str | None,
                        window: tuple[int, int], has_sv: bool, has_bnd: bool, reader: cyvcf2.VCF) -> None:
    """limits.check_record_sizes over the records htslib will read (the index queries of
    locate.locus_records start SV_LOOKBACK earlier when the header declares SVs, and end
    BND_LOOKAHEAD later when it declares breakends)."""
    from il1rn_annot.vcf.locate import BND_LOOKAHEAD, SV_LOOKBACK
    try:
        seqnames = list(reader.seqnames)
    except Exception:  # no contig dictionary: htslib names contigs as it meets them
        seqnames = []
    start = max(1, window[0] - SV_LOOKBACK) if has_sv else window[0]
    end = window[1] + BND_LOOKAHEAD if has_bnd else window[1]
    check_record_sizes(path, fmt, index_path, contig, (start, end), seqnames)


def reopen(info: VcfInput, samples: list[str] | None = None) -> cyvcf2.VCF:
    """Another reader of an input `open_vcf` accepted, with the same contig declarations.

    `samples=[]` gives a sites-only reader: htslib then skips the genotype columns, which is
    most of the text of a joint VCF. A list selects those samples; None keeps all.
    """
    reader = cyvcf2.VCF(str(info.path), gts012=False, lazy=False, samples=samples if samples == [] else None)
    if samples:
        reader.set_samples(samples)
    for name in info.declared_contigs:
        reader.add_to_header(f"##contig=<ID={name}>")
    return reader


def _declare_contigs(reader: cyvcf2.VCF, fmt: str, declared: dict[str, int | None]) -> list[str]:
    """Declare the standard contigs the header lacks on the reader's (in-memory) header.

    Found by tests/test_fuzz.py: for a text VCF record on a contig the header does not
    declare, htslib (as bundled with cyvcf2 0.35) returns a malformed record - a bad GT, a
    non-numeric POS, a line cut after ID - as if it were valid, and touching it kills the
    process with a segmentation fault; on a declared contig the same record is a clean parse
    error (an `InputError` naming the line). Files without ##contig lines are common
    (VarScan, hand-made), so chromosome names of both styles are declared up front; the
    annotated VCF keeps only those its records use (htslib would have added those itself).
    Other names are declared before a file is streamed (`locate._declare_stream_contigs`);
    an index query only reads chromosome 2.
    """
    if fmt == "bcf":
        return []  # BCF records refer to header contigs by number: nothing undeclared
    # bgzipped VCFs are read by index query (an existing or a temporary index), which only
    # touches chromosome 2; if indexing fails, the stream path declares what it finds first.
    # Declaring ~50 contigs per file cost ~1.5 ms, a tenth of the per-file time in batches.
    names = ("chr2", "2") if fmt == "vcf.gz" else STANDARD_CONTIGS
    added = [name for name in names if name not in declared]
    for name in added:
        reader.add_to_header(f"##contig=<ID={name}>")
    return added


def _split_meta(body: str) -> list[str]:
    """Split the inside of `<...>` on commas that are outside quotes."""
    parts, current, quoted = [], [], False
    for char in body:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
