"""The bad-input corpus (tests/bad_inputs/): the exact behaviour for every bad, odd or hostile file.

Either a clear `InputError` naming the file, the line or record, and what to do (checked on
the error's `path`, `where`, message and `hint`, and on the CLI's exit code 2 and one-line
message), or, where the input is legal, the right `dira_status` and annotation with
well-formed outputs. `tests/bad_inputs/README.md` lists the corpus; `make_corpus.py` writes it.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import cyvcf2
import pandas as pd
import pytest

from il1rn_annot.annotate_vcf.run import FileResult, annotate_file
from il1rn_annot.cli import main
from il1rn_annot.errors import BuildMismatchError, Il1rnAnnotError, InputError
from il1rn_annot.workflow import sheet

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "bad_inputs"
FASTA = REPO / "test_data" / "ref" / "GRCh38_chr2_113100001-113160000.synthetic.fa"
DATE = "2024-01-01T00:00:00Z"
E77X_ID = "chr2:113131068:G:T"


def _load_make_corpus() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


make_corpus = _load_make_corpus()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic locus FASTA of test_data/ref, or a stand-in with the same contig name
    (G at the E77X position 113131068, A elsewhere) when the test data are not there."""
    if FASTA.exists():
        return FASTA
    path = tmp_path_factory.mktemp("ref") / "chr2_locus.fa"
    seq = ["A"] * 60000
    seq[113131068 - 113100001] = "G"
    body = "".join(seq)
    path.write_text(">chr2:113100001-113160000\n" + "\n".join(body[i : i + 60] for i in range(0, 60000, 60)) + "\n")
    import pysam

    pysam.faidx(str(path))
    return path


# ---------------------------------------------------------------------------------------
# helpers


def run(name: str | Path, outdir: Path, **kwargs: Any) -> FileResult:
    path = name if isinstance(name, Path) else CORPUS / name
    return annotate_file(path, outdir, kwargs.pop("kb"), date=DATE, command_line="il1rn-annot test", **kwargs)


