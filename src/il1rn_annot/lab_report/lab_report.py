"""A sample's lab report: one self-contained HTML file and a PDF made from the same HTML.

Input is one or more annotation JSONs (`il1rn-annot annotate`); a sample may appear in
several (SNVs from GATK + deletions from Manta), so its findings are gathered from every
file (`outputs.read_back`) and pooled (`core.pool`). Its status, sentence and evidence are the
cohort's (`--samples-from summary.tsv`: the sample is interpreted once, by the cohort step);
without a cohort the pooled sample is interpreted here with the same function
(`interpret.interpret_pooled`). One process can write the
reports of many samples (`ReportWriter`, `il1rn-annot report --sample A --sample B` or
`--samples-from summary.tsv`): WeasyPrint (~1 s to import) and its fonts are then set up once. All clinical text comes
from the knowledge base; the template adds only the report's structure, the method's limits
and generic wording about recessive inheritance.

Safety and reproducibility:

* Jinja2 with autoescape on for everything (`outputs.html`, the cohort page's environment
  too); sample IDs, VCF IDs, paths and lab settings are never marked safe. The only markup
  inserted as-is is the SVG drawn by `figures`, which escapes its own labels.
* The HTML is self-contained: inline CSS, inline SVG, the lab logo as a data: URI; no
  scripts, web fonts or remote images. The PDF renderer is given a URL fetcher that refuses
  anything but data: URIs, so a report never reaches the network.
* The output file name is derived from the sample ID but sanitised (`safe_name`): it can
  never leave the output folder.
* Same inputs + same `--date` give byte-identical HTML, and byte-identical PDF (the PDF's
  creation/modification dates come from `--date`, its /ID is a hash of its content).
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from markupsafe import Markup

from il1rn_annot import TOOL_NAME

from il1rn_annot import __version__
from il1rn_annot.outputs.atomic import atomic_path, replace_dir, staging_dir, writing
from il1rn_annot.errors import InputError
from il1rn_annot.core.coverage import (KIND_TEXT, adequately_covered, evidence_text as coverage_evidence_text,
                       of_sample as coverage_of_sample)
from il1rn_annot.core.annotate import RECIPROCAL_OVERLAP_MATCH
from il1rn_annot.core.vocabulary import (BENIGN_OR_NO_EFFECT, CLASS_BADGE_COLOURS, CLASS_NAMES, CLASSIFICATIONS,
                                         DELETION_TYPES, FLAGGED as FLAGGED_STATUSES, PATHOGENIC, STATUS_LABELS,
                                         STATUSES)
from il1rn_annot.lab_report.figures import cluster_svg, exon_svg
from il1rn_annot.outputs.html import render, words as _words
from il1rn_annot.outputs.naming import safe_name
from il1rn_annot.outputs.read_back import (AnnotationCache, SampleInFile, gather_sample, load_annotation, manifest_outputs,
                                          source_calls)
from il1rn_annot.outputs.read_summary import StoredResult, read_summary, select_samples
from il1rn_annot.core.pool import Pooled, pool_sources
from il1rn_annot.core.allele_words import allele_label, deletion_effect, exon_parts, removed_genes_with_conditions
from il1rn_annot.core.interpret import LOCUS_CALLED_TEXT, SampleResult, interpret_pooled
from il1rn_annot.core.phase import ParentCalls
from il1rn_annot.kb.model import KnowledgeBase, Reference
from il1rn_annot.outputs.provenance import generated_at

SUPPORTED_SCHEMA = "1.0"
LAB_KEYS = ("lab_name", "lab_address", "logo", "reviewers", "footer", "report_title")
DEFAULT_TITLE = "IL1RN gene analysis report"
LOGO_MAX_BYTES = 2_000_000
FIGURE_WIDTH = 760  # px; the A4 text width is ~680 px, so labels print near their nominal size

ZYGOSITY_NOTES = {
    "partial": "one allele called, the other missing",
    "hemizygous": "one copy present",
}
INHERITANCE = {"autosomal_recessive": "autosomal recessive", "autosomal_dominant": "autosomal dominant"}


# ----------------------------------------------------------------------------------------
# small helpers


def _fmt_int(n: Any) -> str:
    return f"{int(n):,}"


def _short_allele(seq: str, keep: int = 8) -> str:
    if len(seq) <= 2 * keep + 4:
        return seq
    return f"{seq[:keep]}…({len(seq):,} bp)"


def _region_id(f: dict[str, Any]) -> str:
    """The curated region deletion a finding was matched to ('' for none): region entries are the
    knowledge-base IDs that deletions carry in `known_variant`."""
    kv = str(f.get("known_variant") or "")
    return kv if kv and f.get("variant_type") in DELETION_TYPES + ("deletion",) else ""


def _gene_condition_note(gene: dict[str, Any], zygosity: str) -> str:
    """'DITRA (...), OMIM 614204, autosomal recessive: both copies lost' for a removed cluster gene
    with a verified condition of its own; it says whether the loss matters for this zygosity."""
    if not gene.get("condition") or gene.get("gene") == "IL1RN":
        return ""
    inheritance = str(gene.get("inheritance", ""))
    both = zygosity in ("homozygous", "hemizygous")
    matters = both or inheritance == "autosomal_dominant"
    return (f"{gene['condition']}, OMIM {gene.get('omim', '')}, {inheritance.replace('_', ' ')}: "
            + ("loss relevant for this zygosity" if matters else "one copy lost (carrier)"))


def _percent(fraction: float | None) -> str:
    if fraction is None:
        return ""
    value = 100 * float(fraction)
    if value == 0:
        return "0%"
    if value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def _is_deletion(f: dict[str, Any]) -> bool:
    return bool(f.get("deleted_genes")) or f.get("il1rn_overlap") is not None or f["variant_type"] in DELETION_TYPES


def _parse_date(text: str | None) -> tuple[str, str]:
    """(date for display, W3C timestamp for the PDF metadata) from --date or the pinned/real now."""
    raw = (text or generated_at(None)).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = _dt.date.fromisoformat(raw)
            stamp = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc)
        else:
            stamp = _dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=_dt.timezone.utc)
            stamp = stamp.astimezone(_dt.timezone.utc)
    except ValueError:
        raise InputError(f"report date '{raw}' is not a date", where="--date",
                         hint="give YYYY-MM-DD or an ISO 8601 timestamp such as 2026-01-31T09:00:00Z") from None
    return stamp.strftime("%Y-%m-%d"), stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------------------
# lab settings


def load_lab_config(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Lab settings from YAML (keys LAB_KEYS), with defaults; the logo becomes a data: URI."""
    lab: dict[str, Any] = {"lab_name": "", "lab_address": "", "logo": None, "reviewers": [], "footer": "",
                           "report_title": DEFAULT_TITLE}
    if path is None:
        return normalise_lab(lab, None)
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
    except FileNotFoundError:
        raise InputError("lab configuration file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path=str(path)) from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise InputError("the lab configuration must be a mapping of keys to values", path=str(path),
                         hint="keys: " + ", ".join(LAB_KEYS))
    unknown = sorted(set(doc) - set(LAB_KEYS))
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(map(str, unknown))}", path=str(path),
                         hint="allowed keys: " + ", ".join(LAB_KEYS))
    lab.update({k: v for k, v in doc.items() if v is not None})
    return normalise_lab(lab, path.parent, source=str(path))


