"""Find the records at the IL1RN locus and turn each ALT into an `Allele` with its span.

Two jobs, both about *where*:
* fetching: an index query when there is an index; for a bgzipped file without one, a
  temporary index built by htslib (faster than a Python stream, and the input folder may
  be read-only); otherwise a stream. Queries are by overlap, so a deletion that starts far
  upstream and spans IL1RN is found.
* extents: END, SVLEN, CIPOS/CIEND for symbolic alleles; trimmed REF/ALT for explicit ones,
  so that the same deletion written either way gets the same span.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cyvcf2
import pysam

from .errors import InputError
from .read_vcf import VcfInput

# cyvcf2 warns "no intervals found" when a region holds no record: not news (the run says
# how many locus records it read). One filter for the process, instead of a
# `catch_warnings` block around each of the thousands of records a joint VCF's window holds.
warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)

#: ALT alleles that are not variants: gVCF reference blocks and the spanning-deletion star.
NON_VARIANT_ALTS = {"<*>", "<NON_REF>", "*", "<X>", "."}
DELETION_SYMBOLS = ("<DEL", "<CN0>")
#: how far upstream of the window to look for SVLEN-only deletions (htslib's index knows END, not SVLEN)
SV_LOOKBACK = 5_000_000


@dataclass(frozen=True)
class Allele:
    """One ALT allele of one record, with the reference span it changes.

    For deletions `start..end` are the deleted bases; for insertions `start == end` is the
    base after which the sequence is inserted; for substitutions the changed bases.
    `ref_trim` / `alt_trim` are REF/ALT with the shared prefix and suffix removed.
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    alt_index: int
    kind: str
    start: int
    end: int
    ref_trim: str
    alt_trim: str
    vcf_id: str
    filter: str
    symbolic: bool = False
    imprecise: bool = False
    ci_start: tuple[int, int] | None = None
    ci_end: tuple[int, int] | None = None
    svlen: int | None = None

    @property
    def allele_id(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    @property
    def is_deletion(self) -> bool:
        return self.kind in ("deletion", "sv_deletion", "cnv")

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def record_where(record: cyvcf2.Variant) -> str:
    return f"record {record.CHROM}:{record.POS} {record.REF}>{','.join(record.ALT) or '.'}"


def _int_info(record: cyvcf2.Variant, key: str) -> int | None:
    try:
        value = record.INFO.get(key)
    except Exception:
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        value = value[0]
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pair_info(record: cyvcf2.Variant, key: str) -> tuple[int, int] | None:
    try:
        value = record.INFO.get(key)
    except Exception:
        return None
    if isinstance(value, tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Remove the shared suffix, then the shared prefix; return (first changed pos, ref, alt)."""
    while ref and alt and ref[-1] == alt[-1] and len(ref) > 0 and len(alt) > 0:
        if len(ref) == 1 and len(alt) == 1:
            break
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def alleles_of(record: cyvcf2.Variant, path: str, contig_length: int | None) -> list[Allele]:
    """Every variant ALT allele of a record (reference blocks and `*` are skipped)."""
    out: list[Allele] = []
    filt = record.FILTER or "PASS"
    vcf_id = record.ID or ""
    ref = record.REF.upper()
    for index, alt_raw in enumerate(record.ALT, start=1):
        alt = alt_raw.upper()
        if alt in NON_VARIANT_ALTS:
            continue
        where = record_where(record)
        if alt.startswith("<") and alt.endswith(">"):
            out.append(_symbolic_allele(record, path, where, index, alt_raw, filt, vcf_id, contig_length))
            continue
        if "[" in alt or "]" in alt or alt.startswith(".") or alt.endswith("."):
            out.append(Allele(record.CHROM, record.POS, record.REF, alt_raw, index, "breakend",
                              record.POS, record.POS, "", "", vcf_id, filt))
            continue
        if not set(alt) <= set("ACGTN") or not set(ref) <= set("ACGTN"):
            raise InputError(f"ALT '{alt_raw}' or REF '{record.REF}' is not a DNA sequence or symbolic allele",
                             path=path, where=where, hint="fix the record or remove it")
        pos, r, a = _trim(record.POS, ref, alt)
        if len(r) == 1 and len(a) == 1:
            kind, start, end = "snv", pos, pos
        elif len(r) == len(a):
            kind, start, end = "mnv", pos, pos + len(r) - 1
        elif not a:
            kind, start, end = "deletion", pos, pos + len(r) - 1
        elif not r:
            kind, start, end = "insertion", pos - 1, pos - 1
        else:
            kind, start, end = "delins", pos, pos + len(r) - 1
        out.append(Allele(record.CHROM, record.POS, record.REF, alt_raw, index, kind, start, end, r, a, vcf_id, filt))
    return out


def _symbolic_allele(record: cyvcf2.Variant, path: str, where: str, index: int, alt: str,
                     filt: str, vcf_id: str, contig_length: int | None) -> Allele:
    upper = alt.upper()
    end = _int_info(record, "END")
    svlen = _int_info(record, "SVLEN")
    try:
        svlen_values = record.INFO.get("SVLEN")
        if isinstance(svlen_values, tuple) and len(svlen_values) >= index:
            svlen = int(svlen_values[index - 1])
    except Exception:
        pass
    if upper.startswith(DELETION_SYMBOLS):
        kind = "sv_deletion"
    elif upper.startswith("<CNV"):
        kind = "cnv"
    elif upper.startswith(("<DUP", "<INS", "<INV")):
        kind = "other_sv"
    else:
        kind = "other_sv"
    if end is None and svlen is None and kind != "other_sv":
        raise InputError(f"symbolic allele {alt} has neither INFO/END nor INFO/SVLEN, so its span is unknown",
                         path=path, where=where, hint="add INFO/END (last deleted base) to the record")
    if end is None:
        end = record.POS + abs(svlen or 0)
    if end < record.POS:
        raise InputError(f"END={end} lies before POS={record.POS}", path=path, where=where,
                         hint="END must be the last reference base of the event")
    if contig_length and end > contig_length:
        raise InputError(f"END={end} (or POS+|SVLEN|) lies beyond the end of the contig ({contig_length:,} bp)",
                         path=path, where=where, hint="check SVLEN/END: the value is impossible")
    if svlen is not None and kind != "other_sv":
        span = end - record.POS
        if abs(svlen) > 10 * max(span, 1) + 1000:
            raise InputError(f"SVLEN={svlen} disagrees with END={end} (span {span:,} bp)", path=path, where=where,
                             hint="one of them is wrong; fix the caller output")
    imprecise = bool(record.INFO.get("IMPRECISE")) if "IMPRECISE" in dict(record.INFO) else False
    # VCF: POS is the padding base before a symbolic deletion; the deleted span is POS+1..END.
    start = record.POS + 1 if kind in ("sv_deletion", "cnv") else record.POS
    return Allele(record.CHROM, record.POS, record.REF, alt, index, kind, start, max(start, end), "", "",
                  vcf_id, filt, symbolic=True, imprecise=imprecise,
                  ci_start=_pair_info(record, "CIPOS"), ci_end=_pair_info(record, "CIEND"), svlen=svlen)


def record_span_end(record: cyvcf2.Variant) -> int:
    """Last reference base a record touches (END / SVLEN aware) without building alleles."""
    end = record.end  # htslib: 0-based exclusive end from rlen (uses END when present)
    if any(a.startswith("<") for a in record.ALT):
        svlen = _int_info(record, "SVLEN")
        if svlen is not None:
            end = max(end, record.POS + abs(svlen))
    return end


# ---------------------------------------------------------------------------------------
# fetching


def _temporary_index(info: VcfInput, workdir: str) -> str | None:
    """Index a bgzipped VCF/BCF in a temp dir (the input folder may be read-only).

    BCF: `pysam.tabix_index(preset="bcf", csi=True)`; the former `pysam.bcftools.index`
    call failed on every BCF because `pysam.bcftools` is a submodule that `import pysam`
    does not load (AttributeError, swallowed below), so unindexed BCFs were always streamed.
    """
    link = os.path.join(workdir, "input" + (".bcf" if info.format == "bcf" else ".vcf.gz"))
    os.symlink(os.path.abspath(info.path), link)
    try:
        if info.format == "bcf":
            pysam.tabix_index(link, preset="bcf", csi=True, force=True, keep_original=True, index=link + ".csi")
            return link + ".csi"
        pysam.tabix_index(link, preset="vcf", force=True, keep_original=True, index=link + ".tbi")
        return link + ".tbi"
    except Exception:
        return None


def _raw_line(info: VcfInput, number: int) -> tuple[str | None, str | None]:
    """(text of line `number` of a text VCF, or None; a reading problem, or None). Error path only.

    Reads on to the end of a compressed file: a gzip stream cut short (htslib's parse error
    then names a record, not the real cause) is reported as truncation.
    """
    if info.format == "bcf":
        return None, None
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    found = None
    try:
        with opener(info.path, "rt", encoding="utf-8", errors="replace",  # type: ignore[operator]
                    newline="\n") as handle:
            for n, line in enumerate(handle, start=1):
                if n == number:
                    found = line.rstrip("\r\n")
        return found, None
    except (OSError, EOFError, zlib.error) as exc:
        return None, f"the compressed data cannot be read to the end ({exc}): the file is truncated or corrupt"


def _raw_region_line(info: VcfInput, index: str, region: str, k: int) -> str | None:
    """The k-th (0-based) raw text line an index query of `region` returns. Error path only."""
    if info.format == "bcf":
        return None
    try:
        tabix = pysam.TabixFile(str(info.path), index=index)
        try:
            for i, line in enumerate(tabix.fetch(region=region)):
                if i == k:
                    return line
        finally:
            tabix.close()
    except Exception:
        return None
    return None


def _diagnose(line: str, n_samples: int) -> str:
    """Why a VCF text line is probably malformed (htslib's own reason goes to stderr)."""
    cols = line.split("\t")
    if not line.strip():
        return "it is blank"
    if "\ufffd" in line:
        return "it is not UTF-8 text"
    if len(cols) < 8:
        return f"it has {len(cols)} tab-separated column(s); a VCF record has at least 8"
    if not cols[1].isdigit():
        return f"POS {cols[1][:40]!r} is not a whole number"
    if n_samples and len(cols) != 9 + n_samples:
        return f"it has {len(cols)} columns but the header names {n_samples} sample(s) ({9 + n_samples} columns)"
    return "htslib rejected a value in it (see htslib's message above for the field)"


def _parse_failure(info: VcfInput, where: str, line: str | None, problem: str | None,
                   exc: BaseException | None = None) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError("the record is not UTF-8 text", path=str(info.path), where=where,
                          hint="VCF text is UTF-8: convert the file, e.g. `iconv -f latin1 -t utf-8`")
    if problem:
        return InputError(problem, path=str(info.path), where=where,
                          hint="copy or re-create the file (interrupted copy or caller run?)")
    if line is not None:
        shown = line if len(line) <= 120 else line[:117] + "..."
        return InputError(f"htslib cannot parse this record: {_diagnose(line, len(info.samples))}: {shown!r}",
                          path=str(info.path), where=where,
                          hint="fix or remove the record; `bcftools view` on the file names the faulty field")
    return InputError("htslib cannot parse a record (see htslib's message above)", path=str(info.path),
                      where=where, hint="fix or remove the record; `bcftools view` on the file names the faulty field")


#: contig names htslib accepts in a ##contig line (VCF 4.3 spec, without the characters that break it)
_CONTIG_NAME = re.compile(r"[0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*")
_FIRST_FIELD = re.compile(rb"^([^\t\n#][^\t\n]*)\t", re.MULTILINE)


def _contigs_in_text(info: VcfInput) -> set[str]:
    """Every CHROM value of a text VCF (a fast pass over the first column)."""
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    names: set[bytes] = set()
    rest = b""
    try:
        with opener(info.path, "rb") as handle:  # type: ignore[operator]
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                chunk = rest + chunk
                cut = chunk.rfind(b"\n") + 1
                names.update(_FIRST_FIELD.findall(chunk, 0, cut))
                rest = chunk[cut:]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"the compressed data cannot be read to the end ({exc}): the file is truncated or corrupt",
                         path=str(info.path),
                         hint="copy or re-create the file (interrupted copy or caller run?)") from None
    names.update(_FIRST_FIELD.findall(rest + b"\t"))
    return {n.decode("utf-8", "replace") for n in names}


def _declare_stream_contigs(info: VcfInput, reader: cyvcf2.VCF) -> None:
    """Declare, before a text VCF is streamed, every contig its records use that its header lacks.

    On an undeclared contig htslib returns a malformed record as if valid and the process
    then dies in cyvcf2 (segmentation fault; see read_vcf._declare_contigs, which covers the
    standard names for index queries). Streaming reads every record, so all names are found
    first; the annotated VCF drops the declarations its records do not use.
    """
    if info.format == "bcf":
        return
    if info.text_contigs is None:
        info.text_contigs = _contigs_in_text(info)
    on_reader = set(info.contig_lengths) | set(_declared_on(reader))
    for name in sorted(info.text_contigs - on_reader):
        if not _CONTIG_NAME.fullmatch(name):
            # cannot be declared, so a malformed record on it would crash the process
            number = _first_line_with_contig(info, name)
            raise InputError(f"the contig name {name!r} is not valid in VCF (spaces, '<', '>', ',' or a leading "
                             "'*' or '=' are not allowed)", path=str(info.path),
                             where=f"line {number}" if number else f"records on contig {name!r}",
                             hint="fix the CHROM column (and the ##contig line) of those records")
        reader.add_to_header(f"##contig=<ID={name}>")
        if name not in info.declared_contigs:
            info.declared_contigs.append(name)


def _declared_on(reader: cyvcf2.VCF) -> list[str]:
    """Contig names declared on a reader's header (the file's and those added in memory).

    Checked per reader: a second reader of the same file (sites-only pass) needs the same
    declarations as the first, whichever of them streamed first.
    """
    return [line[13:].split(",", 1)[0].rstrip(">") for line in reader.raw_header.splitlines()
            if line.startswith("##contig=<ID=")]


def _first_line_with_contig(info: VcfInput, name: str) -> int | None:
    """Line number of the first record on contig `name` (error path only)."""
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    prefix = name.encode("utf-8", "replace") + b"\t"
    try:
        with opener(info.path, "rb") as handle:  # type: ignore[operator]
            for number, line in enumerate(handle, start=1):
                if line.startswith(prefix):
                    return number
    except (OSError, EOFError, zlib.error):
        return None
    return None


def _check_parsed(record: cyvcf2.Variant) -> None:
    """Raise if htslib returned a record without REF: reading `.REF` would crash the process.

    htslib accepts a line cut after POS or ID (`chr2  113127625  .`) when its contig is not
    declared in the header, and returns a record with no alleles; cyvcf2's `.REF` then
    dereferences a NULL pointer (segmentation fault, found by tests/test_fuzz.py). Every
    real record spans at least one base (REF has at least one), so `end == start` marks it.
    """
    if record.end <= record.start:
        raise ValueError("record without REF allele")


def _check_text(record: cyvcf2.Variant) -> None:
    """Decode the text fields the annotator reads (UnicodeDecodeError if not UTF-8)."""
    record.ID, record.REF, record.ALT, record.FILTER  # noqa: B018 - decoding is the check
    for _ in record.INFO:
        pass


@contextlib.contextmanager
def locus_index(info: VcfInput) -> Iterator[str | None]:
    """The index to query `info` with: its own, or a temporary one (removed on exit); None: stream it.

    A separate step from `locus_records` so that one temporary index serves every pass and
    every worker process of a run (`scan.py` reads the window in parallel ranges).
    """
    with contextlib.ExitStack() as cleanup:
        index = info.index_path
        if index is None and info.format in ("vcf.gz", "bcf"):
            # the folder only when needed: most inputs are indexed, and a batch has 1,000s
            workdir = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="il1rn-index-"))
            index = _temporary_index(info, workdir)
            if index is None:
                info.warnings.append("no index and a temporary index could not be built (unsorted records?); "
                                     "the whole file was streamed: sort and index it for speed")
            else:
                info.warnings.append("no index: a temporary index was built; indexing the input "
                                     "(`tabix -p vcf` / `bcftools index`) makes repeated runs faster")
        yield index


