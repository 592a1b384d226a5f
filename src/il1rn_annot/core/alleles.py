"""Turn each ALT of a VCF record into an `Allele` with the reference span it changes.

Explicit alleles are trimmed (shared prefix and suffix), so that the same deletion written
either way gets the same span. Symbolic alleles (`<DEL>`, `<CN0>`, `<CNV>`, `<DUP>`...) take
their span from END / SVLEN (checked against each other and the contig length). Breakend
ALTs are read by their orientation (VCF 4.3 section 5.4): a deletion-orientation junction
on chromosome 2 is a deletion with those ends, whichever caller wrote it (SvABA, GRIDSS,
Manta pairs); other junctions are named breakends. A translocation is a breakpoint at POS.
The record-level readings (END, SVLEN, breakend partners) are in `vcf.record_extent`,
shared with the fetch of the locus records.
"""

from __future__ import annotations

from dataclasses import dataclass

import cyvcf2

from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, DELETION_TYPES
from il1rn_annot.errors import InputError
from il1rn_annot.vcf.record_extent import (
    info_flag,
    int_info,
    junction_reading,
    pair_info,
    parse_breakend,
    record_where,
    text_info,
    translocation_partner,
)

#: ALT alleles that are not variants: gVCF reference blocks and the spanning-deletion star.
NON_VARIANT_ALTS = {"<*>", "<NON_REF>", "*", "<X>", "."}
DELETION_SYMBOLS = ("<DEL", "<CN0>")


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
    #: both mates of a pair, so the pair is counted once (tally.LocusTally)
    event: tuple[str, str, int, int] | None = None
    #: what the reader of the outputs must know about how the allele was read (annotate adds
    #: them to the annotation's notes)
    notes: tuple[str, ...] = ()

    @property
    def allele_id(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    @property
    def is_deletion(self) -> bool:
        return self.kind in ANY_DELETION_TYPES

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Remove the shared suffix, then the shared prefix; return (first changed pos, ref, alt)."""
    while ref and alt and ref[-1] == alt[-1] and len(ref) > 0 and len(alt) > 0:
        if len(ref) == 1 and len(alt) == 1:
            break
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def breakend_words(chrom: str, pos: int, alt: str) -> str:
    """How a clinician reads a breakend ALT: 'inversion junction chr2:113131068-113200000
    (breakend G]chr2:113200000])'. Used for the allele label of breakends not read as deletions."""
    junction = parse_breakend(alt)
    if junction is None:
        return f"breakend {chrom}:{pos} ({alt})"
    reading, low, high = junction_reading(chrom, pos, junction)
    if reading == "translocation":
        return (
            f"translocation breakpoint {chrom}:{pos}, partner {junction.partner_chrom}:{junction.partner_pos} ({alt})"
        )
    if reading in ("inversion", "duplication"):
        return f"{reading} junction {chrom}:{low}-{high} (breakend {alt})"
    return f"breakend {chrom}:{pos} ({alt})"


def _mate_name(record: cyvcf2.Variant) -> str:
    """The mate's record ID as the caller names it (MATEID: Manta, SvABA, DELLY; PARID: GRIDSS)."""
    for key in ("MATEID", "PARID"):
        value = text_info(record, key)
        if value:
            return f"{key} {value}"
    return ""


