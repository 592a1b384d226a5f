"""Report parts: after the cohort step, which samples get a lab report, in how many jobs, gathered how.

* `report_statuses()` / `flagged_samples()` / `select_samples()` / `read_statuses()`: the
  samples the `reports:` setting chooses from the cohort summary (read by
  `outputs.read_summary`, the one reader of the summary).
* `report_part_count()`: how many report jobs (each one process for many samples) write them.
* `collect_reports()`: gathers the parts (`results/report_parts/part_K_of_N/`, each with the
  `.part.json` record `il1rn-annot report --all-or-nothing` writes) into `results/reports/`,
  all or nothing; `missing_collected_reports()` finds a report deleted from it since.
* `lab_logo()`: the logo file the lab settings name (an input of every report job).
* `annotation_jsons()`: the annotation JSON files an annotate manifest lists for inputs or a sample.

Snakemake imports this module while it builds the DAG (`rules/common.smk`): stdlib only at
module level; PyYAML, the file writers and the manifest reader (which pulls in NumPy) are
imported where used.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path

from il1rn_annot.core.vocabulary import FLAGGED, REPORT_MODES, STATUSES
from il1rn_annot.errors import InputError
from il1rn_annot.outputs.naming import PART_RECORD
from il1rn_annot.outputs.read_summary import SummarySample, read_summary
from il1rn_annot.outputs.read_summary import select_samples as select_from_summary
from il1rn_annot.workflow.sheet import SampleSheetError

DEFAULT_REPORT_BATCH_SIZE = 50


def _read_summary(summary_tsv: str | os.PathLike[str]) -> dict[str, SummarySample]:
    """The cohort summary read by `outputs.read_summary`; its errors as `SampleSheetError`."""
    try:
        return read_summary(summary_tsv)
    except InputError as exc:
        raise SampleSheetError(str(summary_tsv), [exc.message], hint=exc.hint) from None


def read_statuses(summary_tsv: str | os.PathLike[str]) -> dict[str, list[str]]:
    """sample -> its dira_status value(s) in a cohort summary.tsv (one or more rows per sample),
    read by `outputs.read_summary` (the one reader of the summary); its errors as `SampleSheetError`."""
    return {sample: entry.statuses for sample, entry in _read_summary(summary_tsv).items()}


def report_statuses(mode: str = "flagged") -> list[str]:
    """The dira_status values whose samples get a report under `reports: MODE`."""
    if mode not in REPORT_MODES:
        raise ValueError(f"reports must be one of {', '.join(REPORT_MODES)}, not {mode!r}")
    if mode == "none":
        return []
    if mode == "flagged":
        return list(FLAGGED)
    return [s for s in STATUSES if s != "input_error"]


def select_samples(summary_tsv: str | os.PathLike[str], statuses: Iterable[str]) -> list[str]:
    """Samples of a cohort summary with one of `statuses`, in summary order (the selection
    `il1rn-annot report --samples-from SUMMARY --statuses ...` makes: `outputs.read_summary`)."""
    return select_from_summary(_read_summary(summary_tsv), set(statuses))


def flagged_samples(summary_tsv: str | os.PathLike[str], mode: str = "flagged") -> list[str]:
    """Samples that get a lab report: `flagged` (consistent_with_DIRA, possible_DIRA, carrier),
    `all` (every sample that could be read), or `none`; in summary order."""
    statuses = report_statuses(mode)
    return select_samples(summary_tsv, statuses) if statuses else []


PARTS_RECORD = ".parts.json"


def report_part_count(
    n_samples: int,
    batch_size: int = DEFAULT_REPORT_BATCH_SIZE,
    parallel: int = 1,
    reports_dir: str | os.PathLike[str] | None = None,
) -> int:
    """How many report jobs write the reports of `n_samples` samples: at most `batch_size`
    samples each, as many as `parallel` (local cores) when there are enough samples, and a
    multiple of `parallel` so that no round of jobs leaves cores idle.

    With `reports_dir`: if the reports there were written for the same number of samples
    (`collect_reports` records it), the same number of parts, so that a re-run with other
    --cores does not re-write every report.
    """
    if n_samples <= 0:
        return 0
    if batch_size < 1 or parallel < 1:
        raise ValueError("batch_size and parallel must be at least 1")
    if reports_dir is not None:
        try:
            record = json.loads((Path(reports_dir) / PARTS_RECORD).read_text(encoding="utf-8"))
            if (
                record["samples"] == n_samples
                and 1 <= int(record["parts"]) <= n_samples
                and -(-n_samples // int(record["parts"])) <= batch_size
            ):
                return int(record["parts"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    parts = -(-n_samples // batch_size)
    parts = -(-parts // parallel) * parallel
    return min(n_samples, parts)


def collect_reports(
    parts: Iterable[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    summary: str | os.PathLike[str] | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Gather the files of report part folders into OUTDIR (hard links; copies across file
    systems), all or nothing. OUTDIR/.parts.json records how many samples' reports came from
    how many parts.

    Refused (SampleSheetError, nothing put in place): a part without its `.part.json` record
    or missing a file the record lists (a job killed half-way, or a folder edited since);
    a file name written by two parts (two samples, one file name); with `summary`, any report
    the cohort summary links (its `report` column: HTML, and the PDF beside it) that no part
    holds. OUTDIR is filled under a hidden name and renamed into place when complete.
    """
    import shutil

    from il1rn_annot.outputs.atomic import replace_dir, staging_dir, write_text

    target_dir = Path(outdir)
    part_dirs = list(dict.fromkeys(str(p) for p in parts))
    staged = staging_dir(target_dir)
    try:
        written = _link_parts(part_dirs, staged)
        if summary is not None:
            _check_linked_reports(summary, {path.name for path in written}, pdf)
        samples = sum(1 for p in written if p.name.endswith(".report.html"))
        write_text(staged / PARTS_RECORD, json.dumps({"samples": samples, "parts": len(part_dirs)}) + "\n")
        replace_dir(staged, target_dir)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return [target_dir / path.name for path in written]


