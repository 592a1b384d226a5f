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
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2

from .build import BuildCall, detect_build, resolve_build
from .errors import InputError
from .knowledge import KnowledgeBase

BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
CHR2_NAMES = ("chr2", "2")


@dataclass
class VcfInput:
    """An opened input and what the annotator needs to know about it."""

    path: Path
    format: str  # "vcf", "vcf.gz", "vcf.gzip", "bcf"
    sha256: str
    samples: list[str]
    contig: str | None  # the name chromosome 2 has in this file
    contig_lengths: dict[str, int | None]
    header_lines: list[str]
    build: BuildCall
    index_path: str | None
    has_sv_header: bool
    fileformat: str
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Input name without its VCF suffixes (NAME for NAME.vcf.gz)."""
        return input_stem(self.path)

    @property
    def is_gvcf(self) -> bool:
        return any(line.startswith("##GVCFBlock") or "<NON_REF>" in line or "ID=*," in line
                   for line in self.header_lines) or self.path.name.endswith((".g.vcf.gz", ".g.vcf", ".gvcf.gz"))


def input_stem(path: Path | str) -> str:
    name = Path(path).name
    for suffix in (".g.vcf.gz", ".gvcf.gz", ".vcf.gz", ".vcf.bgz", ".vcf.gzip", ".g.vcf", ".vcf", ".bcf"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


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


def _header_text(path: Path, fmt: str, head: bytes) -> str:
    """The raw header text, read before htslib so its faults can be named precisely."""
    if fmt == "bcf":
        return ""  # binary: htslib's own header parse is authoritative
    opener = gzip.open if fmt.startswith("vcf.gz") else open
    lines: list[str] = []
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:  # type: ignore[operator]
            for number, line in enumerate(handle, start=1):
                if not line.startswith("#"):
                    raise InputError("no '#CHROM' header line before the first record", path=str(path),
                                     where=f"line {number}",
                                     hint="every VCF needs the '#CHROM POS ID REF ALT ...' column header line")
                lines.append(line)
                if line.startswith("#CHROM"):
                    break
            else:
                if not any(line.startswith("#CHROM") for line in lines):
                    raise InputError("no '#CHROM' header line", path=str(path),
                                     hint="the file holds only meta-information lines; is it truncated?")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read the compressed data ({exc})", path=str(path),
                         hint="the file is corrupt or truncated: re-create it") from None
    return "".join(lines)


def _check_header_text(path: Path, text: str) -> None:
    if not text:
        return
    if "\r\n" in text:
        raise InputError("Windows (CRLF) line endings", path=str(path), where="header",
                         hint="convert with `dos2unix` or `sed -i 's/\\r$//'` and compress again")
    chrom_line = text.rstrip("\n").split("\n")[-1]
    if not chrom_line.startswith("#CHROM"):
        return
    columns = chrom_line.split("\t")
    expected = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if columns[: len(expected)] != expected[: len(columns[: len(expected)])] or len(columns) < 8:
        raise InputError(f"the #CHROM line has columns {columns[:9]}, not the eight VCF columns",
                         path=str(path), where="#CHROM line", hint="is the file tab-separated?")
    samples = columns[9:]
    seen: set[str] = set()
    duplicates = sorted({s for s in samples if s in seen or seen.add(s)})  # type: ignore[func-returns-value]
    if duplicates:
        raise InputError(f"duplicate sample names in the header: {', '.join(duplicates)}", path=str(path),
                         where="#CHROM line", hint="give every sample a unique name (bcftools reheader -s)")
    empty = [i for i, s in enumerate(samples, start=10) if not s.strip()]
    if empty:
        raise InputError(f"empty sample name in column {empty[0]}", path=str(path), where="#CHROM line",
                         hint="name every sample column")


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
    header_text = _header_text(path, fmt, head)
    _check_header_text(path, header_text)
    try:
        reader = cyvcf2.VCF(str(path), gts012=False, lazy=False)
    except Exception as exc:  # htslib/cyvcf2 raise bare OSError/Exception types
        raise InputError(f"htslib cannot parse the file ({exc})", path=str(path),
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
        shown = ", ".join(list(contig_lengths)[:6]) + (" ..." if len(contig_lengths) > 6 else "")
        raise InputError(f"no chromosome 2 contig in the header (contigs: {shown})", path=str(path), where="header",
                         hint="this file cannot hold IL1RN calls: give the file that covers chromosome 2 (named chr2 or 2)")
    detected, evidence = detect_build(contig_lengths, header_lines, kb, str(path))
    build = resolve_build(detected, evidence, requested_build, str(path), kb)
    has_sv = any(line.startswith(("##INFO=<ID=SVLEN,", "##INFO=<ID=SVTYPE,", "##ALT=<ID=DEL", "##ALT=<ID=CN"))
                 for line in header_lines)
    index_path = _index_for(path, fmt)
    warnings = list(build.warnings)
    if index_path and os.path.getmtime(index_path) < os.path.getmtime(path):
        warnings.append(f"index {Path(index_path).name} is older than the data file and was not trusted; "
                        "a temporary index was built (re-index with `tabix -p vcf` or `bcftools index`)")
        index_path = None
    samples = list(reader.samples)
    info = VcfInput(path=path, format=fmt, sha256=sha256_of(path), samples=samples, contig=contig,
                    contig_lengths=contig_lengths, header_lines=header_lines, build=build,
                    index_path=index_path, has_sv_header=has_sv, fileformat=fileformat, warnings=warnings)
    return info, reader


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
