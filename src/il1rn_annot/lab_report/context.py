"""The view of one sample that the lab report's template renders (`build_context`), as plain data.

A sample may appear in several annotation JSONs (SNVs from GATK + deletions from Manta), so
its findings are gathered from every file (`outputs.read_back`) and pooled (`core.pool`,
`pool_files`). Its status, sentence and evidence are the cohort's (`--samples-from
summary.tsv`: the sample is interpreted once, by the cohort step); without a cohort the
pooled sample is interpreted here with the same function (`interpret.interpret_pooled`).

Here: the status, the inputs and files, the method's limits and the figures. The coverage
section, the reference sequence used and the recommendations are built in `sections`, the
tables in `variant_rows`, the citations in `references`. All clinical text comes
from the knowledge base; the template adds only the report's structure, the method's limits
and generic wording about recessive inheritance. Nothing here is markup apart from the SVG
figures (`figures/`, which escape their own labels).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from il1rn_annot import TOOL_NAME, __version__
from il1rn_annot.core.annotate import RECIPROCAL_OVERLAP_MATCH
from il1rn_annot.core.coverage import evidence_text as coverage_evidence_text
from il1rn_annot.core.coverage import of_sample as coverage_of_sample
from il1rn_annot.core.interpret import interpret_pooled
from il1rn_annot.core.phase import ParentCalls
from il1rn_annot.core.pool import Pooled, pool_sources
from il1rn_annot.core.sample_result import LOCUS_CALLED_TEXT, SampleResult
from il1rn_annot.core.vocabulary import BENIGN_OR_NO_EFFECT, CLASS_BADGE_COLOURS, PATHOGENIC, STATUS_LABELS
from il1rn_annot.core.vocabulary import FLAGGED as FLAGGED_STATUSES
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.figures.cluster import cluster_svg
from il1rn_annot.lab_report.figures.exons import exon_svg
from il1rn_annot.lab_report.population import NO_POPULATION_DATA, evidence_alerts, population_texts
from il1rn_annot.lab_report.references import RefBook, condition_view
from il1rn_annot.lab_report.sections import coverage_view, recommendations, reference_sequence_text
from il1rn_annot.lab_report.variant_rows import deletion_rows, figure_inputs, finding_rows, fmt_int, variant_cell
from il1rn_annot.outputs.html import words as _words
from il1rn_annot.outputs.provenance import identity_phrases
from il1rn_annot.outputs.read_back import SampleInFile, source_calls
from il1rn_annot.outputs.read_summary import StoredResult

FIGURE_WIDTH = 760  # px; the A4 text width is ~680 px, so labels print near their nominal size


def _build_evidence(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in str(text or "").split(";") if p.strip()]
    shown = parts[:2]
    return {"shown": shown, "more": len(parts) - len(shown)}


def pool_files(items: list[SampleInFile]) -> Pooled:
    """A sample's calls pooled over the JSONs that hold it (`core.pool`: as the cohort step pools them)."""
    return pool_sources([source_calls(i) for i in items if i.entry is not None])


def parent_calls_from(items: list[SampleInFile], role: str, sample: str) -> ParentCalls:
    """A parent's pooled calls from its annotation JSONs."""
    pooled = pool_files(items)
    return ParentCalls(role, sample, pooled.findings, pooled.locus_called)


