"""Batch safety, atomic outputs and byte-identical reruns of `il1rn-annot annotate`.

* batch: good and bad inputs in one call with --keep-going: the good ones finish, the
  manifest lists each bad one as `input_error` with the reason, counts add up;
* atomic: a run killed with SIGKILL in the middle leaves no final-named output (only hidden
  temporary files, which a rerun removes) and a rerun completes;
* deterministic: the same input twice with --date gives byte-identical TSV/JSON/VCF.gz/.tbi.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cyvcf2
import pandas as pd
import pytest
from conftest import fill_file_system, mounted_tmpfs

from il1rn_annot.annotate_vcf.run import annotate_file
from il1rn_annot.cli import main

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "bad_inputs"
TEST_DATA = REPO / "test_data"
DATE = "2024-01-01T00:00:00Z"
OUTPUT_SUFFIXES = ("il1rn.json", "il1rn.tsv", "il1rn.vcf.gz", "il1rn.vcf.gz.tbi", "sample_status.tsv")


def outputs_of(stem: str) -> list[str]:
    return sorted(f"{stem}.{suffix}" for suffix in OUTPUT_SUFFIXES)


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "il1rn_annot.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


# ---------------------------------------------------------------------------------------
# batch safety


def test_keep_going_finishes_good_inputs_and_lists_bad_ones(tmp_path):
    good1 = CORPUS / "vcf44.vcf"
    bad_header = CORPUS / "empty.vcf"
    bad_record = CORPUS / "bad_pos_midstream.vcf"  # fails after its outputs were opened
    good2 = CORPUS / "ploidy.vcf"
    out, manifest = tmp_path / "out", tmp_path / "m.json"
    proc = cli(
        "annotate",
        str(good1),
        str(bad_header),
        str(bad_record),
        str(good2),
        "-o",
        str(out),
        "--keep-going",
        "--manifest",
        str(manifest),
        "--date",
        DATE,
    )
    assert proc.returncode == 0, proc.stderr
    assert "internal error" not in proc.stderr
    data = json.loads(manifest.read_text())
    entries = data["inputs"]
    assert [e["input"] for e in entries] == [str(good1), str(bad_header), str(bad_record), str(good2)]
    assert [e["status"] for e in entries] == ["ok", "input_error", "input_error", "ok"]
    assert sum(e["status"] == "ok" for e in entries) == 2 and sum(e["status"] == "input_error" for e in entries) == 2
    assert "file is empty" in entries[1]["error"] and str(bad_header) in entries[1]["error"]
    assert "line 18" in entries[2]["error"] and "POS 'abc'" in entries[2]["error"]
    assert entries[2]["samples"] == ["S1"]  # the header was readable: its sample is not lost
    assert entries[0]["samples"] == ["S1"] and entries[3]["samples"] == ["HAP", "TRI_HET", "TRI_HOM", "TRI_REF"]
    assert sorted(p.name for p in out.iterdir()) == sorted(outputs_of("vcf44") + outputs_of("ploidy"))
    assert proc.stderr.count("il1rn-annot: error: ") == 2
    for entry in (entries[0], entries[3]):
        rows = pd.read_csv(entry["outputs"]["sample_status"], sep="\t", dtype=str, keep_default_na=False)
        assert list(rows["sample"]) == entry["samples"]


def test_without_keep_going_the_batch_stops_at_the_bad_input(tmp_path):
    good1, bad, good2 = CORPUS / "vcf44.vcf", CORPUS / "symbolic_no_end.vcf", CORPUS / "ploidy.vcf"
    out, manifest = tmp_path / "out", tmp_path / "m.json"
    proc = cli(
        "annotate", str(good1), str(bad), str(good2), "-o", str(out), "--manifest", str(manifest), "--date", DATE
    )
    assert proc.returncode == 2
    assert f"il1rn-annot: error: {bad}: record chr2:113130000 N><DEL>: symbolic allele <DEL>" in proc.stderr
    entries = json.loads(manifest.read_text())["inputs"]
    assert [(e["input"], e["status"]) for e in entries] == [(str(good1), "ok"), (str(bad), "input_error")]
    assert sorted(p.name for p in out.iterdir()) == outputs_of("vcf44")  # nothing of the bad one, not even temps


# ---------------------------------------------------------------------------------------
# atomic writes


def _large_vcf(path: Path, records: int = 20000, samples: int = 20) -> None:
    """A plain (streamed) VCF with many locus records: slow enough to be killed half-way."""
    rng = random.Random(7)
    names = [f"S{i}" for i in range(samples)]
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr2,length=242193529>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *names]),
    ]
    for i in range(records):
        pos = 113115600 + i
        gts = ["0/1" if rng.random() < 0.05 else "0/0" for _ in names]
        lines.append("\t".join(["chr2", str(pos), ".", "A", "C", "50", "PASS", ".", "GT", *gts]))
    path.write_text("\n".join(lines) + "\n")


def test_killed_run_leaves_no_final_output_and_rerun_completes(tmp_path, kb):
    vcf = tmp_path / "large.vcf"
    _large_vcf(vcf)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "il1rn_annot.cli", "annotate", str(vcf), "-o", str(out), "--date", DATE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and any(p.name.startswith(".large.il1rn.vcf.gz.") for p in out.iterdir()):
                break  # the annotated VCF is being written
            time.sleep(0.02)
        time.sleep(0.3)  # well inside the record loop (~2 s for 20,000 records)
        assert proc.poll() is None, "the run finished before it could be killed: make the input larger"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    left = sorted(p.name for p in out.iterdir())
    assert not [name for name in left if name in outputs_of("large")], f"final-named partial output: {left}"
    assert left and all(name.startswith(".large.") and ".tmp" in name for name in left), left

    result = annotate_file(vcf, out, kb, date=DATE)
    assert sorted(p.name for p in out.iterdir()) == outputs_of("large"), "stale temporary files were not removed"
    assert result.payload["locus"]["records_read"] == 20000
    assert sum(1 for _ in cyvcf2.VCF(result.outputs["vcf"])) == 20000
    assert len(pd.read_csv(result.outputs["sample_status"], sep="\t")) == 20


def test_temp_files_of_a_live_process_are_left_alone(tmp_path, kb):
    """Only temps of dead processes are removed: a concurrent run's are not touched."""
    from il1rn_annot.outputs.atomic import _temp_prefix

    out = tmp_path / "out"
    out.mkdir()
    live = out / (_temp_prefix(out / "vcf44.il1rn.json") + "abcd.tmp")  # this (live) process
    live.write_text("{}")
    other_host = out / ".vcf44.il1rn.json.otherhost-1.abcd.tmp"
    other_host.write_text("{}")
    annotate_file(CORPUS / "vcf44.vcf", out, kb, date=DATE)
    assert live.exists() and other_host.exists()


