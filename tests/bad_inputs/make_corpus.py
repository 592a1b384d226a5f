#!/usr/bin/env python3
"""Write the bad-input corpus: bad, odd and hostile VCF/BCF files (and two sample sheets).

Run from anywhere: `/work/venv/bin/python tests/bad_inputs/make_corpus.py [OUTDIR]`
(default: this folder). Only the standard library and pysam are used; the output is the
same every time (bgzip/BCF bytes can differ between pysam builds; `test_corpus_is_current`
compares decompressed content). `tests/test_bad_inputs.py` asserts the exact behaviour for
every file; `CORPUS` below says in one line what each file is and what must happen.

Coordinates are real GRCh38 / GRCh37 ones: IL1RN c.229G>T (E77X, pathogenic) is
chr2:113131068 G>T on GRCh38 and 2:113888645 on GRCh37; the REF bases of small variants
match the synthetic locus FASTA in test_data/ref/ (G at 113131068, T at 113129630).
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pysam

HERE = Path(__file__).resolve().parent

GRCH38_CONTIGS = [("chr1", 248956422), ("chr2", 242193529), ("chr3", 198295559)]
GRCH37_CONTIGS = [("1", 249250621), ("2", 243199373), ("3", 198022430)]

META = [
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">',
    '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
    '##ALT=<ID=DEL,Description="Deletion">',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
]

#: chr2:113129630 T>C is rs419598 (c.171T>C, association polymorphism), upstream of E77X
RS419598 = "chr2\t113129630\trs419598\tT\tC\t50\tPASS\tDP=30"
E77X = "chr2\t113131068\t.\tG\tT\t50\tPASS\tDP=28"
RS315952 = "chr2\t113132727\trs315952\tT\tC\t50\tPASS\tDP=44"
CHR1 = "chr1\t10000000\t.\tA\tC\t50\tPASS\tDP=29"


def header(
    samples: list[str],
    *,
    contigs: list[tuple[str, int]] | None = None,
    fileformat: str = "VCFv4.2",
    extra: list[str] | None = None,
    reference: str | None = None,
    sites_only: bool = False,
) -> list[str]:
    """Header lines (without newlines); `contigs=[]` writes no ##contig line."""
    lines = [f"##fileformat={fileformat}"]
    lines += [
        f"##contig=<ID={name},length={length}>" for name, length in (GRCH38_CONTIGS if contigs is None else contigs)
    ]
    if reference:
        lines.append(f"##reference={reference}")
    lines += META + (extra or [])
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if not sites_only:
        columns += ["FORMAT", *samples]
    lines.append("\t".join(columns))
    return lines


