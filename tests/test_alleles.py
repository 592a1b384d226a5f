"""core/alleles.py and vcf/record_extent.py on their own: how one record's ALT alleles become
`Allele`s with their reference span.

Records are written here in the shape each named caller writes them (IDs, INFO keys, FORMAT
columns, REF `N` where the caller writes it), read with cyvcf2 from a tiny VCF in tmp_path, and
handed to `alleles_of` / `record_span_end` / `reaches_back` directly (no annotation, no
workflow). Positions are GRCh38 chr2 around IL1RN (NM_173842.3 113,127,598-113,134,014).
"""

from __future__ import annotations

from pathlib import Path

import cyvcf2
import pytest
from conftest import GRCH38_CHR2, vcf_text

from il1rn_annot.core.alleles import Allele, alleles_of
from il1rn_annot.errors import InputError
from il1rn_annot.vcf.record_extent import Junction, parse_breakend, reaches_back, record_span_end

HEADER = [
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate breakend IDs (Manta, SvABA, DELLY)">',
    '##INFO=<ID=CHR2,Number=1,Type=String,Description="Chromosome of END (DELLY)">',
    '##INFO=<ID=POS2,Number=1,Type=Integer,Description="Position on CHR2 (DELLY 1.x)">',
    '##INFO=<ID=CT,Number=1,Type=String,Description="Connection type (DELLY)">',
    '##INFO=<ID=PRECISE,Number=0,Type=Flag,Description="Precise breakpoints (DELLY)">',
    '##INFO=<ID=SVMETHOD,Number=1,Type=String,Description="Caller (DELLY)">',
    '##INFO=<ID=ALGORITHMS,Number=.,Type=String,Description="Source algorithms (GATK-SV)">',
    '##INFO=<ID=EVIDENCE,Number=.,Type=String,Description="Evidence classes (GATK-SV)">',
    '##ALT=<ID=CN0,Description="Copy number 0">',
    '##ALT=<ID=CNV,Description="Copy number variant">',
    '##ALT=<ID=DUP,Description="Duplication">',
    '##ALT=<ID=INS,Description="Insertion">',
    '##ALT=<ID=TRA,Description="Translocation">',
    '##ALT=<ID=NON_REF,Description="Any other allele (GATK gVCF)">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter">',
    '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired reads (Manta)">',
    '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads (Manta)">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=VAF,Number=A,Type=Float,Description="Variant allele fraction (DeepVariant)">',
    '##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Intervals (gCNV)">',
    '##FORMAT=<ID=QS,Number=1,Type=Integer,Description="Quality (gCNV)">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth in block (gVCF)">',
]


def records(tmp_path: Path, lines: list[str], samples: tuple[str, ...] = ("S",)) -> list[cyvcf2.Variant]:
    """The records of a tiny GRCh38 VCF holding `lines` ({chrom} = chr2), read by cyvcf2."""
    path = tmp_path / "calls.vcf"
    path.write_text(vcf_text(lines, list(samples), extra_header=HEADER))
    reader = cyvcf2.VCF(str(path))
    found = list(reader)
    assert found, "no record read"
    return found


def one(tmp_path: Path, line: str) -> list[Allele]:
    (record,) = records(tmp_path, [line])
    return alleles_of(record, "calls.vcf", GRCH38_CHR2)


def span(allele: Allele) -> tuple[str, int, int]:
    return allele.kind, allele.start, allele.end


# -- small variants (GATK HaplotypeCaller, DeepVariant) -------------------------------------------


def test_deepvariant_snv_keeps_its_bases_and_filter(tmp_path):
    (allele,) = one(tmp_path, "{chrom}\t113131068\t.\tG\tT\t45.2\tRefCall\t.\tGT:GQ:DP:AD:VAF\t./.:20:30:25,5:0.16")
    assert span(allele) == ("snv", 113131068, 113131068)
    assert (allele.ref_trim, allele.alt_trim, allele.filter, allele.alt_index) == ("G", "T", "RefCall", 1)
    assert allele.allele_id == "chr2:113131068:G:T" and not allele.symbolic


