"""vcf/open_vcf.py on its own: format sniffed from the bytes, the build read from the header, the
index checked against the data, and clear errors that name the file and the line.

Each test writes a tiny VCF in tmp_path and calls `open_vcf` directly (no annotation).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pysam
import pytest
from conftest import GRCH37_CHR2, GRCH38_CHR2, vcf_text

from il1rn_annot.errors import BuildMismatchError, InputError
from il1rn_annot.vcf.index_check import BGZF_EOF
from il1rn_annot.vcf.open_vcf import open_vcf

DATA = Path(__file__).resolve().parents[1] / "test_data"

E77X = "{chrom}\t113131068\t.\tG\tT\t50\tPASS\t.\tGT\t0/1"


def plain(
    tmp_path: Path,
    name: str = "calls.vcf",
    records: list[str] | None = None,
    samples: tuple[str, ...] = ("S",),
    **kwargs,
) -> Path:
    path = tmp_path / name
    path.write_text(vcf_text([E77X] if records is None else records, list(samples), **kwargs))
    return path


def bgzip(source: Path, index: str | None = None) -> Path:
    packed = source.with_name(source.name + ".gz")
    pysam.tabix_compress(str(source), str(packed), force=True)
    if index:
        pysam.tabix_index(str(packed), preset="vcf", force=True, keep_original=True, csi=index == "csi")
    return packed


def refused(path: Path, kb, build: str = "auto") -> InputError:
    with pytest.raises(InputError) as caught:
        open_vcf(path, kb, build)
    assert caught.value.path == str(path)  # every error names the file
    return caught.value


# -- format, from the content -------------------------------------------------------------------


def test_plain_vcf(tmp_path, kb):
    info, reader = open_vcf(plain(tmp_path, records=[E77X + "\t1/1"], samples=("A", "B")), kb)
    assert (info.format, info.contig, info.samples, info.index_path) == ("vcf", "chr2", ["A", "B"], None)
    assert info.header_line_count == len(vcf_text([], ["A", "B"]).splitlines())
    assert info.fileformat == "VCFv4.2" and not info.is_gvcf and info.name == "calls"
    assert [r.POS for r in reader] == [113131068]


@pytest.mark.parametrize("index, suffix", [(None, None), ("tbi", ".tbi"), ("csi", ".csi")])
def test_bgzipped_vcf_with_or_without_its_index(tmp_path, kb, index, suffix):
    info, _ = open_vcf(bgzip(plain(tmp_path), index), kb)
    assert info.format == "vcf.gz" and info.name == "calls"
    assert info.index_path == (None if suffix is None else str(tmp_path / f"calls.vcf.gz{suffix}"))
    assert info.warnings == []


def test_plain_gzip_is_told_from_bgzip(tmp_path, kb):
    source = plain(tmp_path)
    packed = tmp_path / "calls.vcf.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    info, _ = open_vcf(packed, kb)
    assert info.format == "vcf.gzip" and info.index_path is None


def test_bcf(tmp_path, kb):
    source = plain(tmp_path)
    out = tmp_path / "calls.bcf"
    with pysam.VariantFile(str(source)) as vin, pysam.VariantFile(str(out), "wb", header=vin.header) as vout:
        for rec in vin:
            vout.write(rec)
    info, reader = open_vcf(out, kb)
    assert (info.format, info.header_line_count, info.contig) == ("bcf", None, "chr2")
    assert info.build.build == "GRCh38" and [r.POS for r in reader] == [113131068]


def test_gvcf_is_recognised_by_its_header_or_its_name(tmp_path, kb):
    gatk = [
        '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele at this location">',
        "##GVCFBlock0-20=minGQ=0(inclusive),maxGQ=20(exclusive)",
    ]
    by_header, _ = open_vcf(plain(tmp_path, extra_header=gatk), kb)
    assert by_header.is_gvcf
    by_name, _ = open_vcf(bgzip(plain(tmp_path, "S.g.vcf")), kb)
    assert by_name.is_gvcf and by_name.name == "S"
    alt_only, _ = open_vcf(plain(tmp_path, "alt_only.vcf", extra_header=gatk[:1]), kb)
    assert alt_only.is_gvcf  # the <NON_REF> definition alone, without GATK's band lines
    assert not open_vcf(plain(tmp_path, "calls2.vcf"), kb)[0].is_gvcf


def test_sv_and_breakend_headers_are_noted(tmp_path, kb):
    snv, _ = open_vcf(plain(tmp_path, "snv.vcf", contigs=True), kb)
    assert snv.has_sv_header  # vcf_text declares SVLEN/SVTYPE and <DEL>, as a GATK header does
    assert not snv.has_breakend_header
    bnd, _ = open_vcf(
        plain(tmp_path, "bnd.vcf", extra_header=['##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate">']), kb
    )
    assert bnd.has_breakend_header


# -- genome build, from the header --------------------------------------------------------------


def test_build_from_the_chromosome_2_length(tmp_path, kb):
    info38, _ = open_vcf(plain(tmp_path, "a.vcf"), kb)
    assert (info38.build.build, info38.build.source) == ("GRCh38", "header")
    assert f"length {GRCH38_CHR2:,} = GRCh38" in info38.build.evidence
    info37, _ = open_vcf(plain(tmp_path, "b.vcf", build="GRCh37", records=[E77X]), kb)
    assert (info37.build.build, info37.contig) == ("GRCh37", "2")
    assert f"length {GRCH37_CHR2:,} = GRCh37" in info37.build.evidence


def test_build_from_the_reference_line_when_contigs_have_no_length(tmp_path, kb):
    info, _ = open_vcf(
        plain(tmp_path, contigs=False, build="GRCh37", extra_header=["##reference=file:///ref/human_g1k_v37.fasta"]), kb
    )
    assert info.build.build == "GRCh37" and "names GRCh37" in info.build.evidence


def test_a_silent_header_needs_the_build_stated_and_then_says_so(tmp_path, kb):
    path = plain(tmp_path, contigs=False)
    error = refused(path, kb)
    assert "cannot detect the genome build" in error.message and error.where == "header"
    info, _ = open_vcf(path, kb, "GRCh38")
    assert info.build.source == "user" and any("could not be confirmed" in w for w in info.warnings)


def test_a_header_that_contradicts_itself_or_the_stated_build_is_refused(tmp_path, kb):
    mixed = plain(tmp_path, "mixed.vcf", extra_header=["##reference=hg19.fa"])
    with pytest.raises(BuildMismatchError, match="the header contradicts itself"):
        open_vcf(mixed, kb)
    with pytest.raises(BuildMismatchError, match="--build GRCh37 contradicts the header"):
        open_vcf(plain(tmp_path, "b38.vcf"), kb, "GRCh37")


# -- the index ----------------------------------------------------------------------------------


def test_an_index_older_than_the_data_is_not_trusted(tmp_path, kb):
    packed = bgzip(plain(tmp_path), "tbi")
    index = Path(str(packed) + ".tbi")
    old = os.path.getmtime(packed) - 100
    os.utime(index, (old, old))
    info, _ = open_vcf(packed, kb)
    assert info.index_path is None and any("is older than the data file" in w for w in info.warnings)


def test_an_index_of_another_file_is_not_trusted(tmp_path, kb):
    """The index of a bigger file, renamed beside this one: its offsets point past this file's data."""
    big = bgzip(
        plain(
            tmp_path,
            "big.vcf",
            records=[f"{{chrom}}\t{113000000 + 7 * i}\t.\tG\tT\t50\tPASS\tDP={i}\tGT\t0/1" for i in range(20000)],
        ),
        "tbi",
    )
    small = bgzip(plain(tmp_path), None)
    Path(str(small) + ".tbi").write_bytes(Path(str(big) + ".tbi").read_bytes())
    info, _ = open_vcf(small, kb)
    assert info.index_path is None and any("does not match the data file" in w for w in info.warnings)


