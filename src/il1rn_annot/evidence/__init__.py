"""Population frequency (gnomAD) and ClinVar from the laboratory's local, indexed copies.

`resource` opens a file and checks its index and build, `population` and `clinvar` read their
records, `match` finds a called allele among them by normalised change, `load` reads a run's
resources once, `apply` adds the evidence to an allele's annotation (the thresholds are in
`core.frequency_rules`).
"""
