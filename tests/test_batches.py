"""il1rn_annot.workflow.batches: annotate batches (order, size, output names, rounds of equal
jobs, finished batches kept) and the plan made from a sheet."""

from __future__ import annotations

import json

import pytest
from sheet_builders import JOINT_SAMPLES, vcf_workdir, write

from il1rn_annot.workflow.batches import make_plan, plan_batches, read_finished_batches
from il1rn_annot.workflow.sheet import SampleSheetError


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with a few VCFs, as the workflow sees it (paths relative to it)."""
    return vcf_workdir(tmp_path, monkeypatch)


# ---- batching ----------------------------------------------------------------------------


def test_batches_keep_order_and_size():
    files = [f"d/s{i}.vcf.gz" for i in range(1, 1001)]
    batches = plan_batches(files, 200)
    assert [len(b.inputs) for b in batches] == [200] * 5
    assert [b.index for b in batches] == [1, 2, 3, 4, 5]
    assert [p for b in batches for p in b.inputs] == files
    assert [len(b.inputs) for b in plan_batches(files[:7], 3)] == [3, 3, 1]
    assert len(plan_batches(files + files[:10], 200)) == 5  # repeated paths: once


def test_same_output_name_never_shares_a_batch():
    files = ["run1/P1.vcf.gz", "run2/P1.vcf.gz", "run1/P2.vcf", "run3/p1.VCF.gz", "run3/P1.bcf", "P3.bcf"]
    batches = plan_batches(files, 200)
    for batch in batches:
        names = [n.lower() for n in batch.output_names()]
        assert len(names) == len(set(names)), batch
    assert batches[0].inputs == ("run1/P1.vcf.gz", "run1/P2.vcf", "run3/p1.VCF.gz", "P3.bcf")
    assert batches[1].inputs == ("run2/P1.vcf.gz",)
    assert batches[2].inputs == ("run3/P1.bcf",)


def test_appending_files_leaves_full_batches_alone():
    files = [f"s{i}.vcf" for i in range(450)]
    before = plan_batches(files, 200)
    after = plan_batches([*files, "new1.vcf", "new2.vcf"], 200)
    assert after[:2] == before[:2]
    assert after[2].inputs[-2:] == ("new1.vcf", "new2.vcf")


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        plan_batches(["a.vcf"], 0)
    with pytest.raises(ValueError, match="parallel must be at least 1"):
        plan_batches(["a.vcf"], 10, parallel=0)


@pytest.mark.parametrize(
    "n, batch_size, cores, sizes",
    [
        (11, 200, 4, [3, 3, 3, 2]),  # fewer batches than cores: one per core
        (5, 200, 8, [1, 1, 1, 1, 1]),  # fewer files than cores: one per file
        (1000, 200, 2, [167, 167, 167, 167, 166, 166]),  # 3 rounds of 2 equal jobs, not 5 x 200 (the fifth alone)
        (1000, 200, 4, [125] * 8),
        (1000, 200, 5, [200] * 5),  # full rounds stay as they are
        (1001, 200, 2, [167, 167, 167, 167, 167, 166]),
        (399, 200, 2, [200, 199]),
        (7, 3, 1, [3, 3, 1]),  # one core (or a cluster): batch_size only
    ],
)
def test_local_batches_fill_rounds_of_every_core_evenly(n, batch_size, cores, sizes):
    files = [f"d/s{i}.vcf.gz" for i in range(n)]
    batches = plan_batches(files, batch_size, parallel=cores)
    assert [len(b.inputs) for b in batches] == sizes
    assert [b.index for b in batches] == list(range(1, len(sizes) + 1))
    assert [p for b in batches for p in b.inputs] == files  # still in input order
    assert max(sizes) <= batch_size


def test_split_last_round_keeps_output_names_apart():
    files = ["run1/P1.vcf.gz", "run2/P1.vcf.gz", "run3/P1.vcf.gz", "P2.vcf", "P3.vcf"]
    batches = plan_batches(files, 200, parallel=2)
    for batch in batches:
        names = [n.lower() for n in batch.output_names()]
        assert len(names) == len(set(names)), batch
    assert sorted(p for b in batches for p in b.inputs) == sorted(files)


def test_finished_batches_are_kept_whatever_the_cores():
    files = [f"s{i}.vcf" for i in range(1000)]
    first = plan_batches(files, 200, parallel=2)
    finished = {b.index: b.inputs for b in first}
    assert plan_batches(files, 200, parallel=4, finished=finished) == first  # another --cores: no re-run
    assert plan_batches(files, 50, parallel=1, finished=finished) == first  # another batch_size: neither
    grown = plan_batches([*files, "new1.vcf", "new2.vcf", "new3.vcf"], 200, parallel=2, finished=finished)
    assert grown[:6] == first
    assert [b.inputs for b in grown[6:]] == [("new1.vcf", "new2.vcf"), ("new3.vcf",)]


def test_finished_batches_that_no_longer_fit_are_replanned():
    files = [f"s{i}.vcf" for i in range(10)]
    finished = {1: ("s0.vcf", "s1.vcf"), 2: ("s2.vcf", "gone.vcf"), 3: ("s1.vcf", "s3.vcf"), 5: ("s9.vcf",)}
    batches = plan_batches(files, 4, finished=finished)
    # batch 2 names a file no longer screened, batch 3 one that batch 1 holds: both re-planned
    assert {b.index: b.inputs for b in batches} == {
        1: ("s0.vcf", "s1.vcf"),
        5: ("s9.vcf",),
        2: ("s2.vcf", "s3.vcf", "s4.vcf", "s5.vcf"),
        3: ("s6.vcf", "s7.vcf", "s8.vcf"),
    }
    assert [b.index for b in batches] == [1, 2, 3, 5]


def test_read_finished_batches(tmp_path):
    root = tmp_path / "annotations"
    for index, inputs in ((1, ["a.vcf", "b.vcf"]), (12, ["c.vcf"])):
        (root / f"batch_{index}").mkdir(parents=True)
        (root / f"batch_{index}" / "manifest.json").write_text(
            json.dumps({"inputs": [{"input": i, "status": "ok"} for i in inputs]})
        )
    (root / "batch_3").mkdir()  # running or failed: no manifest
    (root / "batch_4").mkdir()
    (root / "batch_4" / "manifest.json").write_text("{truncated")
    (root / "other").mkdir()
    assert read_finished_batches(root) == {1: ("a.vcf", "b.vcf"), 12: ("c.vcf",)}
    assert read_finished_batches(tmp_path / "none") == {}


def test_plan_annotates_each_file_once(workdir):
    sheet = write(
        workdir / "s.tsv",
        "sample\tvcf\n"
        + "".join(f"{s}\tdata/bcftools.joint_cohort.vcf.gz\n" for s in JOINT_SAMPLES[:3])
        + "URB\tdata/gatk_hc.PATIENT_HOM_E77X.vcf.gz\nURB\t./data/delly.cohort.bcf\n",
    )
    plan = make_plan(str(sheet), [], 2)
    assert [b.inputs for b in plan.batches] == [
        ("data/bcftools.joint_cohort.vcf.gz", "data/gatk_hc.PATIENT_HOM_E77X.vcf.gz"),
        ("data/delly.cohort.bcf",),
    ]
    assert plan.inputs_of["URB"] == ["data/gatk_hc.PATIENT_HOM_E77X.vcf.gz", "data/delly.cohort.bcf"]
    assert plan.batches_of("URB") == [1, 2]
    assert plan.batch(2).index == 2
    with pytest.raises(KeyError):
        plan.batch(3)


def test_nothing_to_screen_is_refused():
    with pytest.raises(SampleSheetError, match="nothing to screen"):
        make_plan(None, [], 200)
