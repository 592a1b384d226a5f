"""Files shaped like real callers' output (issue 16): breakend pairs, translocations, a last line
without its newline, symbolic insertions, 8-column records, sites-only files, and the messages.

Every fixture is written here, in the shape the named caller writes (record IDs, INFO keys,
FORMAT columns); coordinates are real GRCh38 `chr2` / GRCh37 `2` positions around IL1RN
(GRCh38 NM_173842.3 113,127,598-113,134,014; GRCh37 = GRCh38 + 757,577 at this locus).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import cyvcf2
import pysam
import pytest
from conftest import spy_scan_workers, vcf_text

from il1rn_annot.annotate_vcf import scan
from il1rn_annot.annotate_vcf.run import FileResult, annotate_file
from il1rn_annot.cli import main
from il1rn_annot.cli import main as cli_main
from il1rn_annot.errors import BuildMismatchError, InputError
from il1rn_annot.vcf.record_extent import junction_reading, parse_breakend

DATE = "2026-01-01T00:00:00Z"
SHIFT = {"GRCh38": 0, "GRCh37": 757_577}  # GRCh37 position = GRCh38 position + SHIFT at IL1RN
WINDOW38 = (113115598, 113136014)
BND_HEADER = [
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakends">',
    '##INFO=<ID=EVENT,Number=1,Type=String,Description="ID of event associated to breakend">',
    '##INFO=<ID=PARID,Number=1,Type=String,Description="ID of partner breakend">',
    '##INFO=<ID=SPAN,Number=1,Type=Integer,Description="Distance between the breakpoints">',
    '##INFO=<ID=CHR2,Number=1,Type=String,Description="Chromosome for END coordinate">',
    '##INFO=<ID=CT,Number=1,Type=String,Description="Paired-end signature induced connection type">',
    '##ALT=<ID=TRA,Description="Translocation">',
    '##ALT=<ID=INS,Description="Insertion">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=SR,Number=1,Type=Integer,Description="Split reads">',
    '##FORMAT=<ID=DR,Number=1,Type=Integer,Description="Discordant read pairs">',
]
E77X = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\tDP=28"  # c.229G>T p.(Glu77Ter), GRCh38


def write(
    tmp_path: Path,
    name: str,
    records: list[str],
    samples: list[str],
    packing: str = "vcf",
    build: str = "GRCh38",
    final_newline: bool = True,
    header: list[str] | None = None,
) -> Path:
    """A VCF of `records` ({chrom} filled in) as plain text, bgzip, or bgzip + tabix index."""
    text = vcf_text(records, samples, build=build, extra_header=BND_HEADER + (header or []))
    if not final_newline:
        text = text.rstrip("\n")
    plain = tmp_path / f"{name}.vcf"
    plain.write_text(text)
    if packing == "vcf":
        return plain
    packed = tmp_path / f"{name}.vcf.gz"
    pysam.tabix_compress(str(plain), str(packed), force=True)
    plain.unlink()
    if packing == "bgzip+index":
        pysam.tabix_index(str(packed), preset="vcf", force=True, keep_original=True)
    return packed


def run(path: Path, tmp_path: Path, **kwargs: Any) -> FileResult:
    return annotate_file(
        path, tmp_path / f"out_{path.name}", kwargs.pop("kb"), date=DATE, command_line="il1rn-annot test", **kwargs
    )


def status(result: FileResult) -> dict[str, str]:
    return {s.sample: s.dira_status for s in result.samples}


def warnings_of(result: FileResult) -> list[str]:
    return result.payload["provenance"]["warnings"]


def p(build: str, pos: int) -> int:
    return pos + SHIFT[build]


# ---------------------------------------------------------------------------------------
# deletions written as breakend pairs


def svaba_pair(build: str, left: int, right: int, gt: str) -> list[str]:
    """SvABA: IDs N:1 / N:2, SVTYPE=BND, MATEID, SPAN; FORMAT GT:AD:DP:GQ:PL:SR:DR:LR (trimmed to GT:GQ:SR:DR)."""
    a, b = p(build, left), p(build, right)
    return [
        (
            f"{{chrom}}\t{a}\t4512:1\tG\tG[{{chrom}}:{b}[\t78\tPASS\tSVTYPE=BND;MATEID=4512:2;SPAN={b - a}\t"
            f"GT:GQ:SR:DR\t{gt}:60:14:22"
        ),
        (
            f"{{chrom}}\t{b}\t4512:2\tA\t]{{chrom}}:{a}]A\t78\tPASS\tSVTYPE=BND;MATEID=4512:1;SPAN={b - a}\t"
            f"GT:GQ:SR:DR\t{gt}:60:14:22"
        ),
    ]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("packing", ["vcf", "bgzip", "bgzip+index"])
def test_svaba_homozygous_breakend_pair_is_a_deletion(build, packing, tmp_path, kb):
    """The issue's pair G[2:113140000[ / ]2:113100000]A over IL1RN: once 'no records at the
    IL1RN locus ... no pathogenic variant'; now one homozygous deletion, counted once."""
    path = write(tmp_path, "svaba", svaba_pair(build, 113100000, 113140000, "1/1"), ["TUMOR_BAM"], packing, build)
    result = run(path, tmp_path, kb=kb)
    assert status(result) == {"TUMOR_BAM": "consistent_with_DIRA"}
    (allele,) = result.payload["alleles"]  # the two mates are one event
    assert allele["variant_type"] == "sv_deletion"
    assert (allele["pos"], allele["end"]) == (p(build, 113100000), p(build, 113139999))
    assert allele["carriers"] == 1 and allele["homozygotes"] == 1 and allele["allele_count"] == 2
    assert {g["gene"]: g["fraction"] for g in allele["deleted_genes"]}["IL1RN"] == 1.0
    assert any("deletion orientation, VCF 4.3 section 5.4" in n and "MATEID 4512:2" in n for n in allele["notes"])
    (finding,) = result.samples[0].findings
    assert finding["zygosity"] == "homozygous"
    assert result.payload["locus"]["records_read"] == 2
    # both mates are in the annotated VCF, each annotated as the deletion
    classes = [r.INFO.get("IL1RN_CLASS") for r in cyvcf2.VCF(result.outputs["vcf"])]
    assert classes == ["likely_pathogenic", "likely_pathogenic"]