# -- clear errors naming the file and the line -----------------------------------------------------


def test_missing_empty_and_directory_inputs(tmp_path, kb):
    assert refused(tmp_path / "none.vcf", kb).message == "file not found"
    (tmp_path / "empty.vcf").write_bytes(b"")
    assert refused(tmp_path / "empty.vcf", kb).message == "file is empty"
    (tmp_path / "dir.vcf").mkdir()
    assert refused(tmp_path / "dir.vcf", kb).message == "is a directory, not a VCF"


@pytest.mark.parametrize(
    "damage, message, where",
    [
        (lambda t: "\ufeff" + t, "byte-order mark", "line 1"),
        (lambda t: "chr2\t1\t.\tA\tC\n" + t, "not a VCF: the first line", "line 1"),
        (lambda t: t.replace("\n", "\r\n"), "Windows (CRLF) line endings", "header"),
        (lambda t: t.replace("\tS\n", "\tS\tS\n"), "duplicate sample names in the header: S", "#CHROM line"),
        (
            lambda t: t.replace("\tS\n", '\tS\n##INFO=<ID=X,Number=1,Type=String,Description="x">\n', 1),
            "a '##' meta-information line follows the #CHROM line",
            "line {chrom_line_plus_1}",
        ),
        (
            lambda t: t.replace("#CHROM", "##CHROM"),
            "no '#CHROM' header line before the first record",
            "line {record_line}",
        ),
        (
            lambda t: t.replace('Description="Depth">', 'Description="Depth>'),
            "unbalanced double quote",
            "line {dp_line}",
        ),
        (
            lambda t: t.replace("\tFORMAT\tS\n", "\tFORMAT\n").replace("\tGT\t0/1", ""),
            "a FORMAT column but no sample columns",
            "#CHROM line",
        ),
    ],
)
def test_header_faults_are_named_with_their_line(tmp_path, kb, damage, message, where):
    text = vcf_text([E77X], ["S"])
    lines = text.splitlines()
    chrom_line = next(i for i, line in enumerate(lines, start=1) if line.startswith("#CHROM"))
    dp_line = next(i for i, line in enumerate(lines, start=1) if "ID=DP," in line)
    path = tmp_path / "bad.vcf"
    path.write_text(damage(text), newline="")
    error = refused(path, kb)
    assert message in error.message
    assert error.where == where.format(chrom_line_plus_1=chrom_line + 1, record_line=chrom_line + 1, dp_line=dp_line)
    assert error.hint  # and says what to do


