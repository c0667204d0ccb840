"""WeasyPrint that reads only the static folder and data: URIs.

Templates refer to static files as /static/...; they resolve against STATIC_BASE, which this
fetcher maps onto the static folder. file://, http(s):// to anywhere else, and paths that climb
out of the static folder are refused and logged, so a participant named
<img src="file:///etc/passwd"> prints as text and fetches nothing.

Fonts come from the repository only: the one font configuration of the process is loaded with
FONTCONFIG_FILE naming static/fonts/fonts.conf, which lists no system font folder, so a glyph our
fonts lack prints as a missing glyph (which the tests catch) rather than from whatever font a
server happens to have. Every stylesheet imports static/pdf/fonts.css for the fonts themselves.

This module imports nothing of the app, so a render process (parallel.py) starts with
WeasyPrint alone.
"""

import logging
import mimetypes
import os
import threading
from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).resolve().parent.parent.parent / "static").resolve()
FONTS_CONF = STATIC / "fonts" / "fonts.conf"
STATIC_BASE = "https://rakor.invalid/"
log = logging.getLogger(__name__)


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/... from disk and data: URIs; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "https"})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_BASE + "static/"):
            relative = url[len(STATIC_BASE + "static/") :].split("?")[0].split("#")[0]
            path = (STATIC / relative).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        self.refused.append(url)
        log.warning("PDF rendering refused to fetch %s", url)
        raise ValueError(f"refused: {url}")


_environment = threading.Lock()


@cache
def font_config() -> FontConfiguration:
    """The process's one font configuration: the repository's fonts and nothing else.

    Fontconfig reads FONTCONFIG_FILE when the configuration is made; it is set only meanwhile,
    so no other program this process starts (Chromium in the browser tests) inherits it."""
    with _environment:
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
        try:
            return FontConfiguration()
        finally:
            if before is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = before


@cache
def stylesheet(name: str) -> CSS:
    """Parsed once per process: fonts and rules are shared by every document."""
    return CSS(
        filename=str(STATIC / "pdf" / name),
        base_url=STATIC_BASE + f"static/pdf/{name}",
        font_config=font_config(),
        url_fetcher=StaticOnlyFetcher(),
    )


def is_warm() -> bool:
    """Whether this process has parsed a PDF stylesheet and its fonts already (warm.py)."""
    return stylesheet.cache_info().currsize > 0


def html_to_pdf(html: str, css: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """One HTML document with one of static/pdf/'s stylesheets, as PDF bytes."""
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf(stylesheets=[stylesheet(css)], font_config=font_config())
