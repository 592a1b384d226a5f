"""Cohort summary: every sample's IL1RN status, allele frequencies and the flagged samples.

`il1rn-annot cohort --manifest M.json [M2.json ...] [--sample-sheet TSV] -o OUTDIR` reads the
manifests written by `annotate --keep-going --manifest`, the per-input annotation JSONs they
point to and (optionally) the lab's sample sheet, and writes into OUTDIR:

* `summary.tsv`  one row per sample (see `SUMMARY_COLUMNS`);
* `alleles.tsv`  one row per locus allele carried in the cohort (see `ALLELE_COLUMNS`);
* `summary.json` the same content plus per-input outcomes and provenance;
* `summary.html` a self-contained page (inline CSS and SVG, no script).

Design decisions:

Which samples. Every sample of the sample sheet, plus every sample of every manifest input
the sheet does not name (a joint VCF screened without listing its samples), including the
samples of inputs that failed. The row count is checked against that set before anything is
written: no sample can go missing silently. A failed input whose sample names could not be
read and which the sheet does not mention cannot produce a sample row; it is listed under
`inputs` (JSON and HTML) and in the warnings.

One sample, several files. Samples are identified by their ID. A sheet sample uses exactly
the files the sheet lists for it (the sheet is authoritative; the same ID in another input is
ignored with a warning); a sample outside the sheet uses every manifest input that holds it.
The files are read back by `outputs.read_back` and pooled by `core.pool` (same call read twice
dropped; locus called if any file says so, not called only if all say not), and the sample is
interpreted once, here, with `interpret.interpret_pooled` (phased by its parents). The lab
report shows this interpretation (its summary.tsv row) instead of making its own.
Files of one sample on different builds make it an input_error (the report refuses them too).
In alleles.tsv a sample counts once per allele even if two of its files report it.

Input errors. A sample is `input_error` when any of its files could not be read, was not
annotated, or does not hold the sample ("sample not in VCF header"). Whatever its readable
files show is still interpreted and given as `partial_status` (and in the sentence), so a
carrier or patient found in the SNV file is not hidden by a broken SV file; such samples are
also listed among the flagged samples of the HTML page.

Report links: with --reports-dir, flagged samples get `report` = the path of
`{reports_dir}/{safe_name(sample)}.report.html` relative to OUTDIR (the name `il1rn-annot report`
writes); without it the column is empty.

The sample sheet is read by the workflow's reader (`workflow.samplesheet.read_sample_sheet`,
without checking that the files are visible from here): one reading of a sheet, one `SheetRow`.
Sheet paths are matched to manifest inputs by path (from the working folder or the sheet's
folder, symlinks resolved), else by file name when the content (SHA-256) is the same; see
`InputIndex.find`. A sheet file found in no manifest makes its sample an input_error.

Sort order (`vocabulary.SORT_ORDER`): the work list first - consistent_with_DIRA, possible_DIRA,
carrier, uncertain_significance, input_error, not_assessable - and the negatives
(no_pathogenic_variant_detected) last, so that in a cohort of thousands nothing a reviewer
must act on (including an input to re-run) sits below the negatives. Within a status, by
sample ID (code-point order).

Allele frequencies. allele_number = 2 x samples with the locus called; a sample counts as
called when its locus_called is yes, or unknown: a variant-only single-sample VCF with no
record at the locus cannot show coverage, and is taken as homozygous reference (the usual
"absent = reference" reading of variant-only VCFs; gVCFs and joint VCFs answer the question
themselves). Samples with locus_called = no (no genotype at any locus record, a gVCF whose
confident calls cover too little of the CDS: coverage.py) and input_error samples are left out
of allele_number and of the counts.
call_rate = samples counted in allele_number / all samples. The negatives and not-assessable
samples are also counted by what their inputs show about the locus (`counts_by_evidence`): a
gVCF negative and a variant-only negative are not the same evidence. Cohorts mixing GRCh37 and GRCh38
inputs are counted per build (alleles are keyed by build and allele_id).

Memory and speed: one pass over each annotation JSON, dictionaries keyed by sample and
allele, no pairwise work: linear in samples + findings.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot import TOOL_NAME

from il1rn_annot import __version__
from il1rn_annot.core.interpret import LOCUS_CALLED_TEXT, ParentCalls, allele_label, interpret_pooled
from il1rn_annot.core.coverage import EVIDENCE_KEYS, evidence_key, evidence_text as coverage_evidence_text
from il1rn_annot.core.pool import Pooled, SourceCalls, pool_sources
from il1rn_annot.core.vocabulary import (ALLELE_COPIES, BENIGN_OR_NO_EFFECT, CLASS_COLOURS, DELETION_TYPES,
                                         EVIDENCE_SPLIT, FLAGGED, NEEDS_ATTENTION, PATHOGENIC, SORT_ORDER,
                                         STATUS_COLOURS, class_colour)
from il1rn_annot.outputs.read_back import sha256_file
from il1rn_annot.outputs.read_inputs import AnnotatedInput, InputIndex, load_manifests
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.figures import cluster_svg
from il1rn_annot.outputs.provenance import generated_at
from il1rn_annot.outputs.naming import safe_name as report_safe_name
from il1rn_annot.runtime import cyclic_gc_paused
from il1rn_annot.workflow.samplesheet import parents_of as sheet_parents, read_sample_sheet
from il1rn_annot.outputs.atomic import write_text
from il1rn_annot.outputs.json_file import write_json
from il1rn_annot.outputs.tables import write_table

SCHEMA_VERSION = "1.0"
_ALLELE_COUNTS = ("carriers", "homozygotes", "allele_count", "called_samples")
_RANK = {status: i for i, status in enumerate(SORT_ORDER)}

SUMMARY_COLUMNS = ["sample", "dira_status", "status_sentence", "pathogenic_alleles", "other_alleles", "evidence",
                   "inputs", "locus_called", "build", "error", "partial_status", "report", "mother", "father",
                   "locus_evidence", "cds_coverage", "discordant_calls"]
ALLELE_COLUMNS = ["build", "allele_id", "chrom", "pos", "end", "ref", "alt", "variant_type", "gene", "hgvs_c",
                  "hgvs_p", "consequence", "classification", "known_variant", "carriers", "heterozygotes",
                  "homozygotes", "hemizygotes", "allele_count", "allele_number", "allele_frequency",
                  "carrier_frequency", "call_rate"]

FULL_TABLE_MAX = 2000  # above this many samples the HTML lists only samples needing attention
ATTENTION_MAX = 2000  # ... and at most this many of them
FLAGGED_MAX = 5000  # flagged samples listed in the HTML (all are in summary.tsv)
CHART_ALLELES_MAX = 40  # bars in the carrier-frequency chart
SMALL_INDEL_MAX = 50  # an explicit deletion of >= 50 bp is drawn as a deletion (annotate.SMALL_INDEL_MAX)
_CALLED_TEXT = LOCUS_CALLED_TEXT


# ----------------------------------------------------------------------------------------
# inputs


# ----------------------------------------------------------------------------------------
# per-sample combination


def safe_name(sample: str) -> str:
    """The report's file-name stem (`naming.safe_name`: one rule for the workflow, the reports and this page)."""
    return report_safe_name(sample)


