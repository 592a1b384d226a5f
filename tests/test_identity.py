"""issue 19: an indexed input is read only at its header, index and locus blocks, and still
identified in provenance (vcf/identity.py); `--checksum full` gives the true whole-file SHA-256;
an unindexed input is hashed whole while it is streamed anyway."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pysam
import pytest

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main
from il1rn_annot.vcf.index import read_index

DATA = Path(__file__).resolve().parents[1] / "test_data"
PATIENT = DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"  # GATK HaplotypeCaller header and records, GRCh38
DATE = "2026-01-01T00:00:00Z"


def _gatk_line(rng: random.Random, chrom: str, pos: int) -> str:
    """A HaplotypeCaller-shaped heterozygous SNV record (the INFO and FORMAT of the test_data file)."""
    ref = rng.choice("ACGT")
    alt = rng.choice([b for b in "ACGT" if b != ref])
    dp = rng.randint(20, 45)
    alt_reads = rng.randint(5, dp - 5)
    info = (
        f"AC=1;AF=0.500;AN=2;BaseQRankSum={rng.uniform(-2, 2):.3f};DP={dp};ExcessHet=0.0000;"
        f"FS={rng.uniform(0, 8):.3f};MLEAC=1;MLEAF=0.500;MQ=60.00;MQRankSum=0.000;"
        f"QD={rng.uniform(2, 30):.2f};ReadPosRankSum={rng.uniform(-2, 2):.3f};SOR={rng.uniform(0, 3):.3f}"
    )
    pl = f"{rng.randint(100, 900)},0,{rng.randint(100, 1200)}"
    return (
        f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t{rng.uniform(50, 1500):.2f}\t.\t{info}\tGT:AD:DP:GQ:PL\t"
        f"0/1:{dp - alt_reads},{alt_reads}:{dp}:99:{pl}\n"
    )


@pytest.fixture(scope="module")
def genome_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The patient's file grown into a ~6 MB whole-genome-shaped one: 100,000 records on chr1, the
    test_data records on chr2 (c.229G>T homozygous at IL1RN), 40,000 on chr3; bgzipped, tabix-indexed."""
    rng = random.Random(19)
    with gzip.open(PATIENT, "rt") as handle:
        lines = handle.read().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    chr2 = [line for line in lines if line.startswith("chr2\t")]
    chr1 = [_gatk_line(rng, "chr1", pos) for pos in sorted(rng.sample(range(10_000, 248_000_000), 100_000))]
    chr3 = [_gatk_line(rng, "chr3", pos) for pos in sorted(rng.sample(range(10_000, 198_000_000), 40_000))]
    folder = tmp_path_factory.mktemp("genome")
    plain = folder / "WGS_PATIENT.vcf"
    plain.write_text("".join(header + chr1 + chr2 + chr3))
    path = folder / "WGS_PATIENT.vcf.gz"
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    plain.unlink()
    return path


def _blocks(path: Path) -> list[tuple[int, int]]:
    """(start, end) of every BGZF block of the file."""
    data = path.read_bytes()
    blocks, at = [], 0
    while at < len(data):
        bsize = struct.unpack_from("<H", data, at + 16)[0]
        blocks.append((at, at + bsize + 1))
        at += bsize + 1
    return blocks


def _read_through(path: Path) -> None:
    with gzip.open(path, "rb") as handle:
        while handle.read(1 << 20):
            pass


def _annotate(path: Path, outdir: Path, kb, checksum: str = "auto") -> dict:
    annotate_file(path, outdir, kb, date=DATE, command_line="il1rn-annot annotate", checksum=checksum)
    return json.loads((outdir / (path.name.removesuffix(".vcf.gz").removesuffix(".vcf") + ".il1rn.json")).read_text())


def _renamed(doc: dict, path: Path, as_path: Path) -> dict:
    """`doc` with every mention of `path` replaced by `as_path` (provenance, finding sources)."""
    return json.loads(json.dumps(doc).replace(str(path), str(as_path)))


