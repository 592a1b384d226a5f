"""An input `open_vcf` accepted: what the annotator knows about it, and more readers of it.

Kept apart from the opening so that the modules that read an opened input (`vcf.fetch`,
`vcf.diagnose`, `annotate_vcf`) depend on this description, not on the checks that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2

from il1rn_annot.digest import sha256_file
from il1rn_annot.outputs.naming import input_stem
from il1rn_annot.vcf.genome_build import BuildCall


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
    #: CHROM values of a streamed text VCF, found once (`stream_contigs.declare_stream_contigs`)
    text_contigs: set[str] | None = field(default=None, repr=False)
    #: the header declares breakend records (MATEID, PARID, EVENT or an ALT BND): see fetch.BND_LOOKAHEAD
    has_breakend_header: bool = False

    @property
    def sha256(self) -> str:
        """Checksum of the input, read when first asked for: a joint VCF's workers parse while it is computed."""
        if self._sha256 is None:
            self._sha256 = sha256_file(self.path)
        return self._sha256

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
    reader = cyvcf2.VCF(str(info.path), gts012=False, lazy=False, samples=samples if samples == [] else None)
    if samples:
        reader.set_samples(samples)
    for name in info.declared_contigs:
        reader.add_to_header(f"##contig=<ID={name}>")
    return reader
