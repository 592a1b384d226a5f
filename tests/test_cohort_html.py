"""The cohort summary page (cohort/html.py): benign alleles folded, hostile names escaped, a large
cohort's table collapsed to the samples needing attention, the cluster marks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cohort_helpers import E77X, HOSTILE, RS419598, annotate, read_tsv, rec, run_cohort, write

INTRONIC = "{chrom}\t113128254\t.\tC\tG\t60\tPASS\t.\tGT\t"  # c.116+514C>G, likely benign

UPSTREAM = "{chrom}\t113122655\t.\tC\tA\t60\tPASS\t.\tGT\t"  # c.-4970C>A, likely benign
# a novel coding change whose protein effect is not determined without sequence: c.13C>T at Arg5
# (CGN -> TGN: Ter, Trp or Cys). (c.181C>T, used here before, is p.(Gln61Ter) by the protein alone.)

VUS_MISSENSE = "{chrom}\t113127637\t.\tC\tT\t60\tPASS\t.\tGT\t"


def test_page_folds_benign_alleles_under_a_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason for a sample's status stays visible: benign alleles are folded, not listed first."""
    monkeypatch.chdir(tmp_path)
    write(
        Path("joint.vcf"),
        [rec(UPSTREAM, "0/1", "0/1"), rec(INTRONIC, "1/1", "0/0"), rec(VUS_MISSENSE, "0/1", "0/0")],
        ["WITH_VUS", "BENIGN_ONLY"],
    )
    annotate(["joint.vcf"], "ann", "m.json")
    assert run_cohort(["m.json"], "out") == 0
    rows = {r["sample"]: r for r in read_tsv(Path("out/summary.tsv"))}
    assert rows["WITH_VUS"]["dira_status"] == "uncertain_significance"
    vus = next(label for label in rows["WITH_VUS"]["other_alleles"].split("; ") if "uncertain_significance" in label)
    # the TSV keeps every allele
    assert "c.116+514C>G" in rows["WITH_VUS"]["other_alleles"] and "c.-4970C>A" in rows["WITH_VUS"]["other_alleles"]
    html = Path("out/summary.html").read_text()
    table = html[html.index('id="samples"') : html.index('id="alleles"')]
    row = table[table.index(">WITH_VUS<") : table.index("</tr>", table.index(">WITH_VUS<"))]
    shown, folded = row.split("<details>")
    assert vus.replace(">", "&gt;") in shown
    assert "c.116+514C" not in shown and "c.-4970C" not in shown
    assert "2 benign, likely benign or no predicted effect</summary>" in folded and "c.116+514C&gt;G" in folded
    row = table[table.index(">BENIGN_ONLY<") : table.index("</tr>", table.index(">BENIGN_ONLY<"))]
    assert "1 benign, likely benign or no predicted effect</summary>" in row and "c.-4970C&gt;A" in row


def test_hostile_names_are_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hostile_id = "rs1<img/src=x/onerror=alert(2)>"
    vcf = Path("in<b>x&.vcf")
    write(
        vcf,
        [rec(E77X, "0/1", "0/0"), f"{{chrom}}\t113129630\t{hostile_id}\tT\tC\t60\tPASS\t.\tGT\t0/0\t0/1"],
        [HOSTILE, "plain"],
    )
    annotate([str(vcf)], "ann", "m.json")
    assert run_cohort(["m.json"], "out", reports="reports") == 0
    html = Path("out/summary.html").read_text()
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "in&lt;b&gt;x&amp;.vcf" in html
    assert "(rs1&lt;img/src=x/onerror=alert(2)&gt;)" in html  # the VCF ID is shown, as text
    rows = {r["sample"]: r for r in read_tsv(Path("out/summary.tsv"))}
    assert rows[HOSTILE]["dira_status"] == "carrier"  # the TSV keeps the real ID
    link = rows[HOSTILE]["report"]
    assert link.startswith("../reports/") and "<" not in link and "/" not in link[len("../reports/") :]


