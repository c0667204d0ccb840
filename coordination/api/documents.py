"""API: the organiser's documents, made by the same functions as the pages' downloads.

A PDF found in the cache, or quick to make, comes at once (200). A bigger one goes to the
same background jobs as the pages' (202): the answer names the job, whose URL tells its
progress and, once done, where to download the PDF.
"""

from flask import Response, jsonify, url_for
from flask_babel import get_locale

from coordination.badges import documents as badge_documents
from coordination.documents import jobs
from coordination.documents.responses import file_response, now_or_later
from coordination.events.models import Event
from coordination.minutes import documents as minutes_documents
from coordination.paperwork import documents as paperwork_documents
from coordination.paperwork import exports

from . import schemas
from .blueprint import bp
from .errors import ApiError
from .openapi import CSV, PDF, XLSX, operation

ORGANISERS = ("organiser",)
BIG_DOCUMENT = (
    "A document that takes more than a moment to make is made in the background: the "
    "answer is then 202 with the job, whose `url` tells its progress and whose "
    "`download_url` gives the PDF once its state is `done`."
)


def _pdf_or_job(event: Event, kind: str, builder, options: dict, filename: str):
    found = now_or_later(event, kind, builder, options, filename)
    if isinstance(found, bytes):
        return _document(found, PDF, filename)
    response = jsonify(_job_answer(event, found))
    response.status_code = 202
    response.headers["Location"] = response.json["url"]
    return response


def _job_answer(event: Event, job: jobs.Job) -> dict:
    state = jobs.FAILED if job.failed else job.state
    url = url_for("api.document_job", slug=event.slug, job_id=job.id)
    return schemas.DocumentJob(
        id=job.id,
        state=state,
        done=job.done,
        total=job.total,
        url=url,
        download_url=url + "/download" if jobs.kept(job) else None,
    ).model_dump(mode="json")


def _document(content: bytes, mimetype: str, filename: str, attachment: bool = False):
    disposition = "attachment" if attachment else "inline"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/attendance.pdf",
    summary="Daftar hadir: the sign sheet, or the record of arrivals",
    tag="documents",
    roles=ORGANISERS,
    query=schemas.AttendanceQuery,
    responses={200: PDF, 202: schemas.DocumentJob},
    description=BIG_DOCUMENT,
)
def attendance_document(event: Event, query: schemas.AttendanceQuery):
    options = {"kind": query.kind, "sort": query.sort, "full_phone": query.phone == "full"}
    name = "daftar-hadir" if query.kind == "sheet" else "rekap-kehadiran"
    return _pdf_or_job(
        event,
        "attendance",
        paperwork_documents.attendance_document,
        options,
        f"{name}-{event.slug}.pdf",
    )


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/badges.pdf",
    summary="Badges of the confirmed participants",
    tag="documents",
    roles=ORGANISERS,
    query=schemas.BadgesQuery,
    responses={200: PDF, 202: schemas.DocumentJob},
    description="All confirmed participants, or those the filters select, sorted as asked. "
    + BIG_DOCUMENT,
)
def badges_document(event: Event, query: schemas.BadgesQuery):
    """All confirmed participants, or those the filters select, sorted as asked."""
    options = {
        "layout": query.layout,
        "text": query.q,
        "invited": query.invited,
        "present": query.present,
        "sort": query.sort,
    }
    return _pdf_or_job(
        event,
        "badges",
        badge_documents.selected_badges_document,
        options,
        f"badges-{event.slug}.pdf",
    )


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/minutes.pdf",
    summary="The minutes (notulen), with the record of arrivals attached",
    tag="documents",
    roles=ORGANISERS,
    responses={200: PDF, 202: schemas.DocumentJob},
    description=BIG_DOCUMENT,
)
def minutes_document(event: Event):
    return _pdf_or_job(
        event, "minutes", minutes_documents.minutes_document, {}, f"notulen-{event.slug}.pdf"
    )


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/jobs/<job_id>",
    summary="A document rendering in the background: its progress",
    tag="documents",
    roles=ORGANISERS,
    responses={200: schemas.DocumentJob},
)
def document_job(event: Event, job_id: str):
    """Poll until the state is done (then fetch download_url) or failed (then ask again)."""
    job = jobs.job_of(event.id, job_id)
    if job is None:
        raise ApiError("not_found")
    return jsonify(_job_answer(event, job))


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/jobs/<job_id>/download",
    summary="A document rendered in the background",
    tag="documents",
    roles=ORGANISERS,
    responses={200: PDF},
    errors=(409,),
)
def document_download(event: Event, job_id: str):
    job = jobs.job_of(event.id, job_id)
    if job is None:
        raise ApiError("not_found")
    content = jobs.result(job)
    if content is None:
        raise ApiError("document_failed" if job.failed or job.ready else "document_not_ready")
    return _document(content, PDF, job.filename)


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/participants.csv",
    summary="Participants and attendance as CSV",
    tag="documents",
    roles=ORGANISERS,
    query=schemas.ExportQuery,
    responses={200: CSV},
)
def participants_csv(event: Event, query: schemas.ExportQuery):
    """UTF-8 with a byte-order mark, headers and separator in the language of Accept-Language."""
    columns = exports.chosen(list(query.columns))
    separator = exports.csv_separator(query.separator, str(get_locale()))
    return file_response(
        lambda out: exports.write_csv(event, columns, out, separator),
        CSV + "; charset=utf-8",
        f"peserta-{event.slug}.csv",
    )


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/participants.xlsx",
    summary="Participants and attendance as XLSX",
    tag="documents",
    roles=ORGANISERS,
    query=schemas.ExportQuery,
    responses={200: XLSX},
)
def participants_xlsx(event: Event, query: schemas.ExportQuery):
    columns = exports.chosen(list(query.columns))
    return file_response(
        lambda out: exports.write_xlsx(event, columns, out), XLSX, f"peserta-{event.slug}.xlsx"
    )
