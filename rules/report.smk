rule report:
    """Lab reports (HTML and PDF) of one part of the samples chosen by `reports:`, in one process."""
    input:
        summary=f"{COHORT_DIR}/summary.tsv",
        batches=batch_dirs,
        lab_config=optional_file("lab_config"),
        extra_variants=optional_file("extra_variants"),
        kb=kb_files(),
    output:
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
        manifests=lambda wildcards, input: manifests(input.batches),
        statuses=",".join(REPORT_STATUSES),
        options=join_options(
            kb_options(),
            cli_options(("--lab-config", "lab_config"), ("--date", "report_date")),
        ),
    shell:
        "il1rn-annot report --samples-from {input.summary:q} --statuses {params.statuses:q}"
        " --manifest {params.manifests:q} --part {wildcards.k}/{wildcards.n}"
        " -o {output.part:q} {params.options} > {log:q} 2>&1"


localrules:
    collect_reports,


rule collect_reports:
    """Gather the report parts into results/reports/ (hard links: no copy of the files)."""
    input:
        report_parts,
    output:
        reports=report(
            directory(REPORTS_DIR),
            patterns=["{name}.report.{ext}"],
            caption="../report/lab_report.rst",
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
        "il1rn-annot samplesheet collect-reports {input:q} -o {output.reports:q} > {log:q} 2>&1"
