"""The `il1rn-annot annotate` command (`annotate_main`): annotate each input file in turn, write a
manifest of every input's outcome (ok / input_error, its samples and outputs), and keep a batch
going past a bad input while an output-side error (full disk, permissions) stops it.

`cli` parses the arguments; `annotate_vcf.run.annotate_file` annotates one file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from il1rn_annot import TOOL_NAME, __version__
from il1rn_annot.errors import Il1rnAnnotError, InputError, OutputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.outputs.atomic import WRITE_ONLY_ERRNOS
from il1rn_annot.runtime import keep_until_exit


def annotate_main(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """`il1rn-annot annotate INPUT... -o OUTDIR ...`: annotate each input, record each outcome.

    An input that fails is recorded as input_error (with --keep-going the others go on); an
    error on the output side (full disk, permissions) stops the run, never blamed on an input.
    """
    from il1rn_annot.annotate_vcf.batch_tables import BatchTables
    from il1rn_annot.annotate_vcf.run import annotate_file
    from il1rn_annot.core.coverage import CoverageThresholds
    from il1rn_annot.outputs.atomic import clean_stale_temps_in
    from il1rn_annot.outputs.json_file import write_json
    from il1rn_annot.outputs.naming import input_stem

    _refuse_clashing_names(args.inputs, args.outdir)
    samples = [s for s in args.samples.split(",") if s] if args.samples else None
    command_line = InputCommandLine(
        list(getattr(args, "argv", sys.argv[1:])), list(args.inputs), getattr(args, "value_options", frozenset())
    )
    manifest: list[dict[str, Any]] = []
    failures = 0
    inputs = args.inputs
    progress = None
    if len(inputs) > 1 and (args.progress or sys.stderr.isatty()):
        from tqdm import tqdm

        progress = tqdm(total=len(inputs), unit="file", desc="il1rn-annot", file=sys.stderr)
    clean_temps = len(inputs) == 1
    tables = BatchTables() if args.batch_tables else None
    existing: set[str] | None = None
    if not clean_temps:  # one sweep of the output folder, not one per input
        clean_stale_temps_in(Path(args.outdir))
        # and one listing: an earlier run's files to remove are looked for there, not by an
        # unlink per possible name and input (5 failed unlinks a negative input on shared storage)
        with contextlib.suppress(OSError):
            existing = {entry.name for entry in os.scandir(args.outdir)}
        existing = existing if existing is not None else set()
    for path in inputs:
        entry: dict[str, Any] = {"input": path, "name": input_stem(path)}
        identity = _identity(path)  # before reading: the file as it was when read
        command = command_line.for_input(path) if args.record_command else TOOL_NAME
        try:
            result = annotate_file(
                path,
                args.outdir,
                kb,
                build=args.build,
                reference_path=args.reference,
                samples=samples,
                date=args.date,
                command_line=command,
                findings=args.findings,
                vcf_genotypes=args.vcf_genotypes,
                threads=args.threads,
                full_parse=args.full_parse,
                clean_temps=clean_temps,
                existing_outputs=existing,
                thresholds=CoverageThresholds(args.min_gq, args.min_depth, args.min_cds_fraction),
                checksum=args.checksum,
                population_vcfs=args.population_vcf,
                clinvar_vcf=args.clinvar_vcf,
                per_input=args.per_input,
                json_in_batch=tables is not None,
            )
            outputs = dict(result.outputs)
            if tables is not None:
                tables.add(path, result)
                if not outputs:  # a negative input: its JSON is a line of the batch's annotations.jsonl
                    outputs["annotation_line"] = tables.add_annotation(Path(args.outdir), result.payload)
            if identity is not None:  # the workflow re-runs the batch when size or mtime change
                read = result.input.identity
                entry["identity"] = {
                    **identity,
                    "sha256": read.sha256,
                    "checksum": read.checksum,
                    "fingerprint": read.fingerprint,
                }
            entry.update(
                status="ok",
                outputs=outputs,
                samples=[s.sample for s in result.samples],
                warnings=result.payload["provenance"]["warnings"],
            )
            for warning in result.payload["provenance"]["warnings"]:
                print(f"{TOOL_NAME}: warning: {path}: {warning}", file=sys.stderr)
            keep_until_exit(result)  # freed by the kernel at exit, or when the next input's comes
        except OutputError:
            # the output side (full disk, read-only, permissions), not this input: stop, so that
            # the caller (a workflow job) fails and is run again once it is fixed
            if progress:
                progress.close()
            raise
        except Il1rnAnnotError as exc:
            failures += 1
            entry.update(status="input_error", error=str(exc), samples=_samples_if_readable(path))
            print(f"{TOOL_NAME}: error: {exc}", file=sys.stderr)
            if tables is not None:
                tables.add_error(path, entry["samples"], entry["error"])
            if not args.keep_going:
                if args.manifest:
                    manifest.append(entry)
                    write_json(Path(args.manifest), {"tool_version": __version__, "inputs": manifest})
                return 2
        except Exception as exc:  # a bug triggered by this input: record it and keep the batch going
            if not args.keep_going or (isinstance(exc, OSError) and exc.errno in WRITE_ONLY_ERRNOS):
                raise  # a full or read-only disk is never the input's fault (main() says so plainly)
            failures += 1
            entry.update(
                status="input_error",
                samples=_samples_if_readable(path),
                error=f"internal error ({type(exc).__name__}: {exc}); this is a bug, please report it",
            )
            print(f"{TOOL_NAME}: error: {path}: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
            if tables is not None:
                tables.add_error(path, entry["samples"], entry["error"])
        manifest.append(entry)
        if progress:
            progress.update(1)
    if progress:
        progress.close()
    if tables is not None:  # before the manifest: a job whose manifest exists has its tables
        tables.write(Path(args.outdir))
    if args.manifest:
        write_json(Path(args.manifest), {"tool_version": __version__, "kb_version": kb.version, "inputs": manifest})
    return 0 if not failures or args.keep_going else 2


class InputCommandLine:
    """The command line recorded in the provenance of each input's outputs.

    With one input, the whole command. With many (a workflow batch gives 500), the other
    inputs are left out and counted: `il1rn-annot annotate A.vcf.gz [+499 other inputs of
    this run] -o ...`. Every input's JSON repeated the whole list (26 KB of a 50 KB JSON for
    a 500-file batch, read back by the cohort step 1,000 times: issue 19); the batch's
    manifest lists every input, and the options are kept as given (an option's value whole,
    even one that names an input file: `value_options`). The command is split once, around
    where the inputs stand; `for_input` then only puts the input in.
    """

    def __init__(self, argv: list[str], inputs: list[str], value_options: frozenset[str] = frozenset()) -> None:
        self.n_inputs = len(inputs)
        self.whole = " ".join(shlex.quote(a) for a in [TOOL_NAME, *argv])
        remaining = Counter(inputs)  # the positional inputs, as given (a path may repeat)
        before: list[str] = [TOOL_NAME]
        after: list[str] = []
        skip_value = False
        for token in argv:
            side = after if remaining.total() < len(inputs) else before
            if skip_value:  # the value of an option
                side.append(shlex.quote(token))
                skip_value = False
            elif token.startswith("-") and token not in remaining:
                side.append(shlex.quote(token))
                skip_value = "=" not in token and token in value_options
            elif remaining.get(token, 0) > 0:
                remaining[token] -= 1
            else:
                side.append(shlex.quote(token))
        self._before, self._after = " ".join(before), " ".join(after)

    def for_input(self, this: str) -> str:
        if self.n_inputs < 2:
            return self.whole
        middle = f"{shlex.quote(this)} [+{self.n_inputs - 1} other inputs of this run]"
        return " ".join(part for part in (self._before, middle, self._after) if part)


def _identity(path: str) -> dict[str, int] | None:
    """Size and mtime (ns) of an input, recorded in the manifest: with the content's fingerprint
    (and SHA-256 when computed) they say which version of the file the outputs were made from
    (docs/reruns.md). The mtime is in the manifest only, never in the outputs: they stay
    byte-identical for a copy of the file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _refuse_clashing_names(inputs: list[str], outdir: str) -> None:
    """Refuse, before anything is written, inputs whose outputs would share a name in OUTDIR.

    Outputs are named after the input file (`run1/P1.vcf.gz` -> `P1.il1rn.json`): two inputs
    of one name (`run1/P1.vcf.gz`, `run2/P1.vcf.gz`) overwrote each other, and the patient of
    the first was then reported as "sample not in VCF header". Names are compared without
    case (one file on macOS and Windows file systems). The workflow puts such files in
    different batches (folders); on the command line, use one -o folder per run.
    """
    from il1rn_annot.outputs.naming import input_stem

    first: dict[str, str] = {}
    clashes: list[str] = []
    for path in inputs:
        key = input_stem(path).lower()
        if key not in first:
            first[key] = path
        elif first[key] == path:
            clashes.append(f"{path} is listed twice")
        else:
            clashes.append(f"{first[key]} and {path} would both write {input_stem(path)}.il1rn.*")
    if clashes:
        raise InputError(
            "inputs share an output name: " + "; ".join(dict.fromkeys(clashes)),
            where=f"-o {outdir}",
            hint="annotate them into different output folders (one -o per run), or rename one; nothing was written",
        )


def _samples_if_readable(path: str) -> list[str]:
    """Sample names of a file that failed later than its header, so no sample goes missing."""
    try:
        import cyvcf2

        return list(cyvcf2.VCF(path).samples)
    except Exception:
        return []