def test_gatk_multiallelic_indels_are_trimmed_per_alt(tmp_path):
    """GAAT>G,GAT: the first ALT deletes AAT; the second one A (shared suffix, then prefix, removed)."""
    first, second = one(tmp_path, "{chrom}\t113131068\t.\tGAAT\tG,GAT\t50\tPASS\t.\tGT:AD\t1/2:3,10,9")
    assert span(first) == ("deletion", 113131069, 113131071) and first.ref_trim == "AAT"
    assert span(second) == ("deletion", 113131069, 113131069) and second.ref_trim == "A"
    assert (first.alt_index, second.alt_index) == (1, 2) and first.length == 3


def test_a_deletion_whose_last_base_repeats_the_anchor_is_trimmed_from_the_right(tmp_path):
    """CAAC>C is not left-aligned (the C before AAC repeats its last base); the suffix is trimmed
    first, so the span is CAA at POS..POS+2: the same haplotype as AAC at POS+1..POS+3."""
    (allele,) = one(tmp_path, "{chrom}\t113129612\t.\tCAAC\tC\t50\tPASS\t.\tGT\t0/1")
    assert span(allele) == ("deletion", 113129612, 113129614) and allele.ref_trim == "CAA"


@pytest.mark.parametrize(
    "ref, alt, expected, trimmed",
    [
        ("A", "AC", ("insertion", 113129598, 113129598), ("", "C")),  # inserted after POS
        ("GA", "TT", ("mnv", 113131068, 113131069), ("GA", "TT")),
        ("GAA", "T", ("delins", 113131068, 113131070), ("GAA", "T")),
        ("GAT", "GCT", ("snv", 113131069, 113131069), ("A", "C")),  # padded SNV (some callers write context)
        ("AAC", "A", ("deletion", 113129614, 113129615), ("AC", "")),
    ],
)
def test_explicit_alleles_get_the_span_of_their_changed_bases(tmp_path, ref, alt, expected, trimmed):
    pos = expected[1] if expected[0] in ("mnv", "delins") else expected[1] - (0 if expected[0] == "insertion" else 1)
    (allele,) = one(tmp_path, f"{{chrom}}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t0/1")
    assert span(allele) == expected and (allele.ref_trim, allele.alt_trim) == trimmed


def test_gvcf_reference_blocks_and_the_spanning_deletion_star_are_no_alleles(tmp_path):
    block, star, called = records(
        tmp_path,
        [
            "{chrom}\t113129500\t.\tA\t<NON_REF>\t.\t.\tEND=113129600\tGT:MIN_DP\t0/0:25",
            "{chrom}\t113129613\t.\tA\t*,G\t40\tPASS\t.\tGT\t1/2",
            "{chrom}\t113129700\t.\tC\tT,<NON_REF>\t40\t.\t.\tGT\t0/1",
        ],
    )
    assert alleles_of(block, "g.vcf", GRCH38_CHR2) == []
    assert [(a.alt, a.alt_index) for a in alleles_of(star, "g.vcf", GRCH38_CHR2)] == [("G", 2)]
    assert [a.alt for a in alleles_of(called, "g.vcf", GRCH38_CHR2)] == ["T"]
    assert star.FILTER is None and alleles_of(star, "g.vcf", GRCH38_CHR2)[0].filter == "PASS"  # '.' reads as PASS


def test_a_non_dna_alt_is_an_error_naming_the_record(tmp_path):
    with pytest.raises(InputError) as caught:
        one(tmp_path, "{chrom}\t113131068\t.\tG\tT1\t50\tPASS\t.\tGT\t0/1")
    assert caught.value.path == "calls.vcf" and caught.value.where == "record chr2:113131068 G>T1"


# -- symbolic alleles (Manta, DELLY, GATK-SV, gCNV) ------------------------------------------------