def normalise_lab(lab: dict[str, Any] | None, base_dir: Path | None, source: str = "lab settings") -> dict[str, Any]:
    """Check types, read the logo, and return the settings the template uses."""
    lab = dict(lab or {})
    out: dict[str, Any] = {}
    for key in ("lab_name", "lab_address", "footer", "report_title"):
        value = lab.get(key) or ""
        if not isinstance(value, (str, int, float)):
            raise InputError(f"'{key}' must be text", path=source)
        out[key] = str(value).strip()
    out["report_title"] = out["report_title"] or DEFAULT_TITLE
    out["address_lines"] = [line.strip() for line in out["lab_address"].splitlines() if line.strip()]
    reviewers = lab.get("reviewers") or []
    if not isinstance(reviewers, list):
        raise InputError("'reviewers' must be a list of names (or of {name, role})", path=source)
    out["reviewers"] = []
    for entry in reviewers:
        if isinstance(entry, dict):
            name, role = str(entry.get("name") or "").strip(), str(entry.get("role") or "").strip()
        elif isinstance(entry, (str, int, float)):
            name, role = str(entry).strip(), ""
        else:
            raise InputError("each reviewer must be a name or a mapping with name and role", path=source)
        if name or role:
            out["reviewers"].append({"name": name, "role": role})
    out["logo_uri"] = _logo_data_uri(lab.get("logo"), base_dir, source) if lab.get("logo") else None
    return out


def _read_logo(path: Path, source: str) -> bytes:
    """The logo's bytes: a regular file of at most LOGO_MAX_BYTES, checked before reading.

    Opened without blocking and checked with fstat on the open file (no race with a swap
    of the path): `/dev/zero` was read until memory ran out, and a FIFO hung the report
    step waiting for a writer. Devices, FIFOs, sockets and folders are refused by name.
    """
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read the logo {path}: {exc.strerror or exc}", path=source, where="logo") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise InputError(f"the logo {path} is {kind}, not an image file", path=source, where="logo",
                             hint="give the path of a PNG, JPEG or SVG file")
        if info.st_size > LOGO_MAX_BYTES:
            raise InputError(f"the logo {path} is {info.st_size:,} bytes (limit {LOGO_MAX_BYTES:,})", path=source,
                             where="logo", hint=f"use an image under {LOGO_MAX_BYTES // 1_000_000} MB")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > LOGO_MAX_BYTES:  # grew since fstat
        raise InputError(f"the logo {path} is over {LOGO_MAX_BYTES:,} bytes", path=source, where="logo",
                         hint=f"use an image under {LOGO_MAX_BYTES // 1_000_000} MB")
    return data


def _logo_data_uri(logo: Any, base_dir: Path | None, source: str) -> str:
    path = Path(str(logo)).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    data = _read_logo(path, source)
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif b"<svg" in data[:4096] and (head.startswith(b"<") or head.startswith(b"\xef\xbb\xbf<")):
        mime = "image/svg+xml"
    else:
        raise InputError(f"the logo {path} is not a PNG, JPEG or SVG image", path=source, where="logo")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# ----------------------------------------------------------------------------------------
# reading the annotation JSONs


# ----------------------------------------------------------------------------------------
# building the template context


class _RefBook:
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
            f"PMID {ref.pmid}" if ref.pmid else ref.id)
        return {"number": self.order.index(ref.id) + 1, "who": who, "pmid": ref.pmid, "pmid_url": ref.pubmed_url,
                "doi": ref.doi, "doi_url": ref.doi_url}

    def listing(self) -> list[dict[str, Any]]:
        out = []
        for n, rid in enumerate(self.order, start=1):
            ref = self.kb.references[rid]
            out.append({"number": n, "citation": ref.citation, "pmid": ref.pmid, "pmid_url": ref.pubmed_url,
                        "doi": ref.doi, "doi_url": ref.doi_url,
                        "unverified": ref.status != "verified",
                        "status": {"citation_only": "no PMID or DOI could be confirmed"}.get(ref.status,
                                                                                           ref.status)})
        return out


def _variant_cell(f: dict[str, Any]) -> dict[str, Any]:
    """How the variant column reads: HGVS first, then the genomic call as written."""
    end = f.get("end")
    ref, alt = str(f.get("ref", "")), str(f.get("alt", ""))
    genomic = f"{f['chrom']}:{_fmt_int(f['pos'])} {_short_allele(ref)}>{_short_allele(alt)}"
    if alt.startswith("<") and end:
        genomic += f" (END {_fmt_int(end)})"
    detail = ""
    if _is_deletion(f):
        title = f"deletion {f['chrom']}:{_fmt_int(int(f['pos']) + 1)}-{_fmt_int(end)}"
        if f.get("hgvs_c"):
            title = f"{f['hgvs_c']} ({title})"
        detail = deletion_effect(f)
    elif f.get("variant_type") in ("other_sv", "breakend"):
        title = f.get("hgvs_c") or allele_label(f)
    else:
        title = f.get("hgvs_c") or genomic
    return {
        "hgvs_c": f.get("hgvs_c") or "",
        "hgvs_p": f.get("hgvs_p") or "",
        "title": title,
        "detail": detail,
        "genomic": genomic,
        "transcript": f.get("transcript") or "",
        "gene": f.get("gene") or "",
        "vcf_id": f.get("vcf_id") or "",
    }


