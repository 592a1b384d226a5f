"""A batch's own tables: `alleles.tsv` and `sample_status.tsv` over every input of one
`il1rn-annot annotate --batch-tables` run (a workflow annotate job).

Why: with `--per-input notable` an input whose every sample is no_pathogenic_variant_detected
gets only its NAME.il1rn.json; its allele and sample-status rows, the same cells as
NAME.il1rn.tsv and NAME.sample_status.tsv would hold, are here, after an `input` column
naming the input file as the manifest does. Every sample of the batch has a row in
sample_status.tsv, also a sample of an input that could not be read (`input_error`, the
reason as its sentence), so a lab can find any sample's result in one table per batch
(docs/outputs.md, "Batch tables").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from il1rn_annot.annotate_vcf.write_results import FileResult
from il1rn_annot.outputs.atomic import OutputSet
from il1rn_annot.outputs.tables import ALLELE_TSV_COLUMNS, SAMPLE_TSV_COLUMNS, write_cells

ALLELES_FILE = "alleles.tsv"
SAMPLE_STATUS_FILE = "sample_status.tsv"
INPUT_COLUMN = "input"


class BatchTables:
    """Rows of every input of a batch, in input order, written once at the end."""

    def __init__(self) -> None:
        self.allele_cells: list[list[Any]] = []
        self.sample_cells: list[list[Any]] = []
        #: NAME.il1rn.tsv's columns (with population/ClinVar evidence: more): the same for
        #: every input of a run, taken from the first one annotated
        self.allele_columns: list[str] | None = None

    def add(self, source: str, result: FileResult) -> None:
        """An annotated input's rows (its FileResult's cells, as in its own TSVs)."""
        if self.allele_columns is None:
            self.allele_columns = list(result.allele_columns)
        self.allele_cells += [[source, *cells] for cells in result.allele_cells]
        self.sample_cells += [[source, *cells] for cells in result.sample_cells]

    def add_error(self, source: str, samples: list[str], error: str) -> None:
        """An input that could not be annotated: one input_error row per sample its header
        names (one row with an empty sample when even the header could not be read)."""
        empty = [""] * (len(SAMPLE_TSV_COLUMNS) - 3)
        for sample in samples or [""]:
            self.sample_cells.append([source, sample, "input_error", error, *empty])

    def write(self, outdir: Path) -> list[Path]:
        """Write both tables into `outdir` (both in place together, or neither)."""
        outputs = OutputSet()
        paths = [outdir / ALLELES_FILE, outdir / SAMPLE_STATUS_FILE]
        try:
            columns = self.allele_columns or ALLELE_TSV_COLUMNS
            write_cells(paths[0], self.allele_cells, [INPUT_COLUMN, *columns], outputs)
            write_cells(paths[1], self.sample_cells, [INPUT_COLUMN, *SAMPLE_TSV_COLUMNS], outputs)
            outputs.commit()
        except BaseException:
            outputs.abort()
            raise
        return paths
