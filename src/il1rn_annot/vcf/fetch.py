"""Fetch the records at the IL1RN locus from an opened input (`vcf.open_vcf`).

An index query when there is an index; for a bgzipped file without one, a temporary index
built by htslib (faster than a Python stream, and the input folder may be read-only);
otherwise a stream, which first declares every contig the records use (htslib crashes on
malformed records of undeclared contigs). Queries are by overlap, so a deletion that starts
far upstream and spans IL1RN is found: a look-back of SV_LOOKBACK in files that declare SVs,
a look-ahead of BND_LOOKAHEAD for breakends joined back into the window. Records without
genotype columns are counted (`ShortRecords`). How far a record reaches is read by
`vcf.record_extent`; a record htslib cannot parse becomes an `InputError` (`vcf.diagnose`).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import cyvcf2
import pysam

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.diagnose import parse_failure, raw_line, raw_region_line
from il1rn_annot.vcf.record_extent import reaches_back, record_span_end
from il1rn_annot.vcf.stream_contigs import declare_stream_contigs
from il1rn_annot.vcf.vcf_input import VcfInput, reopen

# cyvcf2 warns "no intervals found" when a region holds no record: not news (the run says
# how many locus records it read). One filter for the process, instead of a
# `catch_warnings` block around each of the thousands of records a joint VCF's window holds.
warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)

#: how far upstream of the window to look for SVLEN-only deletions (htslib's index knows END, not SVLEN)
SV_LOOKBACK = 5_000_000
#: how far downstream of the window to look for breakend records whose partner lies upstream
#: of the window's end (the right end of a deletion written as a breakend pair whose left end
#: is not in the file, or lies beyond SV_LOOKBACK). Only queried in files whose header
#: declares breakends (MATEID/PARID/EVENT/ALT BND): one more index query of 5 Mb of an SV
#: file (a few hundred records); SNV/indel VCFs never pay it. Events whose two ends both lie
#: more than 5 Mb from the window (a deletion of more than ~10 Mb) are not read.
BND_LOOKAHEAD = 5_000_000


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
            # pysam accepts preset "bcf"; its type stub lists only the tabix text presets
            pysam.tabix_index(
                link,
                preset="bcf",  # type: ignore[arg-type]
                csi=True,
                force=True,
                keep_original=True,
                index=link + ".csi",
            )
            return link + ".csi"
        pysam.tabix_index(link, preset="vcf", force=True, keep_original=True, index=link + ".tbi")
        return link + ".tbi"
    except Exception:
        return None


def _replay_query(info: VcfInput, index: str, region: str) -> Callable[[], object]:
    """Read an index query again to its failing record (for `htslib_reason`)."""

    def replay() -> None:
        reader = reopen(info)
        reader.set_index(index)
        for _ in reader(region):
            pass

    return replay


def _replay_stream(info: VcfInput) -> Callable[[], object]:
    """Stream the file again to its failing record (for `htslib_reason`)."""

    def replay() -> None:
        reader = reopen(info)
        declare_stream_contigs(info, reader)
        for _ in reader:
            pass

    return replay


def check_parsed(record: cyvcf2.Variant) -> None:
    """Raise if htslib returned a record without REF: reading `.REF` would crash the process.

    htslib accepts a line cut after POS or ID (`chr2  113127625  .`) when its contig is not
    declared in the header, and returns a record with no alleles; cyvcf2's `.REF` then
    dereferences a NULL pointer (segmentation fault, found by tests/test_fuzz.py). Every
    real record spans at least one base (REF has at least one), so `end == start` marks it.
    """
    if record.end <= record.start:
        raise ValueError("record without REF allele")


def check_text(record: cyvcf2.Variant) -> None:
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
                info.warnings.append(
                    "no index and a temporary index could not be built (unsorted records?); "
                    "the whole file was streamed: sort and index it for speed"
                )
            else:
                info.warnings.append(
                    "no index: a temporary index was built; indexing the input "
                    "(`tabix -p vcf` / `bcftools index`) makes repeated runs faster"
                )
        yield index


@dataclass
class ShortRecords:
    """Records with no genotype columns in a file whose header names samples (Manta writes
    8-column records among genotyped ones): counted wherever they are read, warned about once."""

    n_samples: int
    count: int = 0
    first: str = ""

    def add(self, record: cyvcf2.Variant, label: str | None = None) -> None:
        self.count += 1
        if not self.first:
            self.first = label or f"{record.CHROM}:{record.POS}"

    def merge(self, later: ShortRecords) -> None:
        self.count += later.count
        self.first = self.first or later.first


def _take(record: cyvcf2.Variant, wanted: bool, short: ShortRecords | None, counts: bool) -> None:
    """What every read of the file (index query or stream) does with a record htslib parsed:
    count it in `short` if it has no genotype columns and `counts` (a query counts only the
    records of its own range, so overlapping queries count each record once), and decode the
    text fields of a wanted one (its UnicodeDecodeError becomes the caller's error naming it)."""
    if short is not None and short.n_samples and counts and not record.FORMAT:
        short.add(record)
    if wanted:
        check_text(record)


def _query(
    info: VcfInput,
    reader: cyvcf2.VCF,
    index: str,
    name: str,
    region: str,
    ahead: bool,
    window: tuple[int, int],
    first: int | None,
    final: int | None,
    short: ShortRecords | None,
) -> Iterator[cyvcf2.Variant | None]:
    """The records of one index query: each wanted record, None for one read past (so the
    caller knows the contig name answered). `ahead`: the look-ahead region past the window,
    where only breakends joined back into it are wanted."""
    start, end = window
    try:
        iterator = iter(reader(region))
    except Exception:
        return
    k, last = 0, None
    while True:
        try:
            record = next(iterator)
            check_parsed(record)
            pos = record.POS
            in_range = (first is None or pos >= first) and (final is None or pos <= final)
            if ahead:
                in_range = pos > end  # the main query returned the records overlapping the window
                wanted = in_range and reaches_back(record, end)
            else:
                wanted = in_range and (pos >= start or record_span_end(record) >= start)
            _take(record, wanted, short, counts=in_range)
        except StopIteration:
            break
        except Exception as exc:
            raw = raw_region_line(info, index, region, k)
            where = (
                f"record {name}:{raw.split(chr(9))[1]}"
                if raw and raw.count("\t") >= 1
                else f"the record after {last}"
                if last
                else f"the first record in {region}"
            )
            raise parse_failure(info, where, raw, None, exc, _replay_query(info, index, region)) from None
        k += 1
        last = f"{record.CHROM}:{record.POS}"
        yield record if wanted else None


#: the whole-file count of records without genotype columns is made for indexed SV files up to
#: this size on disk (a Manta diploidSV.vcf.gz is 1-5 MB: ~20 ms); bigger or non-SV indexed files
#: are checked over the records their queries read (streamed files: every record)
SHORT_SCAN_MAX_BYTES = 8 << 20


def header_sample_count(info: VcfInput) -> int:
    """Sample columns the #CHROM line names (not the subset a run selects)."""
    chrom_line = next((line for line in reversed(info.header_lines) if line.startswith("#CHROM")), "")
    return max(0, len(chrom_line.split("\t")) - 9)


def short_records_in_file(info: VcfInput) -> ShortRecords | None:
    """Count the 8-column records (no genotype columns) over the whole text file; None
    when the file is not scanned (BCF, no samples, larger than SHORT_SCAN_MAX_BYTES)."""
    n = header_sample_count(info)
    if info.format == "bcf" or not n or os.path.getsize(info.path) > SHORT_SCAN_MAX_BYTES:
        return None
    found = ShortRecords(n)
    opener = gzip.open if info.format.startswith("vcf.gz") else open
    try:
        with opener(info.path, "rb") as handle:
            for line in handle:
                # exactly the 8 site columns: htslib reads such a record with no genotypes (a
                # record with some but not all sample columns is a parse error when read)
                if line[:1] in (b"#", b"\n", b"") or line.count(b"\t") != 7:
                    continue
                found.count += 1
                if not found.first:
                    cols = line.decode("utf-8", "replace").split("\t")
                    found.first = f"{cols[0]}:{cols[1]}" if len(cols) > 1 else cols[0].strip()
    except (OSError, EOFError, zlib.error):
        return None
    return found


_FIND_INDEX = object()


def locus_records(
    info: VcfInput,
    reader: cyvcf2.VCF,
    window: tuple[int, int],
    index: Any = _FIND_INDEX,
    positions: tuple[int | None, int | None] | None = None,
    short: ShortRecords | None = None,
) -> Iterator[cyvcf2.Variant]:
    """Yield every record on chromosome 2 that overlaps `window` (1-based inclusive).

    `index`: from `locus_index` (None: stream the file); found here when not given.
    `positions` = (first, last) POS (None: open-ended) keeps only the records that start in
    that range, so that ranges cut from the window partition its records between workers;
    it needs an index. `short` counts the records read (wanted or not) that have no genotype
    columns although the header names samples.

    Breakend records: the left end of a pair joined across the window is found by the look-back
    query (SV files), the right end of one whose left end is missing by a look-ahead query of
    BND_LOOKAHEAD (files whose header declares breakends).

    cyvcf2 raises a bare `Exception` when htslib cannot parse a record (bad POS, too few
    columns, a non-numeric FORMAT value, a truncated gzip stream); that becomes an
    `InputError` naming the line (streaming) or the record (index query) and quoting it.
    """
    if index is _FIND_INDEX:
        with locus_index(info) as found:
            yield from locus_records(info, reader, window, found, positions, short)
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
            raise InputError(
                f"the index {index} cannot be read ({exc})",
                path=str(info.path),
                hint="re-create it with `tabix -p vcf` or `bcftools index`",
            ) from None
        seen_any = False
        for name in contigs:
            query_start = lookback if first is None else max(first, lookback)
            query_end = end if final is None else min(final, end)
            regions = [(f"{name}:{max(1, query_start)}-{query_end}", False)]
            if final is None and info.has_breakend_header:
                regions.append((f"{name}:{end + 1}-{end + BND_LOOKAHEAD}", True))
            for region, ahead in regions:
                for record in _query(info, reader, index, name, region, ahead, window, first, final, short):
                    seen_any = True
                    if record is not None:
                        yield record
            if seen_any:
                break
        return
    # stream
    declare_stream_contigs(info, reader)
    last_pos = 0
    count = blank_lines = 0
    last = ""  # the record before a failing one (named in the error when there is one)
    iterator = iter(reader)
    while True:
        try:
            record = next(iterator)
            if not record.CHROM and record.end <= record.start:
                count += 1  # an empty line (a trailing one is common in hand-edited files)
                blank_lines += 1
                continue
            check_parsed(record)
            on_chr2 = record.CHROM in contigs
            # record.POS is a field, not a constant (ruff's SIM300 takes upper case for one)
            wanted = on_chr2 and (
                (end >= record.POS and record_span_end(record) >= start)
                or (end < record.POS <= end + BND_LOOKAHEAD and info.has_breakend_header and reaches_back(record, end))
            )
            _take(record, wanted, short, counts=True)
        except StopIteration:
            break
        except Exception as exc:
            if info.header_line_count is not None:
                number = info.header_line_count + count + 1
                raw, problem = raw_line(info, number)
                if raw is not None and not raw.strip() and not problem:
                    count += 1  # an empty line that htslib did not pass as a record
                    blank_lines += 1
                    continue
                where = "end of the compressed data" if problem else f"line {number}"
            else:
                raw, problem = None, None
                where = f"record {count + 1} (after {last})" if count else "the first record"
            raise parse_failure(info, where, raw, problem, exc, _replay_stream(info)) from None
        count += 1
        last = f"{record.CHROM}:{record.POS}"
        if record.CHROM not in contigs:
            continue
        if record.POS < last_pos and "unsorted records: read by streaming" not in info.warnings:  # noqa: SIM300
            info.warnings.append("unsorted records: read by streaming")
        last_pos = record.POS
        if wanted:
            yield record
    if blank_lines:
        info.warnings.append(f"{blank_lines} empty line(s) among the records were skipped")
