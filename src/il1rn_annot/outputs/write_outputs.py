"""Write the annotator's outputs (VCF, TSV, JSON) atomically and deterministically.

Every file is written to a temporary name in the target folder and renamed into place only
when complete, so a run killed half-way never leaves a truncated file that a rerun (or
Snakemake) would trust. Temporary names are hidden (`.NAME.HOST-PID.XXXX.tmp...`); a run
that was killed (SIGKILL, node failure) cannot remove its own, so `clean_stale_temps()`
removes those of dead processes on this host when the same output is written again.
Tables go through pandas for correct quoting of hostile strings.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cyvcf2
import pysam

from il1rn_annot.core.annotate import AlleleAnnotation
from il1rn_annot.errors import OutputError

ALLELE_TSV_COLUMNS = [
    "sample", "chrom", "pos", "end", "ref", "alt", "allele_id", "variant_type", "gene", "transcript", "hgvs_c",
    "hgvs_p", "consequence", "zygosity", "genotype", "copy_number", "filter", "classification",
    "classification_evidence", "known_variant", "conditions", "pmids", "deleted_genes", "il1rn_overlap",
    "exons_affected", "exons_removed", "reciprocal_overlap_2q13",
]
SAMPLE_TSV_COLUMNS = ["sample", "dira_status", "status_sentence", "pathogenic_alleles", "other_alleles",
                      "evidence", "locus_records", "locus_called", "input_kind", "cds_coverage", "locus_evidence",
                      "removed_genes_with_conditions"]

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


def _host_tag() -> str:
    """This host's name as it appears in temp names (no dots or dashes: they separate fields)."""
    return socket.gethostname().split(".")[0].replace("-", "_") or "host"


def _temp_prefix(path: Path) -> str:
    """Hidden temp-name prefix for `path`; host and PID tell a stale temp from a live one."""
    return f".{path.name}.{_host_tag()}-{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def clean_stale_temps(paths: list[Path]) -> list[Path]:
    """Remove temp files left beside `paths` by killed runs on this host; return them.

    Only names made by `atomic_path` for exactly these outputs are considered, and only when
    the process that made them (PID in the name) is gone: temps of a live run, or of a run on
    another host sharing the folder, are left alone.
    """
    by_dir: dict[Path, list[str]] = {}
    for path in paths:
        by_dir.setdefault(path.parent, []).append(re.escape(path.name))
    return [gone for folder, names in by_dir.items() for gone in _sweep(folder, "|".join(names))]


def clean_stale_temps_in(folder: Path) -> list[Path]:
    """`clean_stale_temps` for every output in `folder` at once; return the removed temps.

    A batch of 1,000 inputs writing into one folder calls this once instead of scanning the
    growing folder once per input (4,000+ entries each time by the end).
    """
    return _sweep(folder, ".+")


def _sweep(folder: Path, names: str) -> list[Path]:
    """Remove `atomic_path` temps in `folder` of the outputs matching the regex `names` whose
    process on this host is gone."""
    pattern = re.compile(rf"\.(?:{names})\.{re.escape(_host_tag())}-(\d+)\.[^.]+\.tmp")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        # outputs are not hidden: skip them cheaply (a batch folder holds 5 files per input)
        match = pattern.match(entry.name) if entry.name.startswith(".") else None
        if match is None or _pid_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


#: errno -> plain words, for an output that cannot be written (never the input's fault)
OUTPUT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error (a failing disk or network file system?)",
    errno.EFBIG: "file too large for the file system",
}
_OUTPUT_HINTS = {
    errno.ENOSPC: "free space on the file system of {folder} (or write elsewhere) and run again",
    errno.EDQUOT: "free space within your quota on {folder} (or write elsewhere) and run again",
    errno.EROFS: "{folder} is on a read-only file system: write to a writable folder and run again",
    errno.EACCES: "give yourself write permission on {folder} (or write elsewhere) and run again",
    errno.EPERM: "give yourself write permission on {folder} (or write elsewhere) and run again",
}
_DEFAULT_HINT = "check the disk of {folder} and run again"


def output_error(exc: OSError, path: Path | str) -> OutputError:
    """An `OutputError` for `exc`, raised while writing `path`, in plain words.

    htslib (pysam) reports a failed write without an errno ("Error closing BGZFile object"):
    the folder's file system is then asked whether it is full or read-only, so that a full
    disk is named as such instead of reported as a bug.
    """
    if isinstance(exc, OutputError):
        return exc
    folder = Path(path).parent
    code = exc.errno if exc.errno in OUTPUT_ERRNOS else _probe_errno(folder)
    detail = OUTPUT_ERRNOS.get(code) if code is not None else None
    detail = detail or exc.strerror or str(exc) or type(exc).__name__
    hint = _OUTPUT_HINTS.get(code, _DEFAULT_HINT) if code is not None else _DEFAULT_HINT  # type: ignore[arg-type]
    error = OutputError(f"cannot write {path}: {detail} ({hint.format(folder=folder)})")
    error.errno = code  # type: ignore[attr-defined]
    return error


