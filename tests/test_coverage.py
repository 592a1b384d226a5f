"""The called locus: gVCF coverage of the IL1RN CDS, and one rule per input kind (issue 16).

Fixtures are written here in the shapes the callers write (header lines included):
GATK 3.5 and 4 HaplotypeCaller -ERC GVCF (`<NON_REF>`, INFO/END, GT:DP:GQ:MIN_DP:PL,
`##GVCFBlock` GQ bands), DeepVariant 1.6 gVCF (`<*>`, GT:GQ:MIN_DP:PL, RefCall sites `./.`),
GATK HaplotypeCaller variant-only VCFs, Manta and DELLY SV VCFs and GATK gCNV segments.
Every test runs on GRCh38 (`chr2`) and GRCh37 (`2`, GRCh38 + 757,577 at this locus).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main
from il1rn_annot.core.coverage import CoverageThresholds, cds_segments, of_sample, pool

DATE = "2026-01-01T00:00:00Z"
OFFSET = {"GRCh38": 0, "GRCh37": 757_577}
CHROM = {"GRCh38": "chr2", "GRCh37": "2"}
LENGTHS = {"GRCh38": (248956422, 242193529), "GRCh37": (249250621, 243199373)}
#: NM_173842.3 coding parts of exons 1-4 on GRCh38 (the brief, NCBI): 116 + 89 + 113 + 216 = 534 bp
CDS38 = [(113127625, 113127740), (113129576, 113129664), (113131045, 113131157), (113132656, 113132871)]
BUILDS = ("GRCh38", "GRCh37")

GATK35_HEADER = [
    '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele at this location">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FORMAT=<ID=AD,Number=.,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes as defined in the VCF specification">',
    '##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Per-sample component statistics which comprise the Fisher\'s Exact test to detect strand bias.">',
    (
        '##GATKCommandLine.HaplotypeCaller=<ID=HaplotypeCaller,Version=3.5-0-g36282e4,Date="Mon Feb 01 10:00:00 CET 2016",'
        'Epoch=1454317200000,CommandLineOptions="analysis_type=HaplotypeCaller emitRefConfidence=GVCF '
        'GVCFGQBands=[5, 20, 60] variant_index_type=LINEAR variant_index_parameter=128000">'
    ),
    "##GVCFBlock0-5=minGQ=0(inclusive),maxGQ=5(exclusive)",
    "##GVCFBlock20-60=minGQ=20(inclusive),maxGQ=60(exclusive)",
    "##GVCFBlock5-20=minGQ=5(inclusive),maxGQ=20(exclusive)",
    "##GVCFBlock60-2147483647=minGQ=60(inclusive),maxGQ=2147483647(exclusive)",
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">',
    '##INFO=<ID=MLEAC,Number=A,Type=Integer,Description="Maximum likelihood expectation (MLE) for the allele counts">',
]
GATK4_HEADER = [line for line in GATK35_HEADER if not line.startswith(("##GATKCommandLine", "##GVCFBlock"))] + [
    (
        '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller --emit-ref-confidence GVCF --output '
        'S.g.vcf.gz --input S.bam --reference Homo_sapiens_assembly38.fasta",Version="4.2.6.1",Date="2023-05-02">'
    ),
    *[f"##GVCFBlock{g}-{g + 1}=minGQ={g}(inclusive),maxGQ={g + 1}(exclusive)" for g in range(60)],
    "##GVCFBlock60-70=minGQ=60(inclusive),maxGQ=70(exclusive)",
    "##GVCFBlock99-100=minGQ=99(inclusive),maxGQ=100(exclusive)",
    "##source=HaplotypeCaller",
]
DEEPVARIANT_HEADER = [
    '##FILTER=<ID=RefCall,Description="Genotyping model thinks this site is reference.">',
    '##FILTER=<ID=LowQual,Description="Confidence in this variant being real is below calling threshold.">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position (for use with symbolic alleles)">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Conditional genotype quality">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block.">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Read depth for each allele">',
    '##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Variant allele fractions.">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods rounded to the closest integer">',
    "##DeepVariant_version=1.6.0",
]
HC_VCF_HEADER = [
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods">',
    '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller --output S.vcf.gz",Version="4.4.0.0">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    "##source=HaplotypeCaller",
]
MANTA_HEADER = [
    "##source=GenerateSVCandidates 1.6.0",
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "##FORMAT=<ID=FT,Number=1,Type=String,Description=\"Sample filter, 'PASS' indicates that all filters have passed for this sample\">",
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods for genotypes">',
    '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads for the ref and alt alleles in the order listed, for reads where P(allele|read)>0.999">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=INS,Description="Insertion">',
    '##ALT=<ID=DUP:TANDEM,Description="Tandem Duplication">',
]
DELLY_HEADER = [
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##INFO=<ID=PRECISE,Number=0,Type=Flag,Description="Precise structural variation">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the structural variant">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    '##FORMAT=<ID=DR,Number=1,Type=Integer,Description="# high-quality reference pairs">',
    '##FORMAT=<ID=DV,Number=1,Type=Integer,Description="# high-quality variant pairs">',
    '##FORMAT=<ID=RR,Number=1,Type=Integer,Description="# high-quality reference junction reads">',
    '##FORMAT=<ID=RV,Number=1,Type=Integer,Description="# high-quality variant junction reads">',
]
GCNV_HEADER = [
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Number of points (i.e. targets or bins) in the segment">',
    '##FORMAT=<ID=QS,Number=1,Type=Integer,Description="Complementary Phred-scaled probability that all points are called">',
    (
        '##GATKCommandLine=<ID=PostprocessGermlineCNVCalls,CommandLine="PostprocessGermlineCNVCalls --calls-shard-path '
        'gcnv_calls/shard_0-calls",Version="4.1.9.0">'
    ),
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">',
    "##source=PostprocessGermlineCNVCalls",
]


def write_vcf(path: Path, build: str, header: list[str], samples: list[str], records: list[list[object]]) -> Path:
    """A VCF 4.2 with the build's chr1/chr2 contig lines; record positions are given in GRCh38
    and shifted to GRCh37 (+757,577) here, END= values too."""
    chrom, shift = CHROM[build], OFFSET[build]
    one, two = LENGTHS[build]
    lines = [
        "##fileformat=VCFv4.2",
        *header,
        f"##contig=<ID={'chr1' if build == 'GRCh38' else '1'},length={one}>",
        f"##contig=<ID={chrom},length={two}>",
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]),
    ]
    for rec in records:
        cells = [str(c) for c in rec]
        cells[1] = str(int(cells[1]) + shift)
        cells[7] = ";".join(f"END={int(kv[4:]) + shift}" if kv.startswith("END=") else kv for kv in cells[7].split(";"))
        lines.append("\t".join([chrom, *cells[1:]]))
    path.write_text("\n".join(lines) + "\n")
    return path


def block(
    start: int, end: int, sample_cells: str | list[str], fmt: str = "GT:DP:GQ:MIN_DP:PL", alt: str = "<NON_REF>"
) -> list[object]:
    cells = [sample_cells] if isinstance(sample_cells, str) else sample_cells
    return ["chr2", start, ".", "A", alt, ".", ".", f"END={end}", fmt, *cells]


def one_sample(result) -> dict:
    """The sample's JSON entry, its coverage completed from the file's part (`locus`)."""
    [sample] = result.payload["samples"]
    return {**sample, "coverage": of_sample(result.payload["locus"], sample)}


# ----------------------------------------------------------------------------------------
# gVCF: reference blocks count only with reads


@pytest.mark.parametrize("build", BUILDS)
def test_gatk35_block_without_reads_is_not_a_called_locus(tmp_path, kb, build):
    """The issue's file: one GATK 3.5 block 113,090,940-113,193,547, GT 0/0, DP 0, GQ 0.

    Before: no_pathogenic_variant_detected, locus_called yes, no warning."""
    import jsonschema

    path = write_vcf(
        tmp_path / "gatk35.vcf", build, GATK35_HEADER, ["NOREADS"], [block(113_090_940, 113_193_547, "0/0:0:0:0:0,0,0")]
    )
    result = annotate_file(path, tmp_path / "out", kb, date=DATE)
    schema = json.loads(
        (Path(__file__).resolve().parents[1] / "src/il1rn_annot/schemas/annotation.schema.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(json.loads(Path(result.outputs["json"]).read_text()))
    sample = one_sample(result)
    assert sample["dira_status"] == "not_assessable"
    assert sample["locus_called"] is False
    assert "not adequately covered" in sample["status_sentence"]
    cov = sample["coverage"]
    assert cov["input_kind"] == "gvcf" and cov["cds_fraction"] == 0.0 and cov["cds_bases"] == 534
    assert set(result.payload["samples"][0]["coverage"]) == {"cds_bases_confident", "cds_fraction", "uncovered"}
    shift = OFFSET[build]
    assert cov["uncovered"] == [[s + shift, e + shift] for s, e in CDS38]
    rows = (tmp_path / "out" / "gatk35.sample_status.tsv").read_text().splitlines()
    header, row = rows[0].split("\t"), rows[1].split("\t")
    assert dict(zip(header, row, strict=True))["cds_coverage"] == "0.0000"
    assert dict(zip(header, row, strict=True))["locus_called"] == "no"


@pytest.mark.parametrize("build", BUILDS)
def test_gatk35_block_with_reads_covers_the_cds(tmp_path, kb, build):
    path = write_vcf(
        tmp_path / "gatk35.vcf",
        build,
        GATK35_HEADER,
        ["COVERED"],
        [block(113_090_940, 113_193_547, "0/0:35:60:28:0,60,900")],
    )
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["dira_status"] == "no_pathogenic_variant_detected"
    assert sample["locus_called"] is True
    assert sample["coverage"]["cds_fraction"] == 1.0 and sample["coverage"]["uncovered"] == []
    assert "Reference calls not recorded" not in sample["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
def test_gatk4_low_gq_band_over_exon4_leaves_it_uncovered(tmp_path, kb, build):
    """GATK 4 bands GQ 1 by 1: a GQ 12 block over exon 4 (216 of 534 bp) is below GQ 20."""
    records = [
        block(113_120_000, 113_132_500, "0/0:38:99:31:0,99,1200"),
        block(113_132_501, 113_133_000, "0/0:14:12:11:0,12,300"),
        block(113_133_001, 113_140_000, "0/0:40:99:33:0,99,1300"),
    ]
    path = write_vcf(tmp_path / "gatk4.g.vcf", build, GATK4_HEADER, ["LOWGQ_EX4"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    shift = OFFSET[build]
    assert sample["coverage"]["uncovered"] == [[113_132_656 + shift, 113_132_871 + shift]]
    assert sample["coverage"]["cds_bases_confident"] == 534 - 216
    assert sample["dira_status"] == "not_assessable" and sample["locus_called"] is False
    assert f"{113_132_656 + shift:,}-{113_132_871 + shift:,} (216 bp)" in sample["evidence"]


@pytest.mark.parametrize("build", BUILDS)
def test_min_dp_not_dp_judges_a_block(tmp_path, kb, build):
    """A block's DP is a typical depth; MIN_DP its weakest base: MIN_DP 3 < 10 leaves exon 1 uncovered."""
    records = [
        block(113_127_000, 113_128_000, "0/0:30:45:3:0,45,700"),
        block(113_128_001, 113_140_000, "0/0:40:99:33:0,99,1300"),
    ]
    path = write_vcf(tmp_path / "gatk4.vcf", build, GATK4_HEADER, ["THIN_EX1"], records)
    cov = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))["coverage"]
    assert cov["uncovered"] == [[113_127_625 + OFFSET[build], 113_127_740 + OFFSET[build]]]


