"""Every input of the annotate manifests, with what its annotation JSON says per sample (the cohort's view).

The cohort step accounts for every input a manifest lists, annotated or not: `load_manifests`
gives one `AnnotatedInput` per input (an input in two manifests counts once), each `ok` input's
JSON read by `outputs.read_back` (the one reader: schema check, findings joined to alleles);
`InputIndex.find` says which input a sample-sheet path is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.core.coverage import of_sample as coverage_of_sample
from il1rn_annot.core.pool import called_in_every_sample
from il1rn_annot.digest import sha256_file
from il1rn_annot.errors import InputError
from il1rn_annot.outputs.naming import input_stem
from il1rn_annot.outputs.read_back import (
    annotation_location,
    file_source,
    load_annotation,
    read_manifest,
    sample_findings,
    split_location,
    with_file,
)
from il1rn_annot.vcf.identity import same_input


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
    #: the input VCF's provenance entry (vcf.identity fields: fingerprint, size, ...); {} when not read
    identity: dict[str, Any] = field(default_factory=dict)
    kb_version: str = ""
    tool_version: str = ""
    #: the annotation's population/ClinVar resources (its provenance's population_data, clinvar_data)
    population_data: str = ""
    clinvar_data: str = ""
    calls: dict[str, SampleCalls] = field(default_factory=dict)
    used: bool = False
    all_called: frozenset[str] = frozenset()  # allele_ids at whose record every sample has a genotype

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def summary(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "name": self.name,
            "manifest": self.manifest,
            "status": self.status,
            "error": self.error,
            "build": self.build,
            "sha256": self.sha256,
            "fingerprint": str(self.identity.get("fingerprint", "")),
            "knowledge_base_version": self.kb_version,
            "tool_version": self.tool_version,
            "annotation_json": self.json_path,
            "samples": len(self.samples),
        }


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


def load_manifests(paths: list[str]) -> tuple[list[AnnotatedInput], list[dict[str, Any]], list[str]]:
    """Every input of every manifest (an input in two manifests counts once: the first `ok` one)."""
    inputs: dict[str, AnnotatedInput] = {}
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    for manifest_text in paths:
        manifest_path = Path(manifest_text)
        doc = read_manifest(manifest_path)
        records.append(
            {
                "path": manifest_text,
                "sha256": sha256_file(manifest_path),
                "tool_version": doc.get("tool_version", ""),
                "kb_version": doc.get("kb_version", ""),
                "inputs": len(doc["inputs"]),
            }
        )
        base = manifest_path.resolve().parent
        for number, entry in enumerate(doc["inputs"], start=1):
            if not isinstance(entry, dict) or not entry.get("input"):
                raise InputError(f"entry {number} has no 'input'", path=manifest_text)
            item = AnnotatedInput(
                input=str(entry["input"]),
                name=str(entry.get("name") or input_stem(entry["input"])),
                key=str(_resolve(str(entry["input"]), base)),
                manifest=manifest_text,
                status="ok" if entry.get("status") == "ok" else "input_error",
                error=str(
                    entry.get("error")
                    or ("" if entry.get("status") == "ok" else f"status {entry.get('status')!r} in the manifest")
                ),
                samples=[str(s) for s in entry.get("samples") or []],
            )
            if item.ok:
                _read_input_annotation(item, annotation_location(entry.get("outputs")), base)
            previous = inputs.get(item.key)
            if previous is not None:
                warnings.append(
                    f"{item.input} is listed in {previous.manifest} and {item.manifest}; "
                    f"using the {'latter' if item.ok and not previous.ok else 'former'}"
                )
                if previous.ok or not item.ok:
                    continue
            inputs[item.key] = item
    return list(inputs.values()), records, warnings


def _read_input_annotation(item: AnnotatedInput, json_text: str | None, base: Path) -> None:
    """Read the annotation JSON of an `ok` input; an unreadable one turns the input into an input error."""
    if not json_text:
        item.status, item.error = "input_error", "the manifest names no annotation JSON for this input"
        return
    # a JSON file, or a line of a batch's annotations.jsonl: the file is resolved, the line kept
    path = Path(with_file(json_text, _resolve(str(split_location(json_text)[0]), base)))
    item.json_path = str(json_text)
    try:
        payload = load_annotation(path)
        prov = payload["provenance"]
        item.build = str(prov.get("build", ""))
        item.kb_version = str(prov.get("knowledge_base_version", ""))
        item.tool_version = str(prov.get("tool_version", ""))
        item.population_data = str(prov.get("population_data") or "no population data given")
        item.clinvar_data = str(prov.get("clinvar_data") or "")
        entry: dict[str, Any] = next((i for i in prov.get("inputs", []) if i.get("role") == "vcf"), {})
        item.sha256, item.identity = str(entry.get("sha256", "")), dict(entry)
        alleles = {a["allele_id"]: a for a in payload.get("alleles", [])}
        source = file_source(payload, path)
        calls: dict[str, SampleCalls] = {}
        for s in payload["samples"]:
            calls[str(s["sample"])] = SampleCalls(
                sample_findings(s, alleles, source),
                s.get("locus_called"),
                str(s.get("dira_status", "")),
                partial_records=int(s.get("partial_records") or 0),
                coverage=coverage_of_sample(payload.get("locus") or {}, s),
            )
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
        2. else an input with the same file name, when the sheet's file exists here and is the
           annotated one by its recorded identity (`vcf.identity.same_input`: the whole-file SHA-256
           when one was recorded, else size, header, index and locus blocks; a staged or copied file);
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
            return next(
                (
                    i
                    for i in same_name
                    if (i.identity or i.sha256) and same_input(local, i.identity or {"sha256": i.sha256})
                ),
                None,
            )
        if len(same_name) == 1:
            warnings.append(
                f"sample sheet file {vcf} is not visible from here; matched by file name to the "
                f"annotated input {same_name[0].input}"
            )
            return same_name[0]
        return None
