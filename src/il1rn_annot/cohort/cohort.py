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
The findings of all its files are pooled exactly as `il1rn-annot report` pools them (same
call read twice dropped; locus called if any file says so, not called only if all say not)
and re-interpreted with `interpret_sample`, so the summary and the sample's report agree.
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

Sheet paths are matched to manifest inputs by path (from the working folder or the sheet's
folder, symlinks resolved), else by file name when the content (SHA-256) is the same; see
`InputIndex.find`. A sheet file found in no manifest makes its sample an input_error.

Sort order (`SORT_ORDER`): the work list first - consistent_with_DIRA, possible_DIRA, carrier,
uncertain_significance, input_error, not_assessable - and the negatives
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

import csv
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot import TOOL_NAME

from il1rn_annot import __version__
from il1rn_annot.vcf.vcf_input import sha256_of
from il1rn_annot.errors import InputError
from il1rn_annot.core.interpret import (FLAGGED, LOCUS_CALLED_TEXT, PATHOGENIC, STATUSES, ParentCalls, allele_label,
                        interpret_sample)
from il1rn_annot.core.coverage import (EVIDENCE_KEYS, evidence_key, evidence_text as coverage_evidence_text, of_sample as coverage_of_sample,
                       pool as pool_coverage)
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.provenance import generated_at
from il1rn_annot.outputs.naming import input_stem, safe_name as report_safe_name
from il1rn_annot.runtime import cyclic_gc_paused
from il1rn_annot.workflow.samplesheet import NO_PARENT, PARENT_COLUMNS
from il1rn_annot.outputs.atomic import write_text
from il1rn_annot.outputs.json_file import write_json
from il1rn_annot.outputs.tables import write_table

SCHEMA_VERSION = "1.0"
ANNOTATION_SCHEMA = "1.0"  # the annotation JSON schema this module reads
_ALLELE_COUNTS = ("carriers", "homozygotes", "allele_count", "called_samples")
SORT_ORDER = ("consistent_with_DIRA", "possible_DIRA", "carrier", "uncertain_significance", "input_error",
              "not_assessable", "no_pathogenic_variant_detected")
assert set(SORT_ORDER) == set(STATUSES)
_RANK = {status: i for i, status in enumerate(SORT_ORDER)}

SUMMARY_COLUMNS = ["sample", "dira_status", "status_sentence", "pathogenic_alleles", "other_alleles", "evidence",
                   "inputs", "locus_called", "build", "error", "partial_status", "report", "mother", "father",
                   "locus_evidence", "cds_coverage", "discordant_calls"]
#: statuses whose count is split by what the inputs show about the locus (`counts_by_evidence`)
EVIDENCE_SPLIT = ("no_pathogenic_variant_detected", "not_assessable")
ALLELE_COLUMNS = ["build", "allele_id", "chrom", "pos", "end", "ref", "alt", "variant_type", "gene", "hgvs_c",
                  "hgvs_p", "consequence", "classification", "known_variant", "carriers", "heterozygotes",
                  "homozygotes", "hemizygotes", "allele_count", "allele_number", "allele_frequency",
                  "carrier_frequency", "call_rate"]

FULL_TABLE_MAX = 2000  # above this many samples the HTML lists only samples needing attention
ATTENTION_MAX = 2000  # ... and at most this many of them
FLAGGED_MAX = 5000  # flagged samples listed in the HTML (all are in summary.tsv)
CHART_ALLELES_MAX = 40  # bars in the carrier-frequency chart
DELETION_TYPES = ("sv_deletion", "cnv", "cnv_loss")
SMALL_INDEL_MAX = 50  # an explicit deletion of >= 50 bp is drawn as a deletion (annotate.SMALL_INDEL_MAX)
_COPIES = {"homozygous": 2, "hemizygous": 1, "heterozygous": 1, "partial": 1}
_CALLED_TEXT = LOCUS_CALLED_TEXT

