"""What identifies an input VCF in provenance, without reading the whole file (issue 19).

A whole-file SHA-256 reads every byte: 10 GB per whole-genome gVCF, of which the annotator
uses the header and a few BGZF blocks at 2q13. For an indexed input the identity is made of
what the outputs depend on, plus what pins the rest of the file:

* `size`: the file's size in bytes (any append, cut or re-compression changes it);
* `header_sha256`: SHA-256 of the header text as decompressed (every `##` line and the
  `#CHROM` line): `zcat FILE | sed -n '1,/^#CHROM/p' | sha256sum` gives it for a VCF;
* `index_sha256`: SHA-256 of the .tbi/.csi file's bytes, whose virtual offsets pin the
  position of every indexed record's block in the data;
* `locus_bytes`, `locus_sha256`: the compressed byte range [start, end) of the BGZF blocks
  htslib reads at the screened window (from the index chunks), and their SHA-256.

`fingerprint` is the SHA-256 of those fields, one `name=value` line each: the one value that
names an input (report IDs, matching a copied file to the annotated one). It is derived from
content only, never from a path or modification time, so a copy of the file (`cp`, `rsync`,
a restore) has the same fingerprint and reruns on it give byte-identical outputs.

A file read without an index (a plain VCF, or a bgzipped one without .tbi/.csi) is read
whole anyway, so its whole-file `sha256` is computed by default and stands in for the index
and locus fields. `--checksum full` computes the whole-file `sha256` of indexed inputs too
(measured cost: benchmarks/README.md).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from il1rn_annot.digest import sha256_file
from il1rn_annot.vcf.index import read_index
from il1rn_annot.vcf.index_check import block_range

#: `--checksum` values: "auto" = whole-file SHA-256 only when the whole file is read anyway (no index)
CHECKSUM_MODES = ("auto", "full")
IDENTITY_VERSION = "il1rn-annot input identity 1"


@dataclass(frozen=True)
class InputIdentity:
    """How provenance names one input VCF/BCF (see the module docstring)."""

    size: int
    header_sha256: str
    index_sha256: str = ""  # "" when read without an index
    locus_bytes: tuple[int, int] | None = None  # compressed [start, end) of the window's blocks
    locus_sha256: str = ""
    sha256: str = ""  # whole-file SHA-256; "" when not computed (indexed, --checksum auto)

    @property
    def checksum(self) -> str:
        """What was hashed: "full" (every byte) or "locus" (header, index, window blocks)."""
        return "full" if self.sha256 else "locus"

    @property
    def fingerprint(self) -> str:
        """SHA-256 over the identifying fields; for an indexed input independent of `--checksum`."""
        lines = [IDENTITY_VERSION, f"size={self.size}", f"header_sha256={self.header_sha256}"]
        if self.index_sha256:
            start, end = self.locus_bytes or (0, 0)
            lines += [
                f"index_sha256={self.index_sha256}",
                f"locus_bytes={start}-{end}",
                f"locus_sha256={self.locus_sha256}",
            ]
        else:
            lines.append(f"sha256={self.sha256}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def fields(self) -> dict[str, object]:
        """The provenance entry's identity fields (JSON; the VCF header and TSV take them from here)."""
        return {
            "sha256": self.sha256,
            "checksum": self.checksum,
            "fingerprint": self.fingerprint,
            "size": self.size,
            "header_sha256": self.header_sha256,
            "index_sha256": self.index_sha256,
            "locus_bytes": list(self.locus_bytes) if self.locus_bytes else None,
            "locus_sha256": self.locus_sha256,
        }


def locus_span(
    index_path: str, contigs: list[str], region: tuple[int, int], seqnames: list[str]
) -> tuple[int, int] | None:
    """Virtual offsets (first, last) htslib reads for `region` (1-based inclusive) on the first of
    `contigs` the index knows; None when the index holds nothing there."""
    parsed = read_index(index_path)
    for contig in contigs:
        span = parsed.region_span(contig, region[0] - 1, region[1], seqnames)
        if span is not None:
            return span
    return None


def sha256_range(path: str | os.PathLike[str], byte_range: tuple[int, int]) -> str:
    """SHA-256 of the file's bytes [start, end)."""
    digest = hashlib.sha256()
    start, end = byte_range
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = handle.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def identify(
    path: Path,
    header_sha256: str,
    index_path: str | None,
    contigs: list[str],
    region: tuple[int, int],
    seqnames: list[str],
    full: bool,
) -> InputIdentity:
    """The identity of an input `open_vcf` accepted. `region`: 1-based inclusive window the
    locus queries read (look-back/ahead included); `full`: hash every byte as well. Without an
    index the whole-file SHA-256 is always computed (the file is read whole anyway)."""
    size = os.path.getsize(path)
    if index_path is None:
        return InputIdentity(size, header_sha256, sha256=sha256_file(path))
    index_sha256 = read_index(index_path).sha256
    span = locus_span(index_path, contigs, region, seqnames)
    locus = block_range(path, span) if span else None
    return InputIdentity(
        size,
        header_sha256,
        index_sha256=index_sha256,
        locus_bytes=locus,
        locus_sha256=sha256_range(path, locus) if locus else hashlib.sha256(b"").hexdigest(),
        sha256=sha256_file(path) if full else "",
    )


def header_sha256_of(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the header text of a (bgzipped or plain) VCF as decompressed: every line up to
    and including the #CHROM line (what `open_vcf` records; a BCF's header as htslib reads it).
    Reads the header only."""
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        if handle.read(4) == b"BCF\x02":  # binary: the header text as htslib reads it, as open_vcf records
            import cyvcf2

            return hashlib.sha256(cyvcf2.VCF(os.fspath(path)).raw_header.encode("utf-8", "surrogateescape")).hexdigest()
        handle.seek(0)
        for line in handle:
            if not line.startswith(b"#"):
                break
            digest.update(line)
            if line.startswith(b"#CHROM"):
                break
    return digest.hexdigest()


def same_input(path: str | os.PathLike[str], recorded: dict[str, Any]) -> bool:
    """Whether the file at `path` is the input a provenance entry (`InputIdentity.fields()`, or an
    older entry with only `sha256`) names, read as cheaply as it was: the whole-file SHA-256 when
    one was recorded, else size, header, index (beside the file) and the recorded locus blocks.
    A staged or copied file (another folder, another mtime) is the same input."""
    try:
        if not recorded.get("fingerprint"):
            return bool(recorded.get("sha256")) and sha256_file(path) == str(recorded["sha256"])
        if os.path.getsize(path) != recorded.get("size"):
            return False
        if recorded.get("sha256") and not recorded.get("index_sha256"):
            return sha256_file(path) == str(recorded["sha256"])  # read without an index: hashed whole
        if header_sha256_of(path) != recorded.get("header_sha256"):
            return False
        index = next((f"{path}{s}" for s in (".tbi", ".csi") if os.path.exists(f"{path}{s}")), None)
        if index is None or sha256_file(index) != recorded.get("index_sha256"):
            return False
        locus = recorded.get("locus_bytes")
        if locus:
            return sha256_range(path, (int(locus[0]), int(locus[1]))) == str(recorded.get("locus_sha256"))
        return True
    except (OSError, EOFError, ValueError, TypeError, zlib.error):
        return False
