"""Builders shared by the cohort tests (tests/test_cohort_*.py): small VCFs written from record
templates, annotated with `il1rn-annot annotate --manifest`, summarised with `il1rn-annot cohort`.

The cohort reads annotation JSONs back, so its tests go through the real command line rather
than building findings by hand: what they check is what a lab running the two steps gets.
"""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import vcf_text

from il1rn_annot.cli import main

DATE = "2024-01-01T00:00:00Z"
E77X = "{chrom}\t113131068\t.\tG\tT\t60\tPASS\t.\tGT\t"  # c.229G>T, known DIRA allele
Q54X = "{chrom}\t113129619\t.\tC\tT\t60\tPASS\t.\tGT\t"  # c.160C>T
RS419598 = "{chrom}\t113129630\trs419598\tT\tC\t60\tPASS\t.\tGT\t"  # association SNP c.171T>C

HOSTILE = "<script>alert(1)</script>"


def rec(prefix: str, *gts: str) -> str:
    return prefix + "\t".join(gts)


def write(path: Path, records: list[str], samples: list[str], **kw) -> Path:
    path.write_text(vcf_text(records, samples, **kw))
    return path


def write_sheet(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("sample\tvcf\n" + "".join(f"{s}\t{v}\n" for s, v in rows))
    return path


def annotate(inputs: list[str], outdir: str, manifest: str) -> None:
    rc = main(
        [
            "annotate",
            *inputs,
            "-o",
            outdir,
            "--keep-going",
            "--manifest",
            manifest,
            "--date",
            DATE,
            "--no-record-command",
        ]
    )
    assert rc == 0


def run_cohort(manifests: list[str], outdir: str, sheet: str | None = None, reports: str | None = None) -> int:
    argv = ["cohort", "--manifest", *manifests, "-o", outdir, "--date", DATE]
    if sheet:
        argv += ["--sample-sheet", sheet]
    if reports:
        argv += ["--reports-dir", reports]
    return main(argv)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