STATUS_COLOURS = {
    "consistent_with_DIRA": "#b2182b", "possible_DIRA": "#d6604d", "carrier": "#f4a582",
    "uncertain_significance": "#fddb7a", "input_error": "#7b3294", "not_assessable": "#bababa",
    "no_pathogenic_variant_detected": "#4393c3",
}
CLASS_COLOURS = {
    "pathogenic": "#b2182b", "likely_pathogenic": "#d6604d", "uncertain_significance": "#e0a800",
    "likely_benign": "#92c5de", "benign": "#4393c3", "association_polymorphism": "#878787",
    "no_predicted_effect": "#c7c7c7",
}


# ----------------------------------------------------------------------------------------
# inputs


@dataclass
class SampleCalls:
    """One sample's data from one annotation JSON."""

    findings: list[dict[str, Any]]
    locus_called: bool | None
    stored_status: str
    partial_records: int = 0  # half-called genotypes (0/., ./1) at the locus records of this input
    coverage: dict[str, Any] | None = None  # what the input shows about the locus (coverage.py)


@dataclass(eq=False)
class AnnotatedInput:
    """One manifest entry and, when it was annotated, what its annotation JSON holds."""

    input: str  # as written in the manifest
    name: str
    key: str  # resolved absolute path, for matching sample-sheet paths
    manifest: str
    status: str  # ok | input_error
    error: str = ""
    samples: list[str] = field(default_factory=list)
    json_path: str = ""
    build: str = ""
    sha256: str = ""
    kb_version: str = ""
    tool_version: str = ""
    calls: dict[str, SampleCalls] = field(default_factory=dict)
    used: bool = False
    all_called: frozenset[str] = frozenset()  # allele_ids at whose record every sample has a genotype

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def summary(self) -> dict[str, Any]:
        return {"input": self.input, "name": self.name, "manifest": self.manifest, "status": self.status,
                "error": self.error, "build": self.build, "sha256": self.sha256,
                "knowledge_base_version": self.kb_version, "tool_version": self.tool_version,
                "annotation_json": self.json_path, "samples": len(self.samples)}


def sha256_file(path: Path) -> str:
    return sha256_of(path)


def _resolve(path_text: str, *bases: Path) -> Path:
    """An absolute path for `path_text`: as is, else relative to the first base where it exists."""
    # os.path, not pathlib: called twice per input, and pathlib's parsing took ~0.1 s per 1,000 inputs
    if os.path.isabs(path_text):
        return Path(os.path.normpath(path_text))
    candidates = [os.path.join(os.getcwd(), path_text)] + [os.path.join(base, path_text) for base in bases]
    for candidate in candidates:
        if os.path.exists(candidate):
            return Path(os.path.normpath(os.path.realpath(candidate)))
    return Path(os.path.normpath(candidates[0]))


def _load_json(path: Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{what} is not readable JSON ({exc})", path=str(path)) from None


def load_manifests(paths: list[str]) -> tuple[list[AnnotatedInput], list[dict[str, Any]], list[str]]:
    """Every input of every manifest (an input in two manifests counts once: the first `ok` one)."""
    inputs: dict[str, AnnotatedInput] = {}
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    for manifest_text in paths:
        manifest_path = Path(manifest_text)
        doc = _load_json(manifest_path, "manifest")
        if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), list):
            raise InputError("not an il1rn-annot manifest (no 'inputs' list)", path=manifest_text,
                             hint="give the file written by `il1rn-annot annotate ... --manifest M.json`")
        records.append({"path": manifest_text, "sha256": sha256_file(manifest_path),
                        "tool_version": doc.get("tool_version", ""), "kb_version": doc.get("kb_version", ""),
                        "inputs": len(doc["inputs"])})
        base = manifest_path.resolve().parent
        for number, entry in enumerate(doc["inputs"], start=1):
            if not isinstance(entry, dict) or not entry.get("input"):
                raise InputError(f"entry {number} has no 'input'", path=manifest_text)
            item = AnnotatedInput(
                input=str(entry["input"]), name=str(entry.get("name") or input_stem(entry["input"])),
                key=str(_resolve(str(entry["input"]), base)), manifest=manifest_text,
                status="ok" if entry.get("status") == "ok" else "input_error",
                error=str(entry.get("error") or ("" if entry.get("status") == "ok"
                                                 else f"status {entry.get('status')!r} in the manifest")),
                samples=[str(s) for s in entry.get("samples") or []])
            if item.ok:
                _load_annotation(item, (entry.get("outputs") or {}).get("json"), base)
            previous = inputs.get(item.key)
            if previous is not None:
                warnings.append(f"{item.input} is listed in {previous.manifest} and {item.manifest}; "
                                f"using the {'latter' if item.ok and not previous.ok else 'former'}")
                if previous.ok or not item.ok:
                    continue
            inputs[item.key] = item
    return list(inputs.values()), records, warnings


