"""Population-frequency criteria of ACMG/AMP 2015 for IL1RN/DIRA, and how they combine with PVS1.

The thresholds and their reasoning are in docs/classification.md (section 7), which a laboratory
signs off; this module only applies them:

* **BA1** (ACMG/AMP 2015, stand-alone benign): allele frequency above 5 % — the highest of the
  overall AF and the group-maximum AF of any resource given.
* **BS1** (strong benign, "allele frequency greater than expected for the disorder"): the
  maximum credible population allele frequency for DIRA (Whiffin 2017 reasoning, recessive form
  sqrt(prevalence) x allelic contribution / sqrt(penetrance)) with a conservative prevalence of
  1 in 1,000,000, one allele able to explain every case (founder alleles) and full penetrance:
  0.001. Compared with the filtering allele frequency (faf95, the lower bound of the 95 % CI of the
  group-maximum AF) where the resource has one, else the group-maximum AF, else the AF.
* **PM2_Supporting** (ACMG/AMP 2015 PM2 at supporting strength, as ClinGen SVI is reported to
  advise: unconfirmed): absent from every population
  resource given, or a group-maximum (else overall) AF at or below 0.0001, one tenth of the BS1
  threshold.

Points are Tavtigian 2018's (PVS1 8, strong 4, moderate 2, supporting 1) on the scale of Tavtigian
2020 (Hum Mutat 41:1734, PMID 32720330), which adds benign points (strong benign -4) and the ranges of
all five classes (Table 3): pathogenic >= 10, likely pathogenic 6-9, uncertain 0-5, likely benign -1
to -6, benign <= -7; BA1 is stand-alone benign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

#: ACMG/AMP 2015 BA1: allele frequency > 5 %
BA1_AF = 0.05
#: BS1 for DIRA: maximum credible population AF (docs/classification.md section 7 gives the numbers)
BS1_FAF = 0.001
#: PM2_Supporting: absent, or AF <= this (one tenth of BS1_FAF)
PM2_AF = 0.0001
#: how the evidence names PM2_Supporting (the ClinGen SVI recommendation was not read: VERIFICATION section 11)
PM2_NAME = "PM2_Supporting (ACMG/AMP 2015 PM2 at supporting strength, docs/classification.md)"
#: BA1/BS1 only from an entry genotyped in at least this many alleles (AN): an AF of 1/2 at a poorly
#: covered site must not make a loss of function benign (project choice, docs/classification.md)
MIN_AN_BENIGN = 2000

PVS1_POINTS = {"PVS1": 8, "PVS1_Strong": 4, "PVS1_Moderate": 2, "PVS1_Supporting": 1}
CRITERION_POINTS = {"PM2_Supporting": 1, "BS1": -4}


class Frequency(Protocol):
    """What the rules read of one resource's entry (evidence.population.PopulationFrequency)."""

    source: str
    af: float | None
    af_grpmax: float | None
    grpmax: str
    faf95: float | None
    an: int | None


@dataclass(frozen=True)
class FrequencyCriterion:
    """The population criterion that fired ('' when none), and the sentence naming it and its values."""

    code: str
    text: str


def _pct(value: float) -> str:
    return f"{value * 100:.4g} %"


