"""What the report's figures share: escaping, fixed-precision numbers, the font, the colours
of genes and deletions, and label placement.

The figures are pure string SVG, no plotting library: the same inputs always give the same
bytes (every number is formatted with `num`, every list is drawn in a fixed order), so a
report can be byte-compared between runs. Every piece of text that comes from outside the
figures (variant labels, sample-derived labels) goes through `esc`, because the report and
the cohort page embed the SVG inline in their HTML.

Variants are coloured and named by classification with `core.vocabulary`'s palette and names
(`class_name` here, `class_colour` there): the same colours in the report, on the cohort page
and in both pages' legends.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.vocabulary import CLASS_NAMES

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
CHAR_WIDTH = 0.6  # average glyph width / font size for the sans fonts above (for label layout)

GENE_FILL = "#8c96a3"
IL1RN_FILL = "#1f4e79"
CDS_FILL = "#1f4e79"
UTR_FILL = "#9dbcd9"
HOM_FILL = "#b2182b"
HET_FILL = "#f4a582"
DEL_STROKE = "#8e0f20"
TEXT = "#1a1a1a"
MUTED = "#555555"


def esc(text: Any) -> str:
    """XML-escape text for element content and double-quoted attributes (what
    `xml.sax.saxutils.escape` with the two quote entities gives; that module imports
    urllib.request and http.client, ~13 ms of every cohort and report process)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(x: float) -> str:
    """Fixed-precision number: deterministic output, no '-0.0'."""
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


def text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (CHAR_WIDTH * 1.12 if bold else CHAR_WIDTH)


def class_name(v: dict[str, Any]) -> str:
    """How a variant's classification reads (the term itself when the vocabulary has no name for it)."""
    return str(CLASS_NAMES.get(str(v.get("classification")), v.get("classification", "")))


def is_hom(zygosity: str) -> bool:
    return zygosity in ("homozygous", "hemizygous")


class LabelRows:
    """Greedy label placement: put each label in the first row where it does not collide."""

    def __init__(self, gap: float = 6.0) -> None:
        self.rows: list[list[tuple[float, float]]] = []
        self.gap = gap

    def place(self, x0: float, x1: float) -> int:
        for index, used in enumerate(self.rows):
            if all(x1 + self.gap <= a or x0 >= b + self.gap for a, b in used):
                used.append((x0, x1))
                return index
        self.rows.append([(x0, x1)])
        return len(self.rows) - 1


def label_span(centre: float, width: float, lo: float, hi: float) -> tuple[float, float]:
    """A label of `width` centred on `centre`, pushed inside [lo, hi]."""
    x0 = centre - width / 2
    x0 = max(lo, min(x0, hi - width))
    return x0, x0 + width


def svg_open(width: int, height: float, title: str, desc: str) -> list[str]:
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{num(height)}" '
            f'viewBox="0 0 {width} {num(height)}" role="img" aria-label="{esc(title)}" '
            f'font-family="{esc(FONT)}" class="figure-svg">'
        ),
        f"<title>{esc(title)}</title>",
        f"<desc>{esc(desc)}</desc>",
    ]