def _load_annotation(item: AnnotatedInput, json_text: str | None, base: Path) -> None:
    """Read the annotation JSON of an `ok` input; an unreadable one turns the input into an input error."""
    if not json_text:
        item.status, item.error = "input_error", "the manifest names no annotation JSON for this input"
        return
    path = _resolve(str(json_text), base)
    item.json_path = str(json_text)
    try:
        payload = _load_json(path, "annotation JSON")
        if str(payload.get("schema_version")) != ANNOTATION_SCHEMA:
            raise InputError(f"annotation schema version {payload.get('schema_version')!r} is not supported "
                             f"(this tool reads {ANNOTATION_SCHEMA}); re-annotate the VCF", path=str(path))
        prov = payload["provenance"]
        item.build = str(prov.get("build", ""))
        item.kb_version = str(prov.get("knowledge_base_version", ""))
        item.tool_version = str(prov.get("tool_version", ""))
        item.sha256 = next((i.get("sha256", "") for i in prov.get("inputs", []) if i.get("role") == "vcf"), "")
        alleles = {a["allele_id"]: a for a in payload.get("alleles", [])}
        source = (prov.get("inputs") or [{}])[0].get("path", str(path))
        calls: dict[str, SampleCalls] = {}
        for s in payload["samples"]:
            findings = []
            for f in s.get("findings") or []:
                if "classification" not in f:  # a slim finding: complete it from the allele table
                    f = {k: v for k, v in {**alleles[f["allele_id"]], **f}.items() if k not in _ALLELE_COUNTS}
                f.setdefault("source", source)
                findings.append(f)
            calls[str(s["sample"])] = SampleCalls(findings, s.get("locus_called"), str(s.get("dira_status", "")),
                                                  partial_records=int(s.get("partial_records") or 0),
                                                  coverage=coverage_of_sample(payload.get("locus") or {}, s))
    except InputError as exc:
        item.status, item.error = "input_error", f"annotation output unusable: {exc}"
        return
    except (KeyError, TypeError, AttributeError) as exc:
        item.status, item.error = "input_error", f"annotation output unusable: {path}: missing field {exc}"
        return
    item.calls = calls
    item.all_called = called_in_every_sample(payload)
    known = set(calls)
    item.samples = list(calls) + [s for s in item.samples if s not in known]


@dataclass
class SheetRow:
    sample: str
    vcf: str
    line: int
    parents: tuple[tuple[str, str], ...] = ()  # (("mother", ID), ("father", ID)) as given


def read_sample_sheet(path_text: str) -> list[SheetRow]:
    """Rows of a tab-separated sheet with at least the columns `sample` and `vcf`."""
    path = Path(path_text)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = [line for line in csv.reader(handle, delimiter="\t")]
    except FileNotFoundError:
        raise InputError("sample sheet not found", path=path_text) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"sample sheet is not readable ({exc})", path=path_text) from None
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(lines, start=1)
                if row and any(c.strip() for c in row) and not row[0].startswith("#")]
    if not numbered:
        raise InputError("sample sheet is empty", path=path_text)
    header_line, header = numbered[0]
    lower = [h.lower() for h in header]
    if "sample" not in lower or "vcf" not in lower:
        raise InputError(f"sample sheet header has columns {header[:6]}, not 'sample' and 'vcf'", path=path_text,
                         where=f"line {header_line}",
                         hint="the sheet is tab-separated with a header line 'sample<TAB>vcf'")
    i_sample, i_vcf = lower.index("sample"), lower.index("vcf")
    i_parents = [(role, header.index(role)) for role in PARENT_COLUMNS if role in header]  # as samplesheet names them
    rows: list[SheetRow] = []
    seen: set[tuple[str, str]] = set()
    for number, row in numbered[1:]:
        sample = row[i_sample] if i_sample < len(row) else ""
        vcf = row[i_vcf] if i_vcf < len(row) else ""
        if not sample or not vcf:
            raise InputError("a row without sample or vcf", path=path_text, where=f"line {number}",
                             hint="every row names a sample and the VCF that holds it")
        if (sample, vcf) in seen:
            continue
        seen.add((sample, vcf))
        parents = tuple((role, row[i]) for role, i in i_parents if i < len(row) and row[i] not in NO_PARENT)
        rows.append(SheetRow(sample, vcf, number, parents))
    return rows


