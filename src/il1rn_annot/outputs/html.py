"""The one Jinja2 environment of the HTML pages: the lab report and the cohort summary.

Both pages show text that comes from outside the tool (sample IDs, VCF IDs, file paths, lab
settings), so the environment escapes everything (autoescape on for every template, whatever
its name) and fails on a misspelt variable (StrictUndefined) instead of printing nothing. The
only markup a caller may pass through is `markupsafe.Markup` it built itself (the SVG figures of
`lab_report.figures`, which escape their own labels).

Templates are the package's `templates/*.html.j2`; the environment is built once per process,
so each template is compiled once however many reports one process writes. Templates keep
their final newline (`keep_trailing_newline`): a page ends exactly as its template does.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


def words(term: str) -> str:
    """`possible_DIRA` -> `possible DIRA`: a vocabulary term as it reads in a sentence."""
    return term.replace("_", " ")


def basename(path: Any) -> str:
    """The last part of a path as written ('dir/' -> 'dir'); the path itself if it has none."""
    return os.path.basename(str(path).rstrip("/")) or str(path)


@functools.cache
def environment() -> Environment:
    """The environment of both pages (built once per process; templates are compiled once)."""
    env = Environment(
        loader=PackageLoader("il1rn_annot", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["words"] = words
    env.filters["basename"] = basename
    return env


def render(template: str, **context: Any) -> str:
    """Render the package template `template` (e.g. "report.html.j2") with `context`."""
    return environment().get_template(template).render(**context)
