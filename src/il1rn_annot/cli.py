"""Command line: `il1rn-annot annotate | report | cohort | kb`.

Thin by design: parse arguments, call the package, turn the project's own errors into one
clear line on stderr (exit 2). Anything else is a bug and says so (exit 3) instead of
printing a bare traceback at a clinician.
"""

from __future__ import annotations

import os

# numpy's OpenBLAS starts a thread per core at import and sizes its buffers for them: ~35 ms
# of CPU and up to ~0.1 s of wall time at every start on this machine, for matrix routines
# the tool never calls. One thread unless the user chose otherwise; set before anything
# imports numpy (issue 19).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import sys
import traceback
from collections.abc import Callable

from il1rn_annot import TOOL_NAME, __version__
from il1rn_annot.errors import Il1rnAnnotError
from il1rn_annot.kb.load import load_knowledge_base
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.atomic import WRITE_ONLY_ERRNOS
from il1rn_annot.runtime import ends_without_teardown, exit_without_teardown, keep_freed_memory


def _kb_from(args: argparse.Namespace) -> KnowledgeBase:
    return load_knowledge_base(getattr(args, "kb", None), getattr(args, "extra_variants", None))


def _add_kb_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", help="knowledge-base directory (default: the shipped one)")
    parser.add_argument(
        "--extra-variants", metavar="YAML", help="a lab's own curated variants file, added to the knowledge base"
    )


def cmd_annotate(args: argparse.Namespace) -> int:
    from il1rn_annot.annotate_vcf.command import annotate_main

    return annotate_main(args, _kb_from(args))


def cmd_kb(args: argparse.Namespace) -> int:
    kb = _kb_from(args)
    if args.json:
        print(json.dumps(kb.summary(), indent=2, ensure_ascii=False))
        return 0
    from il1rn_annot.kb.describe import describe

    print(describe(kb))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from il1rn_annot.lab_report.command import report_main

    return report_main(args, _kb_from(args))


def cmd_cohort(args: argparse.Namespace) -> int:
    from il1rn_annot.cohort.write import cohort_main

    return cohort_main(args, _kb_from(args))


def cmd_samplesheet(args: argparse.Namespace) -> int:
    from il1rn_annot.workflow.cli import main as samplesheet_main

    return samplesheet_main(args.rest)


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse `type` for a whole number >= `minimum`: text that is not one (or is smaller)
    gets the same specific usage error, naming the bound and what was given."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum}, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1)
_whole_number = _int_at_least(0)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1 (e.g. 0.95), got {text!r}")
    return value


