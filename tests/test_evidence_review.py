"""Issue 20 review: resource shapes a lab meets that the first fixtures did not cover.

Each resource is written here from the shipped fixture's header (test_data/evidence/), with the
records a case needs, bgzipped and indexed as the lab's copy would be.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from test_evidence import POPULATION, Q61X, _annotate

from il1rn_annot.errors import InputError


def _resource(tmp_path: Path, like: Path, name: str, records: list[str]) -> str:
    """A bgzipped, tabix-indexed copy of `like`'s header with `records` (tab-separated lines)."""
    with pysam.TabixFile(str(like)) as tbx:
        header = list(tbx.header)
    text = tmp_path / name
    text.write_text("\n".join([*header, *records]) + "\n")
    pysam.tabix_compress(str(text), str(text) + ".gz", force=True)
    pysam.tabix_index(str(text) + ".gz", preset="vcf", force=True)
    return str(text) + ".gz"


@pytest.mark.parametrize(
    "info",
    [
        "AC_joint=0;AN_joint=0",  # no genotypes at the site: AF undefined
        "AC_joint=0;AN_joint=0;AF_joint=.",
        "nhomalt_joint=0",  # neither AF nor AC/AN
    ],
)
def test_a_record_without_a_frequency_is_not_called_extremely_rare(make_vcf, kb, tmp_path, info):
    pop = _resource(
        tmp_path,
        POPULATION["GRCh38"],
        "gnomad.joint.v4.1.sites.chr2.an0.vcf",
        [f"chr2\t113129640\t.\tC\tT\t.\tPASS\t{info}"],
    )
    alleles, _, _ = _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[pop])
    a = alleles[113129640]
    assert a["population"][0]["found"] is True
    assert a["population_criterion"] != "PM2_Supporting"
    assert "AF 0 %" not in a["classification_evidence"]
    assert "without an allele frequency (AN 0, or AF missing)" in a["classification_evidence"]
    assert a["classification"] == "likely_pathogenic"  # PVS1 alone: nothing added either way


def test_a_resource_of_another_chromosome_is_refused_by_name(make_vcf, kb, tmp_path):
    # gnomAD ships one file per chromosome: the chromosome-1 file given by mistake has a GRCh38 header
    pop = _resource(
        tmp_path,
        POPULATION["GRCh38"],
        "gnomad.joint.v4.1.sites.chr1.vcf",
        ["chr1\t1000\t.\tC\tT\t.\tPASS\tAC_joint=1;AN_joint=10;AF_joint=0.1"],
    )
    with pytest.raises(InputError) as err:
        _annotate(make_vcf, [Q61X], "GRCh38", kb, tmp_path, population_vcfs=[pop])
    text = str(err.value)
    assert pop in text and "no chromosome-2 records (its index lists: chr1)" in text
    assert "chr2.vcf.bgz" in text and "re-index" not in text
