"""Issue 15: deletions judged by what they remove from IL1RN, the ClinGen SVI PVS1 tree, the
cluster genes' own conditions, and 'no predicted effect'. Real GRCh38 `chr2` and GRCh37 `2`
coordinates (GRCh37 = GRCh38 + 757,577); each case is one a lab met or could meet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import vcf_text

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.core.alleles import Allele
from il1rn_annot.core.pvs1 import exon_loss, splice_site, truncating

DATE = "2026-01-01T00:00:00Z"
REPO = Path(__file__).resolve().parents[1]
FASTA = {
    "GRCh38": REPO / "test_data/ref/GRCh38_chr2_113100001-113160000.synthetic.fa",
    "GRCh37": REPO / "test_data/ref/GRCh37_2_113857578-113917577.synthetic.fa",
}
OFFSET = {"GRCh38": 0, "GRCh37": 757_577}
CHROM = {"GRCh38": "chr2", "GRCh37": "2"}
BUILDS = ("GRCh38", "GRCh37")
TX_START, CDS_START, TX_END = 113_127_598, 113_127_625, 113_134_014  # GRCh38 MANE NM_173842.3
FLAGGED_DIRA = ("consistent_with_DIRA", "possible_DIRA")


def _del(build: str, start: int, end: int, gt: str, vid: str = "DEL") -> str:
    """A Manta/DELLY-style <DEL> deleting GRCh38 `start`..`end` (shifted to `build`)."""
    o = OFFSET[build]
    return (
        f"{CHROM[build]}\t{start - 1 + o}\t{vid}\tN\t<DEL>\t.\tPASS\t"
        f"SVTYPE=DEL;END={end + o};SVLEN=-{end - start + 1}\tGT\t{gt}"
    )


def _run(
    make_vcf,
    tmp_path: Path,
    kb,
    build: str,
    records: list[str],
    samples: list[str],
    name: str = "in.vcf",
    fasta: bool = False,
):
    path = make_vcf(name, records, samples, build=build)
    return annotate_file(path, tmp_path / f"out_{name}", kb, date=DATE, reference_path=FASTA[build] if fasta else None)


# ---------------------------------------------------------------------------------------
# 1. deletions: reciprocal overlap never makes a DIRA allele


@pytest.mark.parametrize("build", BUILDS)
def test_upstream_deletion_matching_the_2q13_deletion_by_overlap_is_not_dira(make_vcf, tmp_path, kb, build):
    """The issue's case: <DEL> chr2:112960001-113120000, ~7.6 kb before exon 1, reciprocal overlap 0.91."""
    result = _run(make_vcf, tmp_path, kb, build, [_del(build, 112_960_001, 113_120_000, "1/1")], ["UP_HOM"])
    (allele,) = result.payload["alleles"]
    sample = result.samples[0]
    assert allele["reciprocal_overlap_2q13"] > 0.9  # the overlap is still computed and shown ...
    assert allele["known_variant"] == "" and allele["classification"] == "uncertain_significance"  # ... not the reason
    assert "Supporting: reciprocal overlap 0.91" in allele["classification_evidence"]
    assert "does not remove IL1RN" in allele["classification_evidence"]
    assert "IL1RN" not in [g["gene"] for g in allele["deleted_genes"]]
    assert sample.dira_status == "uncertain_significance"
    assert "does not remove IL1RN" in sample.status_sentence
    assert "consistent with DIRA" not in sample.status_sentence
    # IL36RN lost on both alleles: its own recessive condition is named; IL1RN's DIRA is not claimed
    assert any(
        g.startswith("IL36RN (both copies deleted; DITRA") and "OMIM 614204" in g
        for g in sample.removed_genes_with_conditions
    )
    assert "IL36RN" in sample.status_sentence and "614204" in sample.status_sentence


@pytest.mark.parametrize("build", BUILDS)
def test_deletion_ending_2kb_before_exon_1_is_promoter_vus_at_most(make_vcf, tmp_path, kb, build):
    result = _run(make_vcf, tmp_path, kb, build, [_del(build, 112_960_001, TX_START - 2_000, "1/1")], ["UP2K"])
    (allele,) = result.payload["alleles"]
    assert allele["classification"] == "uncertain_significance" and allele["pvs1"] == ""
    assert "it ends 2,000 bp upstream" in allele["classification_evidence"]
    assert "at most uncertain significance" in allele["classification_evidence"]
    assert result.samples[0].dira_status not in FLAGGED_DIRA


