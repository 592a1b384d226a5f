"""`il1rn-annot cohort`: build the cohort summary and write its four files.

`il1rn-annot cohort --manifest M.json [M2.json ...] [--sample-sheet TSV] [--reports-dir DIR] -o OUTDIR`
reads the manifests written by `annotate --keep-going --manifest`, the per-input annotation
JSONs they point to and (optionally) the lab's sample sheet (`summary.build_cohort`), and
writes into OUTDIR:

* `summary.tsv`  one row per sample (`SUMMARY_COLUMNS`);
* `alleles.tsv`  one row per locus allele carried in the cohort (`ALLELE_COLUMNS`);
* `summary.json` the same content plus per-input outcomes and provenance;
* `summary.html` a self-contained page (`html.render_html`).

Each file is written atomically (`outputs/atomic.py`); the page is rendered before any file is
written. A new column of the tables goes into the column lists below (and `docs/outputs.md`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from il1rn_annot import TOOL_NAME
from il1rn_annot.cohort.frequencies import EVIDENCE_KEY_TEXT
from il1rn_annot.cohort.html import render_html
from il1rn_annot.cohort.summary import Cohort, build_cohort
from il1rn_annot.core.sample_result import LOCUS_CALLED_TEXT
from il1rn_annot.core.vocabulary import FLAGGED, SORT_ORDER
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.atomic import write_text
from il1rn_annot.outputs.json_file import write_json
from il1rn_annot.outputs.tables import write_table
from il1rn_annot.runtime import cyclic_gc_paused

SCHEMA_VERSION = "1.0"

SUMMARY_COLUMNS = [
    "sample",
    "dira_status",
    "status_sentence",
    "pathogenic_alleles",
    "other_alleles",
    "evidence",
    "inputs",
    "locus_called",
    "build",
    "error",
    "partial_status",
    "report",
    "mother",
    "father",
    "locus_evidence",
    "cds_coverage",
    "discordant_calls",
]
ALLELE_COLUMNS = [
    "build",
    "allele_id",
    "chrom",
    "pos",
    "end",
    "ref",
    "alt",
    "variant_type",
    "gene",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "classification",
    "known_variant",
    "carriers",
    "heterozygotes",
    "homozygotes",
    "hemizygotes",
    "allele_count",
    "allele_number",
    "allele_frequency",
    "carrier_frequency",
    "call_rate",
]
#: after ALLELE_COLUMNS when the annotations had population data (--population-vcf): the population's
#: allele frequency beside the cohort's (frequencies.population_columns)
POPULATION_COLUMNS = ["population_allele_frequency", "population_source", "population_criterion"]


def _join(values: list[str] | str, sep: str = "; ") -> str:
    return values if isinstance(values, str) else sep.join(values)


def tsv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Summary rows as summary.tsv writes them: lists joined, locus_called as yes/no/unknown text."""
    out = []
    for r in rows:
        out.append(
            {
                **r,
                "pathogenic_alleles": _join(r["pathogenic_alleles"]),
                "other_alleles": _join(r["other_alleles"]),
                "inputs": _join(r["inputs"], ";"),
                "build": _join(r["build"], ";"),
                "error": _join(r["error"], " | "),
                "discordant_calls": _join(r["discordant_calls"], " | "),
                "locus_called": LOCUS_CALLED_TEXT[r["locus_called"]],
                "cds_coverage": "" if r.get("cds_coverage") is None else f"{r['cds_coverage']:.4f}",
            }
        )
    return out


def allele_tsv_rows(alleles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Allele rows as alleles.tsv writes them: consequences joined by '&', ratios to 6 decimals."""
    ratios = ("allele_frequency", "carrier_frequency", "call_rate")
    return [
        {**a, "consequence": "&".join(a["consequence"]), **{k: "" if a[k] is None else f"{a[k]:.6f}" for k in ratios}}
        for a in alleles
    ]


def write_cohort(cohort: Cohort, kb: KnowledgeBase, outdir: Path) -> dict[str, Path]:
    """Write summary.tsv, alleles.tsv, summary.json and summary.html into `outdir`; return their paths."""
    out = {
        "tsv": outdir / "summary.tsv",
        "alleles": outdir / "alleles.tsv",
        "json": outdir / "summary.json",
        "html": outdir / "summary.html",
    }
    html = render_html(cohort, kb)
    write_table(out["tsv"], tsv_rows(cohort.rows), SUMMARY_COLUMNS)
    with_population = any("population_source" in a for a in cohort.alleles)
    write_table(
        out["alleles"],
        allele_tsv_rows(cohort.alleles),
        ALLELE_COLUMNS + POPULATION_COLUMNS if with_population else ALLELE_COLUMNS,
    )
    write_json(
        out["json"],
        {
            "schema_version": SCHEMA_VERSION,
            "provenance": cohort.provenance,
            "sort_order": list(SORT_ORDER),
            "n_samples": len(cohort.rows),
            "counts": cohort.counts,
            "counts_by_evidence": cohort.counts_by_evidence,
            "evidence_keys": EVIDENCE_KEY_TEXT,
            "samples": cohort.rows,
            "alleles": cohort.alleles,
            "inputs": [i.summary() for i in cohort.inputs],
        },
        one_line_lists=("samples", "alleles", "inputs"),  # the C encoder, a line per item: 1,000s of samples
    )
    write_text(out["html"], html)
    return out


def cohort_main(args: Any, kb: KnowledgeBase) -> int:
    """The `il1rn-annot cohort` command (cli.py parses its arguments): build, write, say what was found."""
    outdir = Path(args.outdir)
    with cyclic_gc_paused():  # 1,000s of annotation JSONs: see runtime.py
        cohort = build_cohort(
            list(args.manifest),
            getattr(args, "sample_sheet", None),
            outdir,
            getattr(args, "reports_dir", "") or "",
            kb,
            getattr(args, "date", None),
        )
        write_cohort(cohort, kb, outdir)
    for warning in cohort.warnings:
        print(f"{TOOL_NAME}: warning: {warning}", file=sys.stderr)
    flagged = sum(cohort.counts[s] for s in FLAGGED)
    print(
        f"{TOOL_NAME}: cohort: {len(cohort.rows)} samples, {flagged} flagged, "
        f"{cohort.counts['input_error']} input error(s) -> {outdir}",
        file=sys.stderr,
    )
    return 0
