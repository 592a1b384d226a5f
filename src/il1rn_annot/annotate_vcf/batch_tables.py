"""A batch's own tables: `alleles.tsv` and `sample_status.tsv` over every input of one
`il1rn-annot annotate --batch-tables` run (a workflow annotate job).

Why: with `--per-input notable` an input whose every sample is no_pathogenic_variant_detected
gets only its NAME.il1rn.json; its allele and sample-status rows, the same cells as
NAME.il1rn.tsv and NAME.sample_status.tsv would hold, are here, after an `input` column
naming the input file as the manifest does. Every sample of the batch has a row in
sample_status.tsv, also a sample of an input that could not be read (`input_error`, the
reason as its sentence), so a lab can find any sample's result in one table per batch
(docs/outputs.md, "Batch tables").

With `annotate --per-input notable --batch-tables` (the workflow) such an input gets no file at
all: its NAME.il1rn.json payload is one line of the batch's `annotations.jsonl` (compact JSON,
one input a line, in input order), which the manifest names as `"annotation_line":
"DIR/annotations.jsonl#N"` (line N, from 1). Writing and reading back a 25 KB indented JSON
per negative input cost ~0.6 ms to write and ~0.3 ms to read back per file, plus a file
create and rename each on shared storage (issue 19); `outputs.read_back.load_annotation`
reads such a location as it reads a JSON file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from il1rn_annot.annotate_vcf.write_results import FileResult
from il1rn_annot.outputs.atomic import OutputSet
from il1rn_annot.outputs.tables import ALLELE_TSV_COLUMNS, SAMPLE_TSV_COLUMNS, write_cells

ALLELES_FILE = "alleles.tsv"
SAMPLE_STATUS_FILE = "sample_status.tsv"
ANNOTATIONS_FILE = "annotations.jsonl"
INPUT_COLUMN = "input"


class BatchTables:
    """Rows of every input of a batch, in input order, written once at the end."""

    def __init__(self) -> None:
        self.allele_cells: list[list[Any]] = []
        self.sample_cells: list[list[Any]] = []
        #: NAME.il1rn.tsv's columns (with population/ClinVar evidence: more): the same for
        #: every input of a run, taken from the first one annotated
        self.allele_columns: list[str] | None = None
        #: annotations.jsonl: one compact JSON document per input that got no file of its own
        self.annotation_lines: list[str] = []

    def add(self, source: str, result: FileResult) -> None:
        """An annotated input's rows (its FileResult's cells, as in its own TSVs)."""
        if self.allele_columns is None:
            self.allele_columns = list(result.allele_columns)
        self.allele_cells += [[source, *cells] for cells in result.allele_cells]
        self.sample_cells += [[source, *cells] for cells in result.sample_cells]

    def add_annotation(self, outdir: Path, payload: dict[str, Any]) -> str:
        """Keep an input's annotation payload as a line of annotations.jsonl; return its
        location, `DIR/annotations.jsonl#N` (what the manifest records)."""
        self.annotation_lines.append(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        return f"{outdir / ANNOTATIONS_FILE}#{len(self.annotation_lines)}"

    def add_error(self, source: str, samples: list[str], error: str) -> None:
        """An input that could not be annotated: one input_error row per sample its header
        names (one row with an empty sample when even the header could not be read)."""
        empty = [""] * (len(SAMPLE_TSV_COLUMNS) - 3)
        for sample in samples or [""]:
            self.sample_cells.append([source, sample, "input_error", error, *empty])

    def write(self, outdir: Path) -> list[Path]:
        """Write both tables and annotations.jsonl into `outdir` (all in place together, or none).

        annotations.jsonl is written also when empty (every input had its own files): a
        folder never keeps an earlier run's lines beside newer tables."""
        outputs = OutputSet()
        paths = [outdir / ALLELES_FILE, outdir / SAMPLE_STATUS_FILE, outdir / ANNOTATIONS_FILE]
        try:
            columns = self.allele_columns or ALLELE_TSV_COLUMNS
            write_cells(paths[0], self.allele_cells, [INPUT_COLUMN, *columns], outputs)
            write_cells(paths[1], self.sample_cells, [INPUT_COLUMN, *SAMPLE_TSV_COLUMNS], outputs)
            outputs.write_bytes(paths[2], "".join(line + "\n" for line in self.annotation_lines).encode("utf-8"))
            outputs.commit()
        except BaseException:
            outputs.abort()
            raise
        return paths
