"""One sample's calls pooled across the files that hold it (pure: no file I/O).

A sample may be split over several VCFs (an SNV file and an SV file, two runs). Both the
cohort summary (`cohort.summary.pool_sample`) and the lab report (`lab_report.context`)
pool it here, so that the summary's status and the report always agree:

* `pool_findings`: the findings of all files; only the same call read twice (same source,
  allele, genotype and copy number) is dropped. Two calls of one event by two callers are
  left to `interpret_sample`, which treats deletions overlapping reciprocally by >= 80 % as
  one event.
* `combine_locus_called`: True if any file called the locus, False if all say not, else None.
* `discordant_calls`: sites where the files disagree on the number of copies (a possible
  sample swap: reported, never pooled silently).
* `pool_sources`: all of the above, plus the pooled locus evidence (`coverage.pool`) and the
  half-called genotypes, for a list of `SourceCalls`.

Reading the files is `outputs.read_back`'s job; interpreting the pooled calls is
`core.interpret`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from il1rn_annot.core.coverage import pool as pool_coverage
from il1rn_annot.core.vocabulary import ALLELE_COPIES

#: ALT copies of the zygosities compared between files (hemizygous and partial calls are not compared)
_DOSAGE = {zygosity: ALLELE_COPIES[zygosity] for zygosity in ("homozygous", "heterozygous")}


@dataclass
class SourceCalls:
    """What one file says about one sample."""

    name: str  # how the file is named in messages (the input VCF)
    findings: list[dict[str, Any]]
    locus_called: bool | None
    all_called: frozenset[str] = frozenset()  # `called_in_every_sample` of the file
    coverage: dict[str, Any] | None = None  # the file's locus evidence for the sample (coverage.py)
    partial_records: int = 0  # half-called genotypes (0/., ./1) at the locus records of the file


@dataclass
class Pooled:
    """A sample's calls over all of its files, before interpretation."""

    findings: list[dict[str, Any]]
    locus_called: bool | None
    coverage: dict[str, Any] | None
    partial_records: int
    discordant: list[str] = field(default_factory=list)


def pool_findings(per_source: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One sample's findings from all its files; the same call read twice counts once."""
    if len(per_source) == 1:  # one file holds one call per allele: nothing to drop
        return list(per_source[0])
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    for findings in per_source:
        for f in findings:
            key = (f.get("source"), f.get("allele_id"), f.get("genotype"), f.get("copy_number"))
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def combine_locus_called(values: Iterable[bool | None]) -> bool | None:
    """True if any file says True, False if all say False, else None."""
    values = list(values)
    if any(v is True for v in values):
        return True
    if values and all(v is False for v in values):
        return False
    return None


def called_in_every_sample(payload: dict[str, Any]) -> frozenset[str]:
    """allele_ids of an annotation JSON whose record gives every sample of the file a genotype:
    a sample without a finding there was called reference (0/0), not left uncalled."""
    n = len(payload.get("samples") or [])
    return frozenset(str(a["allele_id"]) for a in payload.get("alleles") or [] if n and a.get("called_samples") == n)


def discordant_calls(sources: list[tuple[str, list[dict[str, Any]], frozenset[str]]]) -> list[str]:
    """Sites where one sample's files disagree: a possible sample swap, never pooled silently.

    `sources`: (file name, the sample's findings in it, `called_in_every_sample` of it). At an
    allele two files both speak for, the number of copies must agree: homozygous (1/1) in
    one and heterozygous or reference (0/0) in the other is discordant. A file says
    "reference" only when its record at that allele gave every sample a genotype; files
    without a record there (an SV file beside an SNV file) say nothing. Different callers
    that merely describe the same event differently are not compared (other allele_ids).
    """
    if len(sources) < 2:
        return []
    order: list[str] = []
    labels: dict[str, str] = {}
    for _name, findings, _called in sources:
        for f in findings:
            aid = str(f.get("allele_id"))
            if aid not in labels:
                order.append(aid)
                labels[aid] = f"{f.get('hgvs_c') or aid}" + (f" ({aid})" if f.get("hgvs_c") else "")
    out = []
    for aid in order:
        said: list[tuple[str, int, str]] = []
        for name, findings, called in sources:
            call = next((f for f in findings if str(f.get("allele_id")) == aid), None)
            if call is not None and call.get("zygosity") in _DOSAGE:
                said.append((name, _DOSAGE[call["zygosity"]], f"{call['zygosity']} ({call.get('genotype') or '?'})"))
            elif call is None and aid in called:
                said.append((name, 0, "not carried (0/0)"))
        if len({dose for _, dose, _ in said}) > 1:
            out.append(f"{labels[aid]}: " + "; ".join(f"{text} in {name}" for name, _, text in said))
    return out


def pool_sources(sources: list[SourceCalls], *, compare: bool = True) -> Pooled:
    """A sample's findings, locus call, locus evidence and discordant sites over its files.

    `compare=False` skips the discordance check (the cohort does when the files are on
    different genome builds, where allele_ids cannot be compared).
    """
    discordant = discordant_calls([(s.name, s.findings, s.all_called) for s in sources]) if compare else []
    return Pooled(
        pool_findings([s.findings for s in sources]) if sources else [],
        combine_locus_called(s.locus_called for s in sources),
        pool_coverage([s.coverage for s in sources]),
        sum(s.partial_records for s in sources),
        discordant,
    )
