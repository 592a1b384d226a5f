"""Figures drawn by the tool itself: the IL-1 gene cluster with deletions, and the IL1RN exons.

Pure string SVG, no plotting library: the same inputs always give the same bytes (every
number is formatted with a fixed precision, every list is drawn in a fixed order), so a
report can be byte-compared between runs. Every piece of text that comes from outside this
module (variant labels, sample-derived labels) is XML-escaped here, because the report
embeds the SVG inline in its HTML.

Two figures:

* `cluster_svg` - the IL-1 cluster from IL1A to PAX8 (MANE Select spans of the knowledge
  base), genes as arrow-shaped boxes pointing in the direction of transcription, each
  deletion drawn as a bar on its own track under the genes (solid: homozygous; light:
  heterozygous), the published ~175 kb 2q13 deletion as a dashed reference track, and
  small variants as triangles on IL1RN. The cohort summary reuses it for many deletions.
* `exon_svg` - the IL1RN MANE Select transcript (NM_173842.3): 4 exons, coding part tall,
  UTR short, introns and flanks compressed (exons to scale, introns not), small variants as
  labelled lollipops and deletions as shaded bands.

Variants are coloured and named by classification with `core.vocabulary`'s palette and names:
the same colours in the report, on the cohort page and in both pages' legends.

Coordinates are the build's own (1-based, inclusive). A deletion dict has `start`, `end`
(first and last deleted base), `label`, `zygosity`; a variant dict has `pos`, `label`,
`classification`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from il1rn_annot.core.vocabulary import CLASS_COLOURS, CLASS_NAMES, class_colour
from il1rn_annot.kb.model import KnowledgeBase

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
    """XML-escape text for element content and double-quoted attributes."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#39;"})


def _f(x: float) -> str:
    """Fixed-precision number: deterministic output, no '-0.0'."""
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


def _text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (CHAR_WIDTH * 1.12 if bold else CHAR_WIDTH)


def _class_name(v: dict[str, Any]) -> str:
    """How a variant's classification reads (the term itself when the vocabulary has no name for it)."""
    return str(CLASS_NAMES.get(str(v.get("classification")), v.get("classification", "")))


def _is_hom(zygosity: str) -> bool:
    return zygosity in ("homozygous", "hemizygous")


class _Rows:
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


def _label_span(centre: float, width: float, lo: float, hi: float) -> tuple[float, float]:
    """A label of `width` centred on `centre`, pushed inside [lo, hi]."""
    x0 = centre - width / 2
    x0 = max(lo, min(x0, hi - width))
    return x0, x0 + width


def _svg_open(width: int, height: float, title: str, desc: str) -> list[str]:
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_f(height)}" '
            f'viewBox="0 0 {width} {_f(height)}" role="img" aria-label="{esc(title)}" '
            f'font-family="{esc(FONT)}" class="figure-svg">'
        ),
        f"<title>{esc(title)}</title>",
        f"<desc>{esc(desc)}</desc>",
    ]


def _kb(length: int) -> str:
    return f"{length / 1000:.0f} kb" if length >= 10000 else f"{length / 1000:.1f} kb"


def _mb(pos: int) -> str:
    return f"{pos / 1e6:.2f}"


# ----------------------------------------------------------------------------------------
# the IL-1 cluster


def _reference_deletion(kb: KnowledgeBase, build: str) -> tuple[int, int, str] | None:
    for var in kb.variants.values():
        if var.type == "region_deletion" and build in var.region:
            start, end = var.region[build]
            name = var.published_names[0] if var.published_names else var.label
            return start, end, name
    return None


