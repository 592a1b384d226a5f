"""The population and ClinVar data of one run: each resource opened, checked and its window read once.

`load_evidence` is called once per input build (the window is a few kb, so the whole window of a
30 GB gnomAD file is a few hundred records read through the index); `EvidenceSet.lookup` then
answers per allele. The set is inherited by forked scan workers, never pickled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from il1rn_annot.evidence.clinvar import ClinVarAssertion, assertion_of, release_date
from il1rn_annot.evidence.match import AlleleIndex
from il1rn_annot.evidence.population import PopulationFields, PopulationFrequency, dataset_label, frequency_of
from il1rn_annot.evidence.resource import ResourceFile, open_resource
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.vcf.reference import ReferenceGenome


@dataclass
class PopulationResource:
    resource: ResourceFile
    label: str
    fields: PopulationFields
    alleles: AlleleIndex[PopulationFrequency]
    records: int = 0  # VCF records read in the window (a multi-allelic record is one)


@dataclass
class EvidenceSet:
    """The resources given for a run (possibly none of one kind) and their alleles in the window."""

    build: str
    population: list[PopulationResource] = field(default_factory=list)
    clinvar: ClinVarResource | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies these resources (paths, sizes, header checksums): the annotation memo's key."""
        parts = [f"{p.resource.path}:{p.resource.size}:{p.resource.header_sha256}" for p in self.population]
        if self.clinvar is not None:
            c = self.clinvar.resource
            parts.append(f"clinvar={c.path}:{c.size}:{c.header_sha256}")
        return tuple(parts)

    def lookup(
        self, pos: int, ref: str, alt: str, reference: ReferenceGenome | None
    ) -> tuple[list[PopulationFrequency | None], ClinVarAssertion | None, list[str], bool]:
        """Per population resource its entry (None: absent), the ClinVar assertion, notes, and whether
        absence from a population resource could not be told (an indel the bases known cannot compare)."""
        notes: list[str] = []
        found: list[PopulationFrequency | None] = []
        undecided = False
        for pop in self.population:
            hit, note = pop.alleles.find(pos, ref, alt, reference)
            found.append(hit)
            if note:
                notes.append(f"{pop.label}: {note}")
                undecided = undecided or hit is None
        clinvar = None
        if self.clinvar is not None:
            clinvar, note = self.clinvar.alleles.find(pos, ref, alt, reference)
            if note:
                notes.append(f"ClinVar: {note}")
        return found, clinvar, notes, undecided

    def provenance(self) -> list[dict[str, Any]]:
        """Each resource's identity for every output (name, size, header SHA-256, release, fields)."""
        out: list[dict[str, Any]] = []
        for pop in self.population:
            out.append(
                {
                    **pop.resource.provenance(),
                    "dataset": pop.label,
                    "version_source": "file name (gnomAD headers carry no release name)"
                    if pop.label.startswith("gnomAD")
                    else "none: named by its file name",
                    "fields": pop.fields.used(),
                    "records_in_window": pop.records,
                }
            )
        if self.clinvar is not None:
            out.append(
                {
                    **self.clinvar.resource.provenance(),
                    "dataset": "ClinVar",
                    "release_date": self.clinvar.release_date,
                    "version_source": "##fileDate of the header",
                    "records_in_window": self.clinvar.records,
                }
            )
        return out

    def summary(self) -> str:
        """The report's one line: 'gnomAD v4.1 joint (gnomad.joint.v4.1.sites.chr2.vcf.bgz)' …"""
        if not self.population:
            return "no population data given"
        return "; ".join(f"{p.label} ({os.path.basename(p.resource.path)})" for p in self.population)

    def clinvar_summary(self) -> str:
        if self.clinvar is None:
            return "no ClinVar file given"
        date = (
            f", release {self.clinvar.release_date}"
            if self.clinvar.release_date
            else ", release date not stated (no ##fileDate in its header)"
        )
        return f"ClinVar ({os.path.basename(self.clinvar.resource.path)}{date})"


@dataclass
class ClinVarResource:
    resource: ResourceFile
    release_date: str
    alleles: AlleleIndex[ClinVarAssertion]
    records: int = 0


#: the sets read by this process, by what they were read from: a batch of 1,000 inputs of one build
#: opens each resource (and its index, a few MB for a gnomAD chromosome) once, not 1,000 times
_READ: dict[tuple[Any, ...], EvidenceSet] = {}


def load_evidence(
    population_paths: list[str],
    clinvar_path: str | None,
    kb: KnowledgeBase,
    build: str,
    window: tuple[int, int],
) -> EvidenceSet | None:
    """Open every resource (index and build checked), read its IL1RN window. None when none is given.

    Remembered per process by the files' paths, sizes and modification times, the build, the
    window and the knowledge base: a file replaced in between is read again.
    """
    if not population_paths and not clinvar_path:
        return None
    key = (
        tuple(_stamp(p) for p in population_paths),
        _stamp(clinvar_path) if clinvar_path else None,
        build,
        window,
        kb.sha256,
    )
    found = _READ.get(key)
    if found is None:
        found = _read(population_paths, clinvar_path, kb, build, window)
        if len(_READ) >= 8:
            _READ.clear()
        _READ[key] = found
    return found


def _stamp(path: str) -> tuple[str, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1)  # open_resource names the missing file
    return (path, info.st_size, info.st_mtime_ns)


def _read(
    population_paths: list[str], clinvar_path: str | None, kb: KnowledgeBase, build: str, window: tuple[int, int]
) -> EvidenceSet:
    evidence = EvidenceSet(build)
    start, end = window
    for path in population_paths:
        resource = open_resource(path, "population", kb, build)
        fields = PopulationFields.from_header(resource)
        label = dataset_label(resource)
        index: AlleleIndex[PopulationFrequency] = AlleleIndex()
        records = resource.records(start, end)
        for rec in records:
            info = rec.info()
            for k, alt in enumerate(rec.alts):
                if alt.startswith("<") or alt == "*" or "[" in alt or "]" in alt:
                    continue
                where = f"{rec.chrom}:{rec.pos} {rec.ref}>{alt}"
                index.add(rec.pos, rec.ref, alt, frequency_of(resource, fields, label, info, k, where, rec.filter))
        evidence.population.append(PopulationResource(resource, label, fields, index, len(records)))
    if clinvar_path:
        resource = open_resource(clinvar_path, "clinvar", kb, build)
        date = release_date(resource.header_value("fileDate"))
        cv_index: AlleleIndex[ClinVarAssertion] = AlleleIndex()
        cv_records = resource.records(start, end)
        for rec in cv_records:
            info = rec.info()
            for alt in rec.alts:
                if alt.startswith("<") or alt == "*":
                    continue
                where = f"{rec.chrom}:{rec.pos} {rec.ref}>{alt}"
                cv_index.add(rec.pos, rec.ref, alt, assertion_of(info, rec.vcf_id, date, where))
        evidence.clinvar = ClinVarResource(resource, date, cv_index, len(cv_records))
    return evidence
