"""Load, validate and serve the curated knowledge base in `resources/knowledge_base/`.

The knowledge base is data a curator edits (YAML), so every load validates it: each file
against its JSON Schema, then cross-references (a variant's condition and reference IDs
must exist). A fault is reported with the file, the entry and the field, never as a
KeyError deep inside the annotator. Labs point `--kb` (or the workflow's
`knowledge_base` key) at an extended copy; `--extra-variants` adds a lab's own variants file
on top of the shipped one, validated the same way. The objects built are in `kb.model`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from il1rn_annot.digest import sha256_file
from il1rn_annot.errors import KnowledgeBaseError
from il1rn_annot.kb.locus_model import Gene, TranscriptModel
from il1rn_annot.kb.model import BUILDS, BuildInfo, Condition, KnowledgeBase, KnownVariant, Reference
from il1rn_annot.kb.stamp import (
    VALIDATION_STAMP,
    Stamp,
    kb_schema,
    read_stamp,
    read_yaml,
    schema_digest,
)


def default_kb_dir() -> Path:
    """The shipped knowledge base: `$IL1RN_ANNOT_KB`, else `resources/knowledge_base` of the checkout."""
    env = os.environ.get("IL1RN_ANNOT_KB")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "resources" / "knowledge_base" / "manifest.yaml"
        if candidate.exists():
            return candidate.parent
    raise KnowledgeBaseError("cannot find resources/knowledge_base/manifest.yaml; set IL1RN_ANNOT_KB or pass --kb DIR")


# ----------------------------------------------------------------------------------------
# loading


def write_validation_stamp(kb_dir: str | os.PathLike[str] | None = None) -> Path:
    """Validate every file of a KB directory against the schema and record their digests, and
    the document of each YAML file that JSON carries unchanged (read at load instead of the YAML)."""
    kb_dir = Path(kb_dir) if kb_dir else default_kb_dir()
    load_knowledge_base(kb_dir, trust_stamp=False)  # raises on any problem
    manifest = read_yaml(kb_dir / "manifest.yaml")
    names = ["manifest.yaml", *manifest["files"].values()]
    documents = {}
    for name in names:
        if name.endswith((".yaml", ".yml")):
            doc = read_yaml(kb_dir / name)
            try:
                if json.loads(json.dumps(doc)) == doc:  # not a date, a tuple or a non-string key
                    documents[name] = doc
            except (TypeError, ValueError):
                pass
    stamp = {
        "about": "sha256 of the files that passed schemas/knowledge_base.schema.json "
        "(il1rn_annot.kb.load.write_validation_stamp); a file that differs is validated at load. "
        "documents: each YAML file as parsed then, read at load while the file's digest is the same",
        "schema_sha256": schema_digest(),
        "files": {name: sha256_file(kb_dir / name) for name in names},
        "documents": documents,
    }
    path = kb_dir / VALIDATION_STAMP
    path.write_text(json.dumps(stamp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _validate(doc: Any, part: str, path: Path, valid: bool = False) -> None:
    """Check `doc` (read from `path`) against the schema's `part`, unless it is known `valid`
    (its bytes passed when the validation stamp was written)."""
    if valid:
        return
    import jsonschema

    schema = dict(kb_schema())
    schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{part}"}
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise KnowledgeBaseError(
            f"{path}: entry {where}: {first.message}"
            + (f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else "")
        )


def _span(value: list[int]) -> tuple[int, int]:
    return int(value[0]), int(value[1])


def _variant_from(entry_id: str, entry: dict[str, Any]) -> KnownVariant:
    vcf = {b: (int(v["pos"]), str(v["ref"]), str(v["alt"])) for b, v in (entry.get("vcf") or {}).items()}
    region = {b: _span(v) for b, v in (entry.get("region") or {}).items() if b in BUILDS}
    return KnownVariant(
        id=entry_id,
        type=entry["type"],
        classification=entry["classification"],
        evidence=entry.get("evidence") or entry.get("note") or "",
        conditions=tuple(entry.get("conditions") or ()),
        references=tuple(entry.get("references") or ()),
        consequence=entry.get("consequence"),
        hgvs_c=entry.get("hgvs_c"),
        hgvs_p=entry.get("hgvs_p"),
        name=entry.get("name"),
        published_names=tuple(entry.get("published_names") or ()),
        vcf=vcf,
        region=region,
        removes_genes=tuple(entry.get("removes_genes") or ()),
        match=dict(entry.get("match") or {}),
        note=entry.get("note") or (entry.get("region") or {}).get("note"),
        typed_from_vcf=bool(entry.get("typed_from_vcf", True)),
        context={b: (int(v["start"]), str(v["seq"]).upper()) for b, v in (entry.get("context") or {}).items()},
        deletion={b: (int(v["start"]), int(v["end"])) for b, v in (entry.get("deletion") or {}).items()},
        curation_note=entry.get("curation_note"),
        clinvar=entry.get("clinvar"),
    )


def _load_variants(doc: dict[str, Any], path: Path) -> dict[str, KnownVariant]:
    out: dict[str, KnownVariant] = {}
    for entry_id, entry in (doc.get("variants") or {}).items():
        out[entry_id] = _variant_from(entry_id, entry)
    for entry_id, entry in (doc.get("association_polymorphisms") or {}).items():
        if entry_id in out:
            raise KnowledgeBaseError(f"{path}: entry {entry_id}: ID used twice")
        entry = dict(entry)
        entry.setdefault("evidence", entry.get("note") or "Association polymorphism")
        out[entry_id] = _variant_from(entry_id, entry)
    return out


def _check_links(kb: KnowledgeBase, files: dict[str, Path]) -> None:
    """Cross-file integrity: IDs referred to must exist; diagnostic facts must cite papers."""
    for cond in kb.conditions.values():
        for ref in cond.references:
            if ref not in kb.references:
                raise KnowledgeBaseError(
                    f"{files['conditions']}: entry {cond.id}: field references: unknown reference '{ref}'"
                )
        for ref in cond.treatment_references:
            if ref not in kb.references:
                raise KnowledgeBaseError(
                    f"{files['conditions']}: entry {cond.id}: field treatment_references: unknown reference '{ref}'"
                )
    symbols = {g.symbol for g in kb.genes["GRCh38"]}
    for var in kb.variants.values():
        where = f"{files['variants']}: entry {var.id}"
        for ref in var.references:
            if ref not in kb.references:
                raise KnowledgeBaseError(f"{where}: field references: unknown reference '{ref}'")
        for cond_id in var.conditions:
            if cond_id not in kb.conditions:
                raise KnowledgeBaseError(f"{where}: field conditions: unknown condition '{cond_id}'")
        if not var.is_association and not var.references:
            raise KnowledgeBaseError(f"{where}: field references: a curated variant must cite a reference")
        if not var.is_association and not any(kb.references[r].printable for r in var.references):
            raise KnowledgeBaseError(
                f"{where}: field references: every reference of this allele is unverified; an allele is "
                "published only through a source that was read (remove it, or cite a verified reference)"
            )
        for build, (_start, seq) in var.context.items():
            if build not in kb.builds or not seq or set(seq) - set("ACGT"):
                raise KnowledgeBaseError(f"{where}: field context.{build}: give a known build and bases A/C/G/T")
        for build, (pos, ref, _alt) in var.vcf.items():
            ctx = var.context.get(build)
            if ctx and not _agrees(ctx, pos, ref):
                raise KnowledgeBaseError(f"{where}: field vcf.{build}: REF {ref} disagrees with the context bases")
        for gene in var.removes_genes:
            if gene not in symbols:
                raise KnowledgeBaseError(f"{where}: field removes_genes: unknown gene '{gene}'")
        for build, (_pos, ref, alt) in var.vcf.items():
            if build not in kb.builds:
                raise KnowledgeBaseError(f"{where}: field vcf: unknown build '{build}'")
            if ref[0] != alt[0] and len(ref) != len(alt):
                raise KnowledgeBaseError(f"{where}: field vcf.{build}: indel REF/ALT must share the VCF anchor base")
        if var.type == "region_deletion" and set(var.region) != set(kb.builds):
            raise KnowledgeBaseError(f"{where}: field region: give the span in every build ({', '.join(kb.builds)})")


def _agrees(context: tuple[int, str], pos: int, bases: str) -> bool:
    """True when `bases` starting at `pos` do not contradict the context bases where they overlap."""
    start, seq = context
    for i, base in enumerate(bases.upper()):
        k = pos + i - start
        if 0 <= k < len(seq) and seq[k] != base:
            return False
    return True


def _kb_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_knowledge_base(
    path: str | os.PathLike[str] | None = None,
    extra_variants: str | os.PathLike[str] | None = None,
    trust_stamp: bool = True,
) -> KnowledgeBase:
    """Load and validate a knowledge base directory (the shipped one by default).

    `extra_variants` is a lab's own YAML file with a `variants:` mapping in the same format;
    its entries are added (an ID that already exists is an error, not a silent override).
    `trust_stamp`: skip the schema check of files unchanged since `write_validation_stamp`
    (the consistency checks after the schema always run).
    """
    kb_dir = Path(path) if path else default_kb_dir()
    manifest_path = kb_dir / "manifest.yaml"
    if not manifest_path.exists():
        raise KnowledgeBaseError(f"{kb_dir}: not a knowledge base directory (no manifest.yaml)")
    stamp = read_stamp(kb_dir) if trust_stamp else Stamp()
    manifest, valid = stamp.read(manifest_path)
    _validate(manifest, "manifest", manifest_path, valid)
    files = {key: kb_dir / name for key, name in manifest["files"].items()}
    docs: dict[str, Any] = {}
    for key in ("locus", "references", "conditions", "variants"):
        # a file outside the directory (a manifest naming ../x.yaml) is not the stamp's to vouch for
        docs[key], valid = (stamp if files[key].parent == kb_dir else Stamp()).read(files[key])
        _validate(docs[key], key, files[key], valid)

    variants = _load_variants(docs["variants"], files["variants"])
    digest_paths = [manifest_path] + [files[k] for k in ("locus", "references", "conditions", "variants")]
    protein = _read_protein(files["protein"]) if "protein" in files else ""
    if protein:
        digest_paths.append(files["protein"])
    if extra_variants:
        extra_path = Path(extra_variants)
        extra = read_yaml(extra_path)
        _validate(extra, "variants", extra_path)
        for entry_id, var in _load_variants(extra, extra_path).items():
            if entry_id in variants:
                raise KnowledgeBaseError(f"{extra_path}: entry {entry_id}: ID already in the shipped knowledge base")
            variants[entry_id] = var
        files["variants_extra"] = extra_path
        digest_paths.append(extra_path)

    locus = docs["locus"]
    builds = {
        name: BuildInfo(name, tuple(b["aliases"]), int(b["chr2_length"]), tuple(str(c) for c in b["contig_names"]))
        for name, b in locus["builds"].items()
    }
    transcripts = {}
    for build, model in locus["transcript"]["builds"].items():
        transcripts[build] = TranscriptModel(
            refseq=locus["transcript"]["refseq"],
            build=build,
            exons=tuple(_span(e) for e in model["exons"]),
            cds_start=int(model["cds_start"]),
            cds_end=int(model["cds_end"]),
            strand=locus["gene"]["strand"],
        )
    genes = {
        build: tuple(
            Gene(g["symbol"], g.get("alias", ""), g["hgnc"], g["strand"], *_span(g[build]), g.get("mane_refseq", ""))
            for g in locus["cluster"]["genes"]
        )
        for build in builds
    }
    refs = {
        rid: Reference(
            rid,
            r["citation"],
            r.get("pmid"),
            r.get("doi"),
            r["status"],
            r.get("seed_index"),
            r.get("first_author"),
            r.get("year"),
        )
        for rid, r in docs["references"]["references"].items()
    }
    conditions = {
        cid: Condition(
            id=cid,
            name=c["name"],
            kind=c["kind"],
            summary=c["summary"],
            references=tuple(c["references"]),
            omim=c.get("omim"),
            inheritance=c.get("inheritance"),
            features=tuple((f["label"], f.get("hpo")) for f in c.get("features") or ()),
            treatment=c.get("treatment"),
            similar_to=c.get("similar_to"),
            synonyms=tuple(c.get("synonyms") or ()),
            treatment_references=tuple(c.get("treatment_references") or ()),
        )
        for cid, c in docs["conditions"]["conditions"].items()
    }
    kb = KnowledgeBase(
        path=kb_dir,
        version=str(manifest["version"]),
        curation_date=str(manifest["curation_date"]),
        name=manifest["name"],
        sha256=_kb_digest(digest_paths),
        sources=manifest["sources"],
        references=refs,
        conditions=conditions,
        variants=variants,
        builds=builds,
        transcripts=transcripts,
        genes=genes,
        screen_window={b: _span(w) for b, w in locus["screen_window"].items()},
        splice_region_exonic=int(locus["splice_region"]["exonic"]),
        splice_region_intronic=int(locus["splice_region"]["intronic"]),
        upstream_distance=int(locus["upstream_distance"]),
        liftover_offset=int(locus["liftover_offset_grch37_minus_grch38"]),
        gene_info=locus["gene"],
        transcript_info=locus["transcript"],
        raw=docs,
        protein=protein,
    )
    _check_links(kb, files)
    for build, tx in transcripts.items():
        if protein and 3 * (len(protein) + 1) != tx.cds_length:
            raise KnowledgeBaseError(
                f"{files['protein']}: {len(protein)} residues, but the {build} CDS model in "
                f"{files['locus']} is {tx.cds_length} nt ({tx.cds_length // 3 - 1} residues "
                "+ stop)"
            )
    return kb


def _read_protein(path: Path) -> str:
    """The one-letter protein of a one-record FASTA; a file that is not one is refused, naming it."""
    if not path.exists():
        raise KnowledgeBaseError(f"{path}: protein FASTA named in manifest.yaml (files.protein) does not exist")
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    seq = "".join(line for line in lines[1:]).upper()
    if not lines or not lines[0].startswith(">") or any(line.startswith(">") for line in lines[1:]):
        raise KnowledgeBaseError(f"{path}: not a one-record FASTA (a '>' header, then the residues)")
    bad = sorted(set(seq) - set("ACDEFGHIKLMNPQRSTVWY"))
    if not seq.startswith("M") or bad:
        raise KnowledgeBaseError(
            f"{path}: the protein must start with M and use the 20 one-letter residues "
            f"(found {''.join(bad) or seq[:1]!r})"
        )
    return seq