def _without_paths(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    for entry in doc["provenance"]["inputs"]:
        entry.pop("path")
    return doc


def test_an_indexed_input_is_not_read_outside_its_header_index_and_locus_blocks(genome_vcf, kb, tmp_path, capfd):
    """Every byte of the blocks that are neither header, locus nor the file's last blocks is
    overwritten with garbage (a copy htslib cannot decompress end to end): the annotation reads
    nothing there, so it succeeds with exactly the outputs of the intact file."""
    intact = _annotate(genome_vcf, tmp_path / "intact", kb)
    entry = intact["provenance"]["inputs"][0]
    locus = entry["locus_bytes"]
    assert entry["checksum"] == "locus" and entry["sha256"] == ""
    assert locus is not None and locus[1] - locus[0] < 200_000  # a few blocks of a 5 MB file
    assert intact["locus"]["records_read"] >= 1 and intact["locus"]["indexed"] is True
    assert intact["samples"][0]["dira_status"] == "consistent_with_DIRA"

    blocks = _blocks(genome_vcf)
    assert len(blocks) > 50
    header_end = next(end for start, end in blocks if start <= 0 < end)  # the header's first block ...
    first_record = read_index(str(genome_vcf) + ".tbi").region_start("chr1", 0, 1, []) or 0
    header_end = max(header_end, first_record >> 16)  # ... up to the block of the first record
    spared = {(s, e) for s, e in blocks if e <= header_end + 1 or (s < locus[1] and e > locus[0])}
    spared |= set(blocks[-3:])  # the last data block (last line, index check) and the EOF marker
    corrupted_dir = tmp_path / "corrupt"
    corrupted_dir.mkdir()
    corrupted = corrupted_dir / genome_vcf.name
    data = bytearray(genome_vcf.read_bytes())
    garbage = random.Random(1)
    overwritten = 0
    for start, end in blocks:
        if (start, end) in spared:
            continue
        data[start + 18 : end - 8] = bytes(garbage.getrandbits(8) for _ in range(end - 8 - start - 18))
        overwritten += end - start
    corrupted.write_bytes(bytes(data))
    shutil.copy(str(genome_vcf) + ".tbi", str(corrupted) + ".tbi")
    assert overwritten > 0.9 * len(data)  # nine tenths of the file is garbage
    with pytest.raises((OSError, EOFError, zlib.error)):
        _read_through(corrupted)  # a whole-file pass fails: the corruption is real

    capfd.readouterr()
    read = _annotate(corrupted, tmp_path / "from_corrupt", kb)
    assert "[E::" not in capfd.readouterr().err  # htslib met no corrupt block (it says so on stderr)
    # the same outputs, identity included, apart from the path: nothing outside was read
    assert _renamed(read, corrupted, genome_vcf) == intact

    # and a whole-file checksum is what reads it: it sees the difference
    full = _annotate(corrupted, tmp_path / "full", kb, checksum="full")
    assert full["provenance"]["inputs"][0]["sha256"] == hashlib.sha256(bytes(data)).hexdigest()


def test_an_indexed_input_is_read_only_a_fraction_of_its_size(genome_vcf, kb, tmp_path):
    """Counted by the kernel: the bytes this process read (`rchar`) while annotating, beyond the
    index (read by the index check and again by htslib's queries), are a small part of the file:
    its first 64 KiB (format sniff, header), its last two blocks (end-of-file marker, last line,
    index check) and the locus blocks. `--checksum full` reads every byte."""
    io_path = Path("/proc/self/io")
    if not io_path.exists():
        pytest.skip("no /proc/self/io on this system")

    def rchar() -> int:
        return int(dict(line.split(": ") for line in io_path.read_text().splitlines())["rchar"])

    _annotate(genome_vcf, tmp_path / "warm", kb)  # imports and the knowledge base, once
    before = rchar()
    _annotate(genome_vcf, tmp_path / "counted", kb)
    read = rchar() - before
    size = genome_vcf.stat().st_size
    index = Path(str(genome_vcf) + ".tbi").stat().st_size
    assert size > 5_000_000 and index < size / 10
    assert read - 3 * index < 0.1 * size, f"read {read:,} bytes of a {size:,}-byte file (index {index:,})"
    before = rchar()
    _annotate(genome_vcf, tmp_path / "full", kb, checksum="full")
    assert rchar() - before >= size  # --checksum full reads every byte


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace (Debian package strace)")
def test_reads_of_the_data_file_counted_by_strace(genome_vcf, tmp_path):
    """Every read(2) of the data file by the whole `il1rn-annot annotate` process, htslib's
    included, summed from strace: a bounded amount (sniff, tail, header, locus blocks) however
    big the file, not the file."""
    trace = tmp_path / "trace.txt"
    exe = Path(sys.executable).parent / "il1rn-annot"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "il1rn_annot.cli"]
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-y",
            "-e",
            "trace=read,pread64",
            "-o",
            str(trace),
            *command,
            "annotate",
            str(genome_vcf),
            "-o",
            str(tmp_path / "out"),
            "--date",
            DATE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    name = re.escape(str(genome_vcf.resolve()))
    pattern = re.compile(rf"(?:read|pread64)\(\d+<{name}>.*\)\s+=\s+(\d+)$")
    total = sum(int(m.group(1)) for line in trace.read_text().splitlines() if (m := pattern.search(line)))
    size = genome_vcf.stat().st_size
    assert 0 < total < 600_000, f"read {total:,} bytes of the {size:,}-byte data file"
    assert total < 0.1 * size


