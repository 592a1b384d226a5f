"""A joint VCF read in two passes (annotate_vcf.text_scan) gives exactly what htslib's one pass gives."""

from __future__ import annotations

import random
from pathlib import Path

import pysam
import pytest
from conftest import spy_scan_workers

from il1rn_annot.annotate_vcf import scan, text_scan
from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.errors import InputError

DATE = "2026-01-01T00:00:00Z"
WINDOW = (113115598, 113136014)  # GRCh38 screen window of the shipped knowledge base
E77X = (113131068, "G", "T")  # c.229G>T p.Glu77Ter, the published DIRA allele
RS419598 = (113129630, "T", "C")  # c.171T>C, an association polymorphism in the knowledge base
TEST_DATA = Path(__file__).resolve().parent.parent / "test_data"
HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="All filters passed">',
    "##bcftoolsVersion=1.17+htslib-1.17",
    "##reference=file:///ref/Homo_sapiens_assembly38.fasta",
    "##contig=<ID=chr2,length=242193529>",
    '##ALT=<ID=*,Description="Represents allele(s) other than observed.">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes for each ALT allele">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Number of high-quality bases">',
]


def _genotype(rng: random.Random, alts: int) -> str:
    r = rng.random()
    if r < 0.02:
        return "./.:."
    if r < 0.03:
        return f"0/.:{rng.randint(3, 9)}"  # half-called
    if r < 0.07:
        return f"0{rng.choice('/|')}{rng.randint(1, alts)}:{rng.randint(5, 60)}"
    if r < 0.075:
        return f"{alts}/{alts}:{rng.randint(5, 60)}"
    return f"0/0:{rng.randint(5, 60)}"


