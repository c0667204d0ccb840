"""How a view answers a document request: the PDF now, or the page that waits for it.

A document found in the cache, or small enough to render within about two seconds, is sent at
once. A bigger one goes to a background job (jobs.py) and the organiser is sent to its progress
page, which starts the download when the document is ready.
"""

import tempfile
from collections.abc import Callable
from typing import BinaryIO

from flask import Response, current_app, redirect, request, send_file, url_for

from coordination.events.models import Event

from . import jobs
from .cache import Document

# Documents expected to take longer than this render in the background (config overrides).
BACKGROUND_SECONDS = 2.0


def pdf_response(content: bytes, filename: str, attachment: bool = False) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def file_response(write: Callable[[BinaryIO], None], mimetype: str, filename: str) -> Response:
    """What `write` writes, through a temporary file sent in pieces: a big export never sits
    in memory whole, and the file is gone once sent."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it once sent)
    try:
        write(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    response = send_file(out, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"  # names and contacts: no cache keeps them
    return response


def now_or_later(
    event: Event,
    kind: str,
    builder: Callable[..., Document],
    options: dict,
    filename: str,
    source: str = "",
) -> bytes | jobs.Job:
    """`builder(event, **options)`'s PDF when cached or quick; else the background job
    rendering it. Pages and the API both ask here: the same size goes to the background."""
    document = builder(event, **options)
    content = document.cached()
    threshold = current_app.config.get("DOCUMENT_BACKGROUND_SECONDS", BACKGROUND_SECONDS)
    if content is None and document.seconds <= threshold:
        content = document.content()
    if content is not None:
        return content
    return jobs.submit(event.id, kind, builder, options, filename, document.key, source=source)


def document_response(
    event: Event,
    kind: str,
    builder: Callable[..., Document],
    options: dict,
    filename: str,
) -> Response:
    """`builder(event, **options)`'s PDF, or a redirect to the job that is rendering it."""
    found = now_or_later(event, kind, builder, options, filename, source=request.full_path)
    if isinstance(found, bytes):
        return pdf_response(found, filename)
    return redirect(url_for("paperwork.document_job", slug=event.slug, job_id=found.id, auto=1))
