"""Find the records at the IL1RN locus and turn each ALT into an `Allele` with its span.

Two jobs, both about *where*:
* fetching: an index query when there is an index; for a bgzipped file without one, a
  temporary index built by htslib (faster than a Python stream, and the input folder may
  be read-only); otherwise a stream. Queries are by overlap, so a deletion that starts far
  upstream and spans IL1RN is found.
* extents: END, SVLEN, CIPOS/CIEND for symbolic alleles; trimmed REF/ALT for explicit ones,
  so that the same deletion written either way gets the same span. Breakend ALTs
  (`G[chr2:113140000[`) are read by their orientation (VCF 4.3 section 5.4): a deletion-
  orientation junction on chromosome 2 is a deletion with those ends, whichever caller wrote
  it (SvABA, GRIDSS, Manta pairs). A translocation (`<TRA>`, SVTYPE=TRA, CHR2 on another
  chromosome) is a breakpoint at POS: its END is the partner's position, not a chr2 end.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import sys
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import cyvcf2
import pysam

from il1rn_annot.errors import InputError
from il1rn_annot.vcf.open_vcf import VcfInput, reopen

# cyvcf2 warns "no intervals found" when a region holds no record: not news (the run says
# how many locus records it read). One filter for the process, instead of a
# `catch_warnings` block around each of the thousands of records a joint VCF's window holds.
warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)

#: ALT alleles that are not variants: gVCF reference blocks and the spanning-deletion star.
NON_VARIANT_ALTS = {"<*>", "<NON_REF>", "*", "<X>", "."}
DELETION_SYMBOLS = ("<DEL", "<CN0>")
#: how far upstream of the window to look for SVLEN-only deletions (htslib's index knows END, not SVLEN)
SV_LOOKBACK = 5_000_000
#: how far downstream of the window to look for breakend records whose partner lies upstream
#: of the window's end (the right end of a deletion written as a breakend pair whose left end
#: is not in the file, or lies beyond SV_LOOKBACK). Only queried in files whose header
#: declares breakends (MATEID/PARID/EVENT/ALT BND): one more index query of 5 Mb of an SV
#: file (a few hundred records); SNV/indel VCFs never pay it. Events whose two ends both lie
#: more than 5 Mb from the window (a deletion of more than ~10 Mb) are not read.
BND_LOOKAHEAD = 5_000_000


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
    #: for an allele read from a breakend: (reading, chrom, low end, high end), the same for
    #: both mates of a pair, so the pair is counted once (scan.LocusTally)
    event: tuple[str, str, int, int] | None = None
    #: what the reader of the outputs must know about how the allele was read (annotate adds
    #: them to the annotation's notes)
    notes: tuple[str, ...] = ()

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


def _info(record: cyvcf2.Variant, key: str) -> Any:
    """record.INFO[key] as cyvcf2 gives it (a tuple for Number>1 fields); None where absent or
    unreadable (cyvcf2 raises on values htslib cannot parse): the readers below then treat the
    field as absent rather than stop the file on an optional annotation."""
    try:
        return record.INFO.get(key)
    except Exception:
        return None


def _first_info(record: cyvcf2.Variant, key: str) -> Any:
    """The first value of an INFO field (callers write SVLEN, CHR2, SVTYPE as Number=. too)."""
    value = _info(record, key)
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value


def _int_info(record: cyvcf2.Variant, key: str) -> int | None:
    value = _first_info(record, key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pair_info(record: cyvcf2.Variant, key: str) -> tuple[int, int] | None:
    """A two-integer INFO value such as CIPOS; a missing member (`CIPOS=.,.`, legal VCF) gives
    None, as if the field were absent: no confidence interval was stated."""
    value = _info(record, key)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
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


# ---------------------------------------------------------------------------------------
# breakends (VCF 4.3 section 5.4) and translocations


@dataclass(frozen=True)
class Junction:
    """What one breakend ALT says: the partner position and how the pieces are joined.

    `form` is the spec's notation: `t[p[` (the piece right of p follows t), `t]p]` (the
    reverse complement of the piece left of p follows t), `]p]t` (the piece left of p comes
    before t), `[p[t` (the reverse complement of the piece right of p comes before t).
    """

    partner_chrom: str
    partner_pos: int
    form: str


_BRACKETED = re.compile(r"^(?P<before>[A-Za-z*]*)(?P<b1>[\[\]])(?P<mate>.+):(?P<pos>[0-9]+)(?P<b2>[\[\]])"
                        r"(?P<after>[A-Za-z*]*)$")


def parse_breakend(alt: str) -> Junction | None:
    """The junction a mated breakend ALT describes; None for anything else (single breakends
    `G.` / `.G`, symbolic alleles, sequences, malformed text)."""
    found = _BRACKETED.match(alt)
    if found is None or found["b1"] != found["b2"] or bool(found["before"]) == bool(found["after"]):
        return None
    bracket = found["b1"]
    if found["before"]:
        form = "t[p[" if bracket == "[" else "t]p]"
    else:
        form = "]p]t" if bracket == "]" else "[p[t"
    mate = found["mate"]
    if mate.startswith("<") and mate.endswith(">"):
        mate = mate[1:-1]  # an assembly contig: `<ctg1>`
    return Junction(mate, int(found["pos"]), form)


def same_chromosome(a: str, b: str) -> bool:
    """`chr2` and `2` name one chromosome (a file may mix the styles in ALT and CHR2)."""
    def bare(name: str) -> str:
        return name[3:] if name.lower().startswith("chr") else name
    return bare(a).upper() == bare(b).upper()


def junction_reading(chrom: str, pos: int, junction: Junction) -> tuple[str, int, int]:
    """(reading, low, high) of a breakend at `chrom:pos`, by its orientation.

    Same chromosome: `t[p[` with p downstream, or `]p]t` with p upstream, joins the base at
    the left end to the base at the right end: the bases between are deleted. The opposite
    pairs (`]p]t` downstream, `t[p[` upstream) join the right end back to the left: a tandem
    duplication of low..high. `t]p]` and `[p[t` join a piece to a reversed one: an
    inversion junction. Another chromosome: a translocation, a breakpoint at `pos` only.
    """
    if not same_chromosome(chrom, junction.partner_chrom):
        return "translocation", pos, pos
    p = junction.partner_pos
    low, high = min(pos, p), max(pos, p)
    if p == pos:
        return "breakend", pos, pos
    if junction.form in ("t]p]", "[p[t"):
        return "inversion", low, high
    downstream = p > pos
    if (junction.form == "t[p[") == downstream:
        return "deletion", low, high
    return "duplication", low, high


def breakend_words(chrom: str, pos: int, alt: str) -> str:
    """How a clinician reads a breakend ALT: 'inversion junction chr2:113131068-113200000
    (breakend G]chr2:113200000])'. Used for the allele label of breakends not read as deletions."""
    junction = parse_breakend(alt)
    if junction is None:
        return f"breakend {chrom}:{pos} ({alt})"
    reading, low, high = junction_reading(chrom, pos, junction)
    if reading == "translocation":
        return f"translocation breakpoint {chrom}:{pos}, partner {junction.partner_chrom}:{junction.partner_pos} ({alt})"
    if reading in ("inversion", "duplication"):
        return f"{reading} junction {chrom}:{low}-{high} (breakend {alt})"
    return f"breakend {chrom}:{pos} ({alt})"


