# Helpers shared by the rules: the sample plan (sheet + screened VCFs, in batches) and the
# input functions. The logic lives in il1rn_annot.samplesheet; this file only wires it up.
import os
import shlex

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from il1rn_annot import samplesheet

SAMPLES_SCHEMA = os.path.join(workflow.basedir, "schemas", "samples.schema.yaml")
RESOLVED_SHEET = "results/samplesheet/samples.tsv"
COHORT_DIR = "results/cohort"
REPORTS_DIR = "results/reports"


def load_plan():
    """Read and check the sample sheet and screened VCFs; refuse them with row and column."""
    try:
        return samplesheet.make_plan(
            config["samples"] or None,
            config["screen_vcfs"],
            config["batch_size"],
            schema=SAMPLES_SCHEMA,
        )
    except samplesheet.SampleSheetError as exc:
        raise WorkflowError(f"invalid sample sheet or screen_vcfs:\n{exc}") from None


PLAN = load_plan()
for first, second in samplesheet.case_clashes(PLAN.sample_of_safe):
    logger.warning(
        f"samples {first!r} and {second!r} differ only in upper/lower case: their report "
        "files clash on case-insensitive file systems (macOS, Windows shares)"
    )
if PLAN.screened_but_in_sheet:
    logger.warning(
        "screen_vcfs: samples also listed in the sample sheet keep only their sheet files: "
        + ", ".join(PLAN.screened_but_in_sheet)
    )
BATCHES = [str(batch.index) for batch in PLAN.batches]


def sheet_table():
    """The resolved sheet as a data frame, for snakemake.utils.validate."""
    import pandas as pd

    return pd.DataFrame(PLAN.table(), columns=["sample", "vcf"])


def optional_file(key):
    """A configured optional path as a one-element list, or [] when it is not set."""
    return [config[key]] if config[key] else []


def kb_files():
    """Files of a configured knowledge-base directory (so that editing them re-runs the steps)."""
    kb = config["knowledge_base"]
    if not kb:
        return []
    if not os.path.isdir(kb):
        raise WorkflowError(f"knowledge_base: not a directory: {kb}")
    return sorted(
        os.path.join(root, name)
        for root, _dirs, names in os.walk(kb)
        for name in names
        if not name.startswith(".")
    )


def cli_options(*pairs):
    """Shell-quoted `--option value` pairs for the set config keys."""
    words = []
    for option, key in pairs:
        if config[key]:
            words += [option, str(config[key])]
    return " ".join(shlex.quote(word) for word in words)


def kb_options():
    return cli_options(
        ("--kb", "knowledge_base"), ("--extra-variants", "extra_variants")
    )


def join_options(*parts):
    return " ".join(part for part in parts if part)


def batch_inputs(wildcards):
    try:
        return list(PLAN.batch(wildcards.i).inputs)
    except KeyError as exc:
        raise WorkflowError(str(exc)) from None


def batch_dirs():
    return expand("results/annotations/batch_{i}", i=BATCHES)


def manifests(batch_dirs):
    return [os.path.join(d, "manifest.json") for d in batch_dirs]


def annotate_runtime(wildcards, attempt):
    """Minutes: 20 plus one per file (un-indexed whole-genome VCFs are streamed)."""
    return attempt * (20 + len(PLAN.batch(wildcards.i).inputs))


_SUMMARY_CACHE = {}


def summary_samples():
    """sample -> dira_status(es) in the cohort summary (waits for the cohort step).

    Read once per version of the file: report jobs and `--report` labels ask per sample.
    """
    path = checkpoints.cohort.get().output.summary
    key = (path, os.stat(path).st_mtime_ns)
    if key not in _SUMMARY_CACHE:
        _SUMMARY_CACHE.clear()
        _SUMMARY_CACHE[key] = samplesheet.read_statuses(path)
    return _SUMMARY_CACHE[key]


def report_sample(wildcards):
    """The real sample ID behind a report's file-safe name."""
    try:
        return PLAN.sample_for(wildcards.sample)
    except KeyError:
        pass
    # a sample the cohort step added (another sample of a joint VCF the sheet names)
    for sample in summary_samples():
        if samplesheet.safe_name(sample) == wildcards.sample:
            return sample
    raise WorkflowError(
        f"results/reports/{wildcards.sample}.report.html: no sample of the sample sheet, "
        "the screened VCFs or the cohort summary has this file name"
    )


def report_jsons(wildcards):
    """The annotation JSON files holding the sample (available once the cohort step ran)."""
    checkpoints.cohort.get()
    sample = report_sample(wildcards)
    if sample in PLAN.inputs_of:
        jsons = samplesheet.annotation_jsons(
            manifests(
                expand("results/annotations/batch_{i}", i=PLAN.batches_of(sample))
            ),
            PLAN.inputs_of[sample],
        )
    else:
        jsons = samplesheet.annotation_jsons(manifests(batch_dirs()), sample=sample)
    if not jsons:
        raise WorkflowError(
            f"no readable annotation holds sample {sample!r}: every input listed for it "
            "failed (see results/cohort/summary.tsv)"
        )
    return jsons


def sample_status(wildcards):
    """The sample's dira_status from the cohort summary (for the Snakemake report)."""
    statuses = summary_samples().get(report_sample(wildcards), ["not in summary"])
    return ", ".join(statuses)


def report_labels(kind):
    return lambda wildcards: {
        "sample": report_sample(wildcards),
        "DIRA status": sample_status(wildcards),
        "file": kind,
    }


def report_targets(wildcards):
    """Per-sample lab reports to write, chosen from the cohort summary by `reports:`."""
    if config["reports"] == "none":
        return []
    summary = checkpoints.cohort.get().output.summary
    chosen = samplesheet.flagged_samples(summary, config["reports"])
    names = samplesheet.safe_name_map(chosen)
    return expand(
        "{dir}/{sample}.report.{ext}",
        dir=REPORTS_DIR,
        sample=names,
        ext=["html", "pdf"],
    )
