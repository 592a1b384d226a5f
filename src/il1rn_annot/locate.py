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

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cyvcf2
import pysam

from .errors import InputError
from .read_vcf import VcfInput

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
    """Index a bgzipped VCF/BCF in a temp dir (the input folder may be read-only)."""
    link = os.path.join(workdir, "input" + (".bcf" if info.format == "bcf" else ".vcf.gz"))
    os.symlink(os.path.abspath(info.path), link)
    try:
        if info.format == "bcf":
            pysam.bcftools.index("--csi", "-o", link + ".csi", link, catch_stdout=False)
            return link + ".csi"
        pysam.tabix_index(link, preset="vcf", force=True, keep_original=True, index=link + ".tbi")
        return link + ".tbi"
    except Exception:
        return None


def locus_records(info: VcfInput, reader: cyvcf2.VCF, window: tuple[int, int]) -> Iterator[cyvcf2.Variant]:
    """Yield every record on chromosome 2 that overlaps `window` (1-based inclusive)."""
    start, end = window
    contigs = [info.contig] if info.contig else ["chr2", "2"]
    lookback = start - SV_LOOKBACK if info.has_sv_header else start
    with tempfile.TemporaryDirectory(prefix="il1rn-index-") as workdir:
        index = info.index_path
        if index is None and info.format in ("vcf.gz", "bcf"):
            index = _temporary_index(info, workdir)
            if index is None:
                info.warnings.append("no index and a temporary index could not be built (unsorted records?); "
                                     "the whole file was streamed: sort and index it for speed")
            else:
                info.warnings.append("no index: a temporary index was built; indexing the input "
                                     "(`tabix -p vcf` / `bcftools index`) makes repeated runs faster")
        if index is not None:
            try:
                reader.set_index(index)
            except Exception as exc:
                raise InputError(f"the index {index} cannot be read ({exc})", path=str(info.path),
                                 hint="re-create it with `tabix -p vcf` or `bcftools index`") from None
            seen_any = False
            for name in contigs:
                try:
                    iterator = reader(f"{name}:{max(1, lookback)}-{end}")
                except Exception:
                    continue
                for record in iterator:
                    seen_any = True
                    if record.POS < start and record_span_end(record) < start:
                        continue
                    yield record
                if seen_any:
                    break
            return
        # stream
        last_pos = 0
        for record in reader:
            if record.CHROM not in contigs:
                continue
            if record.POS < last_pos and "unsorted records: read by streaming" not in info.warnings:
                info.warnings.append("unsorted records: read by streaming")
            last_pos = record.POS
            if record.POS > end:
                continue
            if record_span_end(record) < start:
                continue
            yield record


def reopen_for_stream(path: Path) -> cyvcf2.VCF:
    return cyvcf2.VCF(str(path), gts012=False, lazy=False)
