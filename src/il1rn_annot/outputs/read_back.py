"""The one reader of what `il1rn-annot annotate` wrote, back into per-sample findings.

`annotate` writes, per input, `NAME.il1rn.json` (the alleles of the locus once, each sample's
calls as slim findings that name their allele by `allele_id`) and, with `--manifest`, a
manifest listing every input, its status and its outputs. The cohort summary
(`cohort.summary`), the lab report (`lab_report/`) and the workflow
(`workflow.report_parts.annotation_jsons`) read them back through this module only:

* `read_manifest`: one manifest's entries (one check that it is one);
* `load_annotation`: one annotation JSON, refused unless it is one of the schema version this
  tool reads (`SUPPORTED_SCHEMA`: the one schema-version check); a location
  `DIR/annotations.jsonl#N` (line N of a workflow batch's annotations.jsonl, where the inputs
  without a file of their own are: `annotate_vcf.batch_tables`) is read the same way, and
  `annotation_location` finds either in a manifest entry;
* `sample_findings`: a sample's findings completed from the allele table (the one join of
  findings to alleles);
* `gather_sample` / `SampleInFile`: a sample's entry in each of the files given (the lab
  report), `AnnotationCache` reading each file once per process;
* `outputs.read_inputs` (built on this module): every input of the manifests and the samples
  its JSON holds (the cohort), and which input a sample-sheet path is;
* `source_calls`: what one file says about one sample, as `core.pool.SourceCalls`, ready to be
  pooled across the sample's files (`core.pool.pool_sources`).

Pooling and interpreting are not done here (`core.pool`, `core.interpret`).
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.core.coverage import of_sample as coverage_of_sample
from il1rn_annot.core.pool import SourceCalls, called_in_every_sample
from il1rn_annot.errors import InputError

SUPPORTED_SCHEMA = "1.0"  # the annotation JSON schema this tool reads
_ALLELE_COUNTS = ("carriers", "homozygotes", "allele_count", "called_samples")  # cohort-wide, not a call


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
        raise InputError(
            "not an il1rn-annot manifest (no 'inputs' list)",
            path=str(path),
            hint="give the file written by `il1rn-annot annotate ... --manifest M.json`",
        )
    return doc


#: a line of a batch's annotations.jsonl: "DIR/annotations.jsonl#N" (N from 1)
_LINE_LOCATION = re.compile(r"^(?P<file>.+\.jsonl)#(?P<line>[1-9][0-9]*)$", re.DOTALL)


def annotation_location(outputs: dict[str, Any] | None) -> str | None:
    """Where a manifest entry's annotation is: its NAME.il1rn.json (`json`), or the line of the
    batch's annotations.jsonl that holds it (`annotation_line`); None when neither is named."""
    outputs = outputs or {}
    found = outputs.get("json") or outputs.get("annotation_line")
    return str(found) if found else None


def split_location(location: str | os.PathLike[str]) -> tuple[Path, int | None]:
    """(file, line number) of an annotation location; the line is None for a JSON file."""
    match = _LINE_LOCATION.match(str(location))
    if match is None:
        return Path(location), None
    return Path(match["file"]), int(match["line"])


def relocated(location: str, folder: Path) -> str:
    """The same location in `folder` (a manifest moved together with its outputs)."""
    return with_file(location, folder / split_location(location)[0].name)


def with_file(location: str, file: str | os.PathLike[str]) -> str:
    """The location `location` names, with its file replaced by `file` (the same line, if any)."""
    line = split_location(location)[1]
    return str(file) + ("" if line is None else f"#{line}")


def location_exists(location: str | os.PathLike[str]) -> bool:
    return split_location(location)[0].exists()


def manifest_outputs(manifests: Iterable[str]) -> tuple[dict[str, Path], dict[Path, list[str]]]:
    """From annotate manifests: input (as written, and resolved) -> annotation JSON; JSON -> samples."""
    by_input: dict[str, Path] = {}
    samples_of: dict[Path, list[str]] = {}
    for manifest in manifests:
        path = Path(manifest)
        for entry in read_manifest(path)["inputs"]:
            if not isinstance(entry, dict) or entry.get("status") != "ok":
                continue
            written = annotation_location(entry.get("outputs"))
            if not written or not entry.get("input"):
                continue
            target = Path(written)
            if not location_exists(written) and location_exists(relocated(written, path.parent)):
                target = Path(relocated(written, path.parent))  # manifest and outputs moved together
            for key in (str(entry["input"]), os.path.realpath(str(entry["input"]))):
                by_input.setdefault(key, target)
            samples_of.setdefault(target, [str(s) for s in entry.get("samples") or []])
    return by_input, samples_of


# ----------------------------------------------------------------------------------------
# annotation JSONs


