"""Write the annotator's outputs (VCF, TSV, JSON) atomically and deterministically.

Every file is written to a temporary name in the target folder and renamed into place only
when complete, so a run killed half-way never leaves a truncated file that a rerun (or
Snakemake) would trust. Tables go through pandas for correct quoting of hostile strings.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cyvcf2
import pandas as pd
import pysam

from .annotate import AlleleAnnotation

ALLELE_TSV_COLUMNS = [
    "sample", "chrom", "pos", "end", "ref", "alt", "allele_id", "variant_type", "gene", "transcript", "hgvs_c",
    "hgvs_p", "consequence", "zygosity", "genotype", "copy_number", "filter", "classification",
    "classification_evidence", "known_variant", "conditions", "pmids", "deleted_genes", "il1rn_overlap",
    "exons_affected", "reciprocal_overlap_2q13",
]
SAMPLE_TSV_COLUMNS = ["sample", "dira_status", "status_sentence", "pathogenic_alleles", "other_alleles",
                      "evidence", "locus_records", "locus_called"]

INFO_FIELDS = {
    "IL1RN_HGVSC": "HGVS c. on NM_173842.3 (il1rn-annot)",
    "IL1RN_HGVSP": "HGVS p. on NP_776214.1 (il1rn-annot)",
    "IL1RN_CSQ": "Sequence Ontology consequences, most severe first, &-joined (il1rn-annot)",
    "IL1RN_CLASS": "Classification: pathogenic, likely_pathogenic, uncertain_significance, likely_benign, "
                   "association_polymorphism (il1rn-annot)",
    "IL1RN_KNOWN": "Knowledge-base ID of the matching curated variant (il1rn-annot)",
    "IL1RN_GENES_DEL": "IL-1 cluster genes overlapped by a deletion, as GENE:fraction, &-joined (il1rn-annot)",
    "IL1RN_OVERLAP": "Fraction of the IL1RN MANE transcript removed by a deletion (il1rn-annot)",
}


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, payload: Any) -> None:
    write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def write_table(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=columns)
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, sep="\t", index=False, lineterminator="\n")


def _info_value(value: str) -> str:
    """INFO values may not hold separators; HGVS and SO terms never do, user text might."""
    value = value or "."
    for bad in (",", ";", "=", " ", "\t", "\n", "\r"):
        value = value.replace(bad, "_")
    return value


def info_values(annotations: list[AlleleAnnotation | None]) -> dict[str, str]:
    """Number=A INFO values for one record (one entry per ALT, '.' for skipped ALTs)."""
    per_field: dict[str, list[str]] = {key: [] for key in INFO_FIELDS}
    for ann in annotations:
        if ann is None:
            for key in per_field:
                per_field[key].append(".")
            continue
        per_field["IL1RN_HGVSC"].append(_info_value(ann.hgvs_c))
        per_field["IL1RN_HGVSP"].append(_info_value(ann.hgvs_p))
        per_field["IL1RN_CSQ"].append(_info_value("&".join(ann.consequence)))
        per_field["IL1RN_CLASS"].append(_info_value(ann.classification))
        per_field["IL1RN_KNOWN"].append(_info_value(ann.known_variant))
        per_field["IL1RN_GENES_DEL"].append(_info_value("&".join(f"{g['gene']}:{g['fraction']}"
                                                                  for g in ann.deleted_genes)))
        per_field["IL1RN_OVERLAP"].append("." if ann.il1rn_overlap is None else f"{ann.il1rn_overlap}")
    return {key: ",".join(values) for key, values in per_field.items()}


class AnnotatedVcfWriter:
    """Streams annotated locus records to `NAME.il1rn.vcf.gz` and indexes it on close."""

    def __init__(self, path: Path, reader: cyvcf2.VCF, header_lines: list[str]) -> None:
        self.path = path
        for key, description in INFO_FIELDS.items():
            reader.add_info_to_header({"ID": key, "Number": "A", "Type": "String", "Description": description})
        for line in header_lines:
            reader.add_to_header(line)
        self._stack = contextlib.ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(path, suffix=".vcf.gz"))
        self._writer = cyvcf2.Writer(str(self._tmp), reader, mode="wz")

    def write(self, record: cyvcf2.Variant, annotations: list[AlleleAnnotation | None]) -> None:
        for key, value in info_values(annotations).items():
            record.INFO[key] = value
        self._writer.write_record(record)

    def close(self) -> None:
        self._writer.close()
        pysam.tabix_index(str(self._tmp), preset="vcf", force=True, keep_original=True,
                          index=str(self._tmp) + ".tbi")
        tbi_tmp = Path(str(self._tmp) + ".tbi")
        self._stack.close()  # renames the VCF into place
        os.replace(tbi_tmp, Path(str(self.path) + ".tbi"))

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()
        tbi_tmp = Path(str(self._tmp) + ".tbi")
        if tbi_tmp.exists():
            tbi_tmp.unlink()
        if self._tmp.exists():
            self._tmp.unlink()
        self._stack.pop_all()