class InputIndex:
    """Finds the manifest input a sample-sheet path refers to."""

    def __init__(self, inputs: list[AnnotatedInput]) -> None:
        self.by_key = {i.key: i for i in inputs}
        self.by_real: dict[str, AnnotatedInput] = {}
        self.by_basename: dict[str, list[AnnotatedInput]] = {}
        for item in inputs:
            self.by_real.setdefault(os.path.realpath(item.key), item)
            self.by_basename.setdefault(Path(item.input).name, []).append(item)

    def find(self, vcf: str, sheet_dir: Path, warnings: list[str]) -> AnnotatedInput | None:
        """The manifest input that is the sheet's file.

        1. the same path (from the working folder, or from the sheet's folder), symlinks resolved;
        2. else an input with the same file name, when the sheet's file exists here with the same
           SHA-256 as the annotated one (a staged or copied file);
        3. else, only when the sheet's file cannot be seen from here (annotated in another working
           folder), the one input with that file name, with a warning.
        A different file that merely shares the name is never taken for the annotated one.
        """
        path = Path(vcf)
        candidates = [path] if path.is_absolute() else [Path.cwd() / path, sheet_dir / path]
        for candidate in candidates:
            key = os.path.normpath(candidate)
            if key in self.by_key:
                return self.by_key[key]
            real = os.path.realpath(candidate)
            if real in self.by_real:
                return self.by_real[real]
        same_name = self.by_basename.get(path.name, [])
        if not same_name:
            return None
        local = next((c for c in candidates if c.is_file()), None)
        if local is not None:
            digest = sha256_file(local)
            return next((i for i in same_name if i.sha256 and i.sha256 == digest), None)
        if len(same_name) == 1:
            warnings.append(f"sample sheet file {vcf} is not visible from here; matched by file name to the "
                            f"annotated input {same_name[0].input}")
            return same_name[0]
        return None


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