def _text_info(record: cyvcf2.Variant, key: str) -> str | None:
    value = _first_info(record, key)
    return value if isinstance(value, str) else None


def translocation_partner(record: cyvcf2.Variant) -> str | None:
    """'chr7:1000' (or 'chr7') when a symbolic record is a translocation, else None.

    DELLY and novoBreak write `<TRA>` / SVTYPE=TRA with CHR2 = the partner chromosome and
    END = the partner's position there (DELLY's VCF header: "End position of the structural
    variant" on CHR2). Read as a chr2 end, that END made a 235 Mb chr2 span over IL1RN.
    """
    alts = [a.upper() for a in record.ALT]
    chr2 = _text_info(record, "CHR2")
    svtype = (_text_info(record, "SVTYPE") or "").upper()
    other = chr2 is not None and not same_chromosome(chr2, record.CHROM)
    if not (any(a.startswith("<TRA") for a in alts) or svtype == "TRA" or
            (other and any(a.startswith("<") for a in alts))):
        return None
    end = _int_info(record, "END")
    partner = chr2 or "another chromosome"
    return f"{partner}:{end}" if end is not None and chr2 else partner


def _mate_name(record: cyvcf2.Variant) -> str:
    """The mate's record ID as the caller names it (MATEID: Manta, SvABA, DELLY; PARID: GRIDSS)."""
    for key in ("MATEID", "PARID"):
        value = _text_info(record, key)
        if value:
            return f"{key} {value}"
    return ""