def text(lines: list[str], newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def vcf(samples: list[str], records: list[str], **kwargs: object) -> bytes:
    return text(header(samples, **kwargs) + records)  # type: ignore[arg-type]


def bgzip(data: bytes) -> bytes:
    """BGZF bytes of `data` (pysam's bgzip, deterministic for a given build)."""
    with tempfile.TemporaryDirectory() as tmp:
        plain, packed = os.path.join(tmp, "x.vcf"), os.path.join(tmp, "x.vcf.gz")
        Path(plain).write_bytes(data)
        pysam.tabix_compress(plain, packed, force=True)
        return Path(packed).read_bytes()


def bgzip_with_index(data: bytes) -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        packed = os.path.join(tmp, "x.vcf.gz")
        Path(packed).write_bytes(bgzip(data))
        pysam.tabix_index(packed, preset="vcf", force=True, keep_original=True)
        return Path(packed).read_bytes(), Path(packed + ".tbi").read_bytes()


def to_bcf(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        plain, out = os.path.join(tmp, "x.vcf"), os.path.join(tmp, "x.bcf")
        Path(plain).write_bytes(data)
        with pysam.VariantFile(plain) as vin, pysam.VariantFile(out, "wb", header=vin.header) as vout:
            for record in vin:
                vout.write(record)
        return Path(out).read_bytes()


def gt(record: str, *calls: str, fmt: str = "GT") -> str:
    return "\t".join([record, fmt, *calls])


# ---------------------------------------------------------------------------------------
# the corpus: name -> (what it is and what must happen, builder returning {file name: bytes})

Builder = Callable[[], dict[str, bytes]]
CORPUS: dict[str, tuple[str, Builder]] = {}


def case(name: str, description: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        CORPUS[name] = (description, builder)
        return builder

    return register


@case("empty.vcf", "0 bytes -> InputError 'file is empty'")
def _empty() -> dict[str, bytes]:
    return {"empty.vcf": b""}


@case(
    "header_only.vcf",
    "legal: header, no records -> both samples reported, locus_called unknown, warning 'no records at the IL1RN locus'",
)
def _header_only() -> dict[str, bytes]:
    return {"header_only.vcf": vcf(["S1", "S2"], [])}


@case("no_chrom_line.vcf", "meta lines then records, no #CHROM line -> InputError at the first record's line")
def _no_chrom() -> dict[str, bytes]:
    lines = [*header(["S1"])[:-1], gt(E77X, "1/1")]
    return {"no_chrom_line.vcf": text(lines)}


@case("meta_only.vcf", "only ## lines (cut before #CHROM) -> InputError 'no #CHROM header line'")
def _meta_only() -> dict[str, bytes]:
    return {"meta_only.vcf": text(header(["S1"])[:-1])}


@case("truncated_bgzip.vcf.gz", "bgzipped VCF cut in half (no BGZF EOF marker) -> InputError 'truncated'")
def _truncated_bgzip() -> dict[str, bytes]:
    data = bgzip(vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1"), gt(RS315952, "1/1")]))
    return {"truncated_bgzip.vcf.gz": data[: len(data) // 2]}


@case("truncated_gzip.vcf.gz", "plain gzip (not bgzip) cut short -> InputError 'truncated'")
def _truncated_gzip() -> dict[str, bytes]:
    data = gzip.compress(vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1")]), mtime=0)
    return {"truncated_gzip.vcf.gz": data[:-6]}


@case(
    "truncated_plain.vcf",
    "plain VCF cut inside the last record (GT 1/1 -> 1, no final newline) -> "
    "InputError 'does not end with a newline and its last record is cut off' "
    "(htslib would read a hemizygous call)",
)
def _truncated_plain() -> dict[str, bytes]:
    data = vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1")])
    return {"truncated_plain.vcf": data[:-3]}


@case("plain_text_named.vcf.gz", "plain text with a .gz name -> InputError 'not gzip-compressed' (rename or bgzip)")
def _plain_named_gz() -> dict[str, bytes]:
    return {"plain_text_named.vcf.gz": vcf(["S1"], [gt(E77X, "1/1")])}


@case("gzip_not_bgzip.vcf.gz", "legal: complete plain-gzip VCF -> read by streaming, E77X 1/1 -> consistent_with_DIRA")
def _gzip_not_bgzip() -> dict[str, bytes]:
    return {"gzip_not_bgzip.vcf.gz": gzip.compress(vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1")]), mtime=0)}


@case("unindexed.bcf", "legal: BCF without index -> temporary CSI index, E77X 1/1 -> consistent_with_DIRA")
def _bcf() -> dict[str, bytes]:
    return {"unindexed.bcf": to_bcf(vcf(["S1"], [gt(CHR1, "0/1"), gt(RS419598, "0/1"), gt(E77X, "1/1")]))}


UNSORTED = [gt(E77X, "0/1"), gt(RS419598, "1/1"), gt(CHR1, "0/1")]


@case(
    "unsorted.vcf",
    "legal: plain VCF, records out of order -> streamed, warning 'unsorted', E77X 0/1 -> carrier; "
    "the output VCF is sorted and indexed",
)
def _unsorted() -> dict[str, bytes]:
    return {"unsorted.vcf": vcf(["S1"], UNSORTED)}


@case(
    "unsorted_noindex.vcf.gz",
    "legal: bgzipped unsorted VCF, no index -> temporary index fails, falls back to "
    "streaming with both warnings, E77X 0/1 -> carrier",
)
def _unsorted_gz() -> dict[str, bytes]:
    return {"unsorted_noindex.vcf.gz": bgzip(vcf(["S1"], UNSORTED))}


@case(
    "stale_index.vcf.gz",
    "legal: a correct .tbi whose mtime is older than the data (the test sets the times) -> "
    "index not trusted, warning, E77X 1/1 -> consistent_with_DIRA",
)
def _stale() -> dict[str, bytes]:
    data, tbi = bgzip_with_index(vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1")]))
    return {"stale_index.vcf.gz": data, "stale_index.vcf.gz.tbi": tbi}


@case(
    "mismatched_index.vcf.gz",
    "legal data with the .tbi of another, larger file: trusting it finds no locus record "
    "(a silent 'no pathogenic variant'); "
    "-> warning 'does not match the data file', read without it, E77X 1/1 found",
)
def _mismatched() -> dict[str, bytes]:
    other = [gt(f"chr1\t{p}\t.\tA\tG\t50\tPASS\tDP=30", "0/1") for p in range(1000001, 1040000, 9)] + [
        gt(f"chr2\t{p}\t.\tA\tG\t50\tPASS\tDP=30", "0/1") for p in range(113100001, 113140000, 97)
    ]
    _, tbi = bgzip_with_index(vcf(["S1"], other))
    data, _ = bgzip_with_index(vcf(["S1"], [gt(RS419598, "0/1"), gt(E77X, "1/1")]))
    return {"mismatched_index.vcf.gz": data, "mismatched_index.vcf.gz.tbi": tbi}


@case("duplicate_samples.vcf", "two samples named S1 -> InputError naming the duplicate, #CHROM line")
def _duplicates() -> dict[str, bytes]:
    return {"duplicate_samples.vcf": vcf(["S1", "S2", "S1"], [gt(E77X, "1/1", "0/1", "0/0")])}


@case(
    "cr_in_sample_names.vcf",
    "sample S<CR>1 twice (a bare carriage return inside the #CHROM line) -> "
    "InputError 'duplicate sample names' (the header check used to stop reading at the CR)",
)
def _cr_names() -> dict[str, bytes]:
    return {"cr_in_sample_names.vcf": vcf(["S\r1", "T", "S\r1"], [gt(E77X, "1/1", "0/1", "0/0")])}


@case("empty_sample_name.vcf", "an empty sample column name -> InputError 'empty sample name in column 11'")
def _empty_sample() -> dict[str, bytes]:
    return {"empty_sample_name.vcf": vcf(["S1", ""], [gt(E77X, "1/1", "0/1")])}


@case(
    "sites_only.vcf",
    "legal: no FORMAT/sample columns -> alleles annotated (E77X pathogenic), "
    "one allele-table row per site with no sample, a warning",
)
def _sites_only() -> dict[str, bytes]:
    return {"sites_only.vcf": vcf([], [RS419598, E77X], sites_only=True)}


@case("format_without_samples.vcf", "#CHROM line ends at FORMAT (no samples) -> InputError (htslib refuses it)")
def _format_no_samples() -> dict[str, bytes]:
    return {"format_without_samples.vcf": vcf([], [E77X])}


@case("no_chr2_contig.vcf", "##contig lines for chr1 and chr3 only -> InputError 'no chromosome 2 contig'")
def _no_chr2() -> dict[str, bytes]:
    contigs = [c for c in GRCH38_CONTIGS if c[0] != "chr2"]
    return {"no_chr2_contig.vcf": vcf(["S1"], [gt(CHR1, "0/1")], contigs=contigs)}


@case(
    "grch37.vcf",
    "GRCh37 header (2, 243199373), E77X at 2:113888645 1/1: with --build GRCh38 -> "
    "BuildMismatchError naming both builds; auto -> consistent_with_DIRA on GRCh37",
)
def _grch37() -> dict[str, bytes]:
    record = gt("2\t113888645\t.\tG\tT\t50\tPASS\tDP=28", "1/1")
    return {"grch37.vcf": vcf(["S1"], [record], contigs=GRCH37_CONTIGS)}


@case(
    "build_contradiction.vcf", "GRCh38 chr2 length but ##reference=hg19.fa -> BuildMismatchError 'contradicts itself'"
)
def _contradiction() -> dict[str, bytes]:
    return {"build_contradiction.vcf": vcf(["S1"], [gt(E77X, "1/1")], reference="file:///ref/hg19.fa")}


@case(
    "no_contig_lines.vcf",
    "no ##contig / ##reference: auto -> InputError asking for --build; "
    "--build GRCh38 -> E77X 0/1 carrier with warning 'could not be confirmed'",
)
def _no_contigs() -> dict[str, bytes]:
    return {"no_contig_lines.vcf": vcf(["S1"], [gt(E77X, "0/1")], contigs=[])}


@case("crlf.vcf", "Windows CRLF line endings -> InputError naming dos2unix")
def _crlf() -> dict[str, bytes]:
    return {"crlf.vcf": text([*header(["S1"]), gt(E77X, "1/1")], newline="\r\n")}


@case("bom.vcf", "UTF-8 byte-order mark before ##fileformat -> InputError 'byte-order mark'")
def _bom() -> dict[str, bytes]:
    return {"bom.vcf": b"\xef\xbb\xbf" + vcf(["S1"], [gt(E77X, "1/1")])}


@case("not_a_vcf.vcf", "binary bytes -> InputError 'not a VCF' at line 1")
def _binary() -> dict[str, bytes]:
    return {"not_a_vcf.vcf": bytes(range(256)) * 4}


@case("no_fileformat.vcf", "##fileformat line missing -> InputError (htslib cannot recognise the file)")
def _no_fileformat() -> dict[str, bytes]:
    return {"no_fileformat.vcf": text([*header(["S1"])[1:], gt(E77X, "1/1")])}


@case("spaces_not_tabs.vcf", "#CHROM line separated by spaces -> InputError 'is the file tab-separated?'")
def _spaces() -> dict[str, bytes]:
    lines = header(["S1"])
    lines[-1] = lines[-1].replace("\t", " ")
    return {"spaces_not_tabs.vcf": text([*lines, gt(E77X, "1/1")])}


@case("latin1_sample.vcf", "sample name in Latin-1, not UTF-8 -> InputError 'not UTF-8' naming the #CHROM line")
def _latin1_sample() -> dict[str, bytes]:
    return {"latin1_sample.vcf": vcf(["Zoe"], [gt(E77X, "1/1")]).replace(b"\tZoe\n", "\tZoë\n".encode("latin-1"))}


@case("latin1_record.vcf", "record ID in Latin-1 -> InputError 'not UTF-8' naming the record")
def _latin1_record() -> dict[str, bytes]:
    record = gt("chr2\t113131068\tid_e\tG\tT\t50\tPASS\tDP=28", "1/1")
    return {"latin1_record.vcf": vcf(["S1"], [record]).replace(b"id_e", "idé".encode("latin-1"))}


@case(
    "latin1_info.vcf.gz",
    "INFO value in Latin-1 in a bgzipped, indexed file -> InputError 'not UTF-8' naming "
    "record chr2:113131068 (cyvcf2 raised UnicodeDecodeError: a crash)",
)
def _latin1_info() -> dict[str, bytes]:
    extra = ['##INFO=<ID=NOTE,Number=1,Type=String,Description="free text">']
    data = vcf(["S1"], [gt(RS419598, "0/1"), gt("chr2\t113131068\t.\tG\tT\t50\tPASS\tNOTE=caf_", "1/1")], extra=extra)
    packed, tbi = bgzip_with_index(data.replace(b"NOTE=caf_", "NOTE=café".encode("latin-1")))
    return {"latin1_info.vcf.gz": packed, "latin1_info.vcf.gz.tbi": tbi}


@case("nonascii_html_samples.vcf", "legal: non-ASCII and HTML sample names -> kept exactly in TSV and JSON")
def _nonascii() -> dict[str, bytes]:
    names = ["Zoë Ångström-李", "<script>alert(1)</script>", "a&b\"c'd<i>", "ÄÖÜ\u00a0nbsp"]
    return {"nonascii_html_samples.vcf": vcf(names, [gt(E77X, "1/1", "0/1", "0/0", "./.")])}


@case(
    "pathlike_samples.vcf",
    "legal: sample IDs ../../escape, a/b, .., /etc/passwd -> outputs only in the "
    "output folder, named after the input file",
)
def _pathlike() -> dict[str, bytes]:
    names = ["../../escape", "a/b", "..", "/etc/passwd"]
    return {"pathlike_samples.vcf": vcf(names, [gt(E77X, "1/1", "0/1", "0/0", "1/1")])}


HOSTILE_SAMPLES = [
    " lead",
    "trail ",
    '"quoted"',
    "semi;colon",
    "comma,name",
    '=HYPERLINK("http://x")',
    "NA",
    "null",
    "back\\slash",
    "#hash",
    "it's",
    "cr\rinside",
    '{"json": 1}',
    "ünï\u2028cödé",
]


@case(
    "hostile_strings.vcf",
    "legal: hostile sample names, IDs, FILTER and INFO values (quotes, ;, =, #, \\r, "
    "formula, NA) -> every TSV cell reads back unchanged, JSON parses",
)
def _hostile() -> dict[str, bytes]:
    extra = ['##INFO=<ID=NOTE,Number=1,Type=String,Description="free text">']
    calls = ["1/1"] * len(HOSTILE_SAMPLES)
    records = [
        gt('chr2\t113129630\trs419598"<b>&amp;\\\tT\tC\t50\tq<10&x>;=SUM(1)\tNOTE="<script>x</script>%3B\\n"', *calls),
        gt("chr2\t113131068\trs0;=HYPERLINK(1)\tG\tT\t50\tPASS\tNOTE=a\\tb", *calls),
    ]
    return {"hostile_strings.vcf": vcf(HOSTILE_SAMPLES, records, extra=extra)}


@case(
    "unbalanced_quote_header.vcf",
    "a ##FILTER line with an unclosed quote (htslib would read the #CHROM "
    "line as a record) -> InputError naming line 16",
)
def _unbalanced_quote() -> dict[str, bytes]:
    extra = ['##FILTER=<ID=q10,Description="quality below 10>']
    return {"unbalanced_quote_header.vcf": vcf(["S1"], [gt(E77X, "1/1")], extra=extra)}


@case("symbolic_no_end.vcf", "<DEL> with neither END nor SVLEN -> InputError naming the record")
def _no_end() -> dict[str, bytes]:
    return {"symbolic_no_end.vcf": vcf(["S1"], [gt("chr2\t113130000\tdel1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL", "1/1")])}


@case("end_before_pos.vcf", "<DEL> with END < POS -> InputError 'END=113120000 lies before POS=113130000'")
def _end_before() -> dict[str, bytes]:
    record = gt("chr2\t113130000\tdel1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END=113120000", "1/1")
    return {"end_before_pos.vcf": vcf(["S1"], [record])}


@case(
    "negative_svlen.vcf",
    "legal (VCF 4.2 DEL): SVLEN=-5000 and no END -> deletion 113130001-113135000, 1/1 -> consistent_with_DIRA",
)
def _negative_svlen() -> dict[str, bytes]:
    record = gt("chr2\t113130000\tdel1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;SVLEN=-5000", "1/1")
    return {"negative_svlen.vcf": vcf(["S1"], [record])}


@case("absurd_svlen.vcf", "SVLEN=-999999999 (beyond the end of chr2) -> InputError naming the record")
def _absurd_svlen() -> dict[str, bytes]:
    record = gt("chr2\t113130000\tdel1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;SVLEN=-999999999", "1/1")
    return {"absurd_svlen.vcf": vcf(["S1"], [record])}


@case(
    "dup_svlen_beyond_contig.vcf",
    "<DUP> with END inside IL1RN but SVLEN=-1000000000 -> InputError naming the "
    "record (its annotated VCF could not be indexed: the run crashed in tabix)",
)
def _dup_svlen() -> dict[str, bytes]:
    record = gt("chr2\t113120000\tdup1\tN\t<DUP>\t50\tPASS\tSVTYPE=DUP;END=113125000;SVLEN=-1000000000", "0/1")
    return {"dup_svlen_beyond_contig.vcf": vcf(["S1"], [record])}


@case("star_allele.vcf", "legal: ALT T,* with GT 1/2 -> * skipped (not an allele), E77X heterozygous -> carrier")
def _star() -> dict[str, bytes]:
    return {"star_allele.vcf": vcf(["S1"], [gt("chr2\t113131068\t.\tG\tT,*\t50\tPASS\tDP=28", "1/2")])}


@case(
    "breakend.vcf",
    "legal: BND 1/1 inside IL1RN (t]p] form) -> named as an inversion junction, uncertain_significance, never a loss",
)
def _breakend() -> dict[str, bytes]:
    records = [gt("chr2\t113131068\tbnd_1\tG\tG]chr2:113200000]\t50\tPASS\tSVTYPE=BND;MATEID=bnd_2", "1/1")]
    return {"breakend.vcf": vcf(["S1"], records)}


@case("ploidy.vcf", "legal: haploid and triploid GTs -> 1 hemizygous (DIRA), 0/1/1 carrier, 1/1/1 DIRA, 0/0/0 none")
def _ploidy() -> dict[str, bytes]:
    return {"ploidy.vcf": vcf(["HAP", "TRI_HET", "TRI_HOM", "TRI_REF"], [gt(E77X, "1", "0/1/1", "1/1/1", "0/0/0")])}


@case(
    "cn_without_gt.vcf",
    "legal: FORMAT CN only (no GT) on a <DEL> over IL1RN -> CN 0 DIRA, 1 carrier, 2 none, . not assessable",
)
def _cn_only() -> dict[str, bytes]:
    record = gt("chr2\t113110000\tcnv1\tN\t<DEL>\t50\tPASS\tSVTYPE=DEL;END=113150000", "0", "1", "2", ".", fmt="CN")
    return {"cn_without_gt.vcf": vcf(["CN0", "CN1", "CN2", "CN_MISSING"], [record])}


@case("dot_genotypes.vcf", "legal: GT ., ./., .|. -> not_assessable; ./1 -> carrier (partial)")
def _dots() -> dict[str, bytes]:
    return {"dot_genotypes.vcf": vcf(["DOT", "DOT_DOT", "PHASED_DOTS", "HALF"], [gt(E77X, ".", "./.", ".|.", "./1")])}


@case("ref_mismatch.vcf", "REF C at 113131068 where the FASTA has G (with --reference) -> InputError naming the record")
def _ref_mismatch() -> dict[str, bytes]:
    return {"ref_mismatch.vcf": vcf(["S1"], [gt("chr2\t113131068\t.\tC\tT\t50\tPASS\tDP=28", "1/1")])}


@case("long_info_line.vcf.gz", "legal: a 1 MiB INFO value (bgzipped, no index) -> E77X 1/1 consistent_with_DIRA")
def _long_line() -> dict[str, bytes]:
    extra = ['##INFO=<ID=LONG,Number=1,Type=String,Description="a very long value">']
    record = gt("chr2\t113131068\t.\tG\tT\t50\tPASS\tDP=28;LONG=" + "ACGT" * (1 << 18), "1/1")
    return {"long_info_line.vcf.gz": bgzip(vcf(["S1"], [record], extra=extra))}


@case("vcf44.vcf", "legal: ##fileformat=VCFv4.4 -> E77X 1/1 consistent_with_DIRA, fileformat recorded")
def _vcf44() -> dict[str, bytes]:
    return {"vcf44.vcf": vcf(["S1"], [gt(E77X, "1/1")], fileformat="VCFv4.4")}


@case(
    "undeclared_tags.vcf",
    "legal (htslib warns): INFO/FILTER/FORMAT tags not in the header -> E77X 1/1 found, output VCF declares them",
)
def _undeclared() -> dict[str, bytes]:
    record = "chr2\t113131068\t.\tG\tT\t50\tNoSuchFilter\tDP=28;NOSUCHINFO=1\tGT:NOSUCHFMT\t1/1:7"
    return {"undeclared_tags.vcf": vcf(["S1"], [gt(RS419598, "0/1"), record])}


@case(
    "record_without_genotypes.vcf",
    "legal: an 8-column E77X record in a file with a sample -> not called there, warning 'has no genotype columns'",
)
def _no_gt_columns() -> dict[str, bytes]:
    return {"record_without_genotypes.vcf": vcf(["S1"], [gt(RS419598, "0/1"), E77X])}


@case(
    "blank_lines.vcf",
    "legal-ish: an empty line between records and one at the end -> skipped with a warning, "
    "E77X 1/1 -> consistent_with_DIRA",
)
def _blank_lines() -> dict[str, bytes]:
    return {"blank_lines.vcf": vcf(["S1"], [gt(RS419598, "0/1"), "", gt(E77X, "1/1"), ""])}


@case(
    "invalid_contig_name.vcf",
    "a record on contig 'chr Un' (space) on line 18, streamed -> InputError naming the "
    "line (an undeclarable contig plus a malformed record crashed the process)",
)
def _invalid_contig() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), gt("chr Un\t100\t.\tA\tG\t50\tPASS\tDP=1", "1/a"), gt(E77X, "1/1")]
    return {"invalid_contig_name.vcf": vcf(["S1"], records)}


@case("bad_pos_midstream.vcf", "POS 'abc' on line 18 (plain, streamed) -> InputError naming line 18 and quoting it")
def _bad_pos() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), gt("chr2\tabc\t.\tG\tT\t50\tPASS\tDP=28", "1/1"), gt(RS315952, "1/1")]
    return {"bad_pos_midstream.vcf": vcf(["S1"], records)}


@case("too_few_columns.vcf", "a 6-column record on line 18 -> InputError '6 tab-separated column(s)'")
def _few_columns() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), "chr2\t113131068\t.\tG\tT\t50", gt(RS315952, "1/1")]
    return {"too_few_columns.vcf": vcf(["S1"], records)}


@case(
    "short_record_undeclared_contig.vcf",
    "no ##contig lines and a record cut after ID on line 15 (with --build "
    "GRCh38): htslib returns it without REF and reading it crashed the "
    "process (segfault) -> InputError naming line 15",
)
def _short_record() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), "chr2\t113131068\t.", gt(RS315952, "1/1")]
    return {"short_record_undeclared_contig.vcf": vcf(["S1"], records, contigs=[])}


@case(
    "bad_gt_undeclared_contig.vcf",
    "GT 'abc' on line 18, on a contig the header does not declare: htslib "
    "passed the broken record on and the process died (segfault) -> InputError "
    "naming line 18",
)
def _bad_gt_undeclared() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), gt("chr2_KI270715v1_random\t100\t.\tA\tG\t50\tPASS\tDP=1", "abc"), gt(E77X, "1/1")]
    return {"bad_gt_undeclared_contig.vcf": vcf(["S1"], records)}