def _link_parts(parts: list[str], staged: Path) -> list[Path]:
    """Hard-link (or copy) every file of every checked part into `staged`."""
    import shutil

    from il1rn_annot.outputs.atomic import writing

    origin: dict[str, str] = {}
    written = []
    for part in parts:
        files = _part_files(Path(part))
        for path in files:
            if path.name in origin:
                raise SampleSheetError(
                    part,
                    [f"{path.name} is also written by {origin[path.name]}"],
                    hint="two samples map to one report file name: rename one",
                )
            origin[path.name] = part
            target = staged / path.name
            with writing(target):
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
            written.append(target)
    return written


def _part_files(part: Path) -> list[Path]:
    """The report files of a part folder, checked against its `.part.json` record."""
    hint = (
        "the report job did not finish (killed?) or the folder was changed: delete the folder and run "
        "the workflow again (Snakemake writes the part again)"
    )
    try:
        record = json.loads((part / PART_RECORD).read_text(encoding="utf-8"))
        listed = [str(name) for name in record["files"]]
    except FileNotFoundError:
        raise SampleSheetError(str(part), [f"no {PART_RECORD}: not a complete report part"], hint=hint) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SampleSheetError(str(part), [f"unreadable {PART_RECORD} ({exc})"], hint=hint) from None
    problems = []
    for name in listed:
        path = part / name
        if "/" in name or name.startswith(".") or not path.is_file():
            problems.append(f"{name}: listed in {PART_RECORD} but not in the folder")
        elif path.stat().st_size == 0:
            problems.append(f"{name}: empty file")
    extra = sorted(p.name for p in part.iterdir() if not p.name.startswith(".") and p.name not in listed)
    problems += [f"{name}: in the folder but not listed in {PART_RECORD}" for name in extra]
    if problems:
        raise SampleSheetError(str(part), problems, hint=hint)
    return [part / name for name in listed]