def _finding_rows(findings: list[dict[str, Any]], kb: KnowledgeBase, refs: _RefBook,
                  several_sources: bool) -> list[dict[str, Any]]:
    def order(f: dict[str, Any]) -> tuple[Any, ...]:
        cls = f.get("classification", "")
        return (CLASSIFICATIONS.index(cls) if cls in CLASSIFICATIONS else len(CLASSIFICATIONS), int(f["pos"]),
                str(f.get("allele_id")), str(f.get("source")))

    rows = []
    for f in sorted(findings, key=order):
        known = kb.variants.get(f.get("known_variant") or "")
        cited = refs.cite(f.get("references") or [])
        cited_pmids = {c["pmid"] for c in cited if c["pmid"]}
        extra_pmids = [p for p in f.get("pmids") or [] if p not in cited_pmids]
        zyg = f.get("zygosity", "")
        call = [f"GT {f['genotype']}"] if f.get("genotype") not in (None, "", ".") else []
        if f.get("copy_number") is not None:
            call.append(f"CN {f['copy_number']}")
        if f.get("depth") is not None:
            call.append(f"depth {f['depth']}")
        if f.get("phased") and f.get("phase_set") is not None:
            call.append(f"phase set {f['phase_set']}")
        cls = f.get("classification", "")
        rows.append({
            "variant": _variant_cell(f),
            "zygosity": zyg,
            "zygosity_note": ZYGOSITY_NOTES.get(zyg, ""),
            "call": ", ".join(call),
            "consequence": [_words(c) for c in f.get("consequence") or []],
            "classification": cls,
            "classification_label": CLASS_NAMES.get(cls, _words(cls)),
            "basis": (f"curated allele ({known.id})" if known else
                      "rule-based, not in the knowledge base" + (": review before reporting"
                                                                  if cls in PATHOGENIC + ("uncertain_significance",)
                                                                  else "")),
            "basis_short": "curated" if known else "rule-based",
            "evidence": f.get("classification_evidence") or "",
            "refs": cited,
            "extra_pmids": [{"pmid": p, "url": f"https://pubmed.ncbi.nlm.nih.gov/{p}/"} for p in extra_pmids],
            "notes": list(dict.fromkeys(f.get("notes") or [])),
            "filter": f.get("filter") if f.get("filter") not in ("PASS", ".", None, "") else "",
            "source": Path(str(f.get("source", ""))).name if several_sources else "",
        })
    return rows


def _deletion_rows(findings: list[dict[str, Any]], kb: KnowledgeBase, build: str) -> list[dict[str, Any]]:
    tx = kb.transcript(build)
    rows = []
    for f in sorted((f for f in findings if _is_deletion(f)), key=lambda f: (int(f["pos"]), str(f["allele_id"]))):
        start, end = int(f["pos"]) + 1, int(f["end"])
        whole, part = exon_parts(f)
        exons = ([", ".join(map(str, whole)) + f" of {len(tx.exons)}"] if whole else []) + \
            ([f"part of {', '.join(map(str, part))}"] if part else [])
        ro = f.get("reciprocal_overlap_2q13")
        rows.append({
            "label": f.get("hgvs_c") or "",
            "span": f"{f['chrom']}:{_fmt_int(start)}-{_fmt_int(end)}",
            "start": start, "end": end,
            "size": _fmt_int(end - start + 1),
            "zygosity": f.get("zygosity", ""),
            "copy_number": f.get("copy_number"),
            "genes": [{"gene": g["gene"], "percent": _percent(g.get("fraction")),
                       "condition": _gene_condition_note(g, f.get("zygosity", ""))}
                      for g in f.get("deleted_genes") or []],
            "il1rn_percent": _percent(f.get("il1rn_overlap")),
            "exons": "; ".join(exons) if exons else "none (no exon removed)",
            "reciprocal": "" if ro is None else f"{float(ro):.3f}",
            "matches_2q13": ro is not None and float(ro) >= RECIPROCAL_OVERLAP_MATCH,
            # overlap alone is supporting evidence: the curated entry is taken only when IL1RN is removed
            "is_2q13": bool(f.get("known_variant")) and f.get("known_variant") == _region_id(f),
            "imprecise": bool(f.get("imprecise")),
            "classification_label": CLASS_NAMES.get(f.get("classification", ""), f.get("classification", "")),
            "classification": f.get("classification", ""),
        })
    return rows


