"""The per-sample outputs of one input: NAME.il1rn.tsv, NAME.sample_status.tsv and NAME.il1rn.json.

`run.annotate_file` hands over the file's tally once the records are read; this module
interprets every sample (`interpret_samples`), puts them back in the requested order and
writes the allele rows, the sample-status rows and the JSON payload, staged in the run's
`OutputSet` (in place only when the whole set is committed). The annotated VCF is written
by the scan as the records stream past (`outputs.annotated_vcf`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.annotate_vcf.interpret_samples import interpret_samples
from il1rn_annot.annotate_vcf.tally import LocusTally, ScanPlan
from il1rn_annot.core.coverage import evidence_text as coverage_evidence_text
from il1rn_annot.core.coverage import slim as slim_coverage
from il1rn_annot.core.sample_result import LOCUS_CALLED_TEXT, SampleResult
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES
from il1rn_annot.outputs.atomic import OutputSet
from il1rn_annot.outputs.json_file import write_json
from il1rn_annot.outputs.provenance import Provenance
from il1rn_annot.outputs.tables import (
    ALLELE_TSV_COLUMNS,
    EVIDENCE_TSV_COLUMNS,
    SAMPLE_TSV_COLUMNS,
    evidence_cells,
    write_cells,
)
from il1rn_annot.vcf.vcf_input import VcfInput

SCHEMA_VERSION = "1.0"
NO_PATHOGENIC = "no_pathogenic_variant_detected"


@dataclass
class FileResult:
    """What one input produced; `payload` is exactly the JSON written."""

    input: VcfInput
    payload: dict[str, Any]
    samples: list[SampleResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    #: the rows of NAME.il1rn.tsv and NAME.sample_status.tsv (ALLELE_TSV_COLUMNS, SAMPLE_TSV_COLUMNS),
    #: kept for a batch's tables (`annotate_vcf.batch_tables`) whether or not they were written
    allele_cells: list[list[Any]] = field(default_factory=list)
    sample_cells: list[list[Any]] = field(default_factory=list)
    allele_columns: list[str] = field(default_factory=lambda: list(ALLELE_TSV_COLUMNS))  # + evidence columns


def write_sample_outputs(
    info: VcfInput,
    tally: LocusTally,
    prov: Provenance,
    out: dict[str, Path],
    outputs: OutputSet,
    samples: list[str] | None,
    source: str,
    locus: dict[str, Any],
    plan: ScanPlan,
    per_input: str = "all",
    json_in_batch: bool = False,
) -> FileResult:
    """Interpret every sample and write NAME.il1rn.tsv, NAME.sample_status.tsv and NAME.il1rn.json
    (staged in `outputs`: in place only when the caller commits the whole set).

    `per_input`: "all" writes both TSVs for every input; "notable" only for an input that
    `has_notable_sample` (else the JSON only: its rows go to the batch's tables,
    `annotate_vcf.batch_tables`). The rows are returned on the FileResult either way, and
    `FileResult.outputs` names the files written (the caller writes the annotated VCF with
    the TSVs, or drops it). `json_in_batch` (with "notable"): such an input's JSON is not written
    either: its payload goes to the batch's annotations.jsonl (`annotate_vcf.batch_tables`)."""
    info.warnings.extend(tally.warnings)
    records_read = tally.records_read
    if records_read == 0:
        info.warnings.append(
            "no records at the IL1RN locus: the locus may be uncalled (targeted panel or "
            "exome without IL1RN?), or all samples are reference there (VCF without reference "
            "blocks)"
        )
    index_of = {sample: i for i, sample in enumerate(info.samples)}  # the tally's sample index
    results = interpret_samples(info, tally, source, plan, locus["input_kind"], locus["chr2_records"])
    if samples:
        order = {s: k for k, s in enumerate(dict.fromkeys(samples))}
        results.sort(key=lambda r: order[r.sample])
        info.samples = [r.sample for r in results]
    prov.warnings = list(dict.fromkeys(info.warnings))
    payload = {
        "schema_version": SCHEMA_VERSION,
        "provenance": prov.to_dict(),
        "locus": locus,
        "alleles": list(tally.alleles.values()),
        "samples": [_sample_dict(r) for r in results],
    }
    with_evidence = plan.evidence is not None
    allele_rows = _AlleleRows(tally.annotations, with_evidence)
    sample_rows = []
    called_text = LOCUS_CALLED_TEXT
    for r in results:
        for k, call in tally.sample_calls.get(index_of[r.sample], ()):  # r.findings, in order
            allele_rows.add(r.sample, k, call)
        sample_rows.append(
            [
                r.sample,
                r.dira_status,
                r.status_sentence,
                "; ".join(r.pathogenic_alleles),
                "; ".join(r.other_alleles),
                r.evidence,
                records_read,
                called_text[r.locus_called],
                locus["input_kind"],
                _fraction_cell(r.coverage),
                coverage_evidence_text(r.coverage),
                "; ".join(r.removed_genes_with_conditions),
            ]
        )
    if not info.samples:
        allele_rows.add_sites(tally.alleles.values())  # a sites-only VCF: one row per site, no sample
    columns = ALLELE_TSV_COLUMNS + EVIDENCE_TSV_COLUMNS if with_evidence else ALLELE_TSV_COLUMNS
    notable = per_input == "all" or has_notable_sample(results)
    written: dict[str, Path] = {} if json_in_batch and per_input == "notable" else {"json": out["json"]}
    if notable or written:
        # first: a big JSON is written by a forked child (while the TSVs and the VCF are written
        # here), which the set's commit waits for (outputs.json_file)
        write_json(out["json"], payload, one_line_lists=("alleles", "samples"), outputs=outputs, in_child=True)
    if notable:
        # write_cells changes NaN cells to None in place: the batch tables get the same cells
        write_cells(out["tsv"], allele_rows.cells, columns, outputs)
        write_cells(out["sample_status"], sample_rows, SAMPLE_TSV_COLUMNS, outputs)
        written = {key: out[key] for key in ("vcf", "tsv", "sample_status", "json")}
    return FileResult(
        info, payload, results, {k: str(v) for k, v in written.items()}, allele_rows.cells, sample_rows, columns
    )