def _breakpoint_cases() -> list[tuple[int, int]]:
    """Deletions ending 1 bp to 1 Mb before IL1RN exon 1, or starting 1 bp to 1 Mb after its last exon."""
    ends = [
        TX_START - d
        for d in (
            1,
            2,
            3,
            10,
            27,
            50,
            51,
            100,
            999,
            2_000,
            7_598,
            11_999,
            12_000,
            12_001,
            50_000,
            175_000,
            500_000,
            1_000_000,
        )
    ]
    cases = [(e - length + 1, e) for e in ends for length in (1, 40, 300, 5_000, 175_000)]
    starts = [TX_END + d for d in (1, 2, 50, 1_000, 12_000, 40_000, 90_000, 500_000, 1_000_000)]
    cases += [(s, s + length - 1) for s in starts for length in (1, 60, 10_000, 175_000)]
    return cases


@pytest.mark.parametrize("build", BUILDS)
def test_no_false_dira_from_deletions_that_spare_il1rn(make_vcf, tmp_path, kb, build):
    """Every deletion that ends before exon 1 or starts after the last exon, homozygous, alone or
    two at once in one sample: never consistent_with_DIRA / possible_DIRA, never P/LP."""
    cases = _breakpoint_cases()
    samples = [f"S{i}" for i in range(len(cases))] + ["ALL_HET"]
    records = []
    for i, (start, end) in enumerate(cases):
        gts = ["1/1" if j == i else "0/0" for j in range(len(cases))] + ["0/1"]
        records.append(_del(build, start, end, "\t".join(gts), f"D{i}"))
    records.sort(key=lambda r: int(r.split("\t")[1]))
    result = _run(make_vcf, tmp_path, kb, build, records, samples)
    assert {s.dira_status for s in result.samples}.isdisjoint(FLAGGED_DIRA)
    assert not [
        a["vcf_id"] for a in result.payload["alleles"] if a["classification"] in ("pathogenic", "likely_pathogenic")
    ]
    for s in result.samples:
        assert "consistent with DIRA" not in s.status_sentence


@pytest.mark.parametrize("build", BUILDS)
def test_deletion_of_last_exon_part_with_the_stop_is_never_no_pathogenic(make_vcf, tmp_path, kb, build):
    """<DEL> 113132660-113132900: c.323 to the stop (~40 % of the protein) and part of the 3' UTR."""
    result = _run(make_vcf, tmp_path, kb, build, [_del(build, 113_132_660, 113_132_900, "1/1")], ["LAST_HOM"])
    (allele,) = result.payload["alleles"]
    assert allele["pvs1"] == "PVS1_Strong" and allele["classification"] == "uncertain_significance"
    assert "removes 40% of the 177-residue protein" in allele["classification_evidence"]
    sample = result.samples[0]
    assert "no pathogenic" not in sample.status_sentence.lower()
    assert "DIRA is not excluded" in sample.status_sentence


@pytest.mark.parametrize("build", BUILDS)
def test_whole_gene_and_175kb_deletions_are_dira_by_what_they_remove(make_vcf, tmp_path, kb, build):
    records = [
        _del(build, 112_959_501, 113_134_600, "1/1\t0/0", "DEL175"),
        _del(build, 113_127_001, 113_131_157, "0/0\t1/1", "EX123"),
    ]
    result = _run(make_vcf, tmp_path, kb, build, records, ["DEL175_HOM", "EX123_HOM"])
    alleles = {a["vcf_id"]: a for a in result.payload["alleles"]}
    big = alleles["DEL175"]
    assert big["known_variant"] == "DEL_2q13_175kb" and big["classification"] == "pathogenic"
    assert (
        "By what it removes: PVS1" in big["classification_evidence"]
        and "full gene deletion" in big["classification_evidence"]
    )
    # the curated match and the rule text must not contradict each other
    assert "Published DIRA allele" in big["classification_evidence"]
    assert "not a published allele" not in big["classification_evidence"].lower()
    assert alleles["EX123"]["pvs1"] == "PVS1" and alleles["EX123"]["classification"] == "likely_pathogenic"
    by = {s.sample: s for s in result.samples}
    assert by["DEL175_HOM"].dira_status == by["EX123_HOM"].dira_status == "consistent_with_DIRA"
    assert any(g.startswith("IL36RN (both copies deleted") for g in by["DEL175_HOM"].removed_genes_with_conditions)


