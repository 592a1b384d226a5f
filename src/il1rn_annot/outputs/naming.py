"""File names derived from inputs and sample IDs: one rule for every module that writes or asks for them.

The annotator names its outputs after the input (`input_stem`), the report and the workflow
name per-sample files after the sample ID (`safe_name`). Both live here, with nothing but the
standard library, because Snakemake's own process needs them while it builds the DAG:
importing them from the VCF reader (`vcf/open_vcf.py`: cyvcf2, numpy) and the lab report
(`lab_report/`: Jinja2) cost ~0.27 s before the first job of every workflow run.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: the record a finished report-part folder holds: written last by `il1rn-annot report
#: --all-or-nothing` (lab_report.command), checked by the workflow's collect step (workflow.report_parts)
PART_RECORD = ".part.json"

VCF_SUFFIXES = (".g.vcf.gz", ".gvcf.gz", ".vcf.gz", ".vcf.bgz", ".vcf.gzip", ".g.vcf", ".vcf", ".bcf")


def input_stem(path: Path | str) -> str:
    """`NAME` of `dir/NAME.vcf.gz` (or .g.vcf.gz, .bcf, ...): the stem of the input's outputs."""
    name = Path(path).name
    for suffix in VCF_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def safe_name(sample: str, max_length: int = 80) -> str:
    """A file-name stem for `sample` that stays inside the output folder.

    Keeps letters, digits, '.', '_' and '-'; everything else (path separators, spaces, HTML,
    control characters) becomes '_'; leading dots are removed so the name can be neither
    hidden nor '..'. When anything had to change, 8 hex digits of the ID's SHA-256 are
    appended so that different IDs ('a/b', 'a b') cannot overwrite each other's report.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", sample)
    cleaned = cleaned.lstrip(".-_")[:max_length].rstrip(".")
    if cleaned != sample or not cleaned:
        digest = hashlib.sha256(sample.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        cleaned = f"{cleaned}-{digest}" if cleaned else f"sample-{digest}"
    return cleaned


def report_file_name(sample: str, ext: str = "html") -> str:
    """`SAFE.report.html` (or `.pdf`): the one name of a sample's lab report, used by the report
    writer, the cohort's links and the workflow's checks."""
    return f"{safe_name(sample)}.report.{ext}"
