"""What every output records about how it was made: versions, build, inputs and their checksums.

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
    inputs: list[dict[str, str]] = field(default_factory=list)
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

    def add_input(self, role: str, path: str, sha256: str) -> None:
        self.inputs.append({"role": role, "path": path, "sha256": sha256})

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
        lines += [f"##il1rn_annot_input_sha256={i['role']}:{i['sha256']}" for i in self.inputs]
        lines.append(f'##il1rn_annot_population_data="{self.population_data.replace(chr(34), chr(39))}"')
        if self.clinvar_data is not None:
            lines.append(f'##il1rn_annot_clinvar_data="{self.clinvar_data.replace(chr(34), chr(39))}"')
        for r in self.evidence_resources or []:
            name = str(r["name"]).replace(",", "_").replace(">", "_").replace('"', "'")
            release = str(r.get("release_date") or r.get("dataset", "")).replace('"', "'")
            lines.append(
                f"##il1rn_annot_resource=<Role={r['role']},File={name},Size={r['size']},"
                f'HeaderSHA256={r["header_sha256"]},IndexSHA256={r.get("index_sha256", "")},Release="{release}">'
            )
        return lines
