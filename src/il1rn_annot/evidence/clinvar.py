"""What ClinVar's weekly/monthly VCF says about one allele: significance, review stars, conflicts, date.

ClinVar is shown as evidence beside the tool's own classification and never replaces it: an
assertion that disagrees with the curated knowledge base or the rules is shown as a conflict for
the reviewer (`evidence.apply`). The stars follow ClinVar's review-status scale (HL7 Genomics
Reporting IG code system quoting https://www.ncbi.nlm.nih.gov/clinvar/docs/review_status/;
resources/VERIFICATION.md): practice guideline 4, expert panel 3, multiple submitters with
criteria and no conflicts 2, single submitter with criteria (or conflicting classifications) 1,
no assertion criteria 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: CLNREVSTAT (its comma-joined words, as the VCF writes them) -> review stars
REVIEW_STARS: dict[str, int] = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_single_submitter": 1,
    "criteria_provided,_conflicting_interpretations": 1,
    "criteria_provided,_conflicting_classifications": 1,
    "no_assertion_criteria_provided": 0,
    "no_assertion_provided": 0,
    "no_classification_provided": 0,
    "no_interpretation_for_the_single_variant": 0,
    "no_classification_for_the_single_variant": 0,
    "no_classifications_from_unflagged_records": 0,
}

PATHOGENIC_WORDS = ("pathogenic", "likely_pathogenic", "pathogenic/likely_pathogenic")
BENIGN_WORDS = ("benign", "likely_benign", "benign/likely_benign")


@dataclass
class ClinVarAssertion:
    """One allele's ClinVar record (one VariationID), as the release file states it."""

    variation_id: str
    allele_id: str
    significance: str  # CLNSIG, words joined by '|' as ClinVar writes them
    review_status: str  # CLNREVSTAT
    stars: int | None  # None: a review status this table does not know (shown as written)
    conflicts: str  # CLNSIGCONF ('' when none)
    conditions: list[str] = field(default_factory=list)  # CLNDN
    hgvs: str = ""  # CLNHGVS
    release_date: str = ""  # the file's ##fileDate
    record: str = ""

    @property
    def is_conflicting(self) -> bool:
        return bool(self.conflicts) or self.significance.lower().startswith("conflicting")

    @property
    def direction(self) -> str:
        """'pathogenic', 'benign', 'conflicting' or 'other' (VUS, risk factor, drug response, not provided)."""
        if self.is_conflicting:
            return "conflicting"
        words = self.significance.lower().split("|")[0].split(",")[0]
        if words in PATHOGENIC_WORDS:
            return "pathogenic"
        if words in BENIGN_WORDS:
            return "benign"
        return "other"

    def text(self) -> str:
        """One line for the evidence and the report, e.g. 'ClinVar (release 2024-12-01): Pathogenic,
        2 stars (criteria provided, multiple submitters, no conflicts), VariationID 1234'."""
        stars = "review status not rated" if self.stars is None else f"{self.stars} star{'s' * (self.stars != 1)}"
        status = self.review_status.replace("_", " ").replace(",", ", ").replace("  ", " ").strip()
        significance = self.significance.replace("_", " ")
        out = f"ClinVar{f' (release {self.release_date})' if self.release_date else ''}: {significance}, {stars}"
        out += f" ({status})" if status else ""
        if self.conflicts:
            out += f"; conflicting submissions: {self.conflicts.replace('_', ' ')}"
        if self.conditions:
            out += f"; condition(s): {', '.join(c.replace('_', ' ') for c in self.conditions)}"
        return out + (f"; VariationID {self.variation_id}" if self.variation_id else "")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["direction"] = self.direction
        return out


def assertion_of(info: dict[str, str | None], vcf_id: str, release_date: str, where: str) -> ClinVarAssertion:
    """A ClinVar record's INFO as an assertion (ClinVar VCFs have one ALT per record)."""
    status = info.get("CLNREVSTAT") or ""
    return ClinVarAssertion(
        variation_id="" if vcf_id in (".", "") else vcf_id,
        allele_id=info.get("ALLELEID") or "",
        significance=info.get("CLNSIG") or "not_provided",
        review_status=status,
        stars=REVIEW_STARS.get(status),
        conflicts=info.get("CLNSIGCONF") or "",
        conditions=[c for c in (info.get("CLNDN") or "").split("|") if c and c != "not_provided"],
        hgvs=info.get("CLNHGVS") or "",
        release_date=release_date,
        record=where,
    )


def release_date(file_date: str | None) -> str:
    """The ##fileDate of a ClinVar VCF as YYYY-MM-DD (older releases write 20150930)."""
    if not file_date:
        return ""
    text = file_date.strip()
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text
