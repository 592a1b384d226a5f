"""Per-sample interpretation: is IL1RN lost on both alleles (DIRA), on one (carrier), or not?

DIRA is autosomal recessive: a sample is *consistent with DIRA* only with biallelic loss of
IL1RN — a homozygous pathogenic / likely pathogenic (P/LP) allele, a homozygous deletion,
or two P/LP alleles known to be in trans: phased on different haplotypes of one phase set,
two ALT alleles of one genotype call (GT 1/2), or a small variant inside a heterozygous
deletion, which can only sit on the other haplotype (called homozygous there, it is
hemizygous and still one allele). Two P/LP alleles of unknown phase are *possible DIRA*.
Association polymorphisms are listed as such and never change the status: they are not
diagnostic.

Findings are plain dicts (an allele annotation merged with one sample's call) so that the
same function interprets one file, or a sample's findings gathered from several files
(e.g. SNVs from GATK plus deletions from Manta) in the cohort step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any, NamedTuple

from il1rn_annot.core.alleles import breakend_words
from il1rn_annot.core.coverage import adequately_covered, evidence_text, stretches_text
from il1rn_annot.core.pool import Pooled
from il1rn_annot.core.vocabulary import PATHOGENIC

#: how `SampleResult.locus_called` reads in tables and reports
LOCUS_CALLED_TEXT = {True: "yes", False: "no", None: "unknown"}


@dataclass
class SampleResult:
    sample: str
    dira_status: str
    status_sentence: str
    evidence: str
    locus_called: bool | None
    pathogenic_alleles: list[str] = field(default_factory=list)
    other_alleles: list[str] = field(default_factory=list)
    association_alleles: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: other cluster genes a deletion removes whose loss matters for this zygosity (their own condition)
    removed_genes_with_conditions: list[str] = field(default_factory=list)
    #: locus records with a half-called genotype for this sample (0/., ./1): kept so that the cohort
    #: and report steps, which interpret again from the JSON, say the same
    partial_records: int = 0
    #: what the input(s) show about the locus itself (coverage.py): kind, CDS fraction, thresholds
    coverage: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def allele_label(f: dict[str, Any]) -> str:
    """How a clinician reads the allele: HGVS c. + p., or the deletion and the genes it removes."""
    small_symbolic = f["variant_type"] in ("sv_deletion", "cnv") and not f.get("deleted_genes") and \
        f.get("il1rn_overlap") is None and f.get("hgvs_c")
    if (f["variant_type"] in ("sv_deletion", "cnv") and not small_symbolic) or (
            f.get("deleted_genes") and not f.get("hgvs_c")):
        core = f"deletion {f['chrom']}:{f['pos'] + 1}-{f['end']} ({deletion_effect(f)})"
        if f.get("hgvs_c"):
            core = f"{f['hgvs_c']} {core}"
        return core
    if f["variant_type"] in ("other_sv", "breakend") and not f.get("hgvs_c"):
        return _structural_label(f)
    parts = [f.get("hgvs_c") or f"{f['chrom']}:{f['pos']} {f['ref']}>{f['alt']}"]
    if f.get("hgvs_p"):
        parts.append(f["hgvs_p"])
    if f.get("vcf_id", "").startswith("rs"):
        parts.append(f"({f['vcf_id']})")
    return " ".join(parts)


SV_WORDS = {"DUP": "duplication", "INV": "inversion", "INS": "insertion", "CPX": "complex rearrangement",
            "TRA": "translocation", "BND": "breakend"}


def _structural_label(f: dict[str, Any]) -> str:
    """'duplication chr2:113120001-113140000' rather than the raw 'chr2:113120000 N><DUP>'."""
    alt = str(f["alt"])
    if f["variant_type"] == "breakend" or not alt.startswith("<"):
        return breakend_words(str(f["chrom"]), int(f["pos"]), alt)  # inversion / duplication / translocation
    key = alt[1:-1].split(":")[0].upper()
    word = SV_WORDS.get(key, f"structural variant {alt}")
    end = f.get("end")
    span = f"{f['chrom']}:{f['pos'] + 1}-{end}" if end and int(end) > int(f["pos"]) else f"{f['chrom']}:{f['pos']}"
    if key == "INS":  # between POS and POS+1, whatever its SVLEN (core/alleles.py)
        span = f"{f['chrom']}:{f['pos']}-{int(f['pos']) + 1}"
    return f"{word} {span}"


def deletion_effect(f: dict[str, Any]) -> str:
    """What a deletion takes, as a clinician reads it: 'removes IL1RN exons 2, 3', 'removes IL36G,
    ..., IL1RN', 'removes part of IL1RN exon 4', 'upstream of IL1RN'."""
    removed = f.get("deleted_genes") or []
    genes = ", ".join(_removed(g, f) for g in removed)
    spares = not any(g["gene"] == "IL1RN" for g in removed)
    terms = f.get("consequence") or []
    if "upstream_gene_variant" in terms or "downstream_gene_variant" in terms:
        where = "upstream of IL1RN" if "upstream_gene_variant" in terms else "downstream of IL1RN"
    else:
        where = "upstream of IL1RN" if _before_il1rn(f) else "downstream of IL1RN"
    if genes:
        return f"removes {genes}" + (f"; does not remove IL1RN, lies {where}" if spares else "")
    return f"does not remove IL1RN, lies {where}" if spares else "removes no cluster gene"


