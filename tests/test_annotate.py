"""The annotator on real-shaped caller output: statuses, HGVS, consequences, deletions, builds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main
from il1rn_annot.errors import BuildMismatchError, InputError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "test_data"
FASTA38 = DATA / "ref" / "GRCh38_chr2_113100001-113160000.synthetic.fa"
FASTA37 = DATA / "ref" / "GRCh37_2_113857578-113917577.synthetic.fa"
DATE = "2026-01-01T00:00:00Z"

# Expected statuses: the design of each demo sample (test_data/README.md), not tool output.
EXPECTED = {
    "gatk_hc.PATIENT_HOM_E77X.vcf.gz": {"PATIENT_HOM_E77X": "consistent_with_DIRA"},
    "deepvariant.CARRIER_Q54X.g.vcf.gz": {"CARRIER_Q54X": "carrier"},
    "bcftools.joint_cohort.vcf.gz": {
        "FAM1_PROBAND": "consistent_with_DIRA",
        "FAM1_MOTHER": "carrier",
        "FAM1_FATHER": "carrier",
        # c.76C>T and c.133C>T (UNPHASED_COMPHET, CIS_PAIR) are not published alleles any more: their
        # papers were never read (issue 15), so the rules decide. Without a reference sequence the
        # protein decides what it can (issue 15 section 3): c.133C>T at Gln45 (CAR -> TAR) is
        # p.(Gln45Ter), NMD, PVS1, likely pathogenic; c.76C>T at Arg26 (CGN -> TGN: Ter, Trp or Cys)
        # stays a coding variant of unknown effect (VUS). One LP allele + a VUS: carrier, and the
        # sentence says DIRA is not excluded (unphased) or that the VUS is in cis.
        "UNPHASED_COMPHET": "carrier",
        "CIS_PAIR": "carrier",
        "HOM_DEL2": "consistent_with_DIRA",
        "SPLICE_HOM": "consistent_with_DIRA",
        "MULTI_12": "carrier",
        "PARTIAL": "carrier",
        "ASSOC_ONLY": "no_pathogenic_variant_detected",
        "NOCALL": "not_assessable",
        "MISSENSE_VUS": "uncertain_significance",
    },
    "manta.DEL175_HOM.vcf.gz": {"DEL175_HOM": "consistent_with_DIRA"},
    # exons 2-3 removed: out of frame, the frame change falls in the last exon (no NMD): PVS1_Strong,
    # uncertain significance by the rules alone (ClinGen SVI 2018 tree; docs/classification.md)
    "delly.cohort.bcf": {"DELLY_HET_EXON2_3": "uncertain_significance", "DELLY_REF": "not_assessable"},
    "gatk_gcnv.SEGMENTS_CN0.vcf.gz": {"GCNV_CN0": "consistent_with_DIRA"},
    "cnv_symbolic_mix.vcf": {"EXOME_CN1": "carrier", "EXOME_CN0": "consistent_with_DIRA"},
    # exon 2 removed, out of frame: where the new stop falls (NMD) needs the transcript sequence; without
    # it the tree gives at least PVS1_Strong, uncertain significance
    "explicit_vs_symbolic.vcf.gz": {"EXPLICIT_DEL": "uncertain_significance"},
    "symbolic_same_del.vcf.gz": {"SYMBOLIC_DEL": "uncertain_significance"},
    "grch37.gatk_hc.PATIENT_HOM_E77X.vcf.gz": {"PATIENT_HOM_E77X": "consistent_with_DIRA"},
    "grch37.manta.DEL175_HOM.vcf.gz": {"DEL175_HOM": "consistent_with_DIRA"},
    "hg19_named.vcf.gz": {"HG19_E77X_HOM": "consistent_with_DIRA"},
}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_file_statuses(tmp_path, kb, name):
    result = annotate_file(DATA / name, tmp_path, kb, date=DATE)
    got = {s.sample: s.dira_status for s in result.samples}
    assert got == EXPECTED[name]
    rows = _rows(Path(result.outputs["sample_status"]))
    assert [r["sample"] for r in rows] == list(EXPECTED[name])  # every sample, header order


def test_outputs_record_versions_build_and_checksums(tmp_path, kb):
    result = annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, date=DATE)
    payload = json.loads(Path(result.outputs["json"]).read_text())
    prov = payload["provenance"]
    assert prov["build"] == "GRCh38" and "242,193,529" in prov["build_evidence"]
    assert prov["knowledge_base_version"] == kb.version and prov["tool_version"]
    # an indexed input: identified by its header, index and locus blocks (issue 19), no whole-file hash
    entry = prov["inputs"][0]
    assert entry["sha256"] == result.input.sha256 == "" and entry["checksum"] == "locus"
    assert entry["fingerprint"] == result.input.identity.fingerprint and len(entry["fingerprint"]) == 64
    import pysam

    with pysam.VariantFile(result.outputs["vcf"]) as vcf:
        header = str(vcf.header)
        assert "##il1rn_annot_kb_version=" + kb.version in header and "##il1rn_annot_build=GRCh38" in header
        assert f"##il1rn_annot_input_identity=vcf:checksum=locus;fingerprint={entry['fingerprint']};" in header
        records = {r.pos: r for r in vcf}
    assert records[113131068].info["IL1RN_HGVSC"] == ("c.229G>T",)
    assert records[113131068].info["IL1RN_CLASS"] == ("pathogenic",)
    assert all(113115598 <= pos <= 113136014 for pos in records)  # only locus records
    assert Path(result.outputs["vcf"] + ".tbi").exists()


def test_tsv_columns_and_known_variant_content(tmp_path, kb):
    result = annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, date=DATE)
    rows = {r["hgvs_c"]: r for r in _rows(Path(result.outputs["tsv"]))}
    e77x = rows["c.229G>T"]
    assert (e77x["hgvs_p"], e77x["consequence"], e77x["zygosity"]) == ("p.(Glu77Ter)", "stop_gained", "homozygous")
    assert e77x["known_variant"] == "IL1RN_E77X" and "19494218" in e77x["pmids"] and e77x["conditions"] == "DIRA"
    assert rows["c.171T>C"]["classification"] == "association_polymorphism"


def test_same_deletion_symbolic_or_explicit_gets_the_same_answer(tmp_path, kb):
    explicit = annotate_file(DATA / "explicit_vs_symbolic.vcf.gz", tmp_path / "e", kb, date=DATE)
    symbolic = annotate_file(DATA / "symbolic_same_del.vcf.gz", tmp_path / "s", kb, date=DATE)
    fields = ("deleted_genes", "il1rn_overlap", "exons_affected", "classification", "consequence", "end")
    a, b = explicit.payload["alleles"][0], symbolic.payload["alleles"][0]
    assert {k: a[k] for k in fields} == {k: b[k] for k in fields}
    assert a["exons_affected"] == [2] and "exon_loss_variant" in a["consequence"]


def test_175kb_deletion_removes_il1rn_and_five_family_genes_in_both_builds(tmp_path, kb):
    for name in ("manta.DEL175_HOM.vcf.gz", "grch37.manta.DEL175_HOM.vcf.gz"):
        result = annotate_file(DATA / name, tmp_path / name, kb, date=DATE)
        deletion = next(a for a in result.payload["alleles"] if a["alt"] == "<DEL>" and a["il1rn_overlap"])
        genes = [g["gene"] for g in deletion["deleted_genes"]]
        assert genes == ["IL36G", "IL36A", "IL36B", "IL36RN", "IL1F10", "IL1RN"]
        assert deletion["il1rn_overlap"] == 1.0 and deletion["consequence"] == ["transcript_ablation"]
        assert deletion["known_variant"] == "DEL_2q13_175kb" and deletion["reciprocal_overlap_2q13"] > 0.9


def test_cn0_copy_number_decides_zygosity_when_gt_is_unreadable(tmp_path, kb):
    result = annotate_file(DATA / "gatk_gcnv.SEGMENTS_CN0.vcf.gz", tmp_path, kb, date=DATE)
    finding = result.samples[0].findings[0]
    assert finding["copy_number"] == 0 and finding["zygosity"] == "homozygous"


def test_reference_fasta_gives_protein_changes_and_3prime_shifted_names(tmp_path, kb):
    result = annotate_file(DATA / "bcftools.joint_cohort.vcf.gz", tmp_path, kb, date=DATE, reference_path=FASTA38)
    by_known = {a["known_variant"]: a for a in result.payload["alleles"] if a["known_variant"]}
    assert by_known["IL1RN_E77X"]["hgvs_p"] == "p.(Glu77Ter)"
    assert by_known["IL1RN_N52KfsX25"]["hgvs_c"] == "c.156_157del"  # left-aligned c.155_156 shifted 3'
    assert by_known["IL1RN_N52KfsX25"]["hgvs_p"].startswith("p.(Asn52LysfsTer")
    assert by_known["IL1RN_T47fs"]["hgvs_c"] == "c.141del"  # c.140 and c.141 are both C: HGVS 3' rule
    missense = next(a for a in result.payload["alleles"] if a["hgvs_c"] == "c.229G>A")
    assert (missense["hgvs_p"], missense["consequence"]) == ("p.(Glu77Lys)", ["missense_variant"])
    vus = next(
        a
        for a in result.payload["alleles"]
        if a["classification"] == "uncertain_significance" and a["hgvs_c"] != "c.229G>A"
    )
    assert vus["hgvs_p"] == "p.(Met150Lys)"


def test_grch37_reference_extract_and_b37_naming(tmp_path, kb):
    result = annotate_file(
        DATA / "grch37.gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, date=DATE, reference_path=FASTA37
    )
    assert result.payload["provenance"]["build"] == "GRCh37"
    e77x = next(a for a in result.payload["alleles"] if a["known_variant"] == "IL1RN_E77X")
    assert (e77x["chrom"], e77x["pos"], e77x["hgvs_p"]) == ("2", 113888645, "p.(Glu77Ter)")


def test_wrong_build_is_refused_naming_both(tmp_path, kb):
    with pytest.raises(BuildMismatchError) as err:
        annotate_file(DATA / "grch37.gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, build="GRCh38")
    assert "GRCh38" in str(err.value) and "GRCh37" in str(err.value)


def test_reference_of_the_other_build_is_refused(tmp_path, kb):
    with pytest.raises(InputError, match="does not cover IL1RN"):
        annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", tmp_path, kb, reference_path=FASTA37)


def test_undetectable_build_needs_build_flag(tmp_path, kb, capsys):
    assert main(["annotate", str(DATA / "no_contigs.vcf"), "-o", str(tmp_path), "--date", DATE]) == 2
    err = capsys.readouterr().err
    assert "cannot detect the genome build" in err and "--build" in err and "Traceback" not in err
    assert (
        main(["annotate", str(DATA / "no_contigs.vcf"), "-o", str(tmp_path), "--build", "GRCh38", "--date", DATE]) == 0
    )
    rows = _rows(tmp_path / "no_contigs.sample_status.tsv")
    assert rows[0]["dira_status"] == "carrier"
    prov = json.loads((tmp_path / "no_contigs.il1rn.json").read_text())["provenance"]
    assert any("stated by the user" in w for w in prov["warnings"])


def test_unindexed_and_indexed_reads_agree(tmp_path, kb):
    import shutil

    plain = tmp_path / "noindex.vcf.gz"
    shutil.copy(DATA / "bcftools.joint_cohort.vcf.gz", plain)  # no .tbi beside it
    streamed = annotate_file(plain, tmp_path / "a", kb, date=DATE)
    indexed = annotate_file(DATA / "bcftools.joint_cohort.vcf.gz", tmp_path / "b", kb, date=DATE)
    assert streamed.payload["alleles"] == indexed.payload["alleles"]
    assert any("temporary index" in w for w in streamed.payload["provenance"]["warnings"])


def test_samples_subset_and_unknown_sample(tmp_path, kb):
    result = annotate_file(
        DATA / "bcftools.joint_cohort.vcf.gz", tmp_path, kb, samples=["NOCALL", "FAM1_PROBAND"], date=DATE
    )
    assert [s.sample for s in result.samples] == ["NOCALL", "FAM1_PROBAND"]
    with pytest.raises(InputError, match="sample\\(s\\) not in the file: NOBODY"):
        annotate_file(DATA / "bcftools.joint_cohort.vcf.gz", tmp_path, kb, samples=["NOBODY"])


def test_polymorphism_is_never_a_diagnosis(tmp_path, kb):
    result = annotate_file(DATA / "bcftools.joint_cohort.vcf.gz", tmp_path, kb, samples=["ASSOC_ONLY"], date=DATE)
    sample = result.samples[0]
    assert sample.dira_status == "no_pathogenic_variant_detected"
    assert "not diagnostic" in sample.status_sentence and "consistent with" not in sample.status_sentence.lower()


def test_every_demo_output_validates_against_the_published_json_schema(tmp_path, kb):
    import jsonschema

    schema = json.loads((REPO / "src/il1rn_annot/schemas/annotation.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for name in sorted(EXPECTED):
        result = annotate_file(DATA / name, tmp_path / name, kb, date=DATE)
        payload = json.loads(Path(result.outputs["json"]).read_text())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(payload)]
        assert not errors, (name, errors[:3])


def _joint_vcf(tmp_path: Path, n_samples: int) -> Path:
    """A joint VCF with a likely-benign intronic SNV carried by many, and E77X in a few samples."""
    import random

    rng = random.Random(7)
    samples = [f"S{i:04d}" for i in range(n_samples)]
    intronic = ["0/0", "0/1", "1/1", "./."]
    rows = [
        ("113130000", "A", "G", [rng.choice(intronic) for _ in samples]),  # c.205+336: likely benign
        ("113131068", "G", "T", ["1/1" if i == 0 else "0/1" if i < 4 else "0/0" for i in range(n_samples)]),
        ("113129630", "T", "C", [rng.choice(["0/0", "0/1", "1/1"]) for _ in samples]),  # rs419598
    ]
    from conftest import vcf_text

    records = [f"{{chrom}}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t" + "\t".join(gts) for pos, ref, alt, gts in rows]
    path = tmp_path / f"joint{n_samples}.vcf"
    path.write_text(vcf_text(records, samples))
    return path


def test_reportable_findings_mode_keeps_every_status_and_counts_benign_alleles(tmp_path, kb):
    path = _joint_vcf(tmp_path, 120)
    full = annotate_file(path, tmp_path / "all", kb, date=DATE, findings="all")
    lean = annotate_file(path, tmp_path / "lean", kb, date=DATE, findings="auto")  # 120 > 50 samples
    assert lean.payload["locus"]["per_sample_findings"] == "reportable"
    assert [(s.sample, s.dira_status, s.status_sentence) for s in full.samples] == [
        (s.sample, s.dira_status, s.status_sentence) for s in lean.samples
    ]
    assert [s.dira_status for s in lean.samples[:5]] == [
        "consistent_with_DIRA",
        "carrier",
        "carrier",
        "carrier",
        "no_pathogenic_variant_detected",
    ]
    benign = "chr2:113130000:A:G"
    full_rows = [r for r in _rows(Path(full.outputs["tsv"])) if r["allele_id"] == benign]
    lean_rows = [r for r in _rows(Path(lean.outputs["tsv"])) if r["allele_id"] == benign]
    assert full_rows and not lean_rows  # listed per sample only in `all` mode ...
    count = lambda res: next(a for a in res.payload["alleles"] if a["allele_id"] == benign)  # noqa: E731
    assert (count(lean)["carriers"], count(lean)["homozygotes"], count(lean)["allele_count"]) == (
        len(full_rows),
        sum(r["zygosity"] == "homozygous" for r in full_rows),
        sum(2 if r["zygosity"] == "homozygous" else 1 for r in full_rows),
    )  # ... but always counted


def test_large_joint_vcf_gets_a_sites_only_annotated_vcf(tmp_path, kb):
    import pysam

    path = _joint_vcf(tmp_path, 120)
    sites = annotate_file(path, tmp_path / "sites", kb, date=DATE)  # auto: 120 > 100 samples
    full = annotate_file(path, tmp_path / "full", kb, date=DATE, vcf_genotypes="all")
    assert sites.payload["locus"]["vcf_genotypes"] is False and full.payload["locus"]["vcf_genotypes"] is True
    with pysam.VariantFile(sites.outputs["vcf"]) as a, pysam.VariantFile(full.outputs["vcf"]) as b:
        assert len(a.header.samples) == 0 and len(b.header.samples) == 120
        assert "sites-only" in str(a.header)
        assert [(r.pos, dict(r.info)) for r in a] == [(r.pos, dict(r.info)) for r in b]


def test_no_pathogenic_variant_says_how_many_locus_records_were_not_called(make_vcf, tmp_path, kb):
    path = make_vcf(
        "gap.vcf",
        [
            "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t0/0\t./.",
            "{chrom}\t113129630\trs419598\tT\tC\t50\tPASS\t.\tGT\t0/0\t0/0",
        ],
        ["FULL", "GAP"],
    )
    result = annotate_file(path, tmp_path / "out", kb, date=DATE)
    full, gap = result.samples
    assert full.dira_status == gap.dira_status == "no_pathogenic_variant_detected"
    assert "1 of 2 locus record(s) have no genotype" in gap.evidence and "no genotype" not in full.evidence
