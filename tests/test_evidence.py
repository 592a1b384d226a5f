"""Issue 20: population frequency (gnomAD) and ClinVar from the lab's local, indexed copies.

Fixtures: test_data/evidence/ (make_evidence_data.py; test_data/README.md) — a gnomAD v4.1 joint
(`chr2`) and a v2.1.1 exomes (`2`) file, ClinVar GRCh38 and GRCh37 (`2`), at real IL1RN positions
(GRCh37 = GRCh38 + 757,577). Their frequencies and ClinVar IDs are invented for the tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import GRCH37_SHIFT, annotate_at_grch38

from il1rn_annot.core.frequency_rules import BA1_AF, BS1_FAF, PM2_AF, combined_class, frequency_criterion
from il1rn_annot.errors import BuildMismatchError, InputError
from il1rn_annot.evidence.clinvar import REVIEW_STARS
from il1rn_annot.evidence.population import PopulationFrequency

REPO = Path(__file__).resolve().parents[1]
EVIDENCE = REPO / "test_data" / "evidence"
POPULATION = {
    "GRCh38": EVIDENCE / "gnomad.joint.v4.1.sites.chr2.IL1RN.vcf.bgz",
    "GRCh37": EVIDENCE / "gnomad.exomes.r2.1.1.sites.2.IL1RN.vcf.bgz",
}
LABEL = {"GRCh38": "gnomAD v4.1 joint", "GRCh37": "gnomAD r2.1.1 exomes"}
CLINVAR = {b: EVIDENCE / f"clinvar_{b}.IL1RN.vcf.gz" for b in ("GRCh38", "GRCh37")}
FASTA = {
    "GRCh38": REPO / "test_data/ref/GRCh38_chr2_113100001-113160000.synthetic.fa",
    "GRCh37": REPO / "test_data/ref/GRCh37_2_113857578-113917577.synthetic.fa",
}
BUILDS = ("GRCh38", "GRCh37")

RS419598 = "{chrom}\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT\t0/1"
Q61X = "{chrom}\t113129640\t.\tC\tT\t50\tPASS\t.\tGT\t0/1"  # c.181C>T p.(Gln61Ter), novel, rare in the fixture
E77X = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t1/1"  # curated pathogenic, 1 homozygote in the fixture
M150 = "{chrom}\t113132786\t.\tT\tA,C\t50\tPASS\t.\tGT\t1/2"  # c.449T>A rare, c.449T>C above BS1
INTRON_DEL_SHIFTED = "{chrom}\t113127813\t.\tAA\tA\t50\tPASS\t.\tGT\t0/1"  # the A-run deletion, not left-aligned
INTRON_DEL_PADDED = "{chrom}\t113127810\t.\tCAAAA\tCAAA\t50\tPASS\t.\tGT\t0/1"  # the same, untrimmed
NOVEL_ABSENT = "{chrom}\t113129650\t.\tT\tA\t50\tPASS\t.\tGT\t0/1"  # in no resource


def _annotate(make_vcf, records, build, kb, tmp_path, **kwargs):
    out = tmp_path / f"out_{build}"
    return annotate_at_grch38(make_vcf, records, build, kb, out_dir=out, **kwargs)


def _with_all(build: str, **extra):
    return {"population_vcfs": [str(POPULATION[build])], "clinvar_vcf": str(CLINVAR[build]), **extra}


# --- the rules, both sides of each threshold --------------------------------------------------


def _freq(af=None, grpmax=None, faf95=None) -> PopulationFrequency:
    return PopulationFrequency("gnomAD test", af, None, None, None, grpmax, "nfe" if grpmax else "", faf95, "PASS", "")


@pytest.mark.parametrize(
    "entry, code",
    [
        (_freq(af=0.051), "BA1"),
        (_freq(af=0.04, grpmax=0.0501), "BA1"),  # the group maximum counts for BA1
        (_freq(af=0.05), "BS1"),  # 5 % exactly is not above 5 %
        (_freq(af=0.0011), "BS1"),
        (_freq(af=0.0009, grpmax=0.002, faf95=0.0011), "BS1"),  # faf95 decides where given
        (_freq(af=0.0009, grpmax=0.002, faf95=0.0009), ""),  # faf95 under the threshold: no BS1
        (_freq(af=0.001), ""),  # at the threshold: not above it
        (_freq(af=0.0001), "PM2_Supporting"),
        (_freq(af=0.00005, grpmax=0.00011), ""),  # rare overall but not in its group
        (None, "PM2_Supporting"),  # absent
    ],
)
def test_frequency_thresholds(entry, code):
    assert (BA1_AF, BS1_FAF, PM2_AF) == (0.05, 0.001, 0.0001)
    criterion = frequency_criterion([("gnomAD test", entry)])
    assert criterion.code == code
    if code:
        assert criterion.text.startswith(code)


@pytest.mark.parametrize(
    "cls, pvs1, code, expected",
    [
        ("likely_pathogenic", "PVS1", "PM2_Supporting", "likely_pathogenic"),  # 8 + 1 = 9
        ("uncertain_significance", "PVS1_Strong", "PM2_Supporting", "uncertain_significance"),  # 4 + 1 = 5
        ("likely_pathogenic", "PVS1", "BS1", "uncertain_significance"),  # 8 - 4 = 4
        ("uncertain_significance", "", "BS1", "likely_benign"),  # -4
        ("no_predicted_effect", "", "PM2_Supporting", "no_predicted_effect"),  # rarity says nothing of effect
        ("likely_pathogenic", "PVS1", "BA1", "benign"),  # stand-alone
    ],
)
def test_combined_class(cls, pvs1, code, expected):
    assert combined_class(cls, pvs1, code)[0] == expected


def test_review_stars_scale():
    assert REVIEW_STARS["practice_guideline"] == 4
    assert REVIEW_STARS["reviewed_by_expert_panel"] == 3
    assert REVIEW_STARS["criteria_provided,_multiple_submitters,_no_conflicts"] == 2
    assert REVIEW_STARS["criteria_provided,_single_submitter"] == 1
    assert REVIEW_STARS["no_assertion_criteria_provided"] == 0


# --- end to end on both builds ------------------------------------------------------------------


@pytest.mark.parametrize("build", BUILDS)
def test_novel_and_curated_alleles_with_population_and_clinvar(make_vcf, kb, tmp_path, build):
    records = [RS419598, Q61X, E77X, M150]
    before, _, _ = _annotate(make_vcf, records, build, kb, tmp_path / "without")
    alleles, result, payload = _annotate(make_vcf, records, build, kb, tmp_path, **_with_all(build))
    label = LABEL[build]

    # rs419598: common -> BA1, shown beside the curated class, which stands
    rs = alleles[113129630]
    assert rs["population_criterion"] == "BA1"
    assert rs["classification"] == "association_polymorphism" == before[113129630]["classification"]
    assert "BA1 (ACMG/AMP 2015, stand-alone benign): group-maximum AF" in rs["classification_evidence"]
    assert (
        label in rs["classification_evidence"] and "the curated classification stands" in rs["classification_evidence"]
    )
    assert any(n.startswith("ClinVar (release 2024-12-01): Benign, 2 stars") for n in rs["notes"])

    # the rare LoF: PVS1 + PM2_Supporting = 9 points, likely pathogenic, both named
    lof = alleles[113129640]
    assert before[113129640]["classification"] == "likely_pathogenic"
    assert "No population frequency data were used" in before[113129640]["classification_evidence"]
    assert lof["population_criterion"] == "PM2_Supporting"
    assert lof["classification"] == "likely_pathogenic"
    evidence = lof["classification_evidence"]
    assert "PVS1 + PM2_Supporting = 9 points (Tavtigian 2020 point scale): likely_pathogenic" in evidence
    assert "No population frequency data were used" not in lof["classification_evidence"]
    assert lof["clinvar"] == {"found": False}

    # the curated pathogenic allele seen homozygous: a warning on the run and the allele
    e77x = alleles[113131068]
    assert e77x["classification"] == "pathogenic"
    assert any(n.startswith("WARNING:") and "seen homozygous in the population (1 in" in n for n in e77x["notes"])
    assert any("seen homozygous" in w for w in payload["provenance"]["warnings"])

    # the multi-allelic record: each ALT its own values
    rare = next(
        a
        for a in payload["alleles"]
        if a["pos"] - (GRCH37_SHIFT if build == "GRCh37" else 0) == 113132786 and a["alt"] == "A"
    )
    common = next(a for a in payload["alleles"] if a["pos"] == rare["pos"] and a["alt"] == "C")
    assert rare["population_criterion"] == "PM2_Supporting" and rare["classification"] == "uncertain_significance"
    assert common["population_criterion"] == "BS1" and common["classification"] == "likely_benign"
    assert "(was uncertain significance without population data)" in common["classification_evidence"]
    assert common["population"][0]["af"] == pytest.approx(0.00210002 if build == "GRCh38" else 0.00207171)
    assert rare["population"][0]["af"] < 1e-5

    # ClinVar conflicts are shown as conflicts and change nothing
    assert rare["clinvar"]["direction"] == "conflicting"
    assert any(n.startswith("CONFLICT: ClinVar's submitters disagree") for n in rare["notes"])
    assert common["clinvar"]["significance"] == "Likely_pathogenic"
    assert any(
        n.startswith("CONFLICT: ClinVar says Likely pathogenic (1 star(s)) but the rules here say likely benign")
        for n in common["notes"]
    )

    prov = payload["provenance"]
    assert prov["population_data"] == f"{label} ({POPULATION[build].name})"
    assert prov["clinvar_data"] == f"ClinVar ({CLINVAR[build].name}, release 2024-12-01)"
    pop = prov["evidence_resources"][0]
    assert pop["dataset"] == label and pop["size"] == POPULATION[build].stat().st_size
    assert len(pop["header_sha256"]) == 64 and "header" in pop["checksum_policy"]
    assert len(pop["index_sha256"]) == 64 and "never hashed whole" in pop["checksum_policy"]

    import jsonschema

    schema = json.loads((REPO / "src/il1rn_annot/schemas/annotation.schema.json").read_text())
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(payload)]
    assert not errors, errors[:3]

    import pysam

    with pysam.VariantFile(result.outputs["vcf"]) as vcf:
        assert "IL1RN_POP_CRITERION" in vcf.header.info
        assert any(line.startswith("##il1rn_annot_resource=<Role=population") for line in str(vcf.header).splitlines())
        by_pos = {(r.pos - (GRCH37_SHIFT if build == "GRCh37" else 0), r.alts): r for r in vcf}
    assert by_pos[(113129630, ("C",))].info["IL1RN_POP_CRITERION"] == ("BA1",)
    assert by_pos[(113132786, ("A", "C"))].info["IL1RN_POP_CRITERION"] == ("PM2_Supporting", "BS1")
    assert by_pos[(113132786, ("A", "C"))].info["IL1RN_CLINVAR"][1] == "Likely_pathogenic|1"

    tsv = Path(result.outputs["tsv"]).read_text().splitlines()
    assert tsv[0].endswith("population_frequency\tpopulation_homozygotes\tpopulation_criterion\tclinvar")


@pytest.mark.parametrize("build", BUILDS)
def test_without_options_outputs_are_unchanged_but_for_the_provenance_line(make_vcf, kb, tmp_path, build):
    alleles, result, payload = _annotate(make_vcf, [Q61X], build, kb, tmp_path)
    assert payload["provenance"]["population_data"] == "no population data given"
    assert "clinvar_data" not in payload["provenance"] and "evidence_resources" not in payload["provenance"]
    a = alleles[113129640]
    assert "population" not in a and "clinvar" not in a and "population_criterion" not in a
    assert "population_frequency" not in Path(result.outputs["tsv"]).read_text().splitlines()[0]
    import pysam

    with pysam.VariantFile(result.outputs["vcf"]) as vcf:
        assert "IL1RN_POP_AF" not in vcf.header.info
        assert '##il1rn_annot_population_data="no population data given"' in str(vcf.header)


@pytest.mark.parametrize("build", BUILDS)
def test_novel_absent_variant_gets_pm2_supporting(make_vcf, kb, tmp_path, build):
    alleles, _, _ = _annotate(make_vcf, [NOVEL_ABSENT], build, kb, tmp_path, population_vcfs=[str(POPULATION[build])])
    a = alleles[113129650]
    assert a["population_criterion"] == "PM2_Supporting"
    assert a["population"] == [{"source": LABEL[build], "found": False}]
    assert f"absent from {LABEL[build]}" in a["classification_evidence"]


@pytest.mark.parametrize("build", BUILDS)
def test_indel_matches_only_after_normalisation(make_vcf, kb, tmp_path, build):
    # untrimmed (CAAAA>CAAA): the same minimal edit as gnomAD's left-aligned CA>C
    alleles, _, _ = _annotate(
        make_vcf, [INTRON_DEL_PADDED], build, kb, tmp_path / "padded", population_vcfs=[str(POPULATION[build])]
    )
    assert alleles[113127810]["population"][0]["found"] is True
    # written 3 bases to the right: the two REFs alone cannot show the run between them ...
    alleles, _, _ = _annotate(
        make_vcf, [INTRON_DEL_SHIFTED], build, kb, tmp_path / "nofasta", population_vcfs=[str(POPULATION[build])]
    )
    a = alleles[113127813]
    assert a["population"][0]["found"] is False
    assert a["population_criterion"] == ""  # not called absent
    assert any("give the reference FASTA" in n for n in a["notes"])
    # ... the reference FASTA does: the same allele after left-alignment
    alleles, _, _ = _annotate(
        make_vcf,
        [INTRON_DEL_SHIFTED],
        build,
        kb,
        tmp_path / "fasta",
        population_vcfs=[str(POPULATION[build])],
        reference_path=FASTA[build],
    )
    a = alleles[113127813]
    assert a["population"][0]["found"] is True
    assert a["population"][0]["record"].endswith(f"{113127810 + (GRCH37_SHIFT if build == 'GRCh37' else 0)} CA>C")
    assert a["population_criterion"] == "PM2_Supporting"


def test_a_substitution_never_matches_another_at_the_same_position(make_vcf, kb, tmp_path):
    alleles, _, _ = _annotate(
        make_vcf, ["{chrom}\t113129630\t.\tT\tG\t50\tPASS\t.\tGT\t0/1"], "GRCh38", kb, tmp_path, **_with_all("GRCh38")
    )
    a = alleles[113129630]
    assert a["population"][0]["found"] is False and a["clinvar"] == {"found": False}


@pytest.mark.parametrize("build, other", [("GRCh38", "GRCh37"), ("GRCh37", "GRCh38")])
def test_resource_of_the_wrong_build_is_refused(make_vcf, kb, tmp_path, build, other):
    with pytest.raises(BuildMismatchError, match=f"the population resource is {other} but the input is {build}"):
        _annotate(make_vcf, [Q61X], build, kb, tmp_path, population_vcfs=[str(POPULATION[other])])
    with pytest.raises(BuildMismatchError, match=f"the clinvar resource is {other} but the input is {build}"):
        _annotate(make_vcf, [Q61X], build, kb, tmp_path / "cv", clinvar_vcf=str(CLINVAR[other]))


def test_resource_without_index_is_a_clear_error(make_vcf, kb, tmp_path):
    bare = tmp_path / POPULATION["GRCh38"].name
    shutil.copy(POPULATION["GRCh38"], bare)
    with pytest.raises(InputError) as err:
        _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[str(bare)])
    text = str(err.value)
    assert str(bare) in text and "has no index" in text and f"tabix -p vcf {bare}" in text


def test_resource_whose_header_does_not_tell_the_build_is_refused(make_vcf, kb, tmp_path):
    import pysam

    plain = tmp_path / "anon.vcf"
    plain.write_text(
        '##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description="AF">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr2\t113129640\t.\tC\tT\t.\tPASS\tAF=0.5\n"
    )
    pysam.tabix_compress(str(plain), str(plain) + ".gz")
    pysam.tabix_index(str(plain) + ".gz", preset="vcf")
    with pytest.raises(InputError, match="cannot tell the genome build of the population resource"):
        _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[str(plain) + ".gz"])


def test_cli_options_reach_the_outputs(make_vcf, tmp_path):
    from conftest import vcf_text

    from il1rn_annot.cli import main

    vcf = tmp_path / "p.vcf"
    vcf.write_text(vcf_text([Q61X.replace("{chrom}", "chr2")], ["S"]))
    out = tmp_path / "out"
    rc = main(
        [
            "annotate",
            str(vcf),
            "-o",
            str(out),
            "--date",
            "2026-01-01T00:00:00Z",
            "--population-vcf",
            str(POPULATION["GRCh38"]),
            "--clinvar-vcf",
            str(CLINVAR["GRCh38"]),
        ]
    )
    assert rc == 0
    payload = json.loads((out / "p.il1rn.json").read_text())
    assert payload["provenance"]["population_data"].startswith("gnomAD v4.1 joint")
    assert payload["alleles"][0]["population_criterion"] == "PM2_Supporting"


@pytest.mark.parametrize("build", BUILDS)
def test_lab_report_names_the_population_data_or_says_none_was_given(make_vcf, kb, tmp_path, build):
    from report_cases import text_of

    from il1rn_annot.lab_report.writer import write_report

    _, with_data, _ = _annotate(make_vcf, [Q61X, M150], build, kb, tmp_path / "with", **_with_all(build))
    html = write_report([Path(with_data.outputs["json"])], "S", tmp_path / "rep", kb, date="2026-01-02", pdf=False)
    text = text_of(html["html"].read_text())
    assert f"Population data: {LABEL[build]} ({POPULATION[build].name}), read 2026-01-01." in text
    assert f"ClinVar: ClinVar ({CLINVAR[build].name}, release 2024-12-01)" in text
    assert "PVS1 + PM2_Supporting = 9 points" in text  # the rule named beside the variant
    assert "CONFLICT: ClinVar's submitters disagree" in text
    assert "no population data given" not in text.lower()
    # the variant's row: its frequency, counts and homozygotes beside the class
    assert "Population: " + LABEL[build] + ": AF" in text and "homozygote" in text and "PM2_Supporting applied" in text

    _, without, _ = _annotate(make_vcf, [Q61X], build, kb, tmp_path / "without")
    html = write_report([Path(without.outputs["json"])], "S", tmp_path / "rep2", kb, date="2026-01-02", pdf=False)
    text = text_of(html["html"].read_text())
    assert "Population data: No population data given." in text
    assert "a predicted loss of function reads likely pathogenic even if it were common" in text


def test_cohort_alleles_show_the_population_frequency_beside_the_cohort_frequency(tmp_path):
    from cohort_helpers import read_tsv, run_cohort, write

    from il1rn_annot.cli import main

    # A 0/1, B 1/1, C 0/0 at both sites: 3 of 6 alleles in the cohort
    records = [r.replace("{chrom}", "chr2").replace("GT\t0/1", "GT\t0/1\t1/1\t0/0") for r in (RS419598, Q61X)]
    vcf = write(tmp_path / "joint.vcf", records, ["A", "B", "C"])
    for name, extra in (("with", ["--population-vcf", str(POPULATION["GRCh38"])]), ("without", [])):
        out = tmp_path / name
        argv = ["annotate", str(vcf), "-o", str(out / "ann"), "--manifest", str(out / "m.json"), "--date", DATE]
        assert main(argv + extra) == 0
        assert run_cohort([str(out / "m.json")], str(out / "cohort")) == 0
    rows = {r["hgvs_c"]: r for r in read_tsv(tmp_path / "with" / "cohort" / "alleles.tsv")}
    rs = rows["c.171T>C"]
    assert rs["allele_frequency"] == "0.500000"  # 3 of 6 alleles in the cohort
    assert float(rs["population_allele_frequency"]) == pytest.approx(0.271429)
    assert rs["population_source"] == "gnomAD v4.1 joint" and rs["population_criterion"] == "BA1"
    assert rows["c.181C>T"]["population_criterion"] == "PM2_Supporting"
    header = (tmp_path / "without" / "cohort" / "alleles.tsv").read_text().splitlines()[0]
    assert "population" not in header
    page = (tmp_path / "with" / "cohort" / "summary.html").read_text()
    assert "population AF" in page and "0.2714" in page and "gnomAD v4.1 joint; BA1" in page
    assert "population AF" not in (tmp_path / "without" / "cohort" / "summary.html").read_text()


DATE = "2026-01-01T00:00:00Z"


def test_workflow_passes_the_resources_and_declares_them_as_inputs(tmp_path):
    """config population_vcfs / clinvar_vcf reach `il1rn-annot annotate` and are inputs of the
    annotate jobs (with their indexes), so a new release re-runs them (docs/reruns.md)."""
    from test_workflow import check, copy_workflow, snakemake

    workdir = copy_workflow(tmp_path / "wf")
    pop, clinvar = POPULATION["GRCh38"], CLINVAR["GRCh38"]
    result = check(
        snakemake(
            workdir,
            "-n",
            "-p",
            "--cores",
            "1",
            "--config",
            f"population_vcfs=['{pop}']",
            f"clinvar_vcf={clinvar}",
            "batch_size=100",
        )
    )
    out = result.stdout + result.stderr
    assert f"--population-vcf {pop}" in out and f"--clinvar-vcf {clinvar}" in out
    assert f"{pop}.tbi" in out  # the index is an input of the job too
    plain = check(snakemake(workdir, "-n", "-p", "--cores", "1", "--config", "batch_size=100"))
    assert "--population-vcf" not in plain.stdout + plain.stderr


def test_a_population_record_failing_its_filters_is_named(make_vcf, kb, tmp_path):
    import pysam

    text = tmp_path / "gnomad.joint.v4.1.sites.chr2.filtered.vcf"
    with pysam.TabixFile(str(POPULATION["GRCh38"])) as tbx:
        header = list(tbx.header)
    text.write_text(
        "\n".join([*header, "chr2\t113129640\t.\tC\tT\t.\tAC0;AS_VQSR\tAC_joint=0;AN_joint=1461894;AF_joint=0"]) + "\n"
    )
    pysam.tabix_compress(str(text), str(text) + ".bgz")
    pysam.tabix_index(str(text) + ".bgz", preset="vcf")
    alleles, _, _ = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[str(text) + ".bgz"])
    notes = alleles[113129640]["notes"]
    assert any("did not pass the resource's filters (AC0;AS_VQSR)" in n for n in notes)