def read_tsv(path: str | Path) -> pd.DataFrame:
    """Read an output table back exactly as text (no NA guessing, no type inference)."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_filter=False)


def check_outputs(result: FileResult) -> dict[str, Any]:
    """Every legal input: the four outputs exist, agree with each other and are well-formed."""
    outputs = {key: Path(value) for key, value in result.outputs.items()}
    payload = json.loads(outputs["json"].read_text(encoding="utf-8"))
    assert payload == json.loads(json.dumps(result.payload, ensure_ascii=False))
    samples = read_tsv(outputs["sample_status"])
    alleles = read_tsv(outputs["tsv"])
    assert list(samples["sample"]) == [s["sample"] for s in payload["samples"]] == result.input.samples
    if result.input.samples:
        assert len(alleles) == sum(len(s["findings"]) for s in payload["samples"])
        assert list(alleles["sample"]) == [s["sample"] for s in payload["samples"] for _ in s["findings"]]
    else:  # a sites-only VCF: one row per site, no sample
        assert list(alleles["allele_id"]) == [a["allele_id"] for a in payload["alleles"]]
        assert set(alleles["sample"]) <= {""} and set(alleles["genotype"]) <= {""}
    positions = [record.POS for record in cyvcf2.VCF(str(outputs["vcf"]))]
    assert len(positions) == payload["locus"]["records_read"]
    assert positions == sorted(positions)
    assert Path(str(outputs["vcf"]) + ".tbi").exists()
    leftovers = [p.name for p in outputs["vcf"].parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], f"temporary files left behind: {leftovers}"
    return payload


def statuses(result: FileResult) -> dict[str, str]:
    return {s.sample: s.dira_status for s in result.samples}


def warnings_of(result: FileResult) -> list[str]:
    return result.payload["provenance"]["warnings"]


# ---------------------------------------------------------------------------------------
# errors: (file, annotate kwargs, error type, message parts, where part, hint part)

ERROR_CASES: list[tuple[str, dict[str, Any], type[InputError], list[str], str | None, str | None]] = [
    ("empty.vcf", {}, InputError, ["file is empty"], None, "caller finished"),
    (
        "no_chrom_line.vcf",
        {},
        InputError,
        ["no '#CHROM' header line before the first record"],
        "line 16",
        "'#CHROM POS ID REF ALT",
    ),
    ("meta_only.vcf", {}, InputError, ["no '#CHROM' header line"], None, "truncated"),
    ("truncated_bgzip.vcf.gz", {}, InputError, ["BGZF end-of-file marker is missing", "truncated"], None, "re-create"),
    ("truncated_gzip.vcf.gz", {}, InputError, ["compressed data ends early", "truncated"], None, "re-create"),
    # the hint used to say "add the final newline (`echo >> FILE`)": advice for a complete last
    # line, which is now read with a warning (tests/test_caller_shapes.py); a cut one is re-created
    (
        "truncated_plain.vcf",
        {},
        InputError,
        ["does not end with a newline", "cut off", "last genotype '1' has fewer alleles"],
        "last line",
        "re-create",
    ),
    (
        "plain_text_named.vcf.gz",
        {},
        InputError,
        ["ends in .gz but the content is not gzip-compressed"],
        None,
        "rename it to .vcf",
    ),
    (
        "duplicate_samples.vcf",
        {},
        InputError,
        ["duplicate sample names in the header: S1"],
        "#CHROM line",
        "unique name",
    ),
    (
        "cr_in_sample_names.vcf",
        {},
        InputError,
        ["duplicate sample names in the header: S\r1"],
        "#CHROM line",
        "unique name",
    ),
    ("empty_sample_name.vcf", {}, InputError, ["empty sample name in column 11"], "#CHROM line", "name every"),
    (
        "format_without_samples.vcf",
        {},
        InputError,
        ["FORMAT column but no sample columns"],
        "#CHROM line",
        "remove FORMAT",
    ),
    ("no_chr2_contig.vcf", {}, InputError, ["no chromosome 2 contig", "contigs: chr1, chr3"], "header", "chr2 or 2"),
    (
        "grch37.vcf",
        {"build": "GRCh38"},
        BuildMismatchError,
        ["--build GRCh38 contradicts the header", "says GRCh37", "243,199,373"],
        "header",
        "--build GRCh37",
    ),
    (
        "build_contradiction.vcf",
        {},
        BuildMismatchError,
        ["contradicts itself", "says GRCh38", "name says GRCh37"],
        "header",
        "which reference",
    ),
    ("no_contig_lines.vcf", {}, InputError, ["cannot detect the genome build"], "header", "--build GRCh38"),
    ("crlf.vcf", {}, InputError, ["Windows (CRLF) line endings"], "header", "dos2unix"),
    ("bom.vcf", {}, InputError, ["byte-order mark"], "line 1", "sed"),
    ("not_a_vcf.vcf", {}, InputError, ["not a VCF", "not '##fileformat=VCFv4.x'"], "line 1", "VCF/BCF"),
    ("no_fileformat.vcf", {}, InputError, ["not a VCF", "##contig=<ID=chr1"], "line 1", "##fileformat"),
    ("spaces_not_tabs.vcf", {}, InputError, ["not the eight VCF columns"], "#CHROM line", "tab-separated"),
    ("unbalanced_quote_header.vcf", {}, InputError, ["unbalanced double quote"], "line 16", "close the quoted"),
    ("latin1_sample.vcf", {}, InputError, ["not UTF-8"], "line 16", "iconv"),
    ("latin1_record.vcf", {}, InputError, ["not UTF-8"], "record chr2:113131068", "iconv"),
    ("latin1_info.vcf.gz", {}, InputError, ["not UTF-8"], "record chr2:113131068", "iconv"),
    (
        "symbolic_no_end.vcf",
        {},
        InputError,
        ["<DEL> has neither INFO/END nor INFO/SVLEN"],
        "record chr2:113130000 N><DEL>",
        "add INFO/END",
    ),
    (
        "end_before_pos.vcf",
        {},
        InputError,
        ["END=113120000 lies before POS=113130000"],
        "record chr2:113130000 N><DEL>",
        "last reference base",
    ),
    (
        "absurd_svlen.vcf",
        {},
        InputError,
        ["reaches position 1,113,129,999", "beyond the end of chromosome 2"],
        "record chr2:113130000 N><DEL>",
        "check END/SVLEN",
    ),
    (
        "dup_svlen_beyond_contig.vcf",
        {},
        InputError,
        ["reaches position 1,113,120,000", "beyond the end of chromosome 2 (242,193,529 bp)"],
        "record chr2:113120000 N><DUP>",
        "END/SVLEN",
    ),
    (
        "ref_mismatch.vcf",
        {"reference": True},
        InputError,
        ["REF C does not match the reference FASTA (G)"],
        "record chr2:113131068 C>T",
        "FASTA the calls were made on",
    ),
    (
        "bad_pos_midstream.vcf",
        {},
        InputError,
        ["htslib cannot parse this record", "POS 'abc' is not a whole number", "'chr2\\tabc\\t"],
        "line 18",
        "fix or remove the record",
    ),
    ("too_few_columns.vcf", {}, InputError, ["6 tab-separated column(s)"], "line 18", "fix or remove the record"),
    (
        "short_record_undeclared_contig.vcf",
        {"build": "GRCh38"},
        InputError,
        ["htslib cannot parse this record", "3 tab-separated column(s)"],
        "line 15",
        "fix or remove the record",
    ),
    (
        "bad_gt_undeclared_contig.vcf",
        {},
        InputError,
        ["htslib cannot parse this record", "'chr2_KI270715v1_random\\t"],
        "line 18",
        "fix or remove the record",
    ),
    (
        "invalid_contig_name.vcf",
        {},
        InputError,
        ["contig name 'chr Un' is not valid in VCF"],
        "line 18",
        "fix the CHROM column",
    ),
    (
        "bad_gt_midstream.vcf.gz",
        {},
        InputError,
        ["htslib cannot parse this record", "1/a"],
        "record chr2:113131068",
        "fix or remove the record",
    ),
]


def _kwargs(extra: dict[str, Any], reference: Path) -> dict[str, Any]:
    kwargs = dict(extra)
    if kwargs.pop("reference", False):
        kwargs["reference_path"] = reference
    return kwargs


@pytest.mark.parametrize("name, extra, error, parts, where, hint", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_input_is_a_clear_error(name, extra, error, parts, where, hint, tmp_path, kb, reference):
    path = CORPUS / name
    out = tmp_path / "out"
    with pytest.raises(error) as caught:
        annotate_file(path, out, kb, date=DATE, **_kwargs(extra, reference))
    exc = caught.value
    assert type(exc) is error
    assert exc.path == str(path), "the error names the file"
    for part in parts:
        assert part in exc.message
    if where:
        assert exc.where and where in exc.where, f"the error names the line/record: {exc.where!r}"
    if hint:
        assert exc.hint and hint in exc.hint, f"the error says what to do: {exc.hint!r}"
    # nothing named like an output (and no temporary file) is left behind
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("name, extra, error, parts, where, hint", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_input_cli_exit_2(name, extra, error, parts, where, hint, tmp_path, capsys, reference):
    args = ["annotate", str(CORPUS / name), "-o", str(tmp_path / "out"), "--date", DATE]
    if "build" in extra:
        args += ["--build", extra["build"]]
    if extra.get("reference"):
        args += ["--reference", str(reference)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"il1rn-annot: error: {CORPUS / name}: ")
    assert "internal error" not in err and "Traceback" not in err
    assert parts[0] in err


def test_missing_file_and_directory(tmp_path, kb):
    with pytest.raises(InputError, match="file not found") as caught:
        annotate_file(tmp_path / "nope.vcf.gz", tmp_path / "out", kb)
    assert caught.value.path == str(tmp_path / "nope.vcf.gz")
    (tmp_path / "dir.vcf").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        annotate_file(tmp_path / "dir.vcf", tmp_path / "out", kb)


# ---------------------------------------------------------------------------------------
# legal inputs: the right answer, well-formed outputs


def test_header_only_reports_every_sample(tmp_path, kb):
    result = run("header_only.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    # no record at all, so none on chromosome 2: nothing shows the locus was called (issue 16)
    assert statuses(result) == {"S1": "not_assessable", "S2": "not_assessable"}
    assert all("no calls on chromosome 2" in s.status_sentence for s in result.samples)
    assert payload["locus"]["records_read"] == 0 and payload["locus"]["chr2_records"] is False
    assert [s["locus_called"] for s in payload["samples"]] == [None, None]
    assert list(read_tsv(result.outputs["sample_status"])["locus_called"]) == ["unknown", "unknown"]
    assert any("no records at the IL1RN locus" in w for w in warnings_of(result))
    assert all("no record on chromosome 2 in the whole file" in s.evidence for s in result.samples)


def test_plain_gzip_is_streamed(tmp_path, kb):
    result = run("gzip_not_bgzip.vcf.gz", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert payload["locus"]["format"] == "vcf.gzip" and payload["locus"]["indexed"] is False
    assert statuses(result) == {"S1": "consistent_with_DIRA"}


def test_unindexed_bcf_gets_a_temporary_index(tmp_path, kb):
    result = run("unindexed.bcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert payload["locus"]["format"] == "bcf"
    assert statuses(result) == {"S1": "consistent_with_DIRA"}
    # the BCF temporary index used to fail (pysam.bcftools not imported) and fall back to streaming
    assert any("a temporary index was built" in w for w in warnings_of(result))
    assert not any("could not be built" in w for w in warnings_of(result))


@pytest.mark.parametrize(
    "name, extra_warning", [("unsorted.vcf", None), ("unsorted_noindex.vcf.gz", "could not be built")]
)
def test_unsorted_records(name, extra_warning, tmp_path, kb):
    result = run(name, tmp_path, kb=kb)
    check_outputs(result)  # includes: output VCF sorted and indexed
    assert statuses(result) == {"S1": "carrier"}
    assert "unsorted records: read by streaming" in warnings_of(result)
    if extra_warning:
        assert any(extra_warning in w for w in warnings_of(result))
    assert [a["allele_id"] for a in result.payload["alleles"]] == [E77X_ID, "chr2:113129630:T:C"]
    records = list(cyvcf2.VCF(result.outputs["vcf"])("chr2:113131068-113131068"))
    assert [r.INFO.get("IL1RN_CLASS") for r in records] == ["pathogenic"]


def test_unsorted_records_sorted_from_a_body_spilled_to_disk(tmp_path, kb, monkeypatch):
    """The annotated records wait in memory up to BODY_IN_MEMORY_MAX, then in a temporary file:
    both give the same sorted, indexed VCF."""
    from il1rn_annot.outputs import annotated_vcf

    in_memory = run("unsorted.vcf", tmp_path / "memory", kb=kb)
    monkeypatch.setattr(annotated_vcf, "BODY_IN_MEMORY_MAX", 64)  # smaller than one record
    spilled = run("unsorted.vcf", tmp_path / "spilled", kb=kb)
    check_outputs(spilled)
    assert Path(spilled.outputs["vcf"]).read_bytes() == Path(in_memory.outputs["vcf"]).read_bytes()
    assert sorted(p.name for p in (tmp_path / "spilled").iterdir()) == sorted(
        p.name for p in (tmp_path / "memory").iterdir()
    )  # no temporary file left beside the outputs


def _copy_with_index(name: str, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / name
    shutil.copy(CORPUS / name, data)
    shutil.copy(CORPUS / (name + ".tbi"), str(data) + ".tbi")
    return data, Path(str(data) + ".tbi")


def test_stale_index_is_not_trusted(tmp_path, kb):
    data, tbi = _copy_with_index("stale_index.vcf.gz", tmp_path)
    now = os.path.getmtime(data)
    os.utime(tbi, (now - 3600, now - 3600))
    result = run(data, tmp_path / "out", kb=kb)
    payload = check_outputs(result)
    assert payload["locus"]["indexed"] is False
    assert any("older than the data file and was not trusted" in w for w in warnings_of(result))
    assert statuses(result) == {"S1": "consistent_with_DIRA"}
    # the same index, not older than the data, is used
    os.utime(tbi, (now + 10, now + 10))
    fresh = run(data, tmp_path / "out2", kb=kb)
    assert fresh.payload["locus"]["indexed"] is True and warnings_of(fresh) == []
    assert statuses(fresh) == {"S1": "consistent_with_DIRA"}


def test_mismatched_index_is_not_trusted(tmp_path, kb):
    data, tbi = _copy_with_index("mismatched_index.vcf.gz", tmp_path)
    now = os.path.getmtime(data)
    os.utime(tbi, (now + 10, now + 10))  # newer than the data: only the content check can catch it
    # what trusting it would do (the tool's own query, 5 Mb look-back for SVs): htslib follows the
    # other file's offsets, past the end of this one, and finds no record at all
    trusted: list[int] = []
    try:
        reader = cyvcf2.VCF(str(data))
        reader.set_index(str(tbi))
        trusted = [r.POS for r in reader("chr2:108115598-113136014")]
    except Exception:
        pass
    assert trusted == []
    result = run(data, tmp_path / "out", kb=kb)
    check_outputs(result)
    assert any("does not match the data file and was not trusted" in w for w in warnings_of(result))
    assert statuses(result) == {"S1": "consistent_with_DIRA"}


def test_sites_only_vcf(tmp_path, kb):
    result = run("sites_only.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert result.samples == [] and payload["samples"] == []
    classes = {a["allele_id"]: a["classification"] for a in payload["alleles"]}
    assert classes == {"chr2:113129630:T:C": "association_polymorphism", E77X_ID: "pathogenic"}
    assert len(read_tsv(result.outputs["sample_status"])) == 0
    # the allele table lists the sites (it used to be empty: sites only in the VCF/JSON)
    table = read_tsv(result.outputs["tsv"])
    assert list(table["allele_id"]) == ["chr2:113129630:T:C", E77X_ID]
    assert list(table["classification"]) == ["association_polymorphism", "pathogenic"]
    assert list(table["hgvs_c"]) == ["c.171T>C", "c.229G>T"] and list(table["sample"]) == ["", ""]
    assert any("no sample columns (a sites-only VCF)" in w for w in warnings_of(result))
    assert [r.INFO.get("IL1RN_HGVSC") for r in cyvcf2.VCF(result.outputs["vcf"])] == ["c.171T>C", "c.229G>T"]


def test_grch37_file_on_its_own_build(tmp_path, kb):
    result = run("grch37.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert payload["provenance"]["build"] == "GRCh37" and payload["locus"]["contig"] == "2"
    assert statuses(result) == {"S1": "consistent_with_DIRA"}
    assert payload["alleles"][0]["hgvs_c"] == "c.229G>T" and payload["alleles"][0]["pos"] == 113888645


def test_no_contig_lines_with_explicit_build(tmp_path, kb):
    result = run("no_contig_lines.vcf", tmp_path, kb=kb, build="GRCh38")
    check_outputs(result)
    assert statuses(result) == {"S1": "carrier"}
    assert any("could not be confirmed from the header" in w for w in warnings_of(result))


def test_nonascii_and_html_sample_names_are_kept(tmp_path, kb):
    result = run("nonascii_html_samples.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    names = ["Zoë Ångström-李", "<script>alert(1)</script>", "a&b\"c'd<i>", "ÄÖÜ\u00a0nbsp"]
    assert [s["sample"] for s in payload["samples"]] == names
    assert list(read_tsv(result.outputs["sample_status"])["sample"]) == names
    assert list(statuses(result).values()) == [
        "consistent_with_DIRA",
        "carrier",
        "no_pathogenic_variant_detected",
        "not_assessable",
    ]
    raw = Path(result.outputs["json"]).read_text(encoding="utf-8")
    assert "Zoë Ångström-李" in raw  # UTF-8, not \\u-escaped


def test_path_like_sample_ids_never_become_paths(tmp_path, kb):
    root = tmp_path / "sandbox"
    out = root / "deep" / "out"
    result = run("pathlike_samples.vcf", out, kb=kb)
    check_outputs(result)
    assert statuses(result) == {
        "../../escape": "consistent_with_DIRA",
        "a/b": "carrier",
        "..": "no_pathogenic_variant_detected",
        "/etc/passwd": "consistent_with_DIRA",
    }
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == [
        f"deep/out/pathlike_samples.{suffix}"
        for suffix in ("il1rn.json", "il1rn.tsv", "il1rn.vcf.gz", "il1rn.vcf.gz.tbi", "sample_status.tsv")
    ]


@pytest.mark.parametrize("name", ["../evil", "a/b", "..", ""])
def test_output_name_with_path_separator_is_refused(name, tmp_path, kb):
    with pytest.raises(InputError, match="plain file name"):
        annotate_file(CORPUS / "vcf44.vcf", tmp_path / "out", kb, name=name or ".")
    assert not (tmp_path / "evil.il1rn.json").exists()


def test_hostile_strings_survive_tsv_and_json(tmp_path, kb):
    result = run("hostile_strings.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert result.input.samples == make_corpus.HOSTILE_SAMPLES
    samples = read_tsv(result.outputs["sample_status"])
    assert list(samples["sample"]) == make_corpus.HOSTILE_SAMPLES
    for row, sample in zip(samples.to_dict("records"), result.samples, strict=True):
        assert row["status_sentence"] == sample.status_sentence and row["evidence"] == sample.evidence
        assert row["dira_status"] == "consistent_with_DIRA"
    alleles = read_tsv(result.outputs["tsv"])
    assert len(alleles) == 2 * len(make_corpus.HOSTILE_SAMPLES)
    assert set(alleles["filter"]) == {"q<10&x>;=SUM(1)", "PASS"}
    assert "(rs0;=HYPERLINK(1))" in result.samples[0].status_sentence
    assert {a["vcf_id"] for a in payload["alleles"]} == {'rs419598"<b>&amp;\\', "rs0;=HYPERLINK(1)"}


def test_negative_svlen_deletion(tmp_path, kb):
    result = run("negative_svlen.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    (allele,) = payload["alleles"]
    assert allele["variant_type"] == "sv_deletion" and allele["end"] == 113135000
    # exons 3-4 and the stop codon removed: no NMD, 61% of the protein: PVS1_Strong (ClinGen SVI 2018),
    # of uncertain significance alone; the homozygote's sentence says DIRA is not excluded
    assert allele["pvs1"] == "PVS1_Strong" and allele["classification"] == "uncertain_significance"
    assert statuses(result) == {"S1": "uncertain_significance"}
    assert "DIRA is not excluded" in result.samples[0].status_sentence


def test_star_allele_is_not_an_allele(tmp_path, kb):
    result = run("star_allele.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert [a["alt"] for a in payload["alleles"]] == ["T"]
    (finding,) = result.samples[0].findings
    assert finding["genotype"] == "1/2" and finding["zygosity"] == "heterozygous"
    assert statuses(result) == {"S1": "carrier"}
    (record,) = cyvcf2.VCF(result.outputs["vcf"])
    assert record.INFO.get("IL1RN_CLASS") == "pathogenic,."  # Number=A: one value per ALT, "." for *


def test_breakend_is_not_a_loss(tmp_path, kb):
    result = run("breakend.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    (allele,) = payload["alleles"]
    assert allele["variant_type"] == "breakend" and allele["classification"] == "uncertain_significance"
    assert statuses(result) == {"S1": "uncertain_significance"}
    assert result.samples[0].pathogenic_alleles == []


def test_haploid_and_triploid_genotypes(tmp_path, kb):
    result = run("ploidy.vcf", tmp_path, kb=kb)
    check_outputs(result)
    assert statuses(result) == {
        "HAP": "consistent_with_DIRA",
        "TRI_HET": "carrier",
        "TRI_HOM": "consistent_with_DIRA",
        "TRI_REF": "no_pathogenic_variant_detected",
    }
    zygosity = {s.sample: [f["zygosity"] for f in s.findings] for s in result.samples}
    assert zygosity == {"HAP": ["hemizygous"], "TRI_HET": ["heterozygous"], "TRI_HOM": ["homozygous"], "TRI_REF": []}


def test_copy_number_without_gt(tmp_path, kb):
    result = run("cn_without_gt.vcf", tmp_path, kb=kb)
    check_outputs(result)
    # a copy-number call set only: CN 2 is "no deletion", not a negative for small variants (issue 16)
    assert statuses(result) == {
        "CN0": "consistent_with_DIRA",
        "CN1": "carrier",
        "CN2": "not_assessable",
        "CN_MISSING": "not_assessable",
    }
    cn2 = next(s for s in result.samples if s.sample == "CN2")
    assert cn2.status_sentence.startswith("No deletion detected at IL1RN; small variants not assessed")
    calls = {s.sample: [(f["copy_number"], f["zygosity"], f["genotype"]) for f in s.findings] for s in result.samples}
    assert calls["CN0"] == [(0, "homozygous", ".")] and calls["CN1"] == [(1, "heterozygous", ".")]


def test_missing_genotypes(tmp_path, kb):
    result = run("dot_genotypes.vcf", tmp_path, kb=kb)
    check_outputs(result)
    assert statuses(result) == {
        "DOT": "not_assessable",
        "DOT_DOT": "not_assessable",
        "PHASED_DOTS": "not_assessable",
        "HALF": "carrier",
    }
    assert [f["zygosity"] for f in result.samples[3].findings] == ["partial"]


@pytest.mark.parametrize("name, fileformat", [("long_info_line.vcf.gz", "VCFv4.2"), ("vcf44.vcf", "VCFv4.4")])
def test_long_line_and_vcf44(name, fileformat, tmp_path, kb):
    result = run(name, tmp_path, kb=kb)
    payload = check_outputs(result)
    assert payload["locus"]["fileformat"] == fileformat
    assert statuses(result) == {"S1": "consistent_with_DIRA"}


def test_undeclared_tags_are_kept_and_declared(tmp_path, kb):
    result = run("undeclared_tags.vcf", tmp_path, kb=kb)
    check_outputs(result)
    assert statuses(result) == {"S1": "consistent_with_DIRA"}
    out = cyvcf2.VCF(result.outputs["vcf"])
    header = out.raw_header
    for tag in ("##INFO=<ID=NOSUCHINFO,", "##FILTER=<ID=NoSuchFilter,", "##FORMAT=<ID=NOSUCHFMT,"):
        assert tag in header
    assert [r.FILTER for r in out] == [None, "NoSuchFilter"]


def test_blank_lines_are_skipped(tmp_path, kb):
    result = run("blank_lines.vcf", tmp_path, kb=kb)
    check_outputs(result)
    assert statuses(result) == {"S1": "consistent_with_DIRA"}
    assert "2 empty line(s) among the records were skipped" in warnings_of(result)


def test_record_without_genotype_columns(tmp_path, kb):
    result = run("record_without_genotypes.vcf", tmp_path, kb=kb)
    payload = check_outputs(result)
    assert any("record chr2:113131068 G>T has no genotype columns" in w for w in warnings_of(result))
    e77x = next(a for a in payload["alleles"] if a["allele_id"] == E77X_ID)
    assert e77x["carriers"] == 0 and e77x["classification"] == "pathogenic"
    assert statuses(result) == {"S1": "no_pathogenic_variant_detected"}


def test_samples_subset_keeps_each_sample_its_own_genotypes(tmp_path, kb):
    """`--samples` in another order than the file's: each sample keeps its own calls (the
    results used to be attached by position, giving B the calls of A)."""
    result = run("ploidy.vcf", tmp_path, kb=kb, samples=["TRI_REF", "HAP", "TRI_REF"])
    check_outputs(result)
    assert statuses(result) == {"TRI_REF": "no_pathogenic_variant_detected", "HAP": "consistent_with_DIRA"}
    assert [s.sample for s in result.samples] == ["TRI_REF", "HAP"]


# ---------------------------------------------------------------------------------------
# sample sheets (owned by il1rn_annot.workflow.sheet)


def test_sample_sheet_pointing_to_a_missing_file(monkeypatch):
    monkeypatch.chdir(REPO)  # sheet paths are relative to the working directory
    with pytest.raises(sheet.SampleSheetError) as caught:
        sheet.read_sample_sheet("tests/bad_inputs/samplesheet_missing_file.tsv")
    text = str(caught.value)
    assert isinstance(caught.value, Il1rnAnnotError)
    assert caught.value.problems == [
        f"row 2 (line 3), column 'vcf': file not found: tests/bad_inputs/does_not_exist.vcf.gz (relative to {REPO})"
    ]
    assert text.startswith("tests/bad_inputs/samplesheet_missing_file.tsv: row 2 (line 3)")


def test_malformed_sample_sheet(monkeypatch):
    monkeypatch.chdir(REPO)
    with pytest.raises(sheet.SampleSheetError) as caught:
        sheet.read_sample_sheet("tests/bad_inputs/samplesheet_malformed.tsv")
    assert "missing column(s) 'sample', 'vcf'" in str(caught.value)
    assert caught.value.hint and "tab-separated" in caught.value.hint


# ---------------------------------------------------------------------------------------
# the corpus itself


def _content(path: Path) -> bytes:
    """Bytes to compare: decompressed for gzip/BGZF (compressed bytes differ between zlib
    builds); for the deliberately truncated files only the fact that they are truncated."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (EOFError, OSError, zlib.error):
            return b"<truncated gzip>"
    return data


