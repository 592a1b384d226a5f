"""The knowledge base is internally consistent, validated on load, and extensible."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import annotate_at_grch38

from il1rn_annot.cli import main
from il1rn_annot.errors import KnowledgeBaseError
from il1rn_annot.kb.load import load_knowledge_base
from il1rn_annot.kb.locus_model import CPosition

REPO = Path(__file__).resolve().parents[1]

SEED = Path(REPO).parent / "shared" / "seeds"


def test_cds_is_177_codons_plus_stop_in_both_builds(kb):
    for build in ("GRCh38", "GRCh37"):
        tx = kb.transcript(build)
        assert tx.cds_length == 534 == (177 + 1) * 3
        assert tx.c_position(tx.cds_start) == CPosition(1)
        assert tx.c_position(tx.cds_end) == CPosition(534)


def test_grch37_is_grch38_plus_the_liftover_offset_everywhere(kb):
    off = kb.liftover_offset
    assert off == 757577
    t38, t37 = kb.transcript("GRCh38"), kb.transcript("GRCh37")
    assert [(a + off, b + off) for a, b in t38.exons] == list(t37.exons)
    assert (t38.cds_start + off, t38.cds_end + off) == (t37.cds_start, t37.cds_end)
    for g38, g37 in zip(kb.cluster_genes("GRCh38"), kb.cluster_genes("GRCh37"), strict=True):
        assert g38.symbol == g37.symbol
        assert (g38.start + off, g38.end + off) == (g37.start, g37.end), g38.symbol
    w38, w37 = kb.screen_window["GRCh38"], kb.screen_window["GRCh37"]
    assert (w38[0] + off, w38[1] + off) == w37
    for var in kb.variants.values():
        if "GRCh38" in var.vcf:
            pos, ref, alt = var.vcf["GRCh38"]
            assert var.vcf["GRCh37"] == (pos + off, ref, alt), var.id
        if var.region:
            assert var.region["GRCh37"] == (var.region["GRCh38"][0] + off, var.region["GRCh38"][1] + off)


def test_cluster_runs_from_il1a_to_pax8_in_genome_order(kb):
    genes = kb.cluster_genes("GRCh38")
    assert genes[0].symbol == "IL1A" and genes[-1].symbol == "PAX8"
    starts = [g.start for g in genes]
    assert starts == sorted(starts)
    il1rn = next(g for g in genes if g.symbol == "IL1RN")
    tx = kb.transcript("GRCh38")
    assert (il1rn.start, il1rn.end, il1rn.strand) == (tx.start, tx.end, "+")


_SNV = re.compile(r"^c\.(?P<pos>[-*]?\d+)(?:(?P<off>[+-]\d+))?(?P<ref>[ACGT])>(?P<alt>[ACGT])$")
_DEL = re.compile(r"^c\.(?P<a>\d+)(?:_(?P<b>\d+))?del$")


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_every_known_variant_c_position_maps_to_its_genomic_position(kb, build):
    tx = kb.transcript(build)
    checked = 0
    for var in kb.variants.values():
        if build not in var.vcf or not var.hgvs_c:
            continue
        pos, ref, alt = var.vcf[build]
        snv = _SNV.match(var.hgvs_c)
        if snv:
            c = CPosition(int(snv["pos"]), int(snv["off"] or 0))
            assert tx.genomic_position(c) == pos, var.id
            assert (snv["ref"], snv["alt"]) == (ref, alt), var.id
            assert str(tx.c_position(pos)) == snv["pos"] + (snv["off"] or ""), var.id
            checked += 1
            continue
        deletion = _DEL.match(var.hgvs_c)
        assert deletion, f"{var.id}: unparsed HGVS {var.hgvs_c}"
        first = tx.genomic_position(CPosition(int(deletion["a"])))
        last = tx.genomic_position(CPosition(int(deletion["b"] or deletion["a"])))
        # VCF form: anchor base + deleted bases; the HGVS name is the 3'-shifted equivalent
        assert len(ref) - len(alt) == last - first + 1, var.id
        assert pos + 1 <= first <= pos + len(ref), var.id
        checked += 1
    assert checked >= 8  # 5 DIRA alleles with a VCF form + 3 association SNPs


def test_published_protein_changes_agree_with_codon_numbers(kb):
    """p.(Glu77Ter) is c.229 (codon 77, first base); p.(Gln54Ter) c.160; p.(Arg26Ter) c.76."""
    for var in kb.variants.values():
        m = re.match(r"^c\.(\d+)[ACGT]>[ACGT]$", var.hgvs_c or "")
        p = re.match(r"^p\.\([A-Z][a-z]{2}(\d+)", var.hgvs_p or "")
        if m and p:
            assert (int(m[1]) - 1) // 3 + 1 == int(p[1]), var.id


def test_every_variant_and_condition_cites_an_existing_reference_or_source(kb):
    for cond in kb.conditions.values():
        assert cond.references and all(r in kb.references for r in cond.references), cond.id
    raw = kb.raw["variants"]
    for var in kb.variants.values():
        entry = {**raw.get("variants", {}), **raw.get("association_polymorphisms", {})}[var.id]
        assert var.references or entry.get("source") in kb.sources, var.id
        assert all(r in kb.references for r in var.references), var.id


def test_conditions_carry_the_curated_facts(kb):
    dira = kb.conditions["DIRA"]
    assert dira.omim == "612852" and dira.inheritance == "autosomal_recessive" and dira.is_diagnostic
    assert "anakinra" in dira.treatment.lower()
    labels = " ".join(label.lower() for label, _ in dira.features)
    for feature in (
        "pustul",
        "osteomyelitis",
        "periostitis",
        "rib",
        "erythrocyte sedimentation",
        "c-reactive protein",
        "osteolysis",
    ):
        assert feature in labels, feature
    assert "rilonacept" in dira.treatment.lower() and "garg2017" in dira.treatment_references
    assert kb.conditions["MVCD4"].omim == "612628" and not kb.conditions["MVCD4"].is_diagnostic
    assert all(not c.is_diagnostic for c in kb.conditions.values() if c.id != "DIRA")


def test_all_nine_seed_references_are_present_with_verified_identifiers(kb):
    seeded = sorted((r.seed_index, r) for r in kb.references.values() if r.seed_index)
    assert [i for i, _ in seeded] == list(range(1, 10))
    assert kb.references["aksentijevich2009"].pmid == "19494218"
    assert kb.references["reddy2009"].pmid == "19494219"
    if SEED.exists():
        text = " ".join(p.read_text() for p in SEED.glob("*.txt"))
        for _, ref in seeded:
            assert ref.first_author.split("-")[0] in text, ref.id


def _copy_kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(REPO / "resources" / "knowledge_base", dest)
    return dest


def test_malformed_file_is_refused_naming_file_entry_and_field(tmp_path):
    dest = _copy_kb(tmp_path)
    doc = yaml.safe_load((dest / "variants.yaml").read_text())
    doc["variants"]["IL1RN_E77X"]["classification"] = "probably_bad"
    (dest / "variants.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(KnowledgeBaseError) as err:
        load_knowledge_base(dest)
    message = str(err.value)
    assert "variants.yaml" in message and "IL1RN_E77X" in message and "classification" in message


def test_validation_stamp_matches_the_shipped_files():
    """The shipped files skip the schema check at load only while `.validated.json` holds their
    current digests (and the schema's): after editing the KB, re-validate and re-stamp."""
    import hashlib

    from il1rn_annot.kb.load import default_kb_dir
    from il1rn_annot.kb.stamp import validated_digests

    kb_dir = default_kb_dir()
    stamped = validated_digests(kb_dir)
    manifest = yaml.safe_load((kb_dir / "manifest.yaml").read_text())
    for name in ["manifest.yaml", *manifest["files"].values()]:
        current = hashlib.sha256((kb_dir / name).read_bytes()).hexdigest()
        assert stamped.get(name) == current, (
            f"{name} changed since the KB was last validated: run `python -c 'from il1rn_annot.kb.load "
            "import write_validation_stamp as w; w()'` (it validates, then stamps)"
        )
    load_knowledge_base(kb_dir, trust_stamp=False)  # and they do pass the schema


def test_a_stamped_kb_loads_without_jsonschema_and_an_edited_one_is_still_validated(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from il1rn_annot.kb.load import load_knowledge_base as load; load(sys.argv[1]); "
        "print('jsonschema' in sys.modules, 'yaml' in sys.modules)"
    )
    dest = _copy_kb(tmp_path)
    run = subprocess.run([sys.executable, "-c", code, str(dest)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False False"  # neither validated nor parsed: the stamp's documents
    text = (dest / "locus.yaml").read_text()
    (dest / "locus.yaml").write_text(text + "\n# a curator's comment\n")  # valid, but not the stamped bytes
    run = subprocess.run([sys.executable, "-c", code, str(dest)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "True True"


def test_an_edited_file_is_read_from_its_yaml_not_from_the_stamp(tmp_path):
    """The stamp's copy of a document serves only the exact bytes it was made from: a curator's
    edit (here a changed citation) is what the loaded knowledge base holds."""
    dest = _copy_kb(tmp_path)
    shipped = load_knowledge_base(dest)
    doc = yaml.safe_load((dest / "references.yaml").read_text())
    rid = next(iter(doc["references"]))
    doc["references"][rid]["citation"] = "An edited citation, not the stamped one."
    (dest / "references.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    edited = load_knowledge_base(dest)
    assert edited.references[rid].citation == "An edited citation, not the stamped one."
    assert shipped.references[rid].citation != edited.references[rid].citation
    assert edited.sha256 != shipped.sha256


def test_stamped_documents_are_the_yaml_files_parsed(tmp_path):
    """Each document the stamp carries equals its YAML file's parse, and loading from the stamp
    builds the same knowledge base as loading every YAML file (no stamp)."""
    from il1rn_annot.kb.load import default_kb_dir
    from il1rn_annot.kb.stamp import VALIDATION_STAMP

    kb_dir = default_kb_dir()
    stamp = json.loads((kb_dir / VALIDATION_STAMP).read_text())
    assert set(stamp["documents"]) >= {
        "manifest.yaml",
        "locus.yaml",
        "references.yaml",
        "conditions.yaml",
        "variants.yaml",
    }
    for name, document in stamp["documents"].items():
        assert document == yaml.safe_load((kb_dir / name).read_text()), name
    from_stamp = load_knowledge_base(kb_dir)
    dest = _copy_kb(tmp_path)
    (dest / VALIDATION_STAMP).unlink()
    from_yaml = load_knowledge_base(dest)
    assert from_stamp.raw == from_yaml.raw
    assert from_stamp.variants == from_yaml.variants and from_stamp.conditions == from_yaml.conditions
    assert from_stamp.references == from_yaml.references and from_stamp.sha256 == from_yaml.sha256


def test_unknown_reference_is_refused(tmp_path):
    dest = _copy_kb(tmp_path)
    doc = yaml.safe_load((dest / "conditions.yaml").read_text())
    doc["conditions"]["DIRA"]["references"] = ["nobody2099"]
    (dest / "conditions.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(KnowledgeBaseError, match=r"conditions\.yaml: entry DIRA: field references: .*nobody2099"):
        load_knowledge_base(dest)


def test_lab_extra_variants_are_added_and_validated(tmp_path, kb):
    extra = tmp_path / "lab.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "variants": {
                    "LAB_0001": {
                        "hgvs_c": "c.100C>T",
                        "hgvs_p": None,
                        "type": "snv",
                        "vcf": {
                            "GRCh38": {
                                "pos": kb.transcript("GRCh38").genomic_position(CPosition(100)),
                                "ref": "C",
                                "alt": "T",
                            }
                        },
                        "consequence": "missense_variant",
                        "classification": "likely_pathogenic",
                        "evidence": "Lab-curated: segregates with DIRA in family F12.",
                        "conditions": ["DIRA"],
                        "references": ["aksentijevich2009"],
                    }
                }
            }
        )
    )
    extended = load_knowledge_base(None, extra)
    assert "LAB_0001" in extended.variants and extended.sha256 != kb.sha256
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        yaml.safe_dump(
            {
                "variants": {
                    "IL1RN_E77X": yaml.safe_load((REPO / "resources/knowledge_base/variants.yaml").read_text())[
                        "variants"
                    ]["IL1RN_E77X"]
                }
            }
        )
    )
    with pytest.raises(KnowledgeBaseError, match="already in the shipped"):
        load_knowledge_base(None, dup)


def test_kb_command_prints_text_and_json(capsys):
    assert main(["kb"]) == 0
    text = capsys.readouterr().out
    assert "NM_173842.3" in text and "612852" in text and "19494218" in text
    assert main(["kb", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["builds"]["GRCh37"]["chr2_length"] == 243199373
    assert data["variants"]["IL1RN_E77X"]["vcf"]["GRCh38"] == [113131068, "G", "T"]


# --------------------------------------------------------------------------------------
# issue 15 section 4: a curated allele matches only the same normalised allele


def _annotate(make_vcf, records: list[str], build: str) -> tuple[dict[int, dict], str]:
    """Annotate records (GRCh38 positions; shifted by the liftover offset for GRCh37) with a freshly
    loaded KB; (alleles by GRCh38 position, the sample's DIRA status)."""
    alleles, result, _ = annotate_at_grch38(make_vcf, records, build, load_knowledge_base())
    return alleles, result.samples[0].dira_status


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_a_different_15bp_deletion_near_the_jesus_allele_is_novel_not_published(make_vcf, build):
    """The issue's case: homozygous 15-bp deletion of GRCh38 113131056-070 (c.217_231), same length and
    inside the old c.211-c.231 window, is NOT the published p.(Asp72_Ile76del) allele of Jesus 2011."""
    alleles, _ = _annotate(make_vcf, ["{chrom}\t113131055\t.\tTGTGGTACCCATAGAG\tT\t50\tPASS\t.\tGT\t1/1"], build)
    ann = alleles[113131055]
    assert ann["known_variant"] == "" and "22127713" not in ann["pmids"]
    assert "Jesus" not in ann["classification_evidence"]
    assert any(
        "near the published allele 15-bp in-frame deletion (IL1RN_D72_I76del), not the same allele" in n
        for n in ann["notes"]
    )
    assert ann["classification"] != "pathogenic"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize(
    "record",
    [
        "{chrom}\t113131049\t.\tAATAGATGTGGTACCC\tA\t50\tPASS\t.\tGT\t1/1",  # left-aligned (caller) form
        "{chrom}\t113131051\t.\tTAGATGTGGTACCCAT\tT\t50\tPASS\t.\tGT\t1/1",  # as published: c.213_227del
        "{chrom}\t113131050\t.\tATAGATGTGGTACCCA\tA\t50\tPASS\t.\tGT\t1/1",  # one base right of left-aligned
    ],
)
def test_the_jesus_allele_is_recognised_wherever_the_caller_puts_it_in_the_repeat(make_vcf, build, record):
    alleles, status = _annotate(make_vcf, [record], build)
    (ann,) = alleles.values()
    assert ann["known_variant"] == "IL1RN_D72_I76del" and ann["classification"] == "pathogenic"
    assert status == "consistent_with_DIRA"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_c141del_written_at_either_c_of_the_run_is_the_stenerson_allele_and_c142del_is_not(make_vcf, build):
    alleles, _ = _annotate(
        make_vcf,
        [
            "{chrom}\t113129598\t.\tAC\tA\t50\tPASS\t.\tGT\t0/1",  # left-aligned (c.140del)
            "{chrom}\t113129599\t.\tCC\tC\t50\tPASS\t.\tGT\t0/1",  # 3'-most (c.141del)
            "{chrom}\t113129600\t.\tCT\tC\t50\tPASS\t.\tGT\t0/1",  # c.142del: another allele
        ],
        build,
    )
    assert alleles[113129598]["known_variant"] == alleles[113129599]["known_variant"] == "IL1RN_T47fs"
    assert alleles[113129598]["hgvs_c"] == "c.141del"  # HGVS 3' rule: named at the last C
    assert alleles[113129600]["known_variant"] == ""
    assert any("not the same allele" in n for n in alleles[113129600]["notes"])


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_the_same_position_with_another_alt_is_not_the_published_snv(make_vcf, build):
    alleles, _ = _annotate(make_vcf, ["{chrom}\t113131068\t.\tG\tA\t50\tPASS\t.\tGT\t1/1"], build)
    ann = alleles[113131068]
    assert ann["known_variant"] == "" and ann["references"] == []
    assert any("near the published allele c.229G>T (IL1RN_E77X)" in n for n in ann["notes"])


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_a_nearby_snv_is_not_the_published_snv_without_asking_for_a_fasta(make_vcf, build):
    """Review finding: novel c.181C>T, 21 bp from the published c.160C>T (IL1RN_Q54X), was noted as
    "the bases known here cannot show it is the same allele; give the reference FASTA". Two
    substitutions at different positions are never one allele: the note says so plainly."""
    alleles, status = _annotate(make_vcf, ["{chrom}\t113129640\t.\tC\tT\t50\tPASS\t.\tGT\t1/1"], build)
    ann = alleles[113129640]
    assert ann["known_variant"] == "" and ann["hgvs_c"] == "c.181C>T"
    assert any("near the published allele c.160C>T (IL1RN_Q54X), not the same allele" in n for n in ann["notes"])
    assert not any("cannot show it is the same allele" in n for n in ann["notes"])
    assert status == "consistent_with_DIRA"  # p.(Gln61Ter) by the rules (PVS1), not by the curated entry


def test_substitutions_are_the_same_allele_only_when_identical():
    from il1rn_annot.core.allele_match import Edit, same_allele

    assert same_allele(Edit(181, 181, "T"), Edit(181, 181, "T"), {}) is True
    assert same_allele(Edit(181, 181, "T"), Edit(160, 160, "T"), {}) is False  # no bases needed
    assert same_allele(Edit(181, 182, "TA"), Edit(181, 181, "T"), {}) is False


def test_same_allele_compares_haplotypes_not_positions():
    from il1rn_annot.core.allele_match import Edit, known_bases, same_allele

    known = known_bases((100, "GACACAT"))  # 100 G, 101 A, 102 C, 103 A, 104 C, 105 A, 106 T
    assert same_allele(Edit(101, 102, ""), Edit(103, 104, ""), known)  # AC in an ACAC run
    assert same_allele(Edit(101, 102, ""), Edit(102, 103, ""), known)  # CA in the same run: also GACAT
    plain = known_bases((100, "GACGTA"))
    assert same_allele(Edit(101, 102, ""), Edit(102, 103, ""), plain) is False  # GGTA vs GATA
    assert same_allele(Edit(101, 102, ""), Edit(101, 103, ""), known) is False  # another length
    assert same_allele(Edit(101, 102, ""), Edit(110, 111, ""), known) is None  # bases between unknown
    assert known_bases((100, "GA"), (101, "C")) is None  # REFs that contradict each other


def test_an_allele_whose_only_reference_is_unverified_is_refused(kb, tmp_path):
    """c.76C>T and c.133C>T were removed for this reason; a lab adding one back is stopped."""
    import dataclasses

    from il1rn_annot.errors import KnowledgeBaseError
    from il1rn_annot.kb.load import _check_links

    refs = {**kb.references, "jesus2011": dataclasses.replace(kb.references["jesus2011"], status="unverified")}
    with pytest.raises(KnowledgeBaseError, match=r"IL1RN_D72_I76del.*unverified"):
        _check_links(
            dataclasses.replace(kb, references=refs),
            {"variants": Path("variants.yaml"), "conditions": Path("conditions.yaml")},
        )
    assert "IL1RN_R26X" not in kb.variants and "IL1RN_Q45X" not in kb.variants


def test_curated_context_bases_agree_with_the_protein_and_the_vcf_forms(kb):
    """Each context is derived from codons of the read protein (plus read bases): translate it back."""
    from il1rn_annot.core.consequence import translate
    from il1rn_annot.kb.locus_model import CPosition

    notes_fasta = Path("/work/shared/notes/data/IL1RN_secreted_precursor_177aa.fasta")
    protein = "".join(
        line.strip()
        for line in (notes_fasta if notes_fasta.exists() else Path(__file__)).read_text().splitlines()[1:]
        if line and not line.startswith(">")
    )
    jesus = kb.variants["IL1RN_D72_I76del"]
    tx = kb.transcript("GRCh38")
    start, seq = jesus.context["GRCh38"]
    assert tx.c_position(start) == CPosition(211)
    # c.211-227 + any third base of codon 76: Ile71 Asp72 Val73 Val74 Pro75 Ile76
    assert translate(seq + "T") == "IDVVPI"
    if protein.startswith("MEICRG"):
        assert protein[70:76] == "IDVVPI"
    for var in kb.variants.values():
        for build, (pos, ref, _alt) in var.vcf.items():
            if build in var.context:
                c0, cseq = var.context[build]
                for i, base in enumerate(ref):
                    if 0 <= pos + i - c0 < len(cseq):
                        assert cseq[pos + i - c0] == base, var.id


def test_a_large_deletion_over_a_published_site_is_not_called_a_near_miss(make_vcf):
    """Near misses are changes like the published one; a 40-bp deletion over c.140 is just novel."""
    alleles, _ = _annotate(make_vcf, ["{chrom}\t113129590\t.\t" + "A" * 41 + "\tA\t50\tPASS\t.\tGT\t0/1"], "GRCh38")
    ann = alleles[113129590]
    assert ann["known_variant"] == ""
    assert not any("near the published allele" in n for n in ann["notes"])


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_curated_deletion_names_follow_the_hgvs_3prime_rule_on_their_context_bases(kb, build):
    """c.140delC sits in a CC run (c.140-141): its HGVS name is the 3'-most, c.141del; c.156_157del stays."""
    from il1rn_annot.core.alleles import Allele
    from il1rn_annot.core.hgvs import hgvs_c

    class _Context:
        def __init__(self, start: int, seq: str) -> None:
            self.start, self.seq = start, seq

        def covers(self, a: int, b: int) -> bool:
            return self.start <= a and b < self.start + len(self.seq)

        def fetch(self, a: int, b: int) -> str:
            return self.seq[a - self.start : b - self.start + 1]

    tx = kb.transcript(build)
    checked = 0
    for var in kb.variants.values():
        if var.type != "deletion" or build not in var.vcf or build not in var.context:
            continue
        pos, ref, alt = var.vcf[build]
        allele = Allele(
            chrom="chr2",
            pos=pos,
            ref=ref,
            alt=alt,
            alt_index=1,
            kind="deletion",
            start=pos + 1,
            end=pos + len(ref) - 1,
            ref_trim=ref[1:],
            alt_trim="",
            vcf_id=".",
            filter="PASS",
        )
        name = hgvs_c(allele, tx, _Context(*var.context[build]))
        assert name.shifted and name.c == var.hgvs_c, (var.id, name.c)
        checked += 1
    assert checked == 2  # c.141del (Stenerson) and c.156_157del (Aksentijevich)


def test_evidence_naming_another_curated_allele_by_its_published_name_gives_its_hgvs_name():
    """Review finding: E77X's evidence read 'in trans with c.140delC' while the knowledge base names
    that allele c.141del (HGVS 3' rule), so the report showed two names for one allele with nothing
    linking them. A published name quoted in any curated evidence comes with the current name."""
    kb = load_knowledge_base()
    renamed = {
        name: v.hgvs_c
        for v in kb.variants.values()
        if v.hgvs_c
        for name in v.published_names
        if name.startswith("c.") and name != v.hgvs_c
    }
    assert renamed.get("c.140delC") == "c.141del"
    for var in kb.variants.values():
        for old, new in renamed.items():
            if old not in var.published_names and re.search(re.escape(old) + r"(?![0-9_])", var.evidence):
                assert new in var.evidence, (var.id, old, new, var.evidence)