@case(
    "bad_gt_midstream.vcf.gz",
    "GT '1/a' at chr2:113131068 in a bgzipped, indexed file -> InputError naming "
    "record chr2:113131068 (index query, no line number)",
)
def _bad_gt() -> dict[str, bytes]:
    records = [gt(RS419598, "0/1"), gt(E77X, "1/a"), gt(RS315952, "1/1")]
    data, tbi = bgzip_with_index(vcf(["S1"], records))
    return {"bad_gt_midstream.vcf.gz": data, "bad_gt_midstream.vcf.gz.tbi": tbi}


@case(
    "samplesheet_missing_file.tsv",
    "sample sheet whose second row names a VCF that does not exist "
    "(paths relative to the repository root) -> SampleSheetError naming row 2",
)
def _sheet_missing() -> dict[str, bytes]:
    return {
        "samplesheet_missing_file.tsv": b"sample\tvcf\nS1\ttests/bad_inputs/vcf44.vcf\n"
        b"S2\ttests/bad_inputs/does_not_exist.vcf.gz\n"
    }


@case("samplesheet_malformed.tsv", "comma-separated sample sheet -> SampleSheetError 'must be tab-separated'")
def _sheet_malformed() -> dict[str, bytes]:
    return {"samplesheet_malformed.tsv": b"sample,vcf\nS1,tests/bad_inputs/vcf44.vcf\n"}


