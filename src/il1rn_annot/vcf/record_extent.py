"""How far a VCF record reaches on its chromosome, read from the record alone.

The fetch (`vcf.fetch`) must know, for each record, whether it touches the IL1RN window
before any allele is built: END, SVLEN and CIPOS/CIEND of symbolic alleles; the partner of
a breakend ALT (`G[chr2:113140000[`, VCF 4.3 section 5.4), read by its orientation; and
translocations (`<TRA>`, SVTYPE=TRA, CHR2 on another chromosome), whose END is the
partner's position, not a chr2 end. The alleles themselves (`core.alleles`) are built from
the same readings, so both layers agree on a record's extent. INFO fields are read
defensively: an unreadable optional field is treated as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cyvcf2


def record_where(record: cyvcf2.Variant) -> str:
    return f"record {record.CHROM}:{record.POS} {record.REF}>{','.join(record.ALT) or '.'}"


def info_value(record: cyvcf2.Variant, key: str) -> Any:
    """record.INFO[key] as cyvcf2 gives it (a tuple for Number>1 fields); None where absent or
    unreadable (cyvcf2 raises on values htslib cannot parse): the readers below then treat the
    field as absent rather than stop the file on an optional annotation."""
    try:
        return record.INFO.get(key)
    except Exception:
        return None


def first_info(record: cyvcf2.Variant, key: str) -> Any:
    """The first value of an INFO field (callers write SVLEN, CHR2, SVTYPE as Number=. too)."""
    value = info_value(record, key)
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value


def int_info(record: cyvcf2.Variant, key: str) -> int | None:
    value = first_info(record, key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def pair_info(record: cyvcf2.Variant, key: str) -> tuple[int, int] | None:
    """A two-integer INFO value such as CIPOS; a missing member (`CIPOS=.,.`, legal VCF) gives
    None, as if the field were absent: no confidence interval was stated."""
    value = info_value(record, key)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def text_info(record: cyvcf2.Variant, key: str) -> str | None:
    value = first_info(record, key)
    return value if isinstance(value, str) else None


def info_flag(record: cyvcf2.Variant, key: str) -> bool:
    return bool(info_value(record, key))


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


_BRACKETED = re.compile(
    r"^(?P<before>[A-Za-z*]*)(?P<b1>[\[\]])(?P<mate>.+):(?P<pos>[0-9]+)(?P<b2>[\[\]])"
    r"(?P<after>[A-Za-z*]*)$"
)


def parse_breakend(alt: str) -> Junction | None:
    """The junction a mated breakend ALT describes; None for anything else (single breakends
    `G.` / `.G`, symbolic alleles, sequences, malformed text)."""
    found = _BRACKETED.match(alt)
    if found is None or found["b1"] != found["b2"] or bool(found["before"]) == bool(found["after"]):
        return None
    bracket = found["b1"]
    if found["before"]:  # noqa: SIM108 - four forms: two plain choices read better than a nested one
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


def translocation_partner(record: cyvcf2.Variant) -> str | None:
    """'chr7:1000' (or 'chr7') when a symbolic record is a translocation, else None.

    DELLY and novoBreak write `<TRA>` / SVTYPE=TRA with CHR2 = the partner chromosome and
    END = the partner's position there (DELLY's VCF header: "End position of the structural
    variant" on CHR2). Read as a chr2 end, that END made a 235 Mb chr2 span over IL1RN.
    """
    alts = [a.upper() for a in record.ALT]
    chr2 = text_info(record, "CHR2")
    svtype = (text_info(record, "SVTYPE") or "").upper()
    other = chr2 is not None and not same_chromosome(chr2, record.CHROM)
    if not (
        any(a.startswith("<TRA") for a in alts) or svtype == "TRA" or (other and any(a.startswith("<") for a in alts))
    ):
        return None
    end = int_info(record, "END")
    partner = chr2 or "another chromosome"
    return f"{partner}:{end}" if end is not None and chr2 else partner


def breakend_reach(record: cyvcf2.Variant) -> int | None:
    """The partner position of a breakend record whose partner is on its chromosome, else None."""
    for alt in record.ALT:
        if "[" in alt or "]" in alt:
            junction = parse_breakend(alt)
            if junction is not None and same_chromosome(record.CHROM, junction.partner_chrom):
                return junction.partner_pos
    return None


def record_span_end(record: cyvcf2.Variant) -> int:
    """Last reference base a record touches (END / SVLEN / breakend-partner aware) without building alleles.

    A translocation touches POS only (htslib reads its END, the partner's position, as an end
    on this chromosome); a breakend joined to a downstream base of its chromosome reaches that
    base (the left end of a deletion written as a breakend pair spans the window between);
    an insertion's SVLEN is inserted sequence, not reference.
    """
    alts = record.ALT
    own_end: int = record.POS + max(len(record.REF), 1) - 1
    end: int
    if any(a.startswith("<") for a in alts) and translocation_partner(record) is not None:
        return own_end
    if alts and all("[" in a or "]" in a or a.startswith(".") or a.endswith(".") for a in alts):
        # END has no meaning for a breakend (VCF 4.3 section 5.4); DELLY 1.x and Sniffles still
        # write the partner's position there, which htslib takes as this record's end
        end = own_end
    else:
        end = record.end  # htslib: 0-based exclusive end from rlen (uses END when present)
    if any(a.startswith("<") and not a.upper().startswith("<INS") for a in alts):
        svlen = int_info(record, "SVLEN")
        if svlen is not None:
            end = max(end, record.POS + abs(svlen))
    elif any(a.upper().startswith("<INS") for a in alts) and int_info(record, "END") is None:
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
