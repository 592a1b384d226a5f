"""The tool's own SVG figures: well-formed, deterministic, escaped, and drawn where the genome says."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from il1rn_annot.core.vocabulary import CLASS_COLOURS
from il1rn_annot.lab_report.figures.cluster import cluster_svg
from il1rn_annot.lab_report.figures.exons import exon_svg
from il1rn_annot.lab_report.figures.svg import CDS_FILL, UTR_FILL

NS = "{http://www.w3.org/2000/svg}"
E77X = {"pos": 113131068, "label": "c.229G>T p.(Glu77Ter)", "classification": "pathogenic"}
DEL175 = {"start": 112959501, "end": 113134600, "label": "deletion 175 kb", "zygosity": "homozygous"}
DEL_EX23 = {"start": 113128557, "end": 113131157, "label": "exons 2-3", "zygosity": "heterozygous"}


def tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in tree(svg).iter(f"{NS}text")]


def test_cluster_draws_every_gene_with_strand_and_the_deletion(kb):
    svg = cluster_svg(kb, "GRCh38", [DEL175], [E77X])
    root = tree(svg)
    labels = texts(svg)
    genes = kb.cluster_genes("GRCh38")
    for gene in genes:
        assert gene.symbol in labels
    polygons = [p for p in root.iter(f"{NS}polygon") if p.find(f"{NS}title") is not None]
    assert len(polygons) == len(genes)
    # an arrow points the way the gene is transcribed: its tip is the right-most point for +, left-most for -
    for gene, poly in zip(sorted(genes, key=lambda g: g.start), polygons, strict=True):
        pts = [tuple(map(float, p.split(","))) for p in poly.get("points").split()]
        xs = [x for x, _ in pts]
        tip = pts[2] if gene.strand == "+" else pts[0]
        assert tip[0] == (max(xs) if gene.strand == "+" else min(xs)), gene.symbol
    assert any("deletion 175 kb (homozygous)" in t for t in labels)
    assert any("published" in t and "approximate" in t for t in labels)
    assert root.get("width") == "900"


def test_cluster_deletion_covers_the_genes_it_removes(kb):
    svg = cluster_svg(kb, "GRCh38", [DEL175], [], width=1000)
    root = tree(svg)
    bar = next(r for r in root.iter(f"{NS}rect") if (r.findtext(f"{NS}title") or "").startswith("deletion 175 kb"))
    x0, x1 = float(bar.get("x")), float(bar.get("x")) + float(bar.get("width"))
    for poly in root.iter(f"{NS}polygon"):
        title = poly.findtext(f"{NS}title") or ""
        symbol = title.split(" ")[0].split(":")[0]
        if not symbol:
            continue
        xs = [float(p.split(",")[0]) for p in poly.get("points").split()]
        inside = x0 - 0.2 <= min(xs) and max(xs) <= x1 + 0.2
        assert inside == (symbol in {"IL36G", "IL36A", "IL36B", "IL36RN", "IL1F10", "IL1RN"}), symbol


def test_gene_labels_do_not_collide(kb):
    svg = cluster_svg(kb, "GRCh38", [], [], width=700)
    rows: dict[str, list[tuple[float, float]]] = {}
    symbols = {g.symbol for g in kb.cluster_genes("GRCh38")}
    for t in tree(svg).iter(f"{NS}text"):
        if t.text in symbols:
            x, w = float(t.get("x")), len(t.text) * 10 * 0.6
            rows.setdefault(t.get("y"), []).append((x - w / 2, x + w / 2))
    for spans in rows.values():
        spans.sort()
        for (_, a1), (b0, _) in itertools.pairwise(spans):
            assert a1 <= b0, spans


def test_deletion_beyond_the_view_is_marked(kb):
    big = {"start": 112000000, "end": 112800000, "label": "big", "zygosity": "heterozygous"}
    svg = cluster_svg(kb, "GRCh38", [big], [])
    assert any("extends beyond the view" in t for t in texts(svg))


def test_labels_are_xml_escaped(kb):
    nasty = "<script>alert(\"x\")</script> & 'q'"
    svg = cluster_svg(kb, "GRCh38", [{**DEL_EX23, "label": nasty}], [{**E77X, "label": nasty}])
    svg2 = exon_svg(kb, "GRCh38", [{**E77X, "label": nasty}], [{**DEL_EX23, "label": nasty}])
    for s in (svg, svg2):
        assert "<script" not in s
        root = tree(s)  # well-formed
        assert not list(root.iter(f"{NS}script")) and not list(root.iter("script"))
        everything = " ".join("".join(e.itertext()) for e in root.iter())
        assert nasty in everything


def test_figures_are_deterministic(kb):
    args = (kb, "GRCh38", [DEL175, DEL_EX23], [E77X])
    assert cluster_svg(*args) == cluster_svg(*args)
    assert exon_svg(kb, "GRCh38", [E77X], [DEL_EX23]) == exon_svg(kb, "GRCh38", [E77X], [DEL_EX23])
    # input order does not matter
    assert exon_svg(kb, "GRCh38", [E77X, {**E77X, "pos": 113129619, "label": "c.160C>T"}]) == exon_svg(
        kb, "GRCh38", [{**E77X, "pos": 113129619, "label": "c.160C>T"}, E77X]
    )


def test_exon_diagram_has_four_exons_cds_and_utr(kb):
    svg = exon_svg(kb, "GRCh38", [E77X])
    root = tree(svg)
    labels = texts(svg)
    assert [t for t in labels if t.startswith("exon ")] == ["exon 1", "exon 2", "exon 3", "exon 4"]
    cds = sorted(
        (r for r in root.iter(f"{NS}rect") if r.get("fill") == CDS_FILL and r.get("height") == "24.0"),
        key=lambda r: float(r.get("x")),
    )
    utr = [r for r in root.iter(f"{NS}rect") if r.get("fill") == UTR_FILL and r.get("height") == "12.0"]
    assert len(cds) == 4  # the coding part of each exon
    assert len(utr) == 2  # 5' UTR in exon 1, 3' UTR in exon 4
    # c.229 lies in exon 3: its marker is inside the third coding box
    circle = next(c for c in root.iter(f"{NS}circle") if c.get("fill") == CLASS_COLOURS["pathogenic"])
    x0 = float(cds[2].get("x"))
    assert x0 <= float(circle.get("cx")) <= x0 + float(cds[2].get("width"))
    assert "c.229G>T p.(Glu77Ter)" in labels
    assert "c.534" in labels  # the stop codon of the 534-nt CDS


def test_exon_diagram_marks_deletion_over_exons_2_and_3(kb):
    svg = exon_svg(kb, "GRCh38", [], [DEL_EX23])
    root = tree(svg)
    band = next(r for r in root.iter(f"{NS}rect") if (r.findtext(f"{NS}title") or "").startswith("deleted"))
    b0, b1 = float(band.get("x")), float(band.get("x")) + float(band.get("width"))
    cds = sorted(
        (r for r in root.iter(f"{NS}rect") if r.get("fill") == CDS_FILL and r.get("height") == "24.0"),
        key=lambda r: float(r.get("x")),
    )
    covered = [b0 <= float(r.get("x")) and float(r.get("x")) + float(r.get("width")) <= b1 + 0.05 for r in cds]
    assert covered == [False, True, True, False]


@pytest.mark.parametrize("fn", ["cluster", "exon"])
def test_grch37_draws_the_same_picture(kb, fn):
    """GRCh37 = GRCh38 + a constant offset over the cluster: genes, deletions, variants land in the same place
    (only the round-number axis ticks differ)."""
    off = kb.liftover_offset
    d38, v38 = [DEL_EX23], [E77X]
    d37 = [{**d, "start": d["start"] + off, "end": d["end"] + off} for d in d38]
    v37 = [{**v, "pos": v["pos"] + off} for v in v38]
    draw = cluster_svg if fn == "cluster" else exon_svg
    a = draw(kb, "GRCh38", d38, v38) if fn == "cluster" else draw(kb, "GRCh38", v38, d38)
    b = draw(kb, "GRCh37", d37, v37) if fn == "cluster" else draw(kb, "GRCh37", v37, d37)

    def geometry(svg: str) -> list[str]:
        return re.findall(r'<(?:rect|polygon|circle|path)\b[^>]*?(?:x|points|cx|d)="[^"]*"', svg)

    assert len(geometry(a)) > 10
    assert geometry(a) == geometry(b)


def test_empty_figures_are_valid(kb):
    for svg in (cluster_svg(kb, "GRCh38", [], []), exon_svg(kb, "GRCh38", [])):
        root = tree(svg)
        assert root.tag == f"{NS}svg" and float(root.get("height")) > 50


def test_esc_gives_what_saxutils_gives():
    """svg.esc replaced xml.sax.saxutils.escape (whose import pulls in urllib.request): the same text."""
    from xml.sax.saxutils import escape

    from il1rn_annot.lab_report.figures.svg import esc

    for text in ("a<b>&\"c'd", "&amp;", "<script>x</script>", "plain", 12, "é ü ≥"):
        assert esc(text) == escape(str(text), {'"': "&quot;", "'": "&#39;"})
