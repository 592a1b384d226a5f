"""Add the population and ClinVar evidence of a run to one allele's annotation.

A novel allele (not in the knowledge base) is reclassified as `core.frequency_rules` says, with
the criterion and its values named in the evidence. A curated allele keeps its curated class: the
criterion is shown beside it, and a curated P/LP allele that is common (BA1/BS1) gets a warning
for the curators. An allele called P/LP that a population resource has seen homozygous gets a
warning (DIRA is a severe neonatal-onset disease). ClinVar is shown with its review stars and
release date and never changes a class; a disagreement with the class given here, or conflicting
submissions inside ClinVar, is shown as a conflict.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.annotate import AlleleAnnotation
from il1rn_annot.core.frequency_rules import FrequencyCriterion, combined_class, frequency_criterion
from il1rn_annot.evidence.clinvar import ClinVarAssertion
from il1rn_annot.evidence.load import EvidenceSet
from il1rn_annot.vcf.reference import ReferenceGenome

BENIGN_SIDE = ("benign", "likely_benign", "no_predicted_effect")

#: what the rules' evidence says when no population data are used -> what it says once they are
#: (core/pvs1.py, core/classify.py): the text must not claim that population data were not used
NO_POPULATION_PHRASES = (
    (
        "No population frequency data were used: check rarity (PM2/BS1) before reporting",
        "Population data were given: the population criterion follows",
    ),
    (
        "(in-silico, population and functional evidence are not used)",
        "(in-silico and functional evidence are not used)",
    ),
    (
        "(BP4/BP7 need splice and conservation predictions, BA1/BS1 population data, none of which is used)",
        "(BP4/BP7 need splice and conservation predictions, which are not used)",
    ),
)


def apply_evidence(
    ann: AlleleAnnotation, allele: Allele, evidence: EvidenceSet, reference: ReferenceGenome | None
) -> None:
    """Fill `ann.population`, `ann.population_criterion` and `ann.clinvar`; reclassify a novel allele."""
    where = f"record {allele.chrom}:{allele.pos}"
    if allele.symbolic or allele.kind in ("breakend", "other_sv"):
        ann.population = []
        ann.population_criterion = ""
        if evidence.population:
            ann.notes.append(
                "population frequency not looked up: structural and symbolic alleles are not matched against "
                "small-variant population VCFs"
            )
        return
    found, clinvar, notes, undecided = evidence.lookup(allele.pos, allele.ref, allele.alt, reference)
    ann.notes.extend(notes)
    labels = [p.label for p in evidence.population]
    ann.population = [
        {"source": label, "found": False} if f is None else {"found": True, **f.to_dict()}
        for label, f in zip(labels, found, strict=True)
    ]
    if evidence.population:
        if undecided and all(f is None for f in found):
            # absence is not shown: a nearby indel of the same length may be this allele
            criterion = FrequencyCriterion(
                "", "not determined: whether the population data list this indel needs the reference FASTA"
            )
        else:
            criterion = frequency_criterion(list(zip(labels, found, strict=True)))
        ann.population_criterion = criterion.code
        _add_population(ann, criterion.code, criterion.text, where)
        for f in found:
            if f is not None and f.filter not in ("PASS", ".", ""):
                ann.notes.append(
                    f"the {f.source} record ({f.record}) did not pass the resource's filters ({f.filter}): its "
                    "frequency is used as given; check it before relying on the population criterion"
                )
        homozygotes = [(f.source, f.nhomalt) for f in found if f is not None and f.nhomalt]
        if ann.is_pathogenic and homozygotes:
            seen = ", ".join(f"{n} in {source}" for source, n in homozygotes)
            ann.notes.append(
                f"WARNING: {where}: an allele called {ann.classification.replace('_', ' ')} is seen homozygous in "
                f"the population ({seen}); DIRA is a severe neonatal-onset disease, so homozygous adults in a "
                "reference population argue against pathogenicity (or for reduced penetrance): review before reporting"
            )
    else:
        ann.population_criterion = ""
    if evidence.clinvar is not None:
        ann.clinvar = clinvar.to_dict() if clinvar is not None else {"found": False}
        if clinvar is not None:
            _add_clinvar(ann, clinvar)


def _add_population(ann: AlleleAnnotation, code: str, text: str, where: str) -> None:
    if ann.known_variant:
        ann.classification_evidence = (
            ann.classification_evidence.rstrip(".") + f". Population: {text}; the curated classification stands."
        )
        if ann.is_pathogenic and code in ("BA1", "BS1"):
            ann.notes.append(
                f"WARNING: {where}: the curated {ann.classification.replace('_', ' ')} allele {ann.known_variant} "
                f"meets {code} in the population data given: check the curated entry before reporting"
            )
        return
    for before, after in NO_POPULATION_PHRASES:
        ann.classification_evidence = ann.classification_evidence.replace(before, after)
    new, why = combined_class(ann.classification, ann.pvs1, code)
    sentence = f" Population: {text}" + (f"; {why}" if why else "")
    if new != ann.classification:
        sentence += f" (was {ann.classification.replace('_', ' ')} without population data)"
        ann.classification = new
    ann.classification_evidence = ann.classification_evidence.rstrip(".") + "." + sentence + "."


def _add_clinvar(ann: AlleleAnnotation, clinvar: ClinVarAssertion) -> None:
    """ClinVar as a note; a disagreement or an internal conflict named as a conflict, the class unchanged."""
    ann.notes.append(clinvar.text())
    ours = ann.classification
    source = "curated knowledge base" if ann.known_variant else "rules here"
    if clinvar.direction == "conflicting":
        ann.notes.append(
            "CONFLICT: ClinVar's submitters disagree (conflicting classifications): shown as evidence only; "
            f"the classification here ({ours.replace('_', ' ')}, {source}) is not changed by ClinVar"
        )
    elif (
        clinvar.direction == "pathogenic"
        and ours in (*BENIGN_SIDE, "uncertain_significance", "association_polymorphism")  # not diagnostic here
    ) or (clinvar.direction == "benign" and ours in ("pathogenic", "likely_pathogenic")):
        ann.notes.append(
            f"CONFLICT: ClinVar says {clinvar.significance.replace('_', ' ')} "
            f"({clinvar.stars if clinvar.stars is not None else '?'} star(s)) but the {source} "
            f"say{'s' if ann.known_variant else ''} {ours.replace('_', ' ')}: review; ClinVar does not change the "
            "classification here"
        )


def evidence_fields(ann: AlleleAnnotation) -> dict[str, Any]:
    """The evidence fields of an annotation for the outputs (empty when the run had no resource)."""
    out: dict[str, Any] = {}
    if ann.population is not None:
        out["population"] = ann.population
        out["population_criterion"] = ann.population_criterion
    if ann.clinvar is not None:
        out["clinvar"] = ann.clinvar
    return out
