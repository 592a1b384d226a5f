"""Open a VCF / bgzipped VCF / BCF / gVCF safely and describe it (`VcfInput`).

htslib (through cyvcf2) does the parsing; this module does what htslib does not, in order:
the bytes and header text are checked first (`vcf.file_checks`: format sniffed from the
content, a truncated BGZF, no `#CHROM` line, duplicate sample names, CRLF line endings),
then header and record sizes (`vcf.limits`); it then finds the chromosome-2 name in use and
the build (`vcf.genome_build`), checks that the index belongs to the data (`vcf.index`), and
so decides how the locus will be read by `vcf.fetch` (index query, temporary index, or a
stream).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cyvcf2

from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.diagnose import htslib_reason
from il1rn_annot.vcf.fetch import BND_LOOKAHEAD, SV_LOOKBACK
from il1rn_annot.vcf.file_checks import check_header_text, check_last_line, gzip_truncated, read_header_text, sniff
from il1rn_annot.vcf.genome_build import detect_build, resolve_build
from il1rn_annot.vcf.index_check import index_for, index_problem
from il1rn_annot.vcf.limits import check_header_size, check_record_sizes
from il1rn_annot.vcf.vcf_input import VcfInput, header_reader

#: primary-assembly contig names of both naming styles, declared on the reader when the file does not
STANDARD_CONTIGS = tuple(
    [f"chr{c}" for c in [*range(1, 23), "X", "Y", "M"]] + [str(c) for c in [*range(1, 23), "X", "Y", "MT"]]
)
CHR2_NAMES = ("chr2", "2")
#: header lines of files that hold breakend records (Manta, SvABA, DELLY: MATEID; GRIDSS: PARID, EVENT)
BREAKEND_HEADER = ("##INFO=<ID=MATEID,", "##INFO=<ID=PARID,", "##INFO=<ID=EVENT,", "##ALT=<ID=BND")


def open_vcf(
    path: str | os.PathLike[str],
    kb: KnowledgeBase,
    requested_build: str = "auto",
    checksum: str = "auto",
    check_locus_records: bool = True,
) -> tuple[VcfInput, cyvcf2.VCF]:
    """Open `path`, validate it and return its description plus an open cyvcf2 reader.

    Reads the header, the index and the BGZF blocks of the window (and the file's last block,
    for its end-of-file marker and last line) of an indexed input, nothing else; `checksum`
    ("auto"/"full") says whether `VcfInput.identity` hashes every byte too (vcf.identity).
    `check_locus_records=False` leaves the size check of the locus records to the caller
    (`check_locus_record_sizes`, before htslib reads them): a joint VCF read as text checks
    them as it reads them (`vcf.limits.locus_lines`), in one decompression instead of two.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=str(path), hint="check the path in the sample sheet or command line")
    if path.is_dir():
        raise InputError("is a directory, not a VCF", path=str(path))
    fmt, head = sniff(path)
    check_header_size(path, fmt, head)  # limits.py: before any reader holds a line of it
    header_text = read_header_text(path, fmt, head)
    check_header_text(path, header_text)
    last_line_warning = check_last_line(path, fmt, header_text)
    index_path = index_for(path, fmt)
    try:
        reader = header_reader(path, fmt, index_path)
    except Exception as exc:  # htslib/cyvcf2 raise bare OSError/Exception types
        if fmt != "vcf" and gzip_truncated(path):
            raise InputError(
                "the compressed data ends early: the file is truncated (an interrupted copy or caller run?)",
                path=str(path),
                hint="copy or re-create the file",
            ) from None
        reason = htslib_reason(lambda: cyvcf2.VCF(str(path), gts012=False, lazy=False))
        raise InputError(
            f"htslib cannot parse the file ({reason or exc})",
            path=str(path),
            hint="check it with `bcftools view -h`; is it a VCF/BCF?",
        ) from None
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
        raise InputError(
            f"no chromosome 2 contig in the header (contigs: {shown})",
            path=str(path),
            where="header",
            hint="this file cannot hold IL1RN calls: give the file that covers chromosome 2 (named chr2 or 2)",
        )
    detected, evidence = detect_build(contig_lengths, header_lines, kb, str(path))
    build = resolve_build(detected, evidence, requested_build, str(path), kb)
    has_bnd = any(line.startswith(BREAKEND_HEADER) for line in header_lines)
    has_sv = has_bnd or any(
        line.startswith(("##INFO=<ID=SVLEN,", "##INFO=<ID=SVTYPE,", "##ALT=<ID=DEL", "##ALT=<ID=CN"))
        for line in header_lines
    )
    warnings = list(build.warnings) + ([last_line_warning] if last_line_warning else [])
    if index_path and os.path.getmtime(index_path) < os.path.getmtime(path):
        warnings.append(
            f"index {Path(index_path).name} is older than the data file and was not trusted: "
            "the file was read without it (re-index with `tabix -p vcf` or `bcftools index`)"
        )
        index_path = None
    if index_path:
        problem = index_problem(index_path, path)
        if problem:
            warnings.append(
                f"index {Path(index_path).name} does not match the data file and was not trusted: "
                f"{problem}; the file was read without it (re-index with `tabix -p vcf` or "
                "`bcftools index`)"
            )
            index_path = None
    declared = _declare_contigs(reader, fmt, contig_lengths)
    try:
        samples = list(reader.samples)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"a sample name is not UTF-8 text ({exc.object[max(0, exc.start - 20) : exc.end + 20]!r})",
            path=str(path),
            where="#CHROM line",
            hint="VCF text is UTF-8: convert it, e.g. `bcftools reheader` or `iconv -f latin1 -t utf-8`",
        ) from None
    seqnames = _seqnames(reader)
    region = _query_region(kb.screen_window[build.build], has_sv, has_bnd)
    if check_locus_records:
        check_record_sizes(path, fmt, index_path, contig, region, seqnames)
    if not samples:
        warnings.append(
            "the file has no sample columns (a sites-only VCF): its sites are annotated and listed one "
            "per row in the allele table, with empty sample and genotype columns, but no sample can be "
            "interpreted from it"
        )
    info = VcfInput(
        path=path,
        format=fmt,
        samples=samples,
        contig=contig,
        contig_lengths=contig_lengths,
        header_lines=header_lines,
        build=build,
        index_path=index_path,
        has_sv_header=has_sv,
        has_breakend_header=has_bnd,
        fileformat=fileformat,
        warnings=warnings,
        header_line_count=header_text.count("\n") if header_text else None,
        declared_contigs=declared,
        header_sha256=hashlib.sha256((header_text or raw_header).encode("utf-8", "surrogateescape")).hexdigest(),
        query_region=region,
        seqnames=seqnames,
        checksum=checksum,
    )
    return info, reader


