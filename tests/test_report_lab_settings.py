"""The lab's settings on the report (`lab_report.lab_settings`): name, address, reviewers, footer, logo."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_cases import (
    DATE,
    annotate_cases,
    text_of,
    write_file,
)

from il1rn_annot.errors import InputError
from il1rn_annot.lab_report.lab_settings import load_lab_config
from il1rn_annot.lab_report.writer import write_report


@pytest.fixture(scope="module")
def jsons(tmp_path_factory, kb) -> dict[str, Path]:
    return annotate_cases(tmp_path_factory.mktemp("annot"), kb)


def test_lab_config_is_used(jsons, kb, tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), (20, 60, 120)).save(tmp_path / "logo.png")
    config = write_file(
        tmp_path / "lab.yaml",
        (
            "lab_name: North Genomics Laboratory\n"
            "lab_address: |\n  1 Hospital Road\n  Newtown NT1 1AA\n"
            "logo: logo.png\n"
            "reviewers:\n  - {name: Dr A Smith, role: Clinical scientist}\n  - Dr B Jones\n"
            "footer: Accredited laboratory 1234\n"
            "report_title: IL1RN test report\n"
        ),
    )
    out = write_report(
        [jsons["e77x"]], "PAT_E77X", tmp_path / "out", kb, lab=load_lab_config(config), date=DATE, pdf=True
    )
    html = out["html"].read_text()
    text = text_of(html)
    for expected in (
        "North Genomics Laboratory",
        "1 Hospital Road",
        "Newtown NT1 1AA",
        "Dr A Smith",
        "Clinical scientist",
        "Dr B Jones",
        "Accredited laboratory 1234",
        "IL1RN test report",
    ):
        assert expected in text
    assert 'src="data:image/png;base64,' in html
    from pypdf import PdfReader

    reader = PdfReader(str(out["pdf"]))
    assert len(reader.pages[0].images) == 1  # the logo made it into the PDF
    pdf_text = " ".join(p.extract_text() for p in reader.pages)
    assert "North Genomics Laboratory" in pdf_text and "Accredited laboratory 1234" in pdf_text
    with pytest.raises(InputError, match="unknown key"):
        load_lab_config(write_file(tmp_path / "bad.yaml", "lab_nme: typo\n"))
    with pytest.raises(InputError, match="logo"):
        load_lab_config(write_file(tmp_path / "nologo.yaml", "logo: missing.png\n"))
