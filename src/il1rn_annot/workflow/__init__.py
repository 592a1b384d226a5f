"""What the Snakemake workflow needs from Python, in the order a run needs it: `sheet` (the
sample sheet and screened VCFs), `batches` (the annotate jobs), `report_parts` (the report
jobs after the cohort step), and `cli` (`il1rn-annot samplesheet`, which the rules run).

Imports nothing: Snakemake imports these modules while it builds the DAG."""