def pool_findings(per_source: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One sample's findings from all its files, as `il1rn-annot report` pools them.

    Only the same call read twice (same source, allele, genotype and copy number) is dropped;
    two calls of one event by two callers are left to `interpret_sample` (which treats
    deletions overlapping reciprocally by >= 80 % as one event), so that the cohort status and
    the sample's report always agree.
    """
    if len(per_source) == 1:
        return list(per_source[0])
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    for findings in per_source:
        for f in findings:
            key = (f.get("source"), f.get("allele_id"), f.get("genotype"), f.get("copy_number"))
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def combine_locus_called(values: list[bool | None]) -> bool | None:
    """True if any file says True, False if all say False, else None (as the report does)."""
    if any(v is True for v in values):
        return True
    if values and all(v is False for v in values):
        return False
    return None


def called_in_every_sample(payload: dict[str, Any]) -> frozenset[str]:
    """allele_ids of an annotation JSON whose record gives every sample of the file a genotype:
    a sample without a finding there was called reference (0/0), not left uncalled."""
    n = len(payload.get("samples") or [])
    return frozenset(str(a["allele_id"]) for a in payload.get("alleles") or []
                     if n and a.get("called_samples") == n)


_DOSAGE = {"homozygous": 2, "heterozygous": 1}  # hemizygous and partial calls are not compared


def discordant_calls(sources: list[tuple[str, list[dict[str, Any]], frozenset[str]]]) -> list[str]:
    """Sites where one sample's files disagree: a possible sample swap, never pooled silently.

    `sources`: (file name, the sample's findings in it, `called_in_every_sample` of it). At an
    allele two files both speak for, the number of copies must agree: homozygous (1/1) in
    one and heterozygous or reference (0/0) in the other is discordant. A file says
    "reference" only when its record at that allele gave every sample a genotype; files
    without a record there (an SV file beside an SNV file) say nothing. Different callers
    that merely describe the same event differently are not compared (other allele_ids).
    """
    if len(sources) < 2:
        return []
    order: list[str] = []
    labels: dict[str, str] = {}
    for _name, findings, _called in sources:
        for f in findings:
            aid = str(f.get("allele_id"))
            if aid not in labels:
                order.append(aid)
                labels[aid] = f"{f.get('hgvs_c') or aid}" + (f" ({aid})" if f.get("hgvs_c") else "")
    out = []
    for aid in order:
        said: list[tuple[str, int, str]] = []
        for name, findings, called in sources:
            f = next((f for f in findings if str(f.get("allele_id")) == aid), None)
            if f is not None and f.get("zygosity") in _DOSAGE:
                said.append((name, _DOSAGE[f["zygosity"]], f"{f['zygosity']} ({f.get('genotype') or '?'})"))
            elif f is None and aid in called:
                said.append((name, 0, "not carried (0/0)"))
        if len({dose for _, dose, _ in said}) > 1:
            out.append(f"{labels[aid]}: " + "; ".join(f"{text} in {name}" for name, _, text in said))
    return out


@dataclass
class SampleSources:
    sample: str
    inputs: list[AnnotatedInput] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # sheet paths found in no manifest
    in_sheet: bool = False


@dataclass
class PooledCalls:
    """A sample's calls from all of its inputs, before interpretation."""

    findings: list[dict[str, Any]]
    locus_called: bool | None
    errors: list[str]
    builds: list[str]
    build_of: dict[int, str]  # id(finding) -> build of its input
    stored: str  # the status stored in the (last) annotation JSON
    sources: int
    coverage: dict[str, Any] | None = None  # pooled over the inputs (coverage.pool)
    partial_records: int = 0  # half-called genotypes over all inputs
    discordant: list[str] = field(default_factory=list)  # `discordant_calls` between its files

    @property
    def usable(self) -> bool:
        return not self.errors and self.sources > 0 and len(self.builds) <= 1


def pool_sample(src: SampleSources) -> PooledCalls:
    """Gather one sample's findings from its inputs, with the reasons any input could not be used."""
    errors = [f"{vcf}: not found in any manifest (was it annotated?)" for vcf in src.unmatched]
    per_source: list[list[dict[str, Any]]] = []
    compared: list[tuple[str, list[dict[str, Any]], frozenset[str]]] = []
    called: list[bool | None] = []
    coverages: list[dict[str, Any] | None] = []
    builds: list[str] = []
    build_of: dict[int, str] = {}
    stored = ""
    partial = 0
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
        per_source.append(calls.findings)
        compared.append((item.input, calls.findings, item.all_called))
        for f in calls.findings:
            build_of[id(f)] = item.build
        called.append(calls.locus_called)
        partial += calls.partial_records
        coverages.append(calls.coverage)
        stored = calls.stored_status
        if item.build and item.build not in builds:
            builds.append(item.build)
    if len(builds) > 1:
        errors.append(f"the annotation files of this sample are on different genome builds ({', '.join(builds)}): "
                      "annotate every VCF of a sample on the same build")
    discordant = discordant_calls(compared) if len(builds) <= 1 else []
    return PooledCalls(pool_findings(per_source) if per_source else [], combine_locus_called(called), errors,
                       builds, build_of, stored, len(per_source), pool_coverage(coverages), partial, discordant)


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
        result = interpret_sample(src.sample, findings, pooled.locus_called, parents=parent_phase or (),
                                  coverage=pooled.coverage, partial_records=pooled.partial_records)
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
        sheet_rows = read_sample_sheet(sample_sheet)
        for row in sheet_rows:
            if row.parents:
                parents_of[row.sample] = dict(row.parents)
        sheet_samples = [row.sample for row in sheet_rows]
        sheet_record = {"path": sample_sheet, "sha256": sha256_file(Path(sample_sheet)), "rows": len(sheet_rows)}
        sheet_dir = Path(sample_sheet).resolve().parent
        for row in sheet_rows:
            src = sources.setdefault(row.sample, SampleSources(row.sample, in_sheet=True))
            item = index.find(row.vcf, sheet_dir, warnings)
            if item is not None:
                named_by_sheet.add(id(item))
            if item is None:
                src.unmatched.append(row.vcf)
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
            if kept is None or _COPIES.get(f["zygosity"], 1) > _COPIES.get(kept["zygosity"], 1):
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
    html = render_html(cohort, kb)  # first: a figure problem is recorded in the warnings
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


# active content in markup only (inside tags): escaped label text such as "x onload=1" is harmless
_ACTIVE_CONTENT = re.compile(r"<\s*script|<\s*foreignObject|<\s*iframe|<[^>]*\son[a-z]+\s*=|"
                             r"<[^>]*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def cluster_figure(kb: KnowledgeBase, build: str, deletions: list[dict[str, Any]],
                   variants: list[dict[str, Any]], warnings: list[str]) -> str:
    """figures.cluster_svg when it exists (checked for active content), else a simple own drawing."""
    try:
        from il1rn_annot.lab_report.figures import cluster_svg
    except ImportError:
        return fallback_cluster_svg(kb, build, deletions, variants)
    svg = cluster_svg(kb, build, deletions=deletions, variants=variants, width=900)
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    if _ACTIVE_CONTENT.search(svg):
        warning = ("figures.cluster_svg returned active content (script/event handler); the simple drawing "
                   "was used instead")
        if warning not in warnings:
            warnings.append(warning)
        return fallback_cluster_svg(kb, build, deletions, variants)
    return svg


def fallback_cluster_svg(kb: KnowledgeBase, build: str, deletions: list[dict[str, Any]],
                         variants: list[dict[str, Any]], width: int = 900) -> str:
    """Genes of the IL-1 cluster on a line, deletions as bars below (dark = homozygous), variants as ticks."""
    from markupsafe import escape

    genes = kb.cluster_genes(build)
    lo = min([g.start for g in genes] + [d["start"] for d in deletions] + [v["pos"] for v in variants])
    hi = max([g.end for g in genes] + [d["end"] for d in deletions] + [v["pos"] for v in variants])
    pad = max((hi - lo) // 50, 1)
    lo, hi = lo - pad, hi + pad
    margin = 10
    span = width - 2 * margin

    def x(pos: int) -> float:
        return round(margin + span * (pos - lo) / (hi - lo), 1)

    parts = []
    y_genes = 30
    parts.append(f'<line x1="{margin}" y1="{y_genes + 8}" x2="{width - margin}" y2="{y_genes + 8}" stroke="#444"/>')
    for i, g in enumerate(genes):
        x0, x1 = x(g.start), x(g.end)
        colour = "#1a6e2e" if g.symbol == "IL1RN" else "#7a9cc6"
        parts.append(f'<rect x="{x0}" y="{y_genes}" width="{max(x1 - x0, 1.5)}" height="16" fill="{colour}">'
                     f'<title>{escape(g.label)} {g.start:,}-{g.end:,}</title></rect>')
        parts.append(f'<text x="{(x0 + x1) / 2}" y="{y_genes - 6 - 10 * (i % 2)}" font-size="10" '
                     f'text-anchor="middle">{escape(g.symbol)}</text>')
    y = y_genes + 34
    for v in variants:
        colour = CLASS_COLOURS.get(v["classification"], "#555")
        parts.append(f'<line x1="{x(v["pos"])}" y1="{y_genes + 16}" x2="{x(v["pos"])}" y2="{y_genes + 26}" '
                     f'stroke="{colour}" stroke-width="2"><title>{escape(v["label"])} '
                     f'({escape(v["classification"])})</title></line>')
    for d in deletions:
        colour = "#b2182b" if d["zygosity"] == "homozygous" else "#f4a582"
        x0, x1 = x(d["start"]), x(d["end"])
        text = f'{d["label"]} ({d["zygosity"]})'
        parts.append(f'<rect x="{x0}" y="{y}" width="{max(x1 - x0, 1.5)}" height="10" fill="{colour}">'
                     f'<title>{escape(text)}</title></rect>')
        parts.append(f'<text x="{min(x0, width - 300)}" y="{y + 21}" font-size="10">{escape(text)}</text>')
        y += 30
    height = y + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="IL-1 cluster ({escape(build)})">'
            + "".join(parts) + "</svg>")


_BENIGN_SUFFIXES = ("; likely_benign)", "; benign)", "; no_predicted_effect)")  # the end of `interpret_sample`'s other_alleles labels


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
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.PackageLoader("il1rn_annot", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["basename"] = lambda path: os.path.basename(str(path).rstrip("/")) or str(path)
    rows = cohort.rows
    n = len(rows)
    warnings = cohort.warnings  # the provenance's list: figure warnings land in summary.json too
    flagged = [r for r in rows if r["dira_status"] in FLAGGED or r["partial_status"] in FLAGGED]
    attention_statuses = set(FLAGGED) | {"uncertain_significance", "input_error"}
    if n <= FULL_TABLE_MAX:
        listed, collapsed = rows, False
    else:
        listed, collapsed = [r for r in rows if r["dira_status"] in attention_statuses][:ATTENTION_MAX], True
    listed = [{**r, **_other_alleles_view(r["other_alleles"])} for r in listed]
    status_chart = _bar_chart([(s.replace("_", " "), cohort.counts[s], f"{cohort.counts[s]:,}", STATUS_COLOURS[s])
                               for s in SORT_ORDER])
    by_cf = sorted(cohort.alleles, key=lambda a: (-(a["carrier_frequency"] or 0), a["build"], a["pos"], a["allele_id"]))
    chart_alleles = by_cf[:CHART_ALLELES_MAX]
    cf_chart = _bar_chart([(_short_label(a) + (f" [{a['build']}]" if len(cohort.builds) > 1 else ""),
                            a["carrier_frequency"] or 0, _fmt(a["carrier_frequency"]),
                            CLASS_COLOURS.get(a["classification"], "#555")) for a in chart_alleles])
    figures = []
    for build in cohort.builds:
        dels, vars_ = cohort.deletions.get(build, []), cohort.variants.get(build, [])
        figures.append({"build": build, "n_deletions": len(dels),
                        "svg": Markup(cluster_figure(kb, build, dels, vars_, warnings))})
    failed_inputs = [i.summary() for i in cohort.inputs if not i.ok]
    template = env.get_template("cohort.html.j2")
    return template.render(
        n=n, rows=listed, collapsed=collapsed, full_table_max=FULL_TABLE_MAX, attention_max=ATTENTION_MAX,
        flagged=flagged[:FLAGGED_MAX], n_flagged=len(flagged), flagged_max=FLAGGED_MAX,
        counts=cohort.counts, counts_by_evidence=cohort.counts_by_evidence,
        evidence_keys={**EVIDENCE_KEYS, "no_genotype": "no called genotype at any locus record"}, sort_order=SORT_ORDER, status_colours=STATUS_COLOURS, status_chart=status_chart,
        alleles=[{**a, "af": _fmt(a["allele_frequency"]), "cf": _fmt(a["carrier_frequency"]),
                  "cr": _fmt(a["call_rate"]), "pathogenic": a["classification"] in PATHOGENIC} for a in cohort.alleles],
        cf_chart=cf_chart, n_alleles=len(cohort.alleles), chart_alleles_max=CHART_ALLELES_MAX,
        class_colours=CLASS_COLOURS, figures=figures, builds=cohort.builds, multi_build=len(cohort.builds) > 1,
        inputs_total=len(cohort.inputs), failed_inputs=failed_inputs, prov=cohort.provenance,
        warnings=list(dict.fromkeys(warnings)), called_text=_CALLED_TEXT,
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
