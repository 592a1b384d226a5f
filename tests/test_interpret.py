"""Per-sample status: what one sample's calls give (consistent with DIRA, carrier, uncertain
significance, no pathogenic variant), and what its sentence must say about haploid, half-called
and filtered calls and homozygous uncertain changes (`core.interpret`). Two-allele phase cases
are in test_phase.py.

Each case is a VCF (real IL1RN coordinates, both builds where the rule is build-blind) annotated
by the package, as a user would get them.
"""

from __future__ import annotations

import pytest
from conftest import vcf_text

from il1rn_annot.annotate_vcf.run import annotate_file

DATE = "2026-01-01T00:00:00Z"


def test_haploid_call_is_named_hemizygous_with_what_to_confirm(tmp_path, kb):
    record = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t1\t1/1"
    path = tmp_path / "haploid.vcf"
    path.write_text(vcf_text([record], ["HAPLOID", "DIPLOID"], build="GRCh38", chrom="chr2"))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["HAPLOID"].dira_status == "consistent_with_DIRA"
    assert by["HAPLOID"].status_sentence.startswith("Hemizygous pathogenic IL1RN variant c.229G>T")
    assert "confirm by copy-number analysis" in by["HAPLOID"].status_sentence
    assert by["DIPLOID"].status_sentence.startswith("Homozygous pathogenic IL1RN variant c.229G>T")


# --- genotypes that are half there, and the other GT shapes the interpretation reads (issue 15, section 5)

E77X_PLAIN = "{chrom}\t{pos}\t.\tG\tT\t50\tPASS\t.\tGT\t{gts}"


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
    record = E77X_PLAIN.format(
        chrom=chrom, pos=113_131_068 + offset, gts="\t".join(["1", "0", "1/1/1", "0/0/1", "./1/1"])
    )
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
    records = [
        f"{chrom}\t{113_131_055 + offset}\t.\tTGTGGTACCCATAGAG\tT\t50\tPASS\t.\tGT\t1/1\t0/0",
        f"{chrom}\t{113_131_149 + offset}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t1/1",
    ]  # c.310C>T
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
def test_a_positive_result_from_a_filtered_call_says_so_in_its_sentence(tmp_path, kb, build, chrom, offset):
    """Review finding: c.181C>T p.(Gln61Ter) 1/1 with FORMAT/FT=LowGQ gave the sentence 'consistent
    with DIRA.' and named the failed filter only in the evidence. The sentence (the report's headline,
    the summary row) now says so; a FILTER-column failure the same; a passing call adds nothing."""
    records = [
        f"{chrom}\t{113_129_640 + offset}\t.\tC\tT\t50\tPASS\t.\tGT:FT\t1/1:LowGQ\t1/1:PASS\t0/1:PASS",
        f"{chrom}\t{113_131_068 + offset}\t.\tG\tT\t50\tLowQual\t.\tGT:FT\t0/0:PASS\t0/0:PASS\t0/1:PASS",
    ]
    path = tmp_path / "ft.vcf"
    path.write_text(vcf_text(records, ["FT_FAIL", "FT_PASS", "TWO_ONE_FILTERED"], build=build, chrom=chrom))
    by = {s.sample: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).samples}
    assert by["FT_FAIL"].dira_status == by["FT_PASS"].dira_status == "consistent_with_DIRA"
    assert by["FT_FAIL"].status_sentence.endswith(
        "c.181C>T p.(Gln61Ter) did not pass the caller's filters (sample FT=LowGQ): confirm before reporting."
    )
    assert "filters" not in by["FT_PASS"].status_sentence
    two = by["TWO_ONE_FILTERED"]
    assert two.dira_status == "possible_DIRA"
    assert "c.229G>T p.(Glu77Ter) did not pass the caller's filters (LowQual)" in two.status_sentence
