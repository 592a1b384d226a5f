"""The annotator's tab-separated tables: their columns, and how cells are written.

Cells are written as Python's `csv` module writes them (TAB-separated, quoted only when a
cell holds a TAB, a quote or a newline; None and NaN empty), so that hostile strings in
sample IDs or FILTER values cannot split a row; a table no cell of which needs quoting
(nearly all) is joined directly, to the same bytes. Written atomically (`outputs.atomic`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Literal

from il1rn_annot.outputs.atomic import OutputSet, output_target

ALLELE_TSV_COLUMNS = [
    "sample",
    "chrom",
    "pos",
    "end",
    "ref",
    "alt",
    "allele_id",
    "variant_type",
    "gene",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "zygosity",
    "genotype",
    "copy_number",
    "filter",
    "classification",
    "classification_evidence",
    "known_variant",
    "conditions",
    "pmids",
    "deleted_genes",
    "il1rn_overlap",
    "exons_affected",
    "exons_removed",
    "reciprocal_overlap_2q13",
]
#: appended to ALLELE_TSV_COLUMNS only when population/ClinVar resources were given (evidence/):
#: a run without them writes the table it always wrote
EVIDENCE_TSV_COLUMNS = ["population_frequency", "population_homozygotes", "population_criterion", "clinvar"]
SAMPLE_TSV_COLUMNS = [
    "sample",
    "dira_status",
    "status_sentence",
    "pathogenic_alleles",
    "other_alleles",
    "evidence",
    "locus_records",
    "locus_called",
    "input_kind",
    "cds_coverage",
    "locus_evidence",
    "removed_genes_with_conditions",
]


def write_table(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Tab-separated table; cells with TAB, quote or newline characters are quoted; None and NaN are empty.

    Python's csv writer quotes a cell holding `\r` only when `\r` is part of the line
    terminator, but every TSV reader (pandas included) ends a line at a bare `\r`: a
    sample ID or FILTER value holding one split the row. Such a table is written with
    every cell quoted (tables without one are unchanged). A table no cell of which needs
    quoting (nearly all) is joined directly (`_tsv_joined`), to the same bytes.
    """
    write_cells(path, [list(map(row.get, columns)) for row in rows], columns)


def write_cells(path: Path, cells: list[list[Any]], columns: list[str], outputs: OutputSet | None = None) -> None:
    """`write_table` of rows given as lists in `columns` order (changed in place: NaN -> None)."""
    text = _tsv_joined(columns, cells)
    if text is None:
        for line in cells:
            for k, value in enumerate(line):
                if value.__class__ is float and value != value:
                    line[k] = None
        text = _tsv(columns, cells, csv.QUOTE_MINIMAL)
        if "\r" in text:
            text = _tsv(columns, cells, csv.QUOTE_ALL)
    with output_target(path, outputs) as tmp:
        tmp.write_bytes(text.encode("utf-8"))


def _cell_text(value: Any) -> str:
    """A cell as csv writes it unquoted: None and NaN empty, anything else `str()`."""
    if value is None or (value.__class__ is float and value != value):
        return ""
    return str(value)


def _tsv_joined(columns: list[str], cells: list[list[Any]]) -> str | None:
    """The table as `_tsv(..., QUOTE_MINIMAL)` writes it, when no cell needs quoting; else None.

    csv's writer looks at every character to decide on quoting (~0.07 s for a 10,000-sample
    table of sentences); joining is a copy, and whether anything needed quoting is then
    told by counting separators over the whole text: a TAB, newline, `\r` or `"` inside a
    cell shows as one too many, or as a character that must not be there.
    """
    lines = ["\t".join(columns)]
    lines += ["\t".join([v if v.__class__ is str else _cell_text(v) for v in line]) for line in cells]
    text = "\n".join(lines) + "\n"
    if (
        '"' in text
        or "\r" in text
        or text.count("\n") != len(lines)
        or text.count("\t") != len(lines) * (len(columns) - 1)
    ):
        return None
    return text


def _tsv(columns: list[str], cells: list[list[Any]], quoting: Literal[0, 1, 2, 3]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=quoting)
    writer.writerow(columns)
    writer.writerows(cells)
    return buffer.getvalue()


def evidence_cells(f: dict[str, Any]) -> list[Any]:
    """The EVIDENCE_TSV_COLUMNS cells of an allele (its JSON dict): per resource 'SOURCE: AF x (group
    max GROUP y)' or 'SOURCE: absent', homozygote counts, the criterion, ClinVar's line."""
    freqs, homs = [], []
    for p in f.get("population") or []:
        if not p["found"]:
            freqs.append(f"{p['source']}: absent")
            continue
        af = "AF ." if p["af"] is None else f"AF {p['af']:.6g}"
        if p.get("af_grpmax") is not None:
            af += f" (group max {p.get('grpmax') or '?'} {p['af_grpmax']:.6g})"
        freqs.append(f"{p['source']}: {af}")
        if p.get("nhomalt") is not None:
            homs.append(f"{p['source']}: {p['nhomalt']}")
    clinvar = f.get("clinvar") or {}
    if clinvar.get("found") is False:
        clinvar_text = "not in ClinVar"
    elif clinvar:
        stars = "review status not rated" if clinvar["stars"] is None else f"{clinvar['stars']} star(s)"
        clinvar_text = (
            f"{clinvar['significance']} ({stars}; release {clinvar['release_date']}; "
            f"VariationID {clinvar['variation_id']})"
        )
    else:
        clinvar_text = ""
    return ["; ".join(freqs), "; ".join(homs), f.get("population_criterion") or "", clinvar_text]