def _probe_errno(folder: Path) -> int | None:
    """ENOSPC if `folder`'s file system has no free block, EROFS if it is mounted read-only, else None."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    if stats.f_flag & getattr(os, "ST_RDONLY", 1):
        return errno.EROFS
    free = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail  # root may use the reserved blocks
    if free == 0 or (stats.f_files and stats.f_favail == 0):
        return errno.ENOSPC
    return None


@contextlib.contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into an `OutputError` naming the cause."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, path) from exc


def _file_mode() -> int:
    """The permissions a plain open() would give a new file (mkstemp creates 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _make_temp(path: Path, suffix: str = "") -> Path:
    """A new hidden temp file beside `path` (its folder made if needed), named for `clean_stale_temps`."""
    if not path.parent.is_dir():  # a stat, not a failing mkdir per output file
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp" + suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success.

    An OSError while writing (full disk, read-only, no permission) becomes an `OutputError`
    naming the file and the cause; the temp is removed and an earlier `path` is left as it was.
    """
    with writing(path):
        tmp_path = _make_temp(path, suffix)
        try:
            yield tmp_path
            os.chmod(tmp_path, _file_mode())
            os.replace(tmp_path, path)
        finally:
            with contextlib.suppress(OSError):
                tmp_path.unlink()


class OutputSet:
    """The outputs of one input, written under hidden temp names and put in place together.

    `annotate` writes five files per input (VCF, index, two TSVs, JSON). Replacing each as it
    was written let a failure half-way (a full disk) leave a mixed set: new TSVs beside the
    previous run's JSON and VCF. Here nothing gets a final name until every file is complete;
    `commit` then renames them all (renames write no data), and if a rename fails the
    previous files are put back from hard links taken just before: the whole set or none.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}  # final path -> temp path

    def stage(self, final: Path, suffix: str = "") -> Path:
        """A temp path to write `final`'s content to (not yet in place)."""
        with writing(final):
            tmp = _make_temp(final, suffix)
        self._staged[final] = tmp
        return tmp

    def adopt(self, final: Path, tmp: Path) -> None:
        """Take a temp file written by someone else (htslib's index beside the staged VCF)."""
        self._staged[final] = tmp

    def write_bytes(self, final: Path, data: bytes) -> None:
        tmp = self.stage(final)
        with writing(final):
            tmp.write_bytes(data)

    def commit(self) -> None:
        """Rename every staged file onto its final name, or (on failure) leave the previous set."""
        mode = _file_mode()
        backups: dict[Path, Path] = {}
        placed: list[Path] = []
        final = None
        try:
            for final, tmp in self._staged.items():
                os.chmod(tmp, mode)
            for final, tmp in self._staged.items():
                if os.path.lexists(final):
                    backup = tmp.with_name(tmp.name + ".old")
                    try:
                        os.link(final, backup)
                    except OSError:  # no hard links here (some network file systems): no roll-back copy
                        continue
                    backups[final] = backup
            for final, tmp in self._staged.items():
                os.replace(tmp, final)
                placed.append(final)
        except OSError as exc:
            for done in placed:
                with contextlib.suppress(OSError):
                    if done in backups:
                        os.replace(backups.pop(done), done)
                    else:
                        done.unlink()
            raise output_error(exc, final or "outputs") from exc
        finally:
            for leftover in [*backups.values(), *self._staged.values()]:
                with contextlib.suppress(OSError):
                    leftover.unlink()
            self._staged.clear()

    def abort(self) -> None:
        """Remove every staged temp; the final names keep what they held before."""
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._staged.clear()


