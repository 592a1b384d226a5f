"""Which samples get a report, from which annotation JSONs, in which part of a split run.

`plan_reports` turns `--sample`, `--samples-from summary.tsv`, `--statuses`, `--manifest` and
`--part K/N` into one `ReportTask` per sample (its JSONs, its parents' JSONs, the cohort's
interpretation). `refuse_shared_file_names` stops a run before anything is written when two
sample IDs would share one report file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.core.vocabulary import FLAGGED as FLAGGED_STATUSES
from il1rn_annot.core.vocabulary import STATUSES
from il1rn_annot.errors import InputError
from il1rn_annot.outputs.naming import safe_name
from il1rn_annot.outputs.read_back import load_annotation, manifest_outputs
from il1rn_annot.outputs.read_summary import StoredResult, read_summary, select_samples


@dataclass
class ReportTask:
    """One sample's report and the annotation JSONs it is made from."""

    sample: str
    jsons: list[Path]
    problem: str = ""  # why no JSON could be chosen (the report is then not written)
    parents: list[tuple[str, str, list[Path]]] = field(default_factory=list)  # (role, sample, JSONs)
    result: StoredResult | None = None  # the cohort's interpretation of the sample (summary.tsv)


def parse_part(text: str | None) -> tuple[int, int] | None:
    """`K/N` -> (K, N) with 1 <= K <= N."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise InputError(
            f"--part {text!r} is not K/N with 1 <= K <= N",
            where="--part",
            hint="e.g. --part 2/4 writes the second of four equal parts of the chosen samples",
        )
    return int(match.group(1)), int(match.group(2))


def part_of(items: list[Any], part: tuple[int, int] | None) -> list[Any]:
    """The K-th of N contiguous parts of `items`, sizes differing by at most one (larger parts first)."""
    if part is None:
        return list(items)
    k, n = part
    base, extra = divmod(len(items), n)
    start = (k - 1) * base + min(k - 1, extra)
    return list(items[start : start + base + (1 if k <= extra else 0)])


def parse_statuses(text: str | None) -> list[str]:
    """`--statuses a,b` -> ['a', 'b'], refusing unknown values (a typo would silently select nothing)."""
    if text is None:
        return list(FLAGGED_STATUSES)
    values = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in STATUSES]
    if unknown or not values:
        raise InputError(
            f"unknown status(es) {', '.join(unknown) or '(none given)'}",
            where="--statuses",
            hint="choose from " + ", ".join(STATUSES),
        )
    return values


def plan_reports(
    annotations: list[str],
    samples: list[str],
    *,
    samples_from: str | None = None,
    statuses: list[str] | None = None,
    manifests: list[str] | None = None,
    part: tuple[int, int] | None = None,
    load: Any = load_annotation,
    parents: dict[str, str] | None = None,
) -> list[ReportTask]:
    """Which samples get a report, and from which annotation JSONs.

    Samples: those named (`--sample`), then with `samples_from` (a cohort summary.tsv) every
    sample whose dira_status is one of `statuses` (default: the flagged ones), in summary
    order; with `part` only that part of them. JSONs of a sample:

    * the summary names the sample's inputs and the manifests know them: the JSONs written for
      exactly those inputs (what the cohort step interpreted; the sample sheet is authoritative,
      so a same-named sample of another file is not mixed in);
    * one sample and JSON files given: all of them (as `il1rn-annot report JSON... --sample S`
      always did; files without the sample are listed in the report);
    * otherwise the given JSONs (and those of the manifests) that hold the sample.

    Parents (to phase the sample's alleles): the summary's mother/father columns, or
    `parents` ({'mother': ID, 'father': ID}, for a single `--sample`); their JSONs are found
    the same way as the sample's.
    """
    manifests = list(manifests or [])
    summary = read_summary(samples_from) if samples_from else {}
    wanted = statuses if statuses is not None else list(FLAGGED_STATUSES)
    chosen = list(dict.fromkeys(list(samples) + select_samples(summary, wanted)))
    chosen = part_of(chosen, part)
    by_input, samples_of = manifest_outputs(manifests) if manifests else ({}, {})
    given = [Path(p) for p in annotations]
    holders: dict[str, list[Path]] | None = None

    def holding(sample: str) -> list[Path]:
        nonlocal holders
        if holders is None:  # read each given JSON once, only when needed
            holders = {}
            for path in given:
                for entry in load(path)["samples"]:
                    holders.setdefault(str(entry.get("sample")), []).append(path)
            for path, names in samples_of.items():
                for name in names:
                    holders.setdefault(name, []).append(path)
        return list(dict.fromkeys(holders.get(sample, [])))

    def jsons_of(sample: str) -> list[Path]:
        entry = summary.get(sample)
        if entry is not None and entry.inputs and by_input:
            jsons = [by_input.get(i) or by_input.get(os.path.realpath(i)) for i in entry.inputs]
            return list(dict.fromkeys(j for j in jsons if j is not None))
        return holding(sample)

    tasks = []
    for sample in chosen:
        entry = summary.get(sample)
        if entry is not None and entry.inputs and by_input:
            found = jsons_of(sample)
            problem = (
                ""
                if found
                else (f"no manifest lists an annotated input of sample '{sample}' ({'; '.join(entry.inputs)})")
            )
            task = ReportTask(sample, found, problem, result=entry.result)  # the files the cohort interpreted
        elif len(chosen) == 1 and given and not samples_from:
            task = ReportTask(sample, given)
        else:
            found = holding(sample)
            task = ReportTask(
                sample, found, "" if found else f"sample '{sample}' is not in any of the given annotation JSON files"
            )
        named = entry.parents if entry is not None and entry.parents else (parents or {})
        task.parents = [(role, parent, jsons_of(parent)) for role, parent in named.items()]
        tasks.append(task)
    return tasks


def refuse_shared_file_names(samples: list[str], outdir: Path) -> None:
    """Refuse, before any report is written, two sample IDs that map to one report file name
    in `outdir`, as the workflow does: the second report would silently replace the first.

    Names are compared as `safe_name` makes them, and without case when `outdir` is on a
    case-insensitive file system (macOS, Windows shares), where `P1` and `p1` are one file.
    """
    fold = _case_insensitive(outdir)
    first: dict[str, str] = {}
    clashes = []
    for sample in dict.fromkeys(samples):
        name = safe_name(sample)
        other = first.setdefault(name.lower() if fold else name, sample)
        if other != sample:
            clashes.append(
                f"{other!r} and {sample!r} would both be written to {name}.report.html"
                + (" (this file system ignores case)" if fold else "")
            )
    if clashes:
        raise InputError(
            "two samples map to one report file name: " + "; ".join(clashes),
            hint="rename one of the samples (or write their reports to different folders); no report was written",
        )


def _case_insensitive(folder: Path) -> bool:
    """Whether `folder` (or its nearest existing parent) is on a case-insensitive file system."""
    import tempfile

    probe_dir = folder
    while not probe_dir.is_dir() and probe_dir != probe_dir.parent:
        probe_dir = probe_dir.parent
    try:
        with tempfile.NamedTemporaryFile(prefix=".case-probe-", dir=probe_dir) as handle:
            name = Path(handle.name).name
            return os.path.exists(os.path.join(probe_dir, name.upper()))
    except OSError:
        return False