def joint_vcf(tmp_path: Path, n_samples: int = 160, extra: list[str] | None = None, bad_at: int | None = None) -> Path:
    """A bgzipped, indexed joint VCF shaped like bcftools call output (GT:DP, AC/AN), no SV lines.

    A site every 15-45 bp across the window (random bases, so coding sites are variants of
    uncertain significance: read whole), 5% with two ALTs, 2% missing calls, half calls, phased
    calls; a 60-bp deletion starting before the window and reaching into it, and one inside it
    spanning later sites; records before the window that do not reach it; the DIRA allele E77X
    carried by three samples (one homozygous) with one no-call; rs419598; one record with a
    haploid call (not plain: read whole). `bad_at`: a position whose record gets a non-numeric DP.
    """
    rng = random.Random(19)
    samples = [f"S{i:04d}" for i in range(n_samples)]
    bases = "ACGT"
    rows: list[tuple[int, str]] = []

    def add(pos: int, ref: str, alt: str, gts: list[str]) -> None:
        if pos == bad_at:
            gts = ["0/1:deep", *gts[1:]]
        ac = [sum(g.split(":")[0].replace("|", "/").split("/").count(str(a)) for g in gts) for a in (1, 2)]
        info = f"AC={','.join(map(str, ac[: alt.count(',') + 1]))};AN={2 * n_samples}"
        rows.append((pos, "\t".join(["chr2", str(pos), ".", ref, alt, "50", "PASS", info, "GT:DP", *gts])))

    for pos in (WINDOW[0] - 900, WINDOW[0] - 400):  # read by the index query, not reaching the window
        add(pos, "A", "G", [_genotype(rng, 1) for _ in samples])
    add(WINDOW[0] - 30, "".join(rng.choice(bases) for _ in range(61)), "A", [_genotype(rng, 1) for _ in samples])
    taken = {E77X[0], RS419598[0]}
    pos = WINDOW[0] + 2
    while pos < WINDOW[1]:
        if all(abs(pos - t) > 1 for t in taken):
            ref = rng.choice(bases)
            alts = [b for b in bases if b != ref][: 2 if rng.random() < 0.05 else 1]
            add(pos, ref, ",".join(alts), [_genotype(rng, len(alts)) for _ in samples])
        pos += rng.randint(15, 45)
    add(113121000, "".join(rng.choice(bases) for _ in range(31)), "C", [_genotype(rng, 1) for _ in samples])
    e77x = ["0/0:30"] * n_samples
    e77x[3], e77x[40], e77x[77], e77x[41] = "0/1:28", "0|1:31", "1/1:25", "./.:."
    add(E77X[0], E77X[1], E77X[2], e77x)
    add(RS419598[0], RS419598[1], RS419598[2], [rng.choice(["0/0:30", "0/1:30", "1/1:30"]) for _ in samples])
    haploid = [_genotype(rng, 1) for _ in samples]
    haploid[5] = "1:12"
    add(113119001, "C", "T", haploid)
    for line in extra or []:
        rows.append((int(line.split("\t")[1]), line))
    rows.sort(key=lambda r: r[0])
    text = "\n".join([*HEADER, "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])])
    text = text + "\t" + "\t".join(samples) + "\n" + "\n".join(r[1] for r in rows) + "\n"
    plain = tmp_path / "joint.vcf"
    plain.write_text(text)
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return tmp_path / "joint.vcf.gz"


def _outputs(result) -> dict[str, bytes]:
    return {Path(p).name: Path(p).read_bytes() for p in result.outputs.values()} | {
        "tbi": Path(result.outputs["vcf"] + ".tbi").read_bytes()
    }


def spy_reads(monkeypatch) -> list[tuple[str, str | None]]:
    """Let 100+ samples count as big (parallel ranges); record how each scan read its genotypes."""
    monkeypatch.setattr(scan, "PARALLEL_MIN_SAMPLES", 100)
    seen: list[tuple[str, str | None]] = []
    original = scan.SitesOnlyScan.finish

    def finish(self):
        seen.append((self.read_as, self.text_fallback))
        return original(self)

    monkeypatch.setattr(scan.SitesOnlyScan, "finish", finish)
    return seen


@pytest.fixture
def reads(monkeypatch):
    return spy_reads(monkeypatch)


def _old_way(monkeypatch):
    monkeypatch.setattr(text_scan, "eligible", lambda plan: False)


def test_two_passes_give_the_outputs_of_one_htslib_pass(tmp_path, kb, reads, monkeypatch):
    path = joint_vcf(tmp_path)
    used = spy_scan_workers(monkeypatch)
    text_one = annotate_file(path, tmp_path / "text1", kb, date=DATE, threads=1)
    text_two = annotate_file(path, tmp_path / "text2", kb, date=DATE, threads=2)
    assert reads == [("text", None), ("text", None)] and used == [1, 2]
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, date=DATE, threads=1)
    assert reads[-1] == ("htslib", None)
    assert _outputs(text_one) == _outputs(old) == _outputs(text_two)
    statuses = {s.sample: s.dira_status for s in old.samples}
    assert statuses["S0077"] == "consistent_with_DIRA"
    assert statuses["S0003"] == statuses["S0040"] == "carrier"
    alleles = {a["allele_id"]: a for a in old.payload["alleles"]}
    e77x = alleles[f"chr2:{E77X[0]}:{E77X[1]}:{E77X[2]}"]
    assert (e77x["carriers"], e77x["homozygotes"], e77x["allele_count"], e77x["called_samples"]) == (3, 1, 4, 159)
    # the deletion from before the window is read; the records before it that do not reach it are not
    assert any(a["pos"] == WINDOW[0] - 30 for a in alleles.values())
    assert not any(a["pos"] < WINDOW[0] - 30 for a in alleles.values())
    # a benign site's counts come from the text: compare with the genotypes written in the file
    with pysam.VariantFile(str(path)) as vcf:
        record = next(r for r in vcf.fetch("chr2", 113125000, 113126000) if len(r.alts) == 1)
        gts = [s["GT"] for s in record.samples.values()]
    site = alleles[f"chr2:{record.pos}:{record.ref}:{record.alts[0]}"]
    assert site["classification"] == "no_predicted_effect"
    assert site["allele_count"] == sum(g.count(1) for g in gts)
    assert site["homozygotes"] == sum(1 for g in gts if g == (1, 1))
    assert site["called_samples"] == sum(1 for g in gts if any(a is not None for a in g))


def test_many_samples_in_parallel_ranges(tmp_path, kb, reads, monkeypatch):
    path = joint_vcf(tmp_path, n_samples=600)
    text = annotate_file(path, tmp_path / "text", kb, date=DATE, threads=2)
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, date=DATE, threads=2)
    assert [r[0] for r in reads] == ["text", "htslib"]
    assert _outputs(text) == _outputs(old)


