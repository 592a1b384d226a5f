"""How alleles read in sentences (`core.allele_words`): structural variants by kind and span,
deletions by what they remove (exons whole or in part, other cluster genes and their conditions).
"""

from __future__ import annotations

import pytest
from conftest import vcf_text

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.core.allele_words import allele_label, deletion_effect, exon_parts

DATE = "2026-01-01T00:00:00Z"


def test_other_structural_variants_are_named_by_kind_and_span(tmp_path, kb):
    """A duplication or inversion over IL1RN is uncertain, and named as a clinician reads it."""
    records = [
        "chr2\t113120000\tDUP1\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;END=113140000;SVLEN=20000\tGT\t0/1\t0/0\t0/0",
        "chr2\t113125000\tINV1\tN\t<INV>\t.\tPASS\tSVTYPE=INV;END=113133000\tGT\t0/0\t1/1\t0/0",
        "chr2\t113129000\tBND1\tN\tN[chr5:1000[\t.\tPASS\tSVTYPE=BND\tGT\t0/0\t0/0\t0/1",
    ]
    path = tmp_path / "manta.sv.vcf"
    path.write_text(vcf_text(records, ["DUP_HET", "INV_HOM", "BND_HET"], build="GRCh38", chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["DUP_HET"].dira_status == "uncertain_significance"
    assert "duplication chr2:113120001-113140000" in by["DUP_HET"].status_sentence
    assert by["INV_HOM"].dira_status == "uncertain_significance"
    assert "inversion chr2:113125001-113133000" in by["INV_HOM"].status_sentence
    # once 'breakend chr2:113129000 (N[chr5:1000[)': a breakend to another chromosome is a
    # translocation breakpoint, named with its partner (issue 16)
    assert "translocation breakpoint chr2:113129000, partner chr5:1000 (N[chr5:1000[)" in by["BND_HET"].status_sentence
    assert "<DUP>" not in by["DUP_HET"].status_sentence


def test_deletions_are_classified_by_what_they_remove(tmp_path, kb):
    """Only deletions that remove whole exons, coding sequence or the gene are loss of function; a
    deletion of 3'UTR sequence inside exon 4 was once 'exon loss' and made a homozygote DIRA."""
    records = [
        "chr2\t113132999\tUTR\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113133500;SVLEN=-501\tGT\t1/1\t0/0\t0/0\t0/0",
        "chr2\t113127499\tEX1\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113127800;SVLEN=-301\tGT\t0/0\t1/1\t0/0\t0/0",
        "chr2\t113119999\tPROM\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113125000;SVLEN=-5001\tGT\t0/0\t0/0\t1/1\t0/0",
        # exon 4 from inside the CDS (stop codon at 113,132,871) to past its end: part CDS, part UTR
        "chr2\t113132799\tCDS\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113133200;SVLEN=-401\tGT\t0/0\t0/0\t0/0\t1/1",
    ]
    path = tmp_path / "delly.partial.vcf"
    path.write_text(
        vcf_text(records, ["UTR_HOM", "EXON1_HOM", "PROMOTER_HOM", "PART_CDS_HOM"], build="GRCh38", chrom="chr2")
    )
    result = annotate_file(path, tmp_path / "out", kb, date=DATE)
    by = {s.sample: s for s in result.samples}
    alleles = {a["vcf_id"]: a for a in result.payload["alleles"]}
    utr = alleles["UTR"]
    assert utr["exons_affected"] == [4] and utr["exons_removed"] == []
    assert "exon_loss_variant" not in utr["consequence"] and "feature_truncation" in utr["consequence"]
    assert utr["classification"] == "uncertain_significance"
    assert by["UTR_HOM"].dira_status == "uncertain_significance"
    assert "removes part of IL1RN exon 4" in by["UTR_HOM"].status_sentence
    assert alleles["EX1"]["exons_removed"] == [1] and by["EXON1_HOM"].dira_status == "consistent_with_DIRA"
    assert "removes IL1RN exon 1)" in by["EXON1_HOM"].status_sentence
    assert alleles["PROM"]["classification"] == "uncertain_significance"
    assert "upstream of IL1RN" in by["PROMOTER_HOM"].status_sentence
    # from the promoter into exon 1's coding sequence (start codon at 113,127,625): loss of function
    start = "chr2\t113126999\tSTART\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113127650;SVLEN=-651\tGT\t1/1"
    start_path = tmp_path / "delly.start.vcf"
    start_path.write_text(vcf_text([start], ["START_HOM"], build="GRCh38", chrom="chr2"))
    started = annotate_file(start_path, tmp_path / "out2", kb, date=DATE)
    allele = started.payload["alleles"][0]
    assert allele["exons_removed"] == [] and allele["classification"] == "likely_pathogenic"
    assert started.samples[0].dira_status == "consistent_with_DIRA"
    assert "removes part of IL1RN exon 1" in started.samples[0].status_sentence
    # the end of the CDS in the last exon: escapes NMD, graded by the protein removed (ClinGen SVI 2018)
    assert alleles["CDS"]["classification"] == "uncertain_significance" and alleles["CDS"]["exons_removed"] == []
    assert alleles["CDS"]["pvs1"] == "PVS1_Strong"
    assert "to the stop codon: NMD not predicted" in alleles["CDS"]["classification_evidence"]
    assert by["PART_CDS_HOM"].dira_status == "uncertain_significance"
    assert "DIRA is not excluded" in by["PART_CDS_HOM"].status_sentence
    assert "no pathogenic" not in by["PART_CDS_HOM"].status_sentence.lower()


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_a_gene_removed_in_part_does_not_make_the_whole_list_partial(tmp_path, kb, build, chrom, offset):
    """Review finding: a homozygous <DEL> 113,050,001-113,300,000 (ends inside IL36B, removes IL36RN ...
    PAX8 whole) read 'removes part of IL36B, IL36RN, IL1F10, IL1RN, PSD4, PAX8'. The partial gene is
    marked on its own; IL36RN (recessive, both copies) and PAX8 are named with their conditions."""
    record = f"{chrom}\t{113_050_000 + offset}\t.\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END={113_300_000 + offset}\tGT\t1/1"
    path = tmp_path / "big_del.vcf"
    path.write_text(vcf_text([record], ["HOM_BIG"], build=build, chrom=chrom))
    result = annotate_file(path, tmp_path / "out", kb, date=DATE).samples[0]
    assert result.dira_status == "consistent_with_DIRA"
    assert "removes IL36B (in part), IL36RN, IL1F10, IL1RN, PSD4, PAX8" in result.status_sentence
    assert "part of IL36B, IL36RN" not in result.status_sentence
    assert "IL36RN (both copies deleted" in result.status_sentence
    assert "PAX8 (both copies deleted" in result.status_sentence


# --- the words on their own: an allele as a plain dict, as the interpretation sees it


def _allele(**fields):
    base = {
        "chrom": "chr2",
        "pos": 113131067,
        "end": 113131068,
        "ref": "G",
        "alt": "T",
        "variant_type": "snv",
        "vcf_id": ".",
        "hgvs_c": "c.229G>T",
        "hgvs_p": "p.(Glu77Ter)",
    }
    return {**base, **fields}


def test_small_variant_reads_as_hgvs_with_its_rs_id():
    assert allele_label(_allele()) == "c.229G>T p.(Glu77Ter)"
    assert allele_label(_allele(vcf_id="rs123")) == "c.229G>T p.(Glu77Ter) (rs123)"
    assert allele_label(_allele(hgvs_c="", hgvs_p="")) == "chr2:113131067 G>T"


def test_deletion_reads_as_its_span_and_what_it_removes():
    whole = {"gene": "IL1RN", "fraction": 1.0}
    deletion = _allele(
        variant_type="sv_deletion",
        pos=113100000,
        end=113140000,
        alt="<DEL>",
        hgvs_c="",
        hgvs_p="",
        deleted_genes=[whole],
        consequence=["transcript_ablation"],
    )
    assert allele_label(deletion) == "deletion chr2:113100001-113140000 (removes IL1RN)"
    partial = {
        **deletion,
        "deleted_genes": [{"gene": "IL1RN", "fraction": 0.4}],
        "exons_affected": [2, 3, 4],
        "exons_removed": [2, 3],
    }
    assert exon_parts(partial) == ([2, 3], [4])
    assert deletion_effect(partial) == "removes IL1RN exons 2, 3 and part of IL1RN exon 4"
    # an annotation written before exons_removed existed: every touched exon counts as removed
    older = {k: v for k, v in partial.items() if k != "exons_removed"}
    assert exon_parts(older) == ([2, 3, 4], [])


def test_deletion_that_spares_il1rn_says_on_which_side_it_lies():
    upstream = _allele(
        variant_type="cnv",
        alt="<DEL>",
        hgvs_c="",
        hgvs_p="",
        consequence=[],
        deleted_genes=[{"gene": "IL36G", "fraction": 1.0}],
    )
    assert deletion_effect(upstream) == "removes IL36G; does not remove IL1RN, lies upstream of IL1RN"
    downstream = {**upstream, "deleted_genes": [{"gene": "PAX8", "fraction": 0.5}]}
    assert deletion_effect(downstream) == "removes PAX8 (in part); does not remove IL1RN, lies downstream of IL1RN"
    assert (
        deletion_effect({**upstream, "deleted_genes": [], "consequence": ["downstream_gene_variant"]})
        == "does not remove IL1RN, lies downstream of IL1RN"
    )