def report_file_name(sample: str) -> str:
    """`{safe}.report.html`, as `il1rn-annot report` writes it."""
    return f"{safe_name(sample)}.report.html"


def _is_deletion(f: dict[str, Any]) -> bool:
    if f.get("variant_type") in DELETION_TYPES:
        return True
    return f.get("variant_type") == "deletion" and int(f.get("end", 0)) - int(f.get("pos", 0)) >= SMALL_INDEL_MAX


@dataclass
class SampleSources:
    sample: str
    inputs: list[AnnotatedInput] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # sheet paths found in no manifest
    in_sheet: bool = False


@dataclass(kw_only=True)
class PooledCalls(Pooled):
    """A sample's calls from all of its inputs (`core.pool.Pooled`), before interpretation, with
    what the cohort needs besides: why an input could not be used, and the builds."""

    errors: list[str]
    builds: list[str]
    build_of: dict[int, str]  # id(finding) -> build of its input
    stored: str  # the status stored in the (last) annotation JSON
    sources: int

    @property
    def usable(self) -> bool:
        return not self.errors and self.sources > 0 and len(self.builds) <= 1


def pool_sample(src: SampleSources) -> PooledCalls:
    """Gather one sample's findings from its inputs (`core.pool`), with the reasons any input
    could not be used."""
    errors = [f"{vcf}: not found in any manifest (was it annotated?)" for vcf in src.unmatched]
    sources: list[SourceCalls] = []
    builds: list[str] = []
    build_of: dict[int, str] = {}
    stored = ""
    for item in src.inputs:
        if not item.ok:
            absent = " (and the sample is not in its header)" if item.samples and src.sample not in item.samples else ""
            reason = item.error if item.error.startswith(item.input) else f"{item.input}: {item.error}"
            errors.append(f"{reason}{absent}")
            continue
        calls = item.calls.get(src.sample)
        if calls is None:
            errors.append(f"{item.input}: sample not in VCF header")
            continue
        sources.append(SourceCalls(item.input, calls.findings, calls.locus_called, item.all_called,
                                   calls.coverage, calls.partial_records))
        for f in calls.findings:
            build_of[id(f)] = item.build
        stored = calls.stored_status
        if item.build and item.build not in builds:
            builds.append(item.build)
    if len(builds) > 1:
        errors.append(f"the annotation files of this sample are on different genome builds ({', '.join(builds)}): "
                      "annotate every VCF of a sample on the same build")
    pooled = pool_sources(sources, compare=len(builds) <= 1)
    return PooledCalls(findings=pooled.findings, locus_called=pooled.locus_called, coverage=pooled.coverage,
                       partial_records=pooled.partial_records, discordant=pooled.discordant, errors=errors,
                       builds=builds, build_of=build_of, stored=stored, sources=len(sources))


