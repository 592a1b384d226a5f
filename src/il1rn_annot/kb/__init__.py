"""The knowledge base: the curated facts (conditions, alleles, references) and the locus model they hang on."""
