"""Organiser downloads: attendance lists (PDF) and participant exports (CSV, XLSX)."""

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from coordination.events.services import event_for

from . import exports
from .documents import attendance_pdf

bp = Blueprint("paperwork", __name__, url_prefix="/events/<slug>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/attendance-list.pdf")
@login_required
def attendance_list(slug: str):
    """The sign sheet for the door (kind=sheet) or the record of arrivals (kind=record)."""
    event = event_for(current_user, slug)
    kind = request.args.get("kind", "sheet")
    content = attendance_pdf(
        event,
        kind=kind,
        sort=request.args.get("sort", "name"),
        full_phone=request.args.get("phone") == "full",
    )
    name = "daftar-hadir" if kind != "record" else "rekap-kehadiran"
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}-{event.slug}.pdf"'},
    )


@bp.get("/export")
@login_required
def export_page(slug: str):
    event = event_for(current_user, slug)
    return render_template(
        "paperwork/export.html",
        event=event,
        columns=exports.COLUMNS,
        defaults=exports.DEFAULT_COLUMNS,
    )


@bp.get("/export.<any(csv, xlsx):format>")
@login_required
def export(slug: str, format: str):
    event = event_for(current_user, slug)
    columns = exports.chosen(request.args.getlist("columns"))
    if format == "csv":
        content, mimetype = exports.to_csv(event, columns), "text/csv; charset=utf-8"
    else:
        content, mimetype = exports.to_xlsx(event, columns), XLSX
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="peserta-{event.slug}.{format}"'},
    )
