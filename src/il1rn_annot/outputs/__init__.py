"""Writing results: atomic output sets, annotated VCF, TSV and JSON, provenance, file names."""