def test_the_identity_is_the_same_for_a_copy_and_for_reruns(genome_vcf, kb, tmp_path):
    """A lab re-runs on a copy (another folder, a new modification time): the identity fields and
    the whole JSON apart from the path are byte-identical; mtime is recorded nowhere in it."""
    first = _annotate(genome_vcf, tmp_path / "a", kb)
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    copied = copy_dir / genome_vcf.name
    shutil.copyfile(genome_vcf, copied)  # no -p: new mtime
    shutil.copyfile(str(genome_vcf) + ".tbi", str(copied) + ".tbi")
    os.utime(copied, ns=(1, genome_vcf.stat().st_mtime_ns + 10**12))
    os.utime(str(copied) + ".tbi", ns=(1, genome_vcf.stat().st_mtime_ns + 2 * 10**12))
    second = _annotate(copied, tmp_path / "b", kb)
    assert _renamed(second, copied, genome_vcf) == first
    entry = first["provenance"]["inputs"][0]
    assert set(entry) >= {"fingerprint", "size", "header_sha256", "index_sha256", "locus_bytes", "locus_sha256"}
    assert "mtime" not in json.dumps(first["provenance"])
    assert entry["size"] == genome_vcf.stat().st_size
    assert entry["index_sha256"] == hashlib.sha256(Path(str(genome_vcf) + ".tbi").read_bytes()).hexdigest()
    with gzip.open(genome_vcf, "rb") as handle:
        header = b"".join(line for line in handle if line.startswith(b"#"))
    assert entry["header_sha256"] == hashlib.sha256(header).hexdigest()  # zcat | sed -n '1,/^#CHROM/p'
    start, end = entry["locus_bytes"]
    assert entry["locus_sha256"] == hashlib.sha256(genome_vcf.read_bytes()[start:end]).hexdigest()
    # the locus blocks hold the window's records: decompressed, they include the patient's c.229G>T
    text = zlib.decompressobj(31).decompress(genome_vcf.read_bytes()[start:end])
    assert b"chr2\t113" in text

    # another file: a different fingerprint (one genotype changed in the locus)
    with gzip.open(genome_vcf, "rt") as handle:
        lines = handle.read()
    changed_text = lines.replace("1/1:0,", "0/1:0,", 1)
    assert changed_text != lines
    other = tmp_path / "other" / genome_vcf.name
    other.parent.mkdir()
    (other.parent / "o.vcf").write_text(changed_text)
    pysam.tabix_compress(str(other.parent / "o.vcf"), str(other), force=True)
    pysam.tabix_index(str(other), preset="vcf", force=True)
    changed = _annotate(other, tmp_path / "c", kb)
    assert changed["provenance"]["inputs"][0]["fingerprint"] != entry["fingerprint"]


