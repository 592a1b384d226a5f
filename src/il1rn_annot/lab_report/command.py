"""The `il1rn-annot report` command (`report_main`): plan the reports, write them in one process,
and with `--all-or-nothing` put the folder in place whole with a record of what it holds
(`PART_RECORD`, checked by the workflow's `collect_reports`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from il1rn_annot import TOOL_NAME
from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.lab_settings import load_lab_config
from il1rn_annot.lab_report.plan import ReportTask, parse_part, parse_statuses, plan_reports, refuse_shared_file_names
from il1rn_annot.lab_report.writer import ReportWriter, atomic_write
from il1rn_annot.outputs.atomic import replace_dir, staging_dir, writing
from il1rn_annot.outputs.naming import PART_RECORD


def report_main(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """`il1rn-annot report [JSON...] (--sample S ... | --samples-from SUMMARY.tsv) -o OUTDIR ...`.

    One process writes every chosen sample's report: WeasyPrint is imported and its fonts set
    up once, each annotation JSON is read once. A sample that fails is named on stderr and the
    others are still written; the exit status is then 2.
    """
    samples = list(getattr(args, "sample", None) or [])
    samples_from = getattr(args, "samples_from", None)
    manifests = list(getattr(args, "manifest", None) or [])
    annotations = list(getattr(args, "annotations", None) or [])
    if not samples and not samples_from:
        raise InputError(
            "no sample given",
            hint="name samples with --sample S (repeatable) or choose them from a "
            "cohort summary with --samples-from summary.tsv",
        )
    if not annotations and not manifests:
        raise InputError(
            "no annotation JSON given", hint="give the NAME.il1rn.json files, or the annotate manifests with --manifest"
        )
    statuses = parse_statuses(getattr(args, "statuses", None))
    part = parse_part(getattr(args, "part", None))
    writer = ReportWriter(
        kb,
        lab=load_lab_config(getattr(args, "lab_config", None)),
        date=getattr(args, "date", None),
        pdf=not getattr(args, "no_pdf", False),
    )
    parents = {role: value for role in ("mother", "father") if (value := getattr(args, role, None))}
    if parents and (len(samples) != 1 or samples_from):
        raise InputError(
            "--mother/--father name the parents of one sample",
            where="--mother/--father",
            hint="give exactly one --sample; with --samples-from the summary's mother and father columns are used",
        )
    tasks = plan_reports(
        annotations,
        samples,
        samples_from=samples_from,
        statuses=statuses,
        manifests=manifests,
        part=part,
        load=writer.annotations.load,
        parents=parents,
    )
    final_dir = Path(args.outdir)
    refuse_shared_file_names([task.sample for task in tasks], final_dir)
    whole = bool(getattr(args, "all_or_nothing", False))
    if whole:  # filled under a hidden name, put in place whole: a killed job leaves no OUTDIR
        outdir = staging_dir(final_dir)
    else:
        outdir = final_dir
        with writing(final_dir):
            final_dir.mkdir(parents=True, exist_ok=True)
    if not tasks:
        print(
            f"{TOOL_NAME}: no sample of {samples_from} has status {', '.join(statuses)}: no report written",
            file=sys.stderr,
        )
    try:
        written = _write_tasks(writer, tasks, outdir, final_dir, single=len(tasks) == 1 and not samples_from)
        if whole:
            record = {
                "part": getattr(args, "part", None) or "",
                "samples": [task.sample for task in tasks],
                "files": sorted(path.name for path in written),
            }
            atomic_write(outdir / PART_RECORD, (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode())
            replace_dir(outdir, final_dir)
    except BaseException:
        if whole:
            shutil.rmtree(outdir, ignore_errors=True)
        raise
    return 0


#: in a folder written with --all-or-nothing: which samples and files it holds (collect_reports checks it)


def _write_tasks(
    writer: ReportWriter, tasks: list[ReportTask], outdir: Path, shown_dir: Path, single: bool
) -> list[Path]:
    """Write every task's report into `outdir`; return the files written (their final
    paths in `shown_dir` are printed).

    A sample that fails is named on stderr and the others are still written; then an
    InputError names them all (exit 2). An output-side error (full disk) stops at once.
    """
    failed: list[str] = []
    written: list[Path] = []
    for task in tasks:
        try:
            if task.problem:
                raise InputError(task.problem)
            outputs = writer.write(task.jsons, task.sample, outdir, task.parents, result=task.result)
        except InputError as exc:
            if single:
                raise
            failed.append(task.sample)
            print(f"{TOOL_NAME}: error: {exc}", file=sys.stderr)
            continue
        for kind in ("html", "pdf"):
            if kind in outputs:
                written.append(outputs[kind])
                print(shown_dir / outputs[kind].name)
        sys.stdout.flush()
    if failed:
        shown = ", ".join(repr(s) for s in failed[:10]) + (" ..." if len(failed) > 10 else "")
        raise InputError(
            f"{len(failed)} of {len(tasks)} report(s) not written: {shown}",
            hint="the reasons are printed above; the other reports were written",
        )
    return written
