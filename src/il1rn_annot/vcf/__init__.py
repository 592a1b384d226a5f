"""Reading the input VCF: opening it, checking its index, genome build and limits, fetching the locus records."""
