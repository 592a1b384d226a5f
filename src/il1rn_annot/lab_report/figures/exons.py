"""The IL1RN exons drawn with variants: `exon_svg`, for the lab report.

The IL1RN MANE Select transcript (NM_173842.3): 4 exons, coding part tall, UTR short,
introns and flanks compressed (exons to scale, introns not: `_ExonScale`), small variants as
labelled lollipops and deletions as shaded bands.

Coordinates are the build's own (1-based, inclusive). A deletion dict has `start`, `end`
(first and last deleted base), `label`, `zygosity`; a variant dict has `pos`, `label`,
`classification`. The shared pieces (escaping, numbers, colours, label rows) are in
`figures.svg`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from il1rn_annot.core.vocabulary import CLASS_COLOURS, CLASS_NAMES, class_colour
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.figures.svg import (
    CDS_FILL,
    DEL_STROKE,
    HET_FILL,
    HOM_FILL,
    MUTED,
    TEXT,
    UTR_FILL,
    LabelRows,
    class_name,
    esc,
    is_hom,
    label_span,
    num,
    svg_open,
    text_width,
)


def _kb(length: int) -> str:
    return f"{length / 1000:.0f} kb" if length >= 10000 else f"{length / 1000:.1f} kb"


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
    rows = LabelRows(gap=8)
    placed = []
    for v in variants:
        cx = scale.centre(int(v["pos"]))
        text = str(v.get("label", ""))
        lx0, lx1 = label_span(cx, text_width(text, size, bold=True) + 10, left, right)
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
        fill = HOM_FILL if is_hom(str(d.get("zygosity", ""))) else HET_FILL
        opacity = "0.30" if is_hom(str(d.get("zygosity", ""))) else "0.45"
        label = f"{d.get('label', '')} ({d.get('zygosity', '')})"
        body.append(
            f'<rect x="{num(dx0)}" y="{num(band_top)}" width="{num(max(dx1 - dx0, 1.5))}" '
            f'height="{num(band_bottom - band_top)}" fill="{fill}" fill-opacity="{opacity}" '
            f'stroke="{DEL_STROKE}" stroke-width="0.8" stroke-dasharray="3 2">'
            f"<title>deleted: {esc(label)}</title></rect>"
        )

    # intron line and flanks ------------------------------------------------------------------
    tx0, tx1 = scale.x(tx.start, "start"), scale.x(tx.end, "end")
    body.append(
        f'<line x1="{num(tx0)}" y1="{num(mid)}" x2="{num(tx1)}" y2="{num(mid)}" stroke="#333333" stroke-width="1.2"/>'
    )
    if scale.view0 < tx.start:
        body.append(
            f'<line x1="{num(left)}" y1="{num(mid)}" x2="{num(tx0)}" y2="{num(mid)}" stroke="#999999" '
            f'stroke-width="1" stroke-dasharray="2 2"/>'
        )
        body.append(
            f'<text x="{num(left)}" y="{num(mid + 11)}" font-size="8.5" fill="{MUTED}">'
            f"{_kb(tx.start - scale.view0)} upstream</text>"
        )
    if scale.view1 > tx.end:
        body.append(
            f'<line x1="{num(tx1)}" y1="{num(mid)}" x2="{num(right)}" y2="{num(mid)}" stroke="#999999" '
            f'stroke-width="1" stroke-dasharray="2 2"/>'
        )
        body.append(
            f'<text x="{num(right)}" y="{num(mid + 11)}" font-size="8.5" fill="{MUTED}" text-anchor="end">'
            f"{_kb(scale.view1 - tx.end)} downstream</text>"
        )
    # direction of transcription: small chevrons on the introns
    for k in range(len(tx.exons) - 1):
        ix = (scale.x(tx.exons[k][1], "end") + scale.x(tx.exons[k + 1][0], "start")) / 2
        body.append(
            f'<path d="M{num(ix - 3)},{num(mid - 4)} L{num(ix + 2)},{num(mid)} L{num(ix - 3)},{num(mid + 4)}" '
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
                f'<rect x="{num(px0)}" y="{num(mid - h / 2)}" width="{num(px1 - px0)}" height="{num(h)}" '
                f'fill="{CDS_FILL if coding else UTR_FILL}" stroke="#1a1a1a" stroke-width="0.6"/>'
            )
        ex = (scale.x(s, "start") + scale.x(e, "end")) / 2
        body.append(
            f'<text x="{num(ex)}" y="{num(mid + cds_h / 2 + 12)}" font-size="10" text-anchor="middle" '
            f'fill="{TEXT}">exon {number}</text>'
        )
    for pos, text, anchor in ((tx.cds_start, "c.1", "start"), (tx.cds_end, f"c.{tx.cds_length}", "end")):
        cx = scale.x(pos, "start" if anchor == "start" else "end")
        body.append(
            f'<text x="{num(cx)}" y="{num(mid + cds_h / 2 + 23)}" font-size="8.5" '
            f'text-anchor="{anchor}" fill="{MUTED}">{text}</text>'
        )

    # variants: lollipops ------------------------------------------------------------------------
    # stems first, then labels on a white ground, so a stem from a higher row passes behind lower labels
    for v, cx, row, _lx0, _lx1, _text in placed:
        colour = class_colour(str(v.get("classification", "")))
        ly = top + (n_rows - 1 - row) * row_h + 11  # lowest row nearest the transcript
        stem_top = ly + 4.5
        body.append(
            f'<line x1="{num(cx)}" y1="{num(stem_top)}" x2="{num(cx)}" y2="{num(mid - cds_h / 2 - 1)}" '
            f'stroke="{colour}" stroke-width="1.2"/>'
        )
    for v, cx, row, lx0, lx1, text in placed:
        colour = class_colour(str(v.get("classification", "")))
        ly = top + (n_rows - 1 - row) * row_h + 11
        stem_top = ly + 4.5
        tx_mid = (lx0 + lx1) / 2
        tw = text_width(text, size, bold=True)
        body.append(
            f'<rect x="{num(tx_mid - tw / 2 - 2)}" y="{num(ly - size + 1)}" width="{num(tw + 4)}" '
            f'height="{num(size + 1)}" fill="#ffffff"/>'
        )
        body.append(f'<circle cx="{num(cx)}" cy="{num(stem_top)}" r="3" fill="{colour}"/>')
        body.append(
            f'<text x="{num(tx_mid)}" y="{num(ly)}" font-size="{size}" text-anchor="middle" '
            f'fill="{colour}" font-weight="bold">{esc(text)}'
            f"<title>{esc(text)} ({esc(class_name(v))})</title></text>"
        )

    # legend ------------------------------------------------------------------------------------
    y = mid + cds_h / 2 + 36
    lx = left
    items: list[tuple[str, str]] = []
    body.append(f'<rect x="{num(lx)}" y="{num(y)}" width="16" height="11" fill="{CDS_FILL}"/>')
    body.append(f'<text x="{num(lx + 20)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">coding</text>')
    lx += 20 + text_width("coding", 9.5) + 14
    body.append(
        f'<rect x="{num(lx)}" y="{num(y + 2.5)}" width="16" height="6" fill="{UTR_FILL}" stroke="#1a1a1a" '
        f'stroke-width="0.6"/>'
    )
    body.append(f'<text x="{num(lx + 20)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">UTR</text>')
    lx += 20 + text_width("UTR", 9.5) + 14
    seen = []
    for v in variants:
        c = str(v.get("classification", ""))
        if c not in seen:
            seen.append(c)
    for c in sorted(seen, key=lambda c: list(CLASS_COLOURS).index(c) if c in CLASS_COLOURS else 99):
        items.append((class_colour(c), CLASS_NAMES.get(c, c)))
    for colour, word in items:
        body.append(f'<circle cx="{num(lx + 5)}" cy="{num(y + 5.5)}" r="4" fill="{colour}"/>')
        body.append(f'<text x="{num(lx + 13)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">{esc(word)}</text>')
        lx += 13 + text_width(word, 9.5) + 14
    if deletions:
        body.append(
            f'<rect x="{num(lx)}" y="{num(y)}" width="16" height="11" fill="{HET_FILL}" fill-opacity="0.6" '
            f'stroke="{DEL_STROKE}" stroke-dasharray="3 2" stroke-width="0.8"/>'
        )
        body.append(f'<text x="{num(lx + 20)}" y="{num(y + 9)}" font-size="9.5" fill="{TEXT}">deleted region</text>')
        lx += 20 + text_width("deleted region", 9.5) + 14
    note = "introns and flanks not to scale"
    body.append(
        f'<text x="{num(right)}" y="{num(y + 9)}" font-size="9" fill="{MUTED}" text-anchor="end" '
        f'font-style="italic">{note}</text>'
    )
    height = y + 18
    return "\n".join(svg_open(width, height, title, desc) + body + ["</svg>"])