def cluster_svg(
    kb: KnowledgeBase,
    build: str,
    deletions: Sequence[dict[str, Any]],
    variants: Sequence[dict[str, Any]],
    width: int = 900,
    *,
    show_reference: bool = True,
    title: str | None = None,
) -> str:
    """The IL-1 gene cluster (IL1A .. PAX8) with deletions drawn over it, as an SVG string."""
    genes = sorted(kb.cluster_genes(build), key=lambda g: (g.start, g.symbol))
    pad = 8000
    view0 = genes[0].start - pad
    view1 = max(g.end for g in genes) + pad
    left, right = 16.0, float(width) - 16.0
    scale = (right - left) / (view1 - view0)

    def x(pos: float) -> float:
        return left + (min(max(pos, view0), view1) - view0) * scale

    contig = "chr2"
    title = title or f"IL-1 gene cluster on {contig} ({build}), IL1A to PAX8, with deletions"
    desc = (
        f"{len(genes)} genes from {genes[0].symbol} to {genes[-1].symbol}; "
        f"{len(deletions)} deletion(s); {len(variants)} small variant(s) on IL1RN"
    )
    body: list[str] = []

    # axis ---------------------------------------------------------------------------------
    axis_y = 24.0
    body.append(
        f'<text x="{_f(left)}" y="11" font-size="10" fill="{MUTED}">chromosome 2 position ({esc(build)}), Mb</text>'
    )
    body.append(
        f'<line x1="{_f(left)}" y1="{_f(axis_y)}" x2="{_f(right)}" y2="{_f(axis_y)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    step = 50000
    tick = (view0 // step + 1) * step
    while tick < view1:
        tx = x(tick)
        body.append(
            f'<line x1="{_f(tx)}" y1="{_f(axis_y)}" x2="{_f(tx)}" y2="{_f(axis_y + 4)}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{_f(tx)}" y="{_f(axis_y + 14)}" font-size="9" fill="{MUTED}" '
            f'text-anchor="middle">{_mb(tick)}</text>'
        )
        tick += step

    # IL1RN highlight band (drawn first, under everything else) -------------------------------
    il1rn = next((g for g in genes if g.symbol == "IL1RN"), None)
    band_index = len(body)

    # variants above IL1RN ------------------------------------------------------------------
    gene_y = 62.0
    gene_h = 14.0
    var_y = gene_y - 3
    for v in sorted(variants, key=lambda v: (int(v["pos"]), str(v.get("label", "")))):
        vx = x(int(v["pos"]))
        colour = class_colour(str(v.get("classification", "")))
        body.append(
            f'<path d="M{_f(vx - 4)},{_f(var_y - 8)} L{_f(vx + 4)},{_f(var_y - 8)} L{_f(vx)},{_f(var_y)} Z" '
            f'fill="{colour}" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{esc(v.get('label', ''))} ({esc(_class_name(v))})</title></path>"
        )

    # genes ---------------------------------------------------------------------------------
    rows = _Rows(gap=5)
    label_rows: list[tuple[Any, int, float, float]] = []
    for g in genes:
        gx0, gx1 = x(g.start), x(g.end)
        if gx1 - gx0 < 3:
            mid = (gx0 + gx1) / 2
            gx0, gx1 = mid - 1.5, mid + 1.5
        tip = min(6.0, (gx1 - gx0))
        y0, y1, ym = gene_y, gene_y + gene_h, gene_y + gene_h / 2
        if g.strand == "-":
            pts = [(gx0, ym), (gx0 + tip, y0), (gx1, y0), (gx1, y1), (gx0 + tip, y1)]
        else:
            pts = [(gx0, y0), (gx1 - tip, y0), (gx1, ym), (gx1 - tip, y1), (gx0, y1)]
        fill = IL1RN_FILL if g.symbol == "IL1RN" else GENE_FILL
        points = " ".join(f"{_f(a)},{_f(b)}" for a, b in pts)
        strand_word = "forward (+)" if g.strand == "+" else "reverse (-)"
        body.append(
            f'<polygon points="{points}" fill="{fill}" stroke="#333333" stroke-width="0.6">'
            f"<title>{esc(g.label)}: {esc(contig)}:{g.start:,}-{g.end:,}, {strand_word} strand</title>"
            f"</polygon>"
        )
        text = g.symbol
        size = 10.0
        lx0, lx1 = _label_span((gx0 + gx1) / 2, _text_width(text, size), left, right)
        label_rows.append((g, rows.place(lx0, lx1), lx0, lx1))
    label_top = gene_y + gene_h + 12
    row_h = 13.0
    for g, row, lx0, lx1 in label_rows:
        gx = (x(g.start) + x(g.end)) / 2
        ly = label_top + row * row_h
        if row:
            body.append(
                f'<line x1="{_f(gx)}" y1="{_f(gene_y + gene_h)}" x2="{_f(gx)}" y2="{_f(ly - 9)}" '
                f'stroke="#999999" stroke-width="0.6"/>'
            )
        weight = ' font-weight="bold"' if g.symbol == "IL1RN" else ""
        colour = IL1RN_FILL if g.symbol == "IL1RN" else TEXT
        body.append(
            f'<text x="{_f((lx0 + lx1) / 2)}" y="{_f(ly)}" font-size="10" text-anchor="middle" '
            f'fill="{colour}"{weight}>{esc(g.symbol)}</text>'
        )
    y = label_top + max(1, len(rows.rows)) * row_h + 6

    # deletion tracks -------------------------------------------------------------------------
    tracks: list[tuple[int, int, str, str, bool]] = []
    for d in deletions:
        tracks.append((int(d["start"]), int(d["end"]), str(d.get("label", "")), str(d.get("zygosity", "")), False))
    ref = _reference_deletion(kb, build) if show_reference else None
    if ref:
        tracks.append((ref[0], ref[1], f"published {ref[2]} (approximate span)", "", True))
    bar_h = 10.0
    for start, end, label, zygosity, is_ref in tracks:
        bx0, bx1 = x(start), x(end)
        if bx1 - bx0 < 2:
            mid = (bx0 + bx1) / 2
            bx0, bx1 = mid - 1, mid + 1
        cut_left, cut_right = start < view0, end > view1
        text = label + (f" ({zygosity})" if zygosity else "")
        if cut_left or cut_right:
            text += " - extends beyond the view"
        size = 9.5
        tw = _text_width(text, size)
        if bx0 + tw <= right:
            tx, anchor = bx0, "start"
        elif bx1 - tw >= left:
            tx, anchor = bx1, "end"
        else:
            tx, anchor = left, "start"
        body.append(
            f'<text x="{_f(tx)}" y="{_f(y + 9)}" font-size="{size}" fill="{TEXT}" '
            f'text-anchor="{anchor}">{esc(text)}</text>'
        )
        by = y + 13
        if is_ref:
            body.append(
                f'<rect x="{_f(bx0)}" y="{_f(by)}" width="{_f(bx1 - bx0)}" height="{_f(bar_h)}" '
                f'fill="none" stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
        else:
            fill = HOM_FILL if _is_hom(zygosity) else HET_FILL
            body.append(
                f'<rect x="{_f(bx0)}" y="{_f(by)}" width="{_f(bx1 - bx0)}" height="{_f(bar_h)}" '
                f'fill="{fill}" stroke="{DEL_STROKE}" stroke-width="0.8">'
                f"<title>{esc(text)}: {esc(contig)}:{start:,}-{end:,} ({end - start + 1:,} bp)</title></rect>"
            )
        for cut, edge, direction in ((cut_left, bx0, -1), (cut_right, bx1, 1)):
            if cut:
                ax = edge + direction * 1
                body.append(
                    f'<path d="M{_f(ax)},{_f(by - 2)} L{_f(ax + direction * 6)},{_f(by + bar_h / 2)} '
                    f'L{_f(ax)},{_f(by + bar_h + 2)} Z" fill="{DEL_STROKE}"/>'
                )
        y += 30
    if not tracks:
        body.append(f'<text x="{_f(left)}" y="{_f(y + 9)}" font-size="9.5" fill="{MUTED}">no deletion</text>')
        y += 20

    # legend ---------------------------------------------------------------------------------
    y += 4
    lx = left
    legend: list[str] = []
    legend.append(
        f'<polygon points="{_f(lx)},{_f(y)} {_f(lx + 14)},{_f(y)} {_f(lx + 20)},{_f(y + 5)} '
        f'{_f(lx + 14)},{_f(y + 10)} {_f(lx)},{_f(y + 10)}" fill="{GENE_FILL}" stroke="#333333" '
        f'stroke-width="0.6"/>'
    )
    legend.append(
        f'<text x="{_f(lx + 25)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">gene '
        f"(arrow = direction of transcription)</text>"
    )
    lx += 25 + _text_width("gene (arrow = direction of transcription)", 9.5) + 18
    zygs = {_is_hom(str(d.get("zygosity", ""))) for d in deletions}
    for hom in sorted(zygs, reverse=True):
        fill = HOM_FILL if hom else HET_FILL
        word = "homozygous deletion" if hom else "heterozygous deletion"
        legend.append(
            f'<rect x="{_f(lx)}" y="{_f(y)}" width="20" height="10" fill="{fill}" stroke="{DEL_STROKE}" '
            f'stroke-width="0.8"/>'
        )
        legend.append(f'<text x="{_f(lx + 25)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">{word}</text>')
        lx += 25 + _text_width(word, 9.5) + 18
    if ref:
        word = "published deletion (approximate)"
        legend.append(
            f'<rect x="{_f(lx)}" y="{_f(y)}" width="20" height="10" fill="none" stroke="{MUTED}" '
            f'stroke-dasharray="4 3"/>'
        )
        legend.append(f'<text x="{_f(lx + 25)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">{word}</text>')
    body.extend(legend)
    height = y + 18

    if il1rn is not None:
        bx0, bx1 = x(il1rn.start), x(il1rn.end)
        body.insert(
            band_index,
            f'<rect x="{_f(bx0 - 2)}" y="{_f(axis_y + 18)}" width="{_f(bx1 - bx0 + 4)}" '
            f'height="{_f(height - axis_y - 40)}" fill="#fff3c4"/>',
        )
    return "\n".join(_svg_open(width, height, title, desc) + body + ["</svg>"])


# ----------------------------------------------------------------------------------------
# the IL1RN exons


class _ExonScale:
    """Piecewise-linear genome -> x map: exons to scale, introns and flanks fixed widths."""

    def __init__(
        self,
        exons: Sequence[tuple[int, int]],
        view0: int,
        view1: int,
        left: float,
        right: float,
        intron_w: float = 70.0,
        flank_w: float = 84.0,
    ) -> None:
        segments: list[tuple[int, int, bool]] = []  # (start, end, is_exon)
        if view0 < exons[0][0]:
            segments.append((view0, exons[0][0] - 1, False))
        for i, (s, e) in enumerate(exons):
            segments.append((s, e, True))
            if i + 1 < len(exons):
                segments.append((e + 1, exons[i + 1][0] - 1, False))
        if view1 > exons[-1][1]:
            segments.append((exons[-1][1] + 1, view1, False))
        fixed = sum(
            intron_w if i and j else flank_w
            for (_, _, is_exon), (i, j) in zip(segments, self._inner(segments), strict=True)
            if not is_exon
        )
        exonic = sum(e - s + 1 for s, e, is_exon in segments if is_exon)
        per_bp = (right - left - fixed) / exonic
        self.pieces: list[tuple[int, int, float, float]] = []  # (start, end, x0, x1)
        xpos = left
        for (s, e, is_exon), (inner_l, inner_r) in zip(segments, self._inner(segments), strict=True):
            w = (e - s + 1) * per_bp if is_exon else (intron_w if inner_l and inner_r else flank_w)
            self.pieces.append((s, e, xpos, xpos + w))
            xpos += w
        self.view0, self.view1 = segments[0][0], segments[-1][1]

    @staticmethod
    def _inner(segments: list[tuple[int, int, bool]]) -> list[tuple[bool, bool]]:
        """For each segment: (is there an exon before it, is there an exon after it)."""
        out = []
        for k, (_, _, is_exon) in enumerate(segments):
            if is_exon:
                out.append((True, True))
            else:
                before = any(seg[2] for seg in segments[:k])
                after = any(seg[2] for seg in segments[k + 1 :])
                out.append((before, after))
        return out

    def x(self, pos: float, edge: str = "start") -> float:
        """x of the left edge of base `pos` (edge='start') or of its right edge (edge='end')."""
        pos = min(max(pos, self.view0), self.view1)
        for s, e, x0, x1 in self.pieces:
            if s <= pos <= e:
                frac = (pos - s + (1 if edge == "end" else 0)) / (e - s + 1)
                return x0 + frac * (x1 - x0)
        return self.pieces[-1][3]

    def centre(self, pos: float) -> float:
        return (self.x(pos, "start") + self.x(pos, "end")) / 2


def exon_svg(
    kb: KnowledgeBase,
    build: str,
    variants: Sequence[dict[str, Any]],
    deletions: Iterable[dict[str, Any]] = (),
    width: int = 900,
    *,
    title: str | None = None,
) -> str:
    """IL1RN MANE Select exon diagram (4 exons, CDS vs UTR) with small variants and deletions."""
    tx = kb.transcript(build)
    window = kb.screen_window[build]
    view0 = min(window[0], min((int(v["pos"]) for v in variants), default=window[0]))
    view1 = max(window[1], max((int(v["pos"]) for v in variants), default=window[1]))
    left, right = 16.0, float(width) - 16.0
    scale = _ExonScale(tx.exons, view0, view1, left, right)
    deletions = list(deletions)
    variants = sorted(variants, key=lambda v: (int(v["pos"]), str(v.get("label", ""))))
    title = title or f"IL1RN exons ({tx.refseq}, {build}) with the sample's variants"
    desc = (
        f"{len(tx.exons)} exons; coding sequence tall, UTR short; introns and flanks not to scale; "
        f"{len(variants)} small variant(s), {len(deletions)} deletion(s)"
    )
    body: list[str] = []

    # variant labels: rows above the transcript --------------------------------------------------
    size = 10.0
    rows = _Rows(gap=8)
    placed = []
    for v in variants:
        cx = scale.centre(int(v["pos"]))
        text = str(v.get("label", ""))
        lx0, lx1 = _label_span(cx, _text_width(text, size, bold=True) + 10, left, right)
        placed.append((v, cx, rows.place(lx0, lx1), lx0, lx1, text))
    n_rows = len(rows.rows)
    row_h = 18.0
    top = 8.0
    mid = top + n_rows * row_h + 34  # transcript centre line
    cds_h, utr_h = 24.0, 12.0

    # deletions: shaded bands behind the transcript ---------------------------------------------
    band_top = mid - cds_h / 2 - 5
    band_bottom = mid + cds_h / 2 + 3
    for d in deletions:
        s, e = int(d["start"]), int(d["end"])
        if e < scale.view0 or s > scale.view1:
            continue
        dx0, dx1 = scale.x(s, "start"), scale.x(e, "end")
        fill = HOM_FILL if _is_hom(str(d.get("zygosity", ""))) else HET_FILL
        opacity = "0.30" if _is_hom(str(d.get("zygosity", ""))) else "0.45"
        label = f"{d.get('label', '')} ({d.get('zygosity', '')})"
        body.append(
            f'<rect x="{_f(dx0)}" y="{_f(band_top)}" width="{_f(max(dx1 - dx0, 1.5))}" '
            f'height="{_f(band_bottom - band_top)}" fill="{fill}" fill-opacity="{opacity}" '
            f'stroke="{DEL_STROKE}" stroke-width="0.8" stroke-dasharray="3 2">'
            f"<title>deleted: {esc(label)}</title></rect>"
        )

    # intron line and flanks ------------------------------------------------------------------
    tx0, tx1 = scale.x(tx.start, "start"), scale.x(tx.end, "end")
    body.append(
        f'<line x1="{_f(tx0)}" y1="{_f(mid)}" x2="{_f(tx1)}" y2="{_f(mid)}" stroke="#333333" stroke-width="1.2"/>'
    )
    if scale.view0 < tx.start:
        body.append(
            f'<line x1="{_f(left)}" y1="{_f(mid)}" x2="{_f(tx0)}" y2="{_f(mid)}" stroke="#999999" '
            f'stroke-width="1" stroke-dasharray="2 2"/>'
        )
        body.append(
            f'<text x="{_f(left)}" y="{_f(mid + 11)}" font-size="8.5" fill="{MUTED}">'
            f"{_kb(tx.start - scale.view0)} upstream</text>"
        )
    if scale.view1 > tx.end:
        body.append(
            f'<line x1="{_f(tx1)}" y1="{_f(mid)}" x2="{_f(right)}" y2="{_f(mid)}" stroke="#999999" '
            f'stroke-width="1" stroke-dasharray="2 2"/>'
        )
        body.append(
            f'<text x="{_f(right)}" y="{_f(mid + 11)}" font-size="8.5" fill="{MUTED}" text-anchor="end">'
            f"{_kb(scale.view1 - tx.end)} downstream</text>"
        )
    # direction of transcription: small chevrons on the introns
    for k in range(len(tx.exons) - 1):
        ix = (scale.x(tx.exons[k][1], "end") + scale.x(tx.exons[k + 1][0], "start")) / 2
        body.append(
            f'<path d="M{_f(ix - 3)},{_f(mid - 4)} L{_f(ix + 2)},{_f(mid)} L{_f(ix - 3)},{_f(mid + 4)}" '
            f'fill="none" stroke="#333333" stroke-width="1"/>'
        )

    # exons: UTR short, CDS tall ------------------------------------------------------------------
    for number, (s, e) in enumerate(tx.exons, start=1):
        parts = []
        cs, ce = max(s, tx.cds_start), min(e, tx.cds_end)
        if s < tx.cds_start:
            parts.append((s, min(e, tx.cds_start - 1), False))
        if cs <= ce:
            parts.append((cs, ce, True))
        if e > tx.cds_end:
            parts.append((max(s, tx.cds_end + 1), e, False))
        for ps, pe, coding in parts:
            h = cds_h if coding else utr_h
            px0, px1 = scale.x(ps, "start"), scale.x(pe, "end")
            body.append(
                f'<rect x="{_f(px0)}" y="{_f(mid - h / 2)}" width="{_f(px1 - px0)}" height="{_f(h)}" '
                f'fill="{CDS_FILL if coding else UTR_FILL}" stroke="#1a1a1a" stroke-width="0.6"/>'
            )
        ex = (scale.x(s, "start") + scale.x(e, "end")) / 2
        body.append(
            f'<text x="{_f(ex)}" y="{_f(mid + cds_h / 2 + 12)}" font-size="10" text-anchor="middle" '
            f'fill="{TEXT}">exon {number}</text>'
        )
    for pos, text, anchor in ((tx.cds_start, "c.1", "start"), (tx.cds_end, f"c.{tx.cds_length}", "end")):
        cx = scale.x(pos, "start" if anchor == "start" else "end")
        body.append(
            f'<text x="{_f(cx)}" y="{_f(mid + cds_h / 2 + 23)}" font-size="8.5" '
            f'text-anchor="{anchor}" fill="{MUTED}">{text}</text>'
        )

    # variants: lollipops ------------------------------------------------------------------------
    # stems first, then labels on a white ground, so a stem from a higher row passes behind lower labels
    for v, cx, row, _lx0, _lx1, _text in placed:
        colour = class_colour(str(v.get("classification", "")))
        ly = top + (n_rows - 1 - row) * row_h + 11  # lowest row nearest the transcript
        stem_top = ly + 4.5
        body.append(
            f'<line x1="{_f(cx)}" y1="{_f(stem_top)}" x2="{_f(cx)}" y2="{_f(mid - cds_h / 2 - 1)}" '
            f'stroke="{colour}" stroke-width="1.2"/>'
        )
    for v, cx, row, lx0, lx1, text in placed:
        colour = class_colour(str(v.get("classification", "")))
        ly = top + (n_rows - 1 - row) * row_h + 11
        stem_top = ly + 4.5
        tx_mid = (lx0 + lx1) / 2
        tw = _text_width(text, size, bold=True)
        body.append(
            f'<rect x="{_f(tx_mid - tw / 2 - 2)}" y="{_f(ly - size + 1)}" width="{_f(tw + 4)}" '
            f'height="{_f(size + 1)}" fill="#ffffff"/>'
        )
        body.append(f'<circle cx="{_f(cx)}" cy="{_f(stem_top)}" r="3" fill="{colour}"/>')
        body.append(
            f'<text x="{_f(tx_mid)}" y="{_f(ly)}" font-size="{size}" text-anchor="middle" '
            f'fill="{colour}" font-weight="bold">{esc(text)}'
            f"<title>{esc(text)} ({esc(_class_name(v))})</title></text>"
        )

    # legend ------------------------------------------------------------------------------------
    y = mid + cds_h / 2 + 36
    lx = left
    items: list[tuple[str, str]] = []
    body.append(f'<rect x="{_f(lx)}" y="{_f(y)}" width="16" height="11" fill="{CDS_FILL}"/>')
    body.append(f'<text x="{_f(lx + 20)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">coding</text>')
    lx += 20 + _text_width("coding", 9.5) + 14
    body.append(
        f'<rect x="{_f(lx)}" y="{_f(y + 2.5)}" width="16" height="6" fill="{UTR_FILL}" stroke="#1a1a1a" '
        f'stroke-width="0.6"/>'
    )
    body.append(f'<text x="{_f(lx + 20)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">UTR</text>')
    lx += 20 + _text_width("UTR", 9.5) + 14
    seen = []
    for v in variants:
        c = str(v.get("classification", ""))
        if c not in seen:
            seen.append(c)
    for c in sorted(seen, key=lambda c: list(CLASS_COLOURS).index(c) if c in CLASS_COLOURS else 99):
        items.append((class_colour(c), CLASS_NAMES.get(c, c)))
    for colour, word in items:
        body.append(f'<circle cx="{_f(lx + 5)}" cy="{_f(y + 5.5)}" r="4" fill="{colour}"/>')
        body.append(f'<text x="{_f(lx + 13)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">{esc(word)}</text>')
        lx += 13 + _text_width(word, 9.5) + 14
    if deletions:
        body.append(
            f'<rect x="{_f(lx)}" y="{_f(y)}" width="16" height="11" fill="{HET_FILL}" fill-opacity="0.6" '
            f'stroke="{DEL_STROKE}" stroke-dasharray="3 2" stroke-width="0.8"/>'
        )
        body.append(f'<text x="{_f(lx + 20)}" y="{_f(y + 9)}" font-size="9.5" fill="{TEXT}">deleted region</text>')
        lx += 20 + _text_width("deleted region", 9.5) + 14
    note = "introns and flanks not to scale"
    body.append(
        f'<text x="{_f(right)}" y="{_f(y + 9)}" font-size="9" fill="{MUTED}" text-anchor="end" '
        f'font-style="italic">{note}</text>'
    )
    height = y + 18
    return "\n".join(_svg_open(width, height, title, desc) + body + ["</svg>"])