def test_checksum_full_on_the_command_line_gives_the_true_sha256(genome_vcf, tmp_path, capsys):
    out = tmp_path / "out"
    manifest = tmp_path / "manifest.json"
    code = main(
        ["annotate", str(genome_vcf), "-o", str(out), "--date", DATE, "--checksum", "full", "--manifest", str(manifest)]
    )
    assert code == 0
    truth = hashlib.sha256(genome_vcf.read_bytes()).hexdigest()
    doc = json.loads((out / "WGS_PATIENT.il1rn.json").read_text())
    entry = doc["provenance"]["inputs"][0]
    assert entry["sha256"] == truth and entry["checksum"] == "full"
    with gzip.open(out / "WGS_PATIENT.il1rn.vcf.gz", "rt") as handle:
        header = [line for line in handle if line.startswith("##il1rn_annot_input")]
    assert f"##il1rn_annot_input_sha256=vcf:{truth}\n" in header
    assert any(
        line.startswith(f"##il1rn_annot_input_identity=vcf:checksum=full;fingerprint={entry['fingerprint']};")
        for line in header
    )
    identity = json.loads(manifest.read_text())["inputs"][0]["identity"]
    assert identity["sha256"] == truth and identity["fingerprint"] == entry["fingerprint"]
    assert identity["size"] == genome_vcf.stat().st_size and identity["mtime_ns"] == genome_vcf.stat().st_mtime_ns

    # the default: no whole-file hash, the same fingerprint (it does not depend on --checksum)
    assert main(["annotate", str(genome_vcf), "-o", str(tmp_path / "auto"), "--date", DATE]) == 0
    auto = json.loads((tmp_path / "auto" / "WGS_PATIENT.il1rn.json").read_text())["provenance"]["inputs"][0]
    assert auto["sha256"] == "" and auto["checksum"] == "locus" and auto["fingerprint"] == entry["fingerprint"]
    with gzip.open(tmp_path / "auto" / "WGS_PATIENT.il1rn.vcf.gz", "rt") as handle:
        assert not any(line.startswith("##il1rn_annot_input_sha256") for line in handle)


def test_an_unindexed_input_is_hashed_whole_while_it_is_read_whole_anyway(kb, tmp_path):
    """A plain VCF (streamed) and a bgzipped one without an index (temporary index): the
    whole-file SHA-256 by default; no index or locus fields."""
    plain = tmp_path / "PATIENT.vcf"
    with gzip.open(PATIENT, "rb") as handle:
        plain.write_bytes(handle.read())
    doc = _annotate(plain, tmp_path / "plain", kb)
    entry = doc["provenance"]["inputs"][0]
    assert entry["sha256"] == hashlib.sha256(plain.read_bytes()).hexdigest()
    assert entry["checksum"] == "full" and entry["index_sha256"] == "" and entry["locus_bytes"] is None
    assert doc["samples"][0]["dira_status"] == "consistent_with_DIRA"

    bare = tmp_path / "bare" / "PATIENT.vcf.gz"
    bare.parent.mkdir()
    shutil.copyfile(PATIENT, bare)  # no .tbi beside it
    doc = _annotate(bare, tmp_path / "bare_out", kb)
    entry = doc["provenance"]["inputs"][0]
    assert entry["sha256"] == hashlib.sha256(PATIENT.read_bytes()).hexdigest() and entry["checksum"] == "full"
    assert doc["samples"][0]["dira_status"] == "consistent_with_DIRA"