def test_corpus_is_current(tmp_path):
    """The committed corpus is what make_corpus.py writes (compressed files compared decompressed)."""
    fresh = make_corpus.build(tmp_path)
    committed = {p.name for p in CORPUS.iterdir() if p.name not in ("make_corpus.py", "README.md", "__pycache__")}
    assert committed == set(fresh)
    for name, path in fresh.items():
        assert _content(CORPUS / name) == _content(path), f"{name} is stale: rerun make_corpus.py"
    assert len(make_corpus.CORPUS) >= 30


def test_every_corpus_file_has_an_assertion():
    tested = {case[0] for case in ERROR_CASES}
    source = Path(__file__).read_text(encoding="utf-8")
    for name in make_corpus.CORPUS:
        assert name in tested or f'{name}"' in source, f"{name} has no test"


@pytest.mark.parametrize(
    "option,value,bound",
    [
        ("--threads", "0", 1),
        ("--threads", "2.5", 1),
        ("--threads", "x", 1),
        ("--min-gq", "-1", 0),
        ("--min-depth", "ten", 0),
    ],
)
def test_a_bad_count_option_is_a_usage_error_naming_it_and_the_bound(option, value, bound, tmp_path, capsys):
    """--threads (>= 1), --min-gq and --min-depth (>= 0) share one parser: each names the option,
    the least allowed value and what was given, and exits 2 before any input is read."""
    with pytest.raises(SystemExit) as stop:
        main(["annotate", str(tmp_path / "never_read.vcf"), "-o", str(tmp_path / "out"), option, value])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: expected a whole number of at least {bound}, got {value!r}" in err
    assert not (tmp_path / "out").exists()


def test_count_options_accept_their_least_value(tmp_path):
    """The bounds are inclusive: --threads 1 and --min-gq 0 / --min-depth 0 are legal."""
    vcf = REPO / "test_data" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
    assert (
        main(
            [
                "annotate",
                str(vcf),
                "-o",
                str(tmp_path / "out"),
                "--date",
                DATE,
                "--threads",
                "1",
                "--min-gq",
                "0",
                "--min-depth",
                "0",
            ]
        )
        == 0
    )