def parent_calls(sample: str, parents: dict[str, str], pooled: dict[str, PooledCalls],
                 warnings: list[str]) -> list[ParentCalls]:
    """The calls of a sample's parents that can phase it: readable, and on the child's build."""
    child = pooled[sample]
    out = []
    for role, parent in parents.items():
        calls = pooled.get(parent)
        if calls is None or not calls.usable:
            warnings.append(f"{sample}: the {role} {parent} could not be assessed, so those calls were not used "
                            "to phase the sample's alleles")
            continue
        if child.builds and calls.builds and calls.builds != child.builds:
            warnings.append(f"{sample}: the {role} {parent} was annotated on {calls.builds[0]}, the sample on "
                            f"{child.builds[0]}: not used to phase")
            continue
        out.append(ParentCalls(role, parent, calls.findings, calls.locus_called))
    return out


def summarise_sample(src: SampleSources, reports_dir: str, outdir: Path, pooled: PooledCalls | None = None,
                     parents: dict[str, str] | None = None, parent_phase: list[ParentCalls] | None = None
                     ) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], bool]:
    """The summary row, the (build, finding) pairs counted for allele frequencies, and whether the
    status differs from the one stored in a single annotation JSON (version drift).

    `parents` as the sample sheet names them; `parent_phase` their usable calls (`parent_calls`).
    """
    pooled = pooled if pooled is not None else pool_sample(src)
    errors = list(pooled.errors)
    builds, build_of, stored = pooled.builds, pooled.build_of, pooled.stored
    result = None
    findings: list[dict[str, Any]] = []
    if pooled.sources and len(builds) <= 1:
        findings = pooled.findings
        result = interpret_pooled(src.sample, pooled, parent_phase or ())
    # a single JSON's stored status is what this interpretation gives, unless the tool changed
    # (or the parents phased the sample, which the per-file annotation could not)
    drift = bool(result is not None and pooled.sources == 1 and not errors and stored and not parent_phase
                 and stored != result.dira_status)
    if errors:
        status = "input_error"
        sentence = "Input error: the sample could not be assessed from all of its inputs."
        if result is not None:
            sentence += f" From the readable input(s) only: {result.status_sentence}"
        else:
            sentence += " No readable input holds this sample."
    else:
        assert result is not None
        status, sentence = result.dira_status, result.status_sentence
    row = {
        "sample": src.sample,
        "dira_status": status,
        "status_sentence": sentence,
        "pathogenic_alleles": list(result.pathogenic_alleles) if result else [],
        "other_alleles": list(result.other_alleles) if result else [],
        "evidence": result.evidence if result else "",
        "inputs": [i.input for i in src.inputs] + list(src.unmatched),
        "locus_called": result.locus_called if result else None,
        "locus_evidence": coverage_evidence_text(pooled.coverage) if result else "",
        "cds_coverage": (pooled.coverage or {}).get("cds_fraction") if result else None,
        "evidence_key": evidence_key(pooled.coverage) if result else "",
        "build": builds,
        "error": errors,
        "partial_status": result.dira_status if (errors and result is not None) else "",
        "report": "",
        "mother": (parents or {}).get("mother", ""),
        "father": (parents or {}).get("father", ""),
        "discordant_calls": list(pooled.discordant),
    }
    if status in FLAGGED and reports_dir:
        target = Path(reports_dir) / report_file_name(src.sample)
        row["report"] = Path(os.path.relpath(os.path.abspath(target), os.path.abspath(outdir))).as_posix()
    counted = [(build_of[id(f)], f) for f in findings] \
        if (status != "input_error" and row["locus_called"] is not False) else []
    return row, counted, drift


