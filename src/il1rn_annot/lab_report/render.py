"""A report's bytes: the HTML from the template, and the PDF made from that HTML.

The HTML is rendered in the package's one Jinja environment (`outputs.html`, autoescape on;
the cohort page uses it too). The PDF is WeasyPrint's, with a URL fetcher that refuses
anything but data: URIs, so a report never reaches the network or the disk; its dates come
from the HTML's meta tags and its /ID is a hash of its content, so the same HTML gives the
same PDF bytes. WeasyPrint is imported only here and only when a PDF is made (~0.45 s), through
`weasy_import.import_weasyprint` (skips ~0.16 s of failed library look-ups).
"""

from __future__ import annotations

from typing import Any

from il1rn_annot.lab_report.weasy_import import import_weasyprint
from il1rn_annot.outputs.html import render


def render_html(context: dict[str, Any]) -> str:
    """The report page (`outputs.html`: the environment the cohort page uses too)."""
    return render("report.html.j2", **context)


def _data_only_fetcher() -> Any:
    """WeasyPrint URL fetcher for data: URIs only: the report never reaches the network or the disk."""
    import_weasyprint()
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint >= 68: a class with allowed_protocols
    except ImportError:  # pragma: no cover - older WeasyPrint: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith("data:"):
                return default_url_fetcher(url, *args, **kwargs)
            raise ValueError(f"external resource refused in a self-contained report: {url[:80]}")

        return fetch
    return URLFetcher(allowed_protocols=("data",))


def font_configuration() -> Any:
    """One WeasyPrint font configuration (fontconfig set-up) to share between documents."""
    import_weasyprint()
    try:
        from weasyprint.text.fonts import FontConfiguration
    except ImportError:  # pragma: no cover - WeasyPrint < 53
        from weasyprint.fonts import FontConfiguration
    return FontConfiguration()


def pdf_bytes(html: str, font_config: Any = None) -> bytes:
    """The PDF of the report HTML (WeasyPrint; metadata dates come from the HTML's meta tags)."""
    import logging

    import_weasyprint()
    from weasyprint import HTML

    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = HTML(string=html, base_url=None, url_fetcher=_data_only_fetcher()).render(font_config=font_config)
        pdf: bytes = document.write_pdf(pdf_identifier=True)
        return pdf
    finally:
        logger.setLevel(previous)
