rule report:
    """A sample's lab report (HTML and PDF), for the samples chosen by `reports:`."""
    input:
        jsons=report_jsons,
        lab_config=optional_file("lab_config"),
        extra_variants=optional_file("extra_variants"),
        kb=kb_files(),
    output:
        html=report(
            f"{REPORTS_DIR}/{{sample}}.report.html",
            caption="../report/lab_report.rst",
            category="2. Lab reports",
            subcategory=sample_status,
            labels=report_labels("HTML"),
        ),
        pdf=report(
            f"{REPORTS_DIR}/{{sample}}.report.pdf",
            caption="../report/lab_report.rst",
            category="2. Lab reports",
            subcategory=sample_status,
            labels=report_labels("PDF"),
        ),
    log:
        "logs/report/{sample}.log",
    benchmark:
        "logs/benchmarks/report/{sample}.tsv"
    wildcard_constraints:
        sample=r"[A-Za-z0-9][A-Za-z0-9._-]*",
    conda:
        "../envs/il1rn-annot.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 10 * attempt,
    params:
        sample=report_sample,
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        options=join_options(
            kb_options(),
            cli_options(("--lab-config", "lab_config"), ("--date", "report_date")),
        ),
    shell:
        "il1rn-annot report {input.jsons:q} --sample {params.sample:q}"
        " -o {params.outdir:q} {params.options} > {log:q} 2>&1"
