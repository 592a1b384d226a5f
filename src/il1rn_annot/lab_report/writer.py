"""Writing lab reports: `ReportWriter` (one per process: lab settings, date, WeasyPrint and its
fonts set up once, annotation JSONs shared by samples read once) and `write_report` (one sample).

A report is `SAFE_SAMPLE.report.html` (and `.pdf`) in the output folder: the file name is the
sample ID made safe (`outputs.naming.safe_name`) and is checked never to leave the folder;
files are written atomically. Same inputs + same `--date` give byte-identical files.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from il1rn_annot.core.phase import ParentCalls
from il1rn_annot.errors import InputError
from il1rn_annot.kb.model import KnowledgeBase
from il1rn_annot.lab_report.context import build_context, parent_calls_from
from il1rn_annot.lab_report.lab_settings import normalise_lab
from il1rn_annot.lab_report.render import font_configuration, pdf_bytes, render_html
from il1rn_annot.outputs.atomic import atomic_path
from il1rn_annot.outputs.naming import report_file_name
from il1rn_annot.outputs.provenance import generated_at
from il1rn_annot.outputs.read_back import AnnotationCache, SampleInFile, gather_sample
from il1rn_annot.outputs.read_summary import StoredResult


def _parse_date(text: str | None) -> tuple[str, str]:
    """(date for display, W3C timestamp for the PDF metadata) from --date or the pinned/real now."""
    raw = (text or generated_at(None)).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = _dt.date.fromisoformat(raw)
            stamp = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)
        else:
            stamp = _dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=_dt.UTC)
            stamp = stamp.astimezone(_dt.UTC)
    except ValueError:
        raise InputError(
            f"report date '{raw}' is not a date",
            where="--date",
            hint="give YYYY-MM-DD or an ISO 8601 timestamp such as 2026-01-31T09:00:00Z",
        ) from None
    return stamp.strftime("%Y-%m-%d"), stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_pdf(html: str, target: Path, font_config: Any = None) -> None:
    """PDF from the report HTML with WeasyPrint, written atomically to `target`."""
    atomic_write(target, pdf_bytes(html, font_config))


def atomic_write(target: Path, data: bytes) -> None:
    """Write bytes through the package's one atomic writer (temp file + rename, umask permissions)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


class ReportWriter:
    """Writes lab reports: the lab settings, the date, the template, WeasyPrint and its fonts are
    set up once, and annotation JSONs shared by several samples are read once.

    `lab` is either the output of `load_lab_config` or a raw mapping with the same keys (then a
    relative logo path is read relative to the working directory).
    """

    def __init__(
        self, kb: KnowledgeBase, lab: dict[str, Any] | None = None, date: str | None = None, pdf: bool = True
    ) -> None:
        self.kb = kb
        self.lab = lab if (lab is not None and "logo_uri" in lab) else normalise_lab(lab, None)
        self.report_date, self.stamp = _parse_date(date)
        self.pdf = pdf
        self._fonts: Any = None
        self.annotations = AnnotationCache()  # each JSON read once, shared with the plan (`command`)

    def write(
        self,
        annotation_jsons: Iterable[str | os.PathLike[str]],
        sample: str,
        outdir: str | os.PathLike[str],
        parents: Iterable[tuple[str, str, list[Path]]] = (),
        result: StoredResult | None = None,
    ) -> dict[str, Path]:
        """Write `SAFE_SAMPLE.report.html` (and `.pdf`) into `outdir`; return {'html': path, 'pdf': path}.

        `parents`: (role, sample, annotation JSONs) of the sample's mother and father, whose
        calls phase its alleles (see `interpret.interpret_sample`). `result`: the cohort's
        interpretation of the sample (its summary.tsv row), shown instead of interpreting again;
        None: the sample is interpreted here with the cohort's function (`interpret_pooled`).
        """
        paths = [Path(p) for p in annotation_jsons]
        if not paths:
            raise InputError(f"no annotation JSON given for sample '{sample}'")
        items = gather_sample(paths, sample, load=self.annotations.load)
        phase, notes = self._parents(items, sample, parents)
        context = build_context(items, sample, self.kb, self.lab, self.report_date, self.stamp, phase, notes, result)
        html = render_html(context)

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        out = {"html": outdir / report_file_name(sample, "html")}
        if self.pdf:
            out["pdf"] = outdir / report_file_name(sample, "pdf")
        for target in out.values():
            if not _inside(target, outdir) or target.parent.resolve() != outdir.resolve():
                raise InputError(f"report file name for sample '{sample}' would leave the output folder")
        atomic_write(out["html"], html.encode("utf-8"))
        if self.pdf:
            if self._fonts is None:
                self._fonts = font_configuration()
            write_pdf(html, out["pdf"], self._fonts)
        return out

    def _parents(
        self, items: list[SampleInFile], sample: str, parents: Iterable[tuple[str, str, list[Path]]]
    ) -> tuple[list[ParentCalls], list[str]]:
        """The parents' calls usable for phasing (readable, same build), and why any other was not used."""
        builds = {str(i.doc["provenance"].get("build")) for i in items if i.entry is not None}
        calls: list[ParentCalls] = []
        notes: list[str] = []
        for role, parent, jsons in parents:
            try:
                parent_items = (
                    gather_sample([Path(p) for p in jsons], parent, load=self.annotations.load) if jsons else []
                )
            except InputError as exc:
                parent_items, reason = [], str(exc)
            else:
                reason = "no annotation file holds it"
            present = [i for i in parent_items if i.entry is not None]
            parent_builds = {str(i.doc["provenance"].get("build")) for i in present}
            if not present:
                notes.append(f"The {role} ({parent}) was not used to phase the variants: {reason}.")
            elif parent_builds != builds:
                notes.append(
                    f"The {role} ({parent}) was annotated on {', '.join(sorted(parent_builds))}, this "
                    f"sample on {', '.join(sorted(builds))}: not used to phase the variants."
                )
            else:
                calls.append(parent_calls_from(parent_items, role, parent))
        return calls, notes


def write_report(
    annotation_jsons: list[Path],
    sample: str,
    outdir: Path,
    kb: KnowledgeBase,
    lab: dict[str, Any] | None = None,
    date: str | None = None,
    pdf: bool = True,
) -> dict[str, Path]:
    """Write `SAFE_SAMPLE.report.html` (and `.pdf`) into `outdir`; return {'html': path, 'pdf': path}.

    `lab` is either the output of `load_lab_config` or a raw mapping with the same keys
    (then a relative logo path is read relative to the working directory). For several
    samples use one `ReportWriter` (WeasyPrint and the fonts are then set up once).
    """
    paths = [Path(p) for p in annotation_jsons]
    if not paths:
        raise InputError("no annotation JSON given")
    return ReportWriter(kb, lab=lab, date=date, pdf=pdf).write(paths, sample, outdir)