def _breakend_allele(record: cyvcf2.Variant, index: int, alt: str, filt: str, vcf_id: str) -> Allele:
    """A breakend ALT as an allele: a deletion when the junction says so, else a named breakend."""
    junction = parse_breakend(alt)
    chrom, pos = record.CHROM, record.POS
    ci = (_pair_info(record, "CIPOS"), _pair_info(record, "CIEND"))
    imprecise = _flag(record, "IMPRECISE")
    if junction is None:
        return Allele(chrom, pos, record.REF, alt, index, "breakend", pos, pos, "", "", vcf_id, filt,
                      imprecise=imprecise, notes=("single breakend: its partner is not named",)
                      if alt.startswith(".") or alt.endswith(".") else ())
    reading, low, high = junction_reading(chrom, pos, junction)
    mate = _mate_name(record)
    said = f"breakend {alt} at {chrom}:{pos}" + (f" ({mate})" if mate else "")
    if reading == "deletion" and high - low >= 2:
        # POS-style padding base at the left end: the deleted bases are low+1..high-1, as for
        # <DEL> with POS=low and END=high-1; both mates give this allele (counted once)
        return Allele(chrom, low, record.REF, alt, index, "sv_deletion", low + 1, high - 1, "", "", vcf_id, filt,
                      symbolic=True, imprecise=imprecise, ci_start=ci[0], ci_end=ci[1],
                      event=("deletion", chrom, low, high),
                      notes=(f"{said} read as a deletion of {chrom}:{low + 1}-{high - 1} (deletion orientation, "
                             "VCF 4.3 section 5.4)",))
    if reading in ("deletion", "breakend"):
        return Allele(chrom, pos, record.REF, alt, index, "breakend", pos, pos, "", "", vcf_id, filt,
                      imprecise=imprecise, notes=(f"{said}: the junction removes no base",) if reading == "deletion"
                      else ())
    start, end = (pos, pos) if reading == "translocation" else (low, high)
    note = (f"{said}: translocation breakpoint, partner {junction.partner_chrom}:{junction.partner_pos}"
            if reading == "translocation" else
            f"{said} read as {'a' if reading == 'duplication' else 'an'} {reading} junction of {chrom}:{low}-{high} "
            "(VCF 4.3 section 5.4)")
    return Allele(chrom, pos, record.REF, alt, index, "breakend", start, end, "", "", vcf_id, filt,
                  imprecise=imprecise, event=(reading, chrom, low, high) if reading != "translocation" else None,
                  notes=(note,))


def _flag(record: cyvcf2.Variant, key: str) -> bool:
    return bool(_info(record, key))


def breakend_reach(record: cyvcf2.Variant) -> int | None:
    """The partner position of a breakend record whose partner is on its chromosome, else None."""
    for alt in record.ALT:
        if "[" in alt or "]" in alt:
            junction = parse_breakend(alt)
            if junction is not None and same_chromosome(record.CHROM, junction.partner_chrom):
                return junction.partner_pos
    return None


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
            out.append(_breakend_allele(record, index, alt_raw, filt, vcf_id))
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
    partner = translocation_partner(record)
    if partner is not None:
        # END is the partner's position on CHR2, not an end on this chromosome
        return Allele(record.CHROM, record.POS, record.REF, alt, index, "other_sv", record.POS, record.POS, "", "",
                      vcf_id, filt, symbolic=True, imprecise=_flag(record, "IMPRECISE"),
                      ci_start=_pair_info(record, "CIPOS"),
                      notes=(f"translocation breakpoint at {record.CHROM}:{record.POS}, partner {partner} "
                             "(CHR2/END name the partner, not an end on this chromosome)",))
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
    if end is None and upper.startswith("<INS"):
        # SVLEN of an insertion is the inserted length, not reference bases: the event sits
        # between POS and POS+1 (VCF 4.3: END = POS for an insertion)
        end = record.POS + 1
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
    imprecise = _flag(record, "IMPRECISE")
    # VCF: POS is the padding base before a symbolic deletion; the deleted span is POS+1..END.
    start = record.POS + 1 if kind in ("sv_deletion", "cnv") else record.POS
    return Allele(record.CHROM, record.POS, record.REF, alt, index, kind, start, max(start, end), "", "",
                  vcf_id, filt, symbolic=True, imprecise=imprecise,
                  ci_start=_pair_info(record, "CIPOS"), ci_end=_pair_info(record, "CIEND"), svlen=svlen)


def record_span_end(record: cyvcf2.Variant) -> int:
    """Last reference base a record touches (END / SVLEN / breakend-partner aware) without building alleles.

    A translocation touches POS only (htslib reads its END, the partner's position, as an end
    on this chromosome); a breakend joined to a downstream base of its chromosome reaches that
    base (the left end of a deletion written as a breakend pair spans the window between);
    an insertion's SVLEN is inserted sequence, not reference.
    """
    alts = record.ALT
    own_end = record.POS + max(len(record.REF), 1) - 1
    if any(a.startswith("<") for a in alts) and translocation_partner(record) is not None:
        return own_end
    if alts and all("[" in a or "]" in a or a.startswith(".") or a.endswith(".") for a in alts):
        # END has no meaning for a breakend (VCF 4.3 section 5.4); DELLY 1.x and Sniffles still
        # write the partner's position there, which htslib takes as this record's end
        end = own_end
    else:
        end = record.end  # htslib: 0-based exclusive end from rlen (uses END when present)
    if any(a.startswith("<") and not a.upper().startswith("<INS") for a in alts):
        svlen = _int_info(record, "SVLEN")
        if svlen is not None:
            end = max(end, record.POS + abs(svlen))
    elif any(a.upper().startswith("<INS") for a in alts) and _int_info(record, "END") is None:
        end = max(end, record.POS + 1)
    partner = breakend_reach(record) if any("[" in a or "]" in a for a in alts) else None
    if partner is not None and partner > record.POS:
        end = max(end, partner)
    return end


