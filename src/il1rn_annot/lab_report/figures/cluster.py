"""The IL-1 gene cluster drawn with deletions: `cluster_svg`, for the lab report and the cohort page.

The cluster from IL1A to PAX8 (MANE Select spans of the knowledge base), genes as
arrow-shaped boxes pointing in the direction of transcription, each deletion drawn as a bar
on its own track under the genes (solid: homozygous; light: heterozygous), the published
~175 kb 2q13 deletion as a dashed reference track, and small variants as triangles on IL1RN.
The cohort summary reuses it for many deletions (the one drawing of the cluster).

Coordinates are the build's own (1-based, inclusive). A deletion dict has `start`, `end`
(first and last deleted base), `label`, `zygosity`; a variant dict has `pos`, `label`,
`classification`. The shared pieces (escaping, numbers, colours, label rows) are in
`figures.svg`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from il1rn_annot.core.vocabulary import class_colour
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.figures.svg import (
    DEL_STROKE,
    GENE_FILL,
    HET_FILL,
    HOM_FILL,
    IL1RN_FILL,
    MUTED,
    TEXT,
    LabelRows,
    class_name,
    esc,
    is_hom,
    label_span,
    num,
    svg_open,
    text_width,
)


def _mb(pos: int) -> str:
    return f"{pos / 1e6:.2f}"


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
        f'<text x="{num(left)}" y="11" font-size="10" fill="{MUTED}">chromosome 2 position ({esc(build)}), Mb</text>'
    )
    body.append(
        f'<line x1="{num(left)}" y1="{num(axis_y)}" x2="{num(right)}" y2="{num(axis_y)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    step = 50000
    tick = (view0 // step + 1) * step
    while tick < view1:
        tx = x(tick)
        body.append(
            f'<line x1="{num(tx)}" y1="{num(axis_y)}" x2="{num(tx)}" y2="{num(axis_y + 4)}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{num(tx)}" y="{num(axis_y + 14)}" font-size="9" fill="{MUTED}" '
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
            f'<path d="M{num(vx - 4)},{num(var_y - 8)} L{num(vx + 4)},{num(var_y - 8)} L{num(vx)},{num(var_y)} Z" '
            f'fill="{colour}" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{esc(v.get('label', ''))} ({esc(class_name(v))})</title></path>"
        )

    # genes ---------------------------------------------------------------------------------
    rows = LabelRows(gap=5)
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
        points = " ".join(f"{num(a)},{num(b)}" for a, b in pts)
        strand_word = "forward (+)" if g.strand == "+" else "reverse (-)"
        body.append(
            f'<polygon points="{points}" fill="{fill}" stroke="#333333" stroke-width="0.6">'
            f"<title>{esc(g.label)}: {esc(contig)}:{g.start:,}-{g.end:,}, {strand_word} strand</title>"
            f"</polygon>"
        )
        text = g.symbol
        size = 10.0
        lx0, lx1 = label_span((gx0 + gx1) / 2, text_width(text, size), left, right)
        label_rows.append((g, rows.place(lx0, lx1), lx0, lx1))
    label_top = gene_y + gene_h + 12
    row_h = 13.0
    for g, row, lx0, lx1 in label_rows:
        gx = (x(g.start) + x(g.end)) / 2
        ly = label_top + row * row_h
        if row:
            body.append(
                f'<line x1="{num(gx)}" y1="{num(gene_y + gene_h)}" x2="{num(gx)}" y2="{num(ly - 9)}" '
                f'stroke="#999999" stroke-width="0.6"/>'
            )
        weight = ' font-weight="bold"' if g.symbol == "IL1RN" else ""
        colour = IL1RN_FILL if g.symbol == "IL1RN" else TEXT
        body.append(
            f'<text x="{num((lx0 + lx1) / 2)}" y="{num(ly)}" font-size="10" text-anchor="middle" '
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
        tw = text_width(text, size)
        if bx0 + tw <= right:
            tx, anchor = bx0, "start"
        elif bx1 - tw >= left:
            tx, anchor = bx1, "end"
        else:
            tx, anchor = left, "start"
        body.append(
            f'<text x="{num(tx)}" y="{num(y + 9)}" font-size="{size}" fill="{TEXT}" '
            f'text-anchor="{anchor}">{esc(text)}</text>'
        )
        by = y + 13
        if is_ref:
            body.append(
                f'<rect x="{num(bx0)}" y="{num(by)}" width="{num(bx1 - bx0)}" height="{num(bar_h)}" '
                f'fill="none" stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
        else:
            fill = HOM_FILL if is_hom(zygosity) else HET_FILL
            body.append(
                f'<rect x="{num(bx0)}" y="{num(by)}" width="{num(bx1 - bx0)}" height="{num(bar_h)}" '
                f'fill="{fill}" stroke="{DEL_STROKE}" stroke-width="0.8">'
                f"<title>{esc(text)}: {esc(contig)}:{start:,}-{end:,} ({end - start + 1:,} bp)</title></rect>"
            )
        for cut, edge, direction in ((cut_left, bx0, -1), (cut_right, bx1, 1)):
            if cut:
                ax = edge + direction * 1
                body.append(
                    f'<path d="M{num(ax)},{num(by - 2)} L{num(ax + direction * 6)},{num(by + bar_h / 2)} '
                    f'L{num(ax)},{num(by + bar_h + 2)} Z" fill="{DEL_STROKE}"/>'
                )
        y += 30
    if not tracks:
        body.append(f'<text x="{num(left)}" y="{num(y + 9)}" font-size="9.5" fill="{MUTED}">no deletion</text>')
        y += 20

    # legend ---------------------------------------------------------------------------------
    y += 4
    lx = left
    legend: list[str] = []
    legend.append(
        f'<polygon points="{num(lx)},{num(y)} {num(lx + 14)},{num(y)} {num(lx + 20)},{num(y + 5)} '
        f'{num(lx + 14)},{num(y + 10)} {num(lx)},{num(y + 10)}" fill="{GENE_FILL}" stroke="#333333" '
        f'stroke-width="0.6"/>'
    )
    legend.append(
        f'<text x="{num(lx + 25)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">gene '
        f"(arrow = direction of transcription)</text>"
    )
    lx += 25 + text_width("gene (arrow = direction of transcription)", 9.5) + 18
    zygs = {is_hom(str(d.get("zygosity", ""))) for d in deletions}
    for hom in sorted(zygs, reverse=True):
        fill = HOM_FILL if hom else HET_FILL
        word = "homozygous deletion" if hom else "heterozygous deletion"
        legend.append(
            f'<rect x="{num(lx)}" y="{num(y)}" width="20" height="10" fill="{fill}" stroke="{DEL_STROKE}" '
            f'stroke-width="0.8"/>'
        )
        legend.append(f'<text x="{num(lx + 25)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">{word}</text>')
        lx += 25 + text_width(word, 9.5) + 18
    if ref:
        word = "published deletion (approximate)"
        legend.append(
            f'<rect x="{num(lx)}" y="{num(y)}" width="20" height="10" fill="none" stroke="{MUTED}" '
            f'stroke-dasharray="4 3"/>'
        )
        legend.append(f'<text x="{num(lx + 25)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">{word}</text>')
    body.extend(legend)
    height = y + 18

    if il1rn is not None:
        bx0, bx1 = x(il1rn.start), x(il1rn.end)
        body.insert(
            band_index,
            f'<rect x="{num(bx0 - 2)}" y="{num(axis_y + 18)}" width="{num(bx1 - bx0 + 4)}" '
            f'height="{num(height - axis_y - 40)}" fill="#fff3c4"/>',
        )
    return "\n".join(svg_open(width, height, title, desc) + body + ["</svg>"])
