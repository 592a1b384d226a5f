"""Protein changes deduced from the protein sequence and the VCF REF bases, without a nucleotide reference.

Why: most labs run without `--reference`, and no verified NM_173842.3 nucleotide sequence
could be shipped (resources/VERIFICATION.md section 9). What *is* known is the protein
(NP_776214.1, 177 aa, shipped in the knowledge base), the standard genetic code, the CDS model
and the REF and ALT bases of the VCF record. That is often enough to fix the protein change:

* the reference codons of the affected residues are one of their synonymous codons (stop
  codons for the codon after the last residue); only those that agree with every REF base
  the record states are possible;
* the ALT is applied to each possible reference sequence and the result translated;
* if every possibility gives the same HGVS p. name, the protein change is determined
  (e.g. c.181C>T: Gln61 is CAA or CAG, T at the first base gives TAA or TAG, both stop:
  p.(Gln61Ter)); if they differ the change is not determined and the possible outcomes are
  reported (c.76C>T: Arg26 is CGN, TGN is Ter, Trp or Cys); if no codon of the residue
  agrees with the REF base, the record contradicts the transcript (wrong build or a bad
  record) and nothing is deduced.

The deduction is sound by construction: it is the set of outcomes over every reference
sequence that agrees with all that is known, so "determined" can never contradict the real
sequence (tests/test_codon_sets.py checks this against random back-translated CDSs).
Frameshifts get HGVS's short form p.(Thr47fs) at the first residue that changes in every
possibility (or p.(Xaa47Ter) when the new frame stops at once); in-frame indels are named on
the full protein with the HGVS 3' rule, so a repeat of residues is named at its 3'-most copy.
Changes that touch the start codon or the stop codon by an indel, or whose possibilities are
too many to enumerate, are not deduced.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE: dict[str, str] = {
    a + b + c: _AMINO[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
#: every codon of each residue ('*' = stop), standard genetic code
CODONS_OF: dict[str, tuple[str, ...]] = {
    aa: tuple(sorted(c for c, a in CODON_TABLE.items() if a == aa)) for aa in set(_AMINO)
}
#: codons after the changed ones that a frameshift window reads to find the first changed residue
FRAMESHIFT_LOOKAHEAD = 3
#: at most this many candidate reference sequences are enumerated for one allele
MAX_CANDIDATES = 50_000

METHOD_NOTE = (
    "protein change deduced from the protein sequence NP_776214.1 and the VCF REF base(s); no nucleotide reference used"
)

#: `protein_change(ref_protein, alt_protein, first_codon, frameshift)` -> (SO term, HGVS p.)
Namer = Callable[[str, str, int, bool], tuple[str, str]]


@dataclass(frozen=True)
class Deduction:
    """What the protein and the REF bases say about one coding change.

    `status`: "determined" (one outcome for every possible reference sequence),
    "ambiguous" (several outcomes: `outcomes` lists them), "contradiction" (no codon of the
    residue(s) agrees with the REF bases) or "not_deduced" (`reason` says why).
    """

    status: str
    term: str = ""
    hgvs_p: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)  # HGVS p. -> SO term
    first_codon: int = 0
    last_codon: int = 0
    residues: str = ""
    #: per codon of the window, its possible reference codons ("CAA/CAG")
    ref_candidates: tuple[str, ...] = ()
    reason: str = ""

    @property
    def determined(self) -> bool:
        return self.status == "determined"


def translate_codons(seq: str) -> str:
    """Translate every complete codon (stops included as '*', not stopping at them)."""
    return "".join(CODON_TABLE[seq[i : i + 3]] for i in range(0, len(seq) - 2, 3))


def codon_candidates(residue: str, known: Mapping[int, str]) -> tuple[str, ...]:
    """Codons of `residue` that agree with the known bases {0..2: base} of that codon."""
    return tuple(c for c in CODONS_OF.get(residue, ()) if all(c[i] == b for i, b in known.items()))


def reference_candidates(residues: str, known: Mapping[int, str]) -> list[tuple[str, ...]] | None:
    """Per codon of `residues`, the codons agreeing with `known` {offset in window: base}; None if too many."""
    per_codon = []
    total = 1
    for k, aa in enumerate(residues):
        cands = codon_candidates(aa, {i - 3 * k: b for i, b in known.items() if 3 * k <= i < 3 * k + 3})
        per_codon.append(cands)
        total *= max(len(cands), 1)
    return per_codon if total <= MAX_CANDIDATES else None


def deduce(protein: str, t0: int, t1: int, alt: str, known: Mapping[int, str], namer: Namer) -> Deduction:
    """Deduce the protein change of replacing CDS bases [t0, t1) (0-based; t0 == t1: insertion before t0) by `alt`.

    `protein` is the precursor without its stop; the CDS is 3 * (len(protein) + 1) bases with
    the stop codon. `known` maps 0-based CDS offsets to the REF bases the VCF record states.
    `namer` turns reference and alternate proteins into (SO term, HGVS p.) (consequence's
    `core.protein_change.protein_change`, so that deduced and FASTA-derived names follow one rule).
    """
    full = protein + "*"
    n_codons = len(full)
    delta = len(alt) - (t1 - t0)
    frameshift = bool(delta % 3)
    if not 0 <= t0 <= t1 <= 3 * n_codons or (t0 == t1 and (not alt or t0 == 3 * n_codons)):
        return Deduction("not_deduced", reason="change outside the coding sequence")
    # codons the change touches; an insertion before t0 lies in codon t0 // 3 (or just before it)
    w0 = t0 // 3
    w1 = (t1 - 1) // 3 if t1 > t0 else t0 // 3
    indel = delta != 0 or t1 - t0 != len(alt)
    if indel and (w0 == 0 or w1 >= n_codons - 1):
        return Deduction("not_deduced", reason="an indel at the start or stop codon needs the reference sequence")
    if frameshift:
        w1 = min(w1 + FRAMESHIFT_LOOKAHEAD, n_codons - 2)
    residues = full[w0 : w1 + 1]
    base = 3 * w0
    window_known = {i - base: b.upper() for i, b in known.items() if base <= i < 3 * (w1 + 1)}
    per_codon = reference_candidates(residues, window_known)
    if per_codon is None:
        return Deduction(
            "not_deduced",
            first_codon=w0 + 1,
            last_codon=w1 + 1,
            residues=residues,
            reason="too many possible reference sequences to enumerate",
        )
    if any(not c for c in per_codon):
        return Deduction(
            "contradiction",
            first_codon=w0 + 1,
            last_codon=w1 + 1,
            residues=residues,
            ref_candidates=tuple("/".join(CODONS_OF[aa]) for aa in residues),
        )
    outcomes: dict[str, str] = {}
    shown = tuple("/".join(c) for c in per_codon)
    for combo in itertools.product(*per_codon):
        ref_seq = "".join(combo)
        alt_seq = ref_seq[: t0 - base] + alt.upper() + ref_seq[t1 - base :]
        term, name = (
            _frameshift_outcome(full, w0, residues, alt_seq)
            if frameshift
            else _inframe_outcome(full, w0, w1, alt_seq, namer)
        )
        outcomes[name] = term
    common: dict[str, Any] = {
        "first_codon": w0 + 1,
        "last_codon": w1 + 1,
        "residues": residues,
        "ref_candidates": shown,
    }
    if len(outcomes) == 1 and "" not in outcomes:
        ((name, term),) = outcomes.items()
        return Deduction("determined", term=term, hgvs_p=name, outcomes=outcomes, **common)
    if "" in outcomes:
        return Deduction(
            "not_deduced",
            outcomes=outcomes,
            reason="the first changed residue lies beyond the "
            f"{FRAMESHIFT_LOOKAHEAD} codons read after the change in some possible sequences",
            **common,
        )
    return Deduction("ambiguous", outcomes=outcomes, **common)


def _inframe_outcome(full: str, w0: int, w1: int, alt_seq: str, namer: Namer) -> tuple[str, str]:
    """Name an in-frame change on the full protein (so the HGVS 3' rule sees the neighbouring residues)."""
    alt_full = full[:w0] + translate_codons(alt_seq) + full[w1 + 1 :]
    if "*" in alt_full:
        alt_full = alt_full[: alt_full.index("*") + 1]
    term, name = namer(full, alt_full, w0 + 1, False)
    if term == "synonymous_variant" and full[w0] == "*":
        term = "stop_retained_variant"
    return term, name


def _frameshift_outcome(full: str, w0: int, residues: str, alt_seq: str) -> tuple[str, str]:
    """First residue that changes in the new frame: p.(Xaa{n}fs), or p.(Xaa{n}Ter) if it is a stop at once."""
    alt_res = translate_codons(alt_seq)
    for j, (r, a) in enumerate(zip(residues, alt_res, strict=False)):
        if r != a:
            three = THREE_LETTER[r]
            if a == "*":
                return "stop_gained", f"p.({three}{w0 + j + 1}Ter)"
            return "frameshift_variant", f"p.({three}{w0 + j + 1}fs)"
    return "", ""  # no change inside the window: not determined


THREE_LETTER = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "*": "Ter",
    "X": "Xaa",
}


