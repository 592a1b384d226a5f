"""Issue 20 review: resource shapes a lab meets that the first fixtures did not cover.

Each resource is written here from the shipped fixture's header (test_data/evidence/), with the
records a case needs, bgzipped and indexed as the lab's copy would be.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from test_evidence import CLINVAR, POPULATION, Q61X, _annotate, _with_all

from il1rn_annot.errors import InputError


def _resource(tmp_path: Path, like: Path, name: str, records: list[str]) -> str:
    """A bgzipped, tabix-indexed copy of `like`'s header with `records` (tab-separated lines)."""
    with pysam.TabixFile(str(like)) as tbx:
        header = list(tbx.header)
    text = tmp_path / name
    text.write_text("\n".join([*header, *records]) + "\n")
    pysam.tabix_compress(str(text), str(text) + ".gz", force=True)
    pysam.tabix_index(str(text) + ".gz", preset="vcf", force=True)
    return str(text) + ".gz"


@pytest.mark.parametrize(
    "info",
    [
        "AC_joint=0;AN_joint=0",  # no genotypes at the site: AF undefined
        "AC_joint=0;AN_joint=0;AF_joint=.",
        "nhomalt_joint=0",  # neither AF nor AC/AN
    ],
)
def test_a_record_without_a_frequency_is_not_called_extremely_rare(make_vcf, kb, tmp_path, info):
    pop = _resource(
        tmp_path,
        POPULATION["GRCh38"],
        "gnomad.joint.v4.1.sites.chr2.an0.vcf",
        [f"chr2\t113129640\t.\tC\tT\t.\tPASS\t{info}"],
    )
    alleles, _, _ = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[pop])
    a = alleles[113129640]
    assert a["population"][0]["found"] is True
    assert a["population_criterion"] != "PM2_Supporting"
    assert "AF 0 %" not in a["classification_evidence"]
    assert "without an allele frequency (AN 0, or AF missing)" in a["classification_evidence"]
    assert a["classification"] == "likely_pathogenic"  # PVS1 alone: nothing added either way


def test_a_resource_of_another_chromosome_is_refused_by_name(make_vcf, kb, tmp_path):
    # gnomAD ships one file per chromosome: the chromosome-1 file given by mistake has a GRCh38 header
    pop = _resource(
        tmp_path,
        POPULATION["GRCh38"],
        "gnomad.joint.v4.1.sites.chr1.vcf",
        ["chr1\t1000\t.\tC\tT\t.\tPASS\tAC_joint=1;AN_joint=10;AF_joint=0.1"],
    )
    with pytest.raises(InputError) as err:
        _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[pop])
    text = str(err.value)
    assert pop in text and "no chromosome-2 records (its index lists: chr1)" in text
    assert "chr2.vcf.bgz" in text and "re-index" not in text


E77X_HOM = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t1/1"  # curated pathogenic, 1 homozygote in the fixture


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_report_shows_evidence_alerts_under_the_result_and_the_resources_identity(make_vcf, kb, tmp_path, build):
    from report_cases import text_of

    from il1rn_annot.lab_report.writer import write_report

    _, res, payload = _annotate(make_vcf, [E77X_HOM], build, kb, tmp_path, **_with_all(build))
    html = write_report([Path(res.outputs["json"])], "S", tmp_path / "rep", kb, date="2026-01-02", pdf=False)
    text = text_of(html["html"].read_text())
    result = text[text.index("1. Result") : text.index("2. Variants found")]
    assert "Consistent with DIRA" in result
    assert "To resolve before signing" in result
    assert "c.229G>T: WARNING:" in result and "seen homozygous in the population" in result
    methods = text[text.index("Methods") :]
    assert "Population data: Population data" not in text
    for r in payload["provenance"]["evidence_resources"]:
        assert r["header_sha256"] in methods and r["index_sha256"] in methods and r["name"] in methods
    assert "never hashed whole" in methods


