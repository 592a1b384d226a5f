"""The IL1RN transcript and the IL-1 gene cluster as coordinates: genome <-> c. positions.

Kept apart from the knowledge-base loader so that coordinate arithmetic (the part most
likely to hide an off-by-one) is small and tested on its own. Coordinates are 1-based,
inclusive, as in VCF. IL1RN is on the + strand; the model refuses a - strand transcript
rather than silently mis-numbering it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Gene:
    """One IL-1 cluster gene (MANE Select span) in one build."""

    symbol: str
    alias: str
    hgnc: str
    strand: str
    start: int
    end: int
    mane_refseq: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def label(self) -> str:
        return f"{self.symbol} ({self.alias})" if self.alias else self.symbol


@dataclass(frozen=True)
class CPosition:
    """A position on the transcript in HGVS c. terms.

    `base` is the c. number of the nearest exonic base (negative = 5' UTR/upstream,
    `utr3` True = counted after the stop codon as c.*N); `offset` is the intronic
    distance (+ after a donor, - before an acceptor).
    """

    base: int
    offset: int = 0
    utr3: bool = False

    def __str__(self) -> str:
        core = f"*{self.base}" if self.utr3 else str(self.base)
        if self.offset > 0:
            return f"{core}+{self.offset}"
        if self.offset < 0:
            return f"{core}{self.offset}"
        return core


@dataclass(frozen=True)
class TranscriptModel:
    """Exons and CDS of the MANE Select transcript in one build (+ strand)."""

    refseq: str
    build: str
    exons: tuple[tuple[int, int], ...]
    cds_start: int
    cds_end: int
    strand: str = "+"
    _exonic_before: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.strand != "+":
            raise ValueError("TranscriptModel handles + strand transcripts only (IL1RN is +)")
        cumulative, total = [], 0
        for start, end in self.exons:
            cumulative.append(total)
            total += end - start + 1
        object.__setattr__(self, "_exonic_before", tuple(cumulative))

    # -- spans -------------------------------------------------------------------------
    @property
    def start(self) -> int:
        return self.exons[0][0]

    @property
    def end(self) -> int:
        return self.exons[-1][1]

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def cds_length(self) -> int:
        """Coding length in nucleotides, stop codon included (534 for NM_173842.3)."""
        return self.transcript_index(self.cds_end) - self.transcript_index(self.cds_start) + 1

    def exon_index(self, pos: int) -> int | None:
        """1-based exon number containing `pos`, or None."""
        for number, (start, end) in enumerate(self.exons, start=1):
            if start <= pos <= end:
                return number
        return None

    def intron_index(self, pos: int) -> int | None:
        """1-based intron number containing `pos` (intron k lies after exon k), or None."""
        for k in range(len(self.exons) - 1):
            if self.exons[k][1] < pos < self.exons[k + 1][0]:
                return k + 1
        return None

    def transcript_index(self, pos: int) -> int:
        """1-based position within the spliced transcript of an exonic genomic position."""
        exon = self.exon_index(pos)
        if exon is None:
            raise ValueError(f"{pos} is not exonic in {self.refseq}")
        start, _ = self.exons[exon - 1]
        return self._exonic_before[exon - 1] + (pos - start) + 1

    def genomic_of_transcript_index(self, index: int) -> int:
        """Inverse of `transcript_index` for 1 <= index <= spliced length."""
        for number, (start, end) in enumerate(self.exons):
            size = end - start + 1
            before = self._exonic_before[number]
            if before < index <= before + size:
                return start + (index - before) - 1
        raise ValueError(f"transcript index {index} outside {self.refseq}")

    # -- c. numbering --------------------------------------------------------------------
    def _c_of_exonic(self, pos: int) -> CPosition:
        t = self.transcript_index(pos)
        cds_t = self.transcript_index(self.cds_start)
        c = t - cds_t + 1
        if c <= 0:
            return CPosition(c - 1)  # no c.0: the base before c.1 is c.-1
        if c > self.cds_length:
            return CPosition(c - self.cds_length, utr3=True)
        return CPosition(c)

    def c_position(self, pos: int) -> CPosition:
        """HGVS c. position of any genomic position (exonic, intronic, up/downstream)."""
        if pos < self.start:
            first = self._c_of_exonic(self.start)
            return CPosition(first.base - (self.start - pos), utr3=first.utr3)
        if pos > self.end:
            last = self._c_of_exonic(self.end)
            return CPosition(last.base + (pos - self.end), utr3=True)
        if self.exon_index(pos) is not None:
            return self._c_of_exonic(pos)
        intron = self.intron_index(pos)
        assert intron is not None
        donor = self.exons[intron - 1][1]
        acceptor = self.exons[intron][0]
        after_donor, before_acceptor = pos - donor, acceptor - pos
        # HGVS: the first half of an intron counts from the donor (+); the central base of
        # an odd-length intron belongs to the donor side.
        if after_donor <= before_acceptor:
            anchor = self._c_of_exonic(donor)
            return CPosition(anchor.base, after_donor, anchor.utr3)
        anchor = self._c_of_exonic(acceptor)
        return CPosition(anchor.base, -before_acceptor, anchor.utr3)

    def genomic_position(self, c: CPosition) -> int:
        """Genomic position of a c. position; inverse of `c_position` inside the transcript."""
        cds_t = self.transcript_index(self.cds_start)
        if c.utr3:
            t = cds_t + self.cds_length - 1 + c.base
        elif c.base < 0:
            t = cds_t + c.base
        else:
            t = cds_t + c.base - 1
        spliced = self._exonic_before[-1] + (self.exons[-1][1] - self.exons[-1][0] + 1)
        if t < 1:
            return self.start + (t - 1) + c.offset
        if t > spliced:
            return self.end + (t - spliced) + c.offset
        return self.genomic_of_transcript_index(t) + c.offset

    def region(self, pos: int, upstream_distance: int) -> str:
        """Coarse region of a position: cds, utr5, utr3, intron, upstream, downstream, intergenic."""
        if pos < self.start:
            return "upstream" if self.start - pos <= upstream_distance else "intergenic"
        if pos > self.end:
            return "downstream" if pos - self.end <= upstream_distance else "intergenic"
        if self.exon_index(pos) is None:
            return "intron"
        if pos < self.cds_start:
            return "utr5"
        if pos > self.cds_end:
            return "utr3"
        return "cds"
