"""The package's shared words: sample statuses, allele classifications, deletion kinds, zygosity copies.

Every list of statuses or classifications, and every colour or label given to one, lives here,
so that adding or renaming a status is one edit (the assertions at the bottom catch a table
left behind). Pure data and tiny helpers, standard library only: the workflow's
`workflow.report_parts` imports this module while Snakemake builds the DAG, where cyvcf2,
Jinja2 and WeasyPrint must not be loaded.

Who decides what: `core.classify` / `core.annotate` give an allele its classification,
`core.interpret` gives a sample its status; this module only names them.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------------------
# sample statuses (`core.interpret.interpret_sample` -> SampleResult.dira_status)

#: every dira_status, in the order `core.interpret` documents them
STATUSES = (
    "consistent_with_DIRA",
    "possible_DIRA",
    "carrier",
    "uncertain_significance",
    "no_pathogenic_variant_detected",
    "not_assessable",
    "input_error",
)
#: statuses that put a sample on the work list: a report by default (`reports: flagged`), listed
#: as flagged on the cohort page
FLAGGED = ("consistent_with_DIRA", "possible_DIRA", "carrier")
#: the cohort's row order: the work list first, then an input to re-run, the negatives last, so
#: that in a cohort of thousands nothing a reviewer must act on sits below the negatives
SORT_ORDER = (
    "consistent_with_DIRA",
    "possible_DIRA",
    "carrier",
    "uncertain_significance",
    "input_error",
    "not_assessable",
    "no_pathogenic_variant_detected",
)
#: statuses a reviewer must act on: the flagged ones, an uncertain allele to review, an input to re-run
#: (the cohort page lists only these when the cohort is too large to list every sample)
NEEDS_ATTENTION = (*FLAGGED, "uncertain_significance", "input_error")
#: statuses whose cohort count is split by what the inputs show about the locus
#: (`cohort.frequencies.counts_by_evidence`): a gVCF negative and a variant-only negative are not the same evidence
EVIDENCE_SPLIT = ("no_pathogenic_variant_detected", "not_assessable")
#: the lab report's heading for each status
STATUS_LABELS = {
    "consistent_with_DIRA": "Consistent with DIRA",
    "possible_DIRA": "Possible DIRA: phase of the two alleles not established",
    "carrier": "Heterozygous carrier (autosomal recessive condition)",
    "uncertain_significance": "Variant of uncertain significance",
    "no_pathogenic_variant_detected": "No pathogenic IL1RN variant detected",
    "not_assessable": "Not assessable",
    "input_error": "Input error",
}
#: the cohort page's badge and bar colour for each status
STATUS_COLOURS = {
    "consistent_with_DIRA": "#b2182b",
    "possible_DIRA": "#d6604d",
    "carrier": "#f4a582",
    "uncertain_significance": "#fddb7a",
    "input_error": "#7b3294",
    "not_assessable": "#bababa",
    "no_pathogenic_variant_detected": "#4393c3",
}
#: the workflow's `reports:` setting: which samples get a lab report (`workflow.report_parts.report_statuses`)
REPORT_MODES = ("flagged", "all", "none")

# ----------------------------------------------------------------------------------------
# allele classifications (`core.classify`, curated entries of the knowledge base)

#: every classification, in the order the lab report lists findings (most severe first)
CLASSIFICATIONS = (
    "pathogenic",
    "likely_pathogenic",
    "uncertain_significance",
    "likely_benign",
    "benign",
    "no_predicted_effect",
    "association_polymorphism",
)
#: P/LP: the alleles that count towards DIRA
PATHOGENIC = ("pathogenic", "likely_pathogenic")
#: alleles that do not bear on the result: benign, likely benign, and no predicted effect (no
#: criterion either way, not a benign class). The report moves them to a compact table, the
#: cohort page folds them away under a count.
BENIGN_OR_NO_EFFECT = ("likely_benign", "benign", "no_predicted_effect")
#: how a classification reads in a sentence, a table or a figure
CLASS_NAMES = {
    "pathogenic": "pathogenic",
    "likely_pathogenic": "likely pathogenic",
    "uncertain_significance": "uncertain significance",
    "likely_benign": "likely benign",
    "benign": "benign",
    "association_polymorphism": "association polymorphism",
    "no_predicted_effect": "no predicted effect",
}
#: one palette for every drawing of a classification (the lab report's figures, the cohort page's
#: chart, legend and cluster figure). Its order is the legends' order.
CLASS_COLOURS = {
    "pathogenic": "#b2182b",
    "likely_pathogenic": "#e0642a",
    "uncertain_significance": "#c99700",
    "likely_benign": "#4a7fb0",
    "benign": "#2c5f8a",
    "association_polymorphism": "#7a5fa8",
    "no_predicted_effect": "#8c8c8c",
}
#: the colour of a classification outside the palette
OTHER_CLASS_COLOUR = "#666666"
#: the same hues, darker: the lab report's classification badges carry white bold text and must
#: stay readable when printed (report.html.j2 writes a `.cls-NAME` rule for each, in this order)
CLASS_BADGE_COLOURS = {
    "pathogenic": "#b2182b",
    "likely_pathogenic": "#d35400",
    "uncertain_significance": "#a07800",
    "likely_benign": "#4a7fb0",
    "benign": "#2c5f8a",
    "association_polymorphism": "#6b4f9c",
    "no_predicted_effect": "#707070",
}


def class_colour(classification: str) -> str:
    """The palette colour of a classification (OTHER_CLASS_COLOUR for an unknown one)."""
    return CLASS_COLOURS.get(classification, OTHER_CLASS_COLOUR)


# ----------------------------------------------------------------------------------------
# deletion kinds (`vcf.locate.Allele.kind`, the annotation's `variant_type`)

#: the structural kinds that are deletions: "sv_deletion" (<DEL...>, <CN0>, a breakend pair read as a
#: deletion) and "cnv" (a <CNV> allele, a loss by its copy number: `core.genotypes`). An explicit
#: REF/ALT deletion is "deletion"; `vcf.locate` produces no other deletion kind.
DELETION_TYPES = ("sv_deletion", "cnv")
#: every kind that deletes bases: the structural ones and an explicit REF/ALT "deletion" (for rules
#: that hold for a deletion of any size, e.g. which exons it removes)
ANY_DELETION_TYPES = (*DELETION_TYPES, "deletion")
#: the length (bp) up to which a deletion or indel is small, judged by frame like any indel, whether
#: written out or symbolic; longer, an explicit allele is what SV callers write and a deletion is drawn
#: and judged by the exons and genes it removes (consequence, classify, annotate, coverage, the cohort)
SMALL_INDEL_MAX = 50

# ----------------------------------------------------------------------------------------
# zygosity

#: copies of the ALT allele a zygosity stands for ("partial": one allele called, the other
#: missing; "hemizygous": one copy present)
ALLELE_COPIES = {"homozygous": 2, "hemizygous": 1, "heterozygous": 1, "partial": 1}


assert set(SORT_ORDER) == set(STATUSES) == set(STATUS_LABELS) == set(STATUS_COLOURS)
assert set(FLAGGED) <= set(NEEDS_ATTENTION) <= set(STATUSES) and set(EVIDENCE_SPLIT) <= set(STATUSES)
assert set(CLASSIFICATIONS) == set(CLASS_NAMES) == set(CLASS_COLOURS) == set(CLASS_BADGE_COLOURS)
assert set(PATHOGENIC) <= set(CLASSIFICATIONS) and set(BENIGN_OR_NO_EFFECT) <= set(CLASSIFICATIONS)