def test_the_index_walk_agrees_with_the_index_on_every_test_file(genome_vcf):
    """The largest offset found from the pseudo-bins (vectorised) is the one a full decode of every
    chunk gives, for every tabix and CSI index of test_data and the generated genome."""
    from il1rn_annot.vcf.index import _read_index

    for index in sorted(DATA.glob("*.tbi")) + sorted(DATA.glob("*.csi")) + [Path(str(genome_vcf) + ".tbi")]:
        parsed = _read_index(str(index), 0, 0)  # uncached: a fresh walk
        decoded = [
            end
            for target in range(parsed.n_ref)
            for b in parsed.bins(target)
            for end in b.chunks[1::2][: 1 if b.bin_id == parsed.pseudo_bin else None]
        ]
        assert parsed.max_offset() == (max(decoded) if decoded else None), index.name
        assert parsed.sha256 == hashlib.sha256(index.read_bytes()).hexdigest()


def test_a_staged_copy_of_an_indexed_input_is_matched_by_its_identity(genome_vcf, kb, tmp_path):
    """The cohort matches a sample-sheet path to an annotated input of the same name by identity
    (outputs.read_inputs.InputIndex.find): a copy with its index is the same input without a
    whole-file read; another file of that name, or the copy without its index, is not."""
    from il1rn_annot.outputs.read_inputs import AnnotatedInput, InputIndex
    from il1rn_annot.vcf.identity import same_input

    doc = _annotate(genome_vcf, tmp_path / "out", kb)
    recorded = doc["provenance"]["inputs"][0]
    staged = tmp_path / "staged" / genome_vcf.name
    staged.parent.mkdir()
    shutil.copyfile(genome_vcf, staged)
    shutil.copyfile(str(genome_vcf) + ".tbi", str(staged) + ".tbi")
    assert same_input(staged, recorded)
    item = AnnotatedInput(
        input=str(genome_vcf),
        name="WGS_PATIENT",
        key=str(genome_vcf),
        manifest="m.json",
        status="ok",
        sha256=recorded["sha256"],
        identity=recorded,
    )
    assert InputIndex([item]).find(str(staged), tmp_path, []) is item

    other = tmp_path / "other" / genome_vcf.name  # same name, one base changed in the locus blocks
    other.parent.mkdir()
    data = bytearray(genome_vcf.read_bytes())
    start, end = recorded["locus_bytes"]
    text = zlib.decompressobj(31).decompress(bytes(data[start:end]))
    assert text  # (the check below needs the locus bytes to differ, not to be valid)
    data[start + 40] ^= 0xFF
    other.write_bytes(bytes(data))
    shutil.copyfile(str(genome_vcf) + ".tbi", str(other) + ".tbi")
    assert not same_input(other, recorded)
    assert InputIndex([item]).find(str(other), tmp_path, []) is None
    Path(str(staged) + ".tbi").unlink()
    assert not same_input(staged, recorded)  # without its index it cannot be told cheaply: not matched


def test_a_last_line_without_newline_is_read_from_the_last_block(genome_vcf, kb, tmp_path):
    """A bgzipped file whose last line lacks its newline: the line and the one before it are read
    from the last block (they used to be found by reading the whole file), so the warning is
    given even when the blocks before are garbage."""
    with gzip.open(genome_vcf, "rb") as handle:
        text = handle.read().rstrip(b"\n")
    plain = tmp_path / "cut.vcf"
    plain.write_bytes(text)
    path = tmp_path / "cut.vcf.gz"
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    intact = _annotate(path, tmp_path / "intact", kb)
    assert any("does not end with a newline" in w for w in intact["provenance"]["warnings"])
    blocks = _blocks(path)
    data = bytearray(path.read_bytes())
    locus = intact["provenance"]["inputs"][0]["locus_bytes"]
    for start, end in blocks[5:-3]:
        if end <= locus[0] or start >= locus[1]:
            data[start + 18 : end - 8] = bytes(end - 8 - start - 18)  # zeros: not a deflate stream
    path.write_bytes(bytes(data))
    later = path.stat().st_mtime_ns + 10**9
    os.utime(str(path) + ".tbi", ns=(later, later))  # the index stays newer than the data: trusted
    read = _annotate(path, tmp_path / "corrupt", kb)
    assert read["locus"]["indexed"] is True
    assert read["provenance"]["warnings"] == intact["provenance"]["warnings"]
    assert read["samples"] == intact["samples"]