def _figure_inputs(findings: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    deletions, variants = [], []
    seen: set[str] = set()
    for f in sorted(findings, key=lambda f: (int(f["pos"]), str(f["allele_id"]))):
        if f["allele_id"] in seen:
            continue
        seen.add(f["allele_id"])
        if _is_deletion(f):
            deletions.append({"start": int(f["pos"]) + 1, "end": int(f["end"]),
                              "label": f.get("hgvs_c") or f"deletion {f['chrom']}:{int(f['pos']) + 1:,}-{int(f['end']):,}",
                              "zygosity": f.get("zygosity", "")})
        else:
            label = f.get("hgvs_c") or f"{f['chrom']}:{f['pos']} {_short_allele(str(f['ref']), 4)}>" \
                                       f"{_short_allele(str(f['alt']), 4)}"
            if f.get("hgvs_p") and f["hgvs_p"] != "p.?":
                label += f" {f['hgvs_p']}"
            variants.append({"pos": int(f["pos"]), "label": label, "classification": f.get("classification", "")})
    return deletions, variants


def _build_evidence(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in str(text or "").split(";") if p.strip()]
    shown = parts[:2]
    return {"shown": shown, "more": len(parts) - len(shown)}


def _condition_view(cond: Any, refs: _RefBook) -> dict[str, Any]:
    return {
        "id": cond.id, "name": cond.name, "summary": cond.summary, "omim": cond.omim,
        "omim_url": f"https://omim.org/entry/{cond.omim}" if cond.omim else None,
        "inheritance": INHERITANCE.get(cond.inheritance or "", _words(cond.inheritance or "")),
        "features": [{"label": label, "hpo": hpo} for label, hpo in cond.features],
        "treatment": cond.treatment, "similar_to": cond.similar_to, "synonyms": list(cond.synonyms),
        "refs": refs.cite(cond.references), "treatment_refs": refs.cite(cond.treatment_references),
    }


NO_POPULATION_DATA = ("No population frequency data were used (no gnomAD or other allele frequencies): the "
                      "rarity of a novel variant was not assessed, and ACMG/AMP rules that need it (PM2, BA1, BS1) "
                      "were not applied.")


def reference_sequence_text(items: list[SampleInFile]) -> str:
    """Which reference sequence the annotation used, as the annotation files record it.

    Older files carry no `reference_sequence` field: a `reference` input then means a FASTA.
    """
    texts = []
    for item in items:
        prov = item.doc.get("provenance") or {}
        text = prov.get("reference_sequence")
        if not text:
            fasta = next((i for i in prov.get("inputs") or [] if i.get("role") == "reference"), None)
            text = (f"reference FASTA {fasta.get('path')} (SHA-256 {fasta.get('sha256')})" if fasta else
                    "none (no reference FASTA was given and no verified transcript sequence is shipped): HGVS "
                    "names of indels are at the caller's left-aligned position and protein changes of novel "
                    "coding variants were not predicted")
        texts.append(str(text))
    return "; ".join(dict.fromkeys(texts)) or "none"


def recommendations(findings: list[dict[str, Any]], status: str) -> list[str]:
    """What a geneticist does next with this result: confirmation and family testing."""
    relevant = [f for f in findings if f.get("classification") in PATHOGENIC + ("uncertain_significance",)]
    out: list[str] = []
    if relevant:
        out.append("Confirm the reported variant(s) by an orthogonal method before clinical use: Sanger sequencing "
                   "for a small variant; MLPA, quantitative PCR or a chromosomal microarray for a deletion.")
    if any(f.get("zygosity") == "homozygous" for f in relevant):
        out.append("Test both parents. A homozygous call may be hemizygous: one copy carries the variant and the "
                   "other a deletion this test did not see. Each parent should carry the variant; a parent who "
                   "does not points to such a deletion (or a de novo event) and needs copy-number testing.")
    if status == "possible_DIRA" or sum(1 for f in relevant if f.get("zygosity") == "heterozygous") > 1:
        out.append("Test both parents (segregation) to establish whether the two variants are on different copies "
                   "of IL1RN (in trans), as autosomal recessive disease requires.")
    elif status == "carrier":
        out.append("One allele was found. Where the clinical picture suggests DIRA, look for a second allele this "
                   "test cannot see (a deletion or an intronic variant), and offer carrier testing to relatives.")
    # a deletion that also takes a gene whose own loss matters (PAX8, one copy; IL36RN, both) is a
    # finding for the patient beyond DIRA: the next step must not stop at the IL1RN result
    genes = removed_genes_with_conditions(findings)
    if genes:
        out.append("The deletion also removes " + "; ".join(genes) + ". This is outside the DIRA interpretation: "
                   "assess its clinical relevance for the patient and the family (the conditions are named from "
                   "the knowledge base; the genes were not otherwise analysed).")
    return out


def coverage_view(coverage: dict[str, Any] | None, kb: KnowledgeBase, build: str, chrom: str) -> dict[str, Any] | None:
    """The report's "Coverage of the IL1RN coding sequence" section, as plain data.

    Each uncovered CDS stretch is named with its exon, so that the reader sees which part of
    the gene a negative result does not speak for.
    """
    if not coverage:
        return None
    tx = kb.transcript(build)
    exon_of = lambda pos: next((n for n, (s, e) in enumerate(tx.exons, start=1) if s <= pos <= e), None)  # noqa: E731
    stretches = [{"region": f"{chrom}:{_fmt_int(s)}-{_fmt_int(e)}", "length": e - s + 1, "exon": exon_of(s)}
                 for s, e in coverage.get("uncovered") or []]
    return {"kind": KIND_TEXT.get(str(coverage.get("input_kind")), str(coverage.get("input_kind"))),
            "measured": coverage.get("cds_fraction") is not None,
            "fraction": coverage.get("cds_fraction"), "confident": coverage.get("cds_bases_confident"),
            "total": coverage.get("cds_bases"), "min_gq": coverage.get("min_gq"), "min_dp": coverage.get("min_dp"),
            "min_fraction": coverage.get("min_cds_fraction"),
            "adequate": adequately_covered(coverage) if coverage.get("cds_fraction") is not None else None,
            "small_variants_assessed": coverage.get("small_variants_assessed", True),
            "structural_assessed": coverage.get("structural_assessed", coverage.get("input_kind") == "structural"),
            "uncovered": stretches, "summary": coverage_evidence_text(coverage)}


def pool_files(items: list[SampleInFile]) -> Pooled:
    """A sample's calls pooled over the JSONs that hold it (`core.pool`: as the cohort step pools them)."""
    return pool_sources([source_calls(i) for i in items if i.entry is not None])


def parent_calls_from(items: list[SampleInFile], role: str, sample: str) -> ParentCalls:
    """A parent's pooled calls from its annotation JSONs."""
    pooled = pool_files(items)
    return ParentCalls(role, sample, pooled.findings, pooled.locus_called)


def build_context(items: list[SampleInFile], sample: str, kb: KnowledgeBase, lab: dict[str, Any],
                  report_date: str, report_stamp: str, parents: list[ParentCalls] | None = None,
                  parent_notes: list[str] | None = None, stored: StoredResult | None = None) -> dict[str, Any]:
    """Everything the template shows, as plain data (no markup apart from the figures).

    `parents`: the calls of the parents the cohort's sample sheet names (they phase the
    sample's alleles exactly as in the cohort summary); `parent_notes`: why a named parent
    could not be used.
    """
    present = [i for i in items if i.entry is not None]
    pooled = pool_files(items)
    findings, coverage = pooled.findings, pooled.coverage
    # the cohort's interpretation when the summary gives it (made once, from the same files and
    # parents); without a cohort (`report NAME.il1rn.json --sample S`) the same function here
    result: SampleResult | StoredResult = stored or interpret_pooled(sample, pooled, parents or ())
    discordant = pooled.discordant
    first = present[0].doc
    prov = first["provenance"]
    build = str(prov.get("build"))
    refs = _RefBook(kb)
    sources = {str(f.get("source")) for f in findings}

    inputs = []
    seen_inputs: set[tuple[str, str]] = set()
    for item in present:
        p = item.doc["provenance"]
        for inp in p.get("inputs") or []:
            key = (str(inp.get("path")), str(inp.get("sha256")))
            if key in seen_inputs:
                continue
            seen_inputs.add(key)
            inputs.append({"role": inp.get("role", ""), "path": inp.get("path", ""), "sha256": inp.get("sha256", ""),
                           "json": item.json_path})

    files = []
    warnings: list[str] = []
    for item in present:
        p, locus, entry = item.doc["provenance"], item.doc.get("locus") or {}, item.entry or {}
        called = entry.get("locus_called")
        files.append({
            "json": item.json_path,
            "vcf": next((i.get("path") for i in p.get("inputs") or [] if i.get("role") == "vcf"), ""),
            "records": locus.get("records_read"),
            "gvcf": bool(locus.get("gvcf") or locus.get("input_kind") == "gvcf"),  # blocks seen, whatever the header
            "format": locus.get("format", ""),
            "locus_called": LOCUS_CALLED_TEXT.get(called, "unknown"),
            "evidence": coverage_evidence_text(coverage_of_sample(locus, entry)),
            "status": entry.get("dira_status", ""),
            "generated_at": p.get("generated_at", ""),
            "tool_version": p.get("tool_version", ""),
            "kb_version": p.get("knowledge_base_version", ""),
            "build": p.get("build", ""),
            "build_evidence": _build_evidence(p.get("build_evidence", "")),
        })
        for w in p.get("warnings") or []:
            warnings.append(f"{Path(item.json_path).name}: {w}" if len(present) > 1 else str(w))
    warnings.extend(parent_notes or [])
    kb_versions = sorted({str(f["kb_version"]) for f in files})
    if kb_versions != [kb.version]:
        warnings.append(f"The annotation file(s) were made with knowledge base {', '.join(kb_versions)}; this "
                        f"report uses knowledge base {kb.version} for clinical text. Classifications are those of "
                        f"the annotation files: re-annotate with the current knowledge base before sign-off.")
    tool_versions = sorted({str(f["tool_version"]) for f in files})
    absent = [i.json_path for i in items if i.entry is None]

    finding_rows = _finding_rows(findings, kb, refs, len(sources) > 1)
    deletion_rows = _deletion_rows(findings, kb, build)
    fig_dels, fig_vars = _figure_inputs(findings)
    cluster = exon = None
    if fig_dels:
        cluster = Markup(cluster_svg(kb, build, fig_dels, fig_vars, width=FIGURE_WIDTH))
    if findings:
        exon = Markup(exon_svg(kb, build, fig_vars, fig_dels, width=FIGURE_WIDTH))

    status = result.dira_status
    flagged = status in FLAGGED_STATUSES
    mendelian = [c for c in kb.conditions.values() if c.is_diagnostic]
    dira = kb.conditions.get("DIRA") or (mendelian[0] if mendelian else None)
    dira_view = _condition_view(dira, refs) if (flagged and dira is not None) else None

    assoc_found = []
    for f in findings:
        if f.get("classification") != "association_polymorphism":
            continue
        known = kb.variants.get(f.get("known_variant") or "")
        conds = [kb.conditions[c] for c in f.get("conditions") or [] if c in kb.conditions]
        assoc_found.append({
            "name": known.name if known and known.name else (f.get("vcf_id") or ""),
            "rsid": f.get("known_variant") if str(f.get("known_variant", "")).startswith("rs") else (
                f.get("vcf_id") if str(f.get("vcf_id", "")).startswith("rs") else ""),
            "hgvs": " ".join(x for x in (f.get("hgvs_c"), f.get("hgvs_p")) if x) or _variant_cell(f)["genomic"],
            "zygosity": f.get("zygosity", ""),
            "note": f.get("classification_evidence") or "",
            "conditions": [c.name for c in conds],
            "refs": refs.cite(f.get("references") or []),
        })
    # association conditions only where an allele typed in this sample bears on them
    typed_conditions = list(dict.fromkeys(c for f in findings if f.get("classification") == "association_polymorphism"
                                          for c in f.get("conditions") or []))
    assoc_conditions = [_condition_view(kb.conditions[c], refs) for c in typed_conditions
                        if c in kb.conditions and not kb.conditions[c].is_diagnostic]
    untyped = [{"id": v.id, "name": v.name or v.label, "note": v.note or "", "conditions": []}
               for v in kb.variants.values() if v.is_association and not v.typed_from_vcf]
    reference_used = reference_sequence_text(present)

    region = next((v for v in kb.variants.values() if v.type == "region_deletion"), None)
    window = kb.screen_window.get(build)
    gvcf_any = any(f["gvcf"] for f in files)
    limits = [
        "A deletion or duplication is seen only if the variant caller reported it. A VCF from a small-variant "
        "caller alone (e.g. GATK HaplotypeCaller, DeepVariant) does not show deletions of whole exons or of the "
        "2q13 region; those need a structural-variant or copy-number caller (e.g. Manta, DELLY, GATK gCNV).",
    ]
    for v in untyped:
        limits.append(f"{v['name']} ({v['id']}): {v['note']}")
    if region is not None:
        limits.append("The published ~175 kb 2q13 deletion has approximate breakpoints. "
                      + (region.note or "They are not given in the curated sources.")
                      + " A called deletion is matched to it by reciprocal overlap of at least "
                      + f"{RECIPROCAL_OVERLAP_MATCH}.")
    limits += [
        "Variants absent from the knowledge base are classified by rules (docs/classification.md): loss of "
        "function is graded with the ClinGen SVI PVS1 decision tree (Abou Tayoun 2018) and only PVS1 at full "
        "strength makes a likely pathogenic allele; protein-altering changes are of uncertain significance; "
        "intronic, UTR and synonymous changes have no predicted effect (not a benign classification). No "
        "population, segregation or functional data are used: this is not a full ACMG/AMP assessment and needs "
        "review by a clinical scientist.",
        f"Reference sequence: {reference_used.rstrip('.')}.",  # its own sentence, before "Protein changes"
        "Protein changes: " + ((first.get("provenance") or {}).get("protein_changes") or "not recorded") + ".",
        NO_POPULATION_DATA,
        f"Only the IL1RN locus is analysed ({first.get('locus', {}).get('contig', '')}:"
        f"{_fmt_int(window[0]) if window else ''}-{_fmt_int(window[1]) if window else ''}, {build}); other "
        "genes of autoinflammatory disease are not assessed.",
    ]
    if not gvcf_any and (coverage is None or coverage.get("small_variants_assessed", True)):
        limits.append("The input is a variant-only VCF: reference (no-variant) genotypes are not recorded, so the "
                      "absence of a variant is evidence of absence only where the locus was covered; depth at "
                      "the locus is not shown.")

    evidence = re.sub(r"\.\.(?=\s|$)", ".", result.evidence)  # "...2011.." from nested sentences
    report_id_src = json.dumps([sample, sorted(i["sha256"] for i in inputs), kb.sha256, report_stamp])
    tx = kb.transcript(build)
    region_text = (f"{first.get('locus', {}).get('contig', '')}:{_fmt_int(window[0])}-{_fmt_int(window[1])}"
                   if window else "")
    return {
        "title": lab["report_title"],
        "lab": lab,
        "sample": sample,
        "report_date": report_date,
        "report_stamp": report_stamp,
        "report_id": hashlib.sha256(report_id_src.encode()).hexdigest()[:12].upper(),
        "tool": {"name": TOOL_NAME, "version": __version__, "annotation_versions": tool_versions},
        "kb": {"name": kb.name, "version": kb.version, "curation_date": kb.curation_date, "sha256": kb.sha256,
               "annotation_versions": kb_versions},
        "build": build,
        "build_evidence": _build_evidence(prov.get("build_evidence", "")),
        "inputs": inputs,
        "files": files,
        "parents": [{"role": p.role, "sample": p.sample,
                     "called": LOCUS_CALLED_TEXT[p.locus_called]} for p in parents or []],
        "absent_from": absent,
        "status": {"code": status, "label": STATUS_LABELS.get(status, _words(status)),
                   "sentence": result.status_sentence, "evidence": evidence, "flagged": flagged},
        "per_file_status_differs": len(present) > 1,
        # the main table holds what bears on the result; benign and likely benign variants
        # (most of a genome's calls at the locus) follow in a compact table, as labs report them
        "findings": [r for r in finding_rows if r["classification"] not in BENIGN_OR_NO_EFFECT],
        "benign_findings": [r for r in finding_rows if r["classification"] in BENIGN_OR_NO_EFFECT],
        "deletions": deletion_rows,
        "cluster_svg": cluster,
        "exon_svg": exon,
        "dira": dira_view,
        "assoc_found": assoc_found,
        "assoc_conditions": assoc_conditions,
        "untyped": untyped,
        "locus_called": LOCUS_CALLED_TEXT[result.locus_called],
        "coverage": coverage_view(coverage, kb, build, str(first.get("locus", {}).get("contig", ""))),
        "locus_records": sum(int(f["records"] or 0) for f in files),
        "gvcf_any": gvcf_any,
        "warnings": list(dict.fromkeys(warnings)),
        "limits": limits,
        "references": refs.listing(),
        "reference_sequence": reference_used,
        "population_data": NO_POPULATION_DATA,
        "recommendations": recommendations(findings, status),
        "transcript": {"refseq": tx.refseq, "ensembl": kb.transcript_info.get("ensembl", ""),
                       "protein": kb.transcript_info.get("protein_refseq", "")},
        "region": region_text,
        "pathogenic_count": sum(1 for f in findings if f.get("classification") in PATHOGENIC),
        "overlap_match": RECIPROCAL_OVERLAP_MATCH,
        "class_badge_colours": CLASS_BADGE_COLOURS,
        "discordant": discordant,
    }


# ----------------------------------------------------------------------------------------
# rendering and writing


def render_html(context: dict[str, Any]) -> str:
    """The report page (`outputs.html`: the environment the cohort page uses too)."""
    return render("report.html.j2", **context)


def _data_only_fetcher() -> Any:
    """WeasyPrint URL fetcher for data: URIs only: the report never reaches the network or the disk."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint >= 68: a class with allowed_protocols
    except ImportError:  # pragma: no cover - older WeasyPrint: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith("data:"):
                return default_url_fetcher(url, *args, **kwargs)
            raise ValueError(f"external resource refused in a self-contained report: {url[:80]}")
        return fetch
    return URLFetcher(allowed_protocols=("data",))


def _font_configuration() -> Any:
    """One WeasyPrint font configuration (fontconfig set-up) to share between documents."""
    try:
        from weasyprint.text.fonts import FontConfiguration
    except ImportError:  # pragma: no cover - WeasyPrint < 53
        from weasyprint.fonts import FontConfiguration  # type: ignore[no-redef]
    return FontConfiguration()


def pdf_bytes(html: str, font_config: Any = None) -> bytes:
    """The PDF of the report HTML (WeasyPrint; metadata dates come from the HTML's meta tags)."""
    import logging

    from weasyprint import HTML
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = HTML(string=html, base_url=None, url_fetcher=_data_only_fetcher()).render(font_config=font_config)
        return document.write_pdf(pdf_identifier=True)
    finally:
        logger.setLevel(previous)


def write_pdf(html: str, target: Path, font_config: Any = None) -> None:
    """PDF from the report HTML with WeasyPrint, written atomically to `target`."""
    _atomic_write(target, pdf_bytes(html, font_config))


def _atomic_write(target: Path, data: bytes) -> None:
    """Write bytes through the package's one atomic writer (temp file + rename, umask permissions)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


class ReportWriter:
    """Writes lab reports: the lab settings, the date, the template, WeasyPrint and its fonts are
    set up once, and annotation JSONs shared by several samples are read once.

    `lab` is either the output of `load_lab_config` or a raw mapping with the same keys (then a
    relative logo path is read relative to the working directory).
    """

    def __init__(self, kb: KnowledgeBase, lab: dict[str, Any] | None = None, date: str | None = None,
                 pdf: bool = True) -> None:
        self.kb = kb
        self.lab = lab if (lab is not None and "logo_uri" in lab) else normalise_lab(lab, None)
        self.report_date, self.stamp = _parse_date(date)
        self.pdf = pdf
        self._fonts: Any = None
        self._docs = AnnotationCache()

    def write(self, annotation_jsons: Iterable[str | os.PathLike[str]], sample: str,
              outdir: str | os.PathLike[str],
              parents: Iterable[tuple[str, str, list[Path]]] = (), result: StoredResult | None = None
              ) -> dict[str, Path]:
        """Write `SAFE_SAMPLE.report.html` (and `.pdf`) into `outdir`; return {'html': path, 'pdf': path}.

        `parents`: (role, sample, annotation JSONs) of the sample's mother and father, whose
        calls phase its alleles (see `interpret.interpret_sample`). `result`: the cohort's
        interpretation of the sample (its summary.tsv row), shown instead of interpreting again;
        None: the sample is interpreted here with the cohort's function (`interpret_pooled`).
        """
        paths = [Path(p) for p in annotation_jsons]
        if not paths:
            raise InputError(f"no annotation JSON given for sample '{sample}'")
        items = gather_sample(paths, sample, load=self._docs.load)
        phase, notes = self._parents(items, sample, parents)
        context = build_context(items, sample, self.kb, self.lab, self.report_date, self.stamp, phase, notes, result)
        html = render_html(context)

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        stem = safe_name(sample)
        out = {"html": outdir / f"{stem}.report.html"}
        if self.pdf:
            out["pdf"] = outdir / f"{stem}.report.pdf"
        for target in out.values():
            if not _inside(target, outdir) or target.parent.resolve() != outdir.resolve():
                raise InputError(f"report file name for sample '{sample}' would leave the output folder")
        _atomic_write(out["html"], html.encode("utf-8"))
        if self.pdf:
            if self._fonts is None:
                self._fonts = _font_configuration()
            write_pdf(html, out["pdf"], self._fonts)
        return out


    def _parents(self, items: list[SampleInFile], sample: str, parents: Iterable[tuple[str, str, list[Path]]]
                 ) -> tuple[list[ParentCalls], list[str]]:
        """The parents' calls usable for phasing (readable, same build), and why any other was not used."""
        builds = {str(i.doc["provenance"].get("build")) for i in items if i.entry is not None}
        calls: list[ParentCalls] = []
        notes: list[str] = []
        for role, parent, jsons in parents:
            try:
                parent_items = gather_sample([Path(p) for p in jsons], parent, load=self._docs.load) if jsons else []
            except InputError as exc:
                parent_items, reason = [], str(exc)
            else:
                reason = "no annotation file holds it"
            present = [i for i in parent_items if i.entry is not None]
            parent_builds = {str(i.doc["provenance"].get("build")) for i in present}
            if not present:
                notes.append(f"The {role} ({parent}) was not used to phase the variants: {reason}.")
            elif parent_builds != builds:
                notes.append(f"The {role} ({parent}) was annotated on {', '.join(sorted(parent_builds))}, this "
                             f"sample on {', '.join(sorted(builds))}: not used to phase the variants.")
            else:
                calls.append(parent_calls_from(parent_items, role, parent))
        return calls, notes


def write_report(annotation_jsons: list[Path], sample: str, outdir: Path, kb: KnowledgeBase,
                 lab: dict[str, Any] | None = None, date: str | None = None, pdf: bool = True) -> dict[str, Path]:
    """Write `SAFE_SAMPLE.report.html` (and `.pdf`) into `outdir`; return {'html': path, 'pdf': path}.

    `lab` is either the output of `load_lab_config` or a raw mapping with the same keys
    (then a relative logo path is read relative to the working directory). For several
    samples use one `ReportWriter` (WeasyPrint and the fonts are then set up once).
    """
    paths = [Path(p) for p in annotation_jsons]
    if not paths:
        raise InputError("no annotation JSON given")
    return ReportWriter(kb, lab=lab, date=date, pdf=pdf).write(paths, sample, outdir)


# ----------------------------------------------------------------------------------------
# several samples in one process (`il1rn-annot report --sample A --sample B`, `--samples-from`)


@dataclass
class ReportTask:
    """One sample's report and the annotation JSONs it is made from."""

    sample: str
    jsons: list[Path]
    problem: str = ""  # why no JSON could be chosen (the report is then not written)
    parents: list[tuple[str, str, list[Path]]] = field(default_factory=list)  # (role, sample, JSONs)
    result: StoredResult | None = None  # the cohort's interpretation of the sample (summary.tsv)


def parse_part(text: str | None) -> tuple[int, int] | None:
    """`K/N` -> (K, N) with 1 <= K <= N."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise InputError(f"--part {text!r} is not K/N with 1 <= K <= N", where="--part",
                         hint="e.g. --part 2/4 writes the second of four equal parts of the chosen samples")
    return int(match.group(1)), int(match.group(2))


def part_of(items: list[Any], part: tuple[int, int] | None) -> list[Any]:
    """The K-th of N contiguous parts of `items`, sizes differing by at most one (larger parts first)."""
    if part is None:
        return list(items)
    k, n = part
    base, extra = divmod(len(items), n)
    start = (k - 1) * base + min(k - 1, extra)
    return list(items[start:start + base + (1 if k <= extra else 0)])


def parse_statuses(text: str | None) -> list[str]:
    """`--statuses a,b` -> ['a', 'b'], refusing unknown values (a typo would silently select nothing)."""
    if text is None:
        return list(FLAGGED_STATUSES)
    values = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in STATUSES]
    if unknown or not values:
        raise InputError(f"unknown status(es) {', '.join(unknown) or '(none given)'}", where="--statuses",
                         hint="choose from " + ", ".join(STATUSES))
    return values


def plan_reports(annotations: list[str], samples: list[str], *, samples_from: str | None = None,
                 statuses: list[str] | None = None, manifests: list[str] | None = None,
                 part: tuple[int, int] | None = None, load: Any = load_annotation,
                 parents: dict[str, str] | None = None) -> list[ReportTask]:
    """Which samples get a report, and from which annotation JSONs.

    Samples: those named (`--sample`), then with `samples_from` (a cohort summary.tsv) every
    sample whose dira_status is one of `statuses` (default: the flagged ones), in summary
    order; with `part` only that part of them. JSONs of a sample:

    * the summary names the sample's inputs and the manifests know them: the JSONs written for
      exactly those inputs (what the cohort step interpreted; the sample sheet is authoritative,
      so a same-named sample of another file is not mixed in);
    * one sample and JSON files given: all of them (as `il1rn-annot report JSON... --sample S`
      always did; files without the sample are listed in the report);
    * otherwise the given JSONs (and those of the manifests) that hold the sample.

    Parents (to phase the sample's alleles): the summary's mother/father columns, or
    `parents` ({'mother': ID, 'father': ID}, for a single `--sample`); their JSONs are found
    the same way as the sample's.
    """
    manifests = list(manifests or [])
    summary = read_summary(samples_from) if samples_from else {}
    wanted = statuses if statuses is not None else list(FLAGGED_STATUSES)
    chosen = list(dict.fromkeys(list(samples) + select_samples(summary, wanted)))
    chosen = part_of(chosen, part)
    by_input, samples_of = manifest_outputs(manifests) if manifests else ({}, {})
    given = [Path(p) for p in annotations]
    holders: dict[str, list[Path]] | None = None

    def holding(sample: str) -> list[Path]:
        nonlocal holders
        if holders is None:  # read each given JSON once, only when needed
            holders = {}
            for path in given:
                for entry in load(path)["samples"]:
                    holders.setdefault(str(entry.get("sample")), []).append(path)
            for path, names in samples_of.items():
                for name in names:
                    holders.setdefault(name, []).append(path)
        return list(dict.fromkeys(holders.get(sample, [])))

    def jsons_of(sample: str) -> list[Path]:
        entry = summary.get(sample)
        if entry is not None and entry.inputs and by_input:
            jsons = [by_input.get(i) or by_input.get(os.path.realpath(i)) for i in entry.inputs]
            return list(dict.fromkeys(j for j in jsons if j is not None))
        return holding(sample)

    tasks = []
    for sample in chosen:
        entry = summary.get(sample)
        if entry is not None and entry.inputs and by_input:
            found = jsons_of(sample)
            problem = "" if found else (f"no manifest lists an annotated input of sample '{sample}' "
                                        f"({'; '.join(entry.inputs)})")
            task = ReportTask(sample, found, problem, result=entry.result)  # the files the cohort interpreted
        elif len(chosen) == 1 and given and not samples_from:
            task = ReportTask(sample, given)
        else:
            found = holding(sample)
            task = ReportTask(sample, found, "" if found else
                              f"sample '{sample}' is not in any of the given annotation JSON files")
        named = entry.parents if entry is not None and entry.parents else (parents or {})
        task.parents = [(role, parent, jsons_of(parent)) for role, parent in named.items()]
        tasks.append(task)
    return tasks


def report_main(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """`il1rn-annot report [JSON...] (--sample S ... | --samples-from SUMMARY.tsv) -o OUTDIR ...`.

    One process writes every chosen sample's report: WeasyPrint is imported and its fonts set
    up once, each annotation JSON is read once. A sample that fails is named on stderr and the
    others are still written; the exit status is then 2.
    """
    samples = list(getattr(args, "sample", None) or [])
    samples_from = getattr(args, "samples_from", None)
    manifests = list(getattr(args, "manifest", None) or [])
    annotations = list(getattr(args, "annotations", None) or [])
    if not samples and not samples_from:
        raise InputError("no sample given", hint="name samples with --sample S (repeatable) or choose them from a "
                                                 "cohort summary with --samples-from summary.tsv")
    if not annotations and not manifests:
        raise InputError("no annotation JSON given", hint="give the NAME.il1rn.json files, or the annotate "
                                                          "manifests with --manifest")
    statuses = parse_statuses(getattr(args, "statuses", None))
    part = parse_part(getattr(args, "part", None))
    writer = ReportWriter(kb, lab=load_lab_config(getattr(args, "lab_config", None)),
                          date=getattr(args, "date", None), pdf=not getattr(args, "no_pdf", False))
    parents = {role: value for role in ("mother", "father") if (value := getattr(args, role, None))}
    if parents and (len(samples) != 1 or samples_from):
        raise InputError("--mother/--father name the parents of one sample", where="--mother/--father",
                         hint="give exactly one --sample; with --samples-from the summary's mother and father "
                              "columns are used")
    tasks = plan_reports(annotations, samples, samples_from=samples_from, statuses=statuses, manifests=manifests,
                         part=part, load=writer._docs.load, parents=parents)
    final_dir = Path(args.outdir)
    refuse_shared_file_names([task.sample for task in tasks], final_dir)
    whole = bool(getattr(args, "all_or_nothing", False))
    if whole:  # filled under a hidden name, put in place whole: a killed job leaves no OUTDIR
        outdir = staging_dir(final_dir)
    else:
        outdir = final_dir
        with writing(final_dir):
            final_dir.mkdir(parents=True, exist_ok=True)
    if not tasks:
        print(f"{TOOL_NAME}: no sample of {samples_from} has status {', '.join(statuses)}: no report written",
              file=sys.stderr)
    try:
        written = _write_tasks(writer, tasks, outdir, final_dir, single=len(tasks) == 1 and not samples_from)
        if whole:
            record = {"part": getattr(args, "part", None) or "", "samples": [task.sample for task in tasks],
                      "files": sorted(path.name for path in written)}
            _atomic_write(outdir / PART_RECORD, (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode())
            replace_dir(outdir, final_dir)
    except BaseException:
        if whole:
            shutil.rmtree(outdir, ignore_errors=True)
        raise
    return 0


#: in a folder written with --all-or-nothing: which samples and files it holds (collect_reports checks it)
PART_RECORD = ".part.json"


def refuse_shared_file_names(samples: list[str], outdir: Path) -> None:
    """Refuse, before any report is written, two sample IDs that map to one report file name
    in `outdir`, as the workflow does: the second report would silently replace the first.

    Names are compared as `safe_name` makes them, and without case when `outdir` is on a
    case-insensitive file system (macOS, Windows shares), where `P1` and `p1` are one file.
    """
    fold = _case_insensitive(outdir)
    first: dict[str, str] = {}
    clashes = []
    for sample in dict.fromkeys(samples):
        name = safe_name(sample)
        other = first.setdefault(name.lower() if fold else name, sample)
        if other != sample:
            clashes.append(f"{other!r} and {sample!r} would both be written to {name}.report.html"
                           + (" (this file system ignores case)" if fold else ""))
    if clashes:
        raise InputError("two samples map to one report file name: " + "; ".join(clashes),
                         hint="rename one of the samples (or write their reports to different folders); "
                              "no report was written")


def _case_insensitive(folder: Path) -> bool:
    """Whether `folder` (or its nearest existing parent) is on a case-insensitive file system."""
    import tempfile
    probe_dir = folder
    while not probe_dir.is_dir() and probe_dir != probe_dir.parent:
        probe_dir = probe_dir.parent
    try:
        with tempfile.NamedTemporaryFile(prefix=".case-probe-", dir=probe_dir) as handle:
            name = Path(handle.name).name
            return os.path.exists(os.path.join(probe_dir, name.upper()))
    except OSError:
        return False


def _write_tasks(writer: ReportWriter, tasks: list[ReportTask], outdir: Path, shown_dir: Path,
                 single: bool) -> list[Path]:
    """Write every task's report into `outdir`; return the files written (their final
    paths in `shown_dir` are printed).

    A sample that fails is named on stderr and the others are still written; then an
    InputError names them all (exit 2). An output-side error (full disk) stops at once.
    """
    failed: list[str] = []
    written: list[Path] = []
    for task in tasks:
        try:
            if task.problem:
                raise InputError(task.problem)
            outputs = writer.write(task.jsons, task.sample, outdir, task.parents, result=task.result)
        except InputError as exc:
            if single:
                raise
            failed.append(task.sample)
            print(f"{TOOL_NAME}: error: {exc}", file=sys.stderr)
            continue
        for kind in ("html", "pdf"):
            if kind in outputs:
                written.append(outputs[kind])
                print(shown_dir / outputs[kind].name)
        sys.stdout.flush()
    if failed:
        shown = ", ".join(repr(s) for s in failed[:10]) + (" ..." if len(failed) > 10 else "")
        raise InputError(f"{len(failed)} of {len(tasks)} report(s) not written: {shown}",
                         hint="the reasons are printed above; the other reports were written")
    return written
