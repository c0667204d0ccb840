"""The first document after a start is as fast as the next one.

WeasyPrint's first document in a process pays for importing it, parsing the stylesheets and
loading their fonts: seconds, more on a busy machine, and seconds an organiser would wait for
the first badge or minutes. The first request a server answers starts a thread that pays
that cost, so it is paid before anyone asks for a PDF; commands (`flask db upgrade`, ...)
serve no request and start nothing.

Then what the process keeps for its life (the app, the PDF engine's stylesheets and fonts) is
frozen out of the garbage collector's full passes: each of them walked it all, 120-150 ms in
the middle of some request (one dashboard in fifteen, at 10,000 participants).
"""

import gc
import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


def warm_up() -> float:
    """Parse every PDF stylesheet with its fonts and lay out one page; the seconds it took."""
    started = time.perf_counter()
    from .engine import STATIC, html_to_pdf, stylesheet

    names = sorted(path.name for path in (STATIC / "pdf").glob("*.css"))
    for name in names:
        stylesheet(name)
    if names:
        html_to_pdf("<p>Rakor</p>", names[0])
    return time.perf_counter() - started


def init_app(app: Flask) -> None:
    if not app.config.get("PDF_WARM_UP", True):
        return
    started = threading.Event()

    def run() -> None:
        try:
            log.info("PDF engine warm in %.1f s", warm_up())
        except Exception:  # a failure here shows again, in context, on the first real PDF
            log.exception("PDF engine warm-up failed")
        gc.freeze()

    @app.before_request
    def warm_once() -> None:
        if not started.is_set():
            started.set()
            threading.Thread(target=run, name="pdf-warm-up", daemon=True).start()
