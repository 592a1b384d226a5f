"""The annotated VCF (`NAME.il1rn.vcf.gz`): the IL1RN_* INFO fields and the writer.

Each locus record is written as htslib formats it, with one Number=A IL1RN_* INFO value per
ALT; the file is bgzipped and tabix-indexed, staged with the input's other outputs
(`outputs.atomic.OutputSet`) and put in place with them.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import cyvcf2
import pysam

from il1rn_annot.core.annotate import AlleleAnnotation
from il1rn_annot.outputs.atomic import OutputSet, output_error, writing

INFO_FIELDS = {
    "IL1RN_HGVSC": "HGVS c. on NM_173842.3 (il1rn-annot)",
    "IL1RN_HGVSP": "HGVS p. on NP_776214.1 (il1rn-annot)",
    "IL1RN_CSQ": "Sequence Ontology consequences, most severe first, &-joined (il1rn-annot)",
    "IL1RN_CLASS": "Classification: pathogenic, likely_pathogenic, uncertain_significance, likely_benign, "
    "association_polymorphism, no_predicted_effect (il1rn-annot)",
    "IL1RN_KNOWN": "Knowledge-base ID of the matching curated variant (il1rn-annot)",
    "IL1RN_GENES_DEL": "IL-1 cluster genes overlapped by a deletion, as GENE:fraction, &-joined (il1rn-annot)",
    "IL1RN_OVERLAP": "Fraction of the IL1RN MANE transcript removed by a deletion (il1rn-annot)",
}


#: declared, and set on records, only when population/ClinVar resources were given (evidence/): a run
#: without them writes the header it always wrote
EVIDENCE_INFO_FIELDS = {
    "IL1RN_POP_AF": "Highest allele frequency among the population VCFs given that list the allele (il1rn-annot)",
    "IL1RN_POP_CRITERION": "Population criterion applied: BA1, BS1 or PM2_Supporting (il1rn-annot)",
    "IL1RN_CLINVAR": "ClinVar significance and review stars of the allele, as SIGNIFICANCE|STARS (il1rn-annot)",
}


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
        per_field["IL1RN_GENES_DEL"].append(
            _info_value("&".join(f"{g['gene']}:{g['fraction']}" for g in ann.deleted_genes))
        )
        per_field["IL1RN_OVERLAP"].append("." if ann.il1rn_overlap is None else f"{ann.il1rn_overlap}")
    if any(a is not None and (a.population is not None or a.clinvar is not None) for a in annotations):
        per_field.update(_evidence_values(annotations))
    return {key: ",".join(values) for key, values in per_field.items()}


def _evidence_values(annotations: list[AlleleAnnotation | None]) -> dict[str, list[str]]:
    """EVIDENCE_INFO_FIELDS values of one record, one per ALT ('.' where there is none)."""
    out: dict[str, list[str]] = {key: [] for key in EVIDENCE_INFO_FIELDS}
    for ann in annotations:
        found = [p["af"] for p in (ann.population or []) if p.get("found") and p.get("af") is not None] if ann else []
        out["IL1RN_POP_AF"].append(f"{max(found):.6g}" if found else ".")
        out["IL1RN_POP_CRITERION"].append(_info_value(ann.population_criterion or "") if ann else ".")
        clinvar = (ann.clinvar or {}) if ann else {}
        text = f"{clinvar['significance']}|{clinvar['stars']}" if clinvar.get("significance") else ""
        out["IL1RN_CLINVAR"].append(_info_value(text))
    return out


def declare_annotation_info(reader: cyvcf2.VCF, evidence: bool = False) -> None:
    """Declare the IL1RN_* INFO fields on a reader's header, so its records can carry them
    (`evidence`: also EVIDENCE_INFO_FIELDS, when population/ClinVar resources were given)."""
    fields = {**INFO_FIELDS, **EVIDENCE_INFO_FIELDS} if evidence else INFO_FIELDS
    for key, description in fields.items():
        reader.add_info_to_header({"ID": key, "Number": "A", "Type": "String", "Description": description})


def annotated_line(record: cyvcf2.Variant, annotations: list[AlleleAnnotation | None]) -> bytes:
    """The record as VCF text (formatted by htslib) with the IL1RN_* INFO values added.

    The record's reader must have `declare_annotation_info` on its header.
    """
    for key, value in info_values(annotations).items():
        record.INFO[key] = value
    line = str(record).encode("utf-8", "surrogateescape")
    return line if line.endswith(b"\n") else line + b"\n"


BODY_IN_MEMORY_MAX = 16 << 20  # bytes of annotated records kept in memory before spilling to a temp file


class AnnotatedVcfWriter:
    """Streams annotated locus records to `NAME.il1rn.vcf.gz` and indexes it on close.

    Records are formatted by htslib (`annotated_line`) into a body buffer (in memory up to
    `BODY_IN_MEMORY_MAX`, beyond in an anonymous temporary file) and joined to the header only
    at close (the provenance lines, which hold the input's checksum, are
    given then). Two inputs that the bad-input corpus showed to crash a `cyvcf2.Writer`
    opened up front are handled this way:

    * records using INFO/FORMAT/FILTER tags the header does not declare: htslib reads them
      (warning "assuming Type=String") and declares each tag in the reader's header as it
      meets it, but `cyvcf2.Writer` copied the header at open and refuses such a record
      ("variant to be written has errorcode: 2"). The header taken at close holds the
      declarations (and those of worker processes' readers: `adopt_header`).
    * unsorted input (read by streaming): tabix cannot index unsorted output, so the body
      is re-ordered by position at close; only (position, offset) pairs are kept in memory.
    """

    def __init__(
        self,
        path: Path,
        reader: cyvcf2.VCF,
        unused_contigs: list[str] | None = None,
        outputs: OutputSet | None = None,
        evidence: bool = False,
        stage_early: bool = True,
        declare_late: bool = False,
    ) -> None:
        """`unused_contigs`: contig declarations added to the reader's header (not the file's),
        dropped from the output header unless a written record is on that contig.
        `outputs`: the input's output set; the VCF and its index are staged there and put in
        place with the other outputs (without: in place when `close` ends).
        `evidence`: population/ClinVar resources were given (their INFO fields are declared).
        `stage_early`: make the temp file now (an unwritable folder fails before the records
        are read); False stages it in `close`, so that a VCF the caller drops (`abort`) makes
        no temp file at all (run.annotate_file, per_input="notable").
        `declare_late`: the IL1RN_* INFO fields are declared by `declare_now`, once the caller
        knows the VCF is kept (declaring them cost ~0.35 ms of every small input of a batch,
        most of which write no VCF: issue 19)."""
        self.path = path
        self._reader = reader
        self._added_contigs = unused_contigs if unused_contigs is not None else []  # may grow while reading
        self._evidence = evidence
        self._header_at_open = reader.raw_header if declare_late else None
        if not declare_late:
            declare_annotation_info(reader, evidence)
        self._own = outputs is None
        self._outputs = OutputSet() if outputs is None else outputs
        self._tmp: Path | None = None
        if stage_early:
            self._stage()
        # window records only (tens for one genome, a few thousand for a joint VCF): kept in memory
        # unless big (genotypes of many samples), so a batch of 1,000 files makes no extra file each
        self._body: Any = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - open until close()/abort()
            max_size=BODY_IN_MEMORY_MAX, mode="w+b"
        )
        self._chroms: dict[str, int] = {}
        self._keys: list[tuple[int, int, int, int]] = []  # (chrom rank, pos, offset, length)
        self._offset = 0
        self._sorted = True

    def declare_now(self) -> bool:
        """Declare the IL1RN_* INFO fields (a writer made with `declare_late`). False, declaring
        nothing, when htslib added header lines while the records were read (tags the header
        did not declare): declared now, the fields would stand after those lines, not before
        them as in a VCF written with early declarations, so the caller writes it that way."""
        if self._header_at_open is None:
            return True
        if self._reader.raw_header != self._header_at_open:
            return False
        declare_annotation_info(self._reader, self._evidence)
        self._header_at_open = None
        return True

    def write_line(self, chrom: str, pos: int, line: bytes) -> None:
        """Add one record formatted by `annotated_line` (here or in a worker process)."""
        key = (self._chroms.setdefault(chrom, len(self._chroms)), pos, self._offset, len(line))
        if self._keys and key[:2] < self._keys[-1][:2]:
            self._sorted = False
        self._keys.append(key)
        try:
            self._body.write(line)
        except OSError as exc:  # the spill file in TMPDIR: a full /tmp is not the input's fault
            raise output_error(exc, Path(tempfile.gettempdir()) / f"(records of {self.path.name})") from exc
        self._offset += len(line)

    def adopt_header(self, raw_header: str) -> None:
        """Take the meta lines another reader of the same file added (tags htslib declared on the fly)."""
        have = set(self._reader.raw_header.splitlines())
        for line in raw_header.splitlines():
            if line.startswith("##") and line not in have:
                self._reader.add_to_header(line)
                have.add(line)

    def close(self, header_lines: list[str]) -> None:
        """Write header (`header_lines` added: provenance) and body, bgzipped, and index it
        (into the staged temps; in place now only when no output set was given)."""
        for line in header_lines:
            self._reader.add_to_header(line)
        tmp = self._tmp if self._tmp is not None else self._stage()
        with writing(self.path):
            self._write_and_index(tmp)
        if self._own:
            self._outputs.commit()

    def _stage(self) -> Path:
        self._tmp = tmp = self._outputs.stage(self.path, suffix=".vcf.gz")
        self._outputs.adopt(Path(str(self.path) + ".tbi"), Path(str(tmp) + ".tbi"))
        return tmp

    def _write_and_index(self, tmp: Path) -> None:
        body = self._body
        body.seek(0)
        with pysam.BGZFile(str(tmp), "wb", index=None) as out:
            out.write(self._header().encode("utf-8", "surrogateescape"))
            if self._sorted:
                for chunk in iter(lambda: body.read(1 << 20), b""):
                    out.write(chunk)
            else:
                for _, _, offset, length in sorted(self._keys):
                    body.seek(offset)
                    out.write(body.read(length))
        body.close()
        pysam.tabix_index(str(tmp), preset="vcf", force=True, keep_original=True, index=str(tmp) + ".tbi")

    def _header(self) -> str:
        drop = {f"##contig=<ID={name}>" for name in set(self._added_contigs) - set(self._chroms)}
        lines = self._reader.raw_header.splitlines(keepends=True)
        return "".join(line for line in lines if line.rstrip("\r\n") not in drop)

    def abort(self) -> None:
        """Drop the body and the temps (all of the output set's when the writer made it)."""
        with contextlib.suppress(Exception):
            self._body.close()
        if self._own:
            self._outputs.abort()
        elif self._tmp is not None:
            for leftover in (Path(str(self._tmp) + ".tbi"), self._tmp):
                with contextlib.suppress(OSError):
                    leftover.unlink()