def missing_collected_reports(
    summary: str | os.PathLike[str], reports_dir: str | os.PathLike[str], pdf: bool = True
) -> list[str]:
    """What the cohort summary links but a collected reports folder lacks (or holds empty),
    one line per sample; [] when complete.

    Why: the folder is ONE Snakemake output, so a report deleted (or emptied) after a complete
    run goes unnoticed by Snakemake; the workflow asks this every time it builds its plan."""
    folder = Path(reports_dir)
    present = {p.name for p in folder.iterdir() if p.is_file() and p.stat().st_size > 0}
    return _missing_linked_reports(summary, present, pdf)


def _check_linked_reports(summary: str | os.PathLike[str], present: set[str], pdf: bool) -> None:
    """Every report the cohort summary links (HTML, and its PDF) is among `present` file names."""
    missing = _missing_linked_reports(summary, present, pdf)
    if missing:
        raise SampleSheetError(
            str(summary),
            [f"links a report that is missing: {m}" for m in missing],
            hint="a report job failed or was interrupted: run the workflow again "
            "(with --rerun-incomplete if Snakemake asks for it)",
        )


def _missing_linked_reports(summary: str | os.PathLike[str], present: set[str], pdf: bool) -> list[str]:
    """`sample 'X' (status): X.report.html, X.report.pdf not written` for each report the
    cohort summary links (HTML, and its PDF) that is not among `present` file names."""
    missing = []
    with open(summary, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            link = (row.get("report") or "").strip()
            if not link:
                continue
            html = os.path.basename(link)
            wanted = [html] + ([html[: -len(".html")] + ".pdf"] if pdf and html.endswith(".html") else [])
            absent = [name for name in wanted if name not in present]
            if absent:
                missing.append(
                    f"sample {row.get('sample', '')!r} ({row.get('dira_status', '')}): "
                    + ", ".join(absent)
                    + " not written"
                )
    return missing


def lab_logo(lab_config: str | os.PathLike[str]) -> list[str]:
    """[the logo file a lab settings YAML names], as the report step resolves it (relative to
    the YAML's folder), when it is a regular file; else [] (the report step then says why)."""
    import stat

    import yaml

    try:
        with open(lab_config, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
        logo = doc.get("logo") if isinstance(doc, dict) else None
        if not logo:
            return []
        path = os.path.join(os.path.dirname(str(lab_config)), os.path.expanduser(str(logo)))
        return [os.path.normpath(path)] if stat.S_ISREG(os.stat(path).st_mode) else []
    except (OSError, ValueError, yaml.YAMLError):
        return []


def annotation_jsons(
    manifests: Iterable[str | os.PathLike[str]], inputs: Iterable[str] | None = None, sample: str | None = None
) -> list[str]:
    """Annotation JSON files from annotate manifests (read by `outputs.read_back.read_manifest`);
    inputs that failed are left out.

    With `inputs`: the files written for those inputs, in that order. Without: those of every
    input whose manifest entry lists `sample` (for a sample the sheet does not name, e.g. another
    sample of a joint VCF that the cohort step summarised too).
    """
    # imported here, not at the top: Snakemake imports this module, read_back pulls in numpy
    from il1rn_annot.outputs.read_back import annotation_location, read_manifest

    wanted = list(inputs) if inputs is not None else None
    found: dict[str, str] = {}
    for manifest in manifests:
        for entry in read_manifest(manifest)["inputs"]:
            if entry.get("status") != "ok":
                continue
            if (wanted is not None and entry.get("input") in wanted) or (
                wanted is None and sample is not None and sample in entry.get("samples", [])
            ):
                location = annotation_location(entry.get("outputs"))
                if location:
                    found[entry["input"]] = location
    if wanted is None:
        return list(found.values())
    return [found[i] for i in wanted if i in found]