@pytest.mark.parametrize("packing", ["vcf", "bgzip+index"])
def test_pair_with_both_mates_outside_the_window_is_fetched(packing, tmp_path, kb):
    """Left end 2 Mb upstream, right end 1 Mb downstream: neither record is in the screen
    window; the left end is found by the SV look-back query and reaches over it."""
    left, right = WINDOW38[0] - 2_000_000, WINDOW38[1] + 1_000_000
    rows = svaba_pair("GRCh38", left, right, "0/1")
    path = write(tmp_path, "wide", [rows[0], E77X + "\tGT:GQ:SR:DR\t0/1:50:0:0", rows[1]], ["S1"], packing)
    result = run(path, tmp_path, kb=kb)
    deletion = next(a for a in result.payload["alleles"] if a["variant_type"] == "sv_deletion")
    assert (deletion["pos"], deletion["end"]) == (left, right - 1)
    # E77X called 0/1 inside the heterozygous deletion: the calls disagree (one copy is left there),
    # so the pair is not taken to be in trans (phase.discordant_inside_note)
    assert status(result) == {"S1": "possible_DIRA"}
    assert "the two calls disagree" in result.samples[0].status_sentence
    assert sorted(f["allele_id"] for f in result.samples[0].findings) == [
        f"chr2:{left}:G:G[chr2:{right}[",
        "chr2:113131068:G:T",
    ]