_FIND_INDEX = object()


def locus_records(info: VcfInput, reader: cyvcf2.VCF, window: tuple[int, int], index: Any = _FIND_INDEX,
                  positions: tuple[int | None, int | None] | None = None) -> Iterator[cyvcf2.Variant]:
    """Yield every record on chromosome 2 that overlaps `window` (1-based inclusive).

    `index`: from `locus_index` (None: stream the file); found here when not given.
    `positions` = (first, last) POS (None: open-ended) keeps only the records that start in
    that range, so that ranges cut from the window partition its records between workers;
    it needs an index.

    cyvcf2 raises a bare `Exception` when htslib cannot parse a record (bad POS, too few
    columns, a non-numeric FORMAT value, a truncated gzip stream); that becomes an
    `InputError` naming the line (streaming) or the record (index query) and quoting it.
    """
    if index is _FIND_INDEX:
        with locus_index(info) as found:
            yield from locus_records(info, reader, window, found, positions)
        return
    start, end = window
    first, final = positions or (None, None)
    contigs = [info.contig] if info.contig else ["chr2", "2"]
    lookback = start - SV_LOOKBACK if info.has_sv_header else start
    if index is None and positions is not None:
        raise ValueError("reading a range of positions needs an index")
    if index is not None:
        try:
            reader.set_index(index)
        except Exception as exc:
            raise InputError(f"the index {index} cannot be read ({exc})", path=str(info.path),
                             hint="re-create it with `tabix -p vcf` or `bcftools index`") from None
        seen_any = False
        for name in contigs:
            query_start = lookback if first is None else max(first, lookback)
            query_end = end if final is None else min(final, end)
            region = f"{name}:{max(1, query_start)}-{query_end}"
            try:
                iterator = iter(reader(region))
            except Exception:
                continue
            k, last = 0, None
            while True:
                try:
                    record = next(iterator)
                    _check_parsed(record)
                    pos = record.POS
                    wanted = ((pos >= start or record_span_end(record) >= start)
                              and (first is None or pos >= first) and (final is None or pos <= final))
                    if wanted:
                        _check_text(record)
                except StopIteration:
                    break
                except Exception as exc:
                    raw = _raw_region_line(info, index, region, k)
                    where = (f"record {name}:{raw.split(chr(9))[1]}" if raw and raw.count("\t") >= 1 else
                             f"the record after {last}" if last else f"the first record in {region}")
                    raise _parse_failure(info, where, raw, None, exc) from None
                k += 1
                last = f"{record.CHROM}:{record.POS}"
                seen_any = True
                if wanted:
                    yield record
            if seen_any:
                break
        return
    # stream
    _declare_stream_contigs(info, reader)
    last_pos = 0
    count = blank_lines = 0
    iterator = iter(reader)
    while True:
        try:
            record = next(iterator)
            if not record.CHROM and record.end <= record.start:
                count += 1  # an empty line (a trailing one is common in hand-edited files)
                blank_lines += 1
                continue
            _check_parsed(record)
            wanted = record.CHROM in contigs and record.POS <= end and record_span_end(record) >= start
            if wanted:
                _check_text(record)
        except StopIteration:
            break
        except Exception as exc:
            if info.header_line_count is not None:
                number = info.header_line_count + count + 1
                raw, problem = _raw_line(info, number)
                if raw is not None and not raw.strip() and not problem:
                    count += 1  # an empty line that htslib did not pass as a record
                    blank_lines += 1
                    continue
                where = "end of the compressed data" if problem else f"line {number}"
            else:
                raw, problem = None, None
                where = f"record {count + 1} (after {last})" if count else "the first record"
            raise _parse_failure(info, where, raw, problem, exc) from None
        count += 1
        last = f"{record.CHROM}:{record.POS}"
        if record.CHROM not in contigs:
            continue
        if record.POS < last_pos and "unsorted records: read by streaming" not in info.warnings:
            info.warnings.append("unsorted records: read by streaming")
        last_pos = record.POS
        if wanted:
            yield record
    if blank_lines:
        info.warnings.append(f"{blank_lines} empty line(s) among the records were skipped")