def _breakend_allele(record: cyvcf2.Variant, index: int, alt: str, filt: str, vcf_id: str) -> Allele:
    """A breakend ALT as an allele: a deletion when the junction says so, else a named breakend."""
    junction = parse_breakend(alt)
    chrom, pos = record.CHROM, record.POS
    ci = (pair_info(record, "CIPOS"), pair_info(record, "CIEND"))
    imprecise = info_flag(record, "IMPRECISE")
    if junction is None:
        return Allele(
            chrom,
            pos,
            record.REF,
            alt,
            index,
            "breakend",
            pos,
            pos,
            "",
            "",
            vcf_id,
            filt,
            imprecise=imprecise,
            notes=("single breakend: its partner is not named",) if alt.startswith(".") or alt.endswith(".") else (),
        )
    reading, low, high = junction_reading(chrom, pos, junction)
    mate = _mate_name(record)
    said = f"breakend {alt} at {chrom}:{pos}" + (f" ({mate})" if mate else "")
    if reading == "deletion" and high - low >= 2:
        # POS-style padding base at the left end: the deleted bases are low+1..high-1, as for
        # <DEL> with POS=low and END=high-1; both mates give this allele (counted once)
        return Allele(
            chrom,
            low,
            record.REF,
            alt,
            index,
            "sv_deletion",
            low + 1,
            high - 1,
            "",
            "",
            vcf_id,
            filt,
            symbolic=True,
            imprecise=imprecise,
            ci_start=ci[0],
            ci_end=ci[1],
            event=("deletion", chrom, low, high),
            notes=(
                (
                    f"{said} read as a deletion of {chrom}:{low + 1}-{high - 1} (deletion orientation, "
                    "VCF 4.3 section 5.4)"
                ),
            ),
        )
    if reading in ("deletion", "breakend"):
        return Allele(
            chrom,
            pos,
            record.REF,
            alt,
            index,
            "breakend",
            pos,
            pos,
            "",
            "",
            vcf_id,
            filt,
            imprecise=imprecise,
            notes=(f"{said}: the junction removes no base",) if reading == "deletion" else (),
        )
    start, end = (pos, pos) if reading == "translocation" else (low, high)
    note = (
        f"{said}: translocation breakpoint, partner {junction.partner_chrom}:{junction.partner_pos}"
        if reading == "translocation"
        else f"{said} read as {'a' if reading == 'duplication' else 'an'} {reading} junction of {chrom}:{low}-{high} "
        "(VCF 4.3 section 5.4)"
    )
    return Allele(
        chrom,
        pos,
        record.REF,
        alt,
        index,
        "breakend",
        start,
        end,
        "",
        "",
        vcf_id,
        filt,
        imprecise=imprecise,
        event=(reading, chrom, low, high) if reading != "translocation" else None,
        notes=(note,),
    )


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
            raise InputError(
                f"ALT '{alt_raw}' or REF '{record.REF}' is not a DNA sequence or symbolic allele",
                path=path,
                where=where,
                hint="fix the record or remove it",
            )
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


def _symbolic_allele(
    record: cyvcf2.Variant,
    path: str,
    where: str,
    index: int,
    alt: str,
    filt: str,
    vcf_id: str,
    contig_length: int | None,
) -> Allele:
    upper = alt.upper()
    partner = translocation_partner(record)
    if partner is not None:
        # END is the partner's position on CHR2, not an end on this chromosome
        return Allele(
            record.CHROM,
            record.POS,
            record.REF,
            alt,
            index,
            "other_sv",
            record.POS,
            record.POS,
            "",
            "",
            vcf_id,
            filt,
            symbolic=True,
            imprecise=info_flag(record, "IMPRECISE"),
            ci_start=pair_info(record, "CIPOS"),
            notes=(
                (
                    f"translocation breakpoint at {record.CHROM}:{record.POS}, partner {partner} "
                    "(CHR2/END name the partner, not an end on this chromosome)"
                ),
            ),
        )
    end = int_info(record, "END")
    svlen = int_info(record, "SVLEN")
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
        raise InputError(
            f"symbolic allele {alt} has neither INFO/END nor INFO/SVLEN, so its span is unknown",
            path=path,
            where=where,
            hint="add INFO/END (last deleted base) to the record",
        )
    if end is None and upper.startswith("<INS"):
        # SVLEN of an insertion is the inserted length, not reference bases: the event sits
        # between POS and POS+1 (VCF 4.3: END = POS for an insertion)
        end = record.POS + 1
    if end is None:
        end = record.POS + abs(svlen or 0)
    if end < record.POS:
        raise InputError(
            f"END={end} lies before POS={record.POS}",
            path=path,
            where=where,
            hint="END must be the last reference base of the event",
        )
    if contig_length and end > contig_length:
        raise InputError(
            f"END={end} (or POS+|SVLEN|) lies beyond the end of the contig ({contig_length:,} bp)",
            path=path,
            where=where,
            hint="check SVLEN/END: the value is impossible",
        )
    if svlen is not None and kind != "other_sv":
        span = end - record.POS
        if abs(svlen) > 10 * max(span, 1) + 1000:
            raise InputError(
                f"SVLEN={svlen} disagrees with END={end} (span {span:,} bp)",
                path=path,
                where=where,
                hint="one of them is wrong; fix the caller output",
            )
    imprecise = info_flag(record, "IMPRECISE")
    # VCF: POS is the padding base before a symbolic deletion; the deleted span is POS+1..END.
    start = record.POS + 1 if kind in DELETION_TYPES else record.POS
    return Allele(
        record.CHROM,
        record.POS,
        record.REF,
        alt,
        index,
        kind,
        start,
        max(start, end),
        "",
        "",
        vcf_id,
        filt,
        symbolic=True,
        imprecise=imprecise,
        ci_start=pair_info(record, "CIPOS"),
        ci_end=pair_info(record, "CIEND"),
        svlen=svlen,
    )
