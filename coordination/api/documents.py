"""API: the organiser's documents, made by the same functions as the pages' downloads."""

from flask import Response

from coordination.badges.documents import badges_pdf
from coordination.events.models import Event
from coordination.extensions import db
from coordination.minutes.documents import minutes_pdf
from coordination.paperwork import exports
from coordination.paperwork.documents import attendance_pdf
from coordination.registration import services as registration
from coordination.registration.models import RegistrationStatus

from . import schemas
from .blueprint import bp
from .openapi import CSV, PDF, XLSX, operation

ORGANISERS = ("organiser",)


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
    responses={200: PDF},
)
def attendance_document(event: Event, query: schemas.AttendanceQuery):
    content = attendance_pdf(
        event, kind=query.kind, sort=query.sort, full_phone=query.phone == "full"
    )
    name = "daftar-hadir" if query.kind == "sheet" else "rekap-kehadiran"
    return _document(content, PDF, f"{name}-{event.slug}.pdf")


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/badges.pdf",
    summary="Badges of the confirmed participants",
    tag="documents",
    roles=ORGANISERS,
    query=schemas.BadgesQuery,
    responses={200: PDF},
)
def badges_document(event: Event, query: schemas.BadgesQuery):
    """All confirmed participants, or those the filters select, sorted as asked."""
    people = db.session.scalars(
        registration.participant_query(
            event,
            text=query.q,
            status=RegistrationStatus.CONFIRMED,
            invited=query.invited,
            present=query.present,
            sort=query.sort,
        )
    ).all()
    return _document(badges_pdf(event, list(people), query.layout), PDF, f"badges-{event.slug}.pdf")


@operation(
    bp,
    "GET",
    "/events/<slug>/documents/minutes.pdf",
    summary="The minutes (notulen), with the record of arrivals attached",
    tag="documents",
    roles=ORGANISERS,
    responses={200: PDF},
)
def minutes_document(event: Event):
    return _document(minutes_pdf(event), PDF, f"notulen-{event.slug}.pdf")


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
    """UTF-8 with a byte-order mark, headers in the language of Accept-Language."""
    content = exports.to_csv(event, exports.chosen(list(query.columns)))
    return _document(content, CSV + "; charset=utf-8", f"peserta-{event.slug}.csv", attachment=True)


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
    content = exports.to_xlsx(event, exports.chosen(list(query.columns)))
    return _document(content, XLSX, f"peserta-{event.slug}.xlsx", attachment=True)
