"""The cohort summary: one row per sample (status, alleles, evidence, errors), in work-list order.

`build_cohort` reads the manifests written by `annotate --keep-going --manifest`, the per-input
annotation JSONs they point to and (optionally) the lab's sample sheet, and returns a `Cohort`:
the rows of summary.tsv, the rows of alleles.tsv (`frequencies.py`), the counts and the
provenance. `write.py` writes it (and is the `il1rn-annot cohort` command); `html.py` draws the page.

Which samples, and which files each is read from: `sample_files.select_cohort_samples` (the
sheet decides for its samples and for the files it names). The rows are checked against that set
before anything is written: no sample can go missing silently.

One sample, several files. The files are read back by `outputs.read_inputs` and pooled by
`core.pool` (same call read twice dropped; locus called if any file says so, not called only if
all say not), and the sample is interpreted once, here, with `interpret.interpret_pooled`
(phased by its parents). The lab report shows this interpretation (its summary.tsv row)
instead of making its own.
Files of one sample on different builds make it an input_error (the report refuses them too).

Input errors. A sample is `input_error` when any of its files could not be read, was not
annotated, or does not hold the sample ("sample not in VCF header"). Whatever its readable
files show is still interpreted and given as `partial_status` (and in the sentence), so a
carrier or patient found in the SNV file is not hidden by a broken SV file; such samples are
also listed among the flagged samples of the HTML page.

Report links: with --reports-dir, flagged samples get `report` = the path of
`{reports_dir}/{safe_name(sample)}.report.html` relative to OUTDIR (the name `il1rn-annot report`
writes); without it the column is empty.

Sort order (`vocabulary.SORT_ORDER`): the work list first - consistent_with_DIRA, possible_DIRA,
carrier, uncertain_significance, input_error, not_assessable - and the negatives
(no_pathogenic_variant_detected) last, so that in a cohort of thousands nothing a reviewer
must act on (including an input to re-run) sits below the negatives. Within a status, by
sample ID (code-point order).

Memory and speed: one pass over each annotation JSON, dictionaries keyed by sample, no
pairwise work: linear in samples + findings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot import TOOL_NAME, __version__
from il1rn_annot.cohort.frequencies import AlleleCounts, counts_by_evidence, counts_by_status
from il1rn_annot.cohort.sample_files import SampleSources, select_cohort_samples
from il1rn_annot.core.coverage import evidence_key
from il1rn_annot.core.coverage import evidence_text as coverage_evidence_text
from il1rn_annot.core.interpret import interpret_pooled
from il1rn_annot.core.phase import ParentCalls
from il1rn_annot.core.pool import Pooled, SourceCalls, pool_sources
from il1rn_annot.core.vocabulary import FLAGGED, SORT_ORDER
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.naming import report_file_name
from il1rn_annot.outputs.provenance import generated_at
from il1rn_annot.outputs.read_inputs import AnnotatedInput, load_manifests

_RANK = {status: i for i, status in enumerate(SORT_ORDER)}


# ----------------------------------------------------------------------------------------
# one sample


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
        """Every file read, on one build: the calls can be interpreted, and can phase a child."""
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
        sources.append(
            SourceCalls(
                item.input, calls.findings, calls.locus_called, item.all_called, calls.coverage, calls.partial_records
            )
        )
        for f in calls.findings:
            build_of[id(f)] = item.build
        stored = calls.stored_status
        if item.build and item.build not in builds:
            builds.append(item.build)
    if len(builds) > 1:
        errors.append(
            f"the annotation files of this sample are on different genome builds ({', '.join(builds)}): "
            "annotate every VCF of a sample on the same build"
        )
    pooled = pool_sources(sources, compare=len(builds) <= 1)
    return PooledCalls(
        findings=pooled.findings,
        locus_called=pooled.locus_called,
        coverage=pooled.coverage,
        partial_records=pooled.partial_records,
        discordant=pooled.discordant,
        errors=errors,
        builds=builds,
        build_of=build_of,
        stored=stored,
        sources=len(sources),
    )


def parent_calls(
    sample: str, parents: dict[str, str], pooled: dict[str, PooledCalls], warnings: list[str]
) -> list[ParentCalls]:
    """The calls of a sample's parents that can phase it: readable, and on the child's build."""
    child = pooled[sample]
    out = []
    for role, parent in parents.items():
        calls = pooled.get(parent)
        if calls is None or not calls.usable:
            warnings.append(
                f"{sample}: the {role} {parent} could not be assessed, so those calls were not used "
                "to phase the sample's alleles"
            )
            continue
        if child.builds and calls.builds and calls.builds != child.builds:
            warnings.append(
                f"{sample}: the {role} {parent} was annotated on {calls.builds[0]}, the sample on "
                f"{child.builds[0]}: not used to phase"
            )
            continue
        out.append(ParentCalls(role, parent, calls.findings, calls.locus_called))
    return out


def summarise_sample(
    src: SampleSources,
    reports_dir: str,
    outdir: Path,
    pooled: PooledCalls | None = None,
    parents: dict[str, str] | None = None,
    parent_phase: list[ParentCalls] | None = None,
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
    drift = bool(
        result is not None
        and pooled.sources == 1
        and not errors
        and stored
        and not parent_phase
        and stored != result.dira_status
    )
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
    counted = (
        [(build_of[id(f)], f) for f in findings]
        if (status != "input_error" and row["locus_called"] is not False)
        else []
    )
    return row, counted, drift


# ----------------------------------------------------------------------------------------
# the cohort


@dataclass
class Cohort:
    """Everything the cohort files hold: the summary rows (sorted), the allele rows, the inputs
    read, the counts per status and by evidence, the provenance and its warnings, the builds."""

    rows: list[dict[str, Any]]
    alleles: list[dict[str, Any]]
    inputs: list[AnnotatedInput]
    counts: dict[str, int]
    provenance: dict[str, Any]
    warnings: list[str]
    builds: list[str]
    counts_by_evidence: dict[str, dict[str, int]] = field(default_factory=dict)


def build_cohort(
    manifests: list[str],
    sample_sheet: str | None,
    outdir: Path,
    reports_dir: str,
    kb: KnowledgeBase,
    date: str | None = None,
) -> Cohort:
    """Read the manifests (and the sheet), summarise every sample, count the alleles; nothing is
    written here (`write.write_cohort`). Raises RuntimeError when a sample went missing (a bug)."""
    inputs, manifest_records, warnings = load_manifests(manifests)
    selection = select_cohort_samples(inputs, sample_sheet, warnings)
    sources, parents_of = selection.sources, selection.parents_of
    rows: list[dict[str, Any]] = []
    allele_counts = AlleleCounts()
    drift = 0
    pooled = {sample: pool_sample(src) for sample, src in sources.items()}
    for sample in sources:
        parents = parents_of.get(sample, {})
        phase = parent_calls(sample, parents, pooled, warnings) if parents and pooled[sample].usable else []
        row, counted, changed = summarise_sample(sources[sample], reports_dir, outdir, pooled[sample], parents, phase)
        if row["discordant_calls"]:
            warnings.append(
                f"{sample}: the files of this sample disagree (possible sample swap; confirm the "
                "identity of each file before reporting): " + " | ".join(row["discordant_calls"])
            )
        drift += changed
        rows.append(row)
        allele_counts.add(row, counted)
    # every sample of the sheet and of every manifest input: none went missing
    expected = selection.expected
    if len(rows) != len(expected) or {r["sample"] for r in rows} != expected:
        missing = sorted(expected - {r["sample"] for r in rows})[:10]
        raise RuntimeError(
            f"cohort summary has {len(rows)} rows for {len(expected)} samples: a sample went "
            f"missing ({', '.join(missing) or 'duplicate rows'}); this is a bug"
        )
    if drift:
        warnings.append(
            f"{drift} sample(s) now interpret differently from their annotation JSON (annotated with "
            "another tool version?): re-run `annotate` for consistent per-sample reports"
        )
    rows.sort(key=lambda r: (_RANK[r["dira_status"]], r["sample"]))
    builds = allele_counts.builds
    alleles = allele_counts.allele_rows()
    counts = counts_by_status(rows)
    by_evidence = counts_by_evidence(rows)
    kb_versions = sorted({i.kb_version for i in inputs if i.kb_version})
    if any(v != kb.version for v in kb_versions):
        warnings.append(
            f"the annotations were classified with knowledge base {', '.join(kb_versions)}; "
            f"this summary was made with {kb.version} (classifications are taken from the annotations)"
        )
    if len(builds) > 1:
        warnings.append(f"the cohort mixes genome builds ({', '.join(builds)}): allele counts are per build")
    # the population AF beside the cohort's is only comparable across samples annotated with the same resources
    population = sorted({i.population_data for i in inputs if i.ok and i.population_data})
    clinvar = sorted({i.clinvar_data or "no ClinVar file given" for i in inputs if i.ok})
    for what, used in (("population data", population), ("ClinVar files", clinvar)):
        if len(used) > 1:
            warnings.append(
                f"the annotations used different {what} ({' | '.join(used)}): the population frequencies, criteria "
                "and ClinVar lines of different samples are not comparable; annotate them again with the same files"
            )
    unique_warnings = list(dict.fromkeys(warnings))
    provenance = {
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "knowledge_base_version": kb.version,
        "knowledge_base_sha256": kb.sha256,
        "annotation_knowledge_base_versions": kb_versions,
        "generated_at": generated_at(date),
        "builds": builds,
        "population_data": population,
        "clinvar_data": clinvar,
        "manifests": manifest_records,
        "sample_sheet": selection.sheet_record,
        "warnings": unique_warnings,
    }
    return Cohort(rows, alleles, inputs, counts, provenance, unique_warnings, builds, by_evidence)