def test_large_cohort_collapses_the_sample_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2,504 samples (1000 Genomes-sized): the page lists samples needing attention, the TSV all of them."""
    monkeypatch.chdir(tmp_path)
    n = 2504
    samples = [f"HG{i:05d}" for i in range(n)]
    e77x = ["0/0"] * n
    rs = ["0/0"] * n
    for i in range(0, n, 97):
        e77x[i] = "0/1"
    e77x[5] = "1/1"
    for i in range(0, n, 3):
        rs[i] = "0/1" if i % 2 else "1/1"
    write(Path("kg.vcf"), [rec(E77X, *e77x), rec(RS419598, *rs)], samples)
    annotate(["kg.vcf"], "ann", "m.json")
    start = time.perf_counter()
    assert run_cohort(["m.json"], "out", reports="reports") == 0
    elapsed = time.perf_counter() - start
    rows = read_tsv(Path("out/summary.tsv"))
    assert len(rows) == n
    flagged = [r for r in rows if r["dira_status"] in ("consistent_with_DIRA", "carrier")]
    assert len(flagged) == len(range(0, n, 97)) + 1
    html = Path("out/summary.html").read_text()
    assert "only the samples needing attention" in html
    assert "HG00001" not in html  # a negative sample is not listed on the page
    assert len(html) < 2_000_000
    assert elapsed < 30  # generous: a few seconds in practice


def test_cluster_marks_deletions_per_zygosity_and_small_variants() -> None:
    """What the cluster drawing marks, from the allele rows: a deletion once per zygosity with its
    carriers, an explicit deletion of more than 50 bp as a deletion, smaller changes as ticks."""
    from il1rn_annot.cohort.html import cluster_marks

    base = {"chrom": "chr2", "ref": "N", "alt": "<DEL>", "hgvs_c": "", "hgvs_p": "", "classification": "pathogenic"}
    alleles = [
        {
            **base,
            "build": "GRCh38",
            "pos": 1000,
            "end": 5000,
            "variant_type": "sv_deletion",
            "carriers": 3,
            "homozygotes": 1,
        },
        {
            **base,
            "build": "GRCh38",
            "pos": 6000,
            "end": 6060,
            "variant_type": "deletion",
            "carriers": 1,
            "homozygotes": 0,
            "hgvs_c": "c.10_69del",
        },
        {
            **base,
            "build": "GRCh38",
            "pos": 7000,
            "end": 7010,
            "variant_type": "deletion",
            "carriers": 2,
            "homozygotes": 0,
            "hgvs_c": "c.100_109del",
            "hgvs_p": "p.?",
            "ref": "ACGTACGTACG",
            "alt": "A",
        },
        {
            **base,
            "build": "GRCh37",
            "pos": 8000,
            "end": 8000,
            "variant_type": "snv",
            "carriers": 1,
            "homozygotes": 0,
            "ref": "G",
            "alt": "T",
            "hgvs_c": "c.229G>T",
            "hgvs_p": "p.(Glu77Ter)",
        },
    ]
    deletions, variants = cluster_marks(alleles)
    assert deletions == {
        "GRCh38": [
            {"start": 1001, "end": 5000, "zygosity": "homozygous", "label": "deletion chr2:1,001-5,000: 1 carrier"},
            {"start": 1001, "end": 5000, "zygosity": "heterozygous", "label": "deletion chr2:1,001-5,000: 2 carriers"},
            {"start": 6001, "end": 6060, "zygosity": "heterozygous", "label": "c.10_69del: 1 carrier"},
        ]
    }
    assert variants == {
        "GRCh38": [{"pos": 7000, "label": "c.100_109del: 2 carriers", "classification": "pathogenic"}],
        "GRCh37": [{"pos": 8000, "label": "c.229G>T p.(Glu77Ter): 1 carrier", "classification": "pathogenic"}],
    }


@pytest.mark.parametrize("deleted, drawn_as_deletion", [(50, False), (51, True)])
def test_cluster_draws_an_explicit_deletion_as_a_deletion_above_the_small_indel_bound(deleted, drawn_as_deletion):
    """The cohort page and the lab report use annotate's boundary (vocabulary.SMALL_INDEL_MAX = 50):
    a 50-bp deletion is a small indel (a tick), a 51-bp one a deletion bar. POS is the padding base."""
    from il1rn_annot.cohort.html import cluster_marks

    allele = {
        "build": "GRCh38",
        "chrom": "chr2",
        "pos": 113_128_000,
        "end": 113_128_000 + deleted,
        "ref": "A" + "C" * deleted,
        "alt": "A",
        "variant_type": "deletion",
        "carriers": 1,
        "homozygotes": 0,
        "hgvs_c": "c.116+100_116+150del",
        "hgvs_p": "",
        "classification": "likely_benign",
    }
    deletions, variants = cluster_marks([allele])
    assert bool(deletions.get("GRCh38")) is drawn_as_deletion
    assert bool(variants.get("GRCh38")) is not drawn_as_deletion