def gridss_pair(build: str, left: int, right: int, gt: str, with_left: bool = True) -> list[str]:
    """GRIDSS: IDs gridssN_Mo / gridssN_Mh, SVTYPE=BND, EVENT and PARID (MATEID absent). GRIDSS
    writes no diploid genotype itself; GT is as a downstream genotyper adds it."""
    a, b = p(build, left), p(build, right)
    rows = [
        (
            f"{{chrom}}\t{a}\tgridss3_88o\tC\tC[{{chrom}}:{b}[\t912.3\tPASS\tSVTYPE=BND;EVENT=gridss3_88;"
            f"PARID=gridss3_88h\tGT\t{gt}"
        ),
        (
            f"{{chrom}}\t{b}\tgridss3_88h\tT\t]{{chrom}}:{a}]T\t912.3\tPASS\tSVTYPE=BND;EVENT=gridss3_88;"
            f"PARID=gridss3_88o\tGT\t{gt}"
        ),
    ]
    return rows if with_left else rows[1:]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_gridss_event_parid_pair_is_one_heterozygous_deletion(build, tmp_path, kb):
    path = write(tmp_path, "gridss", gridss_pair(build, 113126000, 113129700, "0/1"), ["NA12878"], "bgzip+index", build)
    result = run(path, tmp_path, kb=kb)
    (allele,) = result.payload["alleles"]
    assert allele["variant_type"] == "sv_deletion" and allele["carriers"] == 1 and allele["homozygotes"] == 0
    assert (allele["pos"], allele["end"]) == (p(build, 113126000), p(build, 113129699))
    assert allele["exons_removed"] == [1, 2] and any("PARID gridss3_88h" in n for n in allele["notes"])
    assert status(result) == {"NA12878": "carrier"}


@pytest.mark.parametrize("packing", ["vcf", "bgzip+index"])
def test_right_end_alone_far_past_the_window_is_fetched(packing, tmp_path, kb):
    """Only the right end of a junction is in the file (its left end filtered out), 3 Mb past the
    window: read by the breakend look-ahead query, as a deletion back to its partner."""
    left, right = 113120000, WINDOW38[1] + 3_000_000
    path = write(tmp_path, "right_only", gridss_pair("GRCh38", left, right, "1/1", with_left=False), ["S1"], packing)
    result = run(path, tmp_path, kb=kb)
    (allele,) = result.payload["alleles"]
    assert allele["variant_type"] == "sv_deletion" and (allele["pos"], allele["end"]) == (left, right - 1)
    assert status(result) == {"S1": "consistent_with_DIRA"}


def manta_bnd(build: str, pos: int, ref: str, alt: str, mate: str, own: str, gt: str = "0/1") -> str:
    return (
        f"{{chrom}}\t{p(build, pos)}\tMantaBND:{own}\t{ref}\t{alt}\t999\tPASS\tSVTYPE=BND;MATEID=MantaBND:{mate}\t"
        f"GT:GQ\t{gt}:99"
    )


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_manta_duplication_and_inversion_orientations_are_named(build, tmp_path, kb):
    a, b = p(build, 113129000), p(build, 113133000)
    rows = [  # tandem duplication a..b: ]p]t at the left end, t[p[ at the right end
        manta_bnd(build, 113129000, "T", f"]{{chrom}}:{b}]T", "1:0:1:0:0:0:1", "1:0:1:0:0:0:0"),
        manta_bnd(build, 113133000, "G", f"G[{{chrom}}:{a}[", "1:0:1:0:0:0:0", "1:0:1:0:0:0:1"),
        # inversion junction: t]p] joins a base to the reverse complement ending at p
        manta_bnd(build, 113130500, "A", f"A]{{chrom}}:{p(build, 113134500)}]", "2:0:1:0:0:0:1", "2:0:1:0:0:0:0"),
    ]
    rows.sort(key=lambda r: int(r.split("\t")[1]))
    result = run(write(tmp_path, "manta", rows, ["PROBAND"], "bgzip+index", build), tmp_path, kb=kb)
    alleles = result.payload["alleles"]
    assert [a["variant_type"] for a in alleles] == ["breakend", "breakend"]  # dup counted once, inversion once
    dup, inv = sorted(alleles, key=lambda a: a["pos"])
    assert dup["carriers"] == 1 and any("duplication junction" in n for n in dup["notes"])
    assert any("inversion junction" in n for n in inv["notes"])
    sentence = result.samples[0].status_sentence
    assert f"duplication junction {'chr2' if build == 'GRCh38' else '2'}:{a}-{b}" in sentence
    assert "inversion junction" in sentence
    assert status(result) == {"PROBAND": "uncertain_significance"}