def test_a_batch_sweeps_stale_temps_of_any_output_once(tmp_path):
    """`annotate` of several files cleans the folder once: temps of dead processes go
    (whatever output they were for), those of live processes or other hosts stay."""
    from il1rn_annot.outputs.atomic import _temp_prefix

    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    dead_prefix = _temp_prefix(out / "old_sample.il1rn.tsv").replace(f"-{__import__('os').getpid()}.", f"-{dead.pid}.")
    stale = [
        out / (dead_prefix + "x1y2z3.tmp"),
        out / (dead_prefix.replace("il1rn.tsv", "il1rn.vcf.gz") + "a1b2c3.tmp.vcf.gz.body"),
    ]
    live = out / (_temp_prefix(out / "old_sample.il1rn.json") + "abcd.tmp")
    other_host = out / ".old_sample.il1rn.json.otherhost-1.abcd.tmp"
    for path in [*stale, live, other_host]:
        path.write_text("{}")
    code = main(
        [
            "annotate",
            str(CORPUS / "vcf44.vcf"),
            str(REPO / "test_data" / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"),
            "-o",
            str(out),
            "--date",
            DATE,
        ]
    )
    assert code == 0
    assert not any(path.exists() for path in stale)
    assert live.exists() and other_host.exists()
    assert (out / "vcf44.il1rn.json").exists() and (out / "gatk_hc.PATIENT_HOM_E77X.il1rn.json").exists()


# ---------------------------------------------------------------------------------------
# determinism


DETERMINISM_INPUTS = [
    "vcf44.vcf",
    "unsorted.vcf",
    "unindexed.bcf",
    "sites_only.vcf",
    "hostile_strings.vcf",
    "cn_without_gt.vcf",
    "undeclared_tags.vcf",
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "name", [*DETERMINISM_INPUTS, "test_data:bcftools.joint_cohort.vcf.gz", "test_data:gatk_hc.PATIENT_HOM_E77X.vcf.gz"]
)
def test_same_input_twice_is_byte_identical(name, tmp_path, capsys):
    if name.startswith("test_data:"):
        path = TEST_DATA / name.split(":", 1)[1]
        if not path.exists():
            pytest.skip(f"{path} not generated")
    else:
        path = CORPUS / name
    out = tmp_path / "out"
    args = ["annotate", str(path), "-o", str(out), "--date", DATE]
    assert main(args) == 0
    first = _snapshot(out)
    assert sorted(first) == outputs_of(path.name.split(".vcf")[0].split(".bcf")[0])
    assert main(args) == 0
    assert _snapshot(out) == first
    # and in another folder, with the command line left out of the provenance
    other = tmp_path / "elsewhere"
    assert main(["annotate", str(path), "-o", str(out), "--date", DATE, "--no-record-command"]) == 0
    assert main(["annotate", str(path), "-o", str(other), "--date", DATE, "--no-record-command"]) == 0
    assert _snapshot(other) == _snapshot(out)
    capsys.readouterr()


def test_copied_input_gives_identical_outputs_apart_from_its_path(tmp_path, kb):
    """Outputs depend on the input's content and name, not on where it lies."""
    copy = tmp_path / "in" / "vcf44.vcf"
    copy.parent.mkdir()
    shutil.copy(CORPUS / "vcf44.vcf", copy)
    a = annotate_file(CORPUS / "vcf44.vcf", tmp_path / "a", kb, date=DATE, command_line="x")
    b = annotate_file(copy, tmp_path / "b", kb, date=DATE, command_line="x")
    for key in ("vcf", "tsv", "sample_status"):
        assert Path(a.outputs[key]).read_bytes() == Path(b.outputs[key]).read_bytes(), key
    text_a = Path(a.outputs["json"]).read_text(encoding="utf-8")
    text_b = Path(b.outputs["json"]).read_text(encoding="utf-8")
    assert text_a != text_b and text_a.replace(str(CORPUS / "vcf44.vcf"), str(copy)) == text_b


# ---------------------------------------------------------------------------------------
# output-side failures (issue 17): a full disk is never the input's fault, and a failed
# rerun never destroys the previous good set of outputs


PATIENT = TEST_DATA / "gatk_hc.PATIENT_HOM_E77X.vcf.gz"
CARRIER = TEST_DATA / "deepvariant.CARRIER_Q54X.g.vcf.gz"
LATER = "2025-06-30T00:00:00Z"  # a second run with another date: other bytes in every output


def _enospc(*_args, **_kwargs):
    import errno
    import os

    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_enospc_while_writing_is_an_output_error_and_keeps_the_previous_set(tmp_path, kb, monkeypatch):
    """A full disk half-way through the set (the TSVs staged, the JSON fails): OutputError
    in plain words, the earlier run's five files untouched, no temp left behind."""
    from il1rn_annot.errors import InputError, OutputError

    out = tmp_path / "out"
    annotate_file(PATIENT, out, kb, date=DATE)
    before = _snapshot(out)
    assert sorted(before) == outputs_of("gatk_hc.PATIENT_HOM_E77X")
    real_dumps = json.JSONEncoder.encode
    monkeypatch.setattr(json.JSONEncoder, "encode", lambda self, o: _enospc())
    with pytest.raises(OutputError) as caught:
        annotate_file(PATIENT, out, kb, date=LATER)
    monkeypatch.setattr(json.JSONEncoder, "encode", real_dumps)
    assert not isinstance(caught.value, InputError)
    text = str(caught.value)
    assert "no space left on the device" in text and "gatk_hc.PATIENT_HOM_E77X.il1rn.json" in text
    assert "bug" not in text
    assert _snapshot(out) == before  # the whole earlier set, byte for byte, and nothing else
    annotate_file(PATIENT, out, kb, date=LATER)  # space back: the new set replaces the old one whole
    after = _snapshot(out)
    assert sorted(after) == sorted(before) and all(after[k] != before[k] for k in after if k.endswith(".json"))


def test_a_rename_failing_mid_commit_puts_the_previous_set_back(tmp_path, kb, monkeypatch):
    """The set is put in place by renames; if the third fails, the two already renamed are rolled back."""
    import il1rn_annot.outputs.atomic as wo
    from il1rn_annot.errors import OutputError

    out = tmp_path / "out"
    annotate_file(PATIENT, out, kb, date=DATE)
    before = _snapshot(out)
    real_replace, calls = wo.os.replace, []

    def failing_third(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            import errno

            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(wo.os, "replace", failing_third)
    with pytest.raises(OutputError, match="input/output error"):
        annotate_file(PATIENT, out, kb, date=LATER)
    monkeypatch.setattr(wo.os, "replace", real_replace)
    assert len(calls) >= 3
    assert _snapshot(out) == before


def test_cli_keep_going_does_not_record_a_full_disk_as_the_inputs_fault(tmp_path, monkeypatch, capsys):
    """`annotate --keep-going` (the workflow's call): exit 2 with a plain message, no manifest
    saying input_error, no 'this is a bug'; the job fails and Snakemake will run it again."""
    out, manifest = tmp_path / "out", tmp_path / "out" / "manifest.json"
    real_write_bytes = Path.write_bytes

    def full_for_tsv(self, data):
        return _enospc() if ".il1rn.tsv." in self.name else real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_for_tsv)
    code = main(
        [
            "annotate",
            str(PATIENT),
            str(CARRIER),
            "-o",
            str(out),
            "--keep-going",
            "--manifest",
            str(manifest),
            "--date",
            DATE,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "no space left on the device" in err and "gatk_hc.PATIENT_HOM_E77X.il1rn.tsv" in err
    assert "bug" not in err and "input_error" not in err
    assert not manifest.exists()
    assert not out.exists() or not list(out.iterdir())  # no output and no temp left


def test_errno_less_htslib_failure_on_a_full_disk_is_named(tmp_path, monkeypatch):
    """pysam reports a failed BGZF write as OSError('Error closing BGZFile object') without an
    errno: the folder's file system is asked, and a full one is named as such."""
    import errno

    import il1rn_annot.outputs.atomic as wo

    class Full:
        f_flag, f_bfree, f_bavail, f_files, f_favail = 0, 0, 0, 100, 50

    monkeypatch.setattr(wo.os, "statvfs", lambda path: Full())
    error = wo.output_error(OSError("Error closing BGZFile object"), tmp_path / "x.il1rn.vcf.gz")
    assert error.errno == errno.ENOSPC and "no space left on the device" in str(error)
    assert str(tmp_path / "x.il1rn.vcf.gz") in str(error)


@pytest.mark.parametrize(
    "code, words",
    [
        ("EROFS", "read-only"),
        ("EACCES", "permission denied"),
        ("EPERM", "not permitted"),
        ("EIO", "input/output error"),
        ("EDQUOT", "quota"),
    ],
)
def test_each_output_errno_has_plain_words(tmp_path, code, words):
    import errno

    from il1rn_annot.outputs.atomic import output_error

    error = output_error(OSError(getattr(errno, code), "x"), tmp_path / "a.tsv")
    assert words in str(error) and "bug" not in str(error) and "run again" in str(error)


def test_an_unwritable_output_folder_is_refused_plainly(tmp_path):
    """A real EACCES (not simulated): a folder the user cannot write. Root ignores permissions,
    so as root the command runs as `nobody` (setpriv); skipped where neither is possible."""
    import os

    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    command = [
        sys.executable,
        "-m",
        "il1rn_annot.cli",
        "annotate",
        str(PATIENT),
        "-o",
        str(out),
        "--keep-going",
        "--date",
        DATE,
    ]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions do not stop root from writing")
        tmp_path.chmod(0o755)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        probe = subprocess.run(
            [*as_nobody, sys.executable, "-c", "import il1rn_annot.cli"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )
        if probe.returncode != 0:  # e.g. a checkout inside a mode-700 folder (mktemp -d): nobody cannot read it
            pytest.skip(f"nobody cannot import il1rn_annot from this checkout: {probe.stderr.strip()[-200:]}")
        command = [*as_nobody, *command]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
    if "Permission denied" in proc.stderr and "il1rn_annot" not in proc.stderr:
        pytest.skip(f"nobody cannot run this interpreter here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 2, proc.stderr
    assert "permission denied" in proc.stderr and f"give yourself write permission on {out}" in proc.stderr
    assert "bug" not in proc.stderr and "input_error" not in proc.stderr


# ---- a real full file system: a small tmpfs ------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 400 kB tmpfs (root only); skipped, with the reason, where mounting is not allowed."""
    mount = tmp_path / "small_fs"
    mount.mkdir()
    with mounted_tmpfs(mount, "400k", "the full-disk test"):
        yield mount


def test_full_disk_rerun_keeps_the_earlier_set_and_says_so(small_tmpfs, capsys):
    """issue 17: on a full disk the second `annotate` into the same folder deleted the earlier
    TSVs and kept the old JSON and VCF (a half set); now the earlier set stays whole, the
    message says "no space left", and the manifest does not call the input broken."""
    out = small_tmpfs / "annotations"
    assert main(["annotate", str(PATIENT), "-o", str(out), "--date", DATE]) == 0
    before = _snapshot(out)
    fill_file_system(small_tmpfs)
    manifest = small_tmpfs / "manifest.json"
    code = main(
        ["annotate", str(PATIENT), "-o", str(out), "--date", LATER, "--keep-going", "--manifest", str(manifest)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "no space left on the device" in err and "bug" not in err and "input_error" not in err
    assert _snapshot(out) == before
    assert not manifest.exists()
    for name in ("filler", "filler2"):
        (small_tmpfs / name).unlink()
    assert (
        main(["annotate", str(PATIENT), "-o", str(out), "--date", LATER, "--keep-going", "--manifest", str(manifest)])
        == 0
    )
    assert json.loads(manifest.read_text())["inputs"][0]["status"] == "ok"
    assert sorted(_snapshot(out)) == sorted(before)


# ---- two inputs with one file name ----------------------------------------------------


def test_two_inputs_with_one_file_name_are_refused_before_anything_is_written(tmp_path, capsys):
    """`run1/P1.vcf.gz` and `run2/P1.vcf.gz` in one call used to overwrite each other (exit 0)."""
    for run, source in (("run1", PATIENT), ("run2", CARRIER)):
        (tmp_path / run).mkdir()
        shutil.copy(source, tmp_path / run / "P1.vcf.gz")
        shutil.copy(str(source) + ".tbi", tmp_path / run / "P1.vcf.gz.tbi")
    out = tmp_path / "out"
    code = main(
        [
            "annotate",
            str(tmp_path / "run1" / "P1.vcf.gz"),
            str(tmp_path / "run2" / "P1.vcf.gz"),
            "-o",
            str(out),
            "--keep-going",
            "--manifest",
            str(out / "m.json"),
            "--date",
            DATE,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{tmp_path / 'run1' / 'P1.vcf.gz'} and {tmp_path / 'run2' / 'P1.vcf.gz'} would both write P1.il1rn.*" in err
    assert "nothing was written" in err
    assert not out.exists()
    # names differing only in case clash too (one file on macOS/Windows file systems)
    shutil.copy(tmp_path / "run2" / "P1.vcf.gz", tmp_path / "run2" / "p1.vcf.gz")
    assert (
        main(
            [
                "annotate",
                str(tmp_path / "run1" / "P1.vcf.gz"),
                str(tmp_path / "run2" / "p1.vcf.gz"),
                "-o",
                str(out),
                "--date",
                DATE,
            ]
        )
        == 2
    )
    assert "would both write" in capsys.readouterr().err
    # one at a time, into separate folders: both patients kept
    for run in ("run1", "run2"):
        assert (
            main(["annotate", str(tmp_path / run / "P1.vcf.gz"), "-o", str(tmp_path / run / "out"), "--date", DATE])
            == 0
        )
    held = [
        json.loads((tmp_path / run / "out" / "P1.il1rn.json").read_text())["samples"][0]["sample"]
        for run in ("run1", "run2")
    ]
    assert held == ["PATIENT_HOM_E77X", "CARRIER_Q54X"]


# ---- bounded resources ------------------------------------------------------------------


def _bgzipped_vcf(path: Path, info_bytes: int, *, header_bytes: int = 0, index: bool = False) -> Path:
    """A bgzipped GRCh38 VCF whose E77X record (chr2:113131068) carries an INFO field of
    `info_bytes` (written in pieces: the test never holds it), optionally a padded header."""
    import pysam

    sys.path.insert(0, str(REPO / "tests"))
    from conftest import vcf_text  # tests/ is on sys.path under pytest's rootdir conftest

    header = vcf_text([], ["S1"], extra_header=['##INFO=<ID=BIG,Number=1,Type=String,Description="padding">'])
    with pysam.BGZFile(str(path), "wb") as out:
        lines = header.splitlines(keepends=True)
        out.write("".join(lines[:-1]).encode())
        piece = b"##note=" + b"x" * (1 << 20) + b"\n"
        for _ in range(header_bytes // len(piece)):
            out.write(piece)
        out.write(lines[-1].encode())
        out.write(b"chr2\t113128500\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\n")
        out.write(b"chr2\t113131068\t.\tG\tT\t60\tPASS\tBIG=")
        block = b"A" * (1 << 20)
        for _ in range(info_bytes // len(block)):
            out.write(block)
        out.write(b"\tGT\t1/1\n")
    if index:
        pysam.tabix_index(str(path), preset="vcf", force=True, keep_original=True)
    return path


def _peak_run(*args: str) -> tuple[int, str, int]:
    """(exit code, stderr, peak resident memory in bytes) of `il1rn-annot ARGS` in a child process."""
    # VmHWM of this process image: getrusage's ru_maxrss keeps the forking parent's (pytest's) peak
    code = (
        "import sys\nfrom il1rn_annot.cli import main\nrc = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "print('PEAK', hwm, file=sys.stderr)\nsys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
    peak = int(proc.stderr.rsplit("PEAK ", 1)[1].split()[0]) * 1024  # VmHWM: kB
    return proc.returncode, proc.stderr, peak


@pytest.mark.slow
@pytest.mark.parametrize("indexed", [False, True], ids=["streamed", "indexed"])
def test_a_huge_info_field_is_refused_under_1_gb(tmp_path, indexed):
    """issue 17: a 300 MB INFO field in a 0.3 MB file took 1.3 GB and was copied into the
    output VCF. Refused before htslib reads the line, naming the limit; peak memory measured."""
    vcf = _bgzipped_vcf(tmp_path / "big_info.vcf.gz", (300 if not indexed else 100) << 20, index=indexed)
    assert vcf.stat().st_size < 2_000_000
    code, err, peak = _peak_run("annotate", str(vcf), "-o", str(tmp_path / "out"), "--date", DATE)
    assert code == 2, err
    assert f"{vcf}: " in err and "is over 67,108,864 bytes" in err and "line 64 MiB" in err
    assert "a record at the IL1RN locus" in err if indexed else "line 18" in err
    assert peak < 1 << 30, f"peak {peak / 2**20:.0f} MiB"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("indexed", [False, True], ids=["streamed", "indexed"])
def test_an_info_field_over_its_own_limit_is_refused(tmp_path, indexed):
    from il1rn_annot.vcf.limits import INFO_MAX_BYTES

    vcf = _bgzipped_vcf(tmp_path / "info.vcf.gz", INFO_MAX_BYTES + (1 << 20), index=indexed)
    code, err, peak = _peak_run("annotate", str(vcf), "-o", str(tmp_path / "out"), "--date", DATE)
    assert code == 2
    assert f"the INFO column of the record at chr2:113131068 is {INFO_MAX_BYTES + (1 << 20) + 4:,} bytes" in err
    assert peak < 1 << 30


def test_a_huge_header_is_refused_before_it_is_read(tmp_path):
    """issue 17: a 1 GB header from a 3.7 MB file took 3 GB."""
    from il1rn_annot.vcf.limits import HEADER_MAX_BYTES

    vcf = _bgzipped_vcf(tmp_path / "big_header.vcf.gz", 0, header_bytes=HEADER_MAX_BYTES + (2 << 20))
    code, err, peak = _peak_run("annotate", str(vcf), "-o", str(tmp_path / "out"), "--date", DATE)
    assert code == 2
    assert f"the header is over {HEADER_MAX_BYTES:,} bytes" in err and "header 64 MiB" in err
    assert peak < 300 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_files_within_the_limits_are_read_as_before(tmp_path, kb):
    """A 1 MB INFO field (VEP-like) at the locus, indexed and not: read, annotated."""
    for indexed in (False, True):
        vcf = _bgzipped_vcf(tmp_path / f"ok{indexed}.vcf.gz", 1 << 20, index=indexed)
        result = annotate_file(vcf, tmp_path / f"out{indexed}", kb, date=DATE)
        assert result.samples[0].dira_status == "consistent_with_DIRA"


def test_region_start_from_the_index_is_where_htslib_reads(tmp_path):
    """The window scan starts at the first record htslib's index query returns (tabix and CSI)."""
    import pysam

    from il1rn_annot.vcf.index import read_index

    vcf = _bgzipped_vcf(tmp_path / "r.vcf.gz", 0, index=True)
    start = read_index(Path(str(vcf) + ".tbi")).region_start("chr2", 113131067, 113131068, ["chr2"])
    with pysam.BGZFile(str(vcf), "rb") as handle:
        handle.seek(start)
        first = handle.read(200).split(b"\n")[0]
    assert first.startswith(b"chr2\t1131")
    bcf = TEST_DATA / "delly.cohort.bcf"
    csi_start = read_index(Path(str(bcf) + ".csi")).region_start(
        "chr2", 113000000, 113200000, list(cyvcf2.VCF(str(bcf)).seqnames)
    )
    assert csi_start is not None and csi_start > 0
    assert read_index(Path(str(vcf) + ".tbi")).region_start("chr5", 0, 10, ["chr2"]) is None


def test_a_read_only_file_system_is_named(small_tmpfs, capsys):
    """A real EROFS: the tmpfs remounted read-only; the earlier outputs stay readable and whole."""
    out = small_tmpfs / "annotations"
    assert main(["annotate", str(PATIENT), "-o", str(out), "--date", DATE]) == 0
    before = _snapshot(out)
    proc = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"remounting read-only is not permitted here: {proc.stderr.strip()}")
    capsys.readouterr()
    assert main(["annotate", str(PATIENT), "-o", str(out), "--date", LATER, "--keep-going"]) == 2
    err = capsys.readouterr().err
    assert "the file system is read-only" in err and "write to a writable folder" in err and "bug" not in err
    assert _snapshot(out) == before


def test_cohort_and_report_on_a_full_disk_fail_plainly(small_tmpfs, tmp_path, capsys):
    """The cohort and report steps: the same plain message and exit 2 (was "this is a bug", exit 3)."""
    manifest = tmp_path / "ann" / "m.json"
    assert (
        main(
            [
                "annotate",
                str(PATIENT),
                "-o",
                str(tmp_path / "ann"),
                "--keep-going",
                "--manifest",
                str(manifest),
                "--date",
                DATE,
            ]
        )
        == 0
    )
    fill_file_system(small_tmpfs)
    capsys.readouterr()
    assert main(["cohort", "--manifest", str(manifest), "-o", str(small_tmpfs / "cohort"), "--date", DATE]) == 2
    err = capsys.readouterr().err
    assert "no space left on the device" in err and "bug" not in err, err
    assert (
        main(
            [
                "report",
                "--sample",
                "PATIENT_HOM_E77X",
                "--manifest",
                str(manifest),
                "-o",
                str(small_tmpfs / "reports"),
                "--date",
                DATE,
                "--all-or-nothing",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "no space left on the device" in err and "bug" not in err, err
    assert not (small_tmpfs / "reports").exists()
    assert not [p for p in small_tmpfs.iterdir() if p.name.startswith(".")]  # no staging folder left
