"""The user's reference FASTA (optional): REF checks, HGVS 3' shifting and protein prediction.

A whole-genome FASTA works, and so does a locus extract made with
`samtools faidx genome.fa chr2:113100001-113160000 > locus.fa`, whose single contig is
named after the region: labs can ship a few kilobases instead of 3 GB. The FASTA's
chromosome-2 length (when it holds the whole chromosome) is checked against the build.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import pysam

from il1rn_annot.errors import InputError

_REGION_NAME = re.compile(r"^(?P<chrom>[^:]+):(?P<start>[0-9,]+)-(?P<end>[0-9,]+)$")


class ReferenceGenome:
    """Random access to chromosome-2 sequence, 1-based inclusive coordinates."""

    shipped = False
    label = "the reference FASTA"

    def __init__(self, path: str | Path, chr2_lengths: dict[str, int]) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError("reference FASTA not found", path=str(self.path))
        try:
            self._fasta = pysam.FastaFile(str(self.path))
        except Exception as exc:
            raise InputError(
                f"cannot open the reference FASTA ({exc})",
                path=str(self.path),
                hint="it must be plain or bgzip-compressed FASTA; `samtools faidx` it",
            ) from None
        self._pieces: list[tuple[str, int, int]] = []  # (fasta contig, first genomic pos, last)
        self.build_from_length: str | None = None
        for name, length in zip(self._fasta.references, self._fasta.lengths, strict=True):
            match = _REGION_NAME.match(name)
            if match and match["chrom"] in ("chr2", "2"):
                first = int(match["start"].replace(",", ""))
                self._pieces.append((name, first, first + length - 1))
            elif name in ("chr2", "2"):
                self._pieces.append((name, 1, length))
                for build, chr2_length in chr2_lengths.items():
                    if chr2_length == length:
                        self.build_from_length = build
        if not self._pieces:
            raise InputError(
                "the reference FASTA has no chromosome 2 (contig chr2, 2, or a chr2:START-END extract)",
                path=str(self.path),
            )

    def covers(self, start: int, end: int) -> bool:
        return any(first <= start and end <= last for _, first, last in self._pieces)

    def fetch(self, start: int, end: int) -> str:
        """Bases start..end (1-based inclusive), upper case; raises if not covered."""
        for name, first, last in self._pieces:
            if first <= start and end <= last:
                return self._fasta.fetch(name, start - first, end - first + 1).upper()
        raise InputError(
            f"the reference FASTA does not cover chromosome 2:{start}-{end}",
            path=str(self.path),
            hint="give a FASTA (or locus extract) that covers the IL1RN region",
        )

    def base_or_none(self, start: int, end: int) -> str | None:
        return self.fetch(start, end) if self.covers(start, end) else None


# ----------------------------------------------------------------------------------------
# The shipped NM_173842.3 locus sequence (issue 15 section 3)
#
# When no --reference is given, the annotator may use a locus sequence shipped in
# `resources/sequence/` (or `$IL1RN_ANNOT_SEQUENCE_DIR`): one samtools-faidx style extract per
# build, `GRCh38.fa` (contig `chr2:START-END`) and `GRCh37.fa` (`2:START-END` or
# `chr2:START-END`), each with its `.fai`, and `SOURCE.txt` saying where the bases were read.
# It is used only after `verify_sequence` passes; a file that fails a check is refused with
# the check named, never used quietly. No such file is shipped today (no source of the real
# sequence could be read: resources/VERIFICATION.md section 9), so the machinery is inactive
# and outputs say "reference sequence: none".

SEQUENCE_DIR_ENV = "IL1RN_ANNOT_SEQUENCE_DIR"
FLANK_NEEDED = 50  # intronic bases each side of every exon: splice sites and 3' shifting


class ShippedSequence(ReferenceGenome):
    """The verified shipped locus sequence of one build: ReferenceGenome's interface.

    `covers` is False and `fetch` raises outside the extract, exactly as for a user's locus
    extract; `label` names it in messages and in the outputs' provenance.
    """

    shipped = True

    def __init__(self, path: Path, build: str, source: str, chr2_lengths: dict[str, int]) -> None:
        super().__init__(path, chr2_lengths)
        self.build = build
        self.source = source
        self.label = f"the shipped NM_173842.3 sequence ({build}; source: {source})"


def sequence_dir() -> Path | None:
    """Where the shipped sequence lives: `$IL1RN_ANNOT_SEQUENCE_DIR`, else `resources/sequence`."""
    env = os.environ.get(SEQUENCE_DIR_ENV)
    if env:
        return Path(env)
    return _packaged_sequence_dir()


@functools.cache
def _packaged_sequence_dir() -> Path | None:
    """`resources/sequence` above this module, looked up once per process (the package does
    not move while it runs; the walk cost ~0.3 ms of every file of a batch, issue 19)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "resources" / "sequence"
        if (parent / "resources" / "knowledge_base").is_dir():
            return candidate
    return None


