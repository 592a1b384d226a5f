"""One input end to end: open -> fetch the locus records -> annotate -> genotype -> interpret -> write.

`annotate_file` is the orchestration: it opens the file, checks the options against it
(samples, reference FASTA, output name), stages the outputs and runs the scan. The records
are fetched (`vcf.fetch`), annotated and counted (`tally.py`; in parallel ranges for a big
joint VCF: `scan.py`) as they stream past, so memory stays flat however many samples the
file holds; only carriers' calls are kept. The annotated VCF is written during the scan;
then every sample is interpreted (`interpret_samples.py`) and the TSVs and JSON are written
(`write_results.py`), and the whole set is put in place at once.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from pathlib import Path

from il1rn_annot.annotate_vcf import text_scan
from il1rn_annot.annotate_vcf.scan import VCF_GENOTYPES_MAX_SAMPLES, SitesOnlyScan, scan_keeping_genotypes, worker_count
from il1rn_annot.annotate_vcf.tally import FINDINGS_ALL_MAX_SAMPLES, ScanPlan
from il1rn_annot.annotate_vcf.write_results import FileResult, write_sample_outputs
from il1rn_annot.core.codon_sets import protein_change_method
from il1rn_annot.core.coverage import CoverageThresholds, cds_segments, input_kind
from il1rn_annot.digest import sha256_file_once
from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.annotated_vcf import AnnotatedVcfWriter
from il1rn_annot.outputs.atomic import OutputSet, clean_stale_temps, remove_outputs
from il1rn_annot.outputs.provenance import Provenance
from il1rn_annot.runtime import cyclic_gc_paused
from il1rn_annot.vcf.fetch import locus_index
from il1rn_annot.vcf.open_vcf import check_locus_record_sizes, open_vcf
from il1rn_annot.vcf.reference import ReferenceGenome, load_shipped_sequence
from il1rn_annot.vcf.reference import describe as describe_reference
from il1rn_annot.vcf.vcf_input import VcfInput, reopen


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
    full_parse: bool = False,
    clean_temps: bool = True,
    thresholds: CoverageThresholds | None = None,
    checksum: str = "auto",
    population_vcfs: list[str] | None = None,
    clinvar_vcf: str | None = None,
    per_input: str = "all",
    json_in_batch: bool = False,
    late_vcf: bool = True,
    existing_outputs: set[str] | None = None,
) -> FileResult:
    """Annotate the IL1RN locus of one VCF/BCF and write the four outputs into `outdir`.

    `threads`: most processes to read a big joint VCF with (None: the cores this process may use).
    `full_parse`: htslib parses every record whole, never the text read of `text_scan` (the
    same outputs; every FORMAT value then checked).
    `clean_temps`: remove temps of these outputs left by killed runs (False: the caller swept
    the folder once for a whole batch, `clean_stale_temps_in`).
    `thresholds`: what makes a gVCF call or block confident and how much of the CDS must be
    (coverage.py; None: the documented defaults).
    `checksum`: "auto" (an indexed input is named by its header, index and locus blocks, and read
    nowhere else) or "full" (its whole-file SHA-256 too); see vcf.identity.
    `population_vcfs`, `clinvar_vcf`: the lab's indexed gnomAD-shaped and ClinVar VCFs (evidence/);
    each is checked to be of the input's build and only its IL1RN window is read.
    `per_input`: "all" writes the four outputs; "notable" writes NAME.il1rn.json for every
    input and the TSVs and annotated VCF only for an input with a sample that is not
    no_pathogenic_variant_detected (`write_results.has_notable_sample`); its rows are on the
    returned FileResult for the batch's tables. Files of an earlier run under those names are
    removed, so that the folder never holds a table older than the JSON beside it.
    `json_in_batch` (with "notable"): an input without such a sample gets no file at all; its
    JSON payload is on the returned FileResult for the batch's annotations.jsonl.
    `existing_outputs`: the names in `outdir` before the run (a batch lists it once); an earlier
    run's file is removed only if listed there (None: tried by name).
    `late_vcf` (with "notable"): the annotated VCF lines of a small file are formatted only
    when its VCF is kept (`scan.scan_keeping_genotypes`); False formats them as they are read
    (the input is then annotated again that way when htslib declared tags while reading).
    """
    if per_input not in ("all", "notable"):
        raise ValueError(f"per_input must be 'all' or 'notable', not {per_input!r}")
    thresholds = thresholds or CoverageThresholds()
    # the locus records' size check waits until it is known whether the text read does it (text_scan.py)
    info, reader = open_vcf(path, kb, build, checksum, check_locus_records=False)
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
    evidence = None
    if population_vcfs or clinvar_vcf:  # the evidence package (pysam, resource readers) only when given
        from il1rn_annot.evidence.load import load_evidence

        evidence = load_evidence(list(population_vcfs or []), clinvar_vcf, kb, build_name, window)
    if evidence is not None:
        prov.population_data = evidence.summary()
        prov.clinvar_data = evidence.clinvar_summary()
        prov.evidence_resources = evidence.provenance()
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
    window_checked = not (keep_genotypes or full_parse) and text_scan.eligible_input(info, bool(samples), all_findings)

    def check_record_sizes() -> None:  # before htslib reads the records (limits.py)
        check_locus_record_sizes(info)

    if not window_checked:
        check_record_sizes()
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
            text_read=not full_parse,
            evidence=evidence,
        )
        # the five outputs are written under temp names and put in place together at the end: a
        # failure half-way (full disk) leaves the previous run's whole set, never a mix
        outputs = OutputSet()
        late = late_vcf and per_input == "notable" and keep_genotypes
        format_late = None
        writer = AnnotatedVcfWriter(
            out["vcf"],
            reader if keep_genotypes else reopen(info, samples=[]),
            info.declared_contigs,
            outputs=outputs,
            evidence=evidence is not None,
            stage_early=per_input == "all",
            declare_late=late,
        )
        try:
            with contextlib.ExitStack() as running:
                if keep_genotypes:
                    (tally, format_late), finish_vcf = scan_keeping_genotypes(plan, reader, writer, late), None
                else:
                    # the per-sample outputs are written while workers still format the VCF lines
                    scan = running.enter_context(
                        SitesOnlyScan(
                            plan,
                            reader,
                            writer,
                            worker_count(plan, threads),
                            while_waiting=lambda: info.identity,
                            before_htslib=check_record_sizes if window_checked else None,
                        )
                    )
                    tally, finish_vcf = scan.tally, scan.finish
                prov.add_input("vcf", path_text, info.sha256, info.identity.fields())
                if reference is not None and not reference.shipped and reference_path:
                    prov.add_input("reference", str(reference_path), sha256_file_once(reference_path))
                kind = input_kind(
                    info.is_gvcf,
                    tally.reference_blocks,
                    tally.small_records,
                    tally.structural_records,
                    info.header_lines,
                )
                chr2_calls = tally.records_read > 0 or _has_chr2_records(info, index)
                result = write_sample_outputs(
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
                    per_input,
                    json_in_batch,
                )
                if finish_vcf is not None:
                    finish_vcf()
            if format_late is not None and "vcf" in result.outputs and not format_late():
                writer.abort()
                outputs.abort()
                return annotate_file(
                    path,
                    outdir,
                    kb,
                    build=build,
                    reference_path=reference_path,
                    samples=samples,
                    date=date,
                    command_line=command_line,
                    name=name,
                    findings=findings,
                    vcf_genotypes=vcf_genotypes,
                    threads=threads,
                    full_parse=full_parse,
                    clean_temps=clean_temps,
                    thresholds=thresholds,
                    checksum=checksum,
                    population_vcfs=population_vcfs,
                    clinvar_vcf=clinvar_vcf,
                    per_input=per_input,
                    json_in_batch=json_in_batch,
                    late_vcf=False,
                    existing_outputs=existing_outputs,
                )
            if "vcf" in result.outputs:
                writer.close(prov.vcf_header_lines() + note)
            else:
                writer.abort()
            outputs.commit()
            if "vcf" not in result.outputs:
                stale = [out["vcf"], Path(str(out["vcf"]) + ".tbi"), out["tsv"], out["sample_status"]]
                stale += [] if "json" in result.outputs else [out["json"]]
                if existing_outputs is not None:
                    stale = [p for p in stale if p.name in existing_outputs]
                remove_outputs(stale)
        except BaseException:
            writer.abort()
            outputs.abort()
            raise
    return result


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