def test_no_chromosome_2_in_the_header(tmp_path, kb):
    path = tmp_path / "chr1.vcf"
    path.write_text(vcf_text([], ["S"]).replace("ID=chr2,", "ID=chr1,"))
    error = refused(path, kb)
    assert error.message.startswith("no chromosome 2 contig in the header (contigs: chr1)") and error.where == "header"


def test_a_gz_name_on_plain_text_is_refused(tmp_path, kb):
    path = tmp_path / "calls.vcf.gz"
    path.write_text(vcf_text([E77X], ["S"]))
    assert "the name ends in .gz but the content is not gzip-compressed" in refused(path, kb).message


def test_a_bgzf_file_without_its_end_marker_is_truncated(tmp_path, kb):
    packed = bgzip(plain(tmp_path))
    data = packed.read_bytes()
    assert data.endswith(BGZF_EOF)
    packed.write_bytes(data[: -len(BGZF_EOF)])
    assert "end-of-file marker is missing: the file is truncated" in refused(packed, kb).message


@pytest.mark.parametrize("packing", ["vcf", "bgzip"])
def test_a_last_record_cut_short_is_refused_and_a_complete_one_read_with_a_warning(tmp_path, kb, packing):
    text = vcf_text(["{chrom}\t113129619\t.\tC\tT\t50\tPASS\t.\tGT\t1/1", E77X.replace("0/1", "1/1")], ["S"])
    cut = tmp_path / "cut.vcf"
    cut.write_text(text.rstrip("\n")[:-2])  # "1/1" -> "1"
    whole = tmp_path / "whole.vcf"
    whole.write_text(text.rstrip("\n"))
    if packing == "bgzip":
        cut, whole = bgzip(cut), bgzip(whole)
    error = refused(cut, kb)
    assert "its last record is cut off" in error.message and error.where == "last line (record chr2:113131068)"
    info, _ = open_vcf(whole, kb)
    assert any("does not end with a newline" in w and "is complete and was read" in w for w in info.warnings)


def test_a_sites_only_file_is_read_and_says_no_sample_can_be_interpreted(tmp_path, kb):
    path = tmp_path / "sites.vcf"
    text = vcf_text(["{chrom}\t113131068\t.\tG\tT\t50\tPASS\t."], ["S"]).replace("\tFORMAT\tS\n", "\n")
    path.write_text(text)
    info, _ = open_vcf(path, kb)
    assert info.samples == [] and any("no sample columns" in w for w in info.warnings)


def test_an_index_htslib_cannot_load_is_named_as_the_index_not_blamed_on_a_record(tmp_path):
    """htslib's "Could not retrieve index file" during a query used to read as "htslib cannot parse
    this record" with the first record quoted: the lab would edit a good record. It names the index."""
    import os
    from types import SimpleNamespace

    from il1rn_annot.vcf.diagnose import parse_failure

    def replay() -> None:
        os.write(2, b"[E::idx_find_and_load] Could not retrieve index file for 'calls.vcf.gz'\n")
        raise OSError("index")

    info = SimpleNamespace(path=tmp_path / "calls.vcf.gz", samples=["S"])
    line = "chr2\t113128500\t.\tG\tA\t385.61\t.\tDP=29\tGT\t0/1"
    error = parse_failure(info, "record chr2:113128500", line, None, Exception("x"), replay)
    assert "could not load the index" in str(error) and "Could not retrieve index file" in str(error)
    assert "cannot parse this record" not in str(error)
    assert "tabix -p vcf" in str(error)


def test_opening_an_indexed_input_leaves_no_link_or_folder_behind(tmp_path, kb, monkeypatch):
    """The index-free header read opens a bgzipped input through a symbolic link (vcf_input):
    the link goes as soon as the file is open, and no folder is left per process or per input
    (forked readers exit without exit handlers)."""
    import tempfile

    from il1rn_annot.vcf import vcf_input

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(vcf_input, "_LINK_FOLDER", [])
    for _ in range(3):
        open_vcf(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", kb)
    folders = list(tmp_path.iterdir())
    assert [p.name for p in folders] == [f"il1rn-annot-links-{os.getuid()}"]
    assert list(folders[0].iterdir()) == []
    assert oct(folders[0].stat().st_mode & 0o777) == oct(0o700)


def test_a_link_folder_that_is_not_the_users_own_is_not_used(tmp_path, kb, monkeypatch):
    import tempfile

    from il1rn_annot.vcf import vcf_input

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(vcf_input, "_LINK_FOLDER", [])
    shared = tmp_path / f"il1rn-annot-links-{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # writable by others: never trusted
    info, _ = open_vcf(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", kb)
    assert info.samples == ["PATIENT_HOM_E77X"]
    assert vcf_input._LINK_FOLDER[0] != str(shared)
