"""Phase: two P/LP alleles of one sample in trans (DIRA), in cis (carrier) or of unknown phase
(possible DIRA), from the sample's own calls (phased GTs and phase sets, GT 1/2, a small variant
inside a heterozygous deletion) or from its parents' calls (`core.phase`).

Each case is a GRCh38 VCF (real IL1RN coordinates) annotated by the package; the statuses come
from `core.interpret.interpret_sample` through the pipeline, as a user would get them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import vcf_text

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.core.interpret import interpret_sample
from il1rn_annot.core.phase import ParentCalls, distinct_events, enclosing_deletion, phase_by_parents, phase_relation

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
    records = [
        DEL_EX23.format("\t".join(columns[2])),
        Q54X.format("\t".join(columns[0])),
        E77X.format("\t".join(columns[1])),
    ]
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
    assert (
        annotate_file(path, tmp_path / "out2", kb, date=DATE, reference_path=FASTA38).samples[0].dira_status
        == "possible_DIRA"
    )


def test_carrier_with_a_vus_on_the_other_allele_says_dira_is_not_excluded(tmp_path, kb):
    """One P/LP allele plus a VUS that is, or may be, on the other allele: still 'carrier', but the
    sentence must say that DIRA is not excluded until the VUS is classified."""
    records = [
        "chr2\t113131068\t.\tG\tT,A\t50\tPASS\t.\tGT\t1/2\t0|1\t0/1\t0/1",  # c.229G>T (P), c.229G>A (VUS)
        "chr2\t113132786\t.\tT\tA\t50\tPASS\t.\tGT\t0/0\t0|1\t0/1\t0/0",
    ]  # c.449T>A p.(Met150Lys) (VUS)
    path = tmp_path / "bcftools.vus.vcf"
    path.write_text(vcf_text(records, ["VUS_TRANS", "VUS_CIS", "VUS_UNPHASED", "NO_VUS"], build="GRCh38", chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert {s.dira_status for s in by.values()} == {"carrier"}
    # c.229G>A: Glu77 GAR -> AAR, Lys whatever R is: p.(Glu77Lys) deduced without a FASTA (issue 15 section 3)
    assert (
        "The variant of uncertain significance c.229G>A p.(Glu77Lys) is on the other allele (in trans): DIRA "
        "cannot be excluded if it proves pathogenic."
    ) in by["VUS_TRANS"].status_sentence
    assert "c.449T>A p.(Met150Lys) is on the same allele (in cis)." in by["VUS_CIS"].status_sentence  # ATG -> AAG
    assert "DIRA cannot be excluded" not in by["VUS_CIS"].status_sentence
    assert (
        "c.449T>A p.(Met150Lys) is of unknown phase: DIRA cannot be excluded if it proves pathogenic and in trans."
        in by["VUS_UNPHASED"].status_sentence
    )
    assert "uncertain significance" not in by["NO_VUS"].status_sentence


# ----------------------------------------------------------------------------------------
# phase from the parents' calls

TRIO_SAMPLES = ["CHILD", "MOTHER_Q54X", "FATHER_E77X", "MOTHER_BOTH", "FATHER_NONE", "PARENT_NOCALL"]
TRIO_RECORDS = [
    Q54X.format("\t".join(["0/1:.", "0/1:.", "0/0:.", "0/1:.", "0/0:.", "./.:."])),
    E77X.format("\t".join(["0/1:.", "0/0:.", "0/1:.", "0/1:.", "0/0:.", "./.:."])),
]


@pytest.fixture(scope="module")
def trio(tmp_path_factory, kb):
    tmp = tmp_path_factory.mktemp("trio")
    path = tmp / "trio.vcf"
    path.write_text(vcf_text(TRIO_RECORDS, TRIO_SAMPLES, build="GRCh38", chrom="chr2"))
    return {s.sample: s for s in annotate_file(path, tmp / "out", kb, date=DATE).samples}


def _parent(trio, role: str, sample: str):
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
    assert (
        "c.160C>T p.(Gln54Ter) inherited from the mother (MOTHER_Q54X), c.229G>T p.(Glu77Ter) from the "
        "father (FATHER_E77X)"
    ) in result.evidence


def test_both_alleles_from_one_parent_are_in_cis(trio):
    result = _child_with(trio, "MOTHER_BOTH", "FATHER_NONE")
    assert result.dira_status == "carrier"
    assert "in cis, phased by the parents' genotypes" in result.status_sentence
    assert "both inherited from the mother (MOTHER_BOTH); the father (FATHER_NONE) has neither" in result.evidence


@pytest.mark.parametrize(
    "mother,father",
    [
        ("MOTHER_Q54X", None),  # one parent: the other allele may be de novo on either haplotype
        ("MOTHER_Q54X", "FATHER_NONE"),  # E77X in neither parent: de novo or a missed call
        ("MOTHER_BOTH", "FATHER_E77X"),  # E77X in both parents
        ("PARENT_NOCALL", "FATHER_E77X"),  # a parent without calls cannot show what it lacks
    ],
)
def test_parents_that_do_not_settle_the_phase_leave_it_unknown(trio, mother, father):
    result = _child_with(trio, mother, father)
    assert result.dira_status == "possible_DIRA"
    if father:
        assert "do not establish it" in result.evidence


def test_parents_that_contradict_the_childs_calls_are_named_for_confirmation(tmp_path, kb):
    """Both parents called: an allele in neither parent, or a homozygote a parent does not carry,
    is said in the evidence (de novo, missed call, UPD, deletion or sample mix-up); the status
    is what the child's own calls give."""
    records = [
        E77X.format("\t".join(["1/1:.", "0/1:.", "0/0:.", "0/1:."])),
        Q54X.format("\t".join(["0/0:.", "0/0:.", "0/0:.", "0/1:."])),
    ]
    path = tmp_path / "trio.vcf"
    path.write_text(vcf_text(records, ["HOM_CHILD", "MUM_E77X", "DAD_NONE", "HET_CHILD"], build="GRCh38", chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}

    def parents(mother, father):
        return [
            ParentCalls("mother", mother, by[mother].findings, by[mother].locus_called),
            ParentCalls("father", father, by[father].findings, by[father].locus_called),
        ]

    hom = by["HOM_CHILD"]
    again = interpret_sample(hom.sample, hom.findings, hom.locus_called, parents=parents("MUM_E77X", "DAD_NONE"))
    assert again.dira_status == "consistent_with_DIRA"
    assert (
        "c.229G>T p.(Glu77Ter) is homozygous but the father (DAD_NONE) does not carry it: uniparental disomy"
    ) in again.evidence
    het = by["HET_CHILD"]  # Q54X in neither parent
    again = interpret_sample(het.sample, het.findings, het.locus_called, parents=parents("MUM_E77X", "DAD_NONE"))
    assert (
        "c.160C>T p.(Gln54Ter) was found in neither parent (the mother (MUM_E77X) and the father "
        "(DAD_NONE)): a de novo variant"
    ) in again.evidence
    assert "c.229G>T p.(Glu77Ter) was found in neither" not in again.evidence  # the mother has it
    # without the parents nothing is said
    assert "parent" not in interpret_sample(het.sample, het.findings, het.locus_called).evidence


E77X_PLAIN = "{chrom}\t{pos}\t.\tG\tT\t50\tPASS\t.\tGT\t{gts}"
Q54X_PLAIN = "{chrom}\t{pos}\t.\tC\tT\t50\tPASS\t.\tGT:PS\t{gts}"


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_phased_with_and_without_phase_set(tmp_path, kb, build, chrom, offset):
    """Phased GTs without PS belong to one phase set (VCF 4.3): 1|0 + 0|1 is in trans; with
    different PS values the phase between them is unknown."""
    records = [
        Q54X_PLAIN.format(chrom=chrom, pos=113_129_619 + offset, gts="\t".join(["1|0:.", "1|0:100", "1|0:."])),
        Q54X_PLAIN.replace("C\tT", "G\tT").format(
            chrom=chrom, pos=113_131_068 + offset, gts="\t".join(["0|1:.", "0|1:200", "1|0:."])
        ),
    ]
    path = tmp_path / "phase_ps.vcf"
    path.write_text(vcf_text(records, ["NO_PS_TRANS", "OTHER_PS", "NO_PS_CIS"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["NO_PS_TRANS"].dira_status == "consistent_with_DIRA"
    assert by["OTHER_PS"].dira_status == "possible_DIRA"
    assert by["NO_PS_CIS"].dira_status == "carrier" and "in cis" in by["NO_PS_CIS"].status_sentence


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_heterozygous_call_inside_a_heterozygous_deletion_is_not_taken_to_be_in_trans(
    tmp_path, kb, build, chrom, offset
):
    """Review finding: an SvABA-style deletion pair G[2:113140000[ / ]2:113100000]A (0/1, removes
    IL1RN) with c.181C>T p.(Gln61Ter) called 0/1 inside it was 'in trans: consistent with DIRA'.
    Inside a heterozygous deletion one copy is left: a 0/1 call (a REF allele seen) contradicts the
    deletion, so the pair is possible DIRA with the discordance named; a 1/1 call there is the
    hemizygous case and stays in trans."""
    left, right, snv = 113_100_000 + offset, 113_140_000 + offset, 113_129_640 + offset
    records = [
        f"{chrom}\t{left}\tbnd1\tG\tG[{chrom}:{right}[\t50\tPASS\tSVTYPE=BND\tGT\t0/1\t0/1",
        f"{chrom}\t{snv}\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t1/1",
        f"{chrom}\t{right}\tbnd2\tA\t]{chrom}:{left}]A\t50\tPASS\tSVTYPE=BND\tGT\t0/1\t0/1",
    ]
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


# --- the phase rules on their own: alleles as plain dicts, as the interpretation sees them


def _call(allele_id, pos, **fields):
    base = {
        "allele_id": allele_id,
        "chrom": "chr2",
        "pos": pos,
        "end": pos + 1,
        "ref": "C",
        "alt": "T",
        "variant_type": "snv",
        "zygosity": "heterozygous",
        "source": "a.vcf",
        "genotype": "0/1",
        "hgvs_c": f"c.{allele_id}",
        "vcf_id": ".",
    }
    return {**base, **fields}


def test_phase_relation_of_a_pair_from_the_samples_own_calls():
    a, b = _call("A", 100), _call("B", 200)
    assert phase_relation(a, b) == "unknown"
    phased = {"phased": True, "phase_set": 7}
    assert phase_relation({**a, **phased, "haplotypes": [1]}, {**b, **phased, "haplotypes": [0]}) == "trans"
    assert phase_relation({**a, **phased, "haplotypes": [1]}, {**b, **phased, "haplotypes": [1]}) == "cis"
    other_set = {**b, "phased": True, "phase_set": 8, "haplotypes": [0]}
    assert phase_relation({**a, **phased, "haplotypes": [1]}, other_set) == "unknown"
    # two ALT alleles of one GT 1/2 call fill both slots: in trans, phased or not
    one_call = {"genotype": "1/2"}
    assert (
        phase_relation({**a, **one_call, "haplotypes": [0]}, {**a, "allele_id": "A2", **one_call, "haplotypes": [1]})
        == "trans"
    )


def test_a_homozygous_small_variant_inside_a_heterozygous_deletion_is_on_the_other_haplotype():
    deletion = _call("DEL", 50, end=500, variant_type="sv_deletion", alt="<DEL>")
    inside = _call("SNV", 100, zygosity="homozygous")
    assert enclosing_deletion(inside, [deletion, inside]) is deletion
    assert phase_relation(inside, deletion) == "trans"
    # a heterozygous call there saw a REF allele too: the pair proves no phase
    assert phase_relation({**inside, "zygosity": "heterozygous"}, deletion) == "unknown"


def test_two_records_of_one_deletion_are_one_event():
    cnv = _call("CNV", 1000, end=5000, variant_type="cnv", alt="<CNV>")
    cn0 = _call("CN0", 1100, end=5100, variant_type="sv_deletion", alt="<CN0>")
    elsewhere = _call("DEL2", 4000, end=9000, variant_type="sv_deletion", alt="<DEL>")
    assert distinct_events([cnv, cn0, elsewhere]) == [cnv, elsewhere]


def test_parents_phase_a_pair_only_when_both_were_called():
    a, b = _call("A", 100), _call("B", 200)
    mother = ParentCalls("mother", "MUM", [a], True)
    father = ParentCalls("father", "DAD", [b], True)
    relation, how = phase_by_parents(a, b, [mother, father])
    assert relation == "trans" and how == "c.A inherited from the mother (MUM), c.B from the father (DAD)"
    assert phase_by_parents(a, b, [mother, father._replace(findings=[])])[0] == "unknown"  # B de novo or missed
    assert phase_by_parents(a, b, [mother._replace(findings=[a, b]), father._replace(findings=[])])[0] == "cis"
    assert phase_by_parents(a, b, [mother, father._replace(locus_called=None)]) == ("unknown", "")
