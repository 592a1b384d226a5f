"""Are two alleles of one sample on different haplotypes (in trans) or on the same one (in cis)?

DIRA needs both copies of IL1RN lost, so two heterozygous P/LP alleles decide the status by
their phase. The sample's own calls phase them when they can: a small variant inside a
heterozygous deletion sits on the other haplotype, two ALT alleles of one genotype call
(GT 1/2) fill both slots, phased calls of one phase set say it directly. Where they leave the
phase unknown, the parents' calls (`ParentCalls`) can settle it. Deletion calls of one event
(two records, or two callers) count as one allele (`distinct_events`). The notes here say what
the pair or the parents leave open; `core.interpret` decides the status from the relations.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any, NamedTuple

from il1rn_annot.core.allele_words import allele_label
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, DELETION_TYPES


class ParentCalls(NamedTuple):
    """A parent's calls at the locus, used to phase a child's two heterozygous alleles."""

    role: str  # "mother" or "father"
    sample: str
    findings: list[dict[str, Any]]
    locus_called: bool | None


def inside_deletion(small: dict[str, Any], deletion: dict[str, Any]) -> bool:
    """Whether `small` lies wholly inside `deletion` (any deletion kind, not the call itself)."""
    return (
        deletion["variant_type"] in ANY_DELETION_TYPES
        and small is not deletion
        and deletion["pos"] < small["pos"]
        and small["end"] <= deletion["end"]
    )


def enclosing_deletion(small: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The heterozygous deletion of this sample that a homozygous/hemizygous small variant lies in.

    Both alleles of a position inside a heterozygous deletion cannot carry the variant: the
    caller saw only the remaining allele, so the apparent homozygote is a hemizygote.
    """
    if small["zygosity"] not in ("homozygous", "hemizygous") or small["variant_type"] in DELETION_TYPES:
        return None
    return next((d for d in findings if d.get("zygosity") == "heterozygous" and inside_deletion(small, d)), None)


SAME_EVENT_OVERLAP = 0.8


def same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two deletion calls of one event (e.g. a <CNV> and a <CN0> record, or two callers merged).

    Counting them as two alleles would turn a carrier into 'possible DIRA'; deletions that
    overlap reciprocally by >= 80 % are treated as one event.
    """
    if a["variant_type"] not in ANY_DELETION_TYPES or b["variant_type"] not in ANY_DELETION_TYPES:
        return False
    overlap = min(a["end"], b["end"]) - max(a["pos"], b["pos"])
    if overlap <= 0:
        return False
    reciprocal: float = min(overlap / max(1, a["end"] - a["pos"]), overlap / max(1, b["end"] - b["pos"]))
    return reciprocal >= SAME_EVENT_OVERLAP


def distinct_events(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings with repeats of one allele and other calls of one deletion event (`same_event`)
    dropped, first call kept: what counts as the sample's alleles."""
    events: list[dict[str, Any]] = []
    for f in findings:
        if any(f["allele_id"] == e["allele_id"] or same_event(f, e) for e in events):
            continue
        events.append(f)
    return events