def protein_change_method(sequence_label: str | None, protein: str) -> str:
    """The provenance sentence: where the HGVS p. names of this run came from.

    `sequence_label` names the nucleotide sequence used (a `ReferenceGenome.label`: the user's FASTA
    or the shipped locus sequence), None when there is none.
    """
    if sequence_label:
        return f"translated from the NM_173842.3 CDS in {sequence_label}"
    if protein:
        return (
            "deduced without a nucleotide reference: from the protein sequence NP_776214.1 (knowledge base) and "
            "the VCF REF/ALT bases, named only where every codon sequence agreeing with both gives the same "
            "change; otherwise the possible changes are listed in the allele notes and none is claimed"
        )
    return "not predicted: no reference FASTA and no protein sequence in the knowledge base"


def codon_text(ded: Deduction) -> str:
    """'Gln61 CAA/CAG' (one item per codon of the window): the reference codons that remained possible."""
    return ", ".join(
        f"{THREE_LETTER[aa]}{ded.first_codon + k} {codons}"
        for k, (aa, codons) in enumerate(zip(ded.residues, ded.ref_candidates, strict=False))
    )


def outcome_text(ded: Deduction) -> str:
    """'p.(Arg26Ter) (stop_gained) or p.(Arg26Trp) (missense_variant) ...' for an ambiguous deduction."""
    return " or ".join(f"{name} ({term})" for name, term in sorted(ded.outcomes.items()) if name)
