"""Annotating one input VCF end to end: scan its locus records, interpret its samples, write its outputs."""
