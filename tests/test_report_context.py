"""The lab report's content (`lab_report.context`, `variant_rows`, `references`): status, variants, deletions,
references, recommendations, parents, as the clinician reads them in the HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_cases import (
    ANNOT_DATE,
    DATE,
    E77X_HOM,
    RS419598_HOM,
    annotate,
    annotate_cases,
    text_of,
)

from il1rn_annot import __version__
from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main as cli_main
from il1rn_annot.core.interpret import interpret_sample
from il1rn_annot.lab_report.writer import write_report
from il1rn_annot.outputs.read_back import load_annotation


@pytest.fixture(scope="module")
def jsons(tmp_path_factory, kb) -> dict[str, Path]:
    return annotate_cases(tmp_path_factory.mktemp("annot"), kb)


@pytest.fixture(scope="module")
def e77x_report(jsons, kb, tmp_path_factory) -> dict[str, Path]:
    return write_report([jsons["e77x"]], "PAT_E77X", tmp_path_factory.mktemp("rep"), kb, date=DATE, pdf=True)


# ----------------------------------------------------------------------------------------
# content


def test_dira_case_shows_status_variant_context_and_links(e77x_report, jsons, kb):
    html = e77x_report["html"].read_text()
    text = text_of(html)
    expected = next(s for s in load_annotation(jsons["e77x"])["samples"] if s["sample"] == "PAT_E77X")
    assert expected["dira_status"] == "consistent_with_DIRA"
    assert expected["status_sentence"] in text
    assert "status-consistent_with_DIRA" in html  # the coloured status box
    assert "c.229G>T" in text and "p.(Glu77Ter)" in text
    assert "chr2:113,131,068 G>T" in text
    assert "homozygous" in text
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/19494218/"' in html
    # clinical context from the knowledge base
    assert "Deficiency of the interleukin-1 receptor antagonist" in text
    assert "anakinra" in text
    assert "NOMID" in text and "HP:0002754" in text and "autosomal recessive" in text
    # header: build, its evidence, tool and KB versions, input checksum
    inputs = load_annotation(jsons["e77x"])["provenance"]["inputs"]
    assert inputs[0]["sha256"] in text
    assert "GRCh38" in text and "##contig chr2 length 242,193,529" in text
    assert f"il1rn-annot {__version__}" in text and kb.version in text
    assert DATE in text
    # the association SNP is listed in its own, labelled section
    assert "Association studies — not diagnostic" in text
    assert "rs419598" in text
    # scope and limits, references, sign-off
    assert "rs2234663" in text and "not typed from short-read vcfs" in text.lower()
    assert "approximate" in text and "rule" in text
    assert "Aksentijevich I" in text and 'href="https://doi.org/10.1056/NEJMoa0807865"' in html
    assert "Signature" in text and "Reported by" in text and "Authorised by" in text


INTRONIC_HOM = "chr2\t113128254\t.\tC\tG\t50\tPASS\t.\tGT:DP\t1/1:37"  # c.116+514C>G
UPSTREAM_HET = "chr2\t113122655\t.\tC\tA\t50\tPASS\t.\tGT:DP\t0/1:33"  # c.-4970C>A


def test_benign_variants_are_listed_apart_from_the_findings(kb, tmp_path):
    """A genome's calls at the locus are mostly benign: the main table keeps what bears on the
    result, and every benign call is still listed, compactly, after it."""
    json_path = annotate(tmp_path, "gatk.MIXED", [UPSTREAM_HET, INTRONIC_HOM, RS419598_HOM, E77X_HOM], ["MIXED"], kb)
    classes = {a["hgvs_c"]: a["classification"] for a in load_annotation(json_path)["alleles"]}
    # no criterion either way: 'no predicted effect', not likely benign (issue 15)
    assert classes["c.116+514C>G"] == "no_predicted_effect" and classes["c.-4970C>A"] == "no_predicted_effect"
    html = write_report([json_path], "MIXED", tmp_path / "rep", kb, date=DATE, pdf=False)["html"].read_text()
    section = html[html.index('id="findings"') : html.index("</section>", html.index('id="findings"'))]
    main, benign = section.split('id="benign-findings"')
    main_text, benign_text = text_of(main), text_of(benign)
    assert "c.229G>T" in main_text and "c.171T>C" in main_text
    assert "c.116+514C>G" not in main_text and "c.-4970C>A" not in main_text
    assert "c.116+514C>G" in benign_text and "c.-4970C>A" in benign_text
    assert "c.229G>T" not in benign_text
    assert "the 2 benign, likely benign or no-predicted-effect variants found are listed after this table" in main_text
    assert "chr2:113,128,254 C>G" in benign_text and "homozygous" in benign_text

    only_benign = annotate(tmp_path, "gatk.BENIGN", [INTRONIC_HOM], ["BENIGN_ONLY"], kb)
    html = write_report([only_benign], "BENIGN_ONLY", tmp_path / "rep2", kb, date=DATE, pdf=False)["html"].read_text()
    text = text_of(html)
    assert "No pathogenic, likely pathogenic, uncertain or association variant was called" in text
    assert 'id="benign-findings"' in html and "c.116+514C>G" in text
    assert "No variant or deletion was called" not in text


def test_association_only_case_is_not_reported_as_dira(jsons, kb, tmp_path):
    out = write_report([jsons["assoc"]], "ASSOC_ONLY", tmp_path, kb, date=DATE, pdf=False)
    html = out["html"].read_text()
    text = text_of(html)
    assert "status-no_pathogenic_variant_detected" in html
    assert "No pathogenic IL1RN variant detected" in text
    result = text_of(html[html.index('id="result"') : html.index('id="findings"')])
    assert "DIRA" not in result
    assert "anakinra" not in text.lower()
    assert 'id="clinical"' not in html
    assert "Association studies — not diagnostic" in text
    # association conditions only where a typed allele bears on them: the VNTR is not typed from a
    # VCF and rs419598 carries no condition, so none of the eight association conditions is listed
    assert "Microvascular complications of diabetes 4" not in text and "Gastric cancer" not in text
    assert "rs419598" in text and "c.171T>C" in text


def test_report_says_what_a_geneticist_expects(jsons, kb, tmp_path):
    """Orthogonal confirmation, parents (segregation; homozygous vs hemizygous), the reference
    sequence and population data used, treatment as published with its sources."""
    out = write_report([jsons["e77x"]], "PAT_E77X", tmp_path, kb, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    recommendations = text[text.index("Recommendations") : text.index("Quality and scope")]
    assert "orthogonal method" in recommendations and "Sanger" in recommendations
    assert "hemizygous" in recommendations and "parents" in recommendations
    assert "No population frequency data were used" in text
    assert "Reference sequence: none" in text  # no --reference and no verified shipped sequence
    # ... so the report says how protein changes were obtained (issue 15 section 3)
    assert "Protein changes: deduced without a nucleotide reference: from the protein sequence NP_776214.1" in text
    # two sentences, not one run-on ("... (provenance protein_changes) Protein changes: ...")
    assert "(provenance protein_changes). Protein changes:" in text
    treatment = text[text.index("Treatment (as published)") :]
    assert "anakinra" in treatment and "rilonacept" in treatment
    assert "PMID 28814674" in treatment  # Garg 2017, read on PMC (VERIFICATION.md section 8)
    # the curated HPO labels are HPO's own: HP:0002754 is "Osteomyelitis", not "Sterile ..."
    clinical = text[text.index("Clinical features") : text.index("Treatment (as published)")]
    assert "Osteomyelitis (HP:0002754)" in clinical and "Sterile multifocal osteomyelitis" not in clinical
    # curation notes stay out of the patient-facing text
    assert "ClinVar extract" not in text and "not verified" not in text


def test_splice_report_cites_urbaneja_by_the_article_title(jsons, kb, tmp_path):
    out = write_report([jsons["splice"]], "URB", tmp_path, kb, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    refs = text[text.index("References", text.index("Methods")) :]
    assert (
        "Case report: Novel compound heterozygous IL1RN mutations as the likely cause of a lethal form of "
        "deficiency of interleukin-1 receptor antagonist"
    ) in refs
    assert "splice-donor variant c.318+2T>G with an intragenic" not in text  # the invented title


def test_unverified_reference_is_never_printed(jsons, kb, tmp_path):
    import dataclasses

    ref = kb.references["stenerson2011"]
    patched = dataclasses.replace(
        kb, references={**kb.references, "stenerson2011": dataclasses.replace(ref, status="unverified")}
    )
    out = write_report([jsons["e77x"]], "PAT_E77X", tmp_path, patched, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    assert "The first reported case of compound heterozygous" not in text
    assert "Stenerson" not in text[text.index("References", text.index("Methods")) :]


def test_deletion_case_lists_genes_and_draws_the_figures(jsons, kb, tmp_path):
    out = write_report([jsons["del175"]], "DEL175", tmp_path, kb, date=DATE, pdf=False)
    html = out["html"].read_text()
    text = text_of(html)
    for gene in ("IL36G", "IL36A", "IL36B", "IL36RN", "IL1F10", "IL1RN"):
        assert f"{gene} (100%)" in text
    assert "175,100 bp deleted" in text
    # each removed gene on its own line: a condition note is never followed by a stray comma
    cell = text[text.index("IL36G (100%)") : text.index("IL1RN (100%)")]
    assert "IL36RN: DITRA" in cell and not re.search(r"zygosity\s*,", cell)
    assert "1, 2, 3, 4 of 4" in text
    assert "matches the published ~175 kb deletion" in text
    assert "imprecise breakpoints" in text
    assert html.count("<svg") == 2  # cluster + exon diagrams, inline
    cluster = html[html.index("<svg") : html.index("</svg>")]
    for gene in ("IL1A", "IL1B", "IL37", "PSD4", "PAX8"):
        assert f">{gene}</text>" in cluster
    assert "homozygous deletion" in cluster
    assert "anakinra" in text


def test_sample_in_two_files_is_interpreted_together(jsons, kb, tmp_path):
    per_file = [
        next(s for s in load_annotation(jsons[k])["samples"] if s["sample"] == "URB")["dira_status"]
        for k in ("splice", "sv")
    ]
    assert per_file == ["carrier", "carrier"]
    out = write_report([jsons["splice"], jsons["sv"]], "URB", tmp_path, kb, date=DATE, pdf=False)
    html = out["html"].read_text()
    text = text_of(html)
    assert "status-possible_DIRA" in html
    assert "c.318+2T>G" in text and "4,157 bp deleted" in text
    assert "Phase not established" in text
    findings = text_of(html[html.index('id="findings"') : html.index('id="deletions"')])
    assert "removes IL1RN exons 1, 2, 3 NM_173842.3" in findings  # under the deletion's name, not 'removes IL1RN'
    # both inputs with checksums, and each file's own status
    for key in ("splice", "sv"):
        assert load_annotation(jsons[key])["provenance"]["inputs"][0]["sha256"] in text
    assert text.count("carrier") >= 2


def test_reinterpretation_matches_interpret_sample(jsons, kb, tmp_path):
    docs = [load_annotation(jsons[k]) for k in ("splice", "sv")]
    findings = [
        {**{a["allele_id"]: a for a in d["alleles"]}[f["allele_id"]], **f}  # findings name their allele
        for d in docs
        for s in d["samples"]
        if s["sample"] == "URB"
        for f in s["findings"]
    ]
    expected = interpret_sample("URB", findings, True)
    html = write_report([jsons["splice"], jsons["sv"]], "URB", tmp_path, kb, date=DATE, pdf=False)["html"].read_text()
    assert expected.status_sentence in text_of(html)


def test_not_assessable_sample(kb, tmp_path):
    path = annotate(tmp_path, "joint", [E77X_HOM.replace("1/1:30", "1/1:30\t./.:0")], ["A", "NOCALL"], kb)
    html = write_report([path], "NOCALL", tmp_path / "out", kb, date=DATE, pdf=False)["html"].read_text()
    text = text_of(html)
    assert "status-not_assessable" in html and "not assessable" in text
    assert "anakinra" not in text.lower()
    assert "locus called for this sample: no" in text


Q54X_REC = "chr2\t113129619\t.\tC\tT\t50\tPASS\t.\tGT"
E77X_REC = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT"


def test_parents_phase_the_report_as_they_phase_the_cohort_summary(kb, tmp_path, capsys, monkeypatch):
    """The sheet names the parents: the cohort summary and the child's report (chosen from the
    summary) both say 'in trans, phased by the parents'; the manual --mother/--father agrees."""
    from conftest import vcf_text as text

    monkeypatch.chdir(tmp_path)
    Path("trio.vcf").write_text(
        text(
            [f"{Q54X_REC}\t0/1\t0/1\t0/0", f"{E77X_REC}\t0/1\t0/0\t0/1"],
            ["KID", "MUM", "DAD"],
            build="GRCh38",
            chrom="chr2",
        )
    )
    Path("sheet.tsv").write_text(
        "sample\tvcf\tmother\tfather\nKID\ttrio.vcf\tMUM\tDAD\nMUM\ttrio.vcf\t\t\nDAD\ttrio.vcf\t\t\n"
    )
    assert cli_main(["annotate", "trio.vcf", "-o", "ann", "--manifest", "m.json", "--date", ANNOT_DATE]) == 0
    assert (
        cli_main(
            ["cohort", "--manifest", "m.json", "--sample-sheet", "sheet.tsv", "-o", "cohort", "--date", ANNOT_DATE]
        )
        == 0
    )
    import csv

    with open("cohort/summary.tsv", encoding="utf-8") as handle:
        kid = next(r for r in csv.DictReader(handle, delimiter="\t") if r["sample"] == "KID")
    assert kid["dira_status"] == "consistent_with_DIRA"
    assert (
        cli_main(
            [
                "report",
                "--samples-from",
                "cohort/summary.tsv",
                "--manifest",
                "m.json",
                "-o",
                "rep",
                "--date",
                DATE,
                "--no-pdf",
            ]
        )
        == 0
    )
    html = Path("rep/KID.report.html").read_text()
    report_text = text_of(html)
    assert kid["status_sentence"] in report_text
    assert "status-consistent_with_DIRA" in html
    assert "Parents" in report_text and "mother MUM" in report_text and "father DAD" in report_text
    assert "inherited from the mother (MUM)" in report_text
    # the parents' own reports are not phased by anyone
    assert "Parents" not in text_of(Path("rep/MUM.report.html").read_text())
    # by hand: the same phase from the same JSON
    assert (
        cli_main(
            [
                "report",
                "ann/trio.il1rn.json",
                "--sample",
                "KID",
                "--mother",
                "MUM",
                "--father",
                "DAD",
                "-o",
                "manual",
                "--date",
                DATE,
                "--no-pdf",
            ]
        )
        == 0
    )
    assert kid["status_sentence"] in text_of(Path("manual/KID.report.html").read_text())
    # without the parents the report says what the child's calls alone say
    assert (
        cli_main(["report", "ann/trio.il1rn.json", "--sample", "KID", "-o", "alone", "--date", DATE, "--no-pdf"]) == 0
    )
    assert "status-possible_DIRA" in Path("alone/KID.report.html").read_text()
    # a parent that is in no given file is named in the report, and not used
    assert (
        cli_main(
            [
                "report",
                "ann/trio.il1rn.json",
                "--sample",
                "KID",
                "--mother",
                "MUM",
                "--father",
                "NOBODY",
                "-o",
                "missing",
                "--date",
                DATE,
                "--no-pdf",
            ]
        )
        == 0
    )
    missing = text_of(Path("missing/KID.report.html").read_text())
    assert "The father (NOBODY) was not used to phase the variants" in missing
    assert "Possible DIRA" in missing
    capsys.readouterr()
    assert (
        cli_main(
            [
                "report",
                "ann/trio.il1rn.json",
                "--sample",
                "KID",
                "--sample",
                "MUM",
                "--mother",
                "MUM",
                "-o",
                "bad",
                "--no-pdf",
            ]
        )
        == 2
    )
    assert "--mother/--father name the parents of one sample" in capsys.readouterr().err


def test_upstream_deletion_report_names_what_it_removes_and_not_dira(kb, tmp_path):
    """Issue 15: a deletion overlapping the 2q13 deletion that spares IL1RN: the report says it does
    not remove IL1RN, shows the overlap as supporting only, and names IL36RN's own condition."""
    record = "chr2\t112960000\tUP\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113120000;SVLEN=-160000\tGT\t1/1"
    json_path = annotate(tmp_path, "manta.UP", [record], ["UP_HOM"], kb)
    html = write_report([json_path], "UP_HOM", tmp_path / "rep", kb, date=DATE, pdf=False)["html"].read_text()
    text = text_of(html)
    assert "status-uncertain_significance" in html and "Consistent with DIRA" not in text
    assert "does not remove IL1RN, lies upstream of IL1RN" in text
    assert "does not remove IL1RN: supporting evidence only, not that DIRA allele" in text
    assert (
        "IL36RN: DITRA (generalized pustular psoriasis), OMIM 614204, autosomal recessive: loss relevant for "
        "this zygosity"
    ) in text


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_recommendations_name_a_removed_gene_whose_own_loss_matters(tmp_path, kb, build, chrom, offset):
    """Review finding: a heterozygous <DEL> 112,900,001-113,600,000 removing IL1RN and PAX8 (congenital
    hypothyroidism, autosomal dominant: one copy matters) gave recommendations about DIRA carriers
    only; the PAX8 loss was in the sentence but no next step named it."""
    from conftest import vcf_text

    record = f"{chrom}\t{112_900_000 + offset}\t.\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END={113_600_000 + offset}\tGT\t0/1"
    path = tmp_path / "pax8.vcf"
    path.write_text(vcf_text([record], ["PAX8_HET"], build=build, chrom=chrom))
    result = annotate_file(path, tmp_path / "ann", kb, date="2026-01-01T00:00:00Z")
    assert result.samples[0].dira_status == "carrier"
    out = write_report([Path(result.outputs["json"])], "PAX8_HET", tmp_path / "rep", kb, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    start = text.index("Recommendations")
    recommendations = text[start : text.index("Quality and scope", start)]
    assert "The deletion also removes PAX8 (one copy deleted; congenital hypothyroidism" in recommendations
    assert "outside the DIRA interpretation" in recommendations
    assert "IL36RN" not in recommendations  # recessive, one copy: not a finding of its own
