"""What interpreting one sample produces: its status, sentence and evidence, with the findings
behind them (`SampleResult`).

`core.interpret` fills it in; `annotate_vcf.write_results` stores it in NAME.il1rn.json and the
sample-status TSV, the cohort summary stores its status/sentence/evidence in summary.tsv, and the
lab report reads it back from there (`outputs.read_summary`). Kept apart from the rules so that
the writers and readers of a result need not import them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: how `SampleResult.locus_called` reads in tables and reports
LOCUS_CALLED_TEXT = {True: "yes", False: "no", None: "unknown"}


@dataclass
class SampleResult:
    sample: str
    dira_status: str
    status_sentence: str
    evidence: str
    locus_called: bool | None
    pathogenic_alleles: list[str] = field(default_factory=list)
    other_alleles: list[str] = field(default_factory=list)
    association_alleles: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: other cluster genes a deletion removes whose loss matters for this zygosity (their own condition)
    removed_genes_with_conditions: list[str] = field(default_factory=list)
    #: locus records with a half-called genotype for this sample (0/., ./1): stored so that the
    #: cohort's pooled interpretation (`interpret_pooled`), read back from the JSON, says the same
    partial_records: int = 0
    #: what the input(s) show about the locus itself (`core.coverage`): kind, CDS fraction, thresholds
    coverage: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