@pytest.mark.parametrize("build", BUILDS)
def test_removed_genes_are_named_by_their_own_inheritance(make_vcf, tmp_path, kb, build):
    """PAX8 (autosomal dominant): one copy lost matters; IL36RN (recessive): only both copies. The PAX8
    deletion starts 986 bp after IL1RN (inside the window the annotator reads) and runs past PAX8."""
    records = [
        _del(build, 113_059_000, 113_065_000, "0/1\t0/0", "IL36RN_DEL"),
        _del(build, 113_135_000, 113_300_000, "0/0\t0/1", "PAX8_DEL"),
    ]
    result = _run(make_vcf, tmp_path, kb, build, records, ["IL36RN_HET", "PAX8_HET"])
    by = {s.sample: s for s in result.samples}
    assert by["IL36RN_HET"].removed_genes_with_conditions == []
    (pax8,) = by["PAX8_HET"].removed_genes_with_conditions
    assert pax8.startswith("PAX8 (one copy deleted; congenital hypothyroidism") and "OMIM 218700" in pax8
    assert "autosomal dominant" in pax8 and "PAX8" in by["PAX8_HET"].status_sentence
    pax8_allele = next(a for a in result.payload["alleles"] if a["vcf_id"] == "PAX8_DEL")
    gene = next(g for g in pax8_allele["deleted_genes"] if g["gene"] == "PAX8")
    assert (gene["omim"], gene["inheritance"]) == ("218700", "autosomal_dominant")
    assert not any("condition" in g for g in pax8_allele["deleted_genes"] if g["gene"] == "PSD4")  # none verified
    rows = (tmp_path / "out_in.vcf" / "in.sample_status.tsv").read_text().splitlines()
    assert "removed_genes_with_conditions" in rows[0] and "PAX8 (one copy deleted" in "\n".join(rows)


# ---------------------------------------------------------------------------------------
# 2. the ClinGen SVI PVS1 tree


def _snv(build: str, pos38: int) -> Allele:
    pos = pos38 + OFFSET[build]
    return Allele(CHROM[build], pos, "C", "T", 1, "snv", pos, pos, "C", "T", ".", "PASS")


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize(
    "hgvs_p,strength,words",
    [
        ("p.(Gln61Ter)", "PVS1", "NMD predicted"),  # exon 2
        ("p.(Gln90Ter)", "PVS1", "NMD predicted"),  # c.268: exactly 50 nt before the exon 3/4 junction
        ("p.(Gln91Ter)", "PVS1_Strong", "penultimate exon: NMD not predicted"),  # c.271
        ("p.(Gln104Ter)", "PVS1_Strong", "penultimate exon: NMD not predicted"),  # c.310, 8 nt before the junction
        ("p.(Gln119Ter)", "PVS1_Strong", "in the last exon: NMD not predicted"),  # c.355
        ("p.(Phe170Ter)", "PVS1_Moderate", "removes 5% of the 177-residue protein"),  # < 10 % removed
    ],
)
def test_nonsense_nmd_and_protein_removed(kb, build, hgvs_p, strength, words):
    pvs1 = truncating(_snv(build, 113_131_149), hgvs_p, {"stop_gained"}, kb.transcript(build))
    assert pvs1 is not None and pvs1.strength == strength and words in pvs1.branch
    assert pvs1.classification == ("likely_pathogenic" if strength == "PVS1" else "uncertain_significance")
    assert pvs1.evidence.startswith(f"{strength} (ClinGen SVI PVS1 tree, Abou Tayoun 2018: ")