def test_a_record_the_text_read_does_not_take_gives_way_to_the_old_read(tmp_path, kb, reads, monkeypatch):
    symbolic = "\t".join(
        ["chr2", "113124000", "cnv1", "N", "<DEL>", "50", "PASS", "END=113124500", "GT:DP"] + ["0/0:30"] * 160
    )
    path = joint_vcf(tmp_path, extra=[symbolic])
    text = annotate_file(path, tmp_path / "text", kb, date=DATE, threads=2)
    assert reads[0][0] == "htslib" and "symbolic" in (reads[0][1] or "")
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, date=DATE, threads=2)
    assert _outputs(text) == _outputs(old)


def test_a_bad_value_in_a_record_read_whole_is_reported_as_before(tmp_path, kb, reads, monkeypatch):
    path = joint_vcf(tmp_path, bad_at=E77X[0])
    messages = []
    for way in ("text", "old"):
        if way == "old":
            _old_way(monkeypatch)
        with pytest.raises(InputError) as caught:
            annotate_file(path, tmp_path / way, kb, date=DATE, threads=2)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and f"chr2:{E77X[0]}" in messages[0] and "deep" in messages[0]


TEST_FILES = sorted(p.name for p in TEST_DATA.glob("*.[vb]cf*") if not p.name.endswith((".tbi", ".csi")))


@pytest.mark.parametrize("name", TEST_FILES)
def test_every_test_file_read_sites_only_gives_the_same_outputs(tmp_path, kb, reads, monkeypatch, name):
    """Every shipped test file, read as a big joint VCF would be (reportable findings, sites-only
    VCF): the text read, where the file is plain enough for it, gives the old read's bytes."""
    path = TEST_DATA / name
    options = {"date": DATE, "findings": "reportable", "vcf_genotypes": "none", "threads": 1}
    if name == "no_contigs.vcf":
        options["build"] = "GRCh38"  # its header names no build
    text = annotate_file(path, tmp_path / "text", kb, **options)
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, **options)
    assert _outputs(text) == _outputs(old)
    if name == "bcftools.joint_cohort.vcf.gz":
        assert reads[0] == ("text", None)


def test_an_oversized_record_is_refused_as_before(tmp_path, kb, reads, monkeypatch):
    """The text read checks the records' sizes as it decompresses them (open_vcf leaves that to
    it); an oversized INFO is the same refusal, naming the record, either way."""
    from il1rn_annot.vcf import limits

    long_info = "\t".join(
        ["chr2", "113124001", ".", "A", "G", "50", "PASS", "NOTE=" + "x" * 5000, "GT:DP"] + ["0/0:30"] * 160
    )
    path = joint_vcf(tmp_path, extra=[long_info])
    monkeypatch.setattr(limits, "INFO_MAX_BYTES", 4096)
    messages = []
    for way in ("text", "old"):
        if way == "old":
            _old_way(monkeypatch)
        with pytest.raises(InputError) as caught:
            annotate_file(path, tmp_path / way, kb, date=DATE, threads=2)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "chr2:113124001" in messages[0] and "INFO" in messages[0]


