"""The cohort summary (`il1rn-annot cohort`): every sample accounted for, allele frequencies, the summary page.

summary.py      which samples, from which files; one row each (interpreted once); sort order; build_cohort
frequencies.py  allele counts, allele_number, frequencies, call rate; samples by status and by evidence
html.py         summary.html: the charts, the sample tables, the cluster with the cohort's alleles
write.py        summary.tsv / alleles.tsv / summary.json / summary.html, and the command (cohort_main)
"""
