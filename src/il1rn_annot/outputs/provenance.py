"""What every output records about how it was made: versions, build, inputs and their checksums.

An input VCF is named by its identity (`vcf.identity`: size, header, index and locus-block
checksums and their `fingerprint`), and by its whole-file SHA-256 when that was computed.

The only field allowed to differ between two runs on the same input is `generated_at`; it
can be pinned with `--date` / `IL1RN_ANNOT_DATE` (or `SOURCE_DATE_EPOCH`) for byte-identical
reruns and tests.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from il1rn_annot import TOOL_NAME, __version__
from il1rn_annot.kb.model import KnowledgeBase


def generated_at(fixed: str | None = None) -> str:
    """ISO-8601 UTC timestamp, or the pinned one."""
    if fixed:
        return fixed
    if os.environ.get("IL1RN_ANNOT_DATE"):
        return os.environ["IL1RN_ANNOT_DATE"]
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = _dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=_dt.UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _dt.datetime.now(tz=_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Provenance:
    tool: str
    tool_version: str
    knowledge_base_version: str
    knowledge_base_sha256: str
    generated_at: str
    command_line: str
    build: str
    build_evidence: str
    inputs: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: which reference sequence named the alleles (reference.describe): a FASTA, the shipped one, or none
    reference_sequence: str = "none"
    #: how protein changes (HGVS p.) were obtained: from the reference FASTA, or deduced from the
    #: shipped protein and the VCF REF/ALT bases (codon_sets.protein_change_method)
    protein_changes: str = ""
    #: the population data the classification used (evidence.load.EvidenceSet.summary), or that none was given
    population_data: str = "no population data given"
    #: the ClinVar file used; None: none given (the key is then left out of the outputs)
    clinvar_data: str | None = None
    #: each population/ClinVar file's identity: name, size, header SHA-256, release (None: none given)
    evidence_resources: list[dict[str, Any]] | None = None

    @classmethod
    def new(
        cls, kb: KnowledgeBase, build: str, build_evidence: str, command_line: str, date: str | None = None
    ) -> Provenance:
        return cls(
            TOOL_NAME, __version__, kb.version, kb.sha256, generated_at(date), command_line, build, build_evidence
        )

    def add_input(self, role: str, path: str, sha256: str, identity: dict[str, Any] | None = None) -> None:
        """Record an input. `identity`: the VCF's `vcf.identity.InputIdentity.fields()` (its
        `sha256` is "" when the whole file was not hashed); other inputs: the whole-file SHA-256."""
        entry: dict[str, Any] = {"role": role, "path": path, "sha256": sha256}
        if identity is not None:
            entry.update(identity)
        self.inputs.append(entry)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("clinvar_data", "evidence_resources"):  # only when given: outputs without them are unchanged
            if out[key] is None:
                del out[key]
        return out

    def vcf_header_lines(self) -> list[str]:
        lines = [
            f"##il1rn_annot_version={self.tool_version}",
            f"##il1rn_annot_kb_version={self.knowledge_base_version}",
            f"##il1rn_annot_kb_sha256={self.knowledge_base_sha256}",
            f"##il1rn_annot_build={self.build}",
            f'##il1rn_annot_reference_sequence="{self.reference_sequence.replace(chr(34), chr(39))}"',
            f'##il1rn_annot_protein_changes="{self.protein_changes.replace(chr(34), chr(39))}"',
            f"##il1rn_annot_date={self.generated_at}",
            f'##il1rn_annot_command="{self.command_line.replace(chr(34), chr(39))}"',
        ]
        lines += [f"##il1rn_annot_input_sha256={i['role']}:{i['sha256']}" for i in self.inputs if i["sha256"]]
        lines += [
            f"##il1rn_annot_input_identity={i['role']}:{identity_text(i)}" for i in self.inputs if "fingerprint" in i
        ]
        lines.append(f'##il1rn_annot_population_data="{self.population_data.replace(chr(34), chr(39))}"')
        if self.clinvar_data is not None:
            lines.append(f'##il1rn_annot_clinvar_data="{self.clinvar_data.replace(chr(34), chr(39))}"')
        for r in self.evidence_resources or []:
            name = str(r["name"]).replace(",", "_").replace(">", "_").replace('"', "'")
            release = str(r.get("release_date") or r.get("dataset", "")).replace('"', "'")
            policy = str(r.get("checksum_policy", "")).replace('"', "'")
            lines.append(
                f"##il1rn_annot_resource=<Role={r['role']},File={name},Size={r['size']},"
                f'HeaderSHA256={r["header_sha256"]},IndexSHA256={r.get("index_sha256", "")},Release="{release}",'
                f'Build={r.get("build", "")},ChecksumPolicy="{policy}">'
            )
        return lines


def identity_text(entry: dict[str, Any]) -> str:
    """One line naming an input by its identity fields (`vcf.identity`), for the VCF header and
    the lab report: `checksum=locus;fingerprint=..;size=..;header_sha256=..;index_sha256=..;
    locus_bytes=START-END;locus_sha256=..`; empty fields are left out."""
    parts = []
    for key in ("checksum", "fingerprint", "size", "header_sha256", "index_sha256", "locus_bytes", "locus_sha256"):
        value = entry.get(key)
        if value in (None, "", []):
            continue
        if key == "locus_bytes":
            value = f"{value[0]}-{value[1]}"
        parts.append(f"{key}={value}")
    return ";".join(parts)


def identity_phrases(entry: dict[str, Any]) -> list[str]:
    """How an input VCF was identified (vcf.identity), one phrase per field, for the lab
    report's provenance block; empty for an entry without a fingerprint (older annotation
    files, the reference FASTA: their whole-file SHA-256 is shown)."""
    if not entry.get("fingerprint"):
        return []
    parts = [f"fingerprint {entry['fingerprint']}", f"{int(entry.get('size') or 0):,} bytes"]
    if entry.get("header_sha256"):
        parts.append(f"header SHA-256 {entry['header_sha256']}")
    if entry.get("index_sha256"):
        parts.append(f"index SHA-256 {entry['index_sha256']}")
    locus = entry.get("locus_bytes")
    if locus:
        parts.append(f"locus blocks (bytes {locus[0]:,}-{locus[1]:,}) SHA-256 {entry.get('locus_sha256', '')}")
    return parts