def expected_protein(folder: Path) -> str:
    """The precursor protein the CDS must translate to (`NP_776214.1.expected.fa` beside the sequence)."""
    path = folder / "NP_776214.1.expected.fa"
    if not path.exists():
        raise InputError(
            "the shipped sequence has no expected protein to be checked against",
            path=str(path),
            hint="ship NP_776214.1.expected.fa (the 177-aa precursor) beside the sequence",
        )
    return "".join(line.strip() for line in path.read_text().splitlines() if line and not line.startswith(">"))


def verify_sequence(ref: ReferenceGenome, kb: Any, build: str, protein: str) -> list[str]:
    """Checks that can fail, on a candidate locus sequence of `build`; returns the failures.

    The CDS translates exactly to the expected protein; c.1-3 is ATG and c.532-534 a stop;
    every intron starts GT and ends AG; every curated allele's REF and context bases agree;
    rs419598 is T at c.171 and rs315952 T at c.390; the flanks cover splice sites.
    """
    from il1rn_annot.core.protein_change import translate
    from il1rn_annot.kb.locus_model import CPosition

    tx = kb.transcript(build)
    failures: list[str] = []
    if not all(ref.covers(s - FLANK_NEEDED, e + FLANK_NEEDED) for s, e in tx.exons):
        return [f"does not cover every exon of {tx.refseq} with {FLANK_NEEDED} bp of flank ({build})"]
    exonic = "".join(ref.fetch(s, e) for s, e in tx.exons)
    c1 = tx.transcript_index(tx.cds_start) - 1
    cds = exonic[c1 : c1 + tx.cds_length]
    if cds[:3] != "ATG":
        failures.append(f"c.1-3 is {cds[:3]}, not ATG")
    if cds[-3:] not in ("TAA", "TAG", "TGA"):
        failures.append(f"c.{tx.cds_length - 2}-{tx.cds_length} is {cds[-3:]}, not a stop codon")
    if translate(cds) != protein + "*":
        failures.append("the CDS does not translate to the expected 177-aa protein")
    for k in range(len(tx.exons) - 1):
        donor, acceptor = (
            ref.fetch(tx.exons[k][1] + 1, tx.exons[k][1] + 2),
            ref.fetch(tx.exons[k + 1][0] - 2, tx.exons[k + 1][0] - 1),
        )
        if donor != "GT" or acceptor != "AG":
            failures.append(f"intron {k + 1} is {donor}...{acceptor}, not GT...AG")
    for var in kb.variants.values():
        pieces = []
        if build in var.vcf:
            pieces.append((var.vcf[build][0], var.vcf[build][1]))
        if build in var.context:
            pieces.append(var.context[build])
        for start, bases in pieces:
            last = start + len(bases) - 1
            if bases and ref.covers(start, last) and ref.fetch(start, last) != bases:
                failures.append(
                    f"{var.id}: the curated bases {bases} at {start} disagree "
                    f"({ref.fetch(start, start + len(bases) - 1)})"
                )
    for c, base, name in ((171, "T", "rs419598"), (390, "T", "rs315952")):
        got = ref.fetch(tx.genomic_position(CPosition(c)), tx.genomic_position(CPosition(c)))
        if got != base:
            failures.append(f"{name}: c.{c} is {got}, not {base}")
    return failures


def load_shipped_sequence(kb: Any, build: str, folder: Path | None = None) -> ShippedSequence | None:
    """The verified shipped sequence of `build`, or None when none is shipped (the usual case today).

    A shipped file that fails verification raises: a wrong sequence must never name alleles.
    """
    folder = folder or sequence_dir()
    if folder is None or not (folder / f"{build}.fa").exists():
        return None
    source_file = folder / "SOURCE.txt"
    if not source_file.exists():
        raise InputError(
            "the shipped sequence says nowhere where it was read",
            path=str(source_file),
            hint="a sequence is shipped only with its source (SOURCE.txt); remove it or add the source",
        )
    source = " ".join(source_file.read_text().split())[:300]
    seq = ShippedSequence(folder / f"{build}.fa", build, source, {b: i.chr2_length for b, i in kb.builds.items()})
    failures = verify_sequence(seq, kb, build, expected_protein(folder))
    if failures:
        raise InputError(
            "the shipped NM_173842.3 sequence failed verification: " + "; ".join(failures),
            path=str(folder / f"{build}.fa"),
            hint="fix or remove resources/sequence (see VERIFICATION.md), or pass --reference FASTA",
        )
    return seq


def describe(reference: ReferenceGenome | None, path: str | None = None) -> str:
    """The provenance sentence: which reference sequence named the alleles."""
    if reference is None:
        return (
            "none (no reference FASTA was given and no verified transcript sequence is shipped): HGVS names "
            "of indels are at the caller's left-aligned position; protein changes of novel coding variants are "
            "deduced from the protein NP_776214.1 and the VCF REF/ALT bases where they are determined "
            "(provenance protein_changes)"
        )
    if getattr(reference, "shipped", False):
        return f"shipped NM_173842.3 sequence (source: {reference.source})"  # type: ignore[attr-defined]
    return f"reference FASTA {path or reference.path}"