@pytest.mark.parametrize("build", BUILDS)
def test_frameshift_graded_by_its_new_stop(kb, build):
    tx = kb.transcript(build)
    early = truncating(_snv(build, 113_129_614), "p.(Asn52LysfsTer25)", {"frameshift_variant"}, tx)
    assert early.strength == "PVS1" and "NMD predicted" in early.branch  # new stop at residue 76 (c.226)
    late = truncating(_snv(build, 113_132_700), "p.(Ser130ProfsTer30)", {"frameshift_variant"}, tx)
    assert late.strength == "PVS1_Strong" and "NMD not predicted" in late.branch


@pytest.mark.parametrize("build", BUILDS)
def test_canonical_splice_sites_skip_the_adjacent_exon(kb, build):
    tx = kb.transcript(build)
    o = OFFSET[build]

    def at(pos38: int):
        return splice_site(_snv(build, pos38), tx, None)

    donor3 = at(113_131_159)  # c.318+2: exon 3 skipped, frame changes in the last exon
    assert donor3.strength == "PVS1_Strong" and "skipping of exon 3" in donor3.branch
    assert "last exon: NMD not predicted" in donor3.branch
    acceptor4 = at(113_132_655)  # c.319-1: the last exon with the stop codon
    assert acceptor4.strength == "PVS1_Strong" and "with the stop codon" in acceptor4.branch
    donor1 = at(113_127_741)  # c.116+1: exon 1 with the start codon
    assert donor1.strength == "PVS1_Strong" and "start codon" in donor1.branch
    in_frame = exon_loss([2, 3], tx, None, "test")  # 202 nt, out of frame, ends in the last exon
    assert in_frame.strength == "PVS1_Strong"
    assert o == OFFSET[build]


@pytest.mark.parametrize("build", BUILDS)
def test_novel_nonsense_with_a_sequence(make_vcf, tmp_path, kb, build):
    """With a reference sequence: c.181C>T p.(Gln61Ter) NMD -> likely pathogenic, homozygous DIRA;
    c.310C>T p.(Gln104Ter) and c.355C>T p.(Gln119Ter) escape NMD -> PVS1_Strong, uncertain."""
    o, c = OFFSET[build], CHROM[build]
    records = [
        f"{c}\t{113_129_640 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t1/1\t0/0\t0/0",
        f"{c}\t{113_131_149 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t1/1\t0/0",
        f"{c}\t{113_132_692 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t0/0\t1/1",
    ]
    result = _run(make_vcf, tmp_path, kb, build, records, ["Q61X", "Q104X", "Q119X"], fasta=True)
    alleles = {a["hgvs_c"]: a for a in result.payload["alleles"]}
    assert (alleles["c.181C>T"]["hgvs_p"], alleles["c.181C>T"]["pvs1"]) == ("p.(Gln61Ter)", "PVS1")
    assert alleles["c.181C>T"]["classification"] == "likely_pathogenic"
    assert "PVS1 (ClinGen SVI PVS1 tree, Abou Tayoun 2018: nonsense" in alleles["c.181C>T"]["classification_evidence"]
    for name, p in (("c.310C>T", "p.(Gln104Ter)"), ("c.355C>T", "p.(Gln119Ter)")):
        assert (alleles[name]["hgvs_p"], alleles[name]["pvs1"]) == (p, "PVS1_Strong")
        assert alleles[name]["classification"] == "uncertain_significance"
    by = {s.sample: s.dira_status for s in result.samples}
    assert by == {"Q61X": "consistent_with_DIRA", "Q104X": "uncertain_significance", "Q119X": "uncertain_significance"}


def _tx_position(kb, build: str, c: int) -> int:
    """Genomic position of c.`c` from the KB's exon model (not a hand-typed coordinate)."""
    from il1rn_annot.kb.locus_model import CPosition

    return kb.transcript(build).genomic_position(CPosition(c))


