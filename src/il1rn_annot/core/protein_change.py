"""HGVS p. from two protein sequences: translate a coding sequence, and name the change between the
reference protein and the altered one (missense, nonsense, frameshift with its new stop, in-frame
deletion/insertion/duplication, stop loss with its extension, start loss).

`core.consequence` builds the altered sequence from the allele and a reference; naming what changed
is kept here, apart from where the sequence came from (HGVS protein rules, three-letter codes).
"""

from __future__ import annotations

from il1rn_annot.core.codon_sets import CODON_TABLE, THREE_LETTER


def translate(seq: str) -> str:
    """Translate until the first stop (included as '*'); incomplete trailing codon dropped."""
    protein = []
    for i in range(0, len(seq) - 2, 3):
        aa = CODON_TABLE.get(seq[i : i + 3], "X")
        protein.append(aa)
        if aa == "*":
            break
    return "".join(protein)


def _aa(residue: str) -> str:
    return THREE_LETTER.get(residue, "Xaa")


def protein_change(ref_p: str, alt_p: str, first_changed_codon: int, frameshift: bool) -> tuple[str, str]:
    """(consequence, HGVS p.) from reference and alternate protein sequences (with '*')."""
    if alt_p == ref_p:
        residue = ref_p[first_changed_codon - 1] if first_changed_codon <= len(ref_p) else ""
        term = "stop_retained_variant" if residue == "*" else "synonymous_variant"  # SO: a stop codon kept
        return term, f"p.({_aa(residue)}{first_changed_codon}=)"
    if not alt_p or alt_p[0] != ref_p[0]:
        return "start_lost", "p.(Met1?)"
    i = 0
    while i < min(len(ref_p), len(alt_p)) and ref_p[i] == alt_p[i]:
        i += 1
    if frameshift:
        if alt_p[i] == "*":
            return "stop_gained", f"p.({_aa(ref_p[i])}{i + 1}Ter)"
        ter = f"Ter{len(alt_p) - i}" if alt_p.endswith("*") else "Ter?"
        return "frameshift_variant", f"p.({_aa(ref_p[i])}{i + 1}{_aa(alt_p[i])}fs{ter})"
    if i < len(ref_p) and ref_p[i] == "*":
        ext = f"Ter{len(alt_p) - i - 1}" if alt_p.endswith("*") else "Ter?"
        return "stop_lost", f"p.(Ter{i + 1}{_aa(alt_p[i])}ext{ext})"
    if i < len(alt_p) and alt_p[i] == "*":
        return "stop_gained", f"p.({_aa(ref_p[i])}{i + 1}Ter)"
    # common suffix, not overlapping the common prefix
    s = 0
    while s < len(ref_p) - i and s < len(alt_p) - i and ref_p[len(ref_p) - 1 - s] == alt_p[len(alt_p) - 1 - s]:
        s += 1
    ref_mid, alt_mid = ref_p[i : len(ref_p) - s], alt_p[i : len(alt_p) - s]
    if len(ref_mid) == 1 and len(alt_mid) == 1:
        return "missense_variant", f"p.({_aa(ref_mid)}{i + 1}{_aa(alt_mid)})"
    first = f"{_aa(ref_p[i])}{i + 1}" if ref_mid else ""
    if ref_mid and not alt_mid:
        last = f"{_aa(ref_p[i + len(ref_mid) - 1])}{i + len(ref_mid)}"
        span = first if len(ref_mid) == 1 else f"{first}_{last}"
        return "inframe_deletion", f"p.({span}del)"
    if alt_mid and not ref_mid:
        n = len(alt_mid)
        if i >= n and ref_p[i - n : i] == alt_mid:
            a, b = i - n + 1, i
            span = f"{_aa(ref_p[a - 1])}{a}" + ("" if a == b else f"_{_aa(ref_p[b - 1])}{b}")
            return "inframe_insertion", f"p.({span}dup)"
        ins = "".join(_aa(x) for x in alt_mid)
        return "inframe_insertion", f"p.({_aa(ref_p[i - 1])}{i}_{_aa(ref_p[i])}{i + 1}ins{ins})"
    last = f"{_aa(ref_p[i + len(ref_mid) - 1])}{i + len(ref_mid)}"
    span = first if len(ref_mid) == 1 else f"{first}_{last}"
    ins = "".join(_aa(x) for x in alt_mid)
    return "protein_altering_variant", f"p.({span}delins{ins})"
