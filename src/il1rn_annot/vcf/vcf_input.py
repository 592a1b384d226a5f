"""An input `open_vcf` accepted: what the annotator knows about it, and more readers of it.

Kept apart from the opening so that the modules that read an opened input (`vcf.fetch`,
`vcf.diagnose`, `annotate_vcf`) depend on this description, not on the checks that made it.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import socket
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2

from il1rn_annot.outputs.naming import input_stem
from il1rn_annot.vcf.genome_build import BuildCall
from il1rn_annot.vcf.identity import InputIdentity, identify


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
    #: SHA-256 of the header text as in the file (BCF: as htslib reads it); see vcf.identity
    header_sha256: str = ""
    #: 1-based window the locus queries read (look-back/ahead included) and the header's contigs in order
    query_region: tuple[int, int] = (0, 0)
    seqnames: list[str] = field(default_factory=list)
    #: "auto" or "full" (`--checksum`): whether an indexed input's every byte is hashed too
    checksum: str = "auto"
    _identity: InputIdentity | None = field(default=None, repr=False)
    #: CHROM values of a streamed text VCF, found once (`stream_contigs.declare_stream_contigs`)
    text_contigs: set[str] | None = field(default=None, repr=False)
    #: the header declares breakend records (MATEID, PARID, EVENT or an ALT BND): see fetch.BND_LOOKAHEAD
    has_breakend_header: bool = False

    @property
    def identity(self) -> InputIdentity:
        """What names the input in provenance (`vcf.identity`), computed when first asked for: a joint
        VCF's workers parse while a full checksum is computed. Reads the header, the index and the
        window's blocks of an indexed input; every byte only without an index or with `checksum="full"`."""
        if self._identity is None:
            contigs = [self.contig] if self.contig else ["chr2", "2"]
            self._identity = identify(
                self.path,
                self.header_sha256,
                self.index_path,
                contigs,
                self.query_region,
                self.seqnames,
                full=self.checksum == "full",
            )
        return self._identity

    @property
    def sha256(self) -> str:
        """Whole-file SHA-256, or "" when it was not computed (indexed input, `--checksum auto`)."""
        return self.identity.sha256

    @property
    def name(self) -> str:
        """Input name without its VCF suffixes (NAME for NAME.vcf.gz)."""
        return input_stem(self.path)

    @property
    def is_gvcf(self) -> bool:
        # GATK writes both ##GVCFBlock and ##ALT=<ID=NON_REF>; a gVCF re-headered by another tool
        # (or a GATK-style caller without the band lines) may keep only the ALT definition
        return any(
            line.startswith(("##GVCFBlock", "##ALT=<ID=NON_REF,", "##ALT=<ID=NON_REF>")) or "<NON_REF>" in line
            for line in self.header_lines
        ) or self.path.name.endswith((".g.vcf.gz", ".g.vcf", ".gvcf.gz"))


def reopen(info: VcfInput, samples: list[str] | None = None) -> cyvcf2.VCF:
    """Another reader of an input `open_vcf` accepted, with the same contig declarations.

    `samples=[]` gives a sites-only reader: htslib then skips the genotype columns, which is
    most of the text of a joint VCF. A list selects those samples; None keeps all.
    """
    reader = header_reader(info.path, info.format, info.index_path, samples if samples == [] else None)
    if samples:
        reader.set_samples(samples)
    for name in info.declared_contigs:
        reader.add_to_header(f"##contig=<ID={name}>")
    return reader


def header_reader(path: Path, fmt: str, index_path: str | None, samples: list[str] | None = None) -> cyvcf2.VCF:
    """A cyvcf2 reader of `path` that has read the header only.

    htslib's header read of a bgzipped VCF loads the whole tabix index beside it, to add the
    contigs it names that the header lacks (vcf.c, vcf_hdr_read); the locus query then loads
    it again: for a whole-genome index (2 MB, ~200,000 bins) ~50 ms each, a sixth of the time
    of a small file (issue 19). So an indexed bgzipped VCF is opened through a symbolic link in
    a temporary folder, where htslib finds no index; the query loads the index once
    (`fetch.locus_records`: set_index). Only chromosome 2 is queried, and its names are
    declared on the header (`open_vcf._declare_contigs`). The link is removed at once: the reader keeps
    the open file.
    """
    if fmt != "vcf.gz" or index_path is None or index_path.endswith(".csi"):
        # a CSI index of a bgzipped VCF (what `bcftools index` writes by default) is found by
        # htslib beside the file at query time (cyvcf2's set_index takes only a .tbi for a VCF):
        # such a file is opened where it is
        return cyvcf2.VCF(str(path), gts012=False, lazy=False, samples=samples)
    link = ""
    try:
        link = _new_link(os.path.abspath(path))
        return cyvcf2.VCF(link, gts012=False, lazy=False, samples=samples)
    except OSError as exc:
        if exc.errno is None:  # cyvcf2's own "Error opening": the file, not the link
            raise
        # no writable temporary folder, or no symbolic links there: open the file itself
        return cyvcf2.VCF(str(path), gts012=False, lazy=False, samples=samples)
    finally:
        if link:
            with contextlib.suppress(OSError):
                os.unlink(link)


_LINK_COUNT = itertools.count(1)


def _new_link(target: str) -> str:
    """A new symbolic link to `target`, in this user's link folder in the temporary directory.

    One folder shared by every process of the user, not a temporary folder per input: making
    and removing one for every file cost ~0.3 ms of a ~8 ms file in a 500-file batch (issue
    19), and a folder per process was left behind by every worker that exits without its exit
    handlers (forked readers). Each link is named by host, process and a counter, and is removed
    by the caller as soon as the file is open; the empty folder stays. A folder of that name
    that is not this user's own plain directory (mode 0700) is not used: a new temporary folder
    is made for the link instead.
    """
    folder = _link_folder()
    link = os.path.join(folder, f"{socket.gethostname()}-{os.getpid()}-{next(_LINK_COUNT)}.vcf.gz")
    try:
        os.symlink(target, link)
    except FileExistsError:  # a link left by a killed process of the same PID: replace it
        os.unlink(link)
        os.symlink(target, link)
    return link


def _link_folder() -> str:
    """This user's folder for links (made once, checked once per process)."""
    if _LINK_FOLDER:
        return _LINK_FOLDER[0]
    folder = os.path.join(tempfile.gettempdir(), f"il1rn-annot-links-{os.getuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077:
        folder = tempfile.mkdtemp(prefix="il1rn-open-")  # not ours to trust: a private one instead
        atexit.register(shutil.rmtree, folder, True)
    _LINK_FOLDER.append(folder)
    return folder


_LINK_FOLDER: list[str] = []