def test_manta_imprecise_deletion_reads_end_svlen_and_confidence_intervals(tmp_path):
    (allele,) = one(
        tmp_path,
        "{chrom}\t113129500\tMantaDEL:1234:0:1:0:0:0\tG\t<DEL>\t.\tPASS\t"
        "END=113129700;SVTYPE=DEL;SVLEN=-200;IMPRECISE;CIPOS=-51,52;CIEND=-40,41\t"
        "GT:FT:GQ:PR:SR\t0/1:PASS:99:10,8:12,6",
    )
    assert span(allele) == ("sv_deletion", 113129501, 113129700)  # POS is the padding base
    assert allele.symbolic and allele.imprecise and allele.svlen == -200
    assert (allele.ci_start, allele.ci_end) == ((-51, 52), (-40, 41))
    assert allele.vcf_id == "MantaDEL:1234:0:1:0:0:0" and allele.length == 200


def test_delly_deletion_with_n_ref_and_chr2_on_the_same_chromosome(tmp_path):
    (allele,) = one(
        tmp_path,
        "{chrom}\t113129500\tDEL00000001\tN\t<DEL>\t720\tPASS\tPRECISE;SVTYPE=DEL;"
        "SVMETHOD=EMBL.DELLYv1.1.6;END=113129700;CHR2=chr2;POS2=113129700;CT=3to5;"
        "CIPOS=-2,2;CIEND=-2,2\tGT:GQ:FT\t1/1:99:PASS",
    )
    assert span(allele) == ("sv_deletion", 113129501, 113129700) and not allele.imprecise


def test_delly_translocation_end_is_the_partner_position_not_a_chr2_end(tmp_path):
    info = "PRECISE;SVTYPE=TRA;CHR2=chr7;END=1000;CT=3to5"
    (record,) = records(tmp_path, [f"{{chrom}}\t113129500\tTRA00000001\tN\t<TRA>\t500\tPASS\t{info}\tGT\t0/1"])
    (allele,) = alleles_of(record, "calls.vcf", GRCH38_CHR2)
    assert span(allele) == ("other_sv", 113129500, 113129500)
    assert "partner chr7:1000" in allele.notes[0]
    assert record_span_end(record) == 113129500  # htslib reads END=1000 as this record's end


def test_gatk_sv_deletion_with_positive_svlen(tmp_path):
    """GATK-SV writes SVLEN as a positive length and lists its algorithms."""
    (allele,) = one(
        tmp_path,
        "{chrom}\t113129500\tref_panel.chr2.final_cleanup_DEL_chr2_42\tN\t<DEL>\t999\tPASS\t"
        "END=113129700;SVTYPE=DEL;SVLEN=200;ALGORITHMS=depth,manta;EVIDENCE=RD,PE\tGT\t0/1",
    )
    assert span(allele) == ("sv_deletion", 113129501, 113129700) and allele.svlen == 200


def test_gatk_sv_multiallelic_cnv_is_a_cnv_with_its_span(tmp_path):
    (allele,) = one(
        tmp_path,
        "{chrom}\t113120000\tref_panel.chr2.CNV_7\tN\t<CNV>\t.\tPASS\t"
        "END=113140000;SVTYPE=CNV;SVLEN=20000\tGT:CN\t./.:1",
    )
    assert span(allele) == ("cnv", 113120001, 113140000)


def test_gcnv_del_and_dup_alts_of_one_segment(tmp_path):
    """GATK gCNV: one segment record with ALT <DEL>,<DUP>, END, haploid GT and CN in FORMAT."""
    deletion, duplication = one(
        tmp_path,
        "{chrom}\t113120001\tCNV_chr2_113120001_113140000\tN\t<DEL>,<DUP>\t"
        "90\t.\tEND=113140000\tGT:CN:NP:QS\t1:0:12:90",
    )
    assert span(deletion) == ("sv_deletion", 113120002, 113140000) and deletion.alt_index == 1
    assert span(duplication) == ("other_sv", 113120001, 113140000) and duplication.alt_index == 2
    assert deletion.filter == "PASS"


def test_cn0_is_a_deletion(tmp_path):
    (allele,) = one(
        tmp_path,
        "{chrom}\t113127000\tDRAGEN:LOSS:chr2:113127001-113135000\tN\t<CN0>\t50\tPASS\t"
        "END=113135000;SVTYPE=CNV;SVLEN=8000\tGT:CN\t1/1:0",
    )
    assert span(allele) == ("sv_deletion", 113127001, 113135000)


