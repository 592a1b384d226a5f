"""What one sample's calls say beside its status: failed caller filters, and what kind of change
a call is (a loss of IL1RN coding sequence, a protein effect left undetermined, a homozygous
uncertain change in the words its evidence supports).

`core.interpret` decides the status; these small judgements about single calls are kept here so
that the rules there read as rules.
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.core.allele_words import allele_label
from il1rn_annot.core.sample_result import SampleResult
from il1rn_annot.core.vocabulary import ANY_DELETION_TYPES, DELETION_TYPES, PATHOGENIC


def filter_note(findings: list[dict[str, Any]]) -> str:
    failing = [
        f
        for f in findings
        if f.get("filter") not in ("PASS", ".", None, "") or f.get("sample_filter") not in ("PASS", ".", None, "")
    ]
    if not failing:
        return ""
    return (
        " Note: "
        + "; ".join(
            f"{allele_label(f)} did not pass the caller's filters ("
            + ", ".join(
                x
                for x in (
                    f["filter"] if f.get("filter") not in ("PASS", ".", None, "") else "",
                    f"sample FT={f['sample_filter']}" if f.get("sample_filter") not in ("PASS", ".", None, "") else "",
                )
                if x
            )
            + ")"
            for f in failing
        )
        + " — confirm before reporting."
    )


def name_filtered_calls_in_the_sentence(result: SampleResult, findings: list[dict[str, Any]]) -> None:
    """A positive result resting on a call that failed the caller's filters says so in its sentence.

    The evidence already notes it (`filter_note`), but the sentence is what heads the report and
    the summary: "consistent with DIRA" from a FILTER/FT-failed call must not read as settled.
    """
    if result.dira_status not in ("consistent_with_DIRA", "possible_DIRA", "carrier"):
        return
    note = filter_note([f for f in findings if f["classification"] in PATHOGENIC])
    if note:
        result.status_sentence += (
            " " + note.strip().removeprefix("Note: ").replace(" — confirm", ": confirm").rstrip(".") + "."
        )


def removes_il1rn_coding(f: dict[str, Any]) -> bool:
    """A call that takes IL1RN coding sequence (or a predicted loss of function by the PVS1 tree)."""
    coding = {
        "transcript_ablation",
        "exon_loss_variant",
        "coding_sequence_variant",
        "start_lost",
        "stop_lost",
        "frameshift_variant",
        "inframe_deletion",
        "stop_gained",
        "splice_donor_variant",
        "splice_acceptor_variant",
    }
    return bool(f.get("pvs1")) or (
        f.get("variant_type") in ANY_DELETION_TYPES and bool(coding & set(f.get("consequence") or []))
    )


def protein_effect_undetermined(f: dict[str, Any]) -> bool:
    """A small change inside the CDS whose protein effect is unknown (no sequence, and the codon
    set of the protein did not fix it): it could be a stop, so a homozygous one leaves DIRA open."""
    return f.get("variant_type") not in DELETION_TYPES and list(f.get("consequence") or []) == [
        "coding_sequence_variant"
    ]


def homozygous_vus_effect(f: dict[str, Any]) -> str:
    """What a homozygous uncertain coding change is, in the words its evidence supports.

    Only a PVS1 branch (ClinGen SVI tree) predicts a loss of function; an in-frame deletion, a
    stop-loss or a change whose protein effect is not determined has none, and its evidence says
    "PVS1 does not apply": the sentence must not call it a predicted loss of function.
    """
    if f.get("pvs1"):
        return f"a predicted loss of function ({f['pvs1']}) that is of uncertain significance"
    return "a change that is not a predicted loss of function by the PVS1 tree and is of uncertain significance"
