"""Per-sample interpretation of two-allele cases: phase, and small variants inside deletions.

Each case is a GRCh38 VCF (real IL1RN coordinates) annotated by the package; the statuses come
from `interpret.interpret_sample` through the pipeline, as a user would get them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import vcf_text

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.core.interpret import interpret_sample

DATE = "2026-01-01T00:00:00Z"
FASTA38 = Path(__file__).resolve().parents[1] / "test_data" / "ref" / "GRCh38_chr2_113100001-113160000.synthetic.fa"
# c.160C>T p.(Gln54Ter) and c.229G>T p.(Glu77Ter): exons 2 and 3, both stop-gained
Q54X = "chr2\t113129619\t.\tC\tT\t50\tPASS\t.\tGT:PS\t{}"
E77X = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT:PS\t{}"
# DELLY-style <DEL> removing the transcription start and exons 1-3 (113,127,001-113,131,157): E77X lies
# inside it. (Exons 2-3 alone are PVS1_Strong, uncertain significance: the test needs a P/LP deletion.)
DEL_EX23 = "chr2\t113127000\tDEL31\tC\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113131157;SVLEN=-4157\tGT:PS\t{}"

CASES = {  # sample: (Q54X, E77X, DEL_EX23) genotypes, expected status
    "CIS": (("0|1:100", "0|1:100", "0/0:."), "carrier"),
    "TRANS": (("0|1:100", "1|0:100", "0/0:."), "consistent_with_DIRA"),
    "UNPHASED": (("0/1:.", "0/1:.", "0/0:."), "possible_DIRA"),
    "OTHER_PHASE_SET": (("0|1:100", "1|0:200", "0/0:."), "possible_DIRA"),
    "HOM_INSIDE_HET_DEL": (("0/0:.", "1/1:.", "0/1:."), "consistent_with_DIRA"),
    "HOM_WITHOUT_DEL": (("0/0:.", "1/1:.", "0/0:."), "consistent_with_DIRA"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory, kb):
    tmp = tmp_path_factory.mktemp("interpret")
    samples = list(CASES)
    columns = list(zip(*(gts for gts, _ in CASES.values()), strict=True))
    records = [DEL_EX23.format("\t".join(columns[2])), Q54X.format("\t".join(columns[0])),
               E77X.format("\t".join(columns[1]))]
    path = tmp / "phase.vcf"
    path.write_text(vcf_text(records, samples, build="GRCh38", chrom="chr2"))
    result = annotate_file(path, tmp / "out", kb, date=DATE)
    return {s.sample: s for s in result.samples}


@pytest.mark.parametrize("sample", list(CASES))
def test_status_of_two_allele_cases(results, sample):
    assert results[sample].dira_status == CASES[sample][1], results[sample].status_sentence


def test_cis_and_trans_are_named_in_the_sentence(results):
    assert "in cis" in results["CIS"].status_sentence
    assert "in trans" in results["TRANS"].status_sentence
    assert "unknown phase" in results["OTHER_PHASE_SET"].status_sentence  # phase sets do not compare


def test_homozygous_call_inside_a_heterozygous_deletion_is_hemizygous(results):
    """The caller saw only the allele the deletion left: the variant and the deletion are the
    two alleles (in trans), not two copies of the variant."""
    hemi = results["HOM_INSIDE_HET_DEL"]
    assert "Compound heterozygous" in hemi.status_sentence and "in trans" in hemi.status_sentence
    assert "c.229G>T" in hemi.status_sentence and "removes IL1RN exons 1, 2, 3" in hemi.status_sentence
    assert "Homozygous" not in hemi.status_sentence
    assert "was called homozygous inside the heterozygous" in hemi.evidence and "hemizygous" in hemi.evidence
    plain = results["HOM_WITHOUT_DEL"]
    assert plain.status_sentence.startswith("Homozygous pathogenic IL1RN variant c.229G>T")
    assert "hemizygous" not in plain.evidence


def test_apparent_homozygote_inside_a_deletion_that_is_not_pathogenic_is_one_allele(results):
    """If the enclosing deletion were not P/LP, the sample has one P/LP allele: a carrier, not DIRA."""
    hemi = results["HOM_INSIDE_HET_DEL"]
    findings = [dict(f) for f in hemi.findings]
    deletion = next(f for f in findings if f["variant_type"] == "sv_deletion")
    deletion["classification"] = "uncertain_significance"
    again = interpret_sample(hemi.sample, findings, hemi.locus_called)
    assert again.dira_status == "carrier"
    assert "hemizygous: called homozygous inside the heterozygous" in again.status_sentence
    # the same findings with the real (likely pathogenic) deletion give DIRA again
    assert interpret_sample(hemi.sample, [dict(f) for f in hemi.findings], True).dira_status == "consistent_with_DIRA"


def test_other_structural_variants_are_named_by_kind_and_span(tmp_path, kb):
    """A duplication or inversion over IL1RN is uncertain, and named as a clinician reads it."""
    records = ["chr2\t113120000\tDUP1\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;END=113140000;SVLEN=20000\tGT\t0/1\t0/0\t0/0",
               "chr2\t113125000\tINV1\tN\t<INV>\t.\tPASS\tSVTYPE=INV;END=113133000\tGT\t0/0\t1/1\t0/0",
               "chr2\t113129000\tBND1\tN\tN[chr5:1000[\t.\tPASS\tSVTYPE=BND\tGT\t0/0\t0/0\t0/1"]
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


def test_two_alt_alleles_of_one_genotype_call_are_in_trans(tmp_path, kb):
    """GT 1/2 puts each ALT on its own chromosome: two LoF ALTs there are biallelic, phased or not."""
    # one record at c.160 (113,129,619): CA>TA is c.160C>T p.(Gln54Ter), CA>C is c.161del (frameshift)
    record = "chr2\t113129619\t.\tCA\tTA,C\t50\tPASS\t.\tGT\t1/2\t0/1\t1|2\t1/1"
    path = tmp_path / "bcftools.multiallelic.vcf"
    path.write_text(vcf_text([record], ["GT_1_2", "GT_0_1", "GT_1_2_PHASED", "GT_1_1"], build="GRCh38", chrom="chr2"))
    # the synthetic locus FASTA places c.161del's new stop codon (NMD: PVS1); without a sequence a
    # frameshift's NMD is not known and it is only PVS1_Strong (uncertain significance)
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE, reference_path=FASTA38).samples}
    for sample in ("GT_1_2", "GT_1_2_PHASED"):
        assert by[sample].dira_status == "consistent_with_DIRA", by[sample].status_sentence
        assert "in trans" in by[sample].status_sentence and "c.161del" in by[sample].status_sentence
    assert "both in one genotype call, GT 1/2" in by["GT_1_2"].evidence
    assert by["GT_0_1"].dira_status == "carrier"
    assert by["GT_1_1"].dira_status == "consistent_with_DIRA"
    # split by `bcftools norm -m-` into two records, the two calls are no longer one genotype:
    # without phase the relation is unknown again
    split = ["chr2\t113129619\t.\tC\tT\t50\tPASS\t.\tGT\t1/0", "chr2\t113129619\t.\tCA\tC\t50\tPASS\t.\tGT\t0/1"]
    path = tmp_path / "bcftools.split.vcf"
    path.write_text(vcf_text(split, ["GT_1_2"], build="GRCh38", chrom="chr2"))
    assert annotate_file(path, tmp_path / "out2", kb, date=DATE, reference_path=FASTA38).samples[0].dira_status \
        == "possible_DIRA"


def test_haploid_call_is_named_hemizygous_with_what_to_confirm(tmp_path, kb):
    record = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t1\t1/1"
    path = tmp_path / "haploid.vcf"
    path.write_text(vcf_text([record], ["HAPLOID", "DIPLOID"], build="GRCh38", chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["HAPLOID"].dira_status == "consistent_with_DIRA"
    assert by["HAPLOID"].status_sentence.startswith("Hemizygous pathogenic IL1RN variant c.229G>T")
    assert "confirm by copy-number analysis" in by["HAPLOID"].status_sentence
    assert by["DIPLOID"].status_sentence.startswith("Homozygous pathogenic IL1RN variant c.229G>T")


def test_carrier_with_a_vus_on_the_other_allele_says_dira_is_not_excluded(tmp_path, kb):
    """One P/LP allele plus a VUS that is, or may be, on the other allele: still 'carrier', but the
    sentence must say that DIRA is not excluded until the VUS is classified."""
    records = ["chr2\t113131068\t.\tG\tT,A\t50\tPASS\t.\tGT\t1/2\t0|1\t0/1\t0/1",  # c.229G>T (P), c.229G>A (VUS)
               "chr2\t113132786\t.\tT\tA\t50\tPASS\t.\tGT\t0/0\t0|1\t0/1\t0/0"]  # c.449T>A p.(Met150Lys) (VUS)
    path = tmp_path / "bcftools.vus.vcf"
    path.write_text(vcf_text(records, ["VUS_TRANS", "VUS_CIS", "VUS_UNPHASED", "NO_VUS"], build="GRCh38",
                             chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert {s.dira_status for s in by.values()} == {"carrier"}
    # c.229G>A: Glu77 GAR -> AAR, Lys whatever R is: p.(Glu77Lys) deduced without a FASTA (issue 15 section 3)
    assert ("The variant of uncertain significance c.229G>A p.(Glu77Lys) is on the other allele (in trans): DIRA "
            "cannot be excluded if it proves pathogenic.") in by["VUS_TRANS"].status_sentence
    assert "c.449T>A p.(Met150Lys) is on the same allele (in cis)." in by["VUS_CIS"].status_sentence  # ATG -> AAG
    assert "DIRA cannot be excluded" not in by["VUS_CIS"].status_sentence
    assert ("c.449T>A p.(Met150Lys) is of unknown phase: DIRA cannot be excluded if it proves pathogenic and in trans."
            in by["VUS_UNPHASED"].status_sentence)
    assert "uncertain significance" not in by["NO_VUS"].status_sentence


# ----------------------------------------------------------------------------------------
# phase from the parents' calls

TRIO_SAMPLES = ["CHILD", "MOTHER_Q54X", "FATHER_E77X", "MOTHER_BOTH", "FATHER_NONE", "PARENT_NOCALL"]
TRIO_RECORDS = [Q54X.format("\t".join(["0/1:.", "0/1:.", "0/0:.", "0/1:.", "0/0:.", "./.:."])),
                E77X.format("\t".join(["0/1:.", "0/0:.", "0/1:.", "0/1:.", "0/0:.", "./.:."]))]


@pytest.fixture(scope="module")
def trio(tmp_path_factory, kb):
    tmp = tmp_path_factory.mktemp("trio")
    path = tmp / "trio.vcf"
    path.write_text(vcf_text(TRIO_RECORDS, TRIO_SAMPLES, build="GRCh38", chrom="chr2"))
    return {s.sample: s for s in annotate_file(path, tmp / "out", kb, date=DATE).samples}


def _parent(trio, role: str, sample: str):
    from il1rn_annot.core.phase import ParentCalls
    return ParentCalls(role, sample, trio[sample].findings, trio[sample].locus_called)


def _child_with(trio, mother: str | None, father: str | None):
    parents = [_parent(trio, "mother", mother)] if mother else []
    parents += [_parent(trio, "father", father)] if father else []
    child = trio["CHILD"]
    return interpret_sample("CHILD", child.findings, child.locus_called, parents=parents)


def test_child_unphased_alone_is_possible_dira(trio):
    assert trio["CHILD"].dira_status == "possible_DIRA"


def test_one_allele_from_each_parent_is_in_trans(trio):
    result = _child_with(trio, "MOTHER_Q54X", "FATHER_E77X")
    assert result.dira_status == "consistent_with_DIRA"
    assert "in trans (phased by the parents' genotypes)" in result.status_sentence
    assert ("c.160C>T p.(Gln54Ter) inherited from the mother (MOTHER_Q54X), c.229G>T p.(Glu77Ter) from the "
            "father (FATHER_E77X)") in result.evidence


def test_both_alleles_from_one_parent_are_in_cis(trio):
    result = _child_with(trio, "MOTHER_BOTH", "FATHER_NONE")
    assert result.dira_status == "carrier"
    assert "in cis, phased by the parents' genotypes" in result.status_sentence
    assert "both inherited from the mother (MOTHER_BOTH); the father (FATHER_NONE) has neither" in result.evidence


@pytest.mark.parametrize("mother,father", [
    ("MOTHER_Q54X", None),  # one parent: the other allele may be de novo on either haplotype
    ("MOTHER_Q54X", "FATHER_NONE"),  # E77X in neither parent: de novo or a missed call
    ("MOTHER_BOTH", "FATHER_E77X"),  # E77X in both parents
    ("PARENT_NOCALL", "FATHER_E77X"),  # a parent without calls cannot show what it lacks
])
def test_parents_that_do_not_settle_the_phase_leave_it_unknown(trio, mother, father):
    result = _child_with(trio, mother, father)
    assert result.dira_status == "possible_DIRA"
    if father:
        assert "do not establish it" in result.evidence


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
    path.write_text(vcf_text(records, ["UTR_HOM", "EXON1_HOM", "PROMOTER_HOM", "PART_CDS_HOM"], build="GRCh38",
                             chrom="chr2"))
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


def test_small_deletions_of_the_start_or_stop_codon_are_named_so(tmp_path, kb):
    records = ["chr2\t113127624\t.\tNATG\tN\t50\tPASS\t.\tGT\t1/1\t0/0",  # c.1_3del: the ATG
               "chr2\t113132868\t.\tNTGA\tN\t50\tPASS\t.\tGT\t0/0\t1/1"]  # c.532_534del: the stop codon
    path = tmp_path / "gatk.codons.vcf"
    path.write_text(vcf_text(records, ["START_DEL", "STOP_DEL"], build="GRCh38", chrom="chr2"))
    alleles = {a["hgvs_c"]: a for a in annotate_file(path, tmp_path / "out", kb, date=DATE).payload["alleles"]}
    assert "start_lost" in alleles["c.1_3del"]["consequence"]
    # ClinGen SVI 2018 initiation-codon branch: Met35 is the next in-frame Met and no curated pathogenic
    # variant lies before it: PVS1_Supporting, uncertain significance (was likely pathogenic)
    assert alleles["c.1_3del"]["pvs1"] == "PVS1_Supporting"
    assert alleles["c.1_3del"]["classification"] == "uncertain_significance"
    assert "Met35" in alleles["c.1_3del"]["classification_evidence"]
    assert alleles["c.532_534del"]["consequence"][0] == "stop_lost"
    assert alleles["c.532_534del"]["classification"] == "uncertain_significance"


def test_parents_that_contradict_the_childs_calls_are_named_for_confirmation(tmp_path, kb):
    """Both parents called: an allele in neither parent, or a homozygote a parent does not carry,
    is said in the evidence (de novo, missed call, UPD, deletion or sample mix-up); the status
    is what the child's own calls give."""
    from il1rn_annot.core.phase import ParentCalls
    records = [E77X.format("\t".join(["1/1:.", "0/1:.", "0/0:.", "0/1:."])),
               Q54X.format("\t".join(["0/0:.", "0/0:.", "0/0:.", "0/1:."]))]
    path = tmp_path / "trio.vcf"
    path.write_text(vcf_text(records, ["HOM_CHILD", "MUM_E77X", "DAD_NONE", "HET_CHILD"], build="GRCh38",
                             chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}

    def parents(mother, father):
        return [ParentCalls("mother", mother, by[mother].findings, by[mother].locus_called),
                ParentCalls("father", father, by[father].findings, by[father].locus_called)]

    hom = by["HOM_CHILD"]
    again = interpret_sample(hom.sample, hom.findings, hom.locus_called, parents=parents("MUM_E77X", "DAD_NONE"))
    assert again.dira_status == "consistent_with_DIRA"
    assert ("c.229G>T p.(Glu77Ter) is homozygous but the father (DAD_NONE) does not carry it: uniparental "
            "disomy") in again.evidence
    het = by["HET_CHILD"]  # Q54X in neither parent
    again = interpret_sample(het.sample, het.findings, het.locus_called, parents=parents("MUM_E77X", "DAD_NONE"))
    assert ("c.160C>T p.(Gln54Ter) was found in neither parent (the mother (MUM_E77X) and the father "
            "(DAD_NONE)): a de novo variant") in again.evidence
    assert "c.229G>T p.(Glu77Ter) was found in neither" not in again.evidence  # the mother has it
    # without the parents nothing is said
    assert "parent" not in interpret_sample(het.sample, het.findings, het.locus_called).evidence


# --- genotypes that are half there, and the other GT shapes the interpretation reads (issue 15, section 5)

E77X_PLAIN = "{chrom}\t{pos}\t.\tG\tT\t50\tPASS\t.\tGT\t{gts}"
Q54X_PLAIN = "{chrom}\t{pos}\t.\tC\tT\t50\tPASS\t.\tGT:PS\t{gts}"


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_half_called_genotypes_are_neither_carriers_nor_negatives(tmp_path, kb, build, chrom, offset):
    """./1 and 1/. of a pathogenic allele: a carrier whose other allele was not called; 0/.: not a
    plain negative. Each sentence says an allele was not called and DIRA is not excluded."""
    gts = ["./1", "1/.", "0/.", "./0", "0/0"]
    samples = ["MISS_ALT", "ALT_MISS", "REF_MISS", "MISS_REF", "REF_REF"]
    record = E77X_PLAIN.format(chrom=chrom, pos=113_131_068 + offset, gts="\t".join(gts))
    path = tmp_path / "half.vcf"
    path.write_text(vcf_text([record], samples, build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    for sample in ("MISS_ALT", "ALT_MISS"):
        assert by[sample].dira_status == "carrier"
        assert "the second allele at this position was not called" in by[sample].status_sentence
        assert "DIRA is not excluded" in by[sample].status_sentence
    for sample in ("REF_MISS", "MISS_REF"):
        assert by[sample].dira_status == "no_pathogenic_variant_detected"
        assert "only one allele of this sample was called" in by[sample].status_sentence
        assert "DIRA is not excluded" in by[sample].status_sentence
    assert "DIRA is not excluded" not in by["REF_REF"].status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_haploid_and_polyploid_calls(tmp_path, kb, build, chrom, offset):
    """A haploid 1 on chr2 is hemizygous (DIRA, with the copy-number caveat); a haploid 0 is a
    called reference; triploid 1/1/1 is homozygous, 0/0/1 heterozygous, ./1/1 half-called."""
    samples = ["HAPLOID_ALT", "HAPLOID_REF", "TRI_HOM", "TRI_HET", "TRI_HALF"]
    record = E77X_PLAIN.format(chrom=chrom, pos=113_131_068 + offset,
                               gts="\t".join(["1", "0", "1/1/1", "0/0/1", "./1/1"]))
    path = tmp_path / "ploidy.vcf"
    path.write_text(vcf_text([record], samples, build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["HAPLOID_ALT"].dira_status == "consistent_with_DIRA"
    assert "haploid call on chromosome 2" in by["HAPLOID_ALT"].status_sentence
    assert by["HAPLOID_REF"].dira_status == "no_pathogenic_variant_detected"
    assert "DIRA is not excluded" not in by["HAPLOID_REF"].status_sentence
    assert by["TRI_HOM"].dira_status == "consistent_with_DIRA"
    assert by["TRI_HET"].dira_status == "carrier" and "not called" not in by["TRI_HET"].status_sentence
    assert by["TRI_HALF"].dira_status == "carrier" and "DIRA is not excluded" in by["TRI_HALF"].status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_phased_with_and_without_phase_set(tmp_path, kb, build, chrom, offset):
    """Phased GTs without PS belong to one phase set (VCF 4.3): 1|0 + 0|1 is in trans; with
    different PS values the phase between them is unknown."""
    records = [Q54X_PLAIN.format(chrom=chrom, pos=113_129_619 + offset, gts="\t".join(["1|0:.", "1|0:100", "1|0:."])),
               Q54X_PLAIN.replace("C\tT", "G\tT").format(chrom=chrom, pos=113_131_068 + offset,
                                                          gts="\t".join(["0|1:.", "0|1:200", "1|0:."]))]
    path = tmp_path / "phase_ps.vcf"
    path.write_text(vcf_text(records, ["NO_PS_TRANS", "OTHER_PS", "NO_PS_CIS"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["NO_PS_TRANS"].dira_status == "consistent_with_DIRA"
    assert by["OTHER_PS"].dira_status == "possible_DIRA"
    assert by["NO_PS_CIS"].dira_status == "carrier" and "in cis" in by["NO_PS_CIS"].status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_sample_level_ft_filter_is_named(tmp_path, kb, build, chrom, offset):
    """A call whose FORMAT/FT is not PASS (Manta, DELLY) is named in the evidence for confirmation."""
    header = ['##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">']
    record = f"{chrom}\t{113_131_068 + offset}\t.\tG\tT\t50\tPASS\t.\tGT:FT\t1/1:LowGQ\t1/1:PASS"
    path = tmp_path / "ft.vcf"
    path.write_text(vcf_text([record], ["FT_FAIL", "FT_PASS"], build=build, chrom=chrom, extra_header=header))
    result = annotate_file(path, tmp_path / "out", kb, date=DATE)
    by = {s.sample: s for s in result.samples}
    assert by["FT_FAIL"].dira_status == by["FT_PASS"].dira_status == "consistent_with_DIRA"
    assert "sample FT=LowGQ" in by["FT_FAIL"].evidence and "confirm before reporting" in by["FT_FAIL"].evidence
    assert "FT=" not in by["FT_PASS"].evidence
    assert by["FT_FAIL"].findings[0]["sample_filter"] == "LowGQ"


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_homozygous_vus_is_a_predicted_loss_of_function_only_with_a_pvs1_branch(tmp_path, kb, build, chrom, offset):
    """Review finding: a homozygous in-frame 15-bp deletion (c.217_231del, the issue-15 near miss
    of the Jesus 2011 allele) read "a predicted loss of function" while its evidence says "PVS1 does
    not apply". Only an allele with a PVS1 strength is called a predicted loss of function; both
    sentences still say DIRA is not excluded."""
    records = [f"{chrom}\t{113_131_055 + offset}\t.\tTGTGGTACCCATAGAG\tT\t50\tPASS\t.\tGT\t1/1\t0/0",
               f"{chrom}\t{113_131_149 + offset}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t1/1"]  # c.310C>T
    path = tmp_path / "hom_vus.vcf"
    path.write_text(vcf_text(records, ["INFRAME_HOM", "Q104X_HOM"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    inframe, q104x = by["INFRAME_HOM"], by["Q104X_HOM"]
    assert inframe.dira_status == q104x.dira_status == "uncertain_significance"
    assert "PVS1 does not apply" in inframe.evidence
    assert "predicted loss of function (" not in inframe.status_sentence
    assert "not a predicted loss of function by the PVS1 tree" in inframe.status_sentence
    assert "a predicted loss of function (PVS1_Strong)" in q104x.status_sentence
    for s in (inframe, q104x):
        assert "DIRA is not excluded" in s.status_sentence
        assert "No pathogenic" not in s.status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_heterozygous_call_inside_a_heterozygous_deletion_is_not_taken_to_be_in_trans(tmp_path, kb, build, chrom,
                                                                                       offset):
    """Review finding: an SvABA-style deletion pair G[2:113140000[ / ]2:113100000]A (0/1, removes
    IL1RN) with c.181C>T p.(Gln61Ter) called 0/1 inside it was 'in trans: consistent with DIRA'.
    Inside a heterozygous deletion one copy is left: a 0/1 call (a REF allele seen) contradicts the
    deletion, so the pair is possible DIRA with the discordance named; a 1/1 call there is the
    hemizygous case and stays in trans."""
    left, right, snv = 113_100_000 + offset, 113_140_000 + offset, 113_129_640 + offset
    records = [f"{chrom}\t{left}\tbnd1\tG\tG[{chrom}:{right}[\t50\tPASS\tSVTYPE=BND\tGT\t0/1\t0/1",
               f"{chrom}\t{snv}\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t1/1",
               f"{chrom}\t{right}\tbnd2\tA\t]{chrom}:{left}]A\t50\tPASS\tSVTYPE=BND\tGT\t0/1\t0/1"]
    path = tmp_path / "bnd_and_snv.vcf"
    path.write_text(vcf_text(records, ["HET_IN_HET_DEL", "HOM_IN_HET_DEL"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    het = by["HET_IN_HET_DEL"]
    assert het.dira_status == "possible_DIRA", het.status_sentence
    assert "consistent with DIRA" not in het.status_sentence and "of unknown phase" in het.status_sentence
    for text in (het.status_sentence, het.evidence):
        assert "c.181C>T p.(Gln61Ter) was called heterozygous (GT 0/1) inside the heterozygous deletion" in text
        assert "the two calls disagree" in text
    hom = by["HOM_IN_HET_DEL"]
    assert hom.dira_status == "consistent_with_DIRA" and "in trans" in hom.status_sentence
    assert "disagree" not in hom.evidence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_a_gene_removed_in_part_does_not_make_the_whole_list_partial(tmp_path, kb, build, chrom, offset):
    """Review finding: a homozygous <DEL> 113,050,001-113,300,000 (ends inside IL36B, removes IL36RN ...
    PAX8 whole) read 'removes part of IL36B, IL36RN, IL1F10, IL1RN, PSD4, PAX8'. The partial gene is
    marked on its own; IL36RN (recessive, both copies) and PAX8 are named with their conditions."""
    record = (f"{chrom}\t{113_050_000 + offset}\t.\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END={113_300_000 + offset}"
              "\tGT\t1/1")
    path = tmp_path / "big_del.vcf"
    path.write_text(vcf_text([record], ["HOM_BIG"], build=build, chrom=chrom))
    result = annotate_file(path, tmp_path / "out", kb, date=DATE).samples[0]
    assert result.dira_status == "consistent_with_DIRA"
    assert "removes IL36B (in part), IL36RN, IL1F10, IL1RN, PSD4, PAX8" in result.status_sentence
    assert "part of IL36B, IL36RN" not in result.status_sentence
    assert "IL36RN (both copies deleted" in result.status_sentence
    assert "PAX8 (both copies deleted" in result.status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_a_positive_result_from_a_filtered_call_says_so_in_its_sentence(tmp_path, kb, build, chrom, offset):
    """Review finding: c.181C>T p.(Gln61Ter) 1/1 with FORMAT/FT=LowGQ gave the sentence 'consistent
    with DIRA.' and named the failed filter only in the evidence. The sentence (the report's headline,
    the summary row) now says so; a FILTER-column failure the same; a passing call adds nothing."""
    records = [f"{chrom}\t{113_129_640 + offset}\t.\tC\tT\t50\tPASS\t.\tGT:FT\t1/1:LowGQ\t1/1:PASS\t0/1:PASS",
               f"{chrom}\t{113_131_068 + offset}\t.\tG\tT\t50\tLowQual\t.\tGT:FT\t0/0:PASS\t0/0:PASS\t0/1:PASS"]
    path = tmp_path / "ft.vcf"
    path.write_text(vcf_text(records, ["FT_FAIL", "FT_PASS", "TWO_ONE_FILTERED"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["FT_FAIL"].dira_status == by["FT_PASS"].dira_status == "consistent_with_DIRA"
    assert by["FT_FAIL"].status_sentence.endswith(
        "c.181C>T p.(Gln61Ter) did not pass the caller's filters (sample FT=LowGQ): confirm before reporting.")
    assert "filters" not in by["FT_PASS"].status_sentence
    two = by["TWO_ONE_FILTERED"]
    assert two.dira_status == "possible_DIRA"
    assert "c.229G>T p.(Glu77Ter) did not pass the caller's filters (LowQual)" in two.status_sentence
