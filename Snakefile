# il1rn-annot workflow: find and interpret IL1RN variants (DIRA) in a cohort of VCFs.
#
#   snakemake --cores 4                               # the cohort in config/config.yaml
#   snakemake --cores 4 --config samples=run42.tsv    # another sample sheet
#   snakemake --profile profiles/slurm                # on a SLURM cluster
#   snakemake --report report.zip                     # browsable report of the results
#
# Configuration: config/config.yaml (explained in config/README.md). The logic lives in
# the il1rn_annot package; the rules call the `il1rn-annot` command line.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "schemas/config.schema.yaml")


report: "snakemake_report/workflow.rst"


include: "rules/common.smk"


validate(sheet_table(), "schemas/samples.schema.yaml")


include: "rules/annotate.smk"
include: "rules/cohort.smk"
include: "rules/report.smk"


onsuccess:
    end_rate_limit_timers()


onerror:
    end_rate_limit_timers()


rule all:
    default_target: True
    input:
        rules.cohort.output,
        report_targets,