def test_a_bcf_is_identified_by_its_csi_index_and_a_copy_is_matched(kb, tmp_path):
    """A CSI-indexed BCF (DELLY): header, index and locus blocks; a staged copy is the same input."""
    from il1rn_annot.vcf.identity import same_input

    source = DATA / "delly.cohort.bcf"
    doc = _annotate_named(source, tmp_path / "out", kb)
    entry = doc["provenance"]["inputs"][0]
    assert entry["checksum"] == "locus" and entry["locus_bytes"] and entry["index_sha256"]
    assert entry["index_sha256"] == hashlib.sha256(Path(str(source) + ".csi").read_bytes()).hexdigest()
    copy = tmp_path / "staged" / source.name
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    shutil.copyfile(str(source) + ".csi", str(copy) + ".csi")
    assert same_input(copy, entry)


def _annotate_named(path: Path, outdir: Path, kb) -> dict:
    result = annotate_file(path, outdir, kb, date=DATE, command_line="il1rn-annot annotate")
    return json.loads(Path(result.outputs["json"]).read_text())


def test_the_reference_fasta_is_hashed_once_per_process(tmp_path, monkeypatch):
    """A batch of 200 inputs against one FASTA hashed it 200 times; now once, and again only when
    the file changes (size, mtime, inode)."""
    from il1rn_annot import digest

    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr2\nACGT\n")
    calls: list[str] = []
    real = digest.sha256_file
    monkeypatch.setattr(digest, "sha256_file", lambda p: calls.append(str(p)) or real(p))
    digest._sha256_cached.cache_clear()
    first = digest.sha256_file_once(fasta)
    assert digest.sha256_file_once(fasta) == first == hashlib.sha256(fasta.read_bytes()).hexdigest()
    assert len(calls) == 1
    fasta.write_text(">chr2\nACGTACGT\n")
    assert digest.sha256_file_once(fasta) == hashlib.sha256(fasta.read_bytes()).hexdigest() != first
    assert len(calls) == 2


@pytest.mark.parametrize("name", ["gatk_hc.PATIENT_HOM_E77X.vcf.gz", "grch37.manta.DEL175_HOM.vcf.gz"])
def test_a_bgzipped_vcf_with_only_a_csi_index_annotates_as_with_a_tbi(tmp_path, kb, name):
    """`bcftools index` writes a CSI by default. Opening through a link without the index beside it
    (the TBI speed-up) left htslib unable to find a CSI at query time: every such file failed,
    blamed on its first record. The CSI input must give the TBI input's findings."""
    csi_dir, tbi_dir = tmp_path / "csi", tmp_path / "tbi"
    csi_dir.mkdir()
    shutil.copy(DATA / name, csi_dir / name)
    pysam.tabix_index(str(csi_dir / name), preset="vcf", csi=True, force=True, keep_original=True)
    assert (csi_dir / (name + ".csi")).exists() and not (csi_dir / (name + ".tbi")).exists()
    by_csi = annotate_file(csi_dir / name, tmp_path / "out_csi", kb, date=DATE)
    by_tbi = annotate_file(DATA / name, tbi_dir, kb, date=DATE)

    def findings(payload: dict) -> str:  # everything but provenance and the path the input was read from
        text = json.dumps({k: v for k, v in payload.items() if k != "provenance"}, sort_keys=True)
        return text.replace(str(csi_dir / name), "INPUT").replace(str(DATA / name), "INPUT")

    assert findings(by_csi.payload) == findings(by_tbi.payload)
    assert by_csi.payload["alleles"], "the locus records were read"