@pytest.mark.parametrize("build", BUILDS)
def test_novel_nonsense_without_a_sequence_is_deduced_from_the_protein(make_vcf, tmp_path, kb, build):
    """Issue 15 section 3, the missed diagnosis: homozygous c.181C>T with no --reference was
    coding_sequence_variant, VUS, 'no pathogenic IL1RN variant detected'. Gln61 is CAA/CAG, so
    T at c.181 gives TAA/TAG: p.(Gln61Ter), NMD, PVS1, likely pathogenic, consistent with DIRA.
    c.310C>T p.(Gln104Ter) (penultimate exon, 8 nt before the junction) and c.355C>T
    p.(Gln119Ter) (last exon) escape NMD: PVS1_Strong, uncertain significance."""
    o, c = OFFSET[build], CHROM[build]
    assert [_tx_position(kb, build, x) for x in (181, 310, 355)] == [113_129_640 + o, 113_131_149 + o, 113_132_692 + o]
    records = [
        f"{c}\t{113_129_640 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t1/1\t0/0\t0/0",
        f"{c}\t{113_131_149 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t1/1\t0/0",
        f"{c}\t{113_132_692 + o}\t.\tC\tT\t50\tPASS\t.\tGT\t0/0\t0/0\t1/1",
    ]
    result = _run(make_vcf, tmp_path, kb, build, records, ["Q61X", "Q104X", "Q119X"], fasta=False)
    alleles = {a["hgvs_c"]: a for a in result.payload["alleles"]}
    q61 = alleles["c.181C>T"]
    assert (q61["hgvs_p"], q61["consequence"], q61["pvs1"]) == ("p.(Gln61Ter)", ["stop_gained"], "PVS1")
    assert q61["classification"] == "likely_pathogenic"
    assert "nonsense, new stop codon at c.181" in q61["classification_evidence"]
    assert q61["classification_evidence"].endswith(
        "p.(Gln61Ter): protein change deduced from the protein sequence NP_776214.1 and the VCF REF base(s); "
        "no nucleotide reference used."
    )
    assert any(
        n.startswith(
            "protein change deduced from the protein sequence NP_776214.1 and the VCF REF base(s); "
            "no nucleotide reference used"
        )
        and "Gln61 CAA/CAG" in n
        for n in q61["notes"]
    )
    for name, p, where in (
        ("c.310C>T", "p.(Gln104Ter)", "penultimate exon"),
        ("c.355C>T", "p.(Gln119Ter)", "last exon"),
    ):
        a = alleles[name]
        assert (a["hgvs_p"], a["pvs1"], a["classification"]) == (p, "PVS1_Strong", "uncertain_significance")
        assert where in a["classification_evidence"] and "NMD not predicted" in a["classification_evidence"]
    by = {s.sample: s for s in result.samples}
    assert by["Q61X"].dira_status == "consistent_with_DIRA"
    assert "no pathogenic IL1RN variant detected" not in by["Q61X"].status_sentence.lower()
    assert {by["Q104X"].dira_status, by["Q119X"].dira_status} == {"uncertain_significance"}
    prov = result.payload["provenance"]
    assert "NP_776214.1" in prov["protein_changes"] and "deduced" in prov["protein_changes"]


@pytest.mark.parametrize("build", BUILDS)
def test_undetermined_protein_change_claims_no_protein_effect(make_vcf, tmp_path, kb, build):
    """c.13C>T at Arg5 (CGN): TGA, TGG or TGT/TGC, i.e. Ter, Trp or Cys. Without the sequence the
    allele stays coding_sequence_variant, lists the outcomes, and no PVS1 is claimed."""
    o, c = OFFSET[build], CHROM[build]
    pos = _tx_position(kb, build, 13)
    assert kb.protein[4] == "R" and pos == 113_127_637 + o
    record = f"{c}\t{pos}\t.\tC\tT\t50\tPASS\t.\tGT\t1/1"
    result = _run(make_vcf, tmp_path, kb, build, [record], ["R5"])
    (a,) = result.payload["alleles"]
    assert a["consequence"] == ["coding_sequence_variant"] and a["hgvs_p"] == "" and a["pvs1"] == ""
    assert a["classification"] == "uncertain_significance"
    assert any(
        "p.(Arg5Cys) (missense_variant) or p.(Arg5Ter) (stop_gained) or p.(Arg5Trp) (missense_variant)" in n
        and "needs the reference sequence" in n
        for n in a["notes"]
    )
    assert result.samples[0].dira_status not in FLAGGED_DIRA
    # homozygous and possibly a stop: the sentence must leave DIRA open and say how to settle it
    sentence = result.samples[0].status_sentence
    assert "DIRA is not excluded" in sentence and "--reference" in sentence
    assert "no IL1RN variant is classified pathogenic" not in sentence
    # the same record with the synthetic FASTA: the sequence decides, and its answer is one of those listed
    fasta = _run(make_vcf, tmp_path, kb, build, [record], ["R5"], name="f.vcf", fasta=True).payload["alleles"][0]
    assert fasta["hgvs_p"] in ("p.(Arg5Cys)", "p.(Arg5Ter)", "p.(Arg5Trp)")


