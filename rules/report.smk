rule report:
    """Lab reports (HTML and PDF) of one part of the samples chosen by `reports:`, in one process."""
    input:
        summary=f"{COHORT_DIR}/summary.tsv",
        batches=batch_dirs,
        lab_config=lab_files(),
        extra_variants=optional_file("extra_variants"),
        kb=kb_files(),
    output:
        # written whole or not at all (--all-or-nothing): a job killed half-way leaves no part
        # folder, so a rerun (with or without --rerun-incomplete) writes it again
        part=temp(directory(f"{REPORT_PARTS_DIR}/part_{{k}}_of_{{n}}")),
    log:
        "logs/report/part_{k}_of_{n}.log",
    benchmark:
        "logs/benchmarks/report/part_{k}_of_{n}.tsv"
    wildcard_constraints:
        k=r"\d+",
        n=r"\d+",
    conda:
        "../envs/il1rn-annot.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: attempt * (10 + config["report_batch_size"]),
    params:
        # not used by the command: Snakemake re-runs the job when it changes (see docs/reruns.md)
        identity=lambda wildcards: file_identity(
            lab_files() + optional_file("extra_variants") + kb_files()
        ),
        manifests=lambda wildcards, input: manifests(input.batches),
        statuses=",".join(REPORT_STATUSES),
        options=join_options(
            kb_options(),
            cli_options(("--lab-config", "lab_config"), ("--date", "report_date")),
        ),
    shell:
        "il1rn-annot report --samples-from {input.summary:q} --statuses {params.statuses:q}"
        " --manifest {params.manifests:q} --part {wildcards.k}/{wildcards.n}"
        " -o {output.part:q} --all-or-nothing {params.options} > {log:q} 2>&1"


localrules:
    collect_reports,


rule collect_reports:
    """Gather the report parts into results/reports/ (hard links: no copy of the files), and
    check that every report the cohort summary links is there (else the job fails)."""
    input:
        parts=report_parts,
        summary=f"{COHORT_DIR}/summary.tsv",
    output:
        reports=report(
            directory(REPORTS_DIR),
            patterns=["{name}.report.{ext}"],
            caption="../snakemake_report/lab_report.rst",
            category="2. Lab reports",
            subcategory=report_file_status,
            labels=report_file_labels,
        ),
    log:
        "logs/collect_reports.log",
    benchmark:
        "logs/benchmarks/collect_reports.tsv"
    conda:
        "../envs/il1rn-annot.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    shell:
        "il1rn-annot samplesheet collect-reports {input.parts:q} --summary {input.summary:q}"
        " -o {output.reports:q} > {log:q} 2>&1"