def test_report_escapes_clinvar_text(make_vcf, kb, tmp_path):
    from il1rn_annot.lab_report.writer import write_report

    # ClinVar text is submitted by others: the report must show it, never run it
    cv = _resource(
        tmp_path,
        CLINVAR["GRCh38"],
        "clinvar_<b>odd&.vcf",
        [
            (
                "2\t113129640\t95\tC\tT\t.\t.\tALLELEID=96;CLNSIG=Pathogenic;"
                "CLNDN=<script>alert(1)</script>|A_&_B;CLNSIGCONF=<img_src=x>(1)"
            )
        ],
    )
    _, res, _ = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, clinvar_vcf=cv)
    raw = write_report([Path(res.outputs["json"])], "S", tmp_path / "rep", kb, date="2026-01-02", pdf=False)[
        "html"
    ].read_text()
    assert "<script>alert" not in raw and "<img" not in raw and "<b>odd" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "A &amp; B" in raw and "clinvar_&lt;b&gt;odd&amp;" in raw
    # a record without CLNREVSTAT: shown, its review status said to be unrated (no stars invented)
    assert "Pathogenic, review status not rated" in raw
    # CLNSIGCONF given: ClinVar's own conflict is shown under the Result as well as in the row
    assert raw.count("CONFLICT: ClinVar&#39;s submitters disagree") == 2 and "To resolve before signing" in raw


def test_cohort_population_source_of_a_structural_allele_and_of_one_without_af():
    from il1rn_annot.cohort.frequencies import population_columns

    structural = population_columns({"population": [], "population_criterion": ""})
    assert structural["population_source"] == "not looked up (structural allele)"
    no_af = population_columns({"population": [{"source": "gnomAD v4.1 joint", "found": True, "af": None}]})
    assert no_af["population_source"] == "listed without an allele frequency in gnomAD v4.1 joint"
    absent = population_columns({"population": [{"source": "gnomAD v4.1 joint", "found": False}]})
    assert absent["population_source"] == "absent from gnomAD v4.1 joint"


def test_a_frequency_from_few_alleles_does_not_make_a_loss_of_function_benign(make_vcf, kb, tmp_path):
    # a poorly covered site: 1 of 2 alleles (AF 50 %) would read BA1 and turn a predicted LoF benign
    pop = _resource(
        tmp_path,
        POPULATION["GRCh38"],
        "gnomad.joint.v4.1.sites.chr2.lowan.vcf",
        ["chr2\t113129640\t.\tC\tT\t.\tPASS\tAC_joint=1;AN_joint=2;AF_joint=0.5;nhomalt_joint=0"],
    )
    alleles, _, _ = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[pop])
    a = alleles[113129640]
    assert a["population_criterion"] == "" and a["classification"] == "likely_pathogenic"
    assert "gnomAD v4.1 joint AF 50 % from 2 alleles, fewer than 2,000 alleles (AN)" in a["classification_evidence"]


@pytest.mark.parametrize("an, code", [(1999, ""), (2000, "BA1"), (None, "BA1")])
def test_ba1_needs_2000_alleles_where_the_resource_gives_an(an, code):
    from il1rn_annot.core.frequency_rules import frequency_criterion
    from il1rn_annot.evidence.population import PopulationFrequency

    e = PopulationFrequency("gnomAD test", 0.3, None, an, None, None, "", None, "PASS", "")
    assert frequency_criterion([("gnomAD test", e)]).code == code


def test_annotated_vcf_header_names_each_resource_build_and_checksum_policy(make_vcf, kb, tmp_path):
    from il1rn_annot.evidence.resource import CHECKSUM_POLICY

    _, res, _ = _annotate(make_vcf, [Q61X], "GRCh37", kb, tmp_path, **_with_all("GRCh37"))
    with pysam.VariantFile(res.outputs["vcf"]) as vcf:
        lines = [line for line in str(vcf.header).splitlines() if line.startswith("##il1rn_annot_resource=")]
    assert len(lines) == 2
    for line in lines:
        assert ",Build=GRCh37," in line and f'ChecksumPolicy="{CHECKSUM_POLICY}"' in line


