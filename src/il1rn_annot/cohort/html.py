"""The cohort summary page (summary.html): a self-contained page (inline CSS and SVG, no script).

What the page shows of a `summary.Cohort` and how it stays readable at thousands of samples:
the sample table (all samples up to `FULL_TABLE_MAX`, above it only those needing attention),
the flagged samples (including input_error samples whose readable files show a flagged
status), a bar chart of the statuses, a bar chart of carrier frequencies (the
`CHART_ALLELES_MAX` most frequent alleles), and the IL-1 cluster per build with the deletions
and variants carried (the lab report's drawing, `lab_report.figures.cluster.cluster_svg`).

The template is `templates/cohort.html.j2`, rendered through the one Jinja environment
(`outputs/html.py`, which escapes every value: sample IDs and file names come from the lab).
Colours and the status order come from `core/vocabulary.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from il1rn_annot.cohort.frequencies import EVIDENCE_KEY_TEXT
from il1rn_annot.core.sample_result import LOCUS_CALLED_TEXT
from il1rn_annot.core.vocabulary import (
    BENIGN_OR_NO_EFFECT,
    CLASS_COLOURS,
    DELETION_TYPES,
    FLAGGED,
    NEEDS_ATTENTION,
    PATHOGENIC,
    SMALL_INDEL_MAX,
    SORT_ORDER,
    STATUS_COLOURS,
    class_colour,
)
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.figures.cluster import cluster_svg

if TYPE_CHECKING:
    from il1rn_annot.cohort.summary import Cohort

FULL_TABLE_MAX = 2000  # above this many samples the HTML lists only samples needing attention
ATTENTION_MAX = 2000  # ... and at most this many of them
FLAGGED_MAX = 5000  # flagged samples listed in the HTML (all are in summary.tsv)
CHART_ALLELES_MAX = 40  # bars in the carrier-frequency chart


def _is_deletion(a: dict[str, Any]) -> bool:
    """Drawn as a deletion: a structural deletion, or an explicit deletion of more than SMALL_INDEL_MAX
    bp (POS is the padding base, END the last deleted base), as annotate and the lab report judge it."""
    if a.get("variant_type") in DELETION_TYPES:
        return True
    return a.get("variant_type") == "deletion" and int(a.get("end", 0)) - int(a.get("pos", 0)) > SMALL_INDEL_MAX


def cluster_marks(
    alleles: list[dict[str, Any]],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """What the cluster drawing marks, per build, from the allele rows (in their order): deletions
    (one entry per allele and zygosity, with its carriers) and small variants carried."""
    deletions: dict[str, list[dict[str, Any]]] = {}
    variants: dict[str, list[dict[str, Any]]] = {}
    for a in alleles:
        build = a["build"]
        if _is_deletion(a):
            hom = a["homozygotes"]
            het = a["carriers"] - hom
            label = a.get("hgvs_c") or f"deletion {a['chrom']}:{int(a['pos']) + 1:,}-{int(a['end']):,}"
            for zygosity, n in (("homozygous", hom), ("heterozygous", het)):
                if n:
                    deletions.setdefault(build, []).append(
                        {
                            "start": int(a["pos"]) + 1,
                            "end": int(a["end"]),
                            "zygosity": zygosity,
                            "label": f"{label}: {n} carrier{'s' if n > 1 else ''}",
                        }
                    )
        else:
            label = a.get("hgvs_c") or f"{a['chrom']}:{a['pos']} {a['ref'][:6]}>{a['alt'][:6]}"
            if a.get("hgvs_p") and a["hgvs_p"] != "p.?":
                label += f" {a['hgvs_p']}"
            variants.setdefault(build, []).append(
                {
                    "pos": int(a["pos"]),
                    "label": f"{label}: {a['carriers']} carrier{'s' if a['carriers'] > 1 else ''}",
                    "classification": a["classification"],
                }
            )
    return deletions, variants


def cluster_figure(
    kb: KnowledgeBase, build: str, deletions: list[dict[str, Any]], variants: list[dict[str, Any]]
) -> str:
    """The IL-1 cluster with the cohort's deletions and variants: the lab report's drawing
    (`figures.cluster_svg`, which escapes its own labels), at the page's width."""
    return cluster_svg(kb, build, deletions=deletions, variants=variants, width=900)


def _bar_chart(
    items: list[tuple[str, float, str, str]], width: int = 760, row: int = 22, label_width: int = 300
) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: items are (label, value, value text, colour)."""
    top = max((v for _, v, _, _ in items), default=0) or 1
    plot = width - label_width - 80
    bars = [
        {
            "label": label,
            "text": text,
            "colour": colour,
            "y": i * row,
            "w": round(plot * value / top, 1),
            "x": label_width,
        }
        for i, (label, value, text, colour) in enumerate(items)
    ]
    return {"width": width, "height": max(row * len(items), row), "bars": bars, "row": row, "label_width": label_width}


def _short_label(a: dict[str, Any], limit: int = 34) -> str:
    """An allele's name on the chart: its c. name, else its deletion span or position, cut to `limit`."""
    text: str
    if a["hgvs_c"]:
        text = a["hgvs_c"]
    elif _is_deletion(a):
        text = f"del {a['chrom']}:{int(a['pos']) + 1:,}-{int(a['end']):,}"
    else:
        text = f"{a['chrom']}:{a['pos']} {a['ref']}>{a['alt']}"
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _fmt(value: float | None) -> str:
    """A frequency on the page: four significant digits, "0", or an en dash when not computable."""
    if value is None:
        return "\N{EN DASH}"
    if value == 0:
        return "0"
    return f"{value:.4g}"


