"""il1rn-annot: find, annotate and interpret IL1RN-locus variants and deletions.

The package follows the data as it flows:

    read_vcf -> locate -> annotate (locus_model, hgvs, consequence, knowledge)
             -> interpret -> write_outputs -> report -> cohort
"""

__version__ = "0.1.0"
TOOL_NAME = "il1rn-annot"
