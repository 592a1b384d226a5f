"""Reading a joint VCF in parallel ranges gives exactly what one pass gives (scan.py)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pysam
import pytest
from conftest import spy_scan_workers, vcf_text

from il1rn_annot.annotate_vcf import ranges as cuts
from il1rn_annot.annotate_vcf import scan, tally
from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import InputError

DATE = "2026-01-01T00:00:00Z"
WINDOW = (113115598, 113136014)  # GRCh38 screen window of the shipped knowledge base
E77X = (113131068, "G", "T")  # c.229G>T p.Glu77Ter, the published DIRA allele


def _joint_vcf(tmp_path: Path, n_samples: int = 160, bad_at: tuple[int, ...] = ()) -> Path:
    """A bgzipped, indexed joint VCF shaped like bcftools call output over the IL-1 cluster.

    A variant every ~40 bp across the window, 5% of them with two ALTs, 2% missing calls; a
    Manta-like <DEL> starting 60 kb upstream whose END is past the window (it belongs to the
    first range only); the DIRA allele E77X with carriers and a homozygote; sample 1 carries
    E77X and the deletion (compound heterozygous across two ranges). `bad_at`: positions
    whose record gets a non-numeric DP (an htslib parse error).
    """
    rng = random.Random(7)
    samples = [f"S{i:04d}" for i in range(n_samples)]
    rows: list[str] = []
    del_gts = ["0/0"] * n_samples
    del_gts[1] = "0/1"
    del_gts[7] = "1/1"
    rows.append(
        "{chrom}\t113055000\tMantaDEL:1\tN\t<DEL>\t99\tPASS\tSVTYPE=DEL;END=113140000;SVLEN=-85000\tGT:DP\t"
        + "\t".join(f"{g}:30" for g in del_gts)
    )
    positions, pos = {E77X[0]}, WINDOW[0] + 3
    while pos < WINDOW[1]:
        if abs(pos - E77X[0]) > 1:
            positions.add(pos)
        pos += rng.randint(20, 60)
    bases = "ACGT"
    for pos in sorted(positions):
        ref = rng.choice(bases)
        if pos == E77X[0]:
            ref, alts = E77X[1], [E77X[2]]
        else:
            alts = [b for b in bases if b != ref][: 2 if rng.random() < 0.05 else 1]
        gts = []
        for i in range(n_samples):
            r = rng.random()
            if pos == E77X[0]:
                gts.append({1: "0/1", 5: "0/1", 9: "1/1"}.get(i, "./." if r < 0.02 else "0/0") + ":31")
            elif r < 0.02:
                gts.append("./.:.")
            elif r < 0.06:
                gts.append(f"0/{rng.randint(1, len(alts))}:{rng.randint(5, 60)}")
            elif r < 0.07:
                gts.append(f"{len(alts)}/{len(alts)}:{rng.randint(5, 60)}")
            else:
                gts.append(f"0/0:{rng.randint(5, 60)}")
        if pos in bad_at:
            gts[3] = "0/1:deep"
        rows.append(f"{{chrom}}\t{pos}\t.\t{ref}\t{','.join(alts)}\t50\tPASS\t.\tGT:DP\t" + "\t".join(gts))
    text = vcf_text(rows, samples)
    plain = tmp_path / "joint.vcf"
    plain.write_text(text)
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return tmp_path / "joint.vcf.gz"


def _outputs(result) -> dict[str, bytes]:
    return {Path(p).name: Path(p).read_bytes() for p in result.outputs.values()} | {
        "tbi": Path(result.outputs["vcf"] + ".tbi").read_bytes()
    }


@pytest.fixture
def ranges_used(monkeypatch):
    """Let 160 samples count as a big file, and record how many processes each scan used."""
    monkeypatch.setattr(scan, "PARALLEL_MIN_SAMPLES", 100)

    def check(built: scan.SitesOnlyScan) -> None:
        assert len(built._tally_tasks) == built.workers  # a tally per range,
        assert len(built._sites_tasks) == 1  # one sample-less read of the whole window

    return spy_scan_workers(monkeypatch, check)


def test_parallel_ranges_give_byte_identical_outputs(tmp_path, kb, ranges_used):
    path = _joint_vcf(tmp_path)
    one = annotate_file(path, tmp_path / "one", kb, date=DATE, threads=1)
    three = annotate_file(path, tmp_path / "three", kb, date=DATE, threads=3)
    assert ranges_used == [1, 3]
    assert _outputs(one) == _outputs(three)
    statuses = {s.sample: s.dira_status for s in three.samples}
    assert statuses["S0009"] == "consistent_with_DIRA"  # E77X homozygous (last range)
    # E77X 0/1 inside the heterozygous upstream <DEL> (first range): the calls disagree, so the two
    # P/LP alleles are of unknown phase (phase.discordant_inside_note)
    assert statuses["S0001"] == "possible_DIRA"
    assert statuses["S0007"] == "consistent_with_DIRA"  # homozygous deletion
    assert statuses["S0005"] == "carrier"
    e77x = next(a for a in three.payload["alleles"] if a["known_variant"] and a["pos"] == E77X[0])
    assert (e77x["carriers"], e77x["homozygotes"], e77x["allele_count"]) == (3, 1, 4)
    records = three.payload["locus"]["records_read"]
    with pysam.VariantFile(str(path)) as vcf:
        assert records == sum(1 for _ in vcf.fetch("chr2", WINDOW[0] - 1, WINDOW[1]))


def test_parallel_sample_subset_keeps_the_requested_order(tmp_path, kb, ranges_used):
    path = _joint_vcf(tmp_path)
    wanted = ["S0150", "S0009", "S0001", "S0005"] + [f"S{i:04d}" for i in range(20, 130)]
    one = annotate_file(path, tmp_path / "one", kb, date=DATE, threads=1, samples=wanted)
    two = annotate_file(path, tmp_path / "two", kb, date=DATE, threads=2, samples=wanted)
    assert ranges_used == [1, 2]
    assert _outputs(one) == _outputs(two)
    assert [s.sample for s in two.samples][:4] == wanted[:4]
    # S0009 homozygous E77X; S0001 E77X 0/1 inside its heterozygous <DEL>: discordant, unknown phase
    assert [s.dira_status for s in two.samples][1:3] == ["consistent_with_DIRA", "possible_DIRA"]


def test_the_first_bad_record_is_reported_whichever_worker_meets_it(tmp_path, kb, ranges_used):
    path = _joint_vcf(tmp_path)
    with pysam.VariantFile(str(path)) as vcf:
        positions = [r.pos for r in vcf.fetch("chr2", WINDOW[0] - 1, WINDOW[1]) if r.pos >= WINDOW[0]]
    # one bad record in the second of three ranges, one in the third
    bad = (positions[len(positions) // 2], positions[-5])
    path = _joint_vcf(tmp_path, bad_at=bad)
    messages = []
    for threads in (1, 3):
        with pytest.raises(InputError) as caught:
            annotate_file(path, tmp_path / f"out{threads}", kb, date=DATE, threads=threads)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert f"chr2:{bad[0]}" in messages[0] and "deep" in messages[0]
    assert not list((tmp_path / "out3").glob("*.il1rn.*"))  # nothing half-written


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path, kb, ranges_used, monkeypatch):
    """htslib can kill a process on a malformed record (segmentation fault): the run must fail
    with a message, in reasonable time, and leave no outputs. (SIGKILL stands in for the
    crash: a real SIGSEGV would also make pytest's faulthandler print a dump in the log.)"""
    import os
    import signal

    path = _joint_vcf(tmp_path)
    original = scan._tally_range

    def crashing(plan, bounds, reader=None):
        if bounds[0] is not None:  # kill the worker reading the second range
            os.kill(os.getpid(), signal.SIGKILL)
        return original(plan, bounds, reader)

    monkeypatch.setattr(scan, "_tally_range", crashing)
    signal.alarm(120)  # a hang fails the test instead of stalling the suite
    try:
        with pytest.raises(InputError, match="worker process reading the file died"):
            annotate_file(path, tmp_path / "out", kb, date=DATE, threads=2)
    finally:
        signal.alarm(0)
    assert not list((tmp_path / "out").glob("*.il1rn.*"))


def test_samples_sharing_calls_share_wording_but_not_findings(tmp_path, kb):
    """The memo in annotate_vcf.interpret_samples gives what interpreting each sample alone gives."""
    from il1rn_annot.core.interpret import interpret_sample

    path = _joint_vcf(tmp_path)
    result = annotate_file(path, tmp_path / "out", kb, date=DATE, findings="all")
    records = result.payload["locus"]["records_read"]
    with pysam.VariantFile(str(path)) as vcf:
        window = list(vcf.fetch("chr2", WINDOW[0] - 1, WINDOW[1]))
        uncalled = {s: sum(all(a is None for a in r.samples[s]["GT"]) for r in window) for s in vcf.header.samples}
    assert len(window) == records and any(uncalled.values())
    alone = [
        interpret_sample(
            r.sample,
            r.findings,
            r.locus_called,
            records=records,
            uncalled_records=uncalled[r.sample],
            coverage=r.coverage,
        )
        for r in result.samples
    ]
    assert [r.to_dict() for r in result.samples] == [a.to_dict() for a in alone]
    depths = {tuple(f["depth"] for f in r.findings) for r in result.samples if r.findings}
    assert len(depths) > 1  # each sample kept its own calls


def test_position_ranges_cover_the_window_without_overlap():
    for k, skip_cost in ((1, 0.13), (2, 0.13), (3, 0.13), (7, 0.13), (2, 0.0), (8, 0.5)):
        ranges = cuts.position_ranges(WINDOW, k, skip_cost)
        assert len(ranges) == k and ranges[0][0] is None and ranges[-1][1] is None
        for (_, high), (low, _) in itertools.pairwise(ranges):
            assert low == high + 1
        assert all(low <= high for low, high in ranges if low is not None and high is not None)
    assert cuts.position_ranges(WINDOW, 2, 0.0) == [(None, 113125806), (113125807, None)]  # halves
    # a second range starting in the 16 kb index window that holds the first re-reads it: it
    # gets less of the window (GRCh38: 113115136-113131519 holds 80% of the window)
    (_, first_high), (second_low, _) = cuts.position_ranges(WINDOW, 2)
    assert first_high - WINDOW[0] > WINDOW[1] - second_low
    assert cuts.position_ranges((100, 102), 5) == [(None, 100), (101, 101), (102, None)]  # narrower than k


def test_text_ranges_give_this_process_the_larger_first_share():
    """The text read's first range is read here, the others in forked children whose results
    cross a pipe: the first is TEXT_FIRST_WEIGHT times as wide, the ranges still cover the
    window without overlap."""
    for k in (2, 3, 8):
        ranges = cuts.text_position_ranges(WINDOW, k)
        assert len(ranges) == k and ranges[0][0] is None and ranges[-1][1] is None
        for (_, high), (low, _) in itertools.pairwise(ranges):
            assert low == high + 1
    (_, first_high), _ = cuts.text_position_ranges(WINDOW, 2)
    share = (first_high - WINDOW[0] + 1) / (WINDOW[1] - WINDOW[0] + 1)
    assert share == pytest.approx(cuts.TEXT_FIRST_WEIGHT / (cuts.TEXT_FIRST_WEIGHT + 1), abs=1e-3)
    assert cuts.text_position_ranges((100, 101), 4) == [(None, 100), (101, None)]  # narrower than k
    assert cuts.text_position_ranges(WINDOW, 1) == [(None, None)]


def test_small_or_unindexed_files_are_read_in_one_process(tmp_path, kb):
    plan_args = {
        "kb": kb,
        "build": "GRCh38",
        "reference": None,
        "window": WINDOW,
        "contig_length": 242193529,
        "all_findings": False,
        "samples": None,
    }

    class Info:
        samples = ["s"] * 600

    big_indexed = tally.ScanPlan(info=Info(), index="x.tbi", **plan_args)  # type: ignore[arg-type]
    assert scan.worker_count(big_indexed, 4) == 4
    assert scan.worker_count(big_indexed, 64) == scan.MAX_WORKERS
    assert scan.worker_count(tally.ScanPlan(info=Info(), index=None, **plan_args), 4) == 1  # type: ignore[arg-type]
    Info.samples = ["s"] * 10
    assert scan.worker_count(big_indexed, 4) == 1


def test_annotations_remembered_across_files_are_not_changed_by_them(tmp_path, kb):
    """A batch annotates each recurring allele once (`tally.annotated`); sharing the annotation
    between files must not let one file's results leak into another's."""
    data = Path(__file__).resolve().parents[1] / "test_data"
    first = data / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
    kb.annotation_memo.clear()
    before = annotate_file(first, tmp_path / "a", kb, date=DATE)
    remembered = len(kb.annotation_memo)
    assert remembered >= 1
    for other in ("bcftools.joint_cohort.vcf.gz", "gatk_hc.URBANEJA_LIKE.vcf.gz", "manta.DEL175_HOM.vcf.gz"):
        annotate_file(data / other, tmp_path / "b", kb, date=DATE)
    again = annotate_file(first, tmp_path / "c", kb, date=DATE)
    for name in (
        "gatk_hc.PATIENT_HOM_E77X.il1rn.json",
        "gatk_hc.PATIENT_HOM_E77X.il1rn.tsv",
        "gatk_hc.PATIENT_HOM_E77X.sample_status.tsv",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c" / name).read_bytes(), name
    assert again.payload["alleles"] == before.payload["alleles"]
    alleles = {key[1]: v for key, v in kb.annotation_memo.items() if isinstance(key, tuple) and hasattr(key[1], "pos")}
    e77x = next(v for allele, v in alleles.items() if (allele.pos, allele.ref, allele.alt) == E77X)
    assert e77x[0].known_variant and e77x[0].classification == "pathogenic"