def check_locus_record_sizes(info: VcfInput) -> None:
    """The size check `open_vcf(check_locus_records=False)` left out, for the same records."""
    check_record_sizes(info.path, info.format, info.index_path, info.contig, info.query_region, info.seqnames)


def _seqnames(reader: cyvcf2.VCF) -> list[str]:
    """The header's contigs in order (a BCF record, and a CSI index without names, count by them)."""
    try:
        return list(reader.seqnames)
    except Exception:  # no contig dictionary: htslib names contigs as it meets them
        return []


def _query_region(window: tuple[int, int], has_sv: bool, has_bnd: bool) -> tuple[int, int]:
    """The 1-based range the index queries of fetch.locus_records read: SV_LOOKBACK before the
    window when the header declares SVs, BND_LOOKAHEAD after it when it declares breakends.
    Record sizes are checked (limits) and the identity's locus blocks hashed over it."""
    start = max(1, window[0] - SV_LOOKBACK) if has_sv else window[0]
    end = window[1] + BND_LOOKAHEAD if has_bnd else window[1]
    return start, end


def _declare_contigs(reader: cyvcf2.VCF, fmt: str, declared: dict[str, int | None]) -> list[str]:
    """Declare the standard contigs the header lacks on the reader's (in-memory) header.

    Found by tests/test_fuzz.py: for a text VCF record on a contig the header does not
    declare, htslib (as bundled with cyvcf2 0.35) returns a malformed record - a bad GT, a
    non-numeric POS, a line cut after ID - as if it were valid, and touching it kills the
    process with a segmentation fault; on a declared contig the same record is a clean parse
    error (an `InputError` naming the line). Files without ##contig lines are common
    (VarScan, hand-made), so chromosome names of both styles are declared up front; the
    annotated VCF keeps only those its records use (htslib would have added those itself).
    Other names are declared before a file is streamed (`stream_contigs.declare_stream_contigs`);
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
    parts: list[str] = []
    current: list[str] = []
    quoted = False
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
