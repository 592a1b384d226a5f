"""The one reader of what `il1rn-annot annotate` wrote, back into per-sample findings.

`annotate` writes, per input, `NAME.il1rn.json` (the alleles of the locus once, each sample's
calls as slim findings that name their allele by `allele_id`) and, with `--manifest`, a
manifest listing every input, its status and its outputs. The cohort summary
(`cohort.cohort`), the lab report (`lab_report.lab_report`) and the workflow
(`workflow.samplesheet.annotation_jsons`) read them back through this module only:

* `read_manifest`: one manifest's entries (one check that it is one);
* `load_annotation`: one annotation JSON, refused unless it is one of the schema version this
  tool reads (`SUPPORTED_SCHEMA`: the one schema-version check);
* `sample_findings`: a sample's findings completed from the allele table (the one join of
  findings to alleles);
* `gather_sample` / `SampleInFile`: a sample's entry in each of the files given (the lab
  report), `AnnotationCache` reading each file once per process;
* `load_manifests` / `AnnotatedInput` / `InputIndex`: every input of the manifests and the
  samples its JSON holds (the cohort), and which input a sample-sheet path is;
* `source_calls`: what one file says about one sample, as `core.pool.SourceCalls`, ready to be
  pooled across the sample's files (`core.pool.pool_sources`).

Pooling and interpreting are not done here (`core.pool`, `core.interpret`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.core.coverage import of_sample as coverage_of_sample
from il1rn_annot.core.pool import SourceCalls, called_in_every_sample
from il1rn_annot.errors import InputError
from il1rn_annot.outputs.naming import input_stem

SUPPORTED_SCHEMA = "1.0"  # the annotation JSON schema this tool reads
_ALLELE_COUNTS = ("carriers", "homozygotes", "allele_count", "called_samples")  # cohort-wide, not a call


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file (the provenance of a manifest or sample sheet)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------------
# manifests


def read_json(path: Path, what: str) -> Any:
    """A JSON file, or InputError naming `what` it should have been."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{what} is not readable JSON ({exc})", path=str(path)) from None


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A manifest written by `annotate --manifest`; InputError unless it has an `inputs` list."""
    doc = read_json(Path(path), "manifest")
    if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), list):
        raise InputError("not an il1rn-annot manifest (no 'inputs' list)", path=str(path),
                         hint="give the file written by `il1rn-annot annotate ... --manifest M.json`")
    return doc


def manifest_outputs(manifests: Iterable[str]) -> tuple[dict[str, Path], dict[Path, list[str]]]:
    """From annotate manifests: input (as written, and resolved) -> annotation JSON; JSON -> samples."""
    by_input: dict[str, Path] = {}
    samples_of: dict[Path, list[str]] = {}
    for manifest in manifests:
        path = Path(manifest)
        for entry in read_manifest(path)["inputs"]:
            if not isinstance(entry, dict) or entry.get("status") != "ok":
                continue
            written = (entry.get("outputs") or {}).get("json")
            if not written or not entry.get("input"):
                continue
            target = Path(written)
            if not target.exists() and (path.parent / target.name).exists():
                target = path.parent / target.name  # manifest and outputs moved together
            for key in (str(entry["input"]), os.path.realpath(str(entry["input"]))):
                by_input.setdefault(key, target)
            samples_of.setdefault(target, [str(s) for s in entry.get("samples") or []])
    return by_input, samples_of


# ----------------------------------------------------------------------------------------
# annotation JSONs


def load_annotation(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one annotation JSON, refusing anything that is not one (or not of `SUPPORTED_SCHEMA`)."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except FileNotFoundError:
        raise InputError("annotation JSON not found", path=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a JSON file: {exc}", path=str(path),
                         hint="give the NAME.il1rn.json written by `il1rn-annot annotate`") from None
    if not isinstance(doc, dict) or not {"provenance", "samples", "alleles"} <= set(doc):
        raise InputError("not an il1rn-annot annotation JSON (no provenance/alleles/samples)", path=str(path),
                         hint="give the NAME.il1rn.json written by `il1rn-annot annotate`")
    if str(doc.get("schema_version")) != SUPPORTED_SCHEMA:
        raise InputError(f"annotation schema version {doc.get('schema_version')!r} is not supported "
                         f"(this tool reads {SUPPORTED_SCHEMA})", path=str(path),
                         hint="re-annotate the VCF with this version of il1rn-annot")
    return doc


def file_source(doc: dict[str, Any], path: str | os.PathLike[str]) -> str:
    """The input a JSON was written for (its findings' `source` when they do not name one)."""
    return str((doc["provenance"].get("inputs") or [{}])[0].get("path", str(path)))


def sample_findings(entry: dict[str, Any], alleles: dict[str, dict[str, Any]], source: str
                    ) -> list[dict[str, Any]]:
    """A sample's findings, each its call joined to its allele (`alleles`: allele_id -> allele).

    The cohort-wide counts of the allele table are left out (they are not the sample's). A
    slim finding whose allele is not in the table is refused: the file is damaged.
    """
    out = []
    for f in entry.get("findings") or []:
        allele = alleles.get(f.get("allele_id"))  # type: ignore[arg-type]
        if allele is None and "classification" not in f:
            raise InputError(f"sample '{entry.get('sample')}' has a call of allele {f.get('allele_id')!r}, "
                             "which is not in the file's allele table")
        merged = {**(allele or {}), **f}
        merged.setdefault("source", source)
        out.append({k: v for k, v in merged.items() if k not in _ALLELE_COUNTS})
    return out


# ----------------------------------------------------------------------------------------
# one sample in the files given (the lab report)


@dataclass
class SampleInFile:
    """One annotation JSON and what it says about the sample."""

    json_path: str
    doc: dict[str, Any]
    entry: dict[str, Any] | None
    findings: list[dict[str, Any]] = field(default_factory=list)


def gather_sample(paths: list[Path], sample: str, load: Any = None) -> list[SampleInFile]:
    """The sample's entry and full findings in each JSON; InputError if no JSON holds it.

    `load` reads one JSON (default `load_annotation`; a cache when several samples share files).
    """
    load = load or load_annotation
    out: list[SampleInFile] = []
    seen: dict[str, list[str]] = {}
    read: set[Path] = set()
    for path in paths:
        if path.resolve() in read:  # the same file named twice counts once
            continue
        read.add(path.resolve())
        doc = load(path)
        names = [str(s.get("sample")) for s in doc["samples"]]
        seen[str(path)] = names
        entry = next((s for s in doc["samples"] if s.get("sample") == sample), None)
        item = SampleInFile(str(path), doc, entry)
        if entry is not None:
            alleles = {a["allele_id"]: a for a in doc["alleles"]}
            item.findings = sample_findings(entry, alleles, file_source(doc, path))
        out.append(item)
    if not any(i.entry is not None for i in out):
        listing = "; ".join(f"{p}: {', '.join(n[:8])}{' ...' if len(n) > 8 else ''}" if n else f"{p}: no samples"
                            for p, n in seen.items())
        raise InputError(f"sample '{sample}' is not in the annotation file(s) "
                         f"{', '.join(str(p) for p in paths)}", hint=f"samples found: {listing}")
    builds = {i.doc["provenance"].get("build") for i in out if i.entry is not None}
    if len(builds) > 1:
        raise InputError(f"the annotation files of sample '{sample}' are on different genome builds "
                         f"({', '.join(sorted(map(str, builds)))})",
                         hint="annotate every VCF of a sample on the same build")
    return out


def source_calls(item: SampleInFile) -> SourceCalls:
    """What one file says about its sample, ready for `core.pool.pool_sources` (the file is named
    by its input VCF, as in the cohort's discordance check)."""
    assert item.entry is not None
    vcf = next((i.get("path") for i in item.doc["provenance"].get("inputs") or [] if i.get("role") == "vcf"),
               item.json_path)
    return SourceCalls(str(vcf), item.findings, item.entry.get("locus_called"), called_in_every_sample(item.doc),
                       coverage_of_sample(item.doc.get("locus") or {}, item.entry),
                       int(item.entry.get("partial_records") or 0))


class AnnotationCache:
    """Annotation JSONs read once per process, for reports of several samples of one file.

    Least recently used documents are dropped once the files held exceed `max_bytes` (on
    disk; the parsed form is several times larger), so that a run over the samples of many
    joint VCFs does not keep them all in memory.
    """

    def __init__(self, max_bytes: int = 256_000_000) -> None:
        self.max_bytes = max_bytes
        self._docs: OrderedDict[Path, tuple[int, dict[str, Any]]] = OrderedDict()
        self._bytes = 0

    def load(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        key = Path(path).resolve()
        hit = self._docs.get(key)
        if hit is not None:
            self._docs.move_to_end(key)
            return hit[1]
        doc = load_annotation(path)
        size = key.stat().st_size
        self._docs[key] = (size, doc)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._docs) > 1:
            _, (dropped, _doc) = self._docs.popitem(last=False)
            self._bytes -= dropped
        return doc


# ----------------------------------------------------------------------------------------
# every input of the manifests (the cohort)


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
                _read_input_annotation(item, (entry.get("outputs") or {}).get("json"), base)
            previous = inputs.get(item.key)
            if previous is not None:
                warnings.append(f"{item.input} is listed in {previous.manifest} and {item.manifest}; "
                                f"using the {'latter' if item.ok and not previous.ok else 'former'}")
                if previous.ok or not item.ok:
                    continue
            inputs[item.key] = item
    return list(inputs.values()), records, warnings


def _read_input_annotation(item: AnnotatedInput, json_text: str | None, base: Path) -> None:
    """Read the annotation JSON of an `ok` input; an unreadable one turns the input into an input error."""
    if not json_text:
        item.status, item.error = "input_error", "the manifest names no annotation JSON for this input"
        return
    path = _resolve(str(json_text), base)
    item.json_path = str(json_text)
    try:
        payload = load_annotation(path)
        prov = payload["provenance"]
        item.build = str(prov.get("build", ""))
        item.kb_version = str(prov.get("knowledge_base_version", ""))
        item.tool_version = str(prov.get("tool_version", ""))
        item.sha256 = next((i.get("sha256", "") for i in prov.get("inputs", []) if i.get("role") == "vcf"), "")
        alleles = {a["allele_id"]: a for a in payload.get("alleles", [])}
        source = file_source(payload, path)
        calls: dict[str, SampleCalls] = {}
        for s in payload["samples"]:
            calls[str(s["sample"])] = SampleCalls(sample_findings(s, alleles, source), s.get("locus_called"),
                                                  str(s.get("dira_status", "")),
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
