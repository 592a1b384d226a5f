rule annotate:
    """Annotate one batch of input files (a bad file is recorded, the others go on)."""
    input:
        vcfs=batch_inputs,
        reference=optional_file("reference"),
        extra_variants=optional_file("extra_variants"),
        evidence=evidence_files(),
        kb=kb_files(),
    output:
        batch=directory("results/annotations/batch_{i}"),
    log:
        "logs/annotate/batch_{i}.log",
    benchmark:
        "logs/benchmarks/annotate/batch_{i}.tsv"
    wildcard_constraints:
        i=r"\d+",
    conda:
        "../envs/il1rn-annot.yaml"
    threads: annotate_threads
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=annotate_runtime,
    params:
        manifest=lambda wildcards, output: os.path.join(output.batch, "manifest.json"),
        min_gq=config["coverage_min_gq"],
        min_depth=config["coverage_min_depth"],
        min_cds_fraction=config["coverage_min_cds_fraction"],
        per_input=config["per_input_files"],
        options=join_options(
            cli_options(
                ("--build", "build"),
                ("--reference", "reference"),
                ("--date", "report_date"),
            ),
            # only when set: the default adds nothing, so existing results are not re-run for it
            "--checksum full" if config.get("checksum") == "full" else "",
            kb_options(),
            evidence_options(),
        ),
        # not used by the command: Snakemake re-runs the job when it changes (see docs/reruns.md)
        identity=annotate_identity,
    shell:
        "il1rn-annot annotate {input.vcfs:q} -o {output.batch:q}"
        " --keep-going --manifest {params.manifest:q} --threads {threads} {params.options}"
        " --per-input {params.per_input} --batch-tables"
        " --min-gq {params.min_gq} --min-depth {params.min_depth} --min-cds-fraction {params.min_cds_fraction}"
        " > {log:q} 2>&1"
