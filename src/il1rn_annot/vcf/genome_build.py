"""Genome-build detection from a VCF header, and the refusal to annotate on a mismatch.

Annotating GRCh37 calls with GRCh38 coordinates puts every variant ~757 kb away from
where it is: the classic silent clinical error. The build is read from the header
(chromosome-2 length in `##contig`, assembly names in `##reference` / `assembly=`);
a `--build` that contradicts the header is refused, and a header that says nothing
requires an explicit `--build` rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from il1rn_annot.errors import BuildMismatchError, InputError
from il1rn_annot.kb.model import KnowledgeBase


@dataclass
class BuildCall:
    """The build the annotator will use, with why it believes it."""

    build: str
    evidence: str
    source: str  # "header", "user", "header+user"
    warnings: list[str] = field(default_factory=list)


def _alias_hits(text: str, kb: KnowledgeBase) -> set[str]:
    hits = set()
    lowered = text.lower()
    for name, info in kb.builds.items():
        for alias in info.aliases:
            # word-ish match so that "hg19" does not match inside "hg190"
            if re.search(rf"(?<![a-z0-9]){re.escape(alias.lower())}(?![0-9])", lowered):
                hits.add(name)
    return hits


def detect_build(
    contig_lengths: dict[str, int | None], header_lines: list[str], kb: KnowledgeBase, path: str
) -> tuple[str | None, str]:
    """Return (build or None, evidence text). Raises if the header contradicts itself."""
    evidence: list[str] = []
    by_length: set[str] = set()
    for name in ("chr2", "2"):
        length = contig_lengths.get(name)
        if length:
            for build, info in kb.builds.items():
                if info.chr2_length == length:
                    by_length.add(build)
                    evidence.append(f"##contig {name} length {length:,} = {build}")
            if not by_length:
                evidence.append(f"##contig {name} length {length:,} matches no known build")
    by_name: set[str] = set()
    # every ##contig line of a GATK/Picard header carries assembly=: quote chromosome 2's (or the
    # first) and count the others, instead of a 5.7 kB evidence line listing 84 contigs
    other_contigs: dict[str, int] = {}
    quoted_contig = False
    for line in header_lines:
        if line.startswith("##reference=") or (line.startswith("##contig=") and "assembly=" in line):
            hits = _alias_hits(line, kb)
            if not hits:
                continue
            by_name |= hits
            said = "/".join(sorted(hits))
            if line.startswith("##contig="):
                is_chr2 = re.match(r"##contig=<ID=(chr)?2[,>]", line) is not None
                if quoted_contig and not is_chr2:
                    other_contigs[said] = other_contigs.get(said, 0) + 1
                    continue
                if quoted_contig:  # chromosome 2 after another: it replaces the one quoted
                    other_contigs[said] = other_contigs.get(said, 0) + 1
                    evidence[:] = [e for e in evidence if not e.startswith("##contig=")]
                quoted_contig = True
            evidence.append(f"{line[:120]} names {said}")
    for said, count in other_contigs.items():
        evidence.append(f"{count} other ##contig line(s) name {said}")
    if len(by_name) > 1:
        by_name = set()  # ambiguous names (e.g. a path mentioning both) carry no weight
    if by_length and by_name and by_length != by_name:
        raise BuildMismatchError(
            f"the header contradicts itself: chromosome-2 length says {'/'.join(sorted(by_length))}, "
            f"the reference/assembly name says {'/'.join(sorted(by_name))}",
            path=path,
            where="header",
            hint="check which reference the calls were made on and fix the ##contig/##reference lines of the header",
        )
    detected = by_length or by_name
    if len(detected) == 1:
        return next(iter(detected)), "; ".join(evidence)
    return None, "; ".join(evidence) or "no ##contig length for chromosome 2 and no ##reference in the header"


def resolve_build(detected: str | None, evidence: str, requested: str, path: str, kb: KnowledgeBase) -> BuildCall:
    """Combine what the header says with what the user asked for."""
    if requested not in ("auto", *kb.builds):
        raise InputError(f"unknown build '{requested}'", path=path, hint=f"use one of: auto, {', '.join(kb.builds)}")
    if requested == "auto":
        if detected is None:
            raise InputError(
                f"cannot detect the genome build from the header ({evidence})",
                path=path,
                where="header",
                hint="rerun with --build GRCh38 or --build GRCh37 after checking which reference the calls were "
                "made on",
            )
        return BuildCall(detected, evidence, "header")
    if detected is None:
        return BuildCall(
            requested,
            f"stated by the user; the header cannot confirm it ({evidence})",
            "user",
            [(f"genome build {requested} was stated by the user and could not be confirmed from the header")],
        )
    if detected != requested:
        raise BuildMismatchError(
            f"--build {requested} contradicts the header, which says {detected} ({evidence})",
            path=path,
            where="header",
            hint=f"rerun with --build {detected} (or --build auto) if the header is right; if the header is wrong, "
            "fix it: annotating against the wrong build puts every variant in the wrong place",
        )
    return BuildCall(detected, evidence + "; matches --build", "header+user")
