"""The one PDF service: templates rendered by Flask, typeset by WeasyPrint (engine.py), which
reads only the static folder and data: URIs.

Big documents are rendered in parts, on every core (parallel.py), with progress after each.
"""

from collections.abc import Sequence

from flask import current_app, render_template

from .engine import STATIC, STATIC_BASE, StaticOnlyFetcher, font_config, html_to_pdf, stylesheet
from .parallel import Progress, default_processes, render_parts, tapered

__all__ = [
    "STATIC",
    "STATIC_BASE",
    "Progress",
    "StaticOnlyFetcher",
    "font_config",
    "render_pdf",
    "render_pdf_parts",
    "static_path",
    "stylesheet",
    "tapered",
]


def render_pdf(
    template: str, css: str, fetcher: StaticOnlyFetcher | None = None, **context
) -> bytes:
    return html_to_pdf(render_template(template, **context), css, fetcher)


def render_pdf_parts(
    template: str,
    css: str,
    parts: list[dict],
    fetcher: StaticOnlyFetcher | None = None,
    progress: Progress | None = None,
    stamps: Sequence[dict] = (),
    stamp_of: Sequence[int | None] | None = None,
    **context,
) -> bytes:
    """One document, the template rendered once per part with that part's context added.

    Several parts render on every core (PDF_PROCESSES in the app's config: how many render
    processes help this thread; 0 for none). The template is also rendered once for each of
    `stamps` with that context added; the page it makes is drawn under the pages `stamp_of`
    chooses it for (see render_parts).
    """
    processes = current_app.config.get("PDF_PROCESSES", default_processes())
    pages = (render_template(template, **context, **part) for part in parts)
    return render_parts(
        pages,
        css,
        fetcher,
        progress,
        processes if len(parts) > 1 else 0,
        [render_template(template, **context, **stamp) for stamp in stamps],
        stamp_of,
    )


def static_path(path: str):
    return STATIC / path