def build(outdir: Path) -> dict[str, Path]:
    """Write every corpus file into `outdir`; return {file name: path} (index files included)."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for _name, (_description, builder) in CORPUS.items():
        for file_name, data in builder().items():
            path = outdir / file_name
            path.write_bytes(data)
            written[file_name] = path
    # an index must not look older than its data when the corpus is used in place
    for file_name, path in written.items():
        if file_name.endswith((".tbi", ".csi")):
            os.utime(path, None)
    return written


def write_readme(outdir: Path) -> None:
    lines = [
        "# Bad-input corpus",
        "",
        (
            "_Generated by `make_corpus.py` - edit the script, not this file._ "
            "`tests/test_bad_inputs.py` asserts the behaviour below for every file."
        ),
        "",
        "| file | input and expected behaviour |",
        "|---|---|",
    ]
    for name, (description, _builder) in CORPUS.items():
        lines.append(f"| `{name}` | {description.replace('|', '/')} |")
    (outdir / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else HERE
    if outdir.resolve() == HERE:
        for stale in HERE.iterdir():
            if stale.is_file() and stale.name not in ("make_corpus.py", "README.md"):
                stale.unlink()
    written = build(outdir)
    write_readme(outdir)
    print(f"wrote {len(written)} files ({len(CORPUS)} corpus entries) to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