@pytest.mark.parametrize("build", BUILDS)
def test_ref_base_the_protein_rules_out_is_a_warning_naming_the_record(make_vcf, tmp_path, kb, build):
    """REF G at c.181: no Gln codon (CAA/CAG) has G there, so the VCF is not on this build/transcript
    (or the record is bad): a warning naming the record, and no protein change claimed."""
    o, c = OFFSET[build], CHROM[build]
    record = f"{c}\t{113_129_640 + o}\t.\tG\tT\t50\tPASS\t.\tGT\t1/1"
    result = _run(make_vcf, tmp_path, kb, build, [record], ["BAD"])
    (a,) = result.payload["alleles"]
    assert a["hgvs_p"] == "" and a["consequence"] == ["coding_sequence_variant"] and a["pvs1"] == ""
    expected = f"record {c}:{113_129_640 + o} G>T: the REF base(s) agree with no codon of NP_776214.1 at Gln61 CAA/CAG"
    assert any(n == "WARNING: " + n.removeprefix("WARNING: ") and expected in n for n in a["notes"])
    assert any(expected in w for w in result.payload["provenance"]["warnings"])
    assert result.samples[0].dira_status not in FLAGGED_DIRA


@pytest.mark.parametrize("build", BUILDS)
def test_frameshift_and_inframe_deletion_named_without_a_sequence(make_vcf, tmp_path, kb, build):
    """Novel deletions as a caller writes them (padding base c.297, bases of the synthetic locus,
    which encodes NP_776214.1): c.298del at Glu100 (GAR; the new codon is ARA, Lys or Arg, never
    Glu) is p.(Glu100fs), HGVS's short form at the first changed residue; c.298_300del removes
    Glu100 whole: p.(Glu100del). c.100del at Lys34 (AAR -> ARA: Lys or Arg) is not determined:
    the note says p.(Lys34fs) or p.(Met35fs), and the frameshift is graded by position alone."""
    from il1rn_annot.vcf.reference import ReferenceGenome

    c = CHROM[build]
    p297, p99 = _tx_position(kb, build, 297), _tx_position(kb, build, 99)
    seq = ReferenceGenome(FASTA[build], {"GRCh38": 242193529, "GRCh37": 243199373})
    assert (seq.fetch(p297, p297 + 3), seq.fetch(p99, p99 + 1)) == ("CGAG", "CA")
    records = [
        f"{c}\t{p99}\t.\tCA\tC\t50\tPASS\t.\tGT\t0/1\t0/0\t0/0",
        f"{c}\t{p297}\t.\tCG\tC\t50\tPASS\t.\tGT\t0/0\t1/1\t0/0",
        f"{c}\t{p297}\t.\tCGAG\tC\t50\tPASS\t.\tGT\t0/0\t0/0\t0/1",
    ]
    result = _run(make_vcf, tmp_path, kb, build, records, ["K34", "E100FS", "E100DEL"])
    by = {a["hgvs_c"]: a for a in result.payload["alleles"]}
    assert (by["c.298del"]["hgvs_p"], by["c.298del"]["consequence"]) == ("p.(Glu100fs)", ["frameshift_variant"])
    assert (by["c.298_300del"]["hgvs_p"], by["c.298_300del"]["consequence"]) == ("p.(Glu100del)", ["inframe_deletion"])
    for name in ("c.298del", "c.298_300del"):
        assert any(
            n.startswith("protein change deduced from the protein sequence NP_776214.1") for n in by[name]["notes"]
        )
    k34 = by["c.100del"]
    assert k34["hgvs_p"] == "" and "frameshift_variant" in k34["consequence"]
    assert any("p.(Lys34fs) (frameshift_variant) or p.(Met35fs) (frameshift_variant)" in n for n in k34["notes"])
    # with the FASTA the same records get the long form, which agrees with the short one
    fasta = {
        a["hgvs_c"]: a
        for a in _run(
            make_vcf, tmp_path, kb, build, records, ["K34", "E100FS", "E100DEL"], name="f.vcf", fasta=True
        ).payload["alleles"]
    }
    assert fasta["c.298del"]["hgvs_p"].startswith("p.(Glu100") and "fs" in fasta["c.298del"]["hgvs_p"]
    assert fasta["c.298_300del"]["hgvs_p"] == "p.(Glu100del)"


