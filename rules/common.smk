# Helpers shared by the rules: the sample plan (sheet + screened VCFs, in batches) and the
# input functions. The logic lives in il1rn_annot.workflow (sheet: the sample sheet and screened
# VCFs; batches: the annotate batches; report_parts: the report jobs); this file only wires it up.
import os
import shlex

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake_interface_executor_plugins.settings import ExecMode

from il1rn_annot.workflow.batches import make_plan, read_finished_batches
from il1rn_annot.workflow.report_parts import (
    PARTS_RECORD,
    lab_logo,
    missing_collected_reports,
    read_statuses,
    report_part_count,
    report_statuses,
)
from il1rn_annot.workflow.config_files import missing_config_files
from il1rn_annot.workflow.screen_vcfs import screened_in_several_text
from il1rn_annot.workflow.sheet import (
    SampleSheetError,
    case_clashes,
    safe_name_map,
)

SAMPLES_SCHEMA = os.path.join(workflow.basedir, "schemas", "samples.schema.yaml")
RESOLVED_SHEET = "results/samplesheet/resolved_sheet.tsv"
ANNOTATIONS_DIR = "results/annotations"
COHORT_DIR = "results/cohort"
REPORTS_DIR = "results/reports"
REPORT_PARTS_DIR = "results/report_parts"


def local_parallelism():
    """Annotate (and report) jobs that run at once: --cores of a local run, else 1.

    1 when the jobs go to a cluster, and inside a cluster job, which re-reads this file: its
    batch plan must be exactly the submitting process's. Asked when Snakemake builds the DAG,
    when the executor is known; a dry run (Snakemake's own executor) and `--report` go by the
    command line instead: a cluster executor needs --jobs (profiles/slurm sets it), a local
    run is given --cores.
    """
    if workflow.exec_mode != ExecMode.DEFAULT:
        return 1
    plugin = workflow.executor_plugin
    settings = plugin.common_settings if plugin is not None else None
    if settings is not None and not (settings.dryrun_exec or settings.touch_exec):
        if not settings.local_exec:
            return 1
    elif workflow.resource_settings.nodes is not None:
        return 1
    try:
        return max(1, int(workflow.resource_settings.cores))
    except (TypeError, ValueError):
        return 1


def load_plan():
    """Read and check the sample sheet and screened VCFs; refuse them with row and column."""
    try:
        return make_plan(
            config["samples"] or None,
            config["screen_vcfs"],
            config["batch_size"],
            schema=SAMPLES_SCHEMA,
        )
    except SampleSheetError as exc:
        raise WorkflowError(f"invalid sample sheet or screen_vcfs:\n{exc}") from None


PLAN = load_plan()
_MISSING = missing_config_files(config)
if _MISSING:
    raise WorkflowError(
        "configured file(s) not found (relative paths are read from the folder Snakemake runs in):\n  "
        + "\n  ".join(_MISSING)
        + "\nfix the path in the configuration (or on the command line) and run again"
    )
for first, second in case_clashes(PLAN.sample_of_safe):
    logger.warning(
        f"samples {first!r} and {second!r} differ only in upper/lower case: their report "
        "files clash on case-insensitive file systems (macOS, Windows shares)"
    )
if PLAN.screened_but_in_sheet:
    logger.warning(
        "screen_vcfs: samples also listed in the sample sheet keep only their sheet files: "
        + ", ".join(PLAN.screened_but_in_sheet)
    )
for line in screened_in_several_text(PLAN.screened_in_several):
    logger.warning(line)
_BATCHED = {}


def batched_plan():
    """The plan with its annotate batches: full rounds of equal jobs on the local cores,
    finished batches kept. Made once, when Snakemake first asks (building the DAG)."""
    if not _BATCHED:
        _BATCHED["parallel"] = local_parallelism()
        PLAN.rebatch(
            config["batch_size"],
            _BATCHED["parallel"],
            read_finished_batches(ANNOTATIONS_DIR),
        )
    return PLAN


def parallel_jobs():
    batched_plan()
    return _BATCHED["parallel"]


def sheet_table():
    """The resolved sheet as a data frame, for snakemake.utils.validate."""
    import pandas as pd

    return pd.DataFrame(PLAN.table(), columns=["sample", "vcf"])


def optional_file(key):
    """A configured optional path as a one-element list, or [] when it is not set."""
    return [config[key]] if config[key] else []


SHIPPED_KB = os.path.join(workflow.basedir, "resources", "knowledge_base")


def kb_dir():
    """The knowledge base every step reads: `knowledge_base:`, else $IL1RN_ANNOT_KB, else the
    one shipped in resources/knowledge_base/ (relative to the working folder when inside it).

    Always passed to the steps with --kb, so that the files Snakemake watches are the files
    the steps read (an installed package would otherwise look for its own copy)."""
    kb = config["knowledge_base"] or os.environ.get("IL1RN_ANNOT_KB", "")
    if kb:
        return kb
    relative = os.path.relpath(SHIPPED_KB)
    return SHIPPED_KB if relative.startswith("..") else relative


