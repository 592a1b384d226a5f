"""The report's tables of one sample's calls, as plain data: the findings table
(`finding_rows`, with `variant_cell` for how a variant reads), the deletions table
(`deletion_rows`: genes removed, exons, match to the 2q13 deletion) and the inputs of the
two figures (`figure_inputs`).

Each row is a dict the template `report.html.j2` prints; nothing here is markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from il1rn_annot.core.allele_words import allele_label, deletion_effect, exon_parts
from il1rn_annot.core.annotate import RECIPROCAL_OVERLAP_MATCH
from il1rn_annot.core.vocabulary import CLASS_NAMES, CLASSIFICATIONS, DELETION_TYPES, PATHOGENIC
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.population import population_line
from il1rn_annot.lab_report.references import RefBook
from il1rn_annot.outputs.html import words as _words

ZYGOSITY_NOTES = {
    "partial": "one allele called, the other missing",
    "hemizygous": "one copy present",
}


def fmt_int(n: Any) -> str:
    return f"{int(n):,}"


def _short_allele(seq: str, keep: int = 8) -> str:
    if len(seq) <= 2 * keep + 4:
        return seq
    return f"{seq[:keep]}…({len(seq):,} bp)"


def _region_id(f: dict[str, Any]) -> str:
    """The curated region deletion a finding was matched to ('' for none): region entries are the
    knowledge-base IDs that deletions carry in `known_variant`."""
    kv = str(f.get("known_variant") or "")
    return kv if kv and f.get("variant_type") in (*DELETION_TYPES, "deletion") else ""


def _gene_condition_note(gene: dict[str, Any], zygosity: str) -> str:
    """'DITRA (...), OMIM 614204, autosomal recessive: both copies lost' for a removed cluster gene
    with a verified condition of its own; it says whether the loss matters for this zygosity."""
    if not gene.get("condition") or gene.get("gene") == "IL1RN":
        return ""
    inheritance = str(gene.get("inheritance", ""))
    both = zygosity in ("homozygous", "hemizygous")
    matters = both or inheritance == "autosomal_dominant"
    return f"{gene['condition']}, OMIM {gene.get('omim', '')}, {inheritance.replace('_', ' ')}: " + (
        "loss relevant for this zygosity" if matters else "one copy lost (carrier)"
    )


def _percent(fraction: float | None) -> str:
    if fraction is None:
        return ""
    value = 100 * float(fraction)
    if value == 0:
        return "0%"
    if value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def _is_deletion(f: dict[str, Any]) -> bool:
    return bool(f.get("deleted_genes")) or f.get("il1rn_overlap") is not None or f["variant_type"] in DELETION_TYPES


def variant_cell(f: dict[str, Any]) -> dict[str, Any]:
    """How the variant column reads: HGVS first, then the genomic call as written."""
    end = f.get("end")
    ref, alt = str(f.get("ref", "")), str(f.get("alt", ""))
    genomic = f"{f['chrom']}:{fmt_int(f['pos'])} {_short_allele(ref)}>{_short_allele(alt)}"
    if alt.startswith("<") and end:
        genomic += f" (END {fmt_int(end)})"
    detail = ""
    if _is_deletion(f):
        title = f"deletion {f['chrom']}:{fmt_int(int(f['pos']) + 1)}-{fmt_int(end)}"
        if f.get("hgvs_c"):
            title = f"{f['hgvs_c']} ({title})"
        detail = deletion_effect(f)
    elif f.get("variant_type") in ("other_sv", "breakend"):
        title = f.get("hgvs_c") or allele_label(f)
    else:
        title = f.get("hgvs_c") or genomic
    return {
        "hgvs_c": f.get("hgvs_c") or "",
        "hgvs_p": f.get("hgvs_p") or "",
        "title": title,
        "detail": detail,
        "genomic": genomic,
        "transcript": f.get("transcript") or "",
        "gene": f.get("gene") or "",
        "vcf_id": f.get("vcf_id") or "",
    }


def finding_rows(
    findings: list[dict[str, Any]], kb: KnowledgeBase, refs: RefBook, several_sources: bool
) -> list[dict[str, Any]]:
    def order(f: dict[str, Any]) -> tuple[Any, ...]:
        cls = f.get("classification", "")
        return (
            CLASSIFICATIONS.index(cls) if cls in CLASSIFICATIONS else len(CLASSIFICATIONS),
            int(f["pos"]),
            str(f.get("allele_id")),
            str(f.get("source")),
        )

    rows = []
    for f in sorted(findings, key=order):
        known = kb.variants.get(f.get("known_variant") or "")
        cited = refs.cite(f.get("references") or [])
        cited_pmids = {c["pmid"] for c in cited if c["pmid"]}
        extra_pmids = [p for p in f.get("pmids") or [] if p not in cited_pmids]
        zyg = f.get("zygosity", "")
        call = [f"GT {f['genotype']}"] if f.get("genotype") not in (None, "", ".") else []
        if f.get("copy_number") is not None:
            call.append(f"CN {f['copy_number']}")
        if f.get("depth") is not None:
            call.append(f"depth {f['depth']}")
        if f.get("phased") and f.get("phase_set") is not None:
            call.append(f"phase set {f['phase_set']}")
        cls = f.get("classification", "")
        rows.append(
            {
                "variant": variant_cell(f),
                "zygosity": zyg,
                "zygosity_note": ZYGOSITY_NOTES.get(zyg, ""),
                "call": ", ".join(call),
                "consequence": [_words(c) for c in f.get("consequence") or []],
                "classification": cls,
                "classification_label": CLASS_NAMES.get(cls, _words(cls)),
                "basis": (
                    f"curated allele ({known.id})"
                    if known
                    else "rule-based, not in the knowledge base"
                    + (": review before reporting" if cls in (*PATHOGENIC, "uncertain_significance") else "")
                ),
                "basis_short": "curated" if known else "rule-based",
                "evidence": f.get("classification_evidence") or "",
                "refs": cited,
                "extra_pmids": [{"pmid": p, "url": f"https://pubmed.ncbi.nlm.nih.gov/{p}/"} for p in extra_pmids],
                "notes": list(dict.fromkeys(f.get("notes") or [])),
                "population": population_line(f),
                "filter": f.get("filter") if f.get("filter") not in ("PASS", ".", None, "") else "",
                "source": Path(str(f.get("source", ""))).name if several_sources else "",
            }
        )
    return rows


def deletion_rows(findings: list[dict[str, Any]], kb: KnowledgeBase, build: str) -> list[dict[str, Any]]:
    tx = kb.transcript(build)
    rows = []
    for f in sorted((f for f in findings if _is_deletion(f)), key=lambda f: (int(f["pos"]), str(f["allele_id"]))):
        start, end = int(f["pos"]) + 1, int(f["end"])
        whole, part = exon_parts(f)
        exons = ([", ".join(map(str, whole)) + f" of {len(tx.exons)}"] if whole else []) + (
            [f"part of {', '.join(map(str, part))}"] if part else []
        )
        ro = f.get("reciprocal_overlap_2q13")
        rows.append(
            {
                "label": f.get("hgvs_c") or "",
                "span": f"{f['chrom']}:{fmt_int(start)}-{fmt_int(end)}",
                "start": start,
                "end": end,
                "size": fmt_int(end - start + 1),
                "zygosity": f.get("zygosity", ""),
                "copy_number": f.get("copy_number"),
                "genes": [
                    {
                        "gene": g["gene"],
                        "percent": _percent(g.get("fraction")),
                        "condition": _gene_condition_note(g, f.get("zygosity", "")),
                    }
                    for g in f.get("deleted_genes") or []
                ],
                "il1rn_percent": _percent(f.get("il1rn_overlap")),
                "exons": "; ".join(exons) if exons else "none (no exon removed)",
                "reciprocal": "" if ro is None else f"{float(ro):.3f}",
                "matches_2q13": ro is not None and float(ro) >= RECIPROCAL_OVERLAP_MATCH,
                # overlap alone is supporting evidence: the curated entry is taken only when IL1RN is removed
                "is_2q13": bool(f.get("known_variant")) and f.get("known_variant") == _region_id(f),
                "imprecise": bool(f.get("imprecise")),
                "classification_label": CLASS_NAMES.get(f.get("classification", ""), f.get("classification", "")),
                "classification": f.get("classification", ""),
            }
        )
    return rows


def figure_inputs(findings: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    deletions, variants = [], []
    seen: set[str] = set()
    for f in sorted(findings, key=lambda f: (int(f["pos"]), str(f["allele_id"]))):
        if f["allele_id"] in seen:
            continue
        seen.add(f["allele_id"])
        if _is_deletion(f):
            span = f"{f['chrom']}:{int(f['pos']) + 1:,}-{int(f['end']):,}"
            deletions.append(
                {
                    "start": int(f["pos"]) + 1,
                    "end": int(f["end"]),
                    "label": f.get("hgvs_c") or f"deletion {span}",
                    "zygosity": f.get("zygosity", ""),
                }
            )
        else:
            label = f.get("hgvs_c") or (
                f"{f['chrom']}:{f['pos']} {_short_allele(str(f['ref']), 4)}>{_short_allele(str(f['alt']), 4)}"
            )
            if f.get("hgvs_p") and f["hgvs_p"] != "p.?":
                label += f" {f['hgvs_p']}"
            variants.append({"pos": int(f["pos"]), "label": label, "classification": f.get("classification", "")})
    return deletions, variants
