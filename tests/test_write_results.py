"""The rows of NAME.il1rn.tsv and the sample-status TSV's coverage cell (annotate_vcf/write_results.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from il1rn_annot.annotate_vcf.write_results import _AlleleRows, _fraction_cell
from il1rn_annot.outputs.tables import ALLELE_TSV_COLUMNS


def _allele(variant_type: str = "snv", **changes: Any) -> dict[str, Any]:
    allele = {
        "chrom": "chr2",
        "pos": 113131068,
        "end": 113131068,
        "ref": "G",
        "alt": "T",
        "allele_id": "a1",
        "variant_type": variant_type,
        "gene": "IL1RN",
        "transcript": "NM_173842.3",
        "hgvs_c": "c.229G>T",
        "hgvs_p": "p.(Glu77Ter)",
        "consequence": ["stop_gained", "NMD_transcript_variant"],
        "filter": "PASS",
        "classification": "pathogenic",
        "classification_evidence": "PVS1",
        "known_variant": "E77X",
        "conditions": ["DIRA"],
        "pmids": ["19494218", "19494219"],
        "deleted_genes": [],
        "il1rn_overlap": None,
        "exons_affected": [4],
        "exons_removed": [],
        "reciprocal_overlap_2q13": None,
    }
    allele.update(changes)
    return allele


def test_a_carriers_row_puts_the_call_between_the_alleles_columns():
    rows = _AlleleRows([_allele()])
    rows.add("S1", 0, SimpleNamespace(zygosity="heterozygous", genotype="0/1", copy_number=None))
    rows.add("S2", 0, SimpleNamespace(zygosity="homozygous", genotype="1/1", copy_number=2))
    first = dict(zip(ALLELE_TSV_COLUMNS, rows.cells[0], strict=True))
    assert first["sample"] == "S1" and first["zygosity"] == "heterozygous" and first["copy_number"] == ""
    assert first["consequence"] == "stop_gained&NMD_transcript_variant"
    assert first["pmids"] == "19494218;19494219" and first["il1rn_overlap"] == ""
    assert first["exons_affected"] == ""  # exons are listed for deletions only
    second = dict(zip(ALLELE_TSV_COLUMNS, rows.cells[1], strict=True))
    assert second["sample"] == "S2" and second["genotype"] == "1/1" and second["copy_number"] == 2
    assert rows.cells[0][1:13] == rows.cells[1][1:13]  # the allele's own columns, formatted once


def test_a_deletions_row_lists_the_exons_and_genes():
    deletion = _allele(
        "sv_deletion",
        deleted_genes=[{"gene": "IL1RN", "fraction": 1.0}, {"gene": "IL1F9", "fraction": 0.5}],
        exons_affected=[1, 2, 3, 4],
        exons_removed=[1, 2, 3, 4],
        il1rn_overlap=1.0,
    )
    rows = _AlleleRows([deletion])
    rows.add("S1", 0, SimpleNamespace(zygosity="homozygous", genotype="1/1", copy_number=0))
    row = dict(zip(ALLELE_TSV_COLUMNS, rows.cells[0], strict=True))
    assert row["deleted_genes"] == "IL1RN(1.0);IL1F9(0.5)"
    assert row["exons_affected"] == row["exons_removed"] == "1;2;3;4"
    assert row["copy_number"] == 0 and row["il1rn_overlap"] == 1.0


def test_a_file_without_samples_lists_its_sites():
    rows = _AlleleRows([])
    rows.add_sites([_allele(), _allele(allele_id="a2", alt="A")])
    assert len(rows.cells) == 2 and all(len(r) == len(ALLELE_TSV_COLUMNS) for r in rows.cells)
    row = dict(zip(ALLELE_TSV_COLUMNS, rows.cells[1], strict=True))
    assert row["sample"] == row["zygosity"] == row["genotype"] == row["copy_number"] == ""
    assert row["allele_id"] == "a2" and row["alt"] == "A"


def test_cds_coverage_cell_is_empty_when_not_measured():
    assert _fraction_cell({"cds_fraction": 0.98765}) == "0.9877"
    assert _fraction_cell({"cds_fraction": None}) == _fraction_cell(None) == ""