def _before_il1rn(f: dict[str, Any]) -> bool:
    """Whether a deletion that spares IL1RN lies before it: the genes it removes come before IL1RN
    in the cluster's order (IL1A ... IL1F10, then IL1RN, PSD4, PAX8)."""
    after = {"PSD4", "PAX8"}
    return not any(g["gene"] in after for g in f.get("deleted_genes") or [])


def _removed(gene: dict[str, Any], f: dict[str, Any]) -> str:
    """'IL1RN' for a whole-gene deletion, 'IL1RN exons 2, 3' or 'IL36B (in part)' for a partial one.

    Not 'part of IL36B': in a list ('removes part of IL36B, IL36RN, PAX8') that reads as if every
    gene after it were removed in part too.
    """
    if gene["fraction"] >= 0.999:
        return gene["gene"]
    exons = f.get("exons_affected") or []
    if gene["gene"] == "IL1RN" and exons:
        whole, part = exon_parts(f)
        said = [f"IL1RN exon{'s' if len(whole) > 1 else ''} {', '.join(map(str, whole))}"] if whole else []
        if part:
            said.append(f"part of IL1RN exon{'s' if len(part) > 1 else ''} {', '.join(map(str, part))}")
        return " and ".join(said)
    return f"{gene['gene']} (in part)"


def exon_parts(f: dict[str, Any]) -> tuple[list[int], list[int]]:
    """(exons a deletion removes whole, exons it removes part of). Annotations made before
    `exons_removed` existed only say which exons were touched: all are taken as removed."""
    touched = list(f.get("exons_affected") or [])
    whole = list(f["exons_removed"]) if "exons_removed" in f else touched
    return whole, [n for n in touched if n not in whole]


def _inside(small: dict[str, Any], deletion: dict[str, Any]) -> bool:
    return deletion["variant_type"] in ("sv_deletion", "cnv", "deletion") and small is not deletion and \
        deletion["pos"] < small["pos"] and small["end"] <= deletion["end"]


