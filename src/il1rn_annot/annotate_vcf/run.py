"""One input end to end: open -> fetch the locus records -> annotate -> genotype -> interpret -> write.

The records are fetched (`vcf.fetch`), annotated and counted (`tally.py`; in parallel ranges
for a big joint VCF: `scan.py`) as they stream past, so memory stays flat however many samples
the file holds; only carriers' calls are kept. Then every sample is interpreted and the four outputs are written.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from il1rn_annot.annotate_vcf.scan import VCF_GENOTYPES_MAX_SAMPLES, SitesOnlyScan, scan_keeping_genotypes, worker_count
from il1rn_annot.annotate_vcf.tally import FINDINGS_ALL_MAX_SAMPLES, LocusTally, ScanPlan
from il1rn_annot.core.codon_sets import protein_change_method
from il1rn_annot.core.coverage import CoverageThresholds, adequately_covered, cds_segments, input_kind, sample_coverage
from il1rn_annot.core.coverage import evidence_text as coverage_evidence_text
from il1rn_annot.core.coverage import slim as slim_coverage
from il1rn_annot.core.interpret import LOCUS_CALLED_TEXT, SampleResult, interpret_sample
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES
from il1rn_annot.digest import sha256_file
from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.annotated_vcf import AnnotatedVcfWriter
from il1rn_annot.outputs.atomic import OutputSet, clean_stale_temps
from il1rn_annot.outputs.json_file import write_json
from il1rn_annot.outputs.provenance import Provenance
from il1rn_annot.outputs.tables import ALLELE_TSV_COLUMNS, SAMPLE_TSV_COLUMNS, write_cells
from il1rn_annot.runtime import cyclic_gc_paused
from il1rn_annot.vcf.fetch import locus_index
from il1rn_annot.vcf.open_vcf import open_vcf
from il1rn_annot.vcf.reference import ReferenceGenome, load_shipped_sequence
from il1rn_annot.vcf.reference import describe as describe_reference
from il1rn_annot.vcf.vcf_input import VcfInput, reopen

SCHEMA_VERSION = "1.0"


@dataclass
class FileResult:
    """What one input produced; `payload` is exactly the JSON written."""

    input: VcfInput
    payload: dict[str, Any]
    samples: list[SampleResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)


@cyclic_gc_paused()  # see runtime.py: ~10% of a 10,000-sample run otherwise
def annotate_file(
    path: str | Path,
    outdir: str | Path,
    kb: KnowledgeBase,
    *,
    build: str = "auto",
    reference_path: str | Path | None = None,
    samples: list[str] | None = None,
    date: str | None = None,
    command_line: str | None = None,
    name: str | None = None,
    findings: str = "auto",
    vcf_genotypes: str = "auto",
    threads: int | None = None,
    clean_temps: bool = True,
    thresholds: CoverageThresholds | None = None,
) -> FileResult:
    """Annotate the IL1RN locus of one VCF/BCF and write the four outputs into `outdir`.

    `threads`: most processes to read a big joint VCF with (None: the cores this process may use).
    `clean_temps`: remove temps of these outputs left by killed runs (False: the caller swept
    the folder once for a whole batch, `clean_stale_temps_in`).
    `thresholds`: what makes a gVCF call or block confident and how much of the CDS must be
    (coverage.py; None: the documented defaults).
    """
    thresholds = thresholds or CoverageThresholds()
    info, reader = open_vcf(path, kb, build)
    build_name = info.build.build
    path_text = str(path)
    if samples:
        missing = [s for s in samples if s not in info.samples]
        if missing:
            raise InputError(
                f"sample(s) not in the file: {', '.join(missing)}",
                path=path_text,
                where="#CHROM line",
                hint=f"the file has {len(info.samples)} samples: "
                + ", ".join(info.samples[:10])
                + (" ..." if len(info.samples) > 10 else ""),
            )
        # htslib keeps the file's sample order (and drops repeats) whatever order `samples`
        # gives; genotype rows follow the reader, so the names must too while reading, or
        # results are attached to the wrong sample (`--samples C,A` used to give C the
        # results of A). The outputs are put back in the requested order below.
        reader.set_samples(list(dict.fromkeys(samples)))
        info.samples = list(reader.samples)
    reference = None
    if reference_path:
        reference = ReferenceGenome(reference_path, {b: i.chr2_length for b, i in kb.builds.items()})
        if reference.build_from_length and reference.build_from_length != build_name:
            raise InputError(
                f"the reference FASTA is {reference.build_from_length} but the VCF is {build_name}",
                path=str(reference_path),
                hint="use the FASTA of the build the calls were made on",
            )
        tx = kb.transcript(build_name)
        if not reference.covers(tx.start, tx.end):
            raise InputError(
                f"the reference FASTA does not cover IL1RN ({build_name} chr2:{tx.start}-{tx.end}); "
                "it does not match the VCF (another build, or an extract of another region)",
                path=str(reference_path),
                hint="use the FASTA the calls were made on, or a chr2 extract covering IL1RN",
            )
    else:
        # no FASTA given: the verified shipped NM_173842.3 sequence when there is one (none today)
        reference = load_shipped_sequence(kb, build_name)
    command_line = command_line or " ".join(shlex.quote(a) for a in ["il1rn-annot", *sys.argv[1:]])
    prov = Provenance.new(kb, build_name, info.build.evidence, command_line, date)
    prov.protein_changes = protein_change_method(reference.label if reference is not None else None, kb.protein)
    prov.reference_sequence = describe_reference(reference, str(reference_path) if reference_path else None)
    outdir = Path(outdir)
    stem = name or info.name
    if not stem or stem in (".", "..") or "/" in stem or os.sep in stem or "\0" in stem:
        # output names come from the input file name (or `name`), never from sample IDs;
        # a `name` with a path separator would write outside `outdir`
        raise InputError(
            f"cannot name the outputs {stem!r}: an output name must be a plain file name",
            path=path_text,
            hint="rename the input file (or pass a name without '/')",
        )
    out = {
        "vcf": outdir / f"{stem}.il1rn.vcf.gz",
        "tsv": outdir / f"{stem}.il1rn.tsv",
        "sample_status": outdir / f"{stem}.sample_status.tsv",
        "json": outdir / f"{stem}.il1rn.json",
    }
    if clean_temps:
        clean_stale_temps([*out.values(), Path(str(out["vcf"]) + ".tbi")])

    n = len(info.samples)
    window = kb.screen_window[build_name]
    contig_length = info.contig_lengths.get(info.contig or "") or kb.builds[build_name].chr2_length
    all_findings = findings == "all" or (findings == "auto" and n <= FINDINGS_ALL_MAX_SAMPLES)
    keep_genotypes = vcf_genotypes == "all" or (vcf_genotypes == "auto" and n <= VCF_GENOTYPES_MAX_SAMPLES)
    note = (
        []
        if keep_genotypes
        else [
            (
                "##il1rn_annot_note=sites-only: genotype columns omitted (more than "
                f"{VCF_GENOTYPES_MAX_SAMPLES} samples); per-sample calls are in the TSV/JSON outputs"
            )
        ]
    )
    with locus_index(info) as index:
        plan = ScanPlan(
            info=info,
            kb=kb,
            build=build_name,
            reference=reference,
            window=window,
            contig_length=contig_length,
            all_findings=all_findings,
            samples=info.samples if samples else None,
            index=index,
            cds=cds_segments(
                kb.transcript(build_name).exons, kb.transcript(build_name).cds_start, kb.transcript(build_name).cds_end
            ),
            thresholds=thresholds,
        )
        # the five outputs are written under temp names and put in place together at the end: a
        # failure half-way (full disk) leaves the previous run's whole set, never a mix
        outputs = OutputSet()
        writer = AnnotatedVcfWriter(
            out["vcf"], reader if keep_genotypes else reopen(info, samples=[]), info.declared_contigs, outputs=outputs
        )
        try:
            with contextlib.ExitStack() as running:
                if keep_genotypes:
                    tally, finish_vcf = scan_keeping_genotypes(plan, reader, writer), None
                else:
                    # the per-sample outputs are written while workers still format the VCF lines
                    scan = running.enter_context(
                        SitesOnlyScan(
                            plan, reader, writer, worker_count(plan, threads), while_waiting=lambda: info.sha256
                        )
                    )
                    tally, finish_vcf = scan.tally, scan.finish
                prov.add_input("vcf", path_text, info.sha256)
                if reference is not None and not reference.shipped and reference_path:
                    prov.add_input("reference", str(reference_path), sha256_file(reference_path))
                kind = input_kind(
                    info.is_gvcf,
                    tally.reference_blocks,
                    tally.small_records,
                    tally.structural_records,
                    info.header_lines,
                )
                chr2_calls = tally.records_read > 0 or _has_chr2_records(info, index)
                result = _write_sample_outputs(
                    info,
                    tally,
                    prov,
                    out,
                    outputs,
                    samples,
                    path_text,
                    {
                        "contig": info.contig or "",
                        "start": window[0],
                        "end": window[1],
                        "records_read": tally.records_read,
                        "indexed": info.index_path is not None,
                        "format": info.format,
                        "fileformat": info.fileformat,
                        "samples": n,
                        "gvcf": info.is_gvcf,
                        "per_sample_findings": "all" if all_findings else "reportable",
                        "vcf_genotypes": keep_genotypes,
                        "input_kind": kind,
                        "chr2_records": chr2_calls,
                        "coverage_thresholds": thresholds.to_dict(),
                        "cds": [list(s) for s in plan.cds],
                    },
                    plan,
                )
                if finish_vcf is not None:
                    finish_vcf()
            writer.close(prov.vcf_header_lines() + note)
            outputs.commit()
        except BaseException:
            writer.abort()
            outputs.abort()
            raise
    return result


def _write_sample_outputs(
    info: VcfInput,
    tally: LocusTally,
    prov: Provenance,
    out: dict[str, Path],
    outputs: OutputSet,
    samples: list[str] | None,
    source: str,
    locus: dict[str, Any],
    plan: ScanPlan,
) -> FileResult:
    """Interpret every sample and write NAME.il1rn.tsv, NAME.sample_status.tsv and NAME.il1rn.json
    (staged in `outputs`: in place only when the caller commits the whole set)."""
    info.warnings.extend(tally.warnings)
    records_read = tally.records_read
    if records_read == 0:
        info.warnings.append(
            "no records at the IL1RN locus: the locus may be uncalled (targeted panel or "
            "exome without IL1RN?), or all samples are reference there (VCF without reference "
            "blocks)"
        )
    index_of = {sample: i for i, sample in enumerate(info.samples)}  # the tally's sample index
    results = _interpret_samples(info, tally, source, plan, locus["input_kind"], locus["chr2_records"])
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
    allele_rows = _AlleleRows(tally.annotations)
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
    write_cells(out["tsv"], allele_rows.cells, ALLELE_TSV_COLUMNS, outputs)
    write_cells(out["sample_status"], sample_rows, SAMPLE_TSV_COLUMNS, outputs)
    write_json(out["json"], payload, one_line_lists=("alleles", "samples"), outputs=outputs)
    return FileResult(info, payload, results, {k: str(v) for k, v in out.items()})


def _interpret_samples(
    info: VcfInput, tally: LocusTally, source: str, plan: ScanPlan, kind: str, chr2_records: bool | None
) -> list[SampleResult]:
    """`interpret_sample` for every sample; samples with the same calls share the wording.

    In a big cohort most samples carry nothing but the same few association-polymorphism
    genotypes, and the status, sentence and evidence of a sample depend only on which
    alleles it carries and how (zygosity, genotype, phase, copy number: everything in its
    calls but the read depth) and on its coverage of the locus (records without a genotype,
    the CDS stretches a gVCF leaves uncovered). Those are the memo key;
    each sample still gets its own findings. tests/test_scan.py checks the result equals
    interpreting every sample on its own.
    """
    records = tally.records_read
    memo: dict[tuple[Any, ...], SampleResult] = {}
    results = []
    locus_called, uncalled_records = tally.locus_called.tolist(), tally.uncalled_records.tolist()
    partial_records = tally.partial_records.tolist()
    for i, sample in enumerate(info.samples):
        uncovered = (
            tally.cds.uncovered(i)
            if kind == "gvcf" and tally.cds is not None
            else ([(s[0], s[1]) for s in plan.cds] if kind == "gvcf" else None)
        )
        coverage = sample_coverage(kind, plan.thresholds, plan.cds, uncovered)
        coverage["chr2_records"] = chr2_records
        called = _locus_called(info, records, bool(locus_called[i]), coverage)
        uncalled, partial = uncalled_records[i], partial_records[i]
        calls = tally.sample_calls.get(i, ())
        key = (
            called,
            uncalled,
            partial,
            tuple(uncovered or ()),
            tuple([(k, call[1:7], call.sample_filter) for k, call in calls]) if calls else (),
        )
        findings = tally.findings(i, source)
        shared = memo.get(key)
        if shared is None:
            memo[key] = result = interpret_sample(
                sample,
                findings,
                called,
                uncalled_records=uncalled,
                records=records,
                coverage=coverage,
                partial_records=partial,
            )
        else:
            # positional, not dataclasses.replace (~4x slower, 10,000 times)
            result = SampleResult(
                sample,
                shared.dira_status,
                shared.status_sentence,
                shared.evidence,
                shared.locus_called,
                list(shared.pathogenic_alleles),
                list(shared.other_alleles),
                list(shared.association_alleles),
                findings,
                list(shared.removed_genes_with_conditions),
                shared.partial_records,
                shared.coverage,
            )
        results.append(result)
    return results


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


def _locus_called(info: VcfInput, records_read: int, called_here: bool, coverage: dict[str, Any]) -> bool | None:
    """True/False when the file says whether the sample was genotyped at the locus; None when it cannot.

    A gVCF answers with its coverage: the locus is called when confident calls and blocks
    (GQ, depth) cover enough of the CDS (`coverage.adequately_covered`); a block of GT 0/0
    with no reads is not a call. A joint VCF has a GT (possibly `./.`) for every sample at
    every record. A variant-only VCF with no locus record at all cannot tell "homozygous
    reference" from "not covered" (None: reported as such).
    """
    if coverage.get("input_kind") == "gvcf":
        return adequately_covered(coverage)
    if records_read == 0:
        return None
    return called_here


def _has_chr2_records(info: VcfInput, index: str | None) -> bool | None:
    """Has the file any record on chromosome 2 at all? Asked only when none was at the locus.

    A file with no chromosome-2 record (split by chromosome, a panel without chr2) did not
    call the locus: its samples are not assessable, whatever a variant-only VCF's "absence
    of a record" would otherwise suggest. None when it cannot be told cheaply (a streamed BCF).
    """
    contigs = [info.contig] if info.contig else ["chr2", "2"]
    if index is not None:
        reader = reopen(info, samples=[])
        try:
            reader.set_index(index)
            for name in contigs:
                try:
                    for _ in reader(name):
                        return True
                except Exception:
                    continue
            return False
        except Exception:
            return None
        finally:
            reader.close()
    if info.text_contigs is not None:
        return bool(set(contigs) & info.text_contigs)
    return None


def _fraction_cell(coverage: dict[str, Any] | None) -> str:
    """The samples TSV's `cds_coverage`: the confident CDS fraction (gVCF), else empty (not measured)."""
    fraction = (coverage or {}).get("cds_fraction")
    return "" if fraction is None else f"{fraction:.4f}"


class _AlleleRows:
    """Rows of NAME.il1rn.tsv (ALLELE_TSV_COLUMNS): a sample's call of an allele between the
    allele's own columns, which are formatted once per allele, not once per carrier (15,000
    rows for 10,000 samples)."""

    def __init__(self, annotations: list[dict[str, Any]]) -> None:
        self._annotations = annotations
        self._parts: dict[int, tuple[list[Any], list[Any]]] = {}
        self.cells: list[list[Any]] = []

    def add(self, sample: str, k: int, call: Any) -> None:
        parts = self._parts.get(k)
        if parts is None:
            parts = self._parts[k] = _allele_columns(self._annotations[k])
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
            before, after = _allele_columns(allele)
            self.cells.append(["", *before, "", "", "", *after])


def _allele_columns(f: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """An allele's columns of NAME.il1rn.tsv: those before the call's (chrom ... consequence) and after."""
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
    return before, after
