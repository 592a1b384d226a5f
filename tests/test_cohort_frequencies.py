"""Cohort allele counts (cohort/frequencies.py): carriers, allele_number, frequencies, call rate, one
count per sample and allele; samples by status and by evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cohort_helpers import E77X, RS419598, annotate, read_tsv, rec, run_cohort, write, write_sheet


def test_allele_counts_and_frequencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        Path("joint.vcf"),
        [
            rec(E77X, "1/1", "0/1", "0|1", "0/0", "./."),
            rec(RS419598, "0/1", "1/1", "0/0", "0/0", "./."),
        ],
        ["A", "B", "C", "D", "NOCALL"],
    )
    annotate(["joint.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out") == 0
    alleles = {r["hgvs_c"]: r for r in read_tsv(Path("out/alleles.tsv"))}
    assert set(alleles) == {"c.229G>T", "c.171T>C"}
    e77x, rs = alleles["c.229G>T"], alleles["c.171T>C"]
    assert (e77x["carriers"], e77x["heterozygotes"], e77x["homozygotes"], e77x["allele_count"]) == ("3", "2", "1", "4")
    assert e77x["allele_number"] == "8"  # 4 samples with the locus called; NOCALL left out
    assert e77x["allele_frequency"] == "0.500000" and e77x["carrier_frequency"] == "0.750000"
    assert e77x["call_rate"] == "0.800000"
    assert e77x["classification"] == "pathogenic" and e77x["known_variant"]
    assert (rs["carriers"], rs["heterozygotes"], rs["homozygotes"], rs["allele_count"]) == ("2", "1", "1", "3")
    assert rs["allele_frequency"] == "0.375000" and rs["carrier_frequency"] == "0.500000"
    assert rs["classification"] == "association_polymorphism"
    doc = json.loads(Path("out/summary.json").read_text())
    js = {a["hgvs_c"]: a for a in doc["alleles"]}
    assert js["c.229G>T"]["allele_frequency"] == 0.5 and js["c.229G>T"]["allele_number"] == 8
    assert doc["counts"]["consistent_with_DIRA"] == 1 and doc["counts"]["carrier"] == 2
    assert doc["counts"]["not_assessable"] == 1
    # association polymorphisms are flagged as non-diagnostic on the page
    html = Path("out/summary.html").read_text()
    assert "not diagnostic" in html.lower()


def test_sample_counts_once_per_allele_when_two_files_report_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("gatk.vcf"), [rec(E77X, "0/1")], ["S1"])
    write(Path("deepvariant.vcf"), [rec(E77X, "0/1")], ["S1"])
    write_sheet(Path("sheet.tsv"), [("S1", "gatk.vcf"), ("S1", "deepvariant.vcf")])
    annotate(["gatk.vcf", "deepvariant.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out", "sheet.tsv") == 0
    row = read_tsv(Path("out/summary.tsv"))[0]
    assert row["dira_status"] == "carrier"  # the same allele twice is not a second allele
    e77x = read_tsv(Path("out/alleles.tsv"))[0]
    assert (e77x["carriers"], e77x["allele_count"], e77x["allele_number"]) == ("1", "1", "2")


# ---- the counting itself, on summary rows built by hand (no VCF) ---------------------------


def _finding(allele_id: str, zygosity: str, pos: int = 113_131_068) -> dict:
    return {
        "allele_id": allele_id,
        "zygosity": zygosity,
        "chrom": "chr2",
        "pos": pos,
        "end": pos,
        "ref": "G",
        "alt": "T",
        "variant_type": "snv",
        "hgvs_c": "c.229G>T",
        "hgvs_p": "p.(Glu77Ter)",
        "consequence": ["stop_gained"],
        "classification": "pathogenic",
    }


def _row(status: str, builds: list[str], locus_called: bool | None = True) -> dict:
    return {"dira_status": status, "build": builds, "locus_called": locus_called}


def test_allele_counts_one_sample_once_per_allele_and_the_denominators() -> None:
    from il1rn_annot.cohort.frequencies import AlleleCounts

    counts = AlleleCounts()
    # two files of one sample report the same allele: counted once, with the most copies
    counts.add(
        _row("consistent_with_DIRA", ["GRCh38"]),
        [("GRCh38", _finding("E77X", "heterozygous")), ("GRCh38", _finding("E77X", "homozygous"))],
    )
    counts.add(_row("carrier", ["GRCh38"]), [("GRCh38", _finding("E77X", "heterozygous"))])
    counts.add(_row("not_assessable", ["GRCh38"], locus_called=False), [])  # in the call rate only
    counts.add(_row("input_error", [], locus_called=None), [])  # no build: in every build's call rate
    assert counts.builds == ["GRCh38"]
    [row] = counts.allele_rows()
    assert (row["carriers"], row["homozygotes"], row["heterozygotes"], row["allele_count"]) == (2, 1, 1, 3)
    assert row["allele_number"] == 4 and row["allele_frequency"] == 0.75 and row["carrier_frequency"] == 1.0
    assert row["call_rate"] == 0.5  # 2 samples called of 3 on GRCh38 + 1 without a build
    assert row["label"].startswith("c.229G>T")


def test_alleles_are_counted_per_build_and_sorted_by_build_and_position() -> None:
    from il1rn_annot.cohort.frequencies import AlleleCounts

    counts = AlleleCounts()
    counts.add(_row("carrier", ["GRCh38"]), [("GRCh38", _finding("B", "heterozygous", pos=200))])
    counts.add(_row("carrier", ["GRCh37"]), [("GRCh37", _finding("A", "heterozygous", pos=300))])
    counts.add(_row("carrier", ["GRCh38"]), [("GRCh38", _finding("C", "heterozygous", pos=100))])
    rows = counts.allele_rows()
    assert [(r["build"], r["allele_id"]) for r in rows] == [("GRCh37", "A"), ("GRCh38", "C"), ("GRCh38", "B")]
    assert [r["allele_number"] for r in rows] == [2, 4, 4]
    assert counts.builds == ["GRCh37", "GRCh38"]


def test_counts_by_status_and_by_evidence() -> None:
    from il1rn_annot.cohort.frequencies import EVIDENCE_KEY_TEXT, counts_by_evidence, counts_by_status
    from il1rn_annot.core.vocabulary import SORT_ORDER

    rows = [
        {"dira_status": "no_pathogenic_variant_detected", "locus_called": True, "evidence_key": "gvcf_covered"},
        {"dira_status": "no_pathogenic_variant_detected", "locus_called": None, "evidence_key": "variant_only"},
        {"dira_status": "not_assessable", "locus_called": False, "evidence_key": "variant_only"},
        {"dira_status": "not_assessable", "locus_called": False, "evidence_key": "structural_only"},
        {"dira_status": "carrier", "locus_called": True, "evidence_key": "variant_only"},
    ]
    status = counts_by_status(rows)
    assert list(status) == list(SORT_ORDER) and sum(status.values()) == len(rows) and status["possible_DIRA"] == 0
    assert counts_by_evidence(rows) == {
        "no_pathogenic_variant_detected": {"gvcf_covered": 1, "variant_only": 1},
        "not_assessable": {"no_genotype": 1, "structural_only": 1},  # no genotype, not "variant-only"
    }
    assert "no_genotype" in EVIDENCE_KEY_TEXT and "gvcf_covered" in EVIDENCE_KEY_TEXT
