"""An input `open_vcf` accepted: what the annotator knows about it, and more readers of it.

Kept apart from the opening so that the modules that read an opened input (`vcf.fetch`,
`vcf.diagnose`, `annotate_vcf`) depend on this description, not on the checks that made it.
"""

from __future__ import annotations

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
        return any(
            line.startswith("##GVCFBlock") or "<NON_REF>" in line for line in self.header_lines
        ) or self.path.name.endswith((".g.vcf.gz", ".g.vcf", ".gvcf.gz"))


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
