"""il1rn-annot: find, annotate and interpret IL1RN-locus variants and deletions.

The subpackages follow the data as it flows:

    kb/            the knowledge base and the locus model it hangs on
    vcf/           open the input VCF, check its index and genome build, fetch the locus records
    core/          alleles -> HGVS, consequence, classification -> genotypes -> per-sample interpretation
    annotate_vcf/  one input end to end: scan the locus, interpret its samples, write its outputs
    outputs/       annotated VCF, TSV and JSON written atomically, with provenance
    report/        the per-sample lab report (HTML and PDF)
    cohort/        the cohort summary: every sample accounted for
    workflow/      what the Snakemake workflow needs: sample sheet, batches, report parts

`cli.py` is the `il1rn-annot` command line; `errors.py` the error types every layer raises.
"""

__version__ = "0.1.0"
TOOL_NAME = "il1rn-annot"