def test_breakend_reading_follows_the_spec_table():
    """VCF 4.3 section 5.4: the four bracket forms, read by where the partner lies."""

    def reading(pos: int, alt: str) -> tuple[str, int, int]:
        junction = parse_breakend(alt)
        assert junction is not None
        return junction_reading("2", pos, junction)

    assert reading(100, "G[2:200[") == ("deletion", 100, 200)
    assert reading(200, "]2:100]A") == ("deletion", 100, 200)
    assert reading(100, "]chr2:200]G") == ("duplication", 100, 200)  # chr2 and 2 are one chromosome
    assert reading(200, "A[2:100[") == ("duplication", 100, 200)
    assert reading(100, "G]2:200]") == ("inversion", 100, 200)
    assert reading(200, "[2:100[A") == ("inversion", 100, 200)
    assert reading(100, "G[5:200[") == ("translocation", 100, 100)
    assert parse_breakend("G.") is None and parse_breakend("<DEL>") is None and parse_breakend("G[2:1]") is None


def test_parallel_ranges_count_a_pair_split_between_them_once(tmp_path, kb, monkeypatch):
    """Mates read by different worker ranges: the merge drops the later end, as one pass does."""
    n = 120
    samples = [f"S{i:03d}" for i in range(n)]
    gts = ["1/1" if i == 3 else "0/1" if i in (5, 9) else "0/0" for i in range(n)]
    left, right = 113100000, 113135900  # right end inside the window, in the last range
    rows = [f"{{chrom}}\t{left}\t7:1\tG\tG[{{chrom}}:{right}[\t60\tPASS\tSVTYPE=BND;MATEID=7:2\tGT\t" + "\t".join(gts)]
    rows += [
        f"{{chrom}}\t{pos}\t.\tA\tC\t50\tPASS\t.\tGT\t" + "\t".join(["0/1"] + ["0/0"] * (n - 1))
        for pos in range(113116000, 113135000, 500)
    ]
    rows.append(
        f"{{chrom}}\t{right}\t7:2\tA\t]{{chrom}}:{left}]A\t60\tPASS\tSVTYPE=BND;MATEID=7:1\tGT\t" + "\t".join(gts)
    )
    path = write(tmp_path, "joint_bnd", rows, samples, "bgzip+index")
    one = run(path, tmp_path / "one", kb=kb, threads=1)
    monkeypatch.setattr(scan, "PARALLEL_MIN_SAMPLES", 100)
    monkeypatch.setattr(scan, "VCF_GENOTYPES_MAX_SAMPLES", 50)
    used = spy_scan_workers(monkeypatch)
    two = run(path, tmp_path / "two", kb=kb, threads=2)
    assert used == [2]
    deletions = [a for a in two.payload["alleles"] if a["variant_type"] == "sv_deletion"]
    assert len(deletions) == 1 and deletions[0]["carriers"] == 3 and deletions[0]["homozygotes"] == 1
    assert status(two) == status(one)
    assert status(two)["S003"] == "consistent_with_DIRA" and status(two)["S005"] == "carrier"
    assert [a["allele_id"] for a in two.payload["alleles"]] == [a["allele_id"] for a in one.payload["alleles"]]


# ---------------------------------------------------------------------------------------
# translocations


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize(
    "caller, info",
    [
        # novoBreak: END > POS on the partner chromosome (once a 235 Mb chr2 span over IL1RN)
        ("novobreak", "SVTYPE=TRA;CHR2={other};END=235000000;SVLEN=0"),
        # DELLY: END < POS (once refused: 'END lies before POS'), CT connection type, PRECISE CIPOS
        ("delly", "PRECISE;SVTYPE=TRA;CHR2={other};END=1204667;CT=3to5;CIPOS=-2,2;CIEND=-2,2"),
    ],
)
def test_translocation_is_a_breakpoint_at_pos_with_its_partner(build, caller, info, tmp_path, kb):
    other = "chr7" if build == "GRCh38" else "7"
    pos = p(build, 113131000)
    rows = [f"{{chrom}}\t{pos}\t{caller}_TRA1\tN\t<TRA>\t.\tPASS\t{info.format(other=other)}\tGT:GQ\t0/1:40"]
    result = run(write(tmp_path, caller, rows, ["S1"], "bgzip+index", build), tmp_path, kb=kb)
    (allele,) = result.payload["alleles"]
    assert allele["pos"] == allele["end"] == pos
    assert allele["deleted_genes"] == [] and allele["variant_type"] == "other_sv"
    end = info.split("END=")[1].split(";")[0]
    assert any(
        f"translocation breakpoint at {'chr2' if build == 'GRCh38' else '2'}:{pos}, partner {other}:{end}" in n
        for n in allele["notes"]
    )
    assert "translocation" in result.samples[0].status_sentence


