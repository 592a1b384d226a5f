"""The annotation and interpretation logic, free of file formats: alleles, HGVS, consequence, classification, genotypes, per-sample interpretation."""