def test_clinvar_pathogenic_for_a_curated_polymorphism_is_a_conflict(make_vcf, kb, tmp_path):
    # the knowledge base reports rs419598 as a non-diagnostic polymorphism: ClinVar calling it
    # pathogenic is a disagreement the signer must see, and the curated class stands
    cv = _resource(
        tmp_path,
        CLINVAR["GRCh38"],
        "clinvar_p.vcf",
        ["2\t113129630\t97\tT\tC\t.\t.\tALLELEID=98;CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_single_submitter"],
    )
    rs = "{chrom}\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT\t0/1"
    alleles, _, _ = _annotate(make_vcf, [rs], "GRCh38", kb, tmp_path, clinvar_vcf=cv)
    a = alleles[113129630]
    assert a["classification"] == "association_polymorphism"
    assert any(
        n.startswith("CONFLICT: ClinVar says Pathogenic (1 star(s)) but the curated knowledge base says association")
        for n in a["notes"]
    )


def test_a_clinvar_file_without_filedate_says_its_release_is_not_stated(make_vcf, kb, tmp_path):
    with pysam.TabixFile(str(CLINVAR["GRCh38"])) as tbx:
        header = [line for line in tbx.header if not line.startswith("##fileDate")]
    text = tmp_path / "clinvar_nodate.vcf"
    text.write_text("\n".join([*header, "2\t113129630\t90000001\tT\tC\t.\t.\tCLNSIG=Benign", ""]))
    pysam.tabix_compress(str(text), str(text) + ".gz")
    pysam.tabix_index(str(text) + ".gz", preset="vcf")
    _, _, payload = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, clinvar_vcf=str(text) + ".gz")
    prov = payload["provenance"]
    assert (
        prov["clinvar_data"] == "ClinVar (clinvar_nodate.vcf.gz, release date not stated (no ##fileDate in its header))"
    )


def test_cohort_names_the_population_data_and_warns_when_annotations_used_different_ones(tmp_path):
    import json

    from cohort_helpers import run_cohort, write

    from il1rn_annot.cli import main

    date = "2026-01-01T00:00:00Z"
    manifests = []
    for name, extra in (("a", ["--population-vcf", str(POPULATION["GRCh38"])]), ("b", [])):
        vcf = write(tmp_path / f"{name}.vcf", [Q61X.replace("{chrom}", "chr2")], [name.upper()])
        out = tmp_path / name
        argv = ["annotate", str(vcf), "-o", str(out), "--manifest", str(out / "m.json"), "--date", date]
        assert main(argv + extra) == 0
        manifests.append(str(out / "m.json"))
    assert run_cohort(manifests, str(tmp_path / "cohort")) == 0
    summary = json.loads((tmp_path / "cohort" / "summary.json").read_text())
    prov = summary["provenance"]
    assert prov["population_data"] == [
        "gnomAD v4.1 joint (gnomad.joint.v4.1.sites.chr2.IL1RN.vcf.bgz)",
        "no population data given",
    ]
    assert any("the annotations used different population data" in w for w in prov["warnings"])
    page = (tmp_path / "cohort" / "summary.html").read_text()
    assert "Population data of the annotations: gnomAD v4.1 joint" in page
    # one set of annotations, one set of resources: no warning
    assert run_cohort(manifests[:1], str(tmp_path / "one")) == 0
    one = json.loads((tmp_path / "one" / "summary.json").read_text())["provenance"]
    assert not any("different population data" in w for w in one["warnings"])


def test_provenance_counts_the_records_read_not_the_split_alleles(make_vcf, kb, tmp_path):
    # the v4.1 fixture has 5 records in the window, one of them multi-allelic (6 alleles); ClinVar 4
    _, _, payload = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, **_with_all("GRCh38"))
    counts = [r["records_in_window"] for r in payload["provenance"]["evidence_resources"]]
    assert counts == [5, 4]