def load_annotation(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one annotation JSON, refusing anything that is not one (or not of `SUPPORTED_SCHEMA`)."""
    file, line = split_location(path)
    path = Path(path)
    try:
        if line is None:
            with open(path, encoding="utf-8") as handle:
                doc = json.load(handle)
        else:
            doc = json.loads(_jsonl_line(file, line))
    except FileNotFoundError:
        raise InputError("annotation JSON not found", path=str(file)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"not a JSON file: {exc}", path=str(path), hint="give the NAME.il1rn.json written by `il1rn-annot annotate`"
        ) from None
    if not isinstance(doc, dict) or not {"provenance", "samples", "alleles"} <= set(doc):
        raise InputError(
            "not an il1rn-annot annotation JSON (no provenance/alleles/samples)",
            path=str(path),
            hint="give the NAME.il1rn.json written by `il1rn-annot annotate`",
        )
    if str(doc.get("schema_version")) != SUPPORTED_SCHEMA:
        raise InputError(
            f"annotation schema version {doc.get('schema_version')!r} is not supported "
            f"(this tool reads {SUPPORTED_SCHEMA})",
            path=str(path),
            hint="re-annotate the VCF with this version of il1rn-annot",
        )
    return doc


def file_source(doc: dict[str, Any], path: str | os.PathLike[str]) -> str:
    """The input a JSON was written for (its findings' `source` when they do not name one)."""
    return str((doc["provenance"].get("inputs") or [{}])[0].get("path", str(path)))


def sample_findings(entry: dict[str, Any], alleles: dict[str, dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """A sample's findings, each its call joined to its allele (`alleles`: allele_id -> allele).

    The cohort-wide counts of the allele table are left out (they are not the sample's). A
    slim finding whose allele is not in the table is refused: the file is damaged.
    """
    out = []
    for f in entry.get("findings") or []:
        allele = alleles.get(f.get("allele_id"))
        if allele is None and "classification" not in f:
            raise InputError(
                f"sample '{entry.get('sample')}' has a call of allele {f.get('allele_id')!r}, "
                "which is not in the file's allele table"
            )
        merged = {**(allele or {}), **f}
        merged.setdefault("source", source)
        out.append({k: v for k, v in merged.items() if k not in _ALLELE_COUNTS})
    return out


_JSONL_CACHE: OrderedDict[tuple[str, int, int], list[bytes]] = OrderedDict()


def _jsonl_line(file: Path, line: int) -> bytes:
    """Line `line` (from 1) of a batch's annotations.jsonl. The file is read whole once and kept
    (the two last files, by path, size and modification time): the cohort step reads all its
    lines, one input at a time."""
    stat = os.stat(file)  # a rewritten file (another run) is read again
    key = (os.path.abspath(file), stat.st_size, stat.st_mtime_ns)
    lines = _JSONL_CACHE.get(key)
    if lines is None:
        with open(file, "rb") as handle:
            lines = handle.read().splitlines()
        _JSONL_CACHE[key] = lines
        while len(_JSONL_CACHE) > 2:
            _JSONL_CACHE.popitem(last=False)
    if line > len(lines):
        raise InputError(
            f"line {line} is not in the file ({len(lines)} lines): the manifest and the batch's "
            "annotations.jsonl are not of the same run",
            path=str(file),
            hint="annotate the batch again",
        )
    return lines[line - 1]


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
        listing = "; ".join(
            f"{p}: {', '.join(n[:8])}{' ...' if len(n) > 8 else ''}" if n else f"{p}: no samples"
            for p, n in seen.items()
        )
        raise InputError(
            f"sample '{sample}' is not in the annotation file(s) {', '.join(str(p) for p in paths)}",
            hint=f"samples found: {listing}",
        )
    builds = {i.doc["provenance"].get("build") for i in out if i.entry is not None}
    if len(builds) > 1:
        raise InputError(
            f"the annotation files of sample '{sample}' are on different genome builds "
            f"({', '.join(sorted(map(str, builds)))})",
            hint="annotate every VCF of a sample on the same build",
        )
    return out


def source_calls(item: SampleInFile) -> SourceCalls:
    """What one file says about its sample, ready for `core.pool.pool_sources` (the file is named
    by its input VCF, as in the cohort's discordance check)."""
    assert item.entry is not None
    vcf = next(
        (i.get("path") for i in item.doc["provenance"].get("inputs") or [] if i.get("role") == "vcf"), item.json_path
    )
    return SourceCalls(
        str(vcf),
        item.findings,
        item.entry.get("locus_called"),
        called_in_every_sample(item.doc),
        coverage_of_sample(item.doc.get("locus") or {}, item.entry),
        int(item.entry.get("partial_records") or 0),
    )


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
        file, line = split_location(path)
        size = file.stat().st_size if line is None else len(_jsonl_line(file, line))
        self._docs[key] = (size, doc)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._docs) > 1:
            _, (dropped, _doc) = self._docs.popitem(last=False)
            self._bytes -= dropped
        return doc