def build_context(
    items: list[SampleInFile],
    sample: str,
    kb: KnowledgeBase,
    lab: dict[str, Any],
    report_date: str,
    report_stamp: str,
    parents: list[ParentCalls] | None = None,
    parent_notes: list[str] | None = None,
    stored: StoredResult | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain data (no markup apart from the figures).

    `parents`: the calls of the parents the cohort's sample sheet names (they phase the
    sample's alleles exactly as in the cohort summary); `parent_notes`: why a named parent
    could not be used.
    """
    present = [i for i in items if i.entry is not None]
    pooled = pool_files(items)
    findings, coverage = pooled.findings, pooled.coverage
    # the cohort's interpretation when the summary gives it (made once, from the same files and
    # parents); without a cohort (`report NAME.il1rn.json --sample S`) the same function here
    result: SampleResult | StoredResult = stored or interpret_pooled(sample, pooled, parents or ())
    discordant = pooled.discordant
    first = present[0].doc
    prov = first["provenance"]
    build = str(prov.get("build"))
    refs = RefBook(kb)
    sources = {str(f.get("source")) for f in findings}

    inputs = []
    seen_inputs: set[tuple[str, str]] = set()
    for item in present:
        p = item.doc["provenance"]
        for inp in p.get("inputs") or []:
            key = (str(inp.get("path")), str(inp.get("fingerprint") or inp.get("sha256")))
            if key in seen_inputs:
                continue
            seen_inputs.add(key)
            inputs.append(
                {
                    "role": inp.get("role", ""),
                    "path": inp.get("path", ""),
                    "sha256": inp.get("sha256", ""),
                    # what names the input: its fingerprint (vcf.identity), else (older annotation
                    # files, other roles) its whole-file SHA-256
                    "identity": inp.get("fingerprint") or inp.get("sha256", ""),
                    "identity_parts": identity_phrases(inp),
                    "json": item.json_path,
                }
            )

    files = []
    warnings: list[str] = []
    for item in present:
        p, locus, entry = item.doc["provenance"], item.doc.get("locus") or {}, item.entry or {}
        called = entry.get("locus_called")
        files.append(
            {
                "json": item.json_path,
                "vcf": next((i.get("path") for i in p.get("inputs") or [] if i.get("role") == "vcf"), ""),
                "records": locus.get("records_read"),
                "gvcf": bool(
                    locus.get("gvcf") or locus.get("input_kind") == "gvcf"
                ),  # blocks seen, whatever the header
                "format": locus.get("format", ""),
                "locus_called": LOCUS_CALLED_TEXT.get(called, "unknown"),
                "evidence": coverage_evidence_text(coverage_of_sample(locus, entry)),
                "status": entry.get("dira_status", ""),
                "generated_at": p.get("generated_at", ""),
                "tool_version": p.get("tool_version", ""),
                "kb_version": p.get("knowledge_base_version", ""),
                "build": p.get("build", ""),
                "build_evidence": _build_evidence(p.get("build_evidence", "")),
            }
        )
        for w in p.get("warnings") or []:
            warnings.append(f"{Path(item.json_path).name}: {w}" if len(present) > 1 else str(w))
    warnings.extend(parent_notes or [])
    kb_versions = sorted({str(f["kb_version"]) for f in files})
    if kb_versions != [kb.version]:
        warnings.append(
            f"The annotation file(s) were made with knowledge base {', '.join(kb_versions)}; this "
            f"report uses knowledge base {kb.version} for clinical text. Classifications are those of "
            f"the annotation files: re-annotate with the current knowledge base before sign-off."
        )
    tool_versions = sorted({str(f["tool_version"]) for f in files})
    absent = [i.json_path for i in items if i.entry is None]

    finding_table = finding_rows(findings, kb, refs, len(sources) > 1)
    deletion_table = deletion_rows(findings, kb, build)
    fig_dels, fig_vars = figure_inputs(findings)
    cluster = exon = None
    if fig_dels:
        cluster = Markup(cluster_svg(kb, build, fig_dels, fig_vars, width=FIGURE_WIDTH))
    if findings:
        exon = Markup(exon_svg(kb, build, fig_vars, fig_dels, width=FIGURE_WIDTH))

    status = result.dira_status
    flagged = status in FLAGGED_STATUSES
    mendelian = [c for c in kb.conditions.values() if c.is_diagnostic]
    dira = kb.conditions.get("DIRA") or (mendelian[0] if mendelian else None)
    dira_view = condition_view(dira, refs) if (flagged and dira is not None) else None

    assoc_found = []
    for f in findings:
        if f.get("classification") != "association_polymorphism":
            continue
        known = kb.variants.get(f.get("known_variant") or "")
        conds = [kb.conditions[c] for c in f.get("conditions") or [] if c in kb.conditions]
        assoc_found.append(
            {
                "name": known.name if known and known.name else (f.get("vcf_id") or ""),
                "rsid": f.get("known_variant")
                if str(f.get("known_variant", "")).startswith("rs")
                else (f.get("vcf_id") if str(f.get("vcf_id", "")).startswith("rs") else ""),
                "hgvs": " ".join(x for x in (f.get("hgvs_c"), f.get("hgvs_p")) if x) or variant_cell(f)["genomic"],
                "zygosity": f.get("zygosity", ""),
                "note": f.get("classification_evidence") or "",
                "conditions": [c.name for c in conds],
                "refs": refs.cite(f.get("references") or []),
            }
        )
    # association conditions only where an allele typed in this sample bears on them
    typed_conditions = list(
        dict.fromkeys(
            c
            for f in findings
            if f.get("classification") == "association_polymorphism"
            for c in f.get("conditions") or []
        )
    )
    assoc_conditions = [
        condition_view(kb.conditions[c], refs)
        for c in typed_conditions
        if c in kb.conditions and not kb.conditions[c].is_diagnostic
    ]
    untyped = [
        {"id": v.id, "name": v.name or v.label, "note": v.note or "", "conditions": []}
        for v in kb.variants.values()
        if v.is_association and not v.typed_from_vcf
    ]
    reference_used = reference_sequence_text(present)
    population_methods, population_limit = population_texts([item.doc for item in present])
    region = next((v for v in kb.variants.values() if v.type == "region_deletion"), None)
    window = kb.screen_window.get(build)
    gvcf_any = any(f["gvcf"] for f in files)
    limits = [
        (
            "A deletion or duplication is seen only if the variant caller reported it. A VCF from a small-variant "
            "caller alone (e.g. GATK HaplotypeCaller, DeepVariant) does not show deletions of whole exons or of the "
            "2q13 region; those need a structural-variant or copy-number caller (e.g. Manta, DELLY, GATK gCNV)."
        ),
    ]
    for v in untyped:
        limits.append(f"{v['name']} ({v['id']}): {v['note']}")
    if region is not None:
        limits.append(
            "The published ~175 kb 2q13 deletion has approximate breakpoints. "
            + (region.note or "They are not given in the curated sources.")
            + " A called deletion is matched to it by reciprocal overlap of at least "
            + f"{RECIPROCAL_OVERLAP_MATCH}."
        )
    limits += [
        (
            "Variants absent from the knowledge base are classified by rules (docs/classification.md): loss of "
            "function is graded with the ClinGen SVI PVS1 decision tree (Abou Tayoun 2018) and only PVS1 at full "
            "strength makes a likely pathogenic allele; protein-altering changes are of uncertain significance; "
            "intronic, UTR and synonymous changes have no predicted effect (not a benign classification). No "
            + ("population, segregation" if population_limit == NO_POPULATION_DATA else "segregation")
            + " or functional data are used: this is not a full ACMG/AMP assessment and "
            "needs review by a clinical scientist."
        ),
        f"Reference sequence: {reference_used.rstrip('.')}.",  # its own sentence, before "Protein changes"
        "Protein changes: " + ((first.get("provenance") or {}).get("protein_changes") or "not recorded") + ".",
        population_limit,
        (
            f"Only the IL1RN locus is analysed ({first.get('locus', {}).get('contig', '')}:"
            f"{fmt_int(window[0]) if window else ''}-{fmt_int(window[1]) if window else ''}, {build}); other "
            "genes of autoinflammatory disease are not assessed."
        ),
    ]
    if not gvcf_any and (coverage is None or coverage.get("small_variants_assessed", True)):
        limits.append(
            "The input is a variant-only VCF: reference (no-variant) genotypes are not recorded, so the "
            "absence of a variant is evidence of absence only where the locus was covered; depth at "
            "the locus is not shown."
        )

    evidence = re.sub(r"\.\.(?=\s|$)", ".", result.evidence)  # "...2011.." from nested sentences
    report_id_src = json.dumps([sample, sorted(i["identity"] for i in inputs), kb.sha256, report_stamp])
    tx = kb.transcript(build)
    region_text = (
        f"{first.get('locus', {}).get('contig', '')}:{fmt_int(window[0])}-{fmt_int(window[1])}" if window else ""
    )
    return {
        "title": lab["report_title"],
        "lab": lab,
        "sample": sample,
        "report_date": report_date,
        "report_stamp": report_stamp,
        "report_id": hashlib.sha256(report_id_src.encode()).hexdigest()[:12].upper(),
        "tool": {"name": TOOL_NAME, "version": __version__, "annotation_versions": tool_versions},
        "kb": {
            "name": kb.name,
            "version": kb.version,
            "curation_date": kb.curation_date,
            "sha256": kb.sha256,
            "annotation_versions": kb_versions,
        },
        "build": build,
        "build_evidence": _build_evidence(prov.get("build_evidence", "")),
        "inputs": inputs,
        "files": files,
        "parents": [
            {"role": p.role, "sample": p.sample, "called": LOCUS_CALLED_TEXT[p.locus_called]} for p in parents or []
        ],
        "absent_from": absent,
        "status": {
            "code": status,
            "label": STATUS_LABELS.get(status, _words(status)),
            "sentence": result.status_sentence,
            "evidence": evidence,
            "flagged": flagged,
        },
        "per_file_status_differs": len(present) > 1,
        # the main table holds what bears on the result; benign and likely benign variants
        # (most of a genome's calls at the locus) follow in a compact table, as labs report them
        "findings": [r for r in finding_table if r["classification"] not in BENIGN_OR_NO_EFFECT],
        "benign_findings": [r for r in finding_table if r["classification"] in BENIGN_OR_NO_EFFECT],
        "deletions": deletion_table,
        "cluster_svg": cluster,
        "exon_svg": exon,
        "dira": dira_view,
        "assoc_found": assoc_found,
        "assoc_conditions": assoc_conditions,
        "untyped": untyped,
        "locus_called": LOCUS_CALLED_TEXT[result.locus_called],
        "coverage": coverage_view(coverage, kb, build, str(first.get("locus", {}).get("contig", ""))),
        "locus_records": sum(int(f["records"] or 0) for f in files),
        "gvcf_any": gvcf_any,
        "warnings": list(dict.fromkeys(warnings)),
        "limits": limits,
        "references": refs.listing(),
        "reference_sequence": reference_used,
        "population_data": population_methods,
        "evidence_alerts": evidence_alerts(finding_table),
        "recommendations": recommendations(findings, status),
        "transcript": {
            "refseq": tx.refseq,
            "ensembl": kb.transcript_info.get("ensembl", ""),
            "protein": kb.transcript_info.get("protein_refseq", ""),
        },
        "region": region_text,
        "pathogenic_count": sum(1 for f in findings if f.get("classification") in PATHOGENIC),
        "overlap_match": RECIPROCAL_OVERLAP_MATCH,
        "class_badge_colours": CLASS_BADGE_COLOURS,
        "discordant": discordant,
    }
