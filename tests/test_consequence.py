"""core/consequence.py on its own: SO terms and HGVS p. from an allele's position, the protein and REF.

Alleles are built directly (tests/allele_builders.py), no VCF. Positions are GRCh38 NM_173842.3
(locus.yaml): E1 113127598-113127740 (c.1 = 113127625), E2 113129576-113129664 (c.117-205),
E3 113131045-113131157 (c.206-318), E4 113132656-113134014 (c.319-, c.534 = 113132871). Expected
names follow from the HGVS protein rules and the genetic code; tests/data/golden_hgvs.tsv holds
the per-position table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from allele_builders import allele_of, context_reference

from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.codon_sets import METHOD_NOTE
from il1rn_annot.core.consequence import (
    LOSS_OF_FUNCTION,
    SEVERITY,
    Prediction,
    predict,
)
from il1rn_annot.core.protein_change import protein_change, translate
from il1rn_annot.core.vocabulary import SMALL_INDEL_MAX
from il1rn_annot.vcf.reference import ReferenceGenome

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC38 = REPO / "test_data/ref/GRCh38_chr2_113100001-113160000.synthetic.fa"

#: Ensembl VEP's "Calculated variant consequences" table, most severe first (the VEP terms only)
VEP_ORDER = [
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "transcript_amplification",
    "feature_elongation",
    "feature_truncation",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_donor_5th_base_variant",
    "splice_region_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "mature_miRNA_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "NMD_transcript_variant",
    "non_coding_transcript_variant",
    "coding_transcript_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "TFBS_ablation",
    "TFBS_amplification",
    "TF_binding_site_variant",
    "regulatory_region_ablation",
    "regulatory_region_amplification",
    "regulatory_region_variant",
    "intergenic_variant",
    "sequence_variant",
]


def _predict(kb, allele: Allele, reference: ReferenceGenome | None = None) -> Prediction:
    return predict(allele, kb.transcript("GRCh38"), kb, reference)


# -- the vocabulary ------------------------------------------------------------------------------


def test_severity_follows_vep_order_for_every_vep_term():
    vep_terms = [t for t in SEVERITY if t in VEP_ORDER]
    assert vep_terms == sorted(vep_terms, key=VEP_ORDER.index)
    # the terms VEP does not have sit where their meaning puts them
    assert SEVERITY.index("exon_loss_variant") < SEVERITY.index("inframe_deletion")
    assert SEVERITY.index("structural_variant") < SEVERITY.index("intergenic_variant")


def test_loss_of_function_terms_are_the_high_impact_ones():
    assert set(SEVERITY[: SEVERITY.index("feature_truncation")]) >= LOSS_OF_FUNCTION
    assert "stop_lost" not in LOSS_OF_FUNCTION and "missense_variant" not in LOSS_OF_FUNCTION


def test_prediction_sorts_worst_first_and_an_empty_one_is_intergenic():
    pred = Prediction()
    assert pred.worst == "intergenic_variant"
    for term in ("intron_variant", "splice_region_variant", "splice_donor_variant", "intron_variant"):
        pred.add(term)
    pred.sort()
    assert pred.consequences == ["splice_donor_variant", "splice_region_variant", "intron_variant"]
    assert pred.worst == "splice_donor_variant"


def test_translate_stops_at_the_first_stop_and_drops_an_incomplete_codon():
    assert translate("ATGGCTTAAGGG") == "MA*"
    assert translate("ATGGC") == "M"
    assert translate("ATGNNN") == "MX"


# -- HGVS protein names (HGVS p. recommendations, three-letter code, predicted in parentheses) -----


@pytest.mark.parametrize(
    "ref, alt, first, frameshift, expected",
    [
        ("MAE*", "MAE*", 2, False, ("synonymous_variant", "p.(Ala2=)")),
        ("MAE*", "MAE*", 4, False, ("stop_retained_variant", "p.(Ter4=)")),
        ("MAE*", "VAE*", 1, False, ("start_lost", "p.(Met1?)")),
        ("MAE*", "MGE*", 2, False, ("missense_variant", "p.(Ala2Gly)")),
        ("MAE*", "MA*", 3, False, ("stop_gained", "p.(Glu3Ter)")),
        # frameshift: the first changed residue counts as 1 up to and including the new stop
        ("MAEKL*", "MAGR*", 3, True, ("frameshift_variant", "p.(Glu3GlyfsTer3)")),
        ("MAEKL*", "MAGRW", 3, True, ("frameshift_variant", "p.(Glu3GlyfsTer?)")),
        ("MAEKL*", "MA*", 3, True, ("stop_gained", "p.(Glu3Ter)")),
        # in-frame deletion in a run of Lys: the 3'-most copy is named
        ("MAKKKE*", "MAKKE*", 3, False, ("inframe_deletion", "p.(Lys5del)")),
        ("MAKKDE*", "MAE*", 3, False, ("inframe_deletion", "p.(Lys3_Asp5del)")),
        # an insertion that copies the residue(s) before it is a duplication
        ("MAKE*", "MAKKE*", 3, False, ("inframe_insertion", "p.(Lys3dup)")),
        ("MAKDE*", "MAKDKDE*", 3, False, ("inframe_insertion", "p.(Lys3_Asp4dup)")),
        ("MAKE*", "MAKWE*", 3, False, ("inframe_insertion", "p.(Lys3_Glu4insTrp)")),
        ("MAKE*", "MAWWE*", 3, False, ("protein_altering_variant", "p.(Lys3delinsTrpTrp)")),
        # stop lost: the extension counts from the former stop to the new one
        ("MA*", "MAWK*", 3, False, ("stop_lost", "p.(Ter3TrpextTer2)")),
        ("MA*", "MAWK", 3, False, ("stop_lost", "p.(Ter3TrpextTer?)")),
    ],
)
def test_protein_change_names(ref, alt, first, frameshift, expected):
    assert protein_change(ref, alt, first, frameshift) == expected


# -- no reference: the protein and the REF bases (codon_sets) ------------------------------------


def test_a_deduced_protein_change_says_how_it_was_deduced(kb):
    pred = _predict(kb, allele_of("chr2", 113131068, "G", "T"))  # c.229G>T
    assert pred.hgvs_p == "p.(Glu77Ter)" and pred.consequences == ["stop_gained"]
    assert any(n.startswith(METHOD_NOTE) and "GAA/GAG" in n for n in pred.notes)


def test_an_undetermined_change_lists_the_outcomes_and_claims_none(kb):
    """c.76C>T: Arg26 is CGN (C at its first base), so TGN is Ter, Trp or Cys."""
    pred = _predict(kb, allele_of("chr2", 113127700, "C", "T"))
    assert pred.hgvs_p == "" and pred.consequences == ["coding_sequence_variant"]
    note = next(n for n in pred.notes if n.startswith("protein change not determined"))
    assert "p.(Arg26Ter)" in note and "p.(Arg26Trp)" in note and "p.(Arg26Cys)" in note


def test_a_ref_base_no_codon_of_the_residue_has_is_a_warning_naming_the_record(kb):
    """c.229 is the first base of Glu77 (GAA/GAG): a REF A there contradicts the transcript."""
    pred = _predict(kb, allele_of("chr2", 113131068, "A", "T"))
    assert pred.hgvs_p == ""
    warning = next(n for n in pred.notes if n.startswith("WARNING"))
    assert "chr2:113131068 A>T" in warning and "Glu77" in warning


# -- positions alone -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "after, term",
    [
        (113131158, "splice_donor_variant"),  # between c.318+1 and c.318+2: the GT is broken
        (113129574, "splice_acceptor_variant"),  # between c.117-2 and c.117-1: the AG is broken
    ],
)
def test_an_insertion_between_the_two_splice_site_bases_breaks_the_site(kb, after, term):
    pred = _predict(kb, allele_of("chr2", after, "A", "AT"))
    assert term in pred.consequences and pred.hgvs_p == "p.?"


def test_an_insertion_deep_in_an_intron_is_intronic(kb):
    pred = _predict(kb, allele_of("chr2", 113130354, "A", "AT"))  # c.205+690
    assert pred.consequences == ["intron_variant"] and pred.exons_affected == []


def test_a_whole_transcript_deletion_removes_every_exon(kb):
    pred = _predict(kb, allele_of("chr2", 113100000, "N", "<DEL>", 113140000))
    assert pred.consequences == ["transcript_ablation"]
    assert pred.exons_affected == pred.exons_removed == [1, 2, 3, 4]


def test_an_exon_deletion_names_the_exon_it_removes(kb):
    pred = _predict(kb, allele_of("chr2", 113129500, "N", "<DEL>", 113129700))
    assert pred.exons_affected == pred.exons_removed == [2]
    assert pred.worst == "splice_acceptor_variant" and "exon_loss_variant" in pred.consequences


def test_a_deletion_of_part_of_two_exons_removes_neither(kb):
    """From inside exon 2 to inside exon 3: both touched, neither removed whole."""
    pred = _predict(kb, allele_of("chr2", 113129600, "N", "<DEL>", 113131100))
    assert pred.exons_affected == [2, 3] and pred.exons_removed == []
    assert {"splice_donor_variant", "splice_acceptor_variant", "feature_truncation"} <= set(pred.consequences)
    assert pred.hgvs_p == "p.?"


@pytest.mark.parametrize(
    "length, term",
    [
        (3, "inframe_deletion"),
        (4, "frameshift_variant"),
        (SMALL_INDEL_MAX - 1, "frameshift_variant"),
        (SMALL_INDEL_MAX + 1, "feature_truncation"),
    ],
)
def test_a_symbolic_deletion_inside_the_cds_is_judged_by_its_frame_up_to_the_small_size(kb, length, term):
    """Issue 16: a small <DEL> is judged by its frame like the same deletion written out; a larger
    partial-exon deletion is a feature truncation, never a frameshift by arithmetic."""
    pos = 113132700  # exon 4, c.363; the deletion ends before c.534
    pred = _predict(kb, allele_of("chr2", pos, "N", "<DEL>", pos + length))
    assert term in pred.consequences
    if length > SMALL_INDEL_MAX:
        assert "frameshift_variant" not in pred.consequences and "inframe_deletion" not in pred.consequences


@pytest.mark.parametrize("alt, term", [("<DUP>", "copy_number_increase"), ("<INV>", "structural_variant")])
def test_other_structural_alleles_are_not_given_transcript_terms(kb, alt, term):
    allele = Allele(
        "chr2", 113129500, "N", alt, 1, "other_sv", 113129500, 113129700, "", "", ".", "PASS", symbolic=True
    )
    pred = _predict(kb, allele)
    assert pred.consequences == [term] and pred.hgvs_p == "" and pred.exons_affected == []


def test_a_breakend_is_a_structural_variant(kb):
    allele = Allele(
        "chr2", 113129500, "G", "G]chr2:113200000]", 1, "breakend", 113129500, 113200000, "", "", ".", "PASS"
    )
    assert _predict(kb, allele).consequences == ["structural_variant"]


# -- with a reference sequence -------------------------------------------------------------------


def test_a_reference_fasta_translates_the_cds(kb):
    """The synthetic locus (test_data/ref: real exon model, CDS back-translated from NP_776214.1):
    whichever Gln codon it uses at c.181, C>T at its first base is a stop."""
    ref = ReferenceGenome(SYNTHETIC38, {b: i.chr2_length for b, i in kb.builds.items()})
    base = ref.fetch(113129640, 113129640)
    assert base == "C"
    pred = _predict(kb, allele_of("chr2", 113129640, "C", "T"), ref)
    assert pred.hgvs_p == "p.(Gln61Ter)" and pred.consequences == ["stop_gained"]
    assert not any(n.startswith(METHOD_NOTE) for n in pred.notes)  # read from the sequence, not deduced


def test_a_reference_that_does_not_cover_the_exons_says_so_and_the_protein_still_shows_a_nonsense(kb, tmp_path):
    """A partial FASTA (here only the curated context bases) cannot translate the CDS: the note says
    so, and the protein + REF deduction used without any FASTA still names c.229G>T a stop
    (it gave no p. and a bare coding_sequence_variant before: a nonsense missed)."""
    ref = context_reference(kb, "GRCh38", tmp_path)
    pred = _predict(kb, allele_of("chr2", 113131068, "G", "T"), ref)
    assert any("does not cover all IL1RN exons" in n for n in pred.notes)
    assert pred.hgvs_p == "p.(Glu77Ter)" and pred.consequences == ["stop_gained"]
    assert pred.hgvs_p == _predict(kb, allele_of("chr2", 113131068, "G", "T"), None).hgvs_p


@pytest.mark.parametrize(
    "pos, end, term",
    [(113127620, 113127630, "start_lost"), (113132865, 113132880, "stop_lost")],
    ids=["c.-4_6del", "c.529_*9del"],
)
@pytest.mark.parametrize("with_fasta", [False, True])
def test_a_deletion_across_a_cds_boundary_is_p_unknown_with_or_without_a_fasta(kb, pos, end, term, with_fasta):
    """Taking the start or stop codon with UTR bases: where translation starts or ends is not
    predictable, so HGVS gives p.? -- never an empty protein column, never a protein made up
    from the coding part alone."""
    tx = kb.transcript("GRCh38")
    ref = ReferenceGenome(SYNTHETIC38, {b: i.chr2_length for b, i in kb.builds.items()}) if with_fasta else None
    pred = predict(allele_of("chr2", pos, "N", "<DEL>", end), tx, kb, ref)
    assert pred.hgvs_p == "p.?"
    assert term in pred.consequences