def one_genotype_call(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two ALT alleles of one record in one genotype call (GT 1/2): each fills its own GT slot,
    i.e. its own chromosome, so they are in trans whether or not the call is phased."""
    return (
        a.get("source") == b.get("source")
        and (a["chrom"], a["pos"], a["ref"]) == (b["chrom"], b["pos"], b["ref"])
        and a.get("genotype") == b.get("genotype")
        and bool(a.get("haplotypes"))
        and bool(b.get("haplotypes"))
        and not set(a["haplotypes"]) & set(b["haplotypes"])
    )


def phase_relation(a: dict[str, Any], b: dict[str, Any]) -> str:
    """'trans', 'cis' or 'unknown' for two heterozygous alleles of one sample."""
    small = a if inside_deletion(a, b) else b if inside_deletion(b, a) else None
    if small is not None and small["zygosity"] != "heterozygous":
        return "trans"  # a small variant inside a heterozygous deletion is on the other haplotype
    # a heterozygous call (a REF allele seen too) inside a heterozygous deletion contradicts it
    # (`discordant_inside_note`): the pair proves no phase, only the other evidence below can
    if one_genotype_call(a, b):
        return "trans"
    if a.get("phased") and b.get("phased") and a.get("source") == b.get("source"):
        same_block = a.get("phase_set") == b.get("phase_set")
        if same_block and a.get("haplotypes") and b.get("haplotypes"):
            return "cis" if set(a["haplotypes"]) & set(b["haplotypes"]) else "trans"
    return "unknown"


def discordant_inside_note(pl: list[dict[str, Any]], findings: list[dict[str, Any]]) -> str:
    """A P/LP small variant called heterozygous inside a heterozygous deletion of the same sample.

    Inside a heterozygous deletion one copy is left, so a call that also saw the reference allele
    disagrees with the deletion (imprecise breakpoints, or one call is wrong). Reading the pair as
    'in trans' would turn two discordant calls into a DIRA result; it is named for confirmation.
    """
    notes = []
    for f in pl:
        if f["zygosity"] != "heterozygous" or f["variant_type"] in DELETION_TYPES:
            continue
        d = next((d for d in findings if d.get("zygosity") == "heterozygous" and inside_deletion(f, d)), None)
        if d is not None:
            notes.append(
                f" {allele_label(f)} was called heterozygous (GT {f.get('genotype', '')}) inside the "
                f"heterozygous {allele_label(d)}, where one copy is left: the two calls disagree, so they "
                "are not taken to be in trans; confirm the deletion's extent (MLPA or quantitative PCR) "
                "and the variant, and test the parents."
            )
    return "".join(notes)


def second_allele_vus(carried: dict[str, Any], vus: list[dict[str, Any]]) -> str:
    """What a carrier's variants of uncertain significance mean for the other allele.

    One P/LP allele plus a VUS that is (or may be) on the other allele is not a plain carrier:
    DIRA cannot be excluded until the VUS is classified, and the report must say so.
    """
    notes = []
    for v in vus:
        relation = "trans" if v["zygosity"] in ("homozygous", "hemizygous") else phase_relation(carried, v)
        if relation == "cis":
            notes.append(f" The variant of uncertain significance {allele_label(v)} is on the same allele (in cis).")
            continue
        where = "on the other allele (in trans)" if relation == "trans" else "of unknown phase"
        notes.append(
            f" The variant of uncertain significance {allele_label(v)} is {where}: DIRA cannot be "
            "excluded if it proves pathogenic" + (" and in trans" if relation == "unknown" else "") + "."
        )
    return "".join(notes)


def carries(parent: ParentCalls, allele: dict[str, Any]) -> bool:
    """Whether a parent has the child's allele: the same allele, or a call of the same deletion event."""
    return any(f["allele_id"] == allele["allele_id"] or same_event(f, allele) for f in parent.findings)


def phase_by_parents(a: dict[str, Any], b: dict[str, Any], parents: Sequence[ParentCalls]) -> tuple[str, str]:
    """('trans' | 'cis' | 'unknown', how) for two alleles of a child from its parents' calls.

    Needs both parents, each with a genotype called at the locus (a parent without calls
    cannot show that it lacks an allele). Trans: each allele comes from a different parent
    and neither parent has both. Cis: one parent has both and the other neither. Anything
    else (an allele in neither parent: de novo or a missed call; both in both) stays unknown.
    """
    mothers = [p for p in parents if p.role == "mother" and p.locus_called is True]
    fathers = [p for p in parents if p.role == "father" and p.locus_called is True]
    if len(mothers) != 1 or len(fathers) != 1:
        return "unknown", ""
    mother, father = mothers[0], fathers[0]
    m_a, m_b, f_a, f_b = carries(mother, a), carries(mother, b), carries(father, a), carries(father, b)
    label_a, label_b = allele_label(a), allele_label(b)
    if m_a and f_b and not m_b and not f_a:
        return "trans", (
            f"{label_a} inherited from the mother ({mother.sample}), {label_b} from the father ({father.sample})"
        )
    if f_a and m_b and not f_b and not m_a:
        return "trans", (
            f"{label_a} inherited from the father ({father.sample}), {label_b} from the mother ({mother.sample})"
        )
    if m_a and m_b and not f_a and not f_b:
        return "cis", f"both inherited from the mother ({mother.sample}); the father ({father.sample}) has neither"
    if f_a and f_b and not m_a and not m_b:
        return "cis", f"both inherited from the father ({father.sample}); the mother ({mother.sample}) has neither"
    return "unknown", ""


def phase_relations(
    alleles: list[dict[str, Any]], parents: Sequence[ParentCalls]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """Per pair of distinct P/LP alleles: 'trans', 'cis' or 'unknown' from the sample's own calls,
    then from the parents' calls where those left it unknown; and how the parents phased a pair."""
    distinct = {f["allele_id"]: f for f in alleles}
    relations = {(a["allele_id"], b["allele_id"]): phase_relation(a, b) for a, b in combinations(alleles, 2)}
    by_parents: dict[tuple[str, str], str] = {}
    for (a_id, b_id), relation in relations.items():
        if relation == "unknown" and parents:
            relation, how = phase_by_parents(distinct[a_id], distinct[b_id], parents)
            if relation != "unknown":
                relations[(a_id, b_id)], by_parents[(a_id, b_id)] = relation, how
    return relations, by_parents


def inheritance_note(pl: list[dict[str, Any]], parents: Sequence[ParentCalls]) -> str:
    """What the parents' calls say against the child's P/LP alleles (both parents called).

    An allele in neither parent, or a homozygous allele one parent lacks, is what a de novo
    variant, a call missed in a parent, uniparental disomy, a deletion on the other allele or
    a sample mix-up look like: the lab confirms before it reports. Nothing is concluded.
    """
    called = {p.role: p for p in parents if p.locus_called is True}
    if set(called) != {"mother", "father"}:
        return ""
    notes = []
    for f in distinct_events(pl):
        lacking = [p for p in called.values() if not carries(p, f)]
        if len(lacking) == 2:
            notes.append(
                f" {allele_label(f)} was found in neither parent ({parents_named(lacking)}): a de novo "
                "variant, a call missed in a parent, or a sample mix-up; confirm before reporting."
            )
        elif lacking and f["zygosity"] == "homozygous":
            notes.append(
                f" {allele_label(f)} is homozygous but {parents_named(lacking)} does not carry it: "
                "uniparental disomy, a deletion on that parent's allele, or a sample mix-up; confirm "
                "before reporting."
            )
    return "".join(notes)


def parents_named(parents: Sequence[ParentCalls]) -> str:
    return " and ".join(f"the {p.role} ({p.sample})" for p in parents)