@pytest.mark.parametrize("build", BUILDS)
def test_deepvariant_refcall_site_in_the_cds_is_named_but_does_not_void_the_negative(tmp_path, kb, build):
    """DeepVariant `<*>` blocks; a RefCall site (GT ./.) at one CDS base: 533/534 >= 0.95."""
    fmt = "GT:GQ:MIN_DP:PL"
    records = [
        block(113_125_001, 113_129_599, "0/0:43:31:0,43,436", fmt, "<*>"),
        [
            "chr2",
            113_129_600,
            ".",
            "G",
            "A,<*>",
            "0.8",
            "RefCall",
            ".",
            "GT:GQ:DP:AD:VAF:PL",
            "./.:16:33:29,4,0:0.121212,0:0,17,34,990,990,990",
        ],
        block(113_129_601, 113_137_000, "0/0:50:28:0,50,500", fmt, "<*>"),
    ]
    header = DEEPVARIANT_HEADER
    path = write_vcf(tmp_path / "dv.vcf", build, header, ["DV_NEG"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    pos = 113_129_600 + OFFSET[build]
    assert sample["coverage"]["uncovered"] == [[pos, pos]]
    assert sample["dira_status"] == "no_pathogenic_variant_detected" and sample["locus_called"] is True
    assert f"{pos:,}-{pos:,} (1 bp)" in sample["status_sentence"]


def test_shipped_deepvariant_gvcf_covers_the_whole_cds(tmp_path, kb):
    """The demo carrier's blocks (GQ 20-55, MIN_DP 23-40) cover all 534 bp: the block of GQ 20
    over exon 4 counts (GQ >= 20)."""
    data = Path(__file__).resolve().parents[1] / "test_data"
    sample = one_sample(annotate_file(data / "deepvariant.CARRIER_Q54X.g.vcf.gz", tmp_path, kb, date=DATE))
    assert sample["dira_status"] == "carrier"
    assert sample["coverage"]["cds_fraction"] == 1.0
    strict = one_sample(
        annotate_file(
            data / "deepvariant.CARRIER_Q54X.g.vcf.gz",
            tmp_path / "gq21",
            kb,
            date=DATE,
            thresholds=CoverageThresholds(min_gq=21),
        )
    )
    assert strict["coverage"]["uncovered"] == [[113_132_656, 113_132_871]]  # the GQ 20 block
    assert strict["dira_status"] == "carrier"  # a finding stands; the sentence names the gap
    assert "a second allele there would not be seen" in strict["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
def test_combined_gvcf_judges_each_sample(tmp_path, kb, build):
    """CombineGVCFs: one record, two samples; only the one with reads is called."""
    records = [block(113_100_000, 113_150_000, ["0/0:33:99:30:0,99,1200", "0/0:0:0:0:0,0,0"])]
    path = write_vcf(tmp_path / "combined.vcf", build, GATK4_HEADER, ["READS", "NOREADS"], records)
    by_name = {s["sample"]: s for s in annotate_file(path, tmp_path / "out", kb, date=DATE).payload["samples"]}
    assert by_name["READS"]["dira_status"] == "no_pathogenic_variant_detected"
    assert by_name["NOREADS"]["dira_status"] == "not_assessable"


def test_thresholds_come_from_the_command_line(tmp_path, kb):
    path = write_vcf(
        tmp_path / "gatk4.vcf",
        "GRCh38",
        GATK4_HEADER,
        ["GQ25"],
        [block(113_100_000, 113_150_000, "0/0:30:25:25:0,25,400")],
    )
    assert main(["annotate", str(path), "-o", str(tmp_path / "default"), "--date", DATE]) == 0
    assert main(["annotate", str(path), "-o", str(tmp_path / "strict"), "--date", DATE, "--min-gq", "30"]) == 0
    default = json.loads((tmp_path / "default" / "gatk4.il1rn.json").read_text())
    strict = json.loads((tmp_path / "strict" / "gatk4.il1rn.json").read_text())
    assert default["samples"][0]["dira_status"] == "no_pathogenic_variant_detected"
    assert strict["samples"][0]["dira_status"] == "not_assessable"
    assert strict["locus"]["coverage_thresholds"] == {"min_gq": 30, "min_dp": 10, "min_cds_fraction": 0.95}
    with pytest.raises(SystemExit):
        main(["annotate", str(path), "-o", str(tmp_path / "x"), "--min-cds-fraction", "1.5"])


def test_cds_segments_match_the_mane_transcript(kb):
    for build, shift in OFFSET.items():
        tx = kb.transcript(build)
        assert cds_segments(tx.exons, tx.cds_start, tx.cds_end) == [(s + shift, e + shift) for s, e in CDS38]


# ----------------------------------------------------------------------------------------
# one rule per input kind


@pytest.mark.parametrize("build", BUILDS)
def test_variant_only_vcf_without_a_locus_record_says_reference_calls_are_not_recorded(tmp_path, kb, build):
    records = [
        ["chr2", 112_000_000, "rs1", "A", "G", "512.3", "PASS", "DP=30", "GT:AD:DP:GQ:PL", "0/1:14,16:30:99:400,0,380"]
    ]
    path = write_vcf(tmp_path / "hc.vcf", build, HC_VCF_HEADER, ["HC_NEG"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["dira_status"] == "no_pathogenic_variant_detected"
    assert sample["locus_called"] is None
    assert "Reference calls not recorded" in sample["status_sentence"]
    assert sample["coverage"]["input_kind"] == "variant_only" and sample["coverage"]["cds_fraction"] is None


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("caller", ["manta", "delly"])
def test_sv_only_vcf_says_small_variants_were_not_assessed(tmp_path, kb, build, caller):
    """Before: no_pathogenic_variant_detected, locus_called unknown."""
    if caller == "manta":
        header, fmt, cells = MANTA_HEADER, "GT:FT:GQ:PL:PR:SR", "0/1:PASS:99:600,0,700:20,12:18,9"
    else:
        header, fmt, cells = DELLY_HEADER, "GT:GQ:DR:DV:RR:RV", "0/1:99:20:12:18:9"
    records = [["chr2", 150_880_500, "DEL1", "N", "<DEL>", "999", "PASS", "SVTYPE=DEL;END=150884100", fmt, cells]]
    path = write_vcf(tmp_path / f"{caller}.vcf", build, header, ["SV_ONLY"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["dira_status"] == "not_assessable"
    assert sample["status_sentence"].startswith("No deletion detected at IL1RN; small variants not assessed")
    assert sample["coverage"]["input_kind"] == "structural"


@pytest.mark.parametrize("build", BUILDS)
def test_gcnv_neutral_segment_over_il1rn_is_a_deletion_negative_only(tmp_path, kb, build):
    records = [
        [
            "chr2",
            113_000_001,
            "CNV_chr2_113000001_113200000",
            "N",
            "<DEL>,<DUP>",
            "120",
            ".",
            "END=113200000",
            "GT:CN:NP:QS",
            "0:2:40:120",
        ]
    ]
    path = write_vcf(tmp_path / "gcnv.vcf", build, GCNV_HEADER, ["GCNV_CN2"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["dira_status"] == "not_assessable"
    assert "small variants not assessed" in sample["status_sentence"]


def test_explicit_long_deletion_from_haplotypecaller_is_not_an_sv_call_set(tmp_path, kb):
    """A 200-bp deletion written explicitly by HaplotypeCaller: the file still assessed small variants."""
    data = Path(__file__).resolve().parents[1] / "test_data"
    sample = one_sample(annotate_file(data / "explicit_vs_symbolic.vcf.gz", tmp_path, kb, date=DATE))
    assert sample["coverage"]["input_kind"] == "variant_only"
    assert "Small variants were not assessed" not in sample["status_sentence"]


def test_pooling_an_sv_file_with_a_covered_gvcf_gives_a_full_negative():
    sv = {
        "input_kind": "structural",
        "small_variants_assessed": False,
        "cds_bases": 534,
        "cds_bases_confident": None,
        "cds_fraction": None,
        "uncovered": None,
        "min_gq": 20,
        "min_dp": 10,
        "min_cds_fraction": 0.95,
    }
    gvcf_a = {
        **sv,
        "input_kind": "gvcf",
        "small_variants_assessed": True,
        "cds_bases_confident": 318,
        "cds_fraction": 0.5955,
        "uncovered": [[113132656, 113132871]],
    }
    gvcf_b = {**gvcf_a, "cds_bases_confident": 418, "cds_fraction": 0.7828, "uncovered": [[113127625, 113127740]]}
    pooled = pool([sv, gvcf_a, gvcf_b])
    assert pooled["input_kind"] == "gvcf" and pooled["small_variants_assessed"] and pooled["structural_assessed"]
    assert pooled["uncovered"] == [] and pooled["cds_fraction"] == 1.0  # each gVCF covers the other's gap
    assert pool([sv])["small_variants_assessed"] is False
    chr1_only = {**sv, "input_kind": "variant_only", "small_variants_assessed": True, "chr2_records": False}
    assert pool([chr1_only, {**sv, "chr2_records": True}])["chr2_records"] is False  # the SNV file decides
    assert pool([None, None]) is None


def _manifest(tmp_path: Path, results: list, name: str) -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "tool_version": "test",
                "inputs": [
                    {
                        "input": str(r.input.path),
                        "name": r.input.name,
                        "status": "ok",
                        "outputs": r.outputs,
                        "samples": [s.sample for s in r.samples],
                    }
                    for r in results
                ],
            }
        )
    )
    return path


@pytest.mark.parametrize("build", BUILDS)
def test_cohort_pools_kinds_and_counts_negatives_by_evidence(tmp_path, kb, build):
    """A sample with an SV file and a covered gVCF is a full negative; an SV-only sample is
    not assessable; a variant-only sample is counted apart from the gVCF negative."""
    from il1rn_annot.cohort.summary import build_cohort

    out = tmp_path / "ann"
    manta = [
        [
            "chr2",
            150_880_500,
            "DEL1",
            "N",
            "<DEL>",
            "999",
            "PASS",
            "SVTYPE=DEL;END=150884100",
            "GT:FT:GQ:PL:PR:SR",
            "0/0:PASS:99:0,60,700:20,0:18,0",
            "0/0:PASS:99:0,60,700:20,0:18,0",
        ]
    ]
    results = [
        annotate_file(
            write_vcf(tmp_path / "manta.vcf", build, MANTA_HEADER, ["BOTH", "SV_ONLY"], manta), out, kb, date=DATE
        ),
        annotate_file(
            write_vcf(
                tmp_path / "both.g.vcf",
                build,
                GATK4_HEADER,
                ["BOTH"],
                [block(113_100_000, 113_150_000, "0/0:33:99:30:0,99,1200")],
            ),
            out,
            kb,
            date=DATE,
        ),
        annotate_file(
            write_vcf(
                tmp_path / "hc.vcf",
                build,
                HC_VCF_HEADER,
                ["HC_NEG"],
                [
                    [
                        "chr2",
                        112_000_000,
                        "rs1",
                        "A",
                        "G",
                        "512",
                        "PASS",
                        "DP=30",
                        "GT:AD:DP:GQ:PL",
                        "0/1:14,16:30:99:400,0,380",
                    ]
                ],
            ),
            out,
            kb,
            date=DATE,
        ),
    ]
    manifest = _manifest(tmp_path, results, "m.json")
    cohort = build_cohort([str(manifest)], None, tmp_path / "cohort", "", kb, date=DATE)
    status = {r["sample"]: r["dira_status"] for r in cohort.rows}
    assert status == {
        "BOTH": "no_pathogenic_variant_detected",
        "SV_ONLY": "not_assessable",
        "HC_NEG": "no_pathogenic_variant_detected",
    }
    assert cohort.counts_by_evidence == {
        "no_pathogenic_variant_detected": {"gvcf_covered": 1, "variant_only": 1},
        "not_assessable": {"structural_only": 1},
    }
    both = next(r for r in cohort.rows if r["sample"] == "BOTH")
    assert both["cds_coverage"] == 1.0 and "Reference calls not recorded" not in both["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("compressed", [False, True])
def test_file_without_any_chromosome_2_call_is_not_assessable(tmp_path, kb, build, compressed):
    """A chromosome-1 split of a HaplotypeCaller VCF (chr2 declared in the header, no chr2 record).

    Before: no_pathogenic_variant_detected, locus_called unknown."""
    import pysam

    chrom1 = "chr1" if build == "GRCh38" else "1"
    records = [
        [chrom1, 10_000_000, "rs1", "A", "G", "512.3", "PASS", "DP=30", "GT:AD:DP:GQ:PL", "0/1:14,16:30:99:400,0,380"]
    ]
    path = write_vcf(tmp_path / "chr1only.vcf", build, HC_VCF_HEADER, ["CHR1_ONLY"], records)
    text = path.read_text().replace(f"{CHROM[build]}\t{10_000_000 + OFFSET[build]}", f"{chrom1}\t10000000")
    path.write_text(text)
    if compressed:
        path = Path(pysam.tabix_index(str(path), preset="vcf", force=True))
    result = annotate_file(path, tmp_path / "out", kb, date=DATE)
    sample = one_sample(result)
    assert result.payload["locus"]["chr2_records"] is False
    assert sample["dira_status"] == "not_assessable"
    assert "no calls on chromosome 2" in sample["status_sentence"]
    # the same file with one chr2 record far from IL1RN keeps the variant-only negative
    text = path.read_text() if not compressed else None
    if text is not None:
        extra = "\t".join(
            [
                CHROM[build],
                str(112_000_000 + OFFSET[build]),
                "rs2",
                "C",
                "T",
                "400",
                "PASS",
                "DP=28",
                "GT:AD:DP:GQ:PL",
                "0/1:12,16:28:99:380,0,360",
            ]
        )
        path.write_text(text + extra + "\n")
        again = one_sample(annotate_file(path, tmp_path / "out2", kb, date=DATE))
        assert again["dira_status"] == "no_pathogenic_variant_detected"
        assert "Reference calls not recorded" in again["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
def test_findings_stand_but_name_the_gap(tmp_path, kb, build):
    """A VUS (c.449T>A, exon 4) or a carrier allele (c.229G>T, exon 3) is reported whatever the
    coverage; when the gVCF leaves exon 1 uncovered, the sentence says a variant there (a second
    allele) would not be seen."""
    fmt_var = "GT:AD:DP:GQ:PL:SB"
    records = [
        block(113_120_000, 113_128_000, "0/0:3:3:1:0,3,45"),  # exon 1: one read
        block(113_128_001, 113_131_067, "0/0:35:99:30:0,99,1200"),
        [
            "chr2",
            113_131_068,
            ".",
            "G",
            "T,<NON_REF>",
            "812.6",
            ".",
            "DP=37",
            fmt_var,
            "0/1:19,18,0:37:99:600,0,700,657,754,1411:10,9,9,9",
        ],
        block(113_131_069, 113_132_785, "0/0:35:99:30:0,99,1200"),
        [
            "chr2",
            113_132_786,
            ".",
            "T",
            "A,<NON_REF>",
            "640.6",
            ".",
            "DP=33",
            fmt_var,
            "0/1:17,16,0:33:99:560,0,650,610,700,1300:9,8,8,8",
        ],
        block(113_132_787, 113_140_000, "0/0:35:99:30:0,99,1200"),
    ]
    path = write_vcf(tmp_path / "gatk4.g.vcf", build, GATK4_HEADER, ["CARRIER_THIN_EX1"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    shift = OFFSET[build]
    assert sample["coverage"]["uncovered"] == [[113_127_625 + shift, 113_127_740 + shift]]
    assert sample["dira_status"] == "carrier"
    assert "a second allele there would not be seen" in sample["status_sentence"]
    assert f"{113_127_625 + shift:,}-{113_127_740 + shift:,} (116 bp)" in sample["status_sentence"]
    # the same file without the carrier allele: the VUS stands, the gap is named
    vus_only = [r for r in records if r[1] != 113_131_068]
    vus_only.insert(2, block(113_131_068, 113_131_068, "0/0:35:99:30:0,99,1200"))
    path = write_vcf(tmp_path / "vus.g.vcf", build, GATK4_HEADER, ["VUS_THIN_EX1"], vus_only)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["dira_status"] == "uncertain_significance"
    assert "Part of the CDS was not confidently called" in sample["status_sentence"]


# ----------------------------------------------------------------------------------------
# the lab report shows the coverage evidence


def _report_text(paths: list[Path], sample: str, outdir: Path, kb) -> str:
    import re

    from il1rn_annot.lab_report.writer import write_report

    html = write_report(paths, sample, outdir, kb, date="2026-01-01", pdf=False)["html"].read_text()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&ge;", ">=")


@pytest.mark.parametrize("build", BUILDS)
def test_report_shows_gvcf_coverage_and_the_uncovered_exons(tmp_path, kb, build):
    records = [
        block(113_120_000, 113_132_500, "0/0:38:99:31:0,99,1200"),
        block(113_132_501, 113_133_000, "0/0:14:12:11:0,12,300"),
        block(113_133_001, 113_140_000, "0/0:40:99:33:0,99,1300"),
    ]
    annotate_file(
        write_vcf(tmp_path / "low.g.vcf", build, GATK4_HEADER, ["LOWGQ_EX4"], records), tmp_path / "a", kb, date=DATE
    )
    text = _report_text([tmp_path / "a" / "low.il1rn.json"], "LOWGQ_EX4", tmp_path / "r", kb)
    shift = OFFSET[build]
    assert "Coverage of the IL1RN coding sequence" in text
    assert "59.6% of the coding sequence (318 of 534 bp)" in text
    assert "GQ >= 20 and depth >= 10" in text and "not met: the locus was not adequately covered" in text
    assert f"{CHROM[build]}:{113_132_656 + shift:,}-{113_132_871 + shift:,} (216 bp, exon 4)" in text


def test_report_of_a_variant_only_vcf_says_coverage_was_not_measured(tmp_path, kb):
    records = [
        ["chr2", 112_000_000, "rs1", "A", "G", "512.3", "PASS", "DP=30", "GT:AD:DP:GQ:PL", "0/1:14,16:30:99:400,0,380"]
    ]
    annotate_file(
        write_vcf(tmp_path / "hc.vcf", "GRCh38", HC_VCF_HEADER, ["HC_NEG"], records), tmp_path / "a", kb, date=DATE
    )
    text = _report_text([tmp_path / "a" / "hc.il1rn.json"], "HC_NEG", tmp_path / "r", kb)
    assert "Coverage not measured: a variant-only VCF records no reference calls" in text
    assert "Reference calls not recorded" in text


@pytest.mark.parametrize("build", BUILDS)
def test_single_sample_extract_with_trimmed_alts_is_not_a_gvcf(tmp_path, kb, build):
    """`bcftools view -s S -a` of a joint VCF: ALT `.` (no END) where S is 0/0. Not reference
    blocks: the file still lists variant sites only."""
    header = [*HC_VCF_HEADER, "##bcftools_viewCommand=view -s HC_REF -a joint.vcf.gz; Date=Mon Jan  1 00:00:00 2024"]
    records = [
        [
            "chr2",
            113_129_630,
            "rs419598",
            "T",
            ".",
            "3121.6",
            "PASS",
            "DP=40",
            "GT:AD:DP:GQ:PL",
            "0/0:40:40:99:0,120,1800",
        ],
        ["chr2", 113_132_786, ".", "T", ".", "812.3", "PASS", "DP=31", "GT:AD:DP:GQ:PL", "0/0:31:31:93:0,93,1395"],
    ]
    path = write_vcf(tmp_path / "extract.vcf", build, header, ["HC_REF"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["coverage"]["input_kind"] == "variant_only"
    assert sample["dira_status"] == "no_pathogenic_variant_detected" and sample["locus_called"] is True
    assert "Reference calls not recorded" in sample["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
def test_carrier_whose_gvcf_covers_none_of_the_cds_is_not_told_part_was_uncovered(tmp_path, kb, build):
    """Review finding: a Manta heterozygous <DEL> removing IL1RN plus, for the same sample, the GATK 3.5
    gVCF block with DP 0 / GQ 0 over the gene (cohort run) read 'Part of the CDS was not confidently
    called' with all four coding exons listed. None of it was: the sentence says so and that small
    variants were not assessed."""
    from il1rn_annot.cohort.summary import build_cohort

    out = tmp_path / "ann"
    manta = [
        [
            "chr2",
            113_100_000,
            "MantaDEL:1",
            "G",
            "<DEL>",
            "300",
            "PASS",
            "SVTYPE=DEL;END=113140000",
            "GT:FT:GQ:PL:PR:SR",
            "0/1:PASS:99:300,0,500:20,15:18,12",
        ]
    ]
    results = [
        annotate_file(write_vcf(tmp_path / "manta.vcf", build, MANTA_HEADER, ["S3"], manta), out, kb, date=DATE),
        annotate_file(
            write_vcf(
                tmp_path / "s3.g.vcf",
                build,
                GATK35_HEADER,
                ["S3"],
                [block(113_090_940, 113_193_547, "0/0:0:0:0:0,0,0")],
            ),
            out,
            kb,
            date=DATE,
        ),
    ]
    cohort = build_cohort([str(_manifest(tmp_path, results, "m.json"))], None, tmp_path / "cohort", "", kb, date=DATE)
    [row] = cohort.rows
    assert row["dira_status"] == "carrier"
    assert "Part of the CDS" not in row["status_sentence"]
    assert (
        "None of the IL1RN coding sequence was confidently called (0 of 534 bp in the gVCF): small variants "
        "were not assessed, so a second allele would not be seen."
    ) in row["status_sentence"]


@pytest.mark.parametrize("build", BUILDS)
def test_a_gvcf_known_only_by_its_non_ref_definition_and_silent_at_the_locus_is_not_assessable(tmp_path, kb, build):
    """A gVCF whose header keeps only `##ALT=<ID=NON_REF>` (re-headered, or renamed without .g.vcf)
    and that has no block over IL1RN: nothing was called there, so no negative may be given. Read as
    a variant-only VCF it would have said "no pathogenic variant detected"."""
    header = [line for line in GATK35_HEADER if not line.startswith(("##GATKCommandLine", "##GVCFBlock"))]
    records = [block(113_000_000, 113_010_000, "0/0:35:60:28:0,60,900")]  # 117 kb upstream of IL1RN
    path = write_vcf(tmp_path / "renamed.vcf", build, header, ["NO_LOCUS_BLOCK"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["coverage"]["input_kind"] == "gvcf"
    assert sample["dira_status"] == "not_assessable" and sample["locus_called"] is False


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("deleted, kind", [(50, "variant_only"), (51, "structural")])
def test_an_explicit_deletion_is_structural_above_the_small_indel_bound_as_annotate_judges_it(
    tmp_path, kb, build, deleted, kind
):
    """One boundary for the whole tool (vocabulary.SMALL_INDEL_MAX = 50): annotate judges a 50-bp
    deletion as a small indel, so a file whose only locus record is one (and no caller header)
    assessed small variants; a 51-bp one is what SV callers write. Deletions in IL1RN intron 1."""
    header = ['##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">']
    ref = "A" + "C" * deleted
    records = [["chr2", 113_128_000, ".", ref, "A", "50", "PASS", ".", "GT:GQ", "0/1:40"]]
    path = write_vcf(tmp_path / "one_deletion.vcf", build, header, ["S"], records)
    sample = one_sample(annotate_file(path, tmp_path / "out", kb, date=DATE))
    assert sample["coverage"]["input_kind"] == kind