def test_svlen_alone_gives_the_end(tmp_path):
    (record,) = records(tmp_path, ["{chrom}\t113129500\tdel1\tG\t<DEL>\t.\tPASS\tSVTYPE=DEL;SVLEN=-200\tGT\t0/1"])
    (allele,) = alleles_of(record, "calls.vcf", GRCH38_CHR2)
    assert span(allele) == ("sv_deletion", 113129501, 113129700)
    assert record_span_end(record) == 113129700  # htslib knows END, not SVLEN


def test_per_alt_svlen_of_a_multiallelic_record(tmp_path):
    small, large = one(
        tmp_path, "{chrom}\t113129500\tcnv\tN\t<DEL>,<CN0>\t.\tPASS\tSVTYPE=CNV;SVLEN=-100,-300\tGT\t1/2"
    )
    assert (small.end, large.end) == (113129600, 113129800) and (small.svlen, large.svlen) == (-100, -300)


def test_symbolic_insertion_without_end_sits_between_pos_and_the_next_base(tmp_path):
    (record,) = records(tmp_path, ["{chrom}\t113129500\tins\tG\t<INS>\t.\tPASS\tSVTYPE=INS;SVLEN=300\tGT\t0/1"])
    (allele,) = alleles_of(record, "calls.vcf", GRCH38_CHR2)
    assert span(allele) == ("other_sv", 113129500, 113129501)  # SVLEN is inserted sequence, not reference
    assert record_span_end(record) == 113129501


@pytest.mark.parametrize(
    "info, message",
    [
        ("SVTYPE=DEL", "has neither INFO/END nor INFO/SVLEN"),
        ("SVTYPE=DEL;END=113129400", "END=113129400 lies before POS=113129500"),
        (f"SVTYPE=DEL;END={GRCH38_CHR2 + 10}", "lies beyond the end of the contig"),
        ("SVTYPE=DEL;END=113129700;SVLEN=-5000000", "SVLEN=-5000000 disagrees with END=113129700"),
    ],
)
def test_impossible_symbolic_spans_are_errors_naming_the_record(tmp_path, info, message):
    with pytest.raises(InputError) as caught:
        one(tmp_path, f"{{chrom}}\t113129500\tbad\tN\t<DEL>\t.\tPASS\t{info}\tGT\t0/1")
    assert message in caught.value.message
    assert caught.value.where == "record chr2:113129500 N><DEL>" and caught.value.path == "calls.vcf"


# -- breakends (VCF 4.3 section 5.4) -------------------------------------------------------------


@pytest.mark.parametrize(
    "alt, junction",
    [
        ("G[chr2:113140000[", Junction("chr2", 113140000, "t[p[")),
        ("G]2:113140000]", Junction("2", 113140000, "t]p]")),
        ("]chr2:113129000]A", Junction("chr2", 113129000, "]p]t")),
        ("[chr2:113129000[A", Junction("chr2", 113129000, "[p[t")),
        ("A[<ctg1>:5[", Junction("ctg1", 5, "t[p[")),  # an assembly contig (VCF 4.3 section 5.4.4)
        ("G[HLA-A*01:01:01:01:300[", Junction("HLA-A*01:01:01:01", 300, "t[p[")),  # ':' inside the name
    ],
)
def test_parse_breakend_reads_partner_and_form(alt, junction):
    assert parse_breakend(alt) == junction


@pytest.mark.parametrize("alt", ["G.", ".G", "<DEL>", "ACGT", "G[chr2:100]", "[chr2:100[G[chr2:200[", "G[chr2:x["])
def test_parse_breakend_refuses_everything_else(alt):
    assert parse_breakend(alt) is None


def manta_pair(left: int, right: int) -> list[str]:
    info = "SVTYPE=BND;MATEID=MantaBND:7:0:1:0:0:0:{mate};IMPRECISE;CIPOS=-10,10\tGT:PR:SR\t0/1:12,9:10,7"
    return [
        f"{{chrom}}\t{left}\tMantaBND:7:0:1:0:0:0:0\tT\tT[{{chrom}}:{right}[\t.\tPASS\t" + info.format(mate=1),
        f"{{chrom}}\t{right}\tMantaBND:7:0:1:0:0:0:1\tA\t]{{chrom}}:{left}]A\t.\tPASS\t" + info.format(mate=0),
    ]