def frequency_criterion(entries: Sequence[tuple[str, Frequency | None]]) -> FrequencyCriterion:
    """BA1, BS1, PM2_Supporting or none, from each resource's entry for the allele (None: absent)."""
    present = [(label, e) for label, e in entries if e is not None and _has_frequency(e)]
    # listed without a frequency (AN 0: no genotype called at the site; AF missing or '.'): rarity unknown
    unknown = [label for label, e in entries if e is not None and not _has_frequency(e)]
    if unknown and not present:
        return FrequencyCriterion("", _not_determined(unknown))
    if not present:
        names = ", ".join(label for label, _ in entries)
        return FrequencyCriterion(
            "PM2_Supporting",
            f"{PM2_NAME}: absent from {names} (absence is taken "
            "at face value: coverage of the site in the resource is not checked)",
        )
    # an entry from fewer than MIN_AN_BENIGN alleles is not used for BA1/BS1 (its AN is shown)
    counted = [(label, e) for label, e in present if e.an is None or e.an >= MIN_AN_BENIGN]
    # BA1: highest of the overall and group-maximum AF of any resource
    top_label, top_value, top_what = "", -1.0, ""
    for label, e in counted:
        for value, what in ((e.af, "AF"), (e.af_grpmax, f"group-maximum AF ({e.grpmax or 'group not stated'})")):
            if value is not None and value > top_value:
                top_label, top_value, top_what = label, value, what
    if top_value > BA1_AF:
        return FrequencyCriterion(
            "BA1",
            f"BA1 (ACMG/AMP 2015, stand-alone benign): {top_what} {_pct(top_value)} in {top_label}, "
            f"above {_pct(BA1_AF)}",
        )
    # BS1: filtering AF (faf95) where given, else group-maximum AF, else AF
    best_label, best_value, best_what = "", -1.0, ""
    for label, e in counted:
        value, what = (
            (e.faf95, "filtering AF (faf95)")
            if e.faf95 is not None
            else (e.af_grpmax, "group-maximum AF")
            if e.af_grpmax is not None
            else (e.af, "AF")
        )
        if value is not None and value > best_value:
            best_label, best_value, best_what = label, value, what
    if best_value > BS1_FAF:
        return FrequencyCriterion(
            "BS1",
            f"BS1 (ACMG/AMP 2015; DIRA threshold {_pct(BS1_FAF)}, docs/classification.md): {best_what} "
            f"{_pct(best_value)} in {best_label} is above the maximum credible frequency of a DIRA allele",
        )
    few = [
        f"{label} AF {_pct(max(v for v in (e.af, e.af_grpmax) if v is not None))} from {e.an:,} alleles"
        for label, e in present
        if e.an is not None and e.an < MIN_AN_BENIGN and max(v for v in (e.af, e.af_grpmax) if v is not None) > BS1_FAF
    ]
    if few:
        return FrequencyCriterion(
            "",
            f"no population criterion: {'; '.join(few)}, fewer than {MIN_AN_BENIGN:,} alleles (AN), too few for "
            "BA1/BS1 (project rule) and too common for PM2: check the site's coverage in the resource",
        )
    if unknown:  # PM2 needs every resource to show the allele rare; these cannot
        return FrequencyCriterion("", _not_determined(unknown))
    rare = max((e.af_grpmax if e.af_grpmax is not None else e.af if e.af is not None else 0.0) for _, e in present)
    if rare <= PM2_AF:
        where = ", ".join(f"{label} AF {_pct(e.af or 0.0)}" for label, e in present)
        return FrequencyCriterion(
            "PM2_Supporting",
            f"{PM2_NAME}: extremely rare ({where}; at or below {_pct(PM2_AF)})",
        )
    return FrequencyCriterion(
        "",
        f"no population criterion: frequency {_pct(rare)} is between the PM2 ({_pct(PM2_AF)}) and BS1 "
        f"({_pct(BS1_FAF)}) thresholds",
    )


def _has_frequency(e: Frequency) -> bool:
    """Whether the entry gives a frequency to compare: an AF or group-maximum AF, from genotypes (AN not 0)."""
    return e.an != 0 and (e.af is not None or e.af_grpmax is not None)


def _not_determined(labels: list[str]) -> str:
    return (
        f"no population criterion: {', '.join(labels)} list(s) the allele without an allele frequency (AN 0, or "
        "AF missing), so its rarity is not known there (PM2 is not applied; absence is not assumed)"
    )


def points_class(points: int) -> str:
    """Tavtigian 2020 point ranges (Table 3) to an ACMG/AMP class."""
    if points >= 10:
        return "pathogenic"
    if points >= 6:
        return "likely_pathogenic"
    if points >= 0:
        return "uncertain_significance"
    if points >= -6:
        return "likely_benign"
    return "benign"


def combined_class(classification: str, pvs1: str, code: str) -> tuple[str, str]:
    """The class of a novel allele once the population criterion is added, and why.

    BA1 is stand-alone benign. Otherwise the points of the PVS1 strength (if any) and of the
    criterion are added; an allele with neither a PVS1 strength nor BS1 keeps its class (PM2_Supporting
    alone says nothing about an allele's effect: a rare intronic change stays no_predicted_effect).
    """
    if code == "BA1":
        return "benign", "BA1 is stand-alone benign (ACMG/AMP 2015): benign"
    if not code or (not pvs1 and code != "BS1"):
        return classification, ""
    points = PVS1_POINTS.get(pvs1, 0) + CRITERION_POINTS[code]
    named = " + ".join(c for c in (pvs1, code) if c)
    new = points_class(points)
    return new, f"{named} = {points} points (Tavtigian 2020 point scale): {new}"