def reaches_back(record: cyvcf2.Variant, before: int) -> bool:
    """True for a breakend record joined to a base of its chromosome at or before `before`:
    the right end of a junction whose left end lies upstream (fetched past the window)."""
    partner = breakend_reach(record)
    return partner is not None and partner <= before < record.POS


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


def htslib_reason(replay: Callable[[], object]) -> str | None:
    """htslib's own message for a failure, got by running `replay` again with file descriptor 2
    captured (error path only). htslib writes its reason ("[E::vcf_parse_format_fill5] Invalid
    character ...") to stderr, where a batch run's log may not show it; the error then used to
    say "see htslib's message above" in the cohort table, where no message is shown."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            replay()
        except Exception:
            pass
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        text = captured.read(1 << 16).decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chosen = next((line for line in lines if line.startswith("[E::")), None) or next(
        (line for line in lines if line.startswith("[W::")), None)
    if chosen is None:
        return None
    chosen = re.sub(r"^\[[EW]::[^\]]*\]\s*", "", chosen)
    return chosen if len(chosen) <= 300 else chosen[:297] + "..."


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
        _declare_stream_contigs(info, reader)
        for _ in reader:
            pass
    return replay


def _diagnose(line: str, n_samples: int, reason: str | None = None) -> str:
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
    return f"htslib rejected a value in it ({reason or 'htslib gave no reason'})"


def _parse_failure(info: VcfInput, where: str, line: str | None, problem: str | None,
                   exc: BaseException | None = None, replay: Callable[[], object] | None = None) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError("the record is not UTF-8 text", path=str(info.path), where=where,
                          hint="VCF text is UTF-8: convert the file, e.g. `iconv -f latin1 -t utf-8`")
    if problem:
        return InputError(problem, path=str(info.path), where=where,
                          hint="copy or re-create the file (interrupted copy or caller run?)")
    reason = htslib_reason(replay) if replay is not None else None
    if line is not None:
        shown = line if len(line) <= 120 else line[:117] + "..."
        return InputError(f"htslib cannot parse this record: {_diagnose(line, len(info.samples), reason)}: {shown!r}",
                          path=str(info.path), where=where,
                          hint="fix or remove the record; `bcftools view` on the file names the faulty field")
    said = f": {reason}" if reason else f" ({exc})" if exc is not None and str(exc) else " (htslib gave no reason)"
    return InputError(f"htslib cannot parse a record{said}", path=str(info.path),
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
        _check_text(record)


def _query(info: VcfInput, reader: cyvcf2.VCF, index: str, name: str, region: str, ahead: bool,
           window: tuple[int, int], first: int | None, final: int | None,
           short: ShortRecords | None) -> Iterator[cyvcf2.Variant | None]:
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
            _check_parsed(record)
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
            raw = _raw_region_line(info, index, region, k)
            where = (f"record {name}:{raw.split(chr(9))[1]}" if raw and raw.count("\t") >= 1 else
                     f"the record after {last}" if last else f"the first record in {region}")
            raise _parse_failure(info, where, raw, None, exc, _replay_query(info, index, region)) from None
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
        with opener(info.path, "rb") as handle:  # type: ignore[operator]
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


def locus_records(info: VcfInput, reader: cyvcf2.VCF, window: tuple[int, int], index: Any = _FIND_INDEX,
                  positions: tuple[int | None, int | None] | None = None,
                  short: ShortRecords | None = None) -> Iterator[cyvcf2.Variant]:
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
            raise InputError(f"the index {index} cannot be read ({exc})", path=str(info.path),
                             hint="re-create it with `tabix -p vcf` or `bcftools index`") from None
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
            on_chr2 = record.CHROM in contigs
            wanted = on_chr2 and ((record.POS <= end and record_span_end(record) >= start) or (
                end < record.POS <= end + BND_LOOKAHEAD and info.has_breakend_header and reaches_back(record, end)))
            _take(record, wanted, short, counts=True)
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
            raise _parse_failure(info, where, raw, problem, exc, _replay_stream(info)) from None
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
