"""Declare, before a text VCF is streamed, every contig its records use that its header lacks.

On an undeclared contig htslib returns a malformed record as if valid and the process then dies
in cyvcf2 (segmentation fault). An index query only meets the standard names, which
`vcf.open_vcf` declares; a stream meets every record, so `vcf.fetch` calls
`declare_stream_contigs` first: one fast pass over the first column finds the names, and a name
that cannot be declared is refused with the line it is on.
"""

from __future__ import annotations

import gzip
import re
import zlib

import cyvcf2

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.vcf_input import VcfInput

#: contig names htslib accepts in a ##contig line (VCF 4.3 spec, without the characters that break it)
_CONTIG_NAME = re.compile(r"[0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*")
_FIRST_FIELD = re.compile(rb"^([^\t\n#][^\t\n]*)\t", re.MULTILINE)


def _contigs_in_text(info: VcfInput) -> set[str]:
    """Every CHROM value of a text VCF (a fast pass over the first column)."""
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    names: set[bytes] = set()
    rest = b""
    try:
        with opener(info.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                chunk = rest + chunk
                cut = chunk.rfind(b"\n") + 1
                names.update(_FIRST_FIELD.findall(chunk, 0, cut))
                rest = chunk[cut:]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"the compressed data cannot be read to the end ({exc}): the file is truncated or corrupt",
            path=str(info.path),
            hint="copy or re-create the file (interrupted copy or caller run?)",
        ) from None
    names.update(_FIRST_FIELD.findall(rest + b"\t"))
    return {n.decode("utf-8", "replace") for n in names}


def declare_stream_contigs(info: VcfInput, reader: cyvcf2.VCF) -> None:
    """Declare, before a text VCF is streamed, every contig its records use that its header lacks.

    On an undeclared contig htslib returns a malformed record as if valid and the process
    then dies in cyvcf2 (segmentation fault; see open_vcf._declare_contigs, which covers the
    standard names for index queries). Streaming reads every record, so all names are found
    first; the annotated VCF drops the declarations its records do not use.
    """
    if info.format == "bcf":
        return
    if info.text_contigs is None:
        info.text_contigs = _contigs_in_text(info)
    on_reader = set(info.contig_lengths) | set(_declared_on(reader))
    for name in sorted(info.text_contigs - on_reader):
        if not _CONTIG_NAME.fullmatch(name):
            # cannot be declared, so a malformed record on it would crash the process
            number = _first_line_with_contig(info, name)
            raise InputError(
                f"the contig name {name!r} is not valid in VCF (spaces, '<', '>', ',' or a leading "
                "'*' or '=' are not allowed)",
                path=str(info.path),
                where=f"line {number}" if number else f"records on contig {name!r}",
                hint="fix the CHROM column (and the ##contig line) of those records",
            )
        reader.add_to_header(f"##contig=<ID={name}>")
        if name not in info.declared_contigs:
            info.declared_contigs.append(name)


def _declared_on(reader: cyvcf2.VCF) -> list[str]:
    """Contig names declared on a reader's header (the file's and those added in memory).

    Checked per reader: a second reader of the same file (sites-only pass) needs the same
    declarations as the first, whichever of them streamed first.
    """
    return [
        line[13:].split(",", 1)[0].rstrip(">")
        for line in reader.raw_header.splitlines()
        if line.startswith("##contig=<ID=")
    ]


def _first_line_with_contig(info: VcfInput, name: str) -> int | None:
    """Line number of the first record on contig `name` (error path only)."""
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    prefix = name.encode("utf-8", "replace") + b"\t"
    try:
        with opener(info.path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith(prefix):
                    return number
    except (OSError, EOFError, zlib.error):
        return None
    return None