def _enclosing_deletion(small: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The heterozygous deletion of this sample that a homozygous/hemizygous small variant lies in.

    Both alleles of a position inside a heterozygous deletion cannot carry the variant: the
    caller saw only the remaining allele, so the apparent homozygote is a hemizygote.
    """
    if small["zygosity"] not in ("homozygous", "hemizygous") or small["variant_type"] in ("sv_deletion", "cnv"):
        return None
    return next((d for d in findings if d.get("zygosity") == "heterozygous" and _inside(small, d)), None)


SAME_EVENT_OVERLAP = 0.8


def _same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two deletion calls of one event (e.g. a <CNV> and a <CN0> record, or two callers merged).

    Counting them as two alleles would turn a carrier into 'possible DIRA'; deletions that
    overlap reciprocally by >= 80 % are treated as one event.
    """
    kinds = ("sv_deletion", "cnv", "deletion")
    if a["variant_type"] not in kinds or b["variant_type"] not in kinds:
        return False
    overlap = min(a["end"], b["end"]) - max(a["pos"], b["pos"])
    if overlap <= 0:
        return False
    return min(overlap / max(1, a["end"] - a["pos"]), overlap / max(1, b["end"] - b["pos"])) >= SAME_EVENT_OVERLAP


def _distinct_events(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for f in findings:
        if any(f["allele_id"] == e["allele_id"] or _same_event(f, e) for e in events):
            continue
        events.append(f)
    return events


def _one_genotype_call(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two ALT alleles of one record in one genotype call (GT 1/2): each fills its own GT slot,
    i.e. its own chromosome, so they are in trans whether or not the call is phased."""
    return (a.get("source") == b.get("source") and (a["chrom"], a["pos"], a["ref"]) == (b["chrom"], b["pos"], b["ref"])
            and a.get("genotype") == b.get("genotype") and bool(a.get("haplotypes")) and bool(b.get("haplotypes"))
            and not set(a["haplotypes"]) & set(b["haplotypes"]))


def _phase_relation(a: dict[str, Any], b: dict[str, Any]) -> str:
    """'trans', 'cis' or 'unknown' for two heterozygous alleles of one sample."""
    small = a if _inside(a, b) else b if _inside(b, a) else None
    if small is not None and small["zygosity"] != "heterozygous":
        return "trans"  # a small variant inside a heterozygous deletion is on the other haplotype
    # a heterozygous call (a REF allele seen too) inside a heterozygous deletion contradicts it
    # (`_discordant_inside_note`): the pair proves no phase, only the other evidence below can
    if _one_genotype_call(a, b):
        return "trans"
    if a.get("phased") and b.get("phased") and a.get("source") == b.get("source"):
        same_block = a.get("phase_set") == b.get("phase_set")
        if same_block and a.get("haplotypes") and b.get("haplotypes"):
            return "cis" if set(a["haplotypes"]) & set(b["haplotypes"]) else "trans"
    return "unknown"


def _discordant_inside_note(pl: list[dict[str, Any]], findings: list[dict[str, Any]]) -> str:
    """A P/LP small variant called heterozygous inside a heterozygous deletion of the same sample.

    Inside a heterozygous deletion one copy is left, so a call that also saw the reference allele
    disagrees with the deletion (imprecise breakpoints, or one call is wrong). Reading the pair as
    'in trans' would turn two discordant calls into a DIRA result; it is named for confirmation.
    """
    notes = []
    for f in pl:
        if f["zygosity"] != "heterozygous" or f["variant_type"] in ("sv_deletion", "cnv"):
            continue
        d = next((d for d in findings if d.get("zygosity") == "heterozygous" and _inside(f, d)), None)
        if d is not None:
            notes.append(f" {allele_label(f)} was called heterozygous (GT {f.get('genotype', '')}) inside the "
                         f"heterozygous {allele_label(d)}, where one copy is left: the two calls disagree, so they "
                         "are not taken to be in trans; confirm the deletion's extent (MLPA or quantitative PCR) "
                         "and the variant, and test the parents.")
    return "".join(notes)


def _second_allele_vus(carried: dict[str, Any], vus: list[dict[str, Any]]) -> str:
    """What a carrier's variants of uncertain significance mean for the other allele.

    One P/LP allele plus a VUS that is (or may be) on the other allele is not a plain carrier:
    DIRA cannot be excluded until the VUS is classified, and the report must say so.
    """
    notes = []
    for v in vus:
        relation = "trans" if v["zygosity"] in ("homozygous", "hemizygous") else _phase_relation(carried, v)
        if relation == "cis":
            notes.append(f" The variant of uncertain significance {allele_label(v)} is on the same allele (in cis).")
            continue
        where = "on the other allele (in trans)" if relation == "trans" else "of unknown phase"
        notes.append(f" The variant of uncertain significance {allele_label(v)} is {where}: DIRA cannot be "
                     "excluded if it proves pathogenic" + (" and in trans" if relation == "unknown" else "") + ".")
    return "".join(notes)


class ParentCalls(NamedTuple):
    """A parent's calls at the locus, used to phase a child's two heterozygous alleles."""

    role: str  # "mother" or "father"
    sample: str
    findings: list[dict[str, Any]]
    locus_called: bool | None


def _carries(parent: ParentCalls, allele: dict[str, Any]) -> bool:
    return any(f["allele_id"] == allele["allele_id"] or _same_event(f, allele) for f in parent.findings)


def _phase_by_parents(a: dict[str, Any], b: dict[str, Any], parents: Sequence[ParentCalls]) -> tuple[str, str]:
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
    m_a, m_b, f_a, f_b = _carries(mother, a), _carries(mother, b), _carries(father, a), _carries(father, b)
    label_a, label_b = allele_label(a), allele_label(b)
    if m_a and f_b and not m_b and not f_a:
        return "trans", f"{label_a} inherited from the mother ({mother.sample}), {label_b} from the father ({father.sample})"
    if f_a and m_b and not f_b and not m_a:
        return "trans", f"{label_a} inherited from the father ({father.sample}), {label_b} from the mother ({mother.sample})"
    if m_a and m_b and not f_a and not f_b:
        return "cis", f"both inherited from the mother ({mother.sample}); the father ({father.sample}) has neither"
    if f_a and f_b and not m_a and not m_b:
        return "cis", f"both inherited from the father ({father.sample}); the mother ({mother.sample}) has neither"
    return "unknown", ""


def _inheritance_note(pl: list[dict[str, Any]], parents: Sequence[ParentCalls]) -> str:
    """What the parents' calls say against the child's P/LP alleles (both parents called).

    An allele in neither parent, or a homozygous allele one parent lacks, is what a de novo
    variant, a call missed in a parent, uniparental disomy, a deletion on the other allele or
    a sample mix-up look like: the lab confirms before it reports. Nothing is concluded.
    """
    called = {p.role: p for p in parents if p.locus_called is True}
    if set(called) != {"mother", "father"}:
        return ""
    notes = []
    for f in _distinct_events(pl):
        lacking = [p for p in called.values() if not _carries(p, f)]
        if len(lacking) == 2:
            notes.append(f" {allele_label(f)} was found in neither parent ({_parents_named(lacking)}): a de novo "
                         "variant, a call missed in a parent, or a sample mix-up; confirm before reporting.")
        elif lacking and f["zygosity"] == "homozygous":
            notes.append(f" {allele_label(f)} is homozygous but {_parents_named(lacking)} does not carry it: "
                         "uniparental disomy, a deletion on that parent's allele, or a sample mix-up; confirm "
                         "before reporting.")
    return "".join(notes)


def _parents_named(parents: Sequence[ParentCalls]) -> str:
    return " and ".join(f"the {p.role} ({p.sample})" for p in parents)


def _filter_note(findings: list[dict[str, Any]]) -> str:
    failing = [f for f in findings if f.get("filter") not in ("PASS", ".", None, "")
               or f.get("sample_filter") not in ("PASS", ".", None, "")]
    if not failing:
        return ""
    return " Note: " + "; ".join(
        f"{allele_label(f)} did not pass the caller's filters ("
        + ", ".join(x for x in (f["filter"] if f.get("filter") not in ("PASS", ".", None, "") else "",
                                f"sample FT={f['sample_filter']}"
                                if f.get("sample_filter") not in ("PASS", ".", None, "") else "") if x)
        + ")" for f in failing) + " — confirm before reporting."


def _name_filtered_calls_in_the_sentence(result: SampleResult, findings: list[dict[str, Any]]) -> None:
    """A positive result resting on a call that failed the caller's filters says so in its sentence.

    The evidence already notes it (`_filter_note`), but the sentence is what heads the report and
    the summary: "consistent with DIRA" from a FILTER/FT-failed call must not read as settled.
    """
    if result.dira_status not in ("consistent_with_DIRA", "possible_DIRA", "carrier"):
        return
    note = _filter_note([f for f in findings if f["classification"] in PATHOGENIC])
    if note:
        result.status_sentence += " " + note.strip().removeprefix("Note: ").replace(" — confirm", ": confirm") \
            .rstrip(".") + "."


def interpret_sample(sample: str, findings: list[dict[str, Any]], locus_called: bool | None, *,
                     uncalled_records: int = 0, records: int = 0, partial_records: int = 0,
                     parents: Sequence[ParentCalls] = (), coverage: dict[str, Any] | None = None) -> SampleResult:
    """Status, sentence and evidence for one sample from its findings.

    `parents`: the mother's and father's calls, when the sample sheet names them; they phase
    two P/LP alleles that the child's own calls leave of unknown phase.
    `coverage`: what the input(s) show about the locus (coverage.py; pooled over a sample's
    files). It decides whether a negative can be given (`_locus_not_assessed`) and adds the
    caveats of the input kind; None (a JSON written before it existed): no coverage rule.
    `partial_records`: locus records where this sample's genotype has a called and an uncalled
    allele (0/., ./0): a variant on the uncalled allele would not be seen, so the sentence says
    DIRA is not excluded. Deletions that also remove another cluster gene with a condition of its
    own name it when the loss matters for the zygosity (recessive: both copies; dominant: one).
    """
    result = _interpret_calls(sample, findings, locus_called, uncalled_records=uncalled_records,
                              records=records, parents=parents, locus_evidence=coverage)
    result.coverage = coverage
    result = _with_coverage_notes(result, coverage)
    result.partial_records = partial_records
    _name_filtered_calls_in_the_sentence(result, findings)
    genes = removed_genes_with_conditions(findings)
    if genes:
        result.removed_genes_with_conditions = genes
        said = "; ".join(genes)
        result.status_sentence += f" The deletion also removes another gene whose loss matters itself: {said}."
        result.evidence += (f" Other cluster genes removed, with their own conditions (locus.yaml; see "
                            f"VERIFICATION.md): {said}.")
    half = [f for f in findings if f.get("zygosity") == "partial"]
    if (partial_records or half) and result.dira_status not in ("consistent_with_DIRA", "not_assessable"):
        n = max(partial_records, len({f["allele_id"] for f in half}))
        result.status_sentence += (f" At {n} locus record(s) only one allele of this sample was called (GT such as "
                                   "./1, 1/. or 0/.): the other allele was not called, so DIRA is not excluded.")
        result.evidence += (f" {n} locus record(s) with a half-called genotype (one allele missing): a variant on "
                            "the uncalled allele would not be seen.")
    return result



def interpret_pooled(sample: str, pooled: Pooled, parents: Sequence[ParentCalls] = ()) -> SampleResult:
    """A sample interpreted from its calls pooled over all of its files (`core.pool.pool_sources`),
    phased by its parents' pooled calls when the sample sheet names them.

    The one entry point for a sample seen across files: the cohort summary
    (`cohort.cohort.summarise_sample`) and the lab report (`lab_report.context.build_context`)
    both call it, so the summary's status and the report always agree. `annotate` interprets
    each file on its own (`interpret_sample`, stored in NAME.il1rn.json); docs/outputs.md says
    which file holds which interpretation.
    """
    return interpret_sample(sample, pooled.findings, pooled.locus_called, parents=parents,
                            coverage=pooled.coverage, partial_records=pooled.partial_records)


def removed_genes_with_conditions(findings: list[dict[str, Any]]) -> list[str]:
    """'IL36RN (DITRA ..., OMIM 614204, autosomal recessive): both copies deleted' for each cluster
    gene other than IL1RN that a deletion of this sample removes, where the loss matters for the
    zygosity: an autosomal recessive condition needs both copies lost, a dominant one one copy."""
    out: list[str] = []
    for f in findings:
        if f.get("variant_type") not in ("sv_deletion", "cnv", "deletion"):
            continue
        both = f.get("zygosity") in ("homozygous", "hemizygous")
        for g in f.get("deleted_genes") or []:
            inheritance = g.get("inheritance")
            if g["gene"] == "IL1RN" or not inheritance:
                continue
            if inheritance == "autosomal_recessive" and not both:
                continue
            part = "" if g["fraction"] >= 0.999 else "part of "
            copies = "both copies" if both else "one copy"
            text = (f"{part}{g['gene']} ({copies} deleted; {g['condition']}, OMIM {g['omim']}, "
                    f"{inheritance.replace('_', ' ')})")
            if text not in out:
                out.append(text)
    return out


def _removes_il1rn_coding(f: dict[str, Any]) -> bool:
    """A call that takes IL1RN coding sequence (or a predicted loss of function by the PVS1 tree)."""
    coding = {"transcript_ablation", "exon_loss_variant", "coding_sequence_variant", "start_lost", "stop_lost",
              "frameshift_variant", "inframe_deletion", "stop_gained", "splice_donor_variant",
              "splice_acceptor_variant"}
    return bool(f.get("pvs1")) or (f.get("variant_type") in ("sv_deletion", "cnv", "deletion")
                                   and bool(coding & set(f.get("consequence") or [])))


def _protein_effect_undetermined(f: dict[str, Any]) -> bool:
    """A small change inside the CDS whose protein effect is unknown (no sequence, and the codon
    set of the protein did not fix it): it could be a stop, so a homozygous one leaves DIRA open."""
    return (f.get("variant_type") not in ("sv_deletion", "cnv")
            and list(f.get("consequence") or []) == ["coding_sequence_variant"])


def _homozygous_vus_effect(f: dict[str, Any]) -> str:
    """What a homozygous uncertain coding change is, in the words its evidence supports.

    Only a PVS1 branch (ClinGen SVI tree) predicts a loss of function; an in-frame deletion, a
    stop-loss or a change whose protein effect is not determined has none, and its evidence says
    "PVS1 does not apply": the sentence must not call it a predicted loss of function.
    """
    if f.get("pvs1"):
        return f"a predicted loss of function ({f['pvs1']}) that is of uncertain significance"
    return "a change that is not a predicted loss of function by the PVS1 tree and is of uncertain significance"


def _interpret_calls(sample: str, findings: list[dict[str, Any]], locus_called: bool | None, *,
                     uncalled_records: int, records: int, parents: Sequence[ParentCalls],
                     locus_evidence: dict[str, Any] | None) -> SampleResult:
    """`interpret_sample` without the coverage notes added to every status."""
    pl = [f for f in findings if f["classification"] in PATHOGENIC]
    vus = [f for f in findings if f["classification"] == "uncertain_significance"]
    assoc = [f for f in findings if f["classification"] == "association_polymorphism"]
    result = SampleResult(sample=sample, dira_status="", status_sentence="", evidence="",
                          locus_called=True if findings else locus_called,
                          pathogenic_alleles=[f"{allele_label(f)} ({f['zygosity']})" for f in _distinct_events(pl)],
                          other_alleles=[f"{allele_label(f)} ({f['zygosity']}; {f['classification']})"
                                         for f in findings if f["classification"] not in PATHOGENIC],
                          association_alleles=[f"{allele_label(f)} ({f['zygosity']})" for f in assoc],
                          findings=findings)
    assoc_text = ""
    if assoc:
        assoc_text = (" Association polymorphism(s) present, reported for information only and not "
                      "diagnostic: " + "; ".join(result.association_alleles) + ".")
    # a small variant called homozygous inside a heterozygous deletion is hemizygous: the
    # deletion removed the other allele, so it is one allele of a compound heterozygote (if
    # the deletion is P/LP: the pair logic below finds them in trans), not two copies
    within = {f["allele_id"]: d for f in pl if (d := _enclosing_deletion(f, findings)) is not None}
    hemizygous_note = "".join(
        f" {allele_label(f)} was called {f['zygosity']} inside the heterozygous {allele_label(d)}: it is "
        "hemizygous (the deletion removes the other allele), so it counts as one allele."
        for f in pl if (d := within.get(f["allele_id"])) is not None)
    discordant = _discordant_inside_note(pl, findings)
    tail = hemizygous_note + discordant + _inheritance_note(pl, parents) + assoc_text  # appended to every P/LP status's evidence
    biallelic = [f for f in pl if f["zygosity"] in ("homozygous", "hemizygous") and f["allele_id"] not in within]
    if biallelic:
        return _biallelic_result(result, biallelic, _filter_note(pl) + tail)
    alleles = _distinct_events(pl)
    if len(alleles) >= 2:
        paired = _two_allele_result(result, alleles, parents, _filter_note(pl) + tail)
        paired.status_sentence += discordant
        return paired
    if alleles:
        f = alleles[0]
        partial = " (the second allele at this position was not called)" if f["zygosity"] == "partial" else ""
        if f["allele_id"] in within:
            partial = (f" (hemizygous: called {f['zygosity']} inside the heterozygous "
                       f"{allele_label(within[f['allele_id']])}, which is not P/LP)")
        return _done(result, "carrier",
                     f"Heterozygous carrier of IL1RN {allele_label(f)}{partial}: carrier of DIRA (autosomal "
                     "recessive); no second pathogenic allele detected." + _second_allele_vus(f, vus),
                     f"one P/LP allele: {f['classification_evidence'].rstrip('.')}." + _filter_note(pl) + tail)
    not_assessed = None if vus else _locus_not_assessed(locus_evidence, assoc_text, bool(findings))
    if not_assessed is not None:
        return _done(result, "not_assessable", *not_assessed)
    if result.locus_called is False:
        return _done(result, "not_assessable",
                     "IL1RN locus not assessable: no genotype was called at the locus for this sample.",
                     "no called genotype (or gVCF reference block) at the IL1RN locus records of the input.")
    if vus:
        names = "; ".join(allele_label(f) for f in vus)
        evidence = "; ".join(f"{allele_label(f)}: {f['classification_evidence']}" for f in vus) + assoc_text
        both = [f for f in vus if f["zygosity"] in ("homozygous", "hemizygous")]
        lof = [f for f in both if _removes_il1rn_coding(f)]
        undetermined = [f for f in both if _protein_effect_undetermined(f)]
        if undetermined and not lof:
            f = undetermined[0]
            return _done(result, "uncertain_significance",
                         f"{f['zygosity'].capitalize()} IL1RN {allele_label(f)}: a coding change whose effect on the "
                         "protein could not be determined without the transcript sequence (the possible changes are "
                         "listed in the allele notes), so it is of uncertain significance; DIRA is not excluded: "
                         "determine the protein change with a reference FASTA (--reference) or by sequencing the "
                         "codon.", evidence)
        if lof:
            f = lof[0]
            return _done(result, "uncertain_significance",
                         f"{f['zygosity'].capitalize()} IL1RN {allele_label(f)}: it changes IL1RN coding sequence on "
                         f"both alleles, {_homozygous_vus_effect(f)} by the classification rules alone; DIRA is not "
                         "excluded (clinical correlation and expert review of the variant are needed).", evidence)
        return _done(result, "uncertain_significance",
                     f"IL1RN variant(s) of uncertain significance ({names}); no IL1RN variant is classified pathogenic "
                     "or likely pathogenic.", evidence)
    coverage = ""
    if uncalled_records:
        coverage = (f" {uncalled_records} of {records} locus record(s) have no genotype for this sample: a "
                    "variant there would not be seen.")
    if result.locus_called is None:
        coverage = (" The input has no record at the IL1RN locus; a variant-only VCF cannot show that the locus "
                    "was covered (a gVCF or the caller's coverage would).")
    return _done(result, "no_pathogenic_variant_detected",
                 "No pathogenic IL1RN variant detected." + (" Association polymorphisms only (not diagnostic)."
                                                            if assoc else "") + _negative_caveat(locus_evidence),
                 "no P/LP or uncertain IL1RN allele among the locus calls." + assoc_text + coverage)


def _biallelic_result(result: SampleResult, biallelic: list[dict[str, Any]], notes: str) -> SampleResult:
    """A homozygous (or hemizygous) P/LP allele: consistent with DIRA."""
    f = min(biallelic, key=lambda f: f["zygosity"] != "homozygous")  # a homozygote names the result first
    cls = "likely pathogenic" if f["classification"] == "likely_pathogenic" else "pathogenic"
    if f["variant_type"] in ("sv_deletion", "cnv"):
        sentence = f"Homozygous {allele_label(f)}: consistent with DIRA."
    elif f["zygosity"] == "hemizygous":
        # a haploid GT on chromosome 2 with no deletion called: the caller saw one allele only
        sentence = (f"Hemizygous {cls} IL1RN variant {allele_label(f)} (a haploid call on chromosome 2: the "
                    "other allele is presumably deleted; confirm by copy-number analysis): consistent with DIRA.")
    else:
        sentence = f"Homozygous {cls} IL1RN variant {allele_label(f)}: consistent with DIRA."
    return _done(result, "consistent_with_DIRA", sentence,
                 f"{allele_label(f)} is {f['zygosity']} ({f['genotype'] or 'CN=' + str(f.get('copy_number'))}); "
                 f"classification {f['classification']}: {f['classification_evidence'].rstrip('.')}. DIRA is autosomal "
                 "recessive: biallelic loss of IL1RN." + notes)


def _phase_relations(alleles: list[dict[str, Any]], parents: Sequence[ParentCalls]
                     ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """Per pair of distinct P/LP alleles: 'trans', 'cis' or 'unknown' from the sample's own calls,
    then from the parents' calls where those left it unknown; and how the parents phased a pair."""
    distinct = {f["allele_id"]: f for f in alleles}
    relations = {(a["allele_id"], b["allele_id"]): _phase_relation(a, b) for a, b in combinations(alleles, 2)}
    by_parents: dict[tuple[str, str], str] = {}
    for (a_id, b_id), relation in relations.items():
        if relation == "unknown" and parents:
            relation, how = _phase_by_parents(distinct[a_id], distinct[b_id], parents)
            if relation != "unknown":
                relations[(a_id, b_id)], by_parents[(a_id, b_id)] = relation, how
    return relations, by_parents


def _two_allele_result(result: SampleResult, alleles: list[dict[str, Any]], parents: Sequence[ParentCalls],
                       notes: str) -> SampleResult:
    """Two or more distinct heterozygous P/LP alleles: in trans (DIRA), in cis (carrier) or unknown (possible)."""
    distinct = {f["allele_id"]: f for f in alleles}
    relations, by_parents = _phase_relations(alleles, parents)
    names = " and ".join(allele_label(f) for f in alleles)
    if "trans" in relations.values():
        (a_id, b_id) = next(k for k, v in relations.items() if v == "trans")
        pair = f"{allele_label(distinct[a_id])} and {allele_label(distinct[b_id])}"
        how = by_parents.get((a_id, b_id))
        return _done(result, "consistent_with_DIRA",
                     f"Compound heterozygous IL1RN variants {pair}, in trans"
                     + (" (phased by the parents' genotypes)" if how else "") + ": consistent with DIRA.",
                     f"two P/LP alleles on different haplotypes ({pair}"
                     + (f": both in one genotype call, GT {distinct[a_id]['genotype']}"
                        if _one_genotype_call(distinct[a_id], distinct[b_id]) else "")
                     + (f": {how}" if how else "")
                     + "); biallelic loss of IL1RN." + notes)
    if all(v == "cis" for v in relations.values()):
        how = "; ".join(by_parents.values())
        return _done(result, "carrier",
                     f"Heterozygous carrier: IL1RN variants {names} lie on the same haplotype (in cis"
                     + (", phased by the parents' genotypes" if how else "") + "); "
                     "no pathogenic variant on the other allele was detected.",
                     "the P/LP alleles are phased in cis" + (f" ({how})" if how else "")
                     + ": one haplotype is affected." + notes)
    return _done(result, "possible_DIRA",
                 f"Two IL1RN variants {names} of unknown phase: possible DIRA (compound heterozygous if "
                 "in trans); testing of the parents or phasing is recommended.",
                 "two different P/LP alleles, both heterozygous, phase not established"
                 + (f" (the calls of {_parents_named(parents)} do not establish it: an allele found in neither or "
                    "both parents, or a parent without calls at the locus)" if parents else "")
                 + "." + notes)


def _done(result: SampleResult, status: str, sentence: str, evidence: str) -> SampleResult:
    result.dira_status, result.status_sentence, result.evidence = status, sentence, evidence.strip()
    return result


# ----------------------------------------------------------------------------------------
# the called locus: coverage rules (coverage.py measures; these functions say what it means)


def _cds_percent(coverage: dict[str, Any]) -> str:
    return (f"{coverage['cds_fraction']:.0%} of the IL1RN coding sequence ({coverage['cds_bases_confident']} of "
            f"{coverage['cds_bases']} bp)")


def _thresholds_text(coverage: dict[str, Any]) -> str:
    return (f"a called genotype with GQ >= {coverage['min_gq']} and depth >= {coverage['min_dp']} "
            f"(MIN_DP for reference blocks); at least {coverage['min_cds_fraction']:.0%} of the CDS is required")


def _locus_not_assessed(coverage: dict[str, Any] | None, assoc_text: str, found: bool) -> tuple[str, str] | None:
    """(sentence, evidence) of `not_assessable` when the input cannot support a negative, else None.

    gVCF: confident calls/blocks cover less of the CDS than required. Structural-variant or
    CNV calls only: deletions were assessed, small variants were not.
    """
    if not coverage:
        return None
    if coverage.get("input_kind") == "gvcf" and coverage.get("cds_fraction") is not None \
            and not adequately_covered(coverage):
        return ("IL1RN locus not adequately covered: only " + _cds_percent(coverage) + " has confident calls; "
                "no result can be given (a variant there would not be seen).",
                "gVCF coverage: " + _cds_percent(coverage) + " covered by confident calls or reference blocks ("
                + _thresholds_text(coverage) + "). Not covered: " + stretches_text(coverage.get("uncovered")) + "."
                + assoc_text)
    # a small-variant file: a genome has variants on every chromosome (an SV caller may find none there)
    if coverage.get("chr2_records") is False and coverage.get("input_kind") == "variant_only":
        return ("IL1RN locus not assessable: the input has no calls on chromosome 2 at all, so the locus was not "
                "in the called region (a file split by chromosome, or a panel without IL1RN?).",
                "no record on chromosome 2 in the whole file: the absence of an IL1RN record says nothing about "
                "the locus; provide the sample's chromosome-2 (or whole-genome) calls." + assoc_text)
    if not coverage.get("small_variants_assessed", True):
        return (("No pathogenic deletion" if found else "No deletion") + " detected at IL1RN; small variants not "
                "assessed (structural-variant / copy-number calls only): DIRA cannot be excluded from this input.",
                "the input holds structural-variant or copy-number calls only (no small-variant calls, no "
                "reference blocks): no deletion or copy-number loss of IL1RN was called, but sequence variants "
                "(most DIRA alleles) were not assessed; provide the sample's SNV/indel calls." + assoc_text)
    return None


def _negative_caveat(coverage: dict[str, Any] | None) -> str:
    """What the sentence of a negative result must add for the input kind."""
    if not coverage:
        return ""
    if coverage.get("input_kind") == "variant_only":
        return (" Reference calls not recorded (variant-only VCF): coverage of IL1RN is not shown by the input; "
                "confirm it before reporting a negative result.")
    if coverage.get("input_kind") == "gvcf" and coverage.get("uncovered"):
        return f" Not confidently called: {stretches_text(coverage['uncovered'])} of the CDS."
    return ""


def _with_coverage_notes(result: SampleResult, coverage: dict[str, Any] | None) -> SampleResult:
    """Append the coverage evidence (gVCF, SV calls only) to every status's evidence; name a
    carrier's uncovered CDS.

    A carrier's "no second pathogenic allele detected" is only as good as the coverage of the
    rest of the CDS: when a gVCF leaves part of it uncovered, the sentence says so.
    """
    if not coverage:
        return result
    # a variant-only VCF's caveat is in the sentence of a negative; on a finding it adds nothing
    note = evidence_text(coverage) if coverage.get("input_kind") != "variant_only" else ""
    if note and note not in result.evidence:
        text = result.evidence.rstrip()
        result.evidence = (text + ("" if not text or text.endswith(".") else ".") + " Locus evidence: " + note
                           + ".").strip()
    if result.dira_status in ("carrier", "uncertain_significance") and coverage.get("input_kind") == "gvcf" \
            and coverage.get("uncovered"):
        gaps = stretches_text(coverage["uncovered"])
        if coverage.get("cds_bases_confident") == 0:
            # none of it (e.g. a GATK 3.5 DP=0 block over the gene): "part of" would understate it
            result.status_sentence += (" None of the IL1RN coding sequence was confidently called (0 of "
                                       f"{coverage.get('cds_bases')} bp in the gVCF): small variants were not assessed"
                                       + (", so a second allele would not be seen." if result.dira_status == "carrier"
                                          else "."))
        else:
            result.status_sentence += (f" Part of the CDS was not confidently called ({gaps})"
                                       + (": a second allele there would not be seen."
                                          if result.dira_status == "carrier" else "."))
        if not adequately_covered(coverage):
            result.evidence += " Coverage below the required fraction of the CDS."
    if result.dira_status == "carrier" and not coverage.get("small_variants_assessed", True):
        result.status_sentence += (" Small variants were not assessed (structural-variant / copy-number calls "
                                   "only): a second, sequence-level allele would not be seen.")
    return result
