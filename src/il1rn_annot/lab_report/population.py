"""What the lab report says about population frequency and ClinVar data, from the annotation files'
provenance (`population_data`, `clinvar_data`, `evidence_resources`, written by evidence/).

With resources, the report names each one (dataset, file, release) and the date the annotation read
it; without, it says that no population data were given and what that means for a novel variant.
"""

from __future__ import annotations

from typing import Any

NO_POPULATION_DATA = (
    "No population frequency data were used (no gnomAD or other allele frequencies): the "
    "rarity of a novel variant was not assessed, and ACMG/AMP rules that need it (PM2, BA1, BS1) "
    "were not applied."
)

#: the Methods line when the annotation had no population resource: what that means for a novel variant
NO_POPULATION_METHODS = (
    "No population data given. "
    + NO_POPULATION_DATA
    + " A novel variant is classified by its predicted effect alone: a predicted loss of function reads likely "
    "pathogenic even if it were common in the population, so its frequency must be checked before reporting."
)


def population_texts(docs: list[dict[str, Any]]) -> tuple[str, str]:
    """(the Methods line, the Limits line) for the annotation files of a sample."""
    used: list[str] = []
    clinvar: list[str] = []
    for doc in docs:
        prov = doc.get("provenance") or {}
        data = prov.get("population_data")
        if data and data != "no population data given":
            read = str(prov.get("generated_at", ""))[:10]
            used.append(f"{data}, read {read}" if read else str(data))
        if prov.get("clinvar_data"):
            clinvar.append(str(prov["clinvar_data"]))
    if not used:
        methods = NO_POPULATION_METHODS
        limits = NO_POPULATION_DATA
    else:
        methods = (
            "; ".join(dict.fromkeys(used))
            + ". BA1 (allele frequency above 5 %), BS1 (above the DIRA threshold of 0.1 %) and PM2_Supporting "
            "(absent or at most 0.01 %) were applied to novel variants (docs/classification.md, section 7); "
            "curated alleles keep their curated classification."
        )
        limits = (
            "Population data come from the resource files named in Methods; absence from them is taken at face "
            "value (their coverage of the site is not checked), and structural variants are not looked up."
        )
    if clinvar:
        methods += (
            " ClinVar: "
            + "; ".join(dict.fromkeys(clinvar))
            + ", shown beside each allele with its review stars; it never changes a classification."
        )
    identities = dict.fromkeys(
        _identity(r) for doc in docs for r in (doc.get("provenance") or {}).get("evidence_resources") or []
    )
    if identities:
        methods += " Resource files: " + "; ".join(identities) + "."
    return methods, limits  # after the report's "Population data:" label


def _identity(r: dict[str, Any]) -> str:
    """One resource's identity as the provenance records it (evidence.resource.CHECKSUM_POLICY)."""
    release = r.get("dataset", "") + (f" release {r['release_date']}" if r.get("release_date") else "")
    return (
        f"{r.get('name', '')} ({release}, {r.get('build', '')}; {r.get('size', 0):,} bytes; header SHA-256 "
        f"{r.get('header_sha256', '')}; index SHA-256 {r.get('index_sha256', '')}; identified by "
        f"{r.get('checksum_policy', 'not recorded')})"
    )


def evidence_alerts(rows: list[dict[str, Any]]) -> list[str]:
    """The warnings and conflicts of the sample's variant rows (homozygotes in the population for a P/LP
    allele, a curated P/LP allele that is common, ClinVar disagreeing), each named by its variant: shown
    under the Result, where the person signing reads first, not only in the variant table."""
    return list(
        dict.fromkeys(
            f"{r['variant']['title']}: {n}"
            for r in rows
            for n in r.get("notes") or []
            if n.startswith("CONFLICT:") or (n.startswith("WARNING:") and "population" in n)
        )
    )


def population_line(f: dict[str, Any]) -> str:
    """An allele's population data for its report row ('' when the annotation had none): per resource
    the AF (as a percentage), AC/AN and homozygotes, or 'absent', then the criterion that fired."""
    population = f.get("population")
    if population is None:
        return ""
    parts = []
    for p in population:
        if not p.get("found"):
            parts.append(f"{p['source']}: absent")
            continue
        text = f"{p['source']}: AF {p['af'] * 100:.4g} %" if p.get("af") is not None else f"{p['source']}: AF not given"
        if p.get("ac") is not None and p.get("an"):
            text += f" ({p['ac']:,}/{p['an']:,})"
        if p.get("af_grpmax") is not None:
            text += f", group maximum {p['af_grpmax'] * 100:.4g} % ({p.get('grpmax') or 'group not stated'})"
        if p.get("nhomalt") is not None:
            text += f", {p['nhomalt']:,} homozygote{'s' * (p['nhomalt'] != 1)}"
        parts.append(text)
    if not parts:
        parts.append("not looked up (structural allele)")
    criterion = f.get("population_criterion") or ""
    if not criterion:
        return "; ".join(parts)
    how = "met; the curated classification stands" if f.get("known_variant") else "applied"
    return "; ".join(parts) + f". {criterion} {how}"