@pytest.mark.parametrize("build", BUILDS)
def test_deletion_across_an_exon_intron_boundary_gets_p_unknown(make_vcf, tmp_path, kb, build):
    """c.317_318+2del with a FASTA: p.?, never a protein predicted from its exonic part."""
    o, c = OFFSET[build], CHROM[build]
    record = f"{c}\t{113_131_155 + o}\t.\tGAGGT\tG\t50\tPASS\t.\tGT\t1/1"
    result = _run(make_vcf, tmp_path, kb, build, [record], ["SPLICE_DEL"], fasta=True)
    (allele,) = result.payload["alleles"]
    assert allele["hgvs_p"] == "p.?" and "frameshift_variant" not in allele["consequence"]
    assert "splice_donor_variant" in allele["consequence"] and allele["pvs1"] == "PVS1_Strong"


@pytest.mark.parametrize("build", BUILDS)
def test_two_bp_deletion_explicit_or_symbolic_gets_one_answer(make_vcf, tmp_path, kb, build):
    """Issue 16: the same 2-bp CDS deletion as REF/ALT or as <DEL> with END and SVLEN."""
    o, c = OFFSET[build], CHROM[build]
    explicit = f"{c}\t{113_131_130 + o}\t.\tCAG\tC\t50\tPASS\t.\tGT\t0/1"
    symbolic = f"{c}\t{113_131_130 + o}\t.\tC\t<DEL>\t.\tPASS\tSVTYPE=DEL;END={113_131_132 + o};SVLEN=-2\tGT\t0/1"
    a = _run(make_vcf, tmp_path, kb, build, [explicit], ["S"], name="e.vcf").payload["alleles"][0]
    b = _run(make_vcf, tmp_path, kb, build, [symbolic], ["S"], name="s.vcf").payload["alleles"][0]
    assert a["consequence"] == b["consequence"] == ["frameshift_variant"]
    fields = ("classification", "pvs1", "deleted_genes", "il1rn_overlap", "exons_affected")
    assert {k: a[k] for k in fields} == {k: b[k] for k in fields}


# ---------------------------------------------------------------------------------------
# 3. no predicted effect is not likely benign


@pytest.mark.parametrize("build", BUILDS)
def test_intronic_utr_and_synonymous_have_no_predicted_effect(make_vcf, tmp_path, kb, build):
    o, c = OFFSET[build], CHROM[build]
    records = [
        f"{c}\t{113_127_610 + o}\t.\tA\tG\t50\tPASS\t.\tGT\t0/1",  # 5' UTR
        f"{c}\t{113_130_000 + o}\t.\tA\tG\t50\tPASS\t.\tGT\t1/1",  # intron 2
        f"{c}\t{113_133_500 + o}\t.\tA\tG\t50\tPASS\t.\tGT\t0/1",
    ]  # 3' UTR
    result = _run(make_vcf, tmp_path, kb, build, records, ["S"])
    for a in result.payload["alleles"]:
        assert a["classification"] == "no_predicted_effect", a["hgvs_c"]
        assert "not a benign classification" in a["classification_evidence"]
    assert result.samples[0].dira_status == "no_pathogenic_variant_detected"