#: the end of `interpret_sample`'s other_alleles labels ("LABEL (ZYGOSITY; CLASSIFICATION)") of the
#: classes that do not bear on the result
_BENIGN_SUFFIXES = tuple(f"; {classification})" for classification in BENIGN_OR_NO_EFFECT)


def _other_alleles_view(labels: list[str]) -> dict[str, list[str]]:
    """A sample's non-P/LP alleles split for the page: uncertain and association ones shown,
    benign and likely benign ones (most of a genome's calls) folded away under a count.

    summary.tsv keeps the full list in one column; on the page a row of 20 benign SNVs hid the
    one uncertain allele that gave the sample its status.
    """
    benign = [label for label in labels if label.endswith(_BENIGN_SUFFIXES)]
    return {
        "other_notable": [label for label in labels if not label.endswith(_BENIGN_SUFFIXES)],
        "other_benign": benign,
    }


def render_html(cohort: Cohort, kb: KnowledgeBase) -> str:
    """summary.html of `cohort`, as text."""
    # Jinja2 only when the page is written (building a cohort does not need it)
    from markupsafe import Markup

    from il1rn_annot.outputs.html import render, words

    rows = cohort.rows
    n = len(rows)
    flagged = [r for r in rows if r["dira_status"] in FLAGGED or r["partial_status"] in FLAGGED]
    if n <= FULL_TABLE_MAX:
        listed, collapsed = rows, False
    else:
        listed, collapsed = [r for r in rows if r["dira_status"] in NEEDS_ATTENTION][:ATTENTION_MAX], True
    listed = [{**r, **_other_alleles_view(r["other_alleles"])} for r in listed]
    status_chart = _bar_chart(
        [(words(s), cohort.counts[s], f"{cohort.counts[s]:,}", STATUS_COLOURS[s]) for s in SORT_ORDER]
    )
    by_cf = sorted(cohort.alleles, key=lambda a: (-(a["carrier_frequency"] or 0), a["build"], a["pos"], a["allele_id"]))
    chart_alleles = by_cf[:CHART_ALLELES_MAX]
    cf_chart = _bar_chart(
        [
            (
                _short_label(a) + (f" [{a['build']}]" if len(cohort.builds) > 1 else ""),
                a["carrier_frequency"] or 0,
                _fmt(a["carrier_frequency"]),
                class_colour(a["classification"]),
            )
            for a in chart_alleles
        ]
    )
    deletions, variants = cluster_marks(cohort.alleles)
    figures = []
    for build in cohort.builds:
        dels, vars_ = deletions.get(build, []), variants.get(build, [])
        figures.append(
            {"build": build, "n_deletions": len(dels), "svg": Markup(cluster_figure(kb, build, dels, vars_))}
        )
    failed_inputs = [i.summary() for i in cohort.inputs if not i.ok]
    return render(
        "cohort.html.j2",
        n=n,
        rows=listed,
        collapsed=collapsed,
        full_table_max=FULL_TABLE_MAX,
        attention_max=ATTENTION_MAX,
        flagged=flagged[:FLAGGED_MAX],
        n_flagged=len(flagged),
        flagged_max=FLAGGED_MAX,
        counts=cohort.counts,
        counts_by_evidence=cohort.counts_by_evidence,
        evidence_keys=EVIDENCE_KEY_TEXT,
        sort_order=SORT_ORDER,
        status_colours=STATUS_COLOURS,
        status_chart=status_chart,
        alleles=[
            {
                **a,
                "af": _fmt(a["allele_frequency"]),
                "cf": _fmt(a["carrier_frequency"]),
                "cr": _fmt(a["call_rate"]),
                "pathogenic": a["classification"] in PATHOGENIC,
                # beside the cohort's AF when the annotations had population data (frequencies.population_columns)
                "population_af": _fmt(a.get("population_allele_frequency")),
            }
            for a in cohort.alleles
        ],
        with_population=any("population_source" in a for a in cohort.alleles),
        cf_chart=cf_chart,
        n_alleles=len(cohort.alleles),
        chart_alleles_max=CHART_ALLELES_MAX,
        class_colours=CLASS_COLOURS,
        figures=figures,
        builds=cohort.builds,
        multi_build=len(cohort.builds) > 1,
        inputs_total=len(cohort.inputs),
        failed_inputs=failed_inputs,
        prov=cohort.provenance,
        warnings=list(dict.fromkeys(cohort.warnings)),
        called_text=LOCUS_CALLED_TEXT,
        with_parents=any(r["mother"] or r["father"] for r in rows),
    )
