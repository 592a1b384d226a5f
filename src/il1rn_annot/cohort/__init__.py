"""The cohort summary: every sample accounted for, allele frequencies, the summary HTML."""