def test_full_parse_reads_every_record_with_htslib(tmp_path, kb, reads):
    """`--full-parse`: the old read, by choice (every FORMAT value checked); the same bytes."""
    from il1rn_annot.cli import main

    path = joint_vcf(tmp_path)
    # --no-record-command: the two command lines differ (--full-parse), the outputs must not
    same = ("--date", DATE, "--no-record-command")
    assert main(["annotate", str(path), "-o", str(tmp_path / "full"), *same, "--full-parse"]) == 0
    assert main(["annotate", str(path), "-o", str(tmp_path / "text"), *same]) == 0
    assert [r[0] for r in reads] == ["htslib", "text"]
    full, text = ({p.name: p.read_bytes() for p in (tmp_path / way).iterdir()} for way in ("full", "text"))
    assert full == text and len(full) == 5


@pytest.mark.parametrize("records,size", [(1, 16 << 20), (7, 16 << 20), (64, 50_000)])
def test_how_records_are_chunked_does_not_change_the_outputs(tmp_path, kb, reads, monkeypatch, records, size):
    monkeypatch.setattr(text_scan, "CHUNK_RECORDS", records)
    monkeypatch.setattr(text_scan, "CHUNK_BYTES", size)
    path = joint_vcf(tmp_path)
    text = annotate_file(path, tmp_path / "text", kb, date=DATE, threads=2)
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, date=DATE, threads=1)
    assert [r[0] for r in reads] == ["text", "htslib"]
    assert _outputs(text) == _outputs(old)


def test_a_csi_index_is_read_as_text_too(tmp_path, kb, reads, monkeypatch):
    """`bcftools index` writes a CSI index by default: the text read starts where it says, and
    gives what the old read gives with a tabix index (provenance names the index: not compared)."""
    path = joint_vcf(tmp_path)
    _old_way(monkeypatch)
    old = annotate_file(path, tmp_path / "old", kb, date=DATE, threads=2)
    monkeypatch.undo()
    reads_csi = spy_reads(monkeypatch)
    path.with_name(path.name + ".tbi").unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True, csi=True)
    assert path.with_name(path.name + ".csi").exists()
    text = annotate_file(path, tmp_path / "text", kb, date=DATE, threads=2)
    assert reads_csi == [("text", None)]
    assert text.payload["alleles"] == old.payload["alleles"]
    assert text.payload["samples"] == old.payload["samples"]
    for name in ("joint.il1rn.tsv", "joint.sample_status.tsv"):
        assert (tmp_path / "text" / name).read_bytes() == (tmp_path / "old" / name).read_bytes()


def test_a_forked_reader_that_dies_is_an_error_not_a_hang(tmp_path, kb, reads, monkeypatch):
    """The text read forks a child per range beyond the first (il1rn_annot.forked): a child that
    htslib kills (SIGKILL stands in for a segmentation fault) fails the run with a message and
    leaves no outputs; a bug in a child comes back with its type, as from a pool worker."""
    import os
    import signal

    path = joint_vcf(tmp_path)
    original = text_scan.text_range
    parent = os.getpid()

    def dying(plan, bounds):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(plan, bounds)

    monkeypatch.setattr(text_scan, "text_range", dying)
    signal.alarm(120)  # a hang fails the test instead of stalling the suite
    try:
        with pytest.raises(InputError, match="worker process reading the file died"):
            annotate_file(path, tmp_path / "out", kb, date=DATE, threads=2)
    finally:
        signal.alarm(0)
    assert not list((tmp_path / "out").glob("*.il1rn.*"))

    def buggy(plan, bounds):
        if os.getpid() != parent:
            raise KeyError("a bug in the child")
        return original(plan, bounds)

    monkeypatch.setattr(text_scan, "text_range", buggy)
    with pytest.raises(RuntimeError, match="failed: KeyError: 'a bug in the child'"):
        annotate_file(path, tmp_path / "out", kb, date=DATE, threads=2)
    assert not list((tmp_path / "out").glob("*.il1rn.*"))