def test_translocation_far_from_il1rn_is_not_read_as_a_span_over_it(tmp_path, kb):
    """A TRA at chr2:50 Mb whose END (150 Mb, on chr7) htslib takes as a chr2 end: not at IL1RN."""
    rows = [
        "{chrom}\t50000000\tTRA9\tN\t<TRA>\t.\tPASS\tSVTYPE=TRA;CHR2=chr7;END=150000000\tGT\t1/1",
        # DELLY 1.x breakend translocation, END = the partner's position (beyond chr2's length)
        "{chrom}\t60000000\tBND7\tN\tN]chr1:245000000]\t.\tPASS\tSVTYPE=BND;CHR2=chr1;END=245000000\tGT\t0/1",
    ]
    for packing in ("vcf", "bgzip+index"):
        result = run(write(tmp_path, f"far_{packing}", rows, ["S1"], packing), tmp_path, kb=kb)
        assert result.payload["locus"]["records_read"] == 0 and result.payload["alleles"] == []


def test_breakend_translocation_is_named_with_its_partner(tmp_path, kb):
    """DELLY 1.x / Sniffles: a breakend ALT on another chromosome."""
    rows = ["{chrom}\t113130000\tBND00001\tA\tA[chr5:1204667[\t.\tPASS\tSVTYPE=BND;CHR2=chr5;END=1204667\tGT\t0/1"]
    result = run(write(tmp_path, "delly_bnd", rows, ["S1"]), tmp_path, kb=kb)
    (allele,) = result.payload["alleles"]
    assert allele["pos"] == allele["end"] == 113130000
    assert "translocation breakpoint chr2:113130000, partner chr5:1204667" in result.samples[0].status_sentence


# ---------------------------------------------------------------------------------------
# a last line without its newline


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_complete_last_line_without_newline_reads_alike_in_every_packing(build, tmp_path, kb):
    rows = [
        f"{{chrom}}\t{p(build, 113129630)}\trs419598\tT\tC\t50\tPASS\tDP=30\tGT\t0/1",
        f"{{chrom}}\t{p(build, 113131068)}\t.\tG\tT\t50\tPASS\tDP=28\tGT\t1/1",
    ]
    seen = []
    for packing in ("vcf", "bgzip", "bgzip+index"):
        path = write(
            tmp_path / packing if (tmp_path / packing).mkdir() is None else tmp_path,
            "nonl",
            rows,
            ["S1"],
            packing,
            build,
            final_newline=False,
        )
        result = run(path, tmp_path / packing, kb=kb)
        said = [w for w in warnings_of(result) if "does not end with a newline" in w]
        seen.append((status(result), said))
    assert seen[0][0] == {"S1": "consistent_with_DIRA"}
    assert len(seen[0][1]) == 1 and "is complete and was read" in seen[0][1][0]
    assert seen[0] == seen[1] == seen[2]


@pytest.mark.parametrize(
    "cut, problem",
    [
        ("1", "last genotype '1' has fewer alleles"),  # GT 1/1 cut to 1: would read as hemizygous
        ("1/", "ends in a separator"),
        ("1/1:", "ends in ':'"),
        (None, "8 of the 10 tab-separated columns"),  # cut after INFO
    ],
)
def test_record_really_cut_is_refused_in_every_packing(cut, problem, tmp_path, kb):
    last = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\tDP=28" + ("" if cut is None else f"\tGT:DP\t{cut}")
    rows = ["{chrom}\t113129630\trs419598\tT\tC\t50\tPASS\tDP=30\tGT:DP\t0/1:30", last]
    for packing in ("vcf", "bgzip", "bgzip+index"):
        folder = tmp_path / packing
        folder.mkdir()
        path = write(folder, "cut", rows, ["S1"], packing, final_newline=False)
        with pytest.raises(InputError) as caught:
            run(path, folder, kb=kb)
        assert "does not end with a newline and its last record is cut off" in caught.value.message
        assert problem in caught.value.message and "record chr2:113131068" in caught.value.where