def test_manta_breakend_pair_in_deletion_orientation_is_one_deletion_from_both_mates(tmp_path):
    left, right = records(tmp_path, manta_pair(113129000, 113140000))
    (a,), (b,) = alleles_of(left, "sv.vcf", GRCH38_CHR2), alleles_of(right, "sv.vcf", GRCH38_CHR2)
    assert span(a) == span(b) == ("sv_deletion", 113129001, 113139999)  # the bases between the junction ends
    assert a.event == b.event == ("deletion", "chr2", 113129000, 113140000)  # counted once
    assert a.imprecise and a.ci_start == (-10, 10) and a.symbolic
    assert "MATEID MantaBND:7:0:1:0:0:0:1" in a.notes[0]
    assert "read as a deletion of chr2:113129001-113139999" in a.notes[0]
    # the left mate reaches its partner; the right one is found by looking back past the window
    assert record_span_end(left) == 113140000
    assert reaches_back(right, 113136014) and not reaches_back(left, 113136014)


def test_breakend_duplication_and_inversion_orientations_are_breakends_not_losses(tmp_path):
    dup, inv = records(
        tmp_path,
        [
            "{chrom}\t113129000\tdup\tT\t]{chrom}:113140000]T\t.\tPASS\tSVTYPE=BND\tGT\t0/1",
            "{chrom}\t113129000\tinv\tT\tT]{chrom}:113140000]\t.\tPASS\tSVTYPE=BND\tGT\t0/1",
        ],
    )
    (d,), (i,) = alleles_of(dup, "sv.vcf", GRCH38_CHR2), alleles_of(inv, "sv.vcf", GRCH38_CHR2)
    assert span(d) == span(i) == ("breakend", 113129000, 113140000)
    assert d.event == ("duplication", "chr2", 113129000, 113140000) and "duplication junction" in d.notes[0]
    assert i.event == ("inversion", "chr2", 113129000, 113140000) and "an inversion junction" in i.notes[0]


def test_adjacent_junction_removes_no_base(tmp_path):
    (allele,) = one(tmp_path, "{chrom}\t113129000\tb\tT\tT[{chrom}:113129001[\t.\tPASS\tSVTYPE=BND\tGT\t0/1")
    assert span(allele) == ("breakend", 113129000, 113129000) and "removes no base" in allele.notes[0]


def test_breakend_to_another_chromosome_is_a_translocation_point(tmp_path):
    """DELLY 1.x writes BND translocations with END = the partner's position (meaningless for a BND)."""
    info = "PRECISE;SVTYPE=BND;CHR2=chr7;POS2=1000;END=1000;CT=3to5"
    (record,) = records(tmp_path, [f"{{chrom}}\t113129500\tBND00000002\tN\tN[chr7:1000[\t300\tPASS\t{info}\tGT\t0/1"])
    (allele,) = alleles_of(record, "sv.vcf", GRCH38_CHR2)
    assert span(allele) == ("breakend", 113129500, 113129500) and allele.event is None
    assert "translocation breakpoint, partner chr7:1000" in allele.notes[0]
    assert record_span_end(record) == 113129500


def test_single_breakend_names_its_missing_partner(tmp_path):
    (allele,) = one(tmp_path, "{chrom}\t113129500\tgridss1b\tG\tG.\t.\tPASS\tSVTYPE=BND\tGT\t0/1")
    assert span(allele) == ("breakend", 113129500, 113129500)
    assert allele.notes == ("single breakend: its partner is not named",)


def test_record_span_end_of_explicit_records_is_their_last_ref_base(tmp_path):
    snv, deletion = records(
        tmp_path,
        [
            "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t0/1",
            "{chrom}\t113131051\t.\tTAGATGTGGTACCCAT\tT\t50\tPASS\t.\tGT\t0/1",
        ],
    )
    assert record_span_end(snv) == 113131068 and record_span_end(deletion) == 113131066
