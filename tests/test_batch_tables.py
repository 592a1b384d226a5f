"""A batch's tables and `--per-input notable`: every sample findable, own files only where needed.

A cohort of mostly negative samples (the 1,000-file benchmark: 994 of them) wrote five files per
input; with `--per-input notable` a negative input writes its JSON only, and its rows are in the
batch's alleles.tsv / sample_status.tsv (issue 19). These tests pin what a lab relies on: which
inputs keep their own tables and VCF, that the batch tables hold the same cells as the per-input
tables plus the input, that an unreadable input's samples are there as input_error, and that a
rerun never leaves an earlier run's table beside a newer JSON.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main
from il1rn_annot.errors import InputError
from il1rn_annot.outputs.read_back import load_annotation
from il1rn_annot.outputs.tables import ALLELE_TSV_COLUMNS, SAMPLE_TSV_COLUMNS

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "test_data"
DATE = "2026-01-01T00:00:00Z"
# rs4251961 (upstream of IL1RN, an association SNP in the knowledge base), GRCh38 position
ASSOCIATION_ONLY = "{chrom}\t113116890\trs4251961\tT\tC\t50\tPASS\t.\tGT:DP\t0/1:30"
OWN_FILES = ("il1rn.tsv", "sample_status.tsv", "il1rn.vcf.gz", "il1rn.vcf.gz.tbi")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _negative(make_vcf) -> Path:
    return make_vcf("NEG1.vcf", [ASSOCIATION_ONLY], ["NEG1"])


def test_a_negative_input_gets_its_json_only_and_a_flagged_one_every_file(make_vcf, tmp_path, kb):
    negative = _negative(make_vcf)
    out = tmp_path / "out"
    result = annotate_file(negative, out, kb, date=DATE, per_input="notable")
    assert result.samples[0].dira_status == "no_pathogenic_variant_detected"
    assert sorted(p.name for p in out.iterdir()) == ["NEG1.il1rn.json"]
    assert list(result.outputs) == ["json"]
    # the rows are still made: the same cells the per-input tables would hold
    assert [c[0] for c in result.sample_cells] == ["NEG1"]
    assert [(c[0], c[2]) for c in result.allele_cells] == [("NEG1", 113116890)]

    flagged = annotate_file(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", out, kb, date=DATE, per_input="notable")
    assert flagged.samples[0].dira_status == "consistent_with_DIRA"
    assert {f"gatk_hc.PATIENT_HOM_E77X.{suffix}" for suffix in OWN_FILES} <= {p.name for p in out.iterdir()}
    assert list(flagged.outputs) == ["vcf", "tsv", "sample_status", "json"]


def test_notable_drops_an_earlier_runs_tables_of_a_now_negative_input(make_vcf, tmp_path, kb):
    """A rerun in notable mode must not leave the tables and VCF of an earlier `all` run beside
    the new JSON: they could disagree with it (another KB version) and a lab would read them."""
    negative = _negative(make_vcf)
    out = tmp_path / "out"
    annotate_file(negative, out, kb, date=DATE)  # per_input="all": the four outputs
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["NEG1.il1rn.json", *(f"NEG1.{suffix}" for suffix in OWN_FILES)]
    )
    annotate_file(negative, out, kb, date=DATE, per_input="notable")
    assert sorted(p.name for p in out.iterdir()) == ["NEG1.il1rn.json"]


def test_batch_tables_hold_every_sample_and_the_per_input_cells(make_vcf, tmp_path, capsys):
    negative = _negative(make_vcf)
    broken = tmp_path / "BROKEN.vcf"
    broken.write_text(negative.read_text().replace("\t113116890\t", "\t11311689x\t"))  # POS not a number
    joint = DATA / "bcftools.joint_cohort.vcf.gz"
    out = tmp_path / "batch"
    inputs = [str(negative), str(broken), str(joint)]
    code = main(
        [
            *("annotate", *inputs, "-o", str(out), "--date", DATE, "--keep-going"),
            *("--per-input", "notable", "--batch-tables", "--manifest", str(out / "manifest.json")),
        ]
    )
    assert code == 0
    status = _rows(out / "sample_status.tsv")
    assert list(status[0]) == ["input", *SAMPLE_TSV_COLUMNS]
    joint_samples = json.loads((out / "bcftools.joint_cohort.il1rn.json").read_text())["samples"]
    assert [(r["input"], r["sample"]) for r in status] == [
        (str(negative), "NEG1"),
        (str(broken), "NEG1"),
        *[(str(joint), s["sample"]) for s in joint_samples],
    ]
    assert status[1]["dira_status"] == "input_error" and status[1]["status_sentence"]
    # the joint VCF has flagged samples: its own tables too, with the same rows as the batch's
    own_status = _rows(out / "bcftools.joint_cohort.sample_status.tsv")
    assert [dict(r, input=str(joint)) for r in own_status] == [r for r in status if r["input"] == str(joint)]
    alleles = _rows(out / "alleles.tsv")
    assert list(alleles[0]) == ["input", *ALLELE_TSV_COLUMNS]
    own_alleles = _rows(out / "bcftools.joint_cohort.il1rn.tsv")
    assert [dict(r, input=str(joint)) for r in own_alleles] == [r for r in alleles if r["input"] == str(joint)]
    negative_alleles = [r for r in alleles if r["input"] == str(negative)]
    assert [(r["sample"], r["pos"], r["known_variant"] != "") for r in negative_alleles] == [
        ("NEG1", "113116890", True)
    ]
    # the negative input: no file of its own; its JSON is line 1 of the batch's annotations.jsonl,
    # the same document `annotate` alone writes as NEG1.il1rn.json (but for the command line)
    assert not any(p.name.startswith("NEG1.") for p in out.iterdir())
    entries = json.loads((out / "manifest.json").read_text())["inputs"]
    assert entries[0]["outputs"] == {"annotation_line": f"{out / 'annotations.jsonl'}#1"}
    assert set(entries[2]["outputs"]) == {"vcf", "tsv", "sample_status", "json"}
    lines = (out / "annotations.jsonl").read_text().splitlines()
    assert len(lines) == 1  # the broken input has none, the joint VCF its own JSON
    alone = tmp_path / "alone"
    assert main(["annotate", str(negative), "-o", str(alone), "--date", DATE, "--per-input", "notable"]) == 0
    expected = json.loads((alone / "NEG1.il1rn.json").read_text())
    in_batch = json.loads(lines[0])
    for doc in (expected, in_batch):
        doc["provenance"].pop("command_line")
    assert in_batch == expected
    assert load_annotation(entries[0]["outputs"]["annotation_line"]) == json.loads(lines[0])


def test_per_input_all_is_the_default_by_hand(tmp_path):
    """By hand (`il1rn-annot annotate FILE -o DIR`) nothing changes: the four outputs."""
    vcf = tmp_path / "in.vcf.gz"
    shutil.copyfile(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz", vcf)
    shutil.copyfile(str(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz") + ".tbi", str(vcf) + ".tbi")
    assert main(["annotate", str(vcf), "-o", str(tmp_path / "o"), "--date", DATE]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        ["in.il1rn.json", *(f"in.{suffix}" for suffix in OWN_FILES)]
    )


def test_batch_alleles_take_the_evidence_columns_of_the_run(make_vcf, tmp_path):
    """With population/ClinVar resources NAME.il1rn.tsv has more columns: the batch table has them
    too, with the same cells (a negative input's rows are there only)."""
    from test_evidence import CLINVAR, POPULATION

    negative = _negative(make_vcf)
    out = tmp_path / "batch"
    resources = ["--population-vcf", str(POPULATION["GRCh38"]), "--clinvar-vcf", str(CLINVAR["GRCh38"])]
    inputs = [str(negative), str(DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz")]
    assert (
        main(
            [
                "annotate",
                *inputs,
                "-o",
                str(out),
                "--date",
                DATE,
                "--per-input",
                "notable",
                "--batch-tables",
                *resources,
            ]
        )
        == 0
    )
    own = _rows(out / "gatk_hc.PATIENT_HOM_E77X.il1rn.tsv")
    batch = _rows(out / "alleles.tsv")
    assert list(batch[0]) == ["input", *own[0]]
    assert len(own[0]) > len(ALLELE_TSV_COLUMNS)
    assert [dict(r, input=inputs[1]) for r in own] == [r for r in batch if r["input"] == inputs[1]]
    assert [r["sample"] for r in batch if r["input"] == inputs[0]] == ["NEG1"]


def test_each_input_records_the_command_with_itself_and_a_count_of_the_others(make_vcf, tmp_path):
    """A batch's command line named all 500 inputs in every input's JSON (half of each file,
    read back 1,000 times by the cohort step): each JSON names its own input and counts the
    others; the options, also one whose value names an input file, are kept whole."""
    first = make_vcf("A1.vcf", [ASSOCIATION_ONLY], ["A1"])
    second = make_vcf("B1.vcf", [ASSOCIATION_ONLY], ["B1"])
    out = tmp_path / "out"
    code = main(["annotate", str(first), str(second), "-o", str(out), "--date", DATE, "--keep-going"])
    assert code == 0
    for this, other in ((first, second), (second, first)):
        stem = this.name.removesuffix(".vcf")
        recorded = json.loads((out / f"{stem}.il1rn.json").read_text())["provenance"]["command_line"]
        assert recorded == (
            f"il1rn-annot annotate {this} [+1 other inputs of this run] -o {out} --date {DATE} --keep-going"
        )
        assert str(other) not in recorded
    # one input: the command exactly as given
    single = tmp_path / "single"
    assert main(["annotate", str(first), "-o", str(single), "--date", DATE]) == 0
    recorded = json.loads((single / "A1.il1rn.json").read_text())["provenance"]["command_line"]
    assert recorded == f"il1rn-annot annotate {first} -o {single} --date {DATE}"


def test_a_negative_input_of_a_batch_reads_back_for_a_report_and_a_rerun_drops_its_old_json(make_vcf, tmp_path):
    """A lab may ask for the report of a negative sample (`reports: all`): it is read from its
    line of annotations.jsonl through the manifest. A rerun in batch mode removes the JSON an
    earlier per-input run wrote, so that no older document sits beside the batch's line."""
    negative = _negative(make_vcf)
    out = tmp_path / "batch"
    assert main(["annotate", str(negative), "-o", str(out), "--date", DATE]) == 0
    assert (out / "NEG1.il1rn.json").exists()
    manifest = out / "manifest.json"
    args = ["annotate", str(negative), "-o", str(out), "--date", DATE, "--per-input", "notable"]
    assert main([*args, "--batch-tables", "--manifest", str(manifest)]) == 0
    assert not (out / "NEG1.il1rn.json").exists()
    assert main(["report", "--manifest", str(manifest), "--sample", "NEG1", "-o", str(tmp_path / "r"), "--no-pdf"]) == 0
    html = (tmp_path / "r" / "NEG1.report.html").read_text()
    assert "NEG1" in html and "No pathogenic variant detected".lower() in html.lower()


def test_a_line_the_batch_file_does_not_have_is_refused_by_name(tmp_path):
    (tmp_path / "annotations.jsonl").write_text('{"a": 1}\n')
    with pytest.raises(InputError, match="line 3 is not in the file"):
        load_annotation(f"{tmp_path / 'annotations.jsonl'}#3")


def test_the_recorded_command_keeps_an_option_value_that_names_an_input():
    from il1rn_annot.annotate_vcf.command import InputCommandLine
    from il1rn_annot.cli import build_parser

    argv = ["annotate", "--build", "GRCh38", "a.vcf", "b.vcf", "a.vcf", "-o", "out", "--reference", "b.vcf"]
    args = build_parser().parse_args(argv)
    line = InputCommandLine(argv, args.inputs, args.value_options)
    assert [line.for_input(p) for p in ("a.vcf", "b.vcf")] == [
        f"il1rn-annot annotate --build GRCh38 {p} [+2 other inputs of this run] -o out --reference b.vcf"
        for p in ("a.vcf", "b.vcf")
    ]


def test_the_annotated_vcf_formatted_late_is_byte_identical(tmp_path, kb):
    """With `--per-input notable` a small file's VCF lines are formatted only when its VCF is
    kept; the files are the same bytes as when every line is formatted as it is read, also for
    a file whose undeclared tags htslib declares while reading (it is then annotated again the
    early way: the INFO fields must stand before those declarations)."""
    inputs = sorted(p for p in DATA.iterdir() if p.name.endswith((".vcf", ".vcf.gz", ".bcf")))
    inputs.append(REPO / "tests" / "bad_inputs" / "undeclared_tags.vcf")
    compared = 0
    for path in inputs:
        outs = {}
        for late in (True, False):
            out = tmp_path / f"{path.name}.{late}"
            try:
                result = annotate_file(path, out, kb, date=DATE, command_line="x", per_input="notable", late_vcf=late)
            except Exception as exc:  # an input refused either way (no_contigs.vcf)
                outs[late] = type(exc).__name__
                continue
            outs[late] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
            compared += "vcf" in result.outputs
        assert outs[True] == outs[False], path.name
    assert compared >= 8  # flagged inputs: their VCFs were written both ways


def test_a_negative_input_with_a_record_that_is_not_utf8_is_refused_in_a_batch_too(make_vcf, tmp_path, kb):
    """Its VCF lines are not formatted (no VCF is kept for a negative input), but the record's
    text is still checked: refused as when every input's lines were formatted."""
    negative = _negative(make_vcf)
    latin1 = tmp_path / "LATIN1.vcf"
    latin1.write_bytes(negative.read_bytes().replace(b"rs4251961", b"rs4251961_caf\xe9"))
    for per_input in ("all", "notable"):
        with pytest.raises(InputError, match="not UTF-8"):
            annotate_file(latin1, tmp_path / per_input, kb, date=DATE, per_input=per_input)


def test_a_batch_rerun_removes_every_earlier_file_of_its_negative_inputs(make_vcf, tmp_path):
    """A batch lists its folder once and removes what an earlier run left there under its
    inputs' names (an unlink per possible name and input cost five failed calls each)."""
    first = make_vcf("A1.vcf", [ASSOCIATION_ONLY], ["A1"])
    second = make_vcf("B1.vcf", [ASSOCIATION_ONLY], ["B1"])
    out = tmp_path / "out"
    assert main(["annotate", str(first), str(second), "-o", str(out), "--date", DATE]) == 0
    assert len([p for p in out.iterdir() if p.name.startswith(("A1.", "B1."))]) == 10
    args = ["--per-input", "notable", "--batch-tables", "--manifest", str(out / "manifest.json")]
    assert main(["annotate", str(first), str(second), "-o", str(out), "--date", DATE, *args]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "alleles.tsv",
        "annotations.jsonl",
        "manifest.json",
        "sample_status.tsv",
    ]
