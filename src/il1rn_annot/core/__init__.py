"""The annotation and interpretation logic, free of file formats.

alleles -> hgvs, consequence, classify -> genotypes -> per-sample interpretation: `interpret`
decides a sample's status, built on `phase` (trans or cis, by the sample's calls or its
parents'), `coverage_notes` (what the called locus allows) and `allele_words` (how an allele
reads in a sentence). `vocabulary` names the statuses, classifications and deletion kinds.
"""