@pytest.mark.parametrize("build", BUILDS)
def test_a_frame_change_nmd_cannot_be_judged_for_is_a_floor_that_says_so(make_vcf, tmp_path, kb, build):
    """Without the transcript sequence (none shipped, no --reference) the new stop codon of a
    frameshift or of an out-of-frame exon loss is unknown, and a deletion across an exon-intron
    boundary has no predictable splicing outcome: the protein fraction altered gives the least
    strength (> 10 %: PVS1_Strong), and the evidence says it is a floor and why."""
    o, c = OFFSET[build], CHROM[build]
    records = [
        f"{c}\t{113_129_600 + o}\t.\tCA\tC\t50\tPASS\t.\tGT\t0/1\t0/0\t0/0",  # c.142del
        _del(build, 113_129_001, 113_130_000, "0/0\t0/1\t0/0"),  # exon 2 whole (89 coding nt)
        _del(build, 113_129_651, 113_129_700, "0/0\t0/0\t0/1"),
    ]  # c.192 across the exon 2 donor
    result = _run(make_vcf, tmp_path, kb, build, records, ["FS", "EXON2", "ACROSS"])
    by = {a["pos"] - o: a for a in result.payload["alleles"]}
    floor = "so at least this strength"
    sequence = "where the new stop codon falls (and so NMD) needs the transcript sequence, which was not available"
    assert all(by[p]["pvs1"] == "PVS1_Strong" for p in (113_129_600, 113_129_000, 113_129_650))
    assert (
        f"frameshift from c.142: {sequence}; the altered region is 73% of the protein, {floor} "
        "(full PVS1 if NMD is shown)"
    ) in by[113_129_600]["classification_evidence"]
    assert (
        f"deletion: out-of-frame loss of exon 2; {sequence}; the altered region is 79% of the protein, "
        f"{floor} (full PVS1 if NMD is shown)"
    ) in by[113_129_000]["classification_evidence"]
    across = by[113_129_650]["classification_evidence"]
    assert (
        f"across an exon-intron boundary (splicing outcome not predictable, p.?); NMD cannot be predicted; "
        f"the altered region is 64% of the protein, {floor})"
    ) in across
    assert "full PVS1 if NMD is shown" not in across


def test_small_deletions_of_the_start_or_stop_codon_are_named_so(tmp_path, kb):
    records = [
        "chr2\t113127624\t.\tNATG\tN\t50\tPASS\t.\tGT\t1/1\t0/0",  # c.1_3del: the ATG
        "chr2\t113132868\t.\tNTGA\tN\t50\tPASS\t.\tGT\t0/0\t1/1",
    ]  # c.532_534del: the stop codon
    path = tmp_path / "gatk.codons.vcf"
    path.write_text(vcf_text(records, ["START_DEL", "STOP_DEL"], build="GRCh38", chrom="chr2"))
    alleles = {a["hgvs_c"]: a for a in annotate_file(path, tmp_path / "out", kb, date=DATE).payload["alleles"]}
    assert "start_lost" in alleles["c.1_3del"]["consequence"]
    # ClinGen SVI 2018 initiation-codon branch: Met35 is the next in-frame Met and no curated pathogenic
    # variant lies before it: PVS1_Supporting, uncertain significance (was likely pathogenic)
    assert alleles["c.1_3del"]["pvs1"] == "PVS1_Supporting"
    assert alleles["c.1_3del"]["classification"] == "uncertain_significance"
    assert "Met35" in alleles["c.1_3del"]["classification_evidence"]
    assert alleles["c.532_534del"]["consequence"][0] == "stop_lost"
    assert alleles["c.532_534del"]["classification"] == "uncertain_significance"


@pytest.mark.parametrize("build", BUILDS)
def test_the_stored_reciprocal_overlap_decides_the_2q13_match_so_annotate_and_report_agree(
    make_vcf, tmp_path, kb, build
):
    """A heterozygous deletion of 87,494 bp inside the ~175 kb region (175,001 bp): reciprocal overlap
    0.499963, stored as 0.5. The annotation and the lab report, which reads the stored value, must
    give the same answer: it counts as matching the 2q13 deletion (>= 0.5) in both."""
    from il1rn_annot.lab_report.variant_rows import deletion_rows

    start, end = 113_135_000 - 87_494 + 1, 113_135_000
    result = _run(make_vcf, tmp_path, kb, build, [_del(build, start, end, "0/1")], ["HET"])
    (allele,) = result.payload["alleles"]
    assert allele["reciprocal_overlap_2q13"] == 0.5
    assert "Supporting: reciprocal overlap 0.50" in allele["classification_evidence"]
    finding = {**allele, **result.samples[0].findings[0]}
    (row,) = deletion_rows([finding], kb, build)
    assert row["matches_2q13"] is True
