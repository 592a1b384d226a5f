"""Writing a lab report (`lab_report.writer`, `lab_report.render`): inputs refused, escaping, file names,
self-contained and deterministic HTML, the PDF, WeasyPrint set up once, and a real browser render."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_cases import (
    ANNOT_DATE,
    DATE,
    E77X_HOM,
    annotate,
    annotate_cases,
    parse,
    text_of,
    vcf,
    write_file,
)

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import InputError
from il1rn_annot.lab_report.lab_settings import load_lab_config
from il1rn_annot.lab_report.writer import write_report
from il1rn_annot.outputs.naming import safe_name


@pytest.fixture(scope="module")
def jsons(tmp_path_factory, kb) -> dict[str, Path]:
    return annotate_cases(tmp_path_factory.mktemp("annot"), kb)


@pytest.fixture(scope="module")
def e77x_report(jsons, kb, tmp_path_factory) -> dict[str, Path]:
    return write_report([jsons["e77x"]], "PAT_E77X", tmp_path_factory.mktemp("rep"), kb, date=DATE, pdf=True)


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
    grch37.write_text(vcf(["chr2\t113888645\t.\tG\tT\t50\tPASS\t.\tGT:DP\t0/1:30"], ["URB"], contig_length=243199373))
    other = Path(annotate_file(grch37, tmp_path, kb, date=ANNOT_DATE).outputs["json"])
    with pytest.raises(InputError, match="different genome builds"):
        write_report([jsons["splice"], other], "URB", tmp_path / "out", kb, pdf=False)


# ----------------------------------------------------------------------------------------
# escaping and file names


def test_html_in_sample_id_and_vcf_fields_is_escaped(kb, tmp_path):
    sample = "<script>alert(1)</script>"
    record = E77X_HOM.replace("\t.\tG\tT", "\t<img/src=x/onerror=alert(2)>\tG\tT")
    path = annotate(tmp_path, "evil", [record], [sample], kb)
    lab = load_lab_config(
        write_file(
            tmp_path / "lab.yaml",
            'lab_name: "<b>Lab</b> & <script>x()</script>"\nfooter: "<i>f</i>"\nreviewers: ["<u>Dr Who</u>"]\n',
        )
    )
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
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1200,2000",
        e77x_report["html"].resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=60, capture_output=True)
    image = Image.open(png).convert("RGB")
    assert image.size == (1200, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, status box, table shading, figure
    extrema = image.getextrema()
    assert any(low < 100 for low, _ in extrema)  # dark text, not a blank white page
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.95 * image.size[0] * image.size[1]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils' pdftotext")
def test_long_unbroken_input_path_stays_on_the_page(kb, tmp_path):
    """The header's facts table has fixed column widths (a faster layout, issue 19): an input
    path with no break opportunity wraps inside its cell; under the automatic layout it ran off
    the page."""
    folder = tmp_path / ("run" + "0123456789" * 15)
    folder.mkdir()
    out = write_report(
        [annotate(folder, "LONGPATH", [E77X_HOM], ["LONGPATH"], kb)], "LONGPATH", tmp_path / "rep", kb, date=DATE
    )
    # page 1: the header's facts table (a data table further on is laid out automatically)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(out["pdf"]), "-"], capture_output=True, text=True, check=True
    )
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox.stdout).group(1))
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox.stdout)
    assert any("0123456789" in word for _, word in words)  # the path is printed
    off_page = [word for x_max, word in words if float(x_max) > page_width]
    assert not off_page, off_page