def test_haploid_last_call_is_not_mistaken_for_a_cut_one_on_another_chromosome(tmp_path, kb):
    rows = [E77X + "\tGT\t1/1", "chrX\t5000000\t.\tA\tG\t50\tPASS\t.\tGT\t1"]
    text = vcf_text(rows, ["S1"], extra_header=["##contig=<ID=chrX,length=156040895>"]).rstrip("\n")
    path = tmp_path / "haploid_x.vcf"
    path.write_text(text)
    result = run(path, tmp_path, kb=kb)
    assert status(result) == {"S1": "consistent_with_DIRA"}


# ---------------------------------------------------------------------------------------
# symbolic insertions, 8-column records, sites-only files


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_symbolic_insertion_without_end_spans_pos_to_pos_plus_one(build, tmp_path, kb):
    """Sniffles/Manta <INS> with SVLEN=300 and no END: once a 300 bp span."""
    pos = p(build, 113130000)
    rows = [f"{{chrom}}\t{pos}\tSniffles2.INS.1\tN\t<INS>\t60\tPASS\tPRECISE;SVTYPE=INS;SVLEN=300\tGT\t0/1"]
    result = run(write(tmp_path, "ins", rows, ["S1"], "bgzip+index", build), tmp_path, kb=kb)
    (allele,) = result.payload["alleles"]
    assert (allele["pos"], allele["end"]) == (pos, pos + 1)
    chrom = "chr2" if build == "GRCh38" else "2"
    assert f"insertion {chrom}:{pos}-{pos + 1}" in result.samples[0].status_sentence


def manta_rows() -> list[str]:
    """Manta: genotyped <DEL> records and, among them, 8-column BND records (no FORMAT/sample
    columns) in a file whose header names the sample; one far from IL1RN, one at it."""
    return [
        (
            "{chrom}\t50000000\tMantaBND:10:0:1:0:0:0:0\tG\tG]chr9:1000]\t.\tPASS\t"
            "SVTYPE=BND;MATEID=MantaBND:10:0:1:0:0:0:1"
        ),
        "{chrom}\t60000000\tMantaDEL:11:0:1:0:0:0\tA\t<DEL>\t999\tPASS\tSVTYPE=DEL;END=60001000;SVLEN=-1000\tGT:GQ\t0/1:99",
        "{chrom}\t70000000\tMantaBND:12:0:1:0:0:0:0\tC\tC[chr9:2000[\t.\tPASS\tSVTYPE=BND;MATEID=MantaBND:12:0:1:0:0:0:1",
        E77X + "\tGT:GQ\t0/1:99",
    ]


@pytest.mark.parametrize("packing", ["vcf", "bgzip+index"])
def test_eight_column_records_give_one_warning_per_file(packing, tmp_path, kb):
    result = run(write(tmp_path, "manta8", manta_rows(), ["PROBAND"], packing), tmp_path, kb=kb)
    said = [w for w in warnings_of(result) if "fewer columns than the header" in w]
    assert len(said) == 1
    assert said[0].startswith("2 record(s) in the file have fewer columns") and "first at chr2:50000000" in said[0]
    assert "none at the IL1RN locus" in said[0]
    assert status(result) == {"PROBAND": "carrier"}


def test_eight_column_record_at_the_locus_is_named(tmp_path, kb):
    rows = [
        manta_rows()[0],
        "{chrom}\t113129999\tMantaDEL:5:0:1:0:0:0\tN\t<DEL>\t999\tPASS\tSVTYPE=DEL;END=113133000",
        E77X + "\tGT:GQ\t0/1:99",
    ]
    result = run(write(tmp_path, "manta8_locus", rows, ["PROBAND"], "bgzip+index"), tmp_path, kb=kb)
    (said,) = [w for w in warnings_of(result) if "fewer columns than the header" in w]
    assert "at the IL1RN locus, record chr2:113129999 N><DEL> has no genotype columns" in said
    assert "attributed to no sample" in said


