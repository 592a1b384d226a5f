"""Human-readable listing of the knowledge base (`il1rn-annot kb`), for curators and reviewers."""

from __future__ import annotations

from il1rn_annot.kb.model import KnowledgeBase


def describe(kb: KnowledgeBase) -> str:
    lines = [
        f"{kb.name} — version {kb.version} (curated {kb.curation_date})",
        f"  location: {kb.path}",
        f"  sha256:   {kb.sha256}",
        "",
    ]
    g, t = kb.gene_info, kb.transcript_info
    lines.append(
        f"Gene {g['symbol']} ({g['hgnc']}, OMIM *{g.get('omim_gene', '')}), strand {g['strand']}; "
        f"MANE Select {t['refseq']} / {t['ensembl']} -> {t['protein_refseq']}"
    )
    for build, tx in kb.transcripts.items():
        exons = ", ".join(f"{a:,}-{b:,}" for a, b in tx.exons)
        lines.append(
            f"  {build}: chr2 length {kb.builds[build].chr2_length:,}; exons {exons}; "
            f"CDS {tx.cds_start:,}-{tx.cds_end:,} ({tx.cds_length} nt)"
        )
    lines.append("")
    lines.append("IL-1 cluster genes (GRCh38):")
    for gene in kb.cluster_genes("GRCh38"):
        lines.append(f"  {gene.label:<18} {gene.start:>12,}-{gene.end:<12,} ({gene.strand})")
    lines.append("")
    lines.append("Conditions:")
    for c in kb.conditions.values():
        omim = f" OMIM {c.omim}" if c.omim else ""
        lines.append(
            f"  {c.id}: {c.name}{omim} [{c.kind}{', ' + c.inheritance if c.inheritance else ''}]"
            f" refs: {', '.join(c.references)}"
        )
    lines.append("")
    lines.append("Curated variants:")
    for v in kb.variants.values():
        where = (
            "; ".join(f"{b} {p:,} {r}>{a}" for b, (p, r, a) in v.vcf.items())
            or "; ".join(f"{b} {s:,}-{e:,}" for b, (s, e) in v.region.items())
            or "not typed from VCF"
        )
        lines.append(
            f"  {v.id}: {v.label} {v.hgvs_p or ''} — {v.classification}; {where}; "
            f"conditions: {', '.join(v.conditions) or '-'}"
        )
    lines.append("")
    lines.append("References:")
    for r in kb.references.values():
        ids = ", ".join(x for x in (f"PMID {r.pmid}" if r.pmid else "", f"doi:{r.doi}" if r.doi else "") if x)
        lines.append(f"  [{r.id}] {r.citation} {ids or '(no verified identifier)'} — {r.status}")
    lines.append("")
    lines.append("Sources:")
    for key, source in kb.sources.items():
        lines.append(f"  {key}: {source['description']}")
    return "\n".join(lines)
