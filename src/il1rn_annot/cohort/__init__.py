"""The cohort summary (`il1rn-annot cohort`): every sample accounted for, allele frequencies, the summary page.

sample_files.py  which samples are summarised, and which files each is read from (the sheet decides)
summary.py       one row per sample (pooled, interpreted once), sort order, the missing-sample check
frequencies.py   allele counts, allele_number, frequencies, call rate; samples by status and by evidence
html.py          summary.html: the charts, the sample tables, the cluster with the cohort's alleles
write.py         summary.tsv / alleles.tsv / summary.json / summary.html, and the command (cohort_main)
"""
