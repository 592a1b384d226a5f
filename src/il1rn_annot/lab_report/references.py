"""The literature a report cites: references numbered in order of first citation (`RefBook`),
and the view of a knowledge-base condition with its cited references (`condition_view`).

Only references that were read in a source (`kb.model.Reference.printable`) are ever
cited; the numbered list at the end of the report is `RefBook.listing`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from il1rn_annot.kb.model import KnowledgeBase, Reference
from il1rn_annot.outputs.html import words as _words

INHERITANCE = {"autosomal_recessive": "autosomal recessive", "autosomal_dominant": "autosomal dominant"}


class RefBook:
    """References cited in the report, numbered in order of first citation."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.order: list[str] = []

    def cite(self, ref_ids: Iterable[str]) -> list[dict[str, Any]]:
        out = []
        for rid in ref_ids:
            ref = self.kb.references.get(rid)
            if ref is None or not ref.printable:
                continue  # an unread reference is never printed as a citation
            if rid not in self.order:
                self.order.append(rid)
            out.append(self._short(ref))
        return out

    def _short(self, ref: Reference) -> dict[str, Any]:
        who = " ".join(str(x) for x in (ref.first_author, ref.year) if x) or (
            f"PMID {ref.pmid}" if ref.pmid else ref.id
        )
        return {
            "number": self.order.index(ref.id) + 1,
            "who": who,
            "pmid": ref.pmid,
            "pmid_url": ref.pubmed_url,
            "doi": ref.doi,
            "doi_url": ref.doi_url,
        }

    def listing(self) -> list[dict[str, Any]]:
        out = []
        for n, rid in enumerate(self.order, start=1):
            ref = self.kb.references[rid]
            out.append(
                {
                    "number": n,
                    "citation": ref.citation,
                    "pmid": ref.pmid,
                    "pmid_url": ref.pubmed_url,
                    "doi": ref.doi,
                    "doi_url": ref.doi_url,
                    "unverified": ref.status != "verified",
                    "status": {"citation_only": "no PMID or DOI could be confirmed"}.get(ref.status, ref.status),
                }
            )
        return out


def condition_view(cond: Any, refs: RefBook) -> dict[str, Any]:
    return {
        "id": cond.id,
        "name": cond.name,
        "summary": cond.summary,
        "omim": cond.omim,
        "omim_url": f"https://omim.org/entry/{cond.omim}" if cond.omim else None,
        "inheritance": INHERITANCE.get(cond.inheritance or "", _words(cond.inheritance or "")),
        "features": [{"label": label, "hpo": hpo} for label, hpo in cond.features],
        "treatment": cond.treatment,
        "similar_to": cond.similar_to,
        "synonyms": list(cond.synonyms),
        "refs": refs.cite(cond.references),
        "treatment_refs": refs.cite(cond.treatment_references),
    }
