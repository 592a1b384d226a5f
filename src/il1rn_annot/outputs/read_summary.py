"""The one reader of a cohort `summary.tsv` (written by `il1rn-annot cohort`).

Two jobs read it back: `il1rn-annot report --samples-from summary.tsv` (which samples get a
report, from which inputs, with which parents, and the interpretation the cohort step made,
which the report shows instead of interpreting again: `lab_report.plan.plan_reports`) and the
workflow while it builds the DAG (which samples get a report: `workflow.report_parts.read_statuses`).
Standard library only: Snakemake imports this while building the DAG.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field

from il1rn_annot.errors import InputError

PARENT_ROLES = ("mother", "father")  # the summary's parent columns (workflow.sheet.PARENT_COLUMNS)


@dataclass(frozen=True)
class StoredResult:
    """The cohort's interpretation of a sample, as its summary row stores it (pooled over the
    sample's files, phased by its parents: `core.interpret.interpret_pooled`)."""

    dira_status: str
    status_sentence: str
    evidence: str
    locus_called: bool | None


_CALLED = {"yes": True, "no": False, "unknown": None}  # core.sample_result.LOCUS_CALLED_TEXT, inverted


@dataclass
class SummarySample:
    """What the summary says about one sample (a sample may have several rows)."""

    statuses: list[str] = field(default_factory=list)  # its dira_status value(s), in file order
    inputs: list[str] = field(default_factory=list)  # the inputs the cohort step interpreted
    parents: dict[str, str] = field(default_factory=dict)  # role -> sample, from the mother/father columns
    rows: int = 0
    result: StoredResult | None = None  # the interpretation to report, when the summary stores one


def read_summary(path: str | os.PathLike[str]) -> dict[str, SummarySample]:
    """sample -> its dira_status value(s), inputs and parents in a cohort `summary.tsv`, in file order.

    InputError when the file is missing, not UTF-8, or lacks the `sample`/`dira_status` columns.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            missing = [c for c in ("sample", "dira_status") if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"not a cohort summary: missing column(s) {', '.join(missing)}",
                    path=str(path),
                    hint="give the summary.tsv written by `il1rn-annot cohort`",
                )
            out: dict[str, SummarySample] = {}
            for record in reader:
                entry = out.setdefault(record["sample"], SummarySample())
                if record["dira_status"] not in entry.statuses:
                    entry.statuses.append(record["dira_status"])
                for value in (record.get("inputs") or "").split(";"):
                    if value and value not in entry.inputs:
                        entry.inputs.append(value)
                for role in PARENT_ROLES:
                    if record.get(role):
                        entry.parents[role] = record[role]
                entry.rows += 1
                entry.result = _stored_result(record) if entry.rows == 1 else None
    except FileNotFoundError:
        raise InputError("cohort summary not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc})", path=str(path)) from None
    return out


def _stored_result(record: dict[str, str]) -> StoredResult | None:
    """The row's interpretation; None for an input error (its row says only that the sample could
    not be assessed) or a table without the columns (then the report interprets the sample itself)."""
    if (
        record["dira_status"] == "input_error"
        or record.get("error")
        or any(record.get(c) is None for c in ("status_sentence", "evidence", "locus_called"))
        or record["locus_called"] not in _CALLED
    ):
        return None
    return StoredResult(
        record["dira_status"], record["status_sentence"], record["evidence"], _CALLED[record["locus_called"]]
    )


def select_samples(summary: dict[str, SummarySample], statuses: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Samples of a read summary with one of `statuses`, in summary order."""
    wanted = set(statuses)
    return [sample for sample, entry in summary.items() if wanted & set(entry.statuses)]
