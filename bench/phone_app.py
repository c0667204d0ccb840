"""Rakor as the phone bench serves it: the app unchanged, plus one bare static HTML page.

The page (/bench/baseline.html) is the baseline of bench/phone_pages.py: what the same server,
under the same phone conditions, takes to deliver a page with nothing of Rakor's in it.
"""

from app import app as rakor

BASELINE_PATH = "/bench/baseline.html"
BASELINE_PAGE = (
    b"<!doctype html><html lang=id><meta charset=utf-8>"
    b'<meta name=viewport content="width=device-width, initial-scale=1">'
    b"<title>Rakor</title><p>Rakor</p></html>"
)


def app(environ, start_response):
    """The baseline page as a static file would be served; everything else is Rakor's."""
    if environ.get("PATH_INFO") == BASELINE_PATH:
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(BASELINE_PAGE))),
                ("Cache-Control", "no-cache"),
            ],
        )
        return [BASELINE_PAGE]
    return rakor(environ, start_response)
