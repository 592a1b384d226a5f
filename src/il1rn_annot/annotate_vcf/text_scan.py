"""A joint VCF's window read in two passes: sites first, genotypes only where they bear on interpretation.

htslib's parse of every sample's every FORMAT field is what a big joint VCF costs
(`scan.py`). Most records need no sample's call: intronic, UTR and synonymous alleles are
counted, not listed. So each record of a range is read here as text: the lines from where
htslib's index query reads (`vcf.index` region_span: the same blocks; a later range from a line
start just before its first record, `vcf.bgzf_seek`) to the range's end, size-checked as they
are decompressed (`vcf.limits.locus_lines`: the one decompression of the window), kept when
they overlap the query as htslib keeps them; its site columns are parsed by htslib alone
(a sites-only record: what the annotated VCF writes) and its alleles annotated.
Then:

* a record with an allele that bears on interpretation (`tally.bears_on_interpretation`:
  P/LP, VUS, curated, association), or with FORMAT/CN or a GT not first, is parsed whole by
  htslib (its line, behind the file's header) and tallied exactly as `scan.py` tallies it
  (calls, depth, phase, filters);
* every other record's GTs are counted from the text, a chunk of records at a time
  (`core.genotype_text`); a GT that is not in its plain diploid form sends that record to
  htslib too.

The tally, and so every output, is the same as one htslib pass gives (tests/test_text_scan.py
compares the outputs byte for byte). Only a file of the plain joint shape is read this way
(`eligible`); in a range, anything else the old reader handles its own way (a record without
sample columns, a symbolic or breakend ALT, an INFO/END, a parse or input error) raises
`NotPlain`, and the caller reads the whole file the old way, which also reports any error
exactly as before. Values in a FORMAT field other than GT are not parsed at counted records:
a malformed DP there is not an error here, as it would be for htslib (no result reads it).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import cyvcf2

from il1rn_annot.annotate_vcf.tally import (
    LocusTally,
    ScanPlan,
    annotated,
    bears_on_interpretation,
)
from il1rn_annot.core.alleles import Allele, alleles_of
from il1rn_annot.core.genotype_text import CountedGenotypes, count_gt_text
from il1rn_annot.outputs.annotated_vcf import annotated_line, declare_annotation_info
from il1rn_annot.vcf.bgzf_seek import line_start_before
from il1rn_annot.vcf.fetch import ShortRecords, check_parsed, check_text, header_sample_count
from il1rn_annot.vcf.index import read_index
from il1rn_annot.vcf.limits import locus_lines
from il1rn_annot.vcf.record_extent import record_span_end
from il1rn_annot.vcf.vcf_input import VcfInput, reopen

#: records whose GTs are counted together (at 10,000 samples a chunk's text is ~4.5 MB) ...
CHUNK_RECORDS = 64
#: ... or fewer, when their sample columns reach this many bytes (memory stays bounded at 100,000 samples)
CHUNK_BYTES = 16 << 20

#: most text kept for records read whole by htslib (beyond: the old read, which streams them)
WHOLE_MAX_BYTES = 64 << 20

Line = tuple[str, int, bytes]  # (CHROM, POS, the annotated sites-only VCF line)


class NotPlain(Exception):
    """The range holds a record this reader does not take: read the file the old way."""


def eligible(plan: ScanPlan) -> bool:
    """Whether the scan of `plan` reads the file as text (`eligible_input`, with its own index, not `--full-parse`)."""
    return (
        plan.text_read
        and plan.index is not None
        and plan.index == plan.info.index_path
        and eligible_input(plan.info, plan.samples is not None, plan.all_findings)
    )


def eligible_input(info: VcfInput, subset: bool, all_findings: bool) -> bool:
    """A bgzipped small-variant joint VCF with its own index, all of whose samples are read.

    Not: a gVCF (its coverage needs every record's GQ and depth), a file declaring SVs or
    breakends (look-back and look-ahead queries, END/SVLEN spans), a sample subset, a BCF,
    a file without an index of its own, or one whose every carried allele is listed.
    """
    n = len(info.samples)
    return bool(
        n
        and info.index_path is not None
        and info.format == "vcf.gz"
        and info.contig is not None
        and not subset
        and not all_findings
        and not info.is_gvcf
        and not info.has_sv_header
        and not info.has_breakend_header
        and header_sample_count(info) == n
    )


def text_range(plan: ScanPlan, bounds: tuple[int | None, int | None]) -> tuple[LocusTally, list[Line], str]:
    """The tally and the annotated sites-only VCF lines of the records starting in `bounds`,
    and the header the lines were formatted with. Raises `NotPlain` for anything else."""
    try:
        return _TextRange(plan).read(bounds)
    except NotPlain:
        raise
    except Exception as exc:  # an input or parse error: the old reader reports it as it always has
        raise NotPlain(f"{type(exc).__name__}: {exc}") from None


class _TextRange:
    """One range read as text. Records are kept in file order as (sites record, counts), the
    counts None for a record read whole; those lines are parsed by htslib at the end, all
    at once, and the tally is then added up in file order (as `scan.py` adds it)."""

    def __init__(self, plan: ScanPlan) -> None:
        self.plan = plan
        info = plan.info
        self.n = len(info.samples)
        sites = reopen(info, samples=[])
        self.sites = cyvcf2.Writer.from_string(os.devnull, sites.raw_header)
        self.seqnames = list(sites.seqnames)
        sites.close()
        declare_annotation_info(self.sites)
        self._items: list[tuple[Any, CountedGenotypes | None, list[Allele] | None]] = []
        self._whole: list[bytes] = []  # lines of the records read whole, in file order
        self._whole_bytes = 0
        # (sites record, its sample columns, its line, its alleles)
        self._pending: list[tuple[Any, memoryview, bytes, list[Allele]]] = []
        self._pending_bytes = 0
        self.tally = LocusTally(self.n)
        self.tally.short = ShortRecords(header_sample_count(info))

    def read(self, bounds: tuple[int | None, int | None]) -> tuple[LocusTally, list[Line], str]:
        plan, info = self.plan, self.plan.info
        start, end = plan.window
        first, final = bounds
        query_start = start if first is None else max(first, start)
        query_end = end if final is None else min(final, end)
        query_start = max(1, query_start)
        assert plan.index is not None and info.contig is not None  # eligible() says so
        span = read_index(plan.index).region_span(info.contig, query_start - 1, query_end, self.seqnames)
        if span is not None and first is not None:
            # a later range: from a line start close before its first record, not from the start
            # of the 16 kb index window it begins in (the earlier range reads those lines)
            later = line_start_before(info.path, span, info.contig, first)
            span = (later if later <= span[1] else span[0], span[1])
        if span is not None:  # else the index holds no record there
            # the lines htslib's index query would read, size-checked (open_vcf left that to here)
            for text in locus_lines(info.path, span, info.contig, query_end):
                self._take(text, start, query_start, first, final)
        self._flush()
        whole = iter(self._read_whole())
        lines: list[Line] = []
        for record, counted, alleles in self._items:
            if counted is None:
                full = next(whole)
                if (full.POS, full.REF, full.ALT) != (record.POS, record.REF, record.ALT):
                    raise NotPlain(f"record {record.CHROM}:{record.POS} read differently as a whole line")
                per_alt = self.tally.add(plan, full)
            else:
                per_alt = self.tally.add_counted(plan, record, counted, alleles)
            lines.append((record.CHROM, record.POS, annotated_line(record, per_alt)))
        return self.tally, lines, self.sites.raw_header

    def _take(self, text: bytes, start: int, query_start: int, first: int | None, final: int | None) -> None:
        # the tabs ending the first nine columns, found without splitting the line: a split
        # copied the sample columns (~60 kB a record at 10,000 samples) of every record,
        # those outside the range too
        tabs = [text.find(b"\t")]
        for _ in range(8):
            if tabs[-1] < 0:
                break
            tabs.append(text.find(b"\t", tabs[-1] + 1))
        if tabs[-1] < 0 or len(tabs) < 9:
            raise NotPlain("a record without sample columns")
        cols = [text[a + 1 : b] for a, b in zip([-1, *tabs[:-1]], tabs, strict=True)]  # CHROM .. FORMAT
        alts, info = cols[4], cols[7]
        if b"<" in alts or b"[" in alts or b"]" in alts or b"END=" in info:
            raise NotPlain("a symbolic or breakend ALT, or an END")  # spans the index computes otherwise
        if any(a != b"." and (a.startswith(b".") or a.endswith(b".")) for a in alts.split(b",")):
            raise NotPlain("a single breakend")
        pos = int(cols[1])
        if pos + len(cols[3]) - 1 < query_start:
            return  # ends before the query: htslib's index query does not return it
        if (first is not None and pos < first) or (final is not None and pos > final):
            return  # another range's record (one that starts before this range and reaches into it)
        record = self.sites.variant_from_string(text[: tabs[7]].decode("utf-8"))
        check_parsed(record)
        if pos < start and record_span_end(record) < start:
            return  # before the window, not reaching into it (as `fetch.locus_records` skips it)
        check_text(record)
        keys = cols[8].split(b":")
        alleles = alleles_of(record, str(self.plan.info.path), self.plan.contig_length)
        if keys[0] != b"GT" or b"CN" in keys or self._bears(alleles):
            self._flush()
            self._keep_whole(record, text)
            return
        samples = memoryview(text)[tabs[8] + 1 :]  # not a copy: joined with the chunk's others (count_gt_text)
        self._pending.append((record, samples, text, alleles))
        self._pending_bytes += len(samples)
        if len(self._pending) >= CHUNK_RECORDS or self._pending_bytes >= CHUNK_BYTES:
            self._flush()

    def _bears(self, alleles: list[Allele]) -> bool:
        plan = self.plan
        return any(bears_on_interpretation(annotated(plan, allele)[0]) for allele in alleles)

    def _keep_whole(self, record: Any, text: bytes) -> None:
        self._whole_bytes += len(text)
        if self._whole_bytes > WHOLE_MAX_BYTES:
            raise NotPlain("too many records to read whole")
        self._items.append((record, None, None))
        self._whole.append(text)

    def _flush(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if not pending:
            return
        counts = count_gt_text([p[1] for p in pending], self.n, [len(p[0].ALT) for p in pending])
        self.tally.add_sample_counts(counts.called_any, counts.uncalled, counts.half_called)
        for (record, _, text, alleles), counted in zip(pending, counts.records, strict=True):
            if counted is None:
                self._keep_whole(record, text)
            else:
                self._items.append((record, counted, alleles))

    def _read_whole(self) -> list[Any]:
        """htslib's records of the lines kept whole: the file's header and those lines, read
        as a small VCF (the same parse of the same text as reading the input)."""
        if not self._whole:
            return []
        whole = reopen(self.plan.info)
        header = whole.raw_header
        whole.close()
        with tempfile.TemporaryDirectory(prefix="il1rn-whole-") as folder:
            path = os.path.join(folder, "whole.vcf")
            with open(path, "wb") as handle:
                handle.write(header.encode("utf-8"))
                for text in self._whole:
                    handle.write(text + b"\n")
            reader = cyvcf2.VCF(path, gts012=False, lazy=False)
            records = list(reader)
            reader.close()
        return records
