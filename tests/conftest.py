"""Shared fixtures: the shipped knowledge base and a writer of small, real-shaped VCFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from il1rn_annot.knowledge import KnowledgeBase, load_knowledge_base

REPO = Path(__file__).resolve().parents[1]
GRCH38_CHR2 = 242193529
GRCH37_CHR2 = 243199373


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def vcf_text(records: list[str], samples: list[str], *, build: str = "GRCh38", chrom: str | None = None,
             extra_header: list[str] | None = None, contigs: bool = True) -> str:
    """A VCF 4.2 text with GATK-like header lines; records are tab-separated strings."""
    chrom = chrom or ("chr2" if build == "GRCh38" else "2")
    length = GRCH38_CHR2 if build == "GRCh38" else GRCH37_CHR2
    lines = ["##fileformat=VCFv4.2"]
    if contigs:
        lines.append(f"##contig=<ID={chrom},length={length}>")
    lines += [
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
        '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">',
        '##ALT=<ID=DEL,Description="Deletion">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ]
    lines += extra_header or []
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    body = [r.replace("{chrom}", chrom) for r in records]
    return "\n".join(lines + body) + "\n"


@pytest.fixture
def make_vcf(tmp_path: Path):
    """make_vcf(name, records, samples, **kw) -> Path of a plain VCF in tmp_path."""
    def _make(name: str, records: list[str], samples: list[str], **kwargs) -> Path:
        path = tmp_path / name
        path.write_text(vcf_text(records, samples, **kwargs))
        return path
    return _make