def test_sites_only_indexed_grch37_file_lists_its_sites(tmp_path, kb):
    text = (
        vcf_text([], [], build="GRCh37").replace("\tFORMAT", "")
        + "2\t113887207\trs419598\tT\tC\t50\tPASS\tDP=30\n2\t113888645\t.\tG\tT\t50\tPASS\tDP=28\n"
    )
    plain = tmp_path / "sites37.vcf"
    plain.write_text(text)
    path = Path(pysam.tabix_index(str(plain), preset="vcf", force=True))
    result = run(path, tmp_path, kb=kb)
    with open(result.outputs["tsv"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert [(r["sample"], r["pos"], r["hgvs_c"], r["zygosity"]) for r in rows] == [
        ("", "113887207", "c.171T>C", ""),
        ("", "113888645", "c.229G>T", ""),
    ]
    assert any("no sample columns" in w for w in warnings_of(result))


# ---------------------------------------------------------------------------------------
# messages


def gatk_b37_header() -> str:
    """A GATK/Picard b37 header: 84 ##contig lines with assembly=b37, as HaplotypeCaller writes."""
    names = [str(i) for i in range(1, 23)] + ["X", "Y", "MT"] + [f"GL0002{i:02d}.1" for i in range(59)]
    lengths = {"1": 249250621, "2": 243199373}
    lines = ["##fileformat=VCFv4.2", '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">']
    lines += [f"##contig=<ID={n},length={lengths.get(n, 155270560)},assembly=b37>" for n in names]
    lines += [
        "##reference=file:///ref/human_g1k_v37.fasta",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    return "\n".join(lines) + "\n2\t113888645\t.\tG\tT\t50\tPASS\t.\tGT\t1/1\n"


def test_wrong_build_error_names_chromosome_2_and_counts_the_other_contigs(tmp_path, kb):
    path = tmp_path / "b37.vcf"
    path.write_text(gatk_b37_header())
    with pytest.raises(BuildMismatchError) as caught:
        run(path, tmp_path, kb=kb, build="GRCh38")
    text = str(caught.value)
    assert len(text) < 700, "was one 5.7 kB line listing every contig"
    assert "##contig 2 length 243,199,373 = GRCh37" in text
    assert "##contig=<ID=2,length=243199373,assembly=b37> names GRCh37" in text
    assert "83 other ##contig line(s) name GRCh37" in text and "GL000258" not in text


def test_htslib_reason_is_carried_to_the_cohort_error_column(tmp_path, monkeypatch):
    """The error once said 'see htslib's message above', which the cohort table does not show."""
    monkeypatch.chdir(tmp_path)
    rows = ["{chrom}\t113129630\t.\tT\tC\t50\tPASS\t.\tGT:DP\t0/1:deep", E77X + "\tGT:DP\t1/1:30"]
    write(tmp_path, "bad_dp", rows, ["BAD"], "bgzip+index")
    write(tmp_path, "good", [E77X + "\tGT:DP\t0/1:30"], ["GOOD"])
    assert (
        main(
            [
                "annotate",
                "bad_dp.vcf.gz",
                "good.vcf",
                "-o",
                "ann",
                "--keep-going",
                "--manifest",
                "m.json",
                "--date",
                DATE,
                "--no-record-command",
            ]
        )
        == 0
    )
    entry = next(e for e in json.loads(Path("m.json").read_text())["inputs"] if e["status"] != "ok")
    assert "Invalid character 'd' in 'DP' FORMAT field at chr2:113129630" in entry["error"]
    assert main(["cohort", "--manifest", "m.json", "-o", "out", "--date", DATE]) == 0
    with open("out/summary.tsv", encoding="utf-8", newline="") as handle:
        rows_out = {r["sample"]: r for r in csv.DictReader(handle, delimiter="\t")}
    assert "Invalid character 'd' in 'DP' FORMAT field" in rows_out["BAD"]["error"]
    assert "message above" not in rows_out["BAD"]["error"]


@pytest.mark.parametrize("packing", ["vcf", "bgzip"])
@pytest.mark.parametrize(
    "damage, message, where",
    [
        ("late_meta", "'##' meta-information line follows the #CHROM line", "line"),
        ("crlf", "Windows (CRLF) line endings", "header"),
        ("quote", "unbalanced double quote in a header line", "line"),
    ],
)
def test_header_faults_stay_clear_errors(packing, damage, message, where, tmp_path, kb):
    text = vcf_text([E77X + "\tGT\t1/1"], ["S1"])
    lines = text.split("\n")
    chrom = next(k for k, line in enumerate(lines) if line.startswith("#CHROM"))
    if damage == "late_meta":  # a ##INFO line appended after the #CHROM line by a script
        lines.insert(chrom + 1, '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">')
    elif damage == "quote":
        lines[chrom - 1] = '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth>'
    text = "\n".join(lines)
    if damage == "crlf":
        text = text.replace("\n", "\r\n")
    plain = tmp_path / f"{damage}.vcf"
    plain.write_text(text, newline="")
    path = plain
    if packing == "bgzip":
        path = tmp_path / f"{damage}.vcf.gz"
        pysam.tabix_compress(str(plain), str(path), force=True)
    with pytest.raises(InputError) as caught:
        run(path, tmp_path, kb=kb)
    assert message in caught.value.message and caught.value.where.startswith(where)
    assert caught.value.path == str(path) and caught.value.hint


def test_eight_column_records_in_a_large_or_non_sv_indexed_file_are_counted_where_read(tmp_path, kb):
    """An indexed SNV/indel file (no SV header) is not read whole: the warning counts the records
    the index query read and says so, rather than claiming a file-wide count."""
    text = vcf_text(
        [
            "{chrom}\t50000000\t.\tG\tT\t50\tPASS\tDP=9",
            "{chrom}\t113116000\t.\tC\tA\t50\tPASS\tDP=9",
            E77X + "\tGT\t0/1",
        ],
        ["S1"],
    )
    text = "\n".join(
        line for line in text.split("\n") if "SVTYPE" not in line and "SVLEN" not in line and "ID=DEL" not in line
    )
    plain = tmp_path / "gatk_like.vcf"
    plain.write_text(text)
    path = Path(pysam.tabix_index(str(plain), preset="vcf", force=True))
    result = run(path, tmp_path, kb=kb)
    (said,) = [w for w in warnings_of(result) if "fewer columns than the header" in w]
    assert said.startswith("1 record(s) among the records read around the locus")
    assert "at the IL1RN locus, record chr2:113116000 C>A has no genotype columns" in said


def test_no_chromosome_2_error_counts_the_contigs_it_does_not_list(tmp_path, kb):
    """A chr1-only file with a full GRCh38 contig list (without chr2): six names and a count."""
    names = (
        ["chr1"]
        + [f"chr{i}" for i in range(3, 23)]
        + ["chrX", "chrY", "chrM"]
        + [f"chrUn_KI2707{i:02d}v1" for i in range(40)]
    )
    header = ["##fileformat=VCFv4.2"] + [f"##contig=<ID={n},length=1000000>" for n in names]
    header += [
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    path = tmp_path / "chr1_only.vcf"
    path.write_text("\n".join([*header, "chr1\t1000\t.\tA\tG\t50\tPASS\t.\tGT\t0/1"]) + "\n")
    with pytest.raises(InputError) as caught:
        run(path, tmp_path, kb=kb)
    assert "contigs: chr1, chr3, chr4, chr5, chr6, chr7 and 58 more" in caught.value.message
    assert "chrUn_KI270739v1" not in caught.value.message


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_missing_confidence_interval_members_are_read_as_no_interval(make_vcf, tmp_path, kb, build):
    """`CIPOS=.,.` is legal VCF (both members missing); it stopped annotate with an internal
    TypeError ('this is a bug', exit 3). It now reads as no interval stated."""
    shift = 0 if build == "GRCh38" else 757_577
    record = (
        f"{{chrom}}\t{113127000 + shift}\tdel1\tN\t<DEL>\t.\tPASS\t"
        f"SVTYPE=DEL;END={113135000 + shift};CIPOS=.,.;CIEND=-10,.\tGT\t1/1"
    )
    path = make_vcf("ci_missing.vcf", [record], ["S1"], build=build)
    out = tmp_path / "out"
    assert cli_main(["annotate", str(path), "-o", str(out), "--date", "2026-01-01"]) == 0
    row = (out / "ci_missing.sample_status.tsv").read_text().splitlines()[1].split("\t")
    assert row[1] == "consistent_with_DIRA"
