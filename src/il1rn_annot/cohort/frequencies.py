"""What the cohort counts: carriers and allele frequencies per allele, samples per status and by evidence.

`summary.build_cohort` hands every summary row to `AlleleCounts.add` (with the findings that row
may count), then asks it for the rows of alleles.tsv; `counts_by_status` and `counts_by_evidence`
count the rows themselves.

Allele frequencies. allele_number = 2 x samples with the locus called; a sample counts as
called when its locus_called is yes, or unknown: a variant-only single-sample VCF with no
record at the locus cannot show coverage, and is taken as homozygous reference (the usual
"absent = reference" reading of variant-only VCFs; gVCFs and joint VCFs answer the question
themselves). Samples with locus_called = no (no genotype at any locus record, a gVCF whose
confident calls cover too little of the CDS: core/coverage.py) and input_error samples are left
out of allele_number and of the counts.
call_rate = samples counted in allele_number / all samples. Cohorts mixing GRCh37 and GRCh38
inputs are counted per build (alleles are keyed by build and allele_id); a sample with no build
(no readable input) counts in every build's call-rate denominator.

One sample counts once per allele even if two of its files (two callers) report it, with the
zygosity of the most copies (`vocabulary.ALLELE_COPIES`).

By evidence. The negatives and not-assessable samples are also counted by what their inputs
show about the locus (`counts_by_evidence`): a gVCF negative and a variant-only negative are not
the same evidence.

Memory and speed: dictionaries keyed by build and allele, no pairwise work: linear in samples +
findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from il1rn_annot.core.allele_words import allele_label
from il1rn_annot.core.coverage import EVIDENCE_KEYS
from il1rn_annot.core.vocabulary import ALLELE_COPIES, EVIDENCE_SPLIT, SORT_ORDER

#: what each key of `counts_by_evidence` means: the coverage keys and the cohort's own "no_genotype"
EVIDENCE_KEY_TEXT = {**EVIDENCE_KEYS, "no_genotype": "no called genotype at any locus record"}


@dataclass
class AlleleCounts:
    """Carriers per (build, allele_id) and the samples called per build, summed row by row.

    `stats[(build, allele_id)]` holds the finding that stands for the allele (`"f"`, the first
    sample's) and its carriers, heterozygotes, homozygotes, hemizygotes and allele_count.
    """

    stats: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    called_per_build: Counter[str] = field(default_factory=Counter)
    total_per_build: Counter[str] = field(default_factory=Counter)
    no_build: int = 0  # samples with no build (no readable input): in every build's call-rate denominator

    def add(self, row: dict[str, Any], counted: list[tuple[str, dict[str, Any]]]) -> None:
        """Count one summary row and the (build, finding) pairs `summary.summarise_sample` gave
        for it (empty for an input_error or a locus not called)."""
        row_builds = row["build"] or []
        if not row_builds:
            self.no_build += 1
        for build in row_builds:
            self.total_per_build[build] += 1
        if row["dira_status"] == "input_error" or row["locus_called"] is False:
            return
        for build in row_builds:
            self.called_per_build[build] += 1
        per_allele: dict[tuple[str, str], dict[str, Any]] = {}
        for build, f in counted:  # one sample counts once per allele (two callers, one allele)
            key = (build, f["allele_id"])
            kept = per_allele.get(key)
            if kept is None or ALLELE_COPIES.get(f["zygosity"], 1) > ALLELE_COPIES.get(kept["zygosity"], 1):
                per_allele[key] = f
        for key, f in per_allele.items():
            stats = self.stats.get(key)
            if stats is None:
                stats = self.stats[key] = {
                    "f": f,
                    "carriers": 0,
                    "heterozygotes": 0,
                    "homozygotes": 0,
                    "hemizygotes": 0,
                    "allele_count": 0,
                }
            zyg = f["zygosity"]
            stats["carriers"] += 1
            stats["homozygotes"] += zyg == "homozygous"
            stats["hemizygotes"] += zyg == "hemizygous"
            stats["heterozygotes"] += zyg in ("heterozygous", "partial")
            stats["allele_count"] += 2 if zyg == "homozygous" else 1

    @property
    def builds(self) -> list[str]:
        """The builds of the cohort's samples, sorted."""
        return sorted(set(self.total_per_build))

    def allele_rows(self) -> list[dict[str, Any]]:
        """One row per allele carried (alleles.tsv, summary.json), by build and position."""
        alleles = []
        for (build, allele_id), stats in sorted(self.stats.items(), key=lambda kv: _allele_sort(kv[0][0], kv[1]["f"])):
            f = stats["f"]
            an = 2 * self.called_per_build[build]
            total = self.total_per_build[build] + self.no_build
            alleles.append(
                {
                    "build": build,
                    "allele_id": allele_id,
                    "chrom": f["chrom"],
                    "pos": f["pos"],
                    "end": f["end"],
                    "ref": f["ref"],
                    "alt": f["alt"],
                    "variant_type": f["variant_type"],
                    "gene": f.get("gene", ""),
                    "hgvs_c": f.get("hgvs_c", ""),
                    "hgvs_p": f.get("hgvs_p", ""),
                    "consequence": list(f.get("consequence", [])),
                    "classification": f["classification"],
                    "known_variant": f.get("known_variant", ""),
                    "label": allele_label(f),
                    "carriers": stats["carriers"],
                    "heterozygotes": stats["heterozygotes"],
                    "homozygotes": stats["homozygotes"],
                    "hemizygotes": stats["hemizygotes"],
                    "allele_count": stats["allele_count"],
                    "allele_number": an,
                    "allele_frequency": _ratio(stats["allele_count"], an),
                    "carrier_frequency": _ratio(stats["carriers"], an // 2),
                    "call_rate": _ratio(self.called_per_build[build], total),
                    **population_columns(f),
                }
            )
        return alleles


def population_columns(f: dict[str, Any]) -> dict[str, Any]:
    """The population frequency beside the cohort's (POPULATION_COLUMNS of cohort.write), for an allele
    annotated with --population-vcf: the highest AF among the resources that list it, which one, and the
    criterion; {} when the annotation had no population resource (alleles.tsv keeps its columns)."""
    population = f.get("population")
    if population is None:
        return {}
    found = [p for p in population if p.get("found") and p.get("af") is not None]
    top = max(found, key=lambda p: p["af"]) if found else None
    listed = [p["source"] for p in population if p.get("found") and p.get("af") is None]
    source = (
        top["source"]
        if top
        else f"listed without an allele frequency in {', '.join(listed)}"
        if listed
        else "absent from " + ", ".join(p["source"] for p in population)
        if population
        else "not looked up (structural allele)"  # evidence.apply: structural and symbolic alleles
    )
    return {
        "population_allele_frequency": top["af"] if top else None,
        "population_source": source,
        "population_criterion": f.get("population_criterion") or "",
    }


def counts_by_status(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Samples per DIRA status, every status of the sort order present (0 when none)."""
    counts = dict.fromkeys(SORT_ORDER, 0)
    for row in rows:
        counts[row["dira_status"]] += 1
    return counts


def counts_by_evidence(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Negatives and not-assessable samples counted by what their inputs show about the locus.

    "no pathogenic variant" from a gVCF whose CDS was confidently called and from a
    variant-only VCF (reference calls not recorded) are different strengths of evidence;
    a cohort count that merges them overstates the negatives.
    """
    out: dict[str, dict[str, int]] = {status: {} for status in EVIDENCE_SPLIT}
    for row in rows:
        if row["dira_status"] in out and row.get("evidence_key"):
            key = row["evidence_key"]
            if (
                row["dira_status"] == "not_assessable"
                and row["locus_called"] is False
                and key not in ("gvcf_not_covered", "structural_only", "no_chr2_calls")
            ):
                key = "no_genotype"
            out[row["dira_status"]][key] = out[row["dira_status"]].get(key, 0) + 1
    return {status: dict(sorted(keys.items())) for status, keys in out.items()}


def _allele_sort(build: str, f: dict[str, Any]) -> tuple[Any, ...]:
    """The order of alleles.tsv: build, chromosome, position, end, allele ID."""
    return (build, str(f["chrom"]), int(f["pos"]), int(f["end"]), f["allele_id"])


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None