def _add_coverage_options(parser: argparse.ArgumentParser) -> None:
    """What makes a gVCF call or reference block confident, and how much of the CDS must be (coverage.py)."""
    from il1rn_annot.core.coverage import DEFAULT_MIN_CDS_FRACTION, DEFAULT_MIN_DP, DEFAULT_MIN_GQ

    parser.add_argument(
        "--min-gq",
        type=_whole_number,
        default=DEFAULT_MIN_GQ,
        metavar="N",
        help="gVCF: a call or reference block covers the CDS only with GQ >= N "
        f"(default {DEFAULT_MIN_GQ}, gnomAD's high-confidence genotype)",
    )
    parser.add_argument(
        "--min-depth",
        type=_whole_number,
        default=DEFAULT_MIN_DP,
        metavar="N",
        help=f"gVCF: ... and depth >= N (FORMAT/MIN_DP for blocks that have it, else DP; default {DEFAULT_MIN_DP})",
    )
    parser.add_argument(
        "--min-cds-fraction",
        type=_fraction,
        default=DEFAULT_MIN_CDS_FRACTION,
        metavar="F",
        help="gVCF: below this fraction of the IL1RN CDS confidently called, a sample without "
        f"findings is not_assessable (default {DEFAULT_MIN_CDS_FRACTION})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=TOOL_NAME,
        description=("Find, annotate and interpret IL1RN-locus variants and deletions (DIRA, 2q13) in VCF/BCF files."),
    )
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ann = sub.add_parser("annotate", help="annotate the IL1RN locus of one or more VCF/BCF files")
    ann.add_argument("inputs", nargs="+", metavar="INPUT", help="VCF, VCF.gz or BCF (gVCF accepted)")
    ann.add_argument("-o", "--outdir", required=True, help="output folder")
    ann.add_argument("--build", default="auto", help="auto (default: from the header), GRCh38 or GRCh37")
    ann.add_argument("--reference", metavar="FASTA", help="reference FASTA (whole genome or a chr2 locus extract)")
    ann.add_argument("--samples", metavar="S1,S2", help="only these samples")
    ann.add_argument(
        "--population-vcf",
        action="append",
        default=[],
        metavar="VCF",
        help="a bgzipped, indexed population VCF of the input's build (gnomAD v2.1.1/v3/v4 exomes, genomes or "
        "v4.1 joint); repeatable. Only the IL1RN window is read; BA1/BS1/PM2_Supporting use it "
        "(docs/classification.md)",
    )
    ann.add_argument(
        "--clinvar-vcf",
        metavar="VCF",
        help="the bgzipped, indexed ClinVar VCF of the input's build (vcf_GRCh38/ or vcf_GRCh37/): shown with "
        "review stars and release date beside each allele; never changes a classification",
    )
    ann.add_argument("--date", help="timestamp to record instead of now (reproducible outputs)")
    ann.add_argument(
        "--keep-going", action="store_true", help="with several inputs: record a bad input as input_error and go on"
    )
    ann.add_argument("--manifest", metavar="JSON", help="write a manifest of every input's outcome")
    ann.add_argument("--progress", action="store_true", help="show a progress bar for several inputs")
    ann.add_argument(
        "--per-input",
        choices=("all", "notable"),
        default="all",
        help="which inputs get NAME.il1rn.tsv, NAME.sample_status.tsv and NAME.il1rn.vcf.gz: all (default), "
        "or notable: those with a sample that is not no_pathogenic_variant_detected. NAME.il1rn.json is "
        "written for every input; see --batch-tables",
    )
    ann.add_argument(
        "--batch-tables",
        action="store_true",
        help="also write OUTDIR/alleles.tsv and OUTDIR/sample_status.tsv: every input's rows, after an "
        "'input' column (every sample of every input, input_error included)",
    )
    ann.add_argument(
        "--findings",
        choices=("auto", "all", "reportable"),
        default="auto",
        help="per-sample findings: every carried allele (all), or only alleles that bear on "
        "interpretation (reportable: P/LP, VUS, curated, association; likely-benign alleles are "
        "then counted per allele). auto = all up to 50 samples",
    )
    ann.add_argument(
        "--vcf-genotypes",
        choices=("auto", "all", "none"),
        default="auto",
        help="keep the genotype columns in NAME.il1rn.vcf.gz (auto = up to 100 samples; "
        "larger joint VCFs get a sites-only annotated VCF)",
    )
    ann.add_argument(
        "--full-parse",
        action="store_true",
        help="have htslib parse every locus record whole, every FORMAT value of every sample "
        "(a big joint VCF is otherwise read sites first, genotypes parsed whole only where they bear "
        "on interpretation and counted from the text elsewhere: same outputs, a malformed DP at a "
        "counted record is not reported; docs/outputs.md, 'Big joint VCFs')",
    )
    ann.add_argument(
        "--threads",
        type=_positive_int,
        metavar="N",
        help="most processes to read a joint VCF of 500+ samples with (default: the cores this "
        "process may use; Snakemake passes the rule's threads)",
    )
    ann.add_argument(
        "--checksum",
        choices=("auto", "full"),
        default="auto",
        help="how inputs are identified in provenance: auto = an indexed input by the SHA-256 of its "
        "header, index and locus blocks (no whole-file read), an unindexed one by its whole-file "
        "SHA-256 (read whole anyway); full = the whole-file SHA-256 of every input too (reads every "
        "byte: docs/outputs.md, 'What identifies an input')",
    )
    ann.add_argument(
        "--no-record-command",
        dest="record_command",
        action="store_false",
        help="record the tool name instead of the full command line (for path-independent outputs)",
    )
    _add_coverage_options(ann)
    _add_kb_options(ann)
    # the options that take a value: `annotate_vcf.command.input_command_line` keeps each value
    # whole, even one that names an input file
    value_options = frozenset(o for action in ann._actions if action.nargs != 0 for o in action.option_strings)
    ann.set_defaults(func=cmd_annotate, value_options=value_options)

    kbp = sub.add_parser("kb", help="show (and validate) the knowledge base")
    kbp.add_argument("--json", action="store_true", help="machine-readable output")
    _add_kb_options(kbp)
    kbp.set_defaults(func=cmd_kb)

    rep = sub.add_parser("report", help="write lab reports (HTML and PDF) of one or more samples, in one process")
    rep.add_argument("annotations", nargs="*", metavar="JSON", help="annotation JSON file(s) holding the sample(s)")
    rep.add_argument("--sample", action="append", default=[], help="sample ID (repeatable)")
    rep.add_argument(
        "--samples-from",
        metavar="SUMMARY_TSV",
        help="also report the samples of a cohort summary.tsv that have one of --statuses",
    )
    rep.add_argument(
        "--statuses",
        metavar="S1,S2",
        help="dira_status values chosen from --samples-from (default: consistent_with_DIRA,possible_DIRA,carrier)",
    )
    rep.add_argument(
        "--manifest",
        nargs="+",
        action="extend",
        default=[],
        metavar="JSON",
        help="annotate manifest(s): find each sample's JSONs (with --samples-from: its summary inputs)",
    )
    rep.add_argument("--part", metavar="K/N", help="only the K-th of N equal parts of the chosen samples")
    rep.add_argument(
        "--mother",
        metavar="SAMPLE",
        help="the sample's mother (in the given JSONs): her calls phase the sample's variants",
    )
    rep.add_argument("--father", metavar="SAMPLE", help="the sample's father (in the given JSONs), as --mother")
    rep.add_argument("-o", "--outdir", required=True)
    rep.add_argument("--lab-config", metavar="YAML", help="lab name, address, logo, reviewers, footer")
    rep.add_argument("--date", help="report date to print instead of today")
    rep.add_argument("--no-pdf", action="store_true", help="HTML only")
    rep.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="write every report into a hidden folder beside OUTDIR and put it in place as OUTDIR "
        "(replacing it) only when all are written, with .part.json listing them (the workflow's "
        "report parts: a job killed half-way leaves no OUTDIR)",
    )
    _add_kb_options(rep)
    rep.set_defaults(func=cmd_report)

    coh = sub.add_parser("cohort", help="summarise a cohort: every sample, allele frequencies, flagged samples")
    coh.add_argument(
        "--manifest", nargs="+", required=True, metavar="JSON", help="annotate manifest(s) listing each input's outcome"
    )
    coh.add_argument(
        "--sample-sheet",
        metavar="TSV",
        help="sample sheet (sample, vcf; optional mother, father): every row "
        "is accounted for, and named parents phase their child's variants",
    )
    coh.add_argument("-o", "--outdir", required=True)
    coh.add_argument("--reports-dir", default="", help="where per-sample reports are (for links)")
    coh.add_argument("--date", help="timestamp to record instead of now")
    _add_kb_options(coh)
    coh.set_defaults(func=cmd_cohort)

    ssp = sub.add_parser(
        "samplesheet", help="check a sample sheet, resolve screened VCFs, show batches", add_help=False
    )
    ssp.add_argument("rest", nargs=argparse.REMAINDER)
    ssp.set_defaults(func=cmd_samplesheet)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if words[:1] == ["samplesheet"]:
        # everything after the word goes to the samplesheet parser as it is: argparse's
        # REMAINDER would refuse a first argument that starts with '-' (`samplesheet --help`)
        args = argparse.Namespace(func=cmd_samplesheet, rest=words[1:])
    else:
        args = build_parser().parse_args(words)
        args.argv = words  # what provenance records (`main(argv)` is not the process's sys.argv)
    try:
        return int(args.func(args) or 0)
    except Il1rnAnnotError as exc:
        print(f"{TOOL_NAME}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{TOOL_NAME}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno not in WRITE_ONLY_ERRNOS:
            return _bug(exc)
        # a write that did not go through outputs.atomic: still a full/read-only disk, not a bug
        from il1rn_annot.outputs.atomic import output_error

        print(f"{TOOL_NAME}: error: {output_error(exc, exc.filename or 'an output')}", file=sys.stderr)
        return 2
    except Exception as exc:
        return _bug(exc)


def _bug(exc: BaseException) -> int:
    """A bug: say so plainly, keep the trace for the bug report (exit 3)."""
    print(
        f"{TOOL_NAME}: internal error ({type(exc).__name__}: {exc}); this is a bug, please report it "
        "with the command line (set IL1RN_ANNOT_DEBUG=1 for the traceback)",
        file=sys.stderr,
    )
    if os.environ.get("IL1RN_ANNOT_DEBUG"):
        traceback.print_exception(exc)
    return 3


def run() -> None:
    """The `il1rn-annot` command: `main`, then exit without the interpreter's teardown
    (`runtime.exit_without_teardown`: exit handlers run and streams are flushed; freeing every
    object one by one, ~25 ms after a forked child, is left to the kernel). Not in `main`,
    which tests call in one long process; nor is `runtime.keep_freed_memory`, a setting of
    the whole process.
    """
    keep_freed_memory()
    ends_without_teardown()
    exit_without_teardown(main())


if __name__ == "__main__":  # pragma: no cover
    run()
