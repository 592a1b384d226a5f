"""The `il1rn-annot samplesheet` command: check a sample sheet, resolve screened VCFs, show the
annotate batches, gather report parts. The workflow's rules run it as shell jobs:

    il1rn-annot samplesheet resolve --samples SHEET.tsv [--screen-vcf JOINT.vcf.gz ...] -o OUT.tsv
    il1rn-annot samplesheet plan --samples SHEET.tsv [--batch-size 200] [--cores N] [--annotations DIR]
    il1rn-annot samplesheet collect-reports PART_DIR ... -o results/reports [--summary TSV] [--no-pdf]

(`python -m il1rn_annot.workflow.cli ...` runs the same without the installed script.) The work
is done in `workflow.sheet` (resolve), `workflow.batches` (plan) and `workflow.report_parts`
(collect-reports); this module only parses the arguments and prints.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from il1rn_annot.errors import Il1rnAnnotError
from il1rn_annot.workflow.batches import DEFAULT_BATCH_SIZE, make_plan, read_finished_batches
from il1rn_annot.workflow.report_parts import collect_reports
from il1rn_annot.workflow.screen_vcfs import screened_in_several_text
from il1rn_annot.workflow.sheet import write_resolved_sheet


def _write_tsv(rows: list[dict[str, Any]], columns: list[str], handle: Any) -> None:
    writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Run `il1rn-annot samplesheet ARGV`; 0 when done, 2 when the sheet, a screened VCF or a
    report part is refused (the reasons printed)."""
    parser = argparse.ArgumentParser(
        prog="il1rn-annot samplesheet", description="Check a sample sheet, resolve screened VCFs, show batches."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("resolve", "write the resolved sheet (sample, vcf) of every pair to screen"),
        ("plan", "print the batches (one annotate job each)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--samples", default="", help="sample sheet (TSV with columns sample, vcf)")
        p.add_argument(
            "--screen-vcf",
            action="append",
            default=[],
            metavar="VCF",
            help="joint VCF whose every sample is screened (repeatable)",
        )
        p.add_argument("--schema", help="JSON Schema (YAML) for one sheet row")
        p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        if name == "resolve":
            p.add_argument("-o", "--output", required=True)
        else:
            p.add_argument(
                "--cores", type=int, default=1, help="annotate jobs run at once (the workflow's --cores on a local run)"
            )
            p.add_argument(
                "--annotations",
                metavar="DIR",
                help="keep the finished batches of DIR (results/annotations), as the workflow does",
            )
    col = sub.add_parser("collect-reports", help="gather report part folders into one folder (hard links)")
    col.add_argument("parts", nargs="+", metavar="DIR")
    col.add_argument("-o", "--output", required=True)
    col.add_argument("--summary", metavar="TSV", help="cohort summary.tsv: every report it links must be collected")
    col.add_argument("--no-pdf", action="store_true", help="the reports were written without PDFs")
    args = parser.parse_args(argv)
    try:
        if args.command == "collect-reports":
            written = collect_reports(args.parts, args.output, args.summary, pdf=not args.no_pdf)
            print(f"{len(written)} report file(s) from {len(args.parts)} part(s) -> {args.output}", file=sys.stderr)
            return 0
        finished = read_finished_batches(args.annotations) if getattr(args, "annotations", None) else None
        plan = make_plan(
            args.samples or None,
            args.screen_vcf,
            args.batch_size,
            schema=args.schema,
            parallel=getattr(args, "cores", 1),
            finished=finished,
        )
    except Il1rnAnnotError as exc:
        print(f"il1rn-annot: error: {exc}", file=sys.stderr)
        return 2
    for line in screened_in_several_text(plan.screened_in_several):
        print(f"il1rn-annot: warning: {line}", file=sys.stderr)
    if args.command == "resolve":
        write_resolved_sheet(plan, args.output)
        print(
            f"{len(plan.rows)} (sample, vcf) pairs, {len(plan.samples)} samples, "
            f"{sum(len(b.inputs) for b in plan.batches)} files -> {args.output}",
            file=sys.stderr,
        )
    else:
        rows = [
            {"batch": b.index, "input": p, "output_name": n}
            for b in plan.batches
            for p, n in zip(b.inputs, b.output_names(), strict=True)
        ]
        _write_tsv(rows, ["batch", "input", "output_name"], sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
