"""Per-sample interpretation: is IL1RN lost on both alleles (DIRA), on one (carrier), or not?

DIRA is autosomal recessive: a sample is *consistent with DIRA* only with biallelic loss of
IL1RN — a homozygous pathogenic / likely pathogenic (P/LP) allele, a homozygous deletion,
or two P/LP alleles known to be in trans: phased on different haplotypes of one phase set,
two ALT alleles of one genotype call (GT 1/2), or a small variant inside a heterozygous
deletion, which can only sit on the other haplotype (called homozygous there, it is
hemizygous and still one allele). Two P/LP alleles of unknown phase are *possible DIRA*.
Association polymorphisms are listed as such and never change the status: they are not
diagnostic.

Findings are plain dicts (an allele annotation merged with one sample's call) so that the
same function interprets one file, or a sample's findings gathered from several files
(e.g. SNVs from GATK plus deletions from Manta) in the cohort step.

This module decides the status. What it builds on lives next to it: how an allele reads in a
sentence (`core.allele_words`), whether two alleles are in trans or in cis, by the sample's own
calls or its parents' (`core.phase`), what the called locus allows and adds to every status
(`core.coverage_notes`), what single calls say beside the status (failed filters, loss of coding
sequence: `core.call_notes`), and the result it fills in (`core.sample_result.SampleResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from il1rn_annot.core.allele_words import allele_label, removed_genes_with_conditions
from il1rn_annot.core.call_notes import (
    filter_note,
    homozygous_vus_effect,
    name_filtered_calls_in_the_sentence,
    protein_effect_undetermined,
    removes_il1rn_coding,
)
from il1rn_annot.core.coverage_notes import locus_not_assessed, negative_caveat, with_coverage_notes
from il1rn_annot.core.phase import (
    ParentCalls,
    discordant_inside_note,
    distinct_events,
    enclosing_deletion,
    inheritance_note,
    one_genotype_call,
    parents_named,
    phase_relations,
    second_allele_vus,
)
from il1rn_annot.core.pool import Pooled
from il1rn_annot.core.sample_result import SampleResult
from il1rn_annot.core.vocabulary import DELETION_TYPES, PATHOGENIC


def interpret_sample(
    sample: str,
    findings: list[dict[str, Any]],
    locus_called: bool | None,
    *,
    uncalled_records: int = 0,
    records: int = 0,
    partial_records: int = 0,
    parents: Sequence[ParentCalls] = (),
    coverage: dict[str, Any] | None = None,
) -> SampleResult:
    """Status, sentence and evidence for one sample from its findings.

    `parents`: the mother's and father's calls, when the sample sheet names them; they phase
    two P/LP alleles that the child's own calls leave of unknown phase.
    `coverage`: what the input(s) show about the locus (`core.coverage`; pooled over a sample's
    files). It decides whether a negative can be given (`core.coverage_notes.locus_not_assessed`)
    and adds the caveats of the input kind; None (a JSON written before it existed): no coverage
    rule.
    `partial_records`: locus records where this sample's genotype has a called and an uncalled
    allele (0/., ./0): a variant on the uncalled allele would not be seen, so the sentence says
    DIRA is not excluded. Deletions that also remove another cluster gene with a condition of its
    own name it when the loss matters for the zygosity (recessive: both copies; dominant: one).
    """
    result = _interpret_calls(
        sample,
        findings,
        locus_called,
        uncalled_records=uncalled_records,
        records=records,
        parents=parents,
        locus_evidence=coverage,
    )
    result.coverage = coverage
    result = with_coverage_notes(result, coverage)
    result.partial_records = partial_records
    name_filtered_calls_in_the_sentence(result, findings)
    genes = removed_genes_with_conditions(findings)
    if genes:
        result.removed_genes_with_conditions = genes
        said = "; ".join(genes)
        result.status_sentence += f" The deletion also removes another gene whose loss matters itself: {said}."
        result.evidence += (
            f" Other cluster genes removed, with their own conditions (locus.yaml; see VERIFICATION.md): {said}."
        )
    half = [f for f in findings if f.get("zygosity") == "partial"]
    if (partial_records or half) and result.dira_status not in ("consistent_with_DIRA", "not_assessable"):
        n = max(partial_records, len({f["allele_id"] for f in half}))
        result.status_sentence += (
            f" At {n} locus record(s) only one allele of this sample was called (GT such as "
            "./1, 1/. or 0/.): the other allele was not called, so DIRA is not excluded."
        )
        result.evidence += (
            f" {n} locus record(s) with a half-called genotype (one allele missing): a variant on "
            "the uncalled allele would not be seen."
        )
    return result


def interpret_pooled(sample: str, pooled: Pooled, parents: Sequence[ParentCalls] = ()) -> SampleResult:
    """A sample interpreted from its calls pooled over all of its files (`core.pool.pool_sources`),
    phased by its parents' pooled calls when the sample sheet names them.

    The one entry point for a sample seen across files: the cohort summary
    (`cohort.summary.summarise_sample`) and the lab report (`lab_report.context.build_context`)
    both call it, so the summary's status and the report always agree. `annotate` interprets
    each file on its own (`interpret_sample`, stored in NAME.il1rn.json); docs/outputs.md says
    which file holds which interpretation.
    """
    return interpret_sample(
        sample,
        pooled.findings,
        pooled.locus_called,
        parents=parents,
        coverage=pooled.coverage,
        partial_records=pooled.partial_records,
    )


def _interpret_calls(
    sample: str,
    findings: list[dict[str, Any]],
    locus_called: bool | None,
    *,
    uncalled_records: int,
    records: int,
    parents: Sequence[ParentCalls],
    locus_evidence: dict[str, Any] | None,
) -> SampleResult:
    """`interpret_sample` without the coverage notes added to every status."""
    pl = [f for f in findings if f["classification"] in PATHOGENIC]
    vus = [f for f in findings if f["classification"] == "uncertain_significance"]
    assoc = [f for f in findings if f["classification"] == "association_polymorphism"]
    result = SampleResult(
        sample=sample,
        dira_status="",
        status_sentence="",
        evidence="",
        locus_called=True if findings else locus_called,
        pathogenic_alleles=[f"{allele_label(f)} ({f['zygosity']})" for f in distinct_events(pl)],
        other_alleles=[
            f"{allele_label(f)} ({f['zygosity']}; {f['classification']})"
            for f in findings
            if f["classification"] not in PATHOGENIC
        ],
        association_alleles=[f"{allele_label(f)} ({f['zygosity']})" for f in assoc],
        findings=findings,
    )
    assoc_text = ""
    if assoc:
        assoc_text = (
            " Association polymorphism(s) present, reported for information only and not "
            "diagnostic: " + "; ".join(result.association_alleles) + "."
        )
    # a small variant called homozygous inside a heterozygous deletion is hemizygous: the
    # deletion removed the other allele, so it is one allele of a compound heterozygote (if
    # the deletion is P/LP: the pair logic below finds them in trans), not two copies
    within = {f["allele_id"]: d for f in pl if (d := enclosing_deletion(f, findings)) is not None}
    hemizygous_note = "".join(
        f" {allele_label(f)} was called {f['zygosity']} inside the heterozygous {allele_label(d)}: it is "
        "hemizygous (the deletion removes the other allele), so it counts as one allele."
        for f in pl
        if (d := within.get(f["allele_id"])) is not None
    )
    discordant = discordant_inside_note(pl, findings)
    # appended to every P/LP status's evidence
    tail = hemizygous_note + discordant + inheritance_note(pl, parents) + assoc_text
    biallelic = [f for f in pl if f["zygosity"] in ("homozygous", "hemizygous") and f["allele_id"] not in within]
    if biallelic:
        return _biallelic_result(result, biallelic, filter_note(pl) + tail)
    alleles = distinct_events(pl)
    if len(alleles) >= 2:
        paired = _two_allele_result(result, alleles, parents, filter_note(pl) + tail)
        paired.status_sentence += discordant
        return paired
    if alleles:
        f = alleles[0]
        partial = " (the second allele at this position was not called)" if f["zygosity"] == "partial" else ""
        if f["allele_id"] in within:
            partial = (
                f" (hemizygous: called {f['zygosity']} inside the heterozygous "
                f"{allele_label(within[f['allele_id']])}, which is not P/LP)"
            )
        return _done(
            result,
            "carrier",
            f"Heterozygous carrier of IL1RN {allele_label(f)}{partial}: carrier of DIRA (autosomal "
            "recessive); no second pathogenic allele detected." + second_allele_vus(f, vus),
            f"one P/LP allele: {f['classification_evidence'].rstrip('.')}." + filter_note(pl) + tail,
        )
    not_assessed = None if vus else locus_not_assessed(locus_evidence, assoc_text, bool(findings))
    if not_assessed is not None:
        return _done(result, "not_assessable", *not_assessed)
    if result.locus_called is False:
        return _done(
            result,
            "not_assessable",
            "IL1RN locus not assessable: no genotype was called at the locus for this sample.",
            "no called genotype (or gVCF reference block) at the IL1RN locus records of the input.",
        )
    if vus:
        names = "; ".join(allele_label(f) for f in vus)
        evidence = "; ".join(f"{allele_label(f)}: {f['classification_evidence']}" for f in vus) + assoc_text
        both = [f for f in vus if f["zygosity"] in ("homozygous", "hemizygous")]
        lof = [f for f in both if removes_il1rn_coding(f)]
        undetermined = [f for f in both if protein_effect_undetermined(f)]
        if undetermined and not lof:
            f = undetermined[0]
            return _done(
                result,
                "uncertain_significance",
                f"{f['zygosity'].capitalize()} IL1RN {allele_label(f)}: a coding change whose effect on the "
                "protein could not be determined without the transcript sequence (the possible changes are "
                "listed in the allele notes), so it is of uncertain significance; DIRA is not excluded: "
                "determine the protein change with a reference FASTA (--reference) or by sequencing the "
                "codon.",
                evidence,
            )
        if lof:
            f = lof[0]
            return _done(
                result,
                "uncertain_significance",
                f"{f['zygosity'].capitalize()} IL1RN {allele_label(f)}: it changes IL1RN coding sequence on "
                f"both alleles, {homozygous_vus_effect(f)} by the classification rules alone; DIRA is not "
                "excluded (clinical correlation and expert review of the variant are needed).",
                evidence,
            )
        return _done(
            result,
            "uncertain_significance",
            f"IL1RN variant(s) of uncertain significance ({names}); no IL1RN variant is classified pathogenic "
            "or likely pathogenic.",
            evidence,
        )
    coverage = ""
    if uncalled_records:
        coverage = (
            f" {uncalled_records} of {records} locus record(s) have no genotype for this sample: a "
            "variant there would not be seen."
        )
    if result.locus_called is None:
        coverage = (
            " The input has no record at the IL1RN locus; a variant-only VCF cannot show that the locus "
            "was covered (a gVCF or the caller's coverage would)."
        )
    return _done(
        result,
        "no_pathogenic_variant_detected",
        "No pathogenic IL1RN variant detected."
        + (" Association polymorphisms only (not diagnostic)." if assoc else "")
        + negative_caveat(locus_evidence),
        "no P/LP or uncertain IL1RN allele among the locus calls." + assoc_text + coverage,
    )


def _biallelic_result(result: SampleResult, biallelic: list[dict[str, Any]], notes: str) -> SampleResult:
    """A homozygous (or hemizygous) P/LP allele: consistent with DIRA."""
    f = min(biallelic, key=lambda f: f["zygosity"] != "homozygous")  # a homozygote names the result first
    cls = "likely pathogenic" if f["classification"] == "likely_pathogenic" else "pathogenic"
    if f["variant_type"] in DELETION_TYPES:
        sentence = f"Homozygous {allele_label(f)}: consistent with DIRA."
    elif f["zygosity"] == "hemizygous":
        # a haploid GT on chromosome 2 with no deletion called: the caller saw one allele only
        sentence = (
            f"Hemizygous {cls} IL1RN variant {allele_label(f)} (a haploid call on chromosome 2: the "
            "other allele is presumably deleted; confirm by copy-number analysis): consistent with DIRA."
        )
    else:
        sentence = f"Homozygous {cls} IL1RN variant {allele_label(f)}: consistent with DIRA."
    return _done(
        result,
        "consistent_with_DIRA",
        sentence,
        f"{allele_label(f)} is {f['zygosity']} ({f['genotype'] or 'CN=' + str(f.get('copy_number'))}); "
        f"classification {f['classification']}: {f['classification_evidence'].rstrip('.')}. DIRA is autosomal "
        "recessive: biallelic loss of IL1RN." + notes,
    )


def _two_allele_result(
    result: SampleResult, alleles: list[dict[str, Any]], parents: Sequence[ParentCalls], notes: str
) -> SampleResult:
    """Two or more distinct heterozygous P/LP alleles: in trans (DIRA), in cis (carrier) or unknown (possible)."""
    distinct = {f["allele_id"]: f for f in alleles}
    relations, by_parents = phase_relations(alleles, parents)
    names = " and ".join(allele_label(f) for f in alleles)
    if "trans" in relations.values():
        (a_id, b_id) = next(k for k, v in relations.items() if v == "trans")
        pair = f"{allele_label(distinct[a_id])} and {allele_label(distinct[b_id])}"
        how = by_parents.get((a_id, b_id))
        return _done(
            result,
            "consistent_with_DIRA",
            f"Compound heterozygous IL1RN variants {pair}, in trans"
            + (" (phased by the parents' genotypes)" if how else "")
            + ": consistent with DIRA.",
            f"two P/LP alleles on different haplotypes ({pair}"
            + (
                f": both in one genotype call, GT {distinct[a_id]['genotype']}"
                if one_genotype_call(distinct[a_id], distinct[b_id])
                else ""
            )
            + (f": {how}" if how else "")
            + "); biallelic loss of IL1RN."
            + notes,
        )
    if all(v == "cis" for v in relations.values()):
        how = "; ".join(by_parents.values())
        return _done(
            result,
            "carrier",
            f"Heterozygous carrier: IL1RN variants {names} lie on the same haplotype (in cis"
            + (", phased by the parents' genotypes" if how else "")
            + "); "
            "no pathogenic variant on the other allele was detected.",
            "the P/LP alleles are phased in cis"
            + (f" ({how})" if how else "")
            + ": one haplotype is affected."
            + notes,
        )
    return _done(
        result,
        "possible_DIRA",
        f"Two IL1RN variants {names} of unknown phase: possible DIRA (compound heterozygous if "
        "in trans); testing of the parents or phasing is recommended.",
        "two different P/LP alleles, both heterozygous, phase not established"
        + (
            f" (the calls of {parents_named(parents)} do not establish it: an allele found in neither or "
            "both parents, or a parent without calls at the locus)"
            if parents
            else ""
        )
        + "."
        + notes,
    )


def _done(result: SampleResult, status: str, sentence: str, evidence: str) -> SampleResult:
    result.dira_status, result.status_sentence, result.evidence = status, sentence, evidence.strip()
    return result
