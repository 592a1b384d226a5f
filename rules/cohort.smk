localrules:
    resolve_samples,


rule resolve_samples:
    """Write every (sample, vcf) pair to account for: the sheet plus screened VCFs.

    A shell job on purpose: Snakemake runs a `run:` rule in a new Snakemake process that
    parses the workflow and the plan again (~2.9 s of a core for 1,000 files, measured),
    where `il1rn-annot samplesheet resolve` takes ~0.4 s."""
    input:
        sheet=optional_file("samples"),
        screen=config["screen_vcfs"],
    output:
        RESOLVED_SHEET,
    log:
        "logs/resolve_samples.log",
    benchmark:
        "logs/benchmarks/resolve_samples.tsv"
    conda:
        "../envs/il1rn-annot.yaml"
    # no core of its own: ~0.2 s, it runs beside the annotate jobs instead of waiting for a
    # free core and then delaying the cohort step (issue 19)
    threads: 0
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        # not used by the command: Snakemake re-runs the job when it changes (see docs/reruns.md)
        identity=lambda wildcards: file_identity(
            optional_file("samples") + list(config["screen_vcfs"])
        ),
        args=lambda wildcards, input: " ".join(
            [f"--samples {shlex.quote(path)}" for path in input.sheet]
            + [f"--screen-vcf {shlex.quote(path)}" for path in input.screen]
        ),
    shell:
        "il1rn-annot samplesheet resolve {params.args} -o {output:q} > {log:q} 2>&1"


checkpoint cohort:
    """Summarise the cohort: every sample's status, allele counts, an HTML overview."""
    input:
        batches=batch_dirs,
        sheet=RESOLVED_SHEET,
        extra_variants=optional_file("extra_variants"),
        kb=kb_files(),
    output:
        summary=report(
            f"{COHORT_DIR}/summary.tsv",
            caption="../snakemake_report/summary_tsv.rst",
            category="1. Cohort",
            subcategory="Tables",
            labels={"file": "summary.tsv"},
        ),
        alleles=report(
            f"{COHORT_DIR}/alleles.tsv",
            caption="../snakemake_report/alleles_tsv.rst",
            category="1. Cohort",
            subcategory="Tables",
            labels={"file": "alleles.tsv"},
        ),
        html=report(
            f"{COHORT_DIR}/summary.html",
            caption="../snakemake_report/summary_html.rst",
            category="1. Cohort",
            subcategory="Overview",
            labels={"file": "summary.html"},
        ),
    log:
        "logs/cohort.log",
    benchmark:
        "logs/benchmarks/cohort.tsv"
    conda:
        "../envs/il1rn-annot.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 30 * attempt,
    params:
        identity=lambda wildcards: file_identity(
            optional_file("extra_variants") + kb_files()
        ),
        manifests=lambda wildcards, input: manifests(input.batches),
        outdir=lambda wildcards, output: os.path.dirname(output.summary),
        options=join_options(
            kb_options(),
            cli_options(("--date", "report_date")),
            "" if config["reports"] == "none" else f"--reports-dir {REPORTS_DIR}",
        ),
    shell:
        "il1rn-annot cohort --manifest {params.manifests:q} --sample-sheet {input.sheet:q}"
        " -o {params.outdir:q} {params.options} > {log:q} 2>&1"
