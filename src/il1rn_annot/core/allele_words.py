"""How an allele reads in a sentence: HGVS c./p. for a small variant, the span and what it removes
for a deletion, words for a structural variant.

Every sentence, evidence text, table and report names alleles through `allele_label`, so a
clinician reads one allele the same way everywhere; `deletion_effect` and `exon_parts` say what
a deletion takes (the lab report lists them too), and `removed_genes_with_conditions` names the
other cluster genes whose loss matters in its own right.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.alleles import breakend_words
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, DELETION_TYPES


def allele_label(f: dict[str, Any]) -> str:
    """How a clinician reads the allele: HGVS c. + p., or the deletion and the genes it removes."""
    small_symbolic = (
        f["variant_type"] in DELETION_TYPES
        and not f.get("deleted_genes")
        and f.get("il1rn_overlap") is None
        and f.get("hgvs_c")
    )
    if (f["variant_type"] in DELETION_TYPES and not small_symbolic) or (f.get("deleted_genes") and not f.get("hgvs_c")):
        core = f"deletion {f['chrom']}:{f['pos'] + 1}-{f['end']} ({deletion_effect(f)})"
        if f.get("hgvs_c"):
            core = f"{f['hgvs_c']} {core}"
        return core
    if f["variant_type"] in ("other_sv", "breakend") and not f.get("hgvs_c"):
        return _structural_label(f)
    parts = [f.get("hgvs_c") or f"{f['chrom']}:{f['pos']} {f['ref']}>{f['alt']}"]
    if f.get("hgvs_p"):
        parts.append(f["hgvs_p"])
    if f.get("vcf_id", "").startswith("rs"):
        parts.append(f"({f['vcf_id']})")
    return " ".join(parts)


SV_WORDS = {
    "DUP": "duplication",
    "INV": "inversion",
    "INS": "insertion",
    "CPX": "complex rearrangement",
    "TRA": "translocation",
    "BND": "breakend",
}


def _structural_label(f: dict[str, Any]) -> str:
    """'duplication chr2:113120001-113140000' rather than the raw 'chr2:113120000 N><DUP>'."""
    alt = str(f["alt"])
    if f["variant_type"] == "breakend" or not alt.startswith("<"):
        return breakend_words(str(f["chrom"]), int(f["pos"]), alt)  # inversion / duplication / translocation
    key = alt[1:-1].split(":")[0].upper()
    word = SV_WORDS.get(key, f"structural variant {alt}")
    end = f.get("end")
    span = f"{f['chrom']}:{f['pos'] + 1}-{end}" if end and int(end) > int(f["pos"]) else f"{f['chrom']}:{f['pos']}"
    if key == "INS":  # between POS and POS+1, whatever its SVLEN (core/alleles.py)
        span = f"{f['chrom']}:{f['pos']}-{int(f['pos']) + 1}"
    return f"{word} {span}"


def deletion_effect(f: dict[str, Any]) -> str:
    """What a deletion takes, as a clinician reads it: 'removes IL1RN exons 2, 3', 'removes IL36G,
    ..., IL1RN', 'removes part of IL1RN exon 4', 'upstream of IL1RN'."""
    removed = f.get("deleted_genes") or []
    genes = ", ".join(_removed(g, f) for g in removed)
    spares = not any(g["gene"] == "IL1RN" for g in removed)
    terms = f.get("consequence") or []
    if "upstream_gene_variant" in terms or "downstream_gene_variant" in terms:
        where = "upstream of IL1RN" if "upstream_gene_variant" in terms else "downstream of IL1RN"
    else:
        where = "upstream of IL1RN" if _before_il1rn(f) else "downstream of IL1RN"
    if genes:
        return f"removes {genes}" + (f"; does not remove IL1RN, lies {where}" if spares else "")
    return f"does not remove IL1RN, lies {where}" if spares else "removes no cluster gene"


def _before_il1rn(f: dict[str, Any]) -> bool:
    """Whether a deletion that spares IL1RN lies before it: the genes it removes come before IL1RN
    in the cluster's order (IL1A ... IL1F10, then IL1RN, PSD4, PAX8)."""
    after = {"PSD4", "PAX8"}
    return not any(g["gene"] in after for g in f.get("deleted_genes") or [])


def _removed(gene: dict[str, Any], f: dict[str, Any]) -> str:
    """'IL1RN' for a whole-gene deletion, 'IL1RN exons 2, 3' or 'IL36B (in part)' for a partial one.

    Not 'part of IL36B': in a list ('removes part of IL36B, IL36RN, PAX8') that reads as if every
    gene after it were removed in part too.
    """
    name: str = gene["gene"]
    if gene["fraction"] >= 0.999:
        return name
    exons = f.get("exons_affected") or []
    if gene["gene"] == "IL1RN" and exons:
        whole, part = exon_parts(f)
        said = [f"IL1RN exon{'s' if len(whole) > 1 else ''} {', '.join(map(str, whole))}"] if whole else []
        if part:
            said.append(f"part of IL1RN exon{'s' if len(part) > 1 else ''} {', '.join(map(str, part))}")
        return " and ".join(said)
    return f"{gene['gene']} (in part)"


def exon_parts(f: dict[str, Any]) -> tuple[list[int], list[int]]:
    """(exons a deletion removes whole, exons it removes part of). Annotations made before
    `exons_removed` existed only say which exons were touched: all are taken as removed."""
    touched = list(f.get("exons_affected") or [])
    whole = list(f["exons_removed"]) if "exons_removed" in f else touched
    return whole, [n for n in touched if n not in whole]


def removed_genes_with_conditions(findings: list[dict[str, Any]]) -> list[str]:
    """'IL36RN (DITRA ..., OMIM 614204, autosomal recessive): both copies deleted' for each cluster
    gene other than IL1RN that a deletion of this sample removes, where the loss matters for the
    zygosity: an autosomal recessive condition needs both copies lost, a dominant one one copy."""
    out: list[str] = []
    for f in findings:
        if f.get("variant_type") not in ANY_DELETION_TYPES:
            continue
        both = f.get("zygosity") in ("homozygous", "hemizygous")
        for g in f.get("deleted_genes") or []:
            inheritance = g.get("inheritance")
            if g["gene"] == "IL1RN" or not inheritance:
                continue
            if inheritance == "autosomal_recessive" and not both:
                continue
            part = "" if g["fraction"] >= 0.999 else "part of "
            copies = "both copies" if both else "one copy"
            text = (
                f"{part}{g['gene']} ({copies} deleted; {g['condition']}, OMIM {g['omim']}, "
                f"{inheritance.replace('_', ' ')})"
            )
            if text not in out:
                out.append(text)
    return out