def kb_files():
    """Files of the knowledge base (so that editing them, the shipped ones too, re-runs the steps)."""
    kb = kb_dir()
    if not os.path.isdir(kb):
        raise WorkflowError(f"knowledge_base: not a directory: {kb}")
    return sorted(
        os.path.join(root, name)
        for root, _dirs, names in os.walk(kb)
        for name in names
        if not name.startswith(".")
    )


def file_identity(paths):
    """`path size mtime_ns` of each file, one per line: a rule's params, so that Snakemake
    re-runs the rule when an input is replaced by other content, also with an OLDER mtime
    (`cp -p`, `rsync -a`), which its mtime trigger alone does not notice. Missing files are
    left to Snakemake's own check."""
    lines = []
    for path in dict.fromkeys(paths):
        try:
            info = os.stat(path)
        except OSError:
            continue
        lines.append(f"{path} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(lines)


def cli_options(*pairs):
    """Shell-quoted `--option value` pairs for the set config keys."""
    words = []
    for option, key in pairs:
        if config[key]:
            words += [option, str(config[key])]
    return " ".join(shlex.quote(word) for word in words)


def kb_options():
    return join_options(
        f"--kb {shlex.quote(kb_dir())}",
        cli_options(("--extra-variants", "extra_variants")),
    )


def join_options(*parts):
    return " ".join(part for part in parts if part)


def batch_inputs(wildcards):
    try:
        return list(batched_plan().batch(wildcards.i).inputs)
    except KeyError as exc:
        raise WorkflowError(str(exc)) from None


def evidence_files():
    """The population VCFs and the ClinVar VCF with their indexes: a replaced resource (a new
    gnomAD or ClinVar release) re-runs the annotation."""
    files = list(config["population_vcfs"] or []) + optional_file("clinvar_vcf")
    indexes = [
        f"{path}{suffix}"
        for path in files
        for suffix in (".tbi", ".csi")
        if os.path.exists(f"{path}{suffix}")
    ]
    return files + indexes


def evidence_options():
    """--population-vcf for each population VCF, --clinvar-vcf for the ClinVar file."""
    words = []
    for path in config["population_vcfs"] or []:
        words += ["--population-vcf", str(path)]
    if config["clinvar_vcf"]:
        words += ["--clinvar-vcf", str(config["clinvar_vcf"])]
    return " ".join(shlex.quote(word) for word in words)


def annotate_identity(wildcards):
    """file_identity of everything an annotate batch reads but no rule makes."""
    return file_identity(
        batch_inputs(wildcards)
        + optional_file("reference")
        + optional_file("extra_variants")
        + evidence_files()
        + kb_files()
    )


def lab_files():
    """The lab settings file and the logo it names (the logo is read into every report)."""
    files = optional_file("lab_config")
    if files:
        files += lab_logo(files[0])
    return files


def batch_dirs(wildcards=None):
    """The annotate batches' folders (an input function: the plan is made with the DAG)."""
    return expand(
        f"{ANNOTATIONS_DIR}/batch_{{i}}", i=[b.index for b in batched_plan().batches]
    )


def manifests(batch_dirs):
    return [os.path.join(d, "manifest.json") for d in batch_dirs]


def annotate_threads(wildcards):
    """config joint_vcf_threads for a batch holding a joint VCF big enough to be read in
    parallel (il1rn_annot.annotate_vcf.scan.PARALLEL_MIN_SAMPLES samples in the plan), else 1.
    """
    from il1rn_annot.annotate_vcf.scan import PARALLEL_MIN_SAMPLES

    counts = batched_plan().samples_per_input()
    files = batched_plan().batch(wildcards.i).inputs
    if any(counts.get(path, 0) >= PARALLEL_MIN_SAMPLES for path in files):
        return config["joint_vcf_threads"]
    return 1


def annotate_runtime(wildcards, attempt):
    """Minutes: 20 plus one per file (un-indexed whole-genome VCFs are streamed)."""
    return attempt * (20 + len(batched_plan().batch(wildcards.i).inputs))


_SUMMARY_CACHE = {}


def summary_samples():
    """sample -> dira_status(es) in the cohort summary (waits for the cohort step).

    Read once per version of the file: `--report` asks for the labels of every report file.
    """
    path = checkpoints.cohort.get().output.summary
    key = (path, os.stat(path).st_mtime_ns)
    if key not in _SUMMARY_CACHE:
        _SUMMARY_CACHE.clear()
        _SUMMARY_CACHE[key] = read_statuses(path)
    return _SUMMARY_CACHE[key]


REPORT_STATUSES = report_statuses(config["reports"])
if not REPORT_STATUSES and os.path.isdir(REPORTS_DIR):
    # reports: none makes no report job, so Snakemake never touches the folder again: its
    # reports stay as an earlier run left them even when this run changes a result
    logger.warning(
        f"reports: none: {REPORTS_DIR}/ holds lab reports of an earlier run, which this run "
        "does not update and the cohort summary does not link: they may not match the "
        "results; remove the folder, or run with reports: flagged or all"
    )


def chosen_samples():
    """Samples that get a lab report, chosen from the cohort summary by `reports:` (in summary
    order: the order `il1rn-annot report --samples-from ... --statuses ...` takes them in).
    """
    wanted = set(REPORT_STATUSES)
    return [s for s, found in summary_samples().items() if wanted & set(found)]


def report_parts(wildcards):
    """The report jobs' output folders: `reports:` samples in parts of at most
    report_batch_size, at least one per local core (each part is one process); as many parts
    as last time when the reports were written for as many samples."""
    if not REPORT_STATUSES:
        return []
    n = report_part_count(
        len(chosen_samples()), config["report_batch_size"], parallel_jobs(), REPORTS_DIR
    )
    return expand(f"{REPORT_PARTS_DIR}/part_{{k}}_of_{{n}}", k=range(1, n + 1), n=n)


def report_targets(wildcards):
    """The lab reports folder, when `reports:` chooses any sample of the cohort summary."""
    if not report_parts(wildcards):
        return []
    check_collected_reports()
    return [REPORTS_DIR]


def check_collected_reports():
    """Fail the run (also `-n`) when results/reports/, collected and not about to be collected
    again, lacks a report the cohort summary links (deleted or emptied since).

    Why: the folder is one Snakemake output (the reports are chosen by a checkpoint), so
    Snakemake sees a deleted file in it as nothing to do. Asked while the plan is built, as
    `onstart` runs only when there are jobs; a few stat calls per report, no file read.
    """
    stamp = os.path.join(REPORTS_DIR, ".snakemake_timestamp")
    summary = checkpoints.cohort.get().output.summary
    settings = workflow.dag_settings
    if settings is not None and (settings.forceall or settings.forcerun):
        return
    try:
        if os.stat(summary).st_mtime_ns > os.stat(stamp).st_mtime_ns:
            return  # a new summary: the folder is collected again
    except OSError:
        return  # never collected (or removed): Snakemake makes it
    if os.path.isdir(REPORT_PARTS_DIR) and any(
        not name.startswith(".") for name in os.listdir(REPORT_PARTS_DIR)
    ):
        return  # report parts not yet gathered: the folder is collected again
    if collected_sample_count() != len(chosen_samples()):
        return  # other samples chosen (`reports:` changed): the folder is collected again
    missing = missing_collected_reports(summary, REPORTS_DIR)
    if missing:
        raise WorkflowError(
            f"{REPORTS_DIR} lacks reports the cohort summary links (deleted or emptied "
            "since the last run):\n  "
            + "\n  ".join(missing)
            + "\nThe folder is one output of the workflow: write it again with "
            "`snakemake --cores N --forcerun collect_reports` (or remove the folder and run again)."
        )


def collected_sample_count():
    """How many samples' reports the last collect_reports gathered (its .parts.json), or None."""
    import json

    try:
        with open(os.path.join(REPORTS_DIR, PARTS_RECORD), encoding="utf-8") as handle:
            return json.load(handle)["samples"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def report_file_sample(wildcards):
    """The real sample ID behind a report file's name (`{name}.report.{ext}`)."""
    names = safe_name_map(summary_samples())
    return names.get(wildcards.name, wildcards.name)


def report_file_status(wildcards):
    """The sample's dira_status from the cohort summary (for the Snakemake report)."""
    statuses = summary_samples().get(report_file_sample(wildcards), ["not in summary"])
    return ", ".join(statuses)


def report_file_labels(wildcards):
    return {
        "sample": report_file_sample(wildcards),
        "DIRA status": report_file_status(wildcards),
        "file": wildcards.ext.upper(),
    }


def end_rate_limit_timers():
    """Cancel the timers Snakemake's job-rate limiter left running (onsuccess / onerror).

    Why: every scheduling round starts a `threading.Timer` of the limit's timespan
    (`--max-jobs-per-timespan`, 1 s by default and at least 1 s, as "100ms" is read as 100
    minutes) to look at the queue again; the timers are not daemon threads, so the process
    waited up to 1 s after its last job before it exited: ~10 % of a 1,000-file run
    (benchmarks/README.md, issue 19). When the workflow has ended there is no queue left
    to look at; cancelling them ends the process at once. Nothing else is stopped.
    """
    import threading

    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()