# ----------------------------------------------------------------------------------------
# the cohort


@dataclass
class Cohort:
    rows: list[dict[str, Any]]
    alleles: list[dict[str, Any]]
    inputs: list[AnnotatedInput]
    counts: dict[str, int]
    provenance: dict[str, Any]
    warnings: list[str]
    builds: list[str]
    deletions: dict[str, list[dict[str, Any]]]
    variants: dict[str, list[dict[str, Any]]]
    counts_by_evidence: dict[str, dict[str, int]] = field(default_factory=dict)


def build_cohort(manifests: list[str], sample_sheet: str | None, outdir: Path, reports_dir: str,
                 kb: KnowledgeBase, date: str | None = None) -> Cohort:
    inputs, manifest_records, warnings = load_manifests(manifests)
    index = InputIndex(inputs)
    sources: dict[str, SampleSources] = {}
    sheet_record = None
    sheet_samples: list[str] = []
    named_by_sheet: set[int] = set()  # inputs the sheet names: only its listed samples are screened
    parents_of: dict[str, dict[str, str]] = {}
    if sample_sheet:
        # the workflow's reader (one reading of a sheet); the files need not be visible from here
        sheet_rows = read_sample_sheet(sample_sheet, check_files=False)
        for sheet_row in sheet_rows:
            if sheet_parents(sheet_row):
                parents_of[sheet_row.sample] = sheet_parents(sheet_row)
        sheet_samples = [sheet_row.sample for sheet_row in sheet_rows]
        sheet_record = {"path": sample_sheet, "sha256": sha256_file(Path(sample_sheet)), "rows": len(sheet_rows)}
        sheet_dir = Path(sample_sheet).resolve().parent
        for sheet_row in sheet_rows:
            src = sources.setdefault(sheet_row.sample, SampleSources(sheet_row.sample, in_sheet=True))
            item = index.find(sheet_row.vcf, sheet_dir, warnings)
            if item is not None:
                named_by_sheet.add(id(item))
            if item is None:
                src.unmatched.append(sheet_row.vcf)
            elif item not in src.inputs:
                src.inputs.append(item)
                item.used = True
    ignored: list[str] = []
    unlisted = 0
    for item in inputs:
        for sample in item.samples:
            src = sources.get(sample)
            if src is None and id(item) in named_by_sheet:
                unlisted += 1  # consent: a joint VCF named by the sheet is screened for the listed samples only
                continue
            if src is None:
                src = sources[sample] = SampleSources(sample)
            if src.in_sheet:
                if item not in src.inputs:
                    ignored.append(f"{sample} in {item.input}")
                continue
            src.inputs.append(item)
            item.used = True
    if ignored:
        warnings.append(f"{len(ignored)} sample(s) of the sample sheet are also in inputs the sheet does not list "
                        "for them; those calls were not used (the sheet decides which files hold a sample): "
                        + "; ".join(ignored[:10]) + (" ..." if len(ignored) > 10 else ""))
    if unlisted:
        warnings.append(f"{unlisted} sample(s) of files named in the sample sheet are not listed in it and were not "
                        "summarised (the sheet decides which samples are screened; list them, or screen the whole "
                        "file with screen_vcfs)")
    orphans = [i for i in inputs if not i.ok and not i.samples and not i.used]
    for item in orphans:
        warnings.append(f"{item.input} could not be read and its sample names are unknown, so none of its "
                        f"samples can be listed: {item.error}")

    rows: list[dict[str, Any]] = []
    allele_stats: dict[tuple[str, str], dict[str, Any]] = {}
    called_per_build: Counter[str] = Counter()
    total_per_build: Counter[str] = Counter()
    no_build = 0
    drift = 0
    pooled = {sample: pool_sample(src) for sample, src in sources.items()}
    for sample in sources:
        parents = parents_of.get(sample, {})
        phase = parent_calls(sample, parents, pooled, warnings) if parents and pooled[sample].usable else []
        row, counted, changed = summarise_sample(sources[sample], reports_dir, outdir, pooled[sample], parents, phase)
        if row["discordant_calls"]:
            warnings.append(f"{sample}: the files of this sample disagree (possible sample swap; confirm the "
                            "identity of each file before reporting): " + " | ".join(row["discordant_calls"]))
        drift += changed
        rows.append(row)
        row_builds = row["build"] or []
        if not row_builds:
            no_build += 1
        for build in row_builds:
            total_per_build[build] += 1
        if row["dira_status"] == "input_error" or row["locus_called"] is False:
            continue
        for build in row_builds:
            called_per_build[build] += 1
        per_allele: dict[tuple[str, str], dict[str, Any]] = {}
        for build, f in counted:  # one sample counts once per allele (two callers, one allele)
            key = (build, f["allele_id"])
            kept = per_allele.get(key)
            if kept is None or ALLELE_COPIES.get(f["zygosity"], 1) > ALLELE_COPIES.get(kept["zygosity"], 1):
                per_allele[key] = f
        for key, f in per_allele.items():
            stats = allele_stats.get(key)
            if stats is None:
                stats = allele_stats[key] = {"f": f, "carriers": 0, "heterozygotes": 0, "homozygotes": 0,
                                             "hemizygotes": 0, "allele_count": 0}
            zyg = f["zygosity"]
            stats["carriers"] += 1
            stats["homozygotes"] += zyg == "homozygous"
            stats["hemizygotes"] += zyg == "hemizygous"
            stats["heterozygotes"] += zyg in ("heterozygous", "partial")
            stats["allele_count"] += 2 if zyg == "homozygous" else 1
    # every sample of the sheet and of every manifest input, counted independently of `sources`
    expected = set(sheet_samples) | {s for item in inputs if id(item) not in named_by_sheet for s in item.samples}
    if len(rows) != len(expected) or {r["sample"] for r in rows} != expected:
        missing = sorted(expected - {r["sample"] for r in rows})[:10]
        raise RuntimeError(f"cohort summary has {len(rows)} rows for {len(expected)} samples: a sample went "
                           f"missing ({', '.join(missing) or 'duplicate rows'}); this is a bug")
    if drift:
        warnings.append(f"{drift} sample(s) now interpret differently from their annotation JSON (annotated with "
                        "another tool version?): re-run `annotate` for consistent per-sample reports")
    rows.sort(key=lambda r: (_RANK[r["dira_status"]], r["sample"]))
    builds = sorted(set(total_per_build))
    alleles = []
    for (build, allele_id), stats in sorted(allele_stats.items(), key=lambda kv: _allele_sort(kv[0][0], kv[1]["f"])):
        f = stats["f"]
        an = 2 * called_per_build[build]
        total = total_per_build[build] + no_build
        alleles.append({
            "build": build, "allele_id": allele_id, "chrom": f["chrom"], "pos": f["pos"], "end": f["end"],
            "ref": f["ref"], "alt": f["alt"], "variant_type": f["variant_type"], "gene": f.get("gene", ""),
            "hgvs_c": f.get("hgvs_c", ""), "hgvs_p": f.get("hgvs_p", ""), "consequence": list(f.get("consequence", [])),
            "classification": f["classification"], "known_variant": f.get("known_variant", ""),
            "label": allele_label(f),
            "carriers": stats["carriers"], "heterozygotes": stats["heterozygotes"],
            "homozygotes": stats["homozygotes"], "hemizygotes": stats["hemizygotes"],
            "allele_count": stats["allele_count"], "allele_number": an,
            "allele_frequency": _ratio(stats["allele_count"], an),
            "carrier_frequency": _ratio(stats["carriers"], an // 2),
            "call_rate": _ratio(called_per_build[build], total),
        })
    deletions, variants = _figure_inputs(allele_stats)
    counts = {status: 0 for status in SORT_ORDER}
    for row in rows:
        counts[row["dira_status"]] += 1
    by_evidence = counts_by_evidence(rows)
    kb_versions = sorted({i.kb_version for i in inputs if i.kb_version})
    if any(v != kb.version for v in kb_versions):
        warnings.append(f"the annotations were classified with knowledge base {', '.join(kb_versions)}; "
                        f"this summary was made with {kb.version} (classifications are taken from the annotations)")
    if len(builds) > 1:
        warnings.append(f"the cohort mixes genome builds ({', '.join(builds)}): allele counts are per build")
    provenance = {
        "tool": TOOL_NAME, "tool_version": __version__, "knowledge_base_version": kb.version,
        "knowledge_base_sha256": kb.sha256, "annotation_knowledge_base_versions": kb_versions,
        "generated_at": generated_at(date), "builds": builds, "manifests": manifest_records,
        "sample_sheet": sheet_record, "warnings": list(dict.fromkeys(warnings)),
    }
    return Cohort(rows, alleles, inputs, counts, provenance, provenance["warnings"], builds, deletions, variants,
                  by_evidence)


def counts_by_evidence(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Negatives and not-assessable samples counted by what their inputs show about the locus.

    "no pathogenic variant" from a gVCF whose CDS was confidently called and from a
    variant-only VCF (reference calls not recorded) are different strengths of evidence;
    a cohort count that merges them overstates the negatives.
    """
    out: dict[str, dict[str, int]] = {status: {} for status in EVIDENCE_SPLIT}
    for row in rows:
        if row["dira_status"] in out and row.get("evidence_key"):
            key = row["evidence_key"]
            if row["dira_status"] == "not_assessable" and row["locus_called"] is False and key not in (
                    "gvcf_not_covered", "structural_only", "no_chr2_calls"):
                key = "no_genotype"
            out[row["dira_status"]][key] = out[row["dira_status"]].get(key, 0) + 1
    return {status: dict(sorted(keys.items())) for status, keys in out.items()}


def _allele_sort(build: str, f: dict[str, Any]) -> tuple[Any, ...]:
    return (build, str(f["chrom"]), int(f["pos"]), int(f["end"]), f["allele_id"])


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _figure_inputs(allele_stats: dict[tuple[str, str], dict[str, Any]]) -> tuple[dict[str, list[dict[str, Any]]],
                                                                                  dict[str, list[dict[str, Any]]]]:
    """Deletions (one entry per allele and zygosity) and small variants carried, per build."""
    deletions: dict[str, list[dict[str, Any]]] = {}
    variants: dict[str, list[dict[str, Any]]] = {}
    for (build, _), stats in sorted(allele_stats.items(), key=lambda kv: _allele_sort(kv[0][0], kv[1]["f"])):
        f = stats["f"]
        if _is_deletion(f):
            hom = stats["homozygotes"]
            het = stats["carriers"] - hom
            label = f.get("hgvs_c") or f"deletion {f['chrom']}:{int(f['pos']) + 1:,}-{int(f['end']):,}"
            for zygosity, n in (("homozygous", hom), ("heterozygous", het)):
                if n:
                    deletions.setdefault(build, []).append({
                        "start": int(f["pos"]) + 1, "end": int(f["end"]), "zygosity": zygosity,
                        "label": f"{label}: {n} carrier{'s' if n > 1 else ''}"})
        else:
            label = f.get("hgvs_c") or f"{f['chrom']}:{f['pos']} {f['ref'][:6]}>{f['alt'][:6]}"
            if f.get("hgvs_p") and f["hgvs_p"] != "p.?":
                label += f" {f['hgvs_p']}"
            variants.setdefault(build, []).append({"pos": int(f["pos"]), "label": f"{label}: {stats['carriers']} "
                                                   f"carrier{'s' if stats['carriers'] > 1 else ''}",
                                                   "classification": f["classification"]})
    return deletions, variants


# ----------------------------------------------------------------------------------------
# writing


def _join(values: list[str] | str, sep: str = "; ") -> str:
    return values if isinstance(values, str) else sep.join(values)


def tsv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        out.append({**r, "pathogenic_alleles": _join(r["pathogenic_alleles"]),
                    "other_alleles": _join(r["other_alleles"]), "inputs": _join(r["inputs"], ";"),
                    "build": _join(r["build"], ";"), "error": _join(r["error"], " | "),
                    "discordant_calls": _join(r["discordant_calls"], " | "),
                    "locus_called": _CALLED_TEXT[r["locus_called"]],
                    "cds_coverage": "" if r.get("cds_coverage") is None else f"{r['cds_coverage']:.4f}"})
    return out


def allele_tsv_rows(alleles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ratios = ("allele_frequency", "carrier_frequency", "call_rate")
    return [{**a, "consequence": "&".join(a["consequence"]),
             **{k: "" if a[k] is None else f"{a[k]:.6f}" for k in ratios}} for a in alleles]


def write_cohort(cohort: Cohort, kb: KnowledgeBase, outdir: Path) -> dict[str, Path]:
    out = {"tsv": outdir / "summary.tsv", "alleles": outdir / "alleles.tsv", "json": outdir / "summary.json",
           "html": outdir / "summary.html"}
    html = render_html(cohort, kb)
    write_table(out["tsv"], tsv_rows(cohort.rows), SUMMARY_COLUMNS)
    write_table(out["alleles"], allele_tsv_rows(cohort.alleles), ALLELE_COLUMNS)
    write_json(out["json"], {
        "schema_version": SCHEMA_VERSION,
        "provenance": cohort.provenance,
        "sort_order": list(SORT_ORDER),
        "n_samples": len(cohort.rows),
        "counts": cohort.counts,
        "counts_by_evidence": cohort.counts_by_evidence,
        "evidence_keys": {**EVIDENCE_KEYS, "no_genotype": "no called genotype at any locus record"},
        "samples": cohort.rows,
        "alleles": cohort.alleles,
        "inputs": [i.summary() for i in cohort.inputs],
    }, one_line_lists=("samples", "alleles", "inputs"))  # the C encoder, a line per item: 1,000s of samples
    write_text(out["html"], html)
    return out


# ----------------------------------------------------------------------------------------
# HTML


def _bar_chart(items: list[tuple[str, float, str, str]], width: int = 760, row: int = 22,
               label_width: int = 300) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: items are (label, value, value text, colour)."""
    top = max((v for _, v, _, _ in items), default=0) or 1
    plot = width - label_width - 80
    bars = [{"label": label, "text": text, "colour": colour, "y": i * row, "w": round(plot * value / top, 1),
             "x": label_width} for i, (label, value, text, colour) in enumerate(items)]
    return {"width": width, "height": max(row * len(items), row), "bars": bars, "row": row,
            "label_width": label_width}


def _short_label(a: dict[str, Any], limit: int = 34) -> str:
    if a["hgvs_c"]:
        text = a["hgvs_c"]
    elif _is_deletion(a):
        text = f"del {a['chrom']}:{int(a['pos']) + 1:,}-{int(a['end']):,}"
    else:
        text = f"{a['chrom']}:{a['pos']} {a['ref']}>{a['alt']}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if value == 0:
        return "0"
    return f"{value:.4g}"


def cluster_figure(kb: KnowledgeBase, build: str, deletions: list[dict[str, Any]],
                   variants: list[dict[str, Any]]) -> str:
    """The IL-1 cluster with the cohort's deletions and variants: the lab report's drawing
    (`figures.cluster_svg`, which escapes its own labels), at the page's width."""
    return cluster_svg(kb, build, deletions=deletions, variants=variants, width=900)


#: the end of `interpret_sample`'s other_alleles labels ("LABEL (ZYGOSITY; CLASSIFICATION)") of the
#: classes that do not bear on the result
_BENIGN_SUFFIXES = tuple(f"; {classification})" for classification in BENIGN_OR_NO_EFFECT)


def _other_alleles_view(labels: list[str]) -> dict[str, list[str]]:
    """A sample's non-P/LP alleles split for the page: uncertain and association ones shown,
    benign and likely benign ones (most of a genome's calls) folded away under a count.

    summary.tsv keeps the full list in one column; on the page a row of 20 benign SNVs hid the
    one uncertain allele that gave the sample its status.
    """
    benign = [label for label in labels if label.endswith(_BENIGN_SUFFIXES)]
    return {"other_notable": [label for label in labels if not label.endswith(_BENIGN_SUFFIXES)],
            "other_benign": benign}


def render_html(cohort: Cohort, kb: KnowledgeBase) -> str:
    from markupsafe import Markup

    from il1rn_annot.outputs.html import render, words

    rows = cohort.rows
    n = len(rows)
    flagged = [r for r in rows if r["dira_status"] in FLAGGED or r["partial_status"] in FLAGGED]
    if n <= FULL_TABLE_MAX:
        listed, collapsed = rows, False
    else:
        listed, collapsed = [r for r in rows if r["dira_status"] in NEEDS_ATTENTION][:ATTENTION_MAX], True
    listed = [{**r, **_other_alleles_view(r["other_alleles"])} for r in listed]
    status_chart = _bar_chart([(words(s), cohort.counts[s], f"{cohort.counts[s]:,}", STATUS_COLOURS[s])
                               for s in SORT_ORDER])
    by_cf = sorted(cohort.alleles, key=lambda a: (-(a["carrier_frequency"] or 0), a["build"], a["pos"], a["allele_id"]))
    chart_alleles = by_cf[:CHART_ALLELES_MAX]
    cf_chart = _bar_chart([(_short_label(a) + (f" [{a['build']}]" if len(cohort.builds) > 1 else ""),
                            a["carrier_frequency"] or 0, _fmt(a["carrier_frequency"]),
                            class_colour(a["classification"])) for a in chart_alleles])
    figures = []
    for build in cohort.builds:
        dels, vars_ = cohort.deletions.get(build, []), cohort.variants.get(build, [])
        figures.append({"build": build, "n_deletions": len(dels),
                        "svg": Markup(cluster_figure(kb, build, dels, vars_))})
    failed_inputs = [i.summary() for i in cohort.inputs if not i.ok]
    return render(
        "cohort.html.j2",
        n=n, rows=listed, collapsed=collapsed, full_table_max=FULL_TABLE_MAX, attention_max=ATTENTION_MAX,
        flagged=flagged[:FLAGGED_MAX], n_flagged=len(flagged), flagged_max=FLAGGED_MAX,
        counts=cohort.counts, counts_by_evidence=cohort.counts_by_evidence,
        evidence_keys={**EVIDENCE_KEYS, "no_genotype": "no called genotype at any locus record"}, sort_order=SORT_ORDER, status_colours=STATUS_COLOURS, status_chart=status_chart,
        alleles=[{**a, "af": _fmt(a["allele_frequency"]), "cf": _fmt(a["carrier_frequency"]),
                  "cr": _fmt(a["call_rate"]), "pathogenic": a["classification"] in PATHOGENIC} for a in cohort.alleles],
        cf_chart=cf_chart, n_alleles=len(cohort.alleles), chart_alleles_max=CHART_ALLELES_MAX,
        class_colours=CLASS_COLOURS, figures=figures, builds=cohort.builds, multi_build=len(cohort.builds) > 1,
        inputs_total=len(cohort.inputs), failed_inputs=failed_inputs, prov=cohort.provenance,
        warnings=list(dict.fromkeys(cohort.warnings)), called_text=_CALLED_TEXT,
        with_parents=any(r["mother"] or r["father"] for r in rows),
    )


# ----------------------------------------------------------------------------------------
# command


def cohort_main(args: Any, kb: KnowledgeBase) -> int:
    outdir = Path(args.outdir)
    with cyclic_gc_paused():  # 1,000s of annotation JSONs: see runtime.py
        cohort = build_cohort(list(args.manifest), getattr(args, "sample_sheet", None), outdir,
                              getattr(args, "reports_dir", "") or "", kb, getattr(args, "date", None))
        write_cohort(cohort, kb, outdir)
    for warning in cohort.warnings:
        print(f"{TOOL_NAME}: warning: {warning}", file=sys.stderr)
    flagged = sum(cohort.counts[s] for s in FLAGGED)
    print(f"{TOOL_NAME}: cohort: {len(cohort.rows)} samples, {flagged} flagged, "
          f"{cohort.counts['input_error']} input error(s) -> {outdir}", file=sys.stderr)
    return 0
