"""Open a lab's local copy of a population (gnomAD) or ClinVar VCF and read the IL1RN window only.

The files are tens of GB (a gnomAD v4.1 chromosome-2 VCF), so they are read through their
tabix/CSI index and never scanned or hashed whole: their identity in the provenance is the file
name, its size and the SHA-256 of its header (the header names the release: INFO definitions,
`##fileDate`) and of its index (a few MB for a gnomAD chromosome), the idea of an indexed input's
identity (issue 19). The build is checked like the input's
(`vcf.genome_build.detect_build`): a resource of the other build, or one whose header does not say,
is refused, because matching GRCh37 positions against GRCh38 calls would silently attach another
variant's frequency. Chromosome names are taken from the index (`2` in ClinVar, `chr2` in gnomAD).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from il1rn_annot.digest import sha256_file
from il1rn_annot.errors import BuildMismatchError, InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.genome_build import detect_build
from il1rn_annot.vcf.identity import header_sha256_of

#: how a resource's identity is recorded (a whole-file SHA-256 of a 30 GB file costs minutes)
CHECKSUM_POLICY = (
    "file name, size, SHA-256 of the header and of the index (the file is read through its index only, "
    "never hashed whole)"
)

_CONTIG_LENGTH = re.compile(r"##contig=<ID=([^,>]+)(?:,[^>]*?)?,length=(\d+)")
_CONTIG_LENGTH_FIRST = re.compile(r"##contig=<ID=([^,>]+),length=(\d+)")


@dataclass
class ResourceRecord:
    """One line of a resource VCF inside the window, split into its columns (INFO parsed lazily)."""

    chrom: str
    pos: int
    vcf_id: str
    ref: str
    alts: list[str]
    filter: str
    info_text: str
    line: int  # 1-based position of the record among those read (for messages)

    def info(self) -> dict[str, str | None]:
        """INFO as {key: raw value} (flags map to None)."""
        out: dict[str, str | None] = {}
        if self.info_text in ("", "."):
            return out
        for item in self.info_text.split(";"):
            key, sep, value = item.partition("=")
            out[key] = value if sep else None
        return out


@dataclass
class ResourceFile:
    """A bgzipped, indexed resource VCF: its header facts and the records of one window."""

    path: str
    role: str  # "population" or "clinvar"
    build: str
    build_evidence: str
    contig: str
    header_lines: list[str]
    header_sha256: str
    size: int
    index_sha256: str = ""
    info_ids: set[str] = field(default_factory=set)

    def header_value(self, key: str) -> str | None:
        """The value of the first `##key=value` header line, or None."""
        prefix = f"##{key}="
        for line in self.header_lines:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        return None

    def provenance(self) -> dict[str, str | int]:
        return {
            "role": self.role,
            "path": self.path,
            "name": Path(self.path).name,
            "size": self.size,
            "header_sha256": self.header_sha256,
            "index_sha256": self.index_sha256,
            "checksum_policy": CHECKSUM_POLICY,
            "build": self.build,
        }

    def records(self, start: int, end: int) -> list[ResourceRecord]:
        """The records overlapping 1-based start..end, through the index."""
        out: list[ResourceRecord] = []
        with _open_tabix(self.path, self.role) as tbx:
            try:
                lines = tbx.fetch(self.contig, max(0, start - 1), end)
                for k, line in enumerate(lines, 1):
                    out.append(_record(line, k, self.path))
            except (OSError, ValueError) as exc:
                raise InputError(
                    f"cannot read the {self.role} resource at {self.contig}:{start}-{end}: {exc}",
                    path=self.path,
                    hint="check that the file is complete and bgzipped, and re-index it (tabix -f -p vcf FILE)",
                ) from None
        return out


def index_of(path: str) -> str | None:
    for suffix in (".tbi", ".csi"):
        if os.path.exists(path + suffix):
            return path + suffix
    return None


def _open_tabix(path: str, role: str) -> pysam.TabixFile:
    index = index_of(path)
    if index is None:
        raise InputError(
            f"the {role} resource has no index (.tbi or .csi beside it): only the IL1RN window is read, "
            "through the index, so an unindexed resource cannot be used",
            path=path,
            hint=f"index it once: tabix -p vcf {path} (bgzip it first if it is plain text or gzip)",
        )
    try:
        return pysam.TabixFile(path, index=index)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot open the {role} resource as a bgzipped, indexed VCF: {exc}",
            path=path,
            hint="the file must be bgzip-compressed (not plain gzip) with its .tbi/.csi index beside it",
        ) from None


def open_resource(path: str | os.PathLike[str], role: str, kb: KnowledgeBase, build: str) -> ResourceFile:
    """Open a resource, check its index and its build against the input's `build`."""
    text = str(path)
    if not os.path.exists(text):
        raise InputError(f"the {role} resource does not exist", path=text, hint="check the path given")
    with _open_tabix(text, role) as tbx:
        header = list(tbx.header)
        contigs = list(tbx.contigs)
    if not header or not header[0].startswith("##fileformat=VCF"):
        raise InputError(
            f"the {role} resource is not a VCF (no ##fileformat=VCF first line)",
            path=text,
            where="header",
            hint="give the bgzipped VCF release (e.g. gnomad.joint.v4.1.sites.chr2.vcf.bgz, clinvar.vcf.gz)",
        )
    lengths: dict[str, int | None] = {}
    for line in header:
        if line.startswith("##contig="):
            m = _CONTIG_LENGTH.match(line) or _CONTIG_LENGTH_FIRST.match(line)
            if m:
                lengths[m.group(1)] = int(m.group(2))
    detected, evidence = detect_build(lengths, header, kb, text)
    if detected is None:
        raise InputError(
            f"cannot tell the genome build of the {role} resource from its header ({evidence})",
            path=text,
            where="header",
            hint="use the release of the input's build; a file whose header has neither a chromosome-2 ##contig "
            "length nor a ##reference line is not used, as a resource of the wrong build would attach another "
            "variant's data",
        )
    if detected != build:
        raise BuildMismatchError(
            f"the {role} resource is {detected} but the input is {build} ({evidence})",
            path=text,
            where="header",
            hint=f"use the {build} release of this resource (ClinVar: vcf_{build}/; gnomAD v2 is GRCh37, v3/v4 GRCh38)",
        )
    names = [c for c in ("chr2", "2") if c in contigs]
    if not names:
        # e.g. gnomAD's chromosome-1 file given for chromosome 2: every allele would read "absent" (PM2)
        listed = ", ".join(contigs[:5]) + (", …" if len(contigs) > 5 else "") if contigs else "none"
        raise InputError(
            f"the {role} resource has no chromosome-2 records (its index lists: {listed}), so IL1RN cannot be "
            "looked up in it",
            path=text,
            hint="give the whole-genome ClinVar VCF (clinvar.vcf.gz of vcf_GRCh38/ or vcf_GRCh37/)"
            if role == "clinvar"
            else "give the chromosome-2 file of the release (e.g. gnomad.joint.v4.1.sites.chr2.vcf.bgz) or the "
            "whole-genome file",
        )
    contig = names[0]
    digest = header_sha256_of(text)  # as the input VCF's (vcf.identity): checkable with zcat | sed | sha256sum
    info_ids = {m.group(1) for line in header if (m := re.match(r"##INFO=<ID=([^,>]+)", line))}
    index = index_of(text)
    return ResourceFile(
        text,
        role,
        detected,
        evidence,
        contig,
        header,
        digest,
        os.stat(text).st_size,
        index_sha256=sha256_file(index) if index else "",
        info_ids=info_ids,
    )


def _record(line: str, k: int, path: str) -> ResourceRecord:
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 8 or not cols[1].isdigit():
        raise InputError(
            "malformed record (fewer than 8 tab-separated columns or a non-numeric POS)",
            path=path,
            where=f"record {k} of the IL1RN window: {line[:80]!r}",
            hint="the resource file is damaged: download it again and re-index it",
        )
    alts = [] if cols[4] in (".", "") else cols[4].split(",")
    return ResourceRecord(cols[0], int(cols[1]), cols[2], cols[3].upper(), alts, cols[6], cols[7], k)