def staging_dir(final: Path) -> Path:
    """A new hidden folder beside `final` to fill, then put in place with `replace_dir`.

    Named like `atomic_path` temps (host and PID), so that `clean_stale_dirs` can remove those
    of killed runs.
    """
    with writing(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_dirs(final)
        return Path(tempfile.mkdtemp(prefix=_temp_prefix(final), suffix=".tmp", dir=final.parent))


def clean_stale_dirs(final: Path) -> list[Path]:
    """Remove staging folders of `final` left by killed processes on this host."""
    import shutil
    pattern = re.compile(rf"\.{re.escape(final.name)}\.{re.escape(_host_tag())}-(\d+)\.[^.]+\.tmp(\.old)?")
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(final.parent):
            match = pattern.fullmatch(entry.name)
            if match and entry.is_dir(follow_symlinks=False) and not _pid_alive(int(match.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def replace_dir(staged: Path, final: Path) -> None:
    """Put the complete folder `staged` at `final` in one rename (an earlier `final` is removed).

    A folder that exists only once complete is what Snakemake's output check needs: a job
    killed half-way leaves no `final` (only a hidden staging folder), so the rerun runs it again.
    """
    import shutil
    with writing(final):
        os.chmod(staged, _dir_mode())  # mkdtemp makes 0700: what a plain mkdir would give
        old = None
        if os.path.lexists(final):
            old = staged.with_name(staged.name + ".old")
            os.replace(final, old)
        try:
            os.replace(staged, final)
        except OSError:
            if old is not None:
                os.replace(old, final)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _dir_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


@contextlib.contextmanager
def _target(path: Path, outputs: OutputSet | None) -> Iterator[Path]:
    """Where to write `path`: an `atomic_path` temp, or a temp of `outputs` (put in place at its commit)."""
    if outputs is None:
        with atomic_path(path) as tmp:
            yield tmp
    else:
        tmp = outputs.stage(path)
        with writing(path):
            yield tmp


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, payload: Any, one_line_lists: tuple[str, ...] = (),
               outputs: OutputSet | None = None) -> None:
    """Indented JSON; the items of the top-level lists named in `one_line_lists` one per line.

    `json.dumps(indent=...)` runs the pure-Python encoder (~10x slower than the C one) and
    builds the whole text in memory; a joint VCF's `samples` list is most of the file, so its
    items are encoded by the C encoder and streamed, one item per line (still readable and
    diffable sample by sample).
    """
    if not one_line_lists or not isinstance(payload, dict):
        with _target(path, outputs) as tmp:
            tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    with _target(path, outputs) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write("{")
        for k, (key, value) in enumerate(payload.items()):
            handle.write(("," if k else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
            if key in one_line_lists and isinstance(value, list) and value:
                # one encoder for all items: json.dumps with options builds a new one per call
                # (~40% of the time for 10,000 samples)
                encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
                for j, item in enumerate(value):
                    handle.write(("[" if not j else ",") + "\n    " + encode(item))
                handle.write("\n  ]")
            else:
                handle.write(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  "))
        handle.write("\n}\n")


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
    with _target(path, outputs) as tmp:
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
    if ('"' in text or "\r" in text or text.count("\n") != len(lines)
            or text.count("\t") != len(lines) * (len(columns) - 1)):
        return None
    return text


def _tsv(columns: list[str], cells: list[list[Any]], quoting: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=quoting)
    writer.writerow(columns)
    writer.writerows(cells)
    return buffer.getvalue()


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


def declare_annotation_info(reader: cyvcf2.VCF) -> None:
    """Declare the IL1RN_* INFO fields on a reader's header, so its records can carry them."""
    for key, description in INFO_FIELDS.items():
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

    def __init__(self, path: Path, reader: cyvcf2.VCF, unused_contigs: list[str] | None = None,
                 outputs: OutputSet | None = None) -> None:
        """`unused_contigs`: contig declarations added to the reader's header (not the file's),
        dropped from the output header unless a written record is on that contig.
        `outputs`: the input's output set; the VCF and its index are staged there and put in
        place with the other outputs (without: in place when `close` ends)."""
        self.path = path
        self._reader = reader
        self._added_contigs = unused_contigs if unused_contigs is not None else []  # may grow while reading
        declare_annotation_info(reader)
        self._own = outputs is None
        self._outputs = OutputSet() if outputs is None else outputs
        self._tmp = self._outputs.stage(path, suffix=".vcf.gz")
        self._outputs.adopt(Path(str(path) + ".tbi"), Path(str(self._tmp) + ".tbi"))
        # window records only (tens for one genome, a few thousand for a joint VCF): kept in memory
        # unless big (genotypes of many samples), so a batch of 1,000 files makes no extra file each
        self._body: Any = tempfile.SpooledTemporaryFile(max_size=BODY_IN_MEMORY_MAX, mode="w+b")
        self._chroms: dict[str, int] = {}
        self._keys: list[tuple[int, int, int, int]] = []  # (chrom rank, pos, offset, length)
        self._offset = 0
        self._sorted = True

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
        with writing(self.path):
            self._write_and_index()
        if self._own:
            self._outputs.commit()

    def _write_and_index(self) -> None:
        body = self._body
        body.seek(0)
        with pysam.BGZFile(str(self._tmp), "wb") as out:
            out.write(self._header().encode("utf-8", "surrogateescape"))
            if self._sorted:
                for chunk in iter(lambda: body.read(1 << 20), b""):
                    out.write(chunk)
            else:
                for _, _, offset, length in sorted(self._keys):
                    body.seek(offset)
                    out.write(body.read(length))
        body.close()
        pysam.tabix_index(str(self._tmp), preset="vcf", force=True, keep_original=True,
                          index=str(self._tmp) + ".tbi")

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
        else:
            for leftover in (Path(str(self._tmp) + ".tbi"), self._tmp):
                with contextlib.suppress(OSError):
                    leftover.unlink()