def has_notable_sample(results: list[SampleResult]) -> bool:
    """Does the input get its own tables and annotated VCF under `per_input="notable"`?

    Yes when any sample's status is other than no_pathogenic_variant_detected (flagged,
    uncertain, not assessable: what a reviewer opens), or when the file has no sample (its
    sites are its only result). A negative sample's full result is in NAME.il1rn.json and its
    rows in the batch's alleles.tsv / sample_status.tsv; writing and indexing a VCF of it was
    the largest per-file cost of a 1,000-file cohort (benchmarks/README.md, issue 19).
    """
    return not results or any(r.dira_status != NO_PATHOGENIC for r in results)


def _sample_dict(result: SampleResult) -> dict[str, Any]:
    """A sample's JSON entry; each finding is the call plus `allele_id` (the allele is in `alleles`).

    Repeating the whole allele annotation in every carrier's finding made a 2,504-sample JSON
    66 MB; readers join findings to `alleles` on `allele_id`.
    """
    entry = dict(vars(result))  # the dataclass's fields, in order
    del entry["findings"]
    entry["coverage"] = slim_coverage(result.coverage)  # the file's part is in `locus` (coverage.of_sample)
    entry["findings"] = [_slim_finding(f) for f in result.findings] if result.findings else []
    return entry


def _slim_finding(f: dict[str, Any]) -> dict[str, Any]:
    """The call fields of a finding and its allele_id, in the JSON's order (a dict display: ~3x
    faster than dict(zip(...)), 15,000 times for 10,000 samples)."""
    return {
        "allele_id": f["allele_id"],
        "zygosity": f["zygosity"],
        "genotype": f["genotype"],
        "phased": f["phased"],
        "haplotypes": f["haplotypes"],
        "phase_set": f["phase_set"],
        "copy_number": f["copy_number"],
        "depth": f["depth"],
        "source": f["source"],
        "sample_filter": f.get("sample_filter"),
    }


def _fraction_cell(coverage: dict[str, Any] | None) -> str:
    """The samples TSV's `cds_coverage`: the confident CDS fraction (gVCF), else empty (not measured)."""
    fraction = (coverage or {}).get("cds_fraction")
    return "" if fraction is None else f"{fraction:.4f}"


class _AlleleRows:
    """Rows of NAME.il1rn.tsv (ALLELE_TSV_COLUMNS): a sample's call of an allele between the
    allele's own columns, which are formatted once per allele, not once per carrier (15,000
    rows for 10,000 samples)."""

    def __init__(self, annotations: list[dict[str, Any]], with_evidence: bool = False) -> None:
        self._annotations = annotations
        self._with_evidence = with_evidence
        self._parts: dict[int, tuple[list[Any], list[Any]]] = {}
        self.cells: list[list[Any]] = []

    def add(self, sample: str, k: int, call: Any) -> None:
        parts = self._parts.get(k)
        if parts is None:
            parts = self._parts[k] = _allele_columns(self._annotations[k], self._with_evidence)
        before, after = parts
        self.cells.append(
            [
                sample,
                *before,
                call.zygosity,
                call.genotype,
                "" if call.copy_number is None else call.copy_number,
                *after,
            ]
        )

    def add_sites(self, alleles: Any) -> None:
        """One row per allele with the sample and call columns empty: the TSV of a file with no
        sample columns lists its sites (it used to be empty, leaving them in the VCF/JSON only)."""
        for allele in alleles:
            before, after = _allele_columns(allele, self._with_evidence)
            self.cells.append(["", *before, "", "", "", *after])


def _allele_columns(f: dict[str, Any], with_evidence: bool = False) -> tuple[list[Any], list[Any]]:
    """An allele's columns of NAME.il1rn.tsv: those before the call's (chrom ... consequence) and after
    (with the EVIDENCE_TSV_COLUMNS when the run had population/ClinVar resources)."""
    before = [
        f["chrom"],
        f["pos"],
        f["end"],
        f["ref"],
        f["alt"],
        f["allele_id"],
        f["variant_type"],
        f["gene"],
        f["transcript"],
        f["hgvs_c"],
        f["hgvs_p"],
        "&".join(f["consequence"]),
    ]
    after = [
        f["filter"],
        f["classification"],
        f["classification_evidence"],
        f["known_variant"],
        ";".join(f["conditions"]),
        ";".join(f["pmids"]),
        ";".join(f"{g['gene']}({g['fraction']})" for g in f["deleted_genes"]),
        "" if f["il1rn_overlap"] is None else f["il1rn_overlap"],
        ";".join(map(str, f["exons_affected"])) if f["variant_type"] in ANY_DELETION_TYPES else "",
        ";".join(map(str, f["exons_removed"])) if f["variant_type"] in ANY_DELETION_TYPES else "",
        "" if f["reciprocal_overlap_2q13"] is None else f["reciprocal_overlap_2q13"],
    ]
    if with_evidence:
        after += evidence_cells(f)
    return before, after
