"""What the annotator knows about the locus, as validated objects (`kb.load` builds them).

The curated knowledge base (`resources/knowledge_base/`, YAML a curator edits) becomes one
`KnowledgeBase`: the references, conditions and known variants with their classifications,
per build the chromosome-2 facts, the MANE transcript and cluster genes (`kb.locus_model`),
and the screening window. Nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.kb.locus_model import Gene, TranscriptModel

BUILDS = ("GRCh38", "GRCh37")


@dataclass(frozen=True)
class Reference:
    id: str
    citation: str
    pmid: str | None
    doi: str | None
    status: str
    seed_index: int | None = None
    first_author: str | None = None
    year: int | None = None

    @property
    def printable(self) -> bool:
        """Only a reference that was read in a source is printed as a citation."""
        return self.status in ("verified", "citation_only")

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    kind: str  # "mendelian" or "association"
    summary: str
    references: tuple[str, ...]
    omim: str | None = None
    inheritance: str | None = None
    features: tuple[tuple[str, str | None], ...] = ()
    treatment: str | None = None
    similar_to: str | None = None
    synonyms: tuple[str, ...] = ()
    treatment_references: tuple[str, ...] = ()

    @property
    def is_diagnostic(self) -> bool:
        """Only Mendelian conditions can be 'consistent with' a genotype; associations never."""
        return self.kind == "mendelian"


@dataclass(frozen=True)
class KnownVariant:
    """A curated variant: a published DIRA allele, a region deletion or an association SNP."""

    id: str
    type: str
    classification: str
    evidence: str
    conditions: tuple[str, ...]
    references: tuple[str, ...]
    consequence: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    name: str | None = None
    published_names: tuple[str, ...] = ()
    vcf: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    region: dict[str, tuple[int, int]] = field(default_factory=dict)
    removes_genes: tuple[str, ...] = ()
    match: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    typed_from_vcf: bool = True
    #: read or derived reference bases around the allele per build: (first position, bases)
    context: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: deleted span per build for a deletion known by its bases but not by a VCF form
    deletion: dict[str, tuple[int, int]] = field(default_factory=dict)
    curation_note: str | None = None
    clinvar: str | None = None

    @property
    def is_association(self) -> bool:
        return self.classification == "association_polymorphism"

    @property
    def label(self) -> str:
        return self.hgvs_c or self.name or (self.published_names[0] if self.published_names else self.id)


@dataclass(frozen=True)
class BuildInfo:
    name: str
    aliases: tuple[str, ...]
    chr2_length: int
    contig_names: tuple[str, ...]


@dataclass
class KnowledgeBase:
    """Everything the annotator knows, validated. One instance per KB directory."""

    path: Path
    version: str
    curation_date: str
    name: str
    sha256: str
    sources: dict[str, dict[str, str]]
    references: dict[str, Reference]
    conditions: dict[str, Condition]
    variants: dict[str, KnownVariant]
    builds: dict[str, BuildInfo]
    transcripts: dict[str, TranscriptModel]
    genes: dict[str, tuple[Gene, ...]]
    screen_window: dict[str, tuple[int, int]]
    splice_region_exonic: int
    splice_region_intronic: int
    upstream_distance: int
    liftover_offset: int
    gene_info: dict[str, Any]
    transcript_info: dict[str, Any]
    raw: dict[str, Any]
    #: NP_776214.1 (one-letter, no stop) from the manifest's `protein` file, '' when none is shipped:
    #: without a reference FASTA, protein changes are deduced from it (codon_sets.py)
    protein: str = ""
    #: annotations already made with this KB ({(build, Allele): ...}; `tally.annotated`): the
    #: same common alleles recur in every file of a cohort
    annotation_memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def transcript(self, build: str) -> TranscriptModel:
        return self.transcripts[build]

    def cluster_genes(self, build: str) -> tuple[Gene, ...]:
        return self.genes[build]

    def references_for(self, ids: list[str] | tuple[str, ...]) -> list[Reference]:
        return [self.references[i] for i in ids if i in self.references]

    def pmids_for(self, ids: list[str] | tuple[str, ...]) -> list[str]:
        return [r.pmid for r in self.references_for(ids) if r.pmid]

    def small_variant_index(self, build: str) -> dict[tuple[int, str, str], KnownVariant]:
        """Known variants keyed by their VCF form (pos, ref, alt) in `build` (made once per build:
        every allele of a joint VCF is looked up in it; callers only read it)."""
        key = ("small_variant_index", build)
        index = self.annotation_memo.get(key)
        if index is None:
            index = self.annotation_memo[key] = {v.vcf[build]: v for v in self.variants.values() if build in v.vcf}
        return index

    def summary(self) -> dict[str, Any]:
        """A machine-readable digest for `il1rn-annot kb --json`."""
        return {
            "name": self.name,
            "version": self.version,
            "curation_date": self.curation_date,
            "path": str(self.path),
            "sha256": self.sha256,
            "sources": self.sources,
            "gene": self.gene_info,
            "transcript": {k: v for k, v in self.transcript_info.items() if k != "builds"},
            "builds": {
                b: {
                    "chr2_length": info.chr2_length,
                    "aliases": list(info.aliases),
                    "exons": [list(e) for e in self.transcripts[b].exons],
                    "cds": [self.transcripts[b].cds_start, self.transcripts[b].cds_end],
                    "screen_window": list(self.screen_window[b]),
                }
                for b, info in self.builds.items()
            },
            "cluster_genes": [
                {
                    "symbol": g.symbol,
                    "alias": g.alias,
                    "hgnc": g.hgnc,
                    "strand": g.strand,
                    **{b: [gg.start, gg.end] for b in self.genes for gg in self.genes[b] if gg.symbol == g.symbol},
                }
                for g in self.genes["GRCh38"]
            ],
            "conditions": {
                c.id: {
                    "name": c.name,
                    "kind": c.kind,
                    "omim": c.omim,
                    "inheritance": c.inheritance,
                    "references": list(c.references),
                }
                for c in self.conditions.values()
            },
            "variants": {
                v.id: {
                    "label": v.label,
                    "hgvs_c": v.hgvs_c,
                    "hgvs_p": v.hgvs_p,
                    "classification": v.classification,
                    "conditions": list(v.conditions),
                    "references": list(v.references),
                    "vcf": {b: list(x) for b, x in v.vcf.items()},
                    "region": {b: list(x) for b, x in v.region.items()},
                }
                for v in self.variants.values()
            },
            "references": {
                r.id: {"citation": r.citation, "pmid": r.pmid, "doi": r.doi, "status": r.status}
                for r in self.references.values()
            },
        }
