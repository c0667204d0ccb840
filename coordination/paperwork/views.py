"""Organiser downloads: attendance lists (PDF) and participant exports (CSV, XLSX)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.errors import DomainError
from coordination.events.services import event_for
from coordination.registration import services as registration

from . import certificates, exports
from .documents import attendance_pdf
from .forms import SignerForm

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
        signer_form=SignerForm(name=event.signer_name, title=event.signer_title),
    )


@bp.post("/certificates/signer")
@login_required
def certificate_signer(slug: str):
    event = event_for(current_user, slug)
    form = SignerForm()
    if form.validate_on_submit():
        certificates.save_signer(event, form.name.data or "", form.title.data or "")
        flash(_("Certificate signer saved."), "success")
    return redirect(url_for("paperwork.export_page", slug=slug) + "#certificates")


@bp.get("/certificates.pdf")
@bp.get("/certificates/<int:registration_id>.pdf")
@login_required
def certificates_pdf(slug: str, registration_id: int | None = None):
    """Certificates of attendance: everyone present, or one person."""
    event = event_for(current_user, slug)
    if registration_id is not None:
        registration.participant_of(event, registration_id)  # 404 for another event's person
    try:
        content = certificates.certificates_pdf(event, registration_id)
    except DomainError:
        flash(_("Nobody has been checked in yet, so there is no certificate to print."), "error")
        return redirect(url_for("paperwork.export_page", slug=slug) + "#certificates")
    name = f"sertifikat-{event.slug}" + (f"-{registration_id}" if registration_id else "")
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
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
