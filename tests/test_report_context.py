"""The sample report: content, escaping, file names, determinism, PDF and a real browser render.

Every case starts from a small VCF with real GRCh38 coordinates, annotated by the package
itself, so the report is tested on the JSON the annotator really writes.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from il1rn_annot import __version__
from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main as cli_main
from il1rn_annot.core.interpret import interpret_sample
from il1rn_annot.errors import InputError
from il1rn_annot.lab_report.lab_settings import load_lab_config
from il1rn_annot.lab_report.writer import write_report
from il1rn_annot.outputs.naming import safe_name
from il1rn_annot.outputs.read_back import load_annotation

DATE = "2026-01-15"
ANNOT_DATE = "2026-01-01T00:00:00Z"
GRCH38_CHR2 = 242193529

E77X_HOM = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT:DP\t1/1:30"
SPLICE_HET = "chr2\t113131159\t.\tT\tG\t50\tPASS\t.\tGT:DP\t0/1:40"
RS419598_HOM = "chr2\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT:DP\t1/1:35"
DEL175_HOM = ("chr2\t112959500\tMantaDEL:1\tT\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113134600;SVLEN=-175100;IMPRECISE;"
              "CIPOS=-150,150;CIEND=-120,120\tGT\t1/1")
# exons 1-3 with the transcription start (PVS1 by the ClinGen tree; an exon 2-3 deletion alone is
# PVS1_Strong: its frame change falls in the last exon, no NMD, so it is of uncertain significance)
DEL_EX23_HET = "chr2\t113127000\tDEL31\tC\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=113131157;SVLEN=-4157\tGT\t0/1"


def vcf(records: list[str], samples: list[str], contig_length: int = GRCH38_CHR2) -> str:
    """A VCF text from the shared fixture (tests/conftest.py), chr2-named in both builds."""
    from conftest import vcf_text
    return vcf_text(records, samples, build="GRCh38" if contig_length == GRCH38_CHR2 else "GRCh37", chrom="chr2")


def annotate(tmp: Path, name: str, records: list[str], samples: list[str], kb) -> Path:
    path = tmp / f"{name}.vcf"
    path.write_text(vcf(records, samples))
    result = annotate_file(path, tmp, kb, date=ANNOT_DATE, command_line="il1rn-annot")
    return Path(result.outputs["json"])


class _Text(HTMLParser):
    """Visible text and the tags of an HTML document (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.parts.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", " ".join(parse(html).parts))


@pytest.fixture(scope="module")
def jsons(tmp_path_factory, kb) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("annot")
    return {
        "e77x": annotate(tmp, "gatk.E77X", [RS419598_HOM.replace("1/1", "0/1"), E77X_HOM], ["PAT_E77X"], kb),
        "assoc": annotate(tmp, "gatk.ASSOC", [RS419598_HOM], ["ASSOC_ONLY"], kb),
        "del175": annotate(tmp, "manta.DEL175", [DEL175_HOM], ["DEL175"], kb),
        "splice": annotate(tmp, "gatk.URB", [SPLICE_HET], ["URB"], kb),
        "sv": annotate(tmp, "delly.URB", [DEL_EX23_HET], ["URB"], kb),
    }


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
    json_path = annotate(tmp_path, "gatk.MIXED", [UPSTREAM_HET, INTRONIC_HOM, RS419598_HOM, E77X_HOM],
                         ["MIXED"], kb)
    classes = {a["hgvs_c"]: a["classification"] for a in load_annotation(json_path)["alleles"]}
    # no criterion either way: 'no predicted effect', not likely benign (issue 15)
    assert classes["c.116+514C>G"] == "no_predicted_effect" and classes["c.-4970C>A"] == "no_predicted_effect"
    html = write_report([json_path], "MIXED", tmp_path / "rep", kb, date=DATE, pdf=False)["html"].read_text()
    section = html[html.index('id="findings"'):html.index("</section>", html.index('id="findings"'))]
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
    result = text_of(html[html.index('id="result"'):html.index('id="findings"')])
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
    recommendations = text[text.index("Recommendations"):text.index("Quality and scope")]
    assert "orthogonal method" in recommendations and "Sanger" in recommendations
    assert "hemizygous" in recommendations and "parents" in recommendations
    assert "No population frequency data were used" in text
    assert "Reference sequence: none" in text  # no --reference and no verified shipped sequence
    # ... so the report says how protein changes were obtained (issue 15 section 3)
    assert "Protein changes: deduced without a nucleotide reference: from the protein sequence NP_776214.1" in text
    # two sentences, not one run-on ("... (provenance protein_changes) Protein changes: ...")
    assert "(provenance protein_changes). Protein changes:" in text
    treatment = text[text.index("Treatment (as published)"):]
    assert "anakinra" in treatment and "rilonacept" in treatment
    assert "PMID 28814674" in treatment  # Garg 2017, read on PMC (VERIFICATION.md section 8)
    # the curated HPO labels are HPO's own: HP:0002754 is "Osteomyelitis", not "Sterile ..."
    clinical = text[text.index("Clinical features"):text.index("Treatment (as published)")]
    assert "Osteomyelitis (HP:0002754)" in clinical and "Sterile multifocal osteomyelitis" not in clinical
    # curation notes stay out of the patient-facing text
    assert "ClinVar extract" not in text and "not verified" not in text


def test_splice_report_cites_urbaneja_by_the_article_title(jsons, kb, tmp_path):
    out = write_report([jsons["splice"]], "URB", tmp_path, kb, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    refs = text[text.index("References", text.index("Methods")):]
    assert ("Case report: Novel compound heterozygous IL1RN mutations as the likely cause of a lethal form of "
            "deficiency of interleukin-1 receptor antagonist") in refs
    assert "splice-donor variant c.318+2T>G with an intragenic" not in text  # the invented title


def test_unverified_reference_is_never_printed(jsons, kb, tmp_path):
    import dataclasses
    ref = kb.references["stenerson2011"]
    patched = dataclasses.replace(kb, references={**kb.references,
                                                  "stenerson2011": dataclasses.replace(ref, status="unverified")})
    out = write_report([jsons["e77x"]], "PAT_E77X", tmp_path, patched, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    assert "The first reported case of compound heterozygous" not in text
    assert "Stenerson" not in text[text.index("References", text.index("Methods")):]


def test_deletion_case_lists_genes_and_draws_the_figures(jsons, kb, tmp_path):
    out = write_report([jsons["del175"]], "DEL175", tmp_path, kb, date=DATE, pdf=False)
    html = out["html"].read_text()
    text = text_of(html)
    for gene in ("IL36G", "IL36A", "IL36B", "IL36RN", "IL1F10", "IL1RN"):
        assert f"{gene} (100%)" in text
    assert "175,100 bp deleted" in text
    # each removed gene on its own line: a condition note is never followed by a stray comma
    cell = text[text.index("IL36G (100%)"):text.index("IL1RN (100%)")]
    assert "IL36RN: DITRA" in cell and not re.search(r"zygosity\s*,", cell)
    assert "1, 2, 3, 4 of 4" in text
    assert "matches the published ~175 kb deletion" in text
    assert "imprecise breakpoints" in text
    assert html.count("<svg") == 2  # cluster + exon diagrams, inline
    cluster = html[html.index("<svg"):html.index("</svg>")]
    for gene in ("IL1A", "IL1B", "IL37", "PSD4", "PAX8"):
        assert f">{gene}</text>" in cluster
    assert "homozygous deletion" in cluster
    assert "anakinra" in text


def test_sample_in_two_files_is_interpreted_together(jsons, kb, tmp_path):
    per_file = [next(s for s in load_annotation(jsons[k])["samples"] if s["sample"] == "URB")["dira_status"]
                for k in ("splice", "sv")]
    assert per_file == ["carrier", "carrier"]
    out = write_report([jsons["splice"], jsons["sv"]], "URB", tmp_path, kb, date=DATE, pdf=False)
    html = out["html"].read_text()
    text = text_of(html)
    assert "status-possible_DIRA" in html
    assert "c.318+2T>G" in text and "4,157 bp deleted" in text
    assert "Phase not established" in text
    findings = text_of(html[html.index('id="findings"'):html.index('id="deletions"')])
    assert "removes IL1RN exons 1, 2, 3 NM_173842.3" in findings  # under the deletion's name, not 'removes IL1RN'
    # both inputs with checksums, and each file's own status
    for key in ("splice", "sv"):
        assert load_annotation(jsons[key])["provenance"]["inputs"][0]["sha256"] in text
    assert text.count("carrier") >= 2


def test_reinterpretation_matches_interpret_sample(jsons, kb, tmp_path):
    docs = [load_annotation(jsons[k]) for k in ("splice", "sv")]
    findings = [{**{a["allele_id"]: a for a in d["alleles"]}[f["allele_id"]], **f}  # findings name their allele
                for d in docs for s in d["samples"] if s["sample"] == "URB" for f in s["findings"]]
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


# ----------------------------------------------------------------------------------------
# errors


def test_unknown_sample_names_sample_and_files(jsons, kb, tmp_path):
    with pytest.raises(InputError) as info:
        write_report([jsons["e77x"], jsons["assoc"]], "NOBODY", tmp_path, kb, date=DATE, pdf=False)
    message = str(info.value)
    assert "NOBODY" in message and str(jsons["e77x"]) in message and str(jsons["assoc"]) in message
    assert "PAT_E77X" in message  # the hint lists the samples that are there
    assert not list(tmp_path.iterdir())


def test_not_an_annotation_json(tmp_path, kb):
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not a JSON"):
        write_report([bad], "S", tmp_path, kb, pdf=False)
    bad.write_text('{"a": 1}')
    with pytest.raises(InputError, match="not an il1rn-annot annotation JSON"):
        write_report([bad], "S", tmp_path, kb, pdf=False)


def test_bad_date_is_an_input_error(jsons, kb, tmp_path):
    with pytest.raises(InputError, match="--date"):
        write_report([jsons["e77x"]], "PAT_E77X", tmp_path, kb, date="15/01/2026", pdf=False)


def test_files_on_different_builds_are_refused(jsons, kb, tmp_path):
    grch37 = tmp_path / "grch37.vcf"
    grch37.write_text(vcf(["chr2\t113888645\t.\tG\tT\t50\tPASS\t.\tGT:DP\t0/1:30"], ["URB"],
                          contig_length=243199373))
    other = Path(annotate_file(grch37, tmp_path, kb, date=ANNOT_DATE).outputs["json"])
    with pytest.raises(InputError, match="different genome builds"):
        write_report([jsons["splice"], other], "URB", tmp_path / "out", kb, pdf=False)


# ----------------------------------------------------------------------------------------
# escaping and file names


def test_html_in_sample_id_and_vcf_fields_is_escaped(kb, tmp_path):
    sample = "<script>alert(1)</script>"
    record = E77X_HOM.replace("\t.\tG\tT", "\t<img/src=x/onerror=alert(2)>\tG\tT")
    path = annotate(tmp_path, "evil", [record], [sample], kb)
    lab = load_lab_config(_write(tmp_path / "lab.yaml", 'lab_name: "<b>Lab</b> & <script>x()</script>"\n'
                                 'footer: "<i>f</i>"\nreviewers: ["<u>Dr Who</u>"]\n'))
    out = write_report([path], sample, tmp_path / "out", kb, lab=lab, date=DATE, pdf=True)
    html = out["html"].read_text()
    tags = {tag for tag, _ in parse(html).tags}
    assert "script" not in tags and "img" not in tags and "b" not in tags and "u" not in tags
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img/src=x/onerror=alert(2)&gt;" in html
    assert sample in text_of(html)  # displayed as the real ID
    assert "<" not in out["html"].name and out["html"].parent == tmp_path / "out"
    # the SVG labels built from the data are escaped too (well-formed, no raw '<' in text)
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        import xml.etree.ElementTree as ET
        ET.fromstring(svg)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("sample", ["../../evil", "../..", "a/../../b c", "/etc/passwd", ".hidden", "x\\..\\y"])
def test_sample_id_cannot_leave_outdir(jsons, kb, tmp_path, sample):
    # a VCF whose sample column holds the hostile name
    path = annotate(tmp_path, "s", [E77X_HOM], [sample], kb)
    outdir = tmp_path / "deep" / "out"
    out = write_report([path], sample, outdir, kb, date=DATE, pdf=False)
    assert out["html"].parent == outdir
    assert out["html"].resolve().parent == outdir.resolve()
    assert not out["html"].name.startswith(".")
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
    assert htmllib.escape(sample, quote=False) in out["html"].read_text()


def test_safe_name_properties():
    names = ["PATIENT_1", "a/b", "a_b", "a b", "../x", "", ".", "é", "<script>"]
    safe = [safe_name(n) for n in names]
    assert safe[0] == "PATIENT_1"
    assert len(set(safe)) == len(safe)  # no two IDs share a report file
    for s in safe:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", s), s
    assert len(safe_name("x" * 500)) <= 90


# ----------------------------------------------------------------------------------------
# self-contained, deterministic, PDF


def test_html_is_self_contained(e77x_report):
    html = e77x_report["html"].read_text()
    parsed = parse(html)
    assert not [t for t, _ in parsed.tags if t in ("script", "link", "iframe", "object", "embed")]
    for tag, attrs in parsed.tags:
        src = attrs.get("src")
        assert src is None or src.startswith("data:"), (tag, src)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "@page" in html and "counter(page)" in html


def test_same_inputs_same_date_give_identical_bytes(e77x_report, jsons, kb, tmp_path):
    again = write_report([jsons["e77x"]], "PAT_E77X", tmp_path / "b", kb, date=DATE, pdf=True)
    assert again["html"].read_bytes() == e77x_report["html"].read_bytes()
    assert again["pdf"].read_bytes() == e77x_report["pdf"].read_bytes()
    a = write_report([jsons["del175"]], "DEL175", tmp_path / "c", kb, date=DATE, pdf=False)
    b = write_report([jsons["del175"]], "DEL175", tmp_path / "d", kb, date=DATE, pdf=False)
    assert a["html"].read_bytes() == b["html"].read_bytes()
    c = write_report([jsons["del175"]], "DEL175", tmp_path / "e", kb, date="2026-02-01", pdf=False)
    assert c["html"].read_bytes() != a["html"].read_bytes()


def test_pdf_has_pages_sample_and_status(e77x_report):
    from pypdf import PdfReader
    reader = PdfReader(str(e77x_report["pdf"]))
    assert len(reader.pages) >= 1
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    assert "PAT_E77X" in text
    assert "CONSISTENT WITH DIRA" in text.upper()
    assert "c.229G>T" in text
    assert re.search(r"Page 1 of \d+", text)
    assert reader.metadata.get("/CreationDate", "").startswith("D:20260115")


def test_lab_config_is_used(jsons, kb, tmp_path):
    from PIL import Image
    Image.new("RGB", (40, 20), (20, 60, 120)).save(tmp_path / "logo.png")
    config = _write(tmp_path / "lab.yaml", (
        "lab_name: North Genomics Laboratory\n"
        "lab_address: |\n  1 Hospital Road\n  Newtown NT1 1AA\n"
        "logo: logo.png\n"
        "reviewers:\n  - {name: Dr A Smith, role: Clinical scientist}\n  - Dr B Jones\n"
        "footer: Accredited laboratory 1234\n"
        "report_title: IL1RN test report\n"))
    out = write_report([jsons["e77x"]], "PAT_E77X", tmp_path / "out", kb, lab=load_lab_config(config),
                       date=DATE, pdf=True)
    html = out["html"].read_text()
    text = text_of(html)
    for expected in ("North Genomics Laboratory", "1 Hospital Road", "Newtown NT1 1AA", "Dr A Smith",
                     "Clinical scientist", "Dr B Jones", "Accredited laboratory 1234", "IL1RN test report"):
        assert expected in text
    assert 'src="data:image/png;base64,' in html
    from pypdf import PdfReader
    reader = PdfReader(str(out["pdf"]))
    assert len(reader.pages[0].images) == 1  # the logo made it into the PDF
    pdf_text = " ".join(p.extract_text() for p in reader.pages)
    assert "North Genomics Laboratory" in pdf_text and "Accredited laboratory 1234" in pdf_text
    with pytest.raises(InputError, match="unknown key"):
        load_lab_config(_write(tmp_path / "bad.yaml", "lab_nme: typo\n"))
    with pytest.raises(InputError, match="logo"):
        load_lab_config(_write(tmp_path / "nologo.yaml", "logo: missing.png\n"))


def test_cli_report(jsons, tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli_main(["report", str(jsons["e77x"]), "--sample", "PAT_E77X", "-o", str(out), "--date", DATE,
                     "--no-pdf"]) == 0
    assert (out / "PAT_E77X.report.html").exists() and not (out / "PAT_E77X.report.pdf").exists()
    assert cli_main(["report", str(jsons["e77x"]), "--sample", "NOBODY", "-o", str(out)]) == 2
    assert "NOBODY" in capsys.readouterr().err


def test_cli_report_several_samples_in_one_process(jsons, e77x_report, tmp_path, capsys):
    """--sample repeated: each sample's report from the given JSONs that hold it; the bytes are
    those of a one-sample run (HTML and PDF); a sample that fails leaves the others written."""
    out = tmp_path / "multi"
    given = [str(jsons[k]) for k in ("e77x", "assoc", "splice", "sv")]
    assert cli_main(["report", *given, "--sample", "PAT_E77X", "--sample", "URB", "--sample", "ASSOC_ONLY",
                     "-o", str(out), "--date", DATE]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"{s}.report.{e}") for s in ("PAT_E77X", "URB", "ASSOC_ONLY") for e in ("html", "pdf")]
    for kind in ("html", "pdf"):
        assert (out / f"PAT_E77X.report.{kind}").read_bytes() == e77x_report[kind].read_bytes()
    urb = text_of((out / "URB.report.html").read_text())
    assert "delly.URB" in urb and "gatk.URB" in urb  # both files of the sample, interpreted together
    assert "Possible DIRA" in urb
    assert "gatk.E77X" not in urb  # a file without the sample is not listed in its report
    # one sample missing: the others are still written, the exit status says it
    again = tmp_path / "again"
    assert cli_main(["report", *given, "--sample", "NOBODY", "--sample", "ASSOC_ONLY", "-o", str(again),
                     "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "NOBODY" in err and "1 of 2 report(s) not written" in err
    assert (again / "ASSOC_ONLY.report.html").is_file()


def test_report_shows_the_cohort_interpretation_without_interpreting_again(jsons, tmp_path, monkeypatch):
    """--samples-from summary.tsv: the status, sentence and evidence are the summary row's (the
    sample is interpreted once, by the cohort step); without a summary the report interprets the
    pooled sample itself."""
    import il1rn_annot.lab_report.context as context
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"inputs": [
        {"input": "e77x.vcf", "status": "ok", "outputs": {"json": str(jsons["e77x"])}, "samples": ["PAT_E77X"]}]}))
    summary = tmp_path / "summary.tsv"
    summary.write_text("sample\tdira_status\tstatus_sentence\tevidence\tinputs\tlocus_called\terror\n"
                       "PAT_E77X\tconsistent_with_DIRA\tSentence of the cohort step.\tEvidence of the cohort step."
                       "\te77x.vcf\tyes\t\n", encoding="utf-8")

    def not_again(*args, **kwargs):
        raise AssertionError("the report interpreted a sample the summary already interpreted")

    monkeypatch.setattr(context, "interpret_pooled", not_again)
    out = tmp_path / "from_summary"
    assert cli_main(["report", "--samples-from", str(summary), "--manifest", str(manifest), "--date", DATE,
                     "--no-pdf", "-o", str(out)]) == 0
    html = (out / "PAT_E77X.report.html").read_text()
    assert "Sentence of the cohort step." in html and "Evidence of the cohort step." in html
    monkeypatch.undo()
    alone = tmp_path / "alone"
    assert cli_main(["report", str(jsons["e77x"]), "--sample", "PAT_E77X", "--date", DATE, "--no-pdf",
                     "-o", str(alone)]) == 0
    assert "Sentence of the cohort step." not in (alone / "PAT_E77X.report.html").read_text()


def test_cli_report_samples_from_cohort_summary(jsons, e77x_report, tmp_path, capsys):
    """--samples-from summary.tsv --statuses ...: the summary's samples with those statuses, each
    from the JSONs of its own inputs (via the manifests); --part K/N takes a share of them."""
    manifest = tmp_path / "manifest.json"
    entries = [("e77x.vcf", "e77x", ["PAT_E77X"]), ("assoc.vcf", "assoc", ["ASSOC_ONLY"]),
               ("splice.vcf", "splice", ["URB"]), ("sv.vcf", "sv", ["URB"]), ("broken.vcf", None, ["BROKEN"])]
    manifest.write_text(json.dumps({"inputs": [
        {"input": i, "status": "ok", "outputs": {"json": str(jsons[k])}, "samples": names} if k else
        {"input": i, "status": "input_error", "error": "truncated", "samples": names}
        for i, k, names in entries]}))
    summary = tmp_path / "summary.tsv"
    summary.write_text("sample\tdira_status\tinputs\n"
                       "PAT_E77X\tconsistent_with_DIRA\te77x.vcf\n"
                       "URB\tpossible_DIRA\tsplice.vcf;sv.vcf\n"
                       "BROKEN\tinput_error\tbroken.vcf\n"
                       "ASSOC_ONLY\tno_pathogenic_variant_detected\tassoc.vcf\n", encoding="utf-8")
    base = ["report", "--samples-from", str(summary), "--manifest", str(manifest), "--date", DATE]
    out = tmp_path / "flagged"
    assert cli_main([*base, "-o", str(out)]) == 0  # default statuses: the flagged ones
    assert sorted(p.name for p in out.iterdir()) == [
        "PAT_E77X.report.html", "PAT_E77X.report.pdf", "URB.report.html", "URB.report.pdf"]
    assert (out / "PAT_E77X.report.pdf").read_bytes() == e77x_report["pdf"].read_bytes()
    assert "delly.URB" in (out / "URB.report.html").read_text()
    parts = [tmp_path / f"part{k}" for k in (1, 2)]
    for k, part in enumerate(parts, start=1):
        assert cli_main([*base, "--statuses", "possible_DIRA,consistent_with_DIRA,no_pathogenic_variant_detected",
                         "--part", f"{k}/2", "--no-pdf", "-o", str(part)]) == 0
    assert [sorted(p.name for p in part.iterdir()) for part in parts] == [
        ["PAT_E77X.report.html", "URB.report.html"], ["ASSOC_ONLY.report.html"]]
    capsys.readouterr()
    assert cli_main([*base, "--statuses", "carier", "-o", str(tmp_path / "typo")]) == 2
    assert "unknown status(es) carier" in capsys.readouterr().err
    assert cli_main([*base, "--part", "3/2", "-o", str(tmp_path / "part")]) == 2
    empty = tmp_path / "empty"
    assert cli_main([*base, "--statuses", "carrier", "-o", str(empty)]) == 0  # nobody: an empty folder
    assert empty.is_dir() and not any(empty.iterdir())
    assert cli_main(["report", "-o", str(empty), str(jsons["e77x"])]) == 2  # no sample named
    assert "no sample given" in capsys.readouterr().err


def test_several_samples_weasyprint_and_fonts_set_up_once(jsons, kb, tmp_path, monkeypatch):
    from il1rn_annot.lab_report import writer
    from il1rn_annot.outputs import html
    made = []
    real = writer.font_configuration
    monkeypatch.setattr(writer, "font_configuration", lambda: made.append(1) or real())
    report_writer = writer.ReportWriter(kb, date=DATE)
    for sample, key in (("PAT_E77X", "e77x"), ("ASSOC_ONLY", "assoc"), ("URB", "splice")):
        assert report_writer.write([jsons[key]], sample, tmp_path)["pdf"].read_bytes().startswith(b"%PDF")
    assert made == [1]
    assert html.environment() is html.environment()  # templates compiled once per process


# ----------------------------------------------------------------------------------------
# a real browser


@pytest.mark.browser
def test_chromium_renders_the_report(e77x_report, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not on PATH (install Debian's chromium to run the browser render test)")
    from PIL import Image
    png = tmp_path / "shot.png"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1200,2000",
           e77x_report["html"].resolve().as_uri()]
    subprocess.run(cmd, check=True, timeout=60, capture_output=True)
    image = Image.open(png).convert("RGB")
    assert image.size == (1200, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, status box, table shading, figure
    extrema = image.getextrema()
    assert any(low < 100 for low, _ in extrema)  # dark text, not a blank white page
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.95 * image.size[0] * image.size[1]


Q54X_REC = "chr2\t113129619\t.\tC\tT\t50\tPASS\t.\tGT"
E77X_REC = "chr2\t113131068\t.\tG\tT\t50\tPASS\t.\tGT"


def test_parents_phase_the_report_as_they_phase_the_cohort_summary(kb, tmp_path, capsys, monkeypatch):
    """The sheet names the parents: the cohort summary and the child's report (chosen from the
    summary) both say 'in trans, phased by the parents'; the manual --mother/--father agrees."""
    from conftest import vcf_text as text
    monkeypatch.chdir(tmp_path)
    Path("trio.vcf").write_text(text([f"{Q54X_REC}\t0/1\t0/1\t0/0", f"{E77X_REC}\t0/1\t0/0\t0/1"],
                                     ["KID", "MUM", "DAD"], build="GRCh38", chrom="chr2"))
    Path("sheet.tsv").write_text("sample\tvcf\tmother\tfather\nKID\ttrio.vcf\tMUM\tDAD\nMUM\ttrio.vcf\t\t\n"
                                 "DAD\ttrio.vcf\t\t\n")
    assert cli_main(["annotate", "trio.vcf", "-o", "ann", "--manifest", "m.json", "--date", ANNOT_DATE]) == 0
    assert cli_main(["cohort", "--manifest", "m.json", "--sample-sheet", "sheet.tsv", "-o", "cohort",
                     "--date", ANNOT_DATE]) == 0
    import csv
    with open("cohort/summary.tsv", encoding="utf-8") as handle:
        kid = next(r for r in csv.DictReader(handle, delimiter="\t") if r["sample"] == "KID")
    assert kid["dira_status"] == "consistent_with_DIRA"
    assert cli_main(["report", "--samples-from", "cohort/summary.tsv", "--manifest", "m.json", "-o", "rep",
                     "--date", DATE, "--no-pdf"]) == 0
    html = Path("rep/KID.report.html").read_text()
    report_text = text_of(html)
    assert kid["status_sentence"] in report_text
    assert "status-consistent_with_DIRA" in html
    assert "Parents" in report_text and "mother MUM" in report_text and "father DAD" in report_text
    assert "inherited from the mother (MUM)" in report_text
    # the parents' own reports are not phased by anyone
    assert "Parents" not in text_of(Path("rep/MUM.report.html").read_text())
    # by hand: the same phase from the same JSON
    assert cli_main(["report", "ann/trio.il1rn.json", "--sample", "KID", "--mother", "MUM", "--father", "DAD",
                     "-o", "manual", "--date", DATE, "--no-pdf"]) == 0
    assert kid["status_sentence"] in text_of(Path("manual/KID.report.html").read_text())
    # without the parents the report says what the child's calls alone say
    assert cli_main(["report", "ann/trio.il1rn.json", "--sample", "KID", "-o", "alone", "--date", DATE,
                     "--no-pdf"]) == 0
    assert "status-possible_DIRA" in Path("alone/KID.report.html").read_text()
    # a parent that is in no given file is named in the report, and not used
    assert cli_main(["report", "ann/trio.il1rn.json", "--sample", "KID", "--mother", "MUM", "--father", "NOBODY",
                     "-o", "missing", "--date", DATE, "--no-pdf"]) == 0
    missing = text_of(Path("missing/KID.report.html").read_text())
    assert "The father (NOBODY) was not used to phase the variants" in missing
    assert "Possible DIRA" in missing
    capsys.readouterr()
    assert cli_main(["report", "ann/trio.il1rn.json", "--sample", "KID", "--sample", "MUM", "--mother", "MUM",
                     "-o", "bad", "--no-pdf"]) == 2
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
    assert ("IL36RN: DITRA (generalized pustular psoriasis), OMIM 614204, autosomal recessive: loss relevant for "
            "this zygosity") in text


@pytest.mark.parametrize("build,chrom,offset", [("GRCh38", "chr2", 0), ("GRCh37", "2", 757_577)])
def test_recommendations_name_a_removed_gene_whose_own_loss_matters(tmp_path, kb, build, chrom, offset):
    """Review finding: a heterozygous <DEL> 112,900,001-113,600,000 removing IL1RN and PAX8 (congenital
    hypothyroidism, autosomal dominant: one copy matters) gave recommendations about DIRA carriers
    only; the PAX8 loss was in the sentence but no next step named it."""
    from conftest import vcf_text
    record = (f"{chrom}\t{112_900_000 + offset}\t.\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END={113_600_000 + offset}"
              "\tGT\t0/1")
    path = tmp_path / "pax8.vcf"
    path.write_text(vcf_text([record], ["PAX8_HET"], build=build, chrom=chrom))
    result = annotate_file(path, tmp_path / "ann", kb, date="2026-01-01T00:00:00Z")
    assert result.samples[0].dira_status == "carrier"
    out = write_report([Path(result.outputs["json"])], "PAX8_HET", tmp_path / "rep", kb, date=DATE, pdf=False)
    text = text_of(out["html"].read_text())
    start = text.index("Recommendations")
    recommendations = text[start:text.index("Quality and scope", start)]
    assert "The deletion also removes PAX8 (one copy deleted; congenital hypothyroidism" in recommendations
    assert "outside the DIRA interpretation" in recommendations
    assert "IL36RN" not in recommendations  # recessive, one copy: not a finding of its own
