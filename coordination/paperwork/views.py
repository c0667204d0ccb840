"""Organiser downloads: attendance lists (PDF) and participant exports (CSV, XLSX)."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from coordination.documents import jobs
from coordination.documents.responses import document_response, file_response, pdf_response
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.permissions import event_view
from coordination.registration import services as registration

from . import certificates, exports
from .documents import BLANK_ROWS, EXTRA_COLUMNS, attendance_document, chosen_options
from .forms import CertificateForm

bp = Blueprint("paperwork", __name__, url_prefix="/events/<slug>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/attendance-list.pdf")
@login_required
@event_view()
def attendance_list(event: Event):
    """The sign sheet for the door (kind=sheet) or the record of arrivals (kind=record)."""
    kind = "record" if request.args.get("kind") == "record" else "sheet"
    chosen = chosen_options(request.args.get("blank"), request.args.getlist("extra"))
    options = {
        "kind": kind,
        "sort": request.args.get("sort", "name")[:20],
        "full_phone": request.args.get("phone") == "full",
        "blank_rows": chosen.blank_rows,
        "extra": list(chosen.extra),
    }
    name = "daftar-hadir" if kind != "record" else "rekap-kehadiran"
    return document_response(
        event, "attendance", attendance_document, options, f"{name}-{event.slug}.pdf"
    )


@bp.get("/documents/<job_id>")
@login_required
@event_view()
def document_job(event: Event, job_id: str):
    """A document rendering in the background: its progress, then its download."""
    job = jobs.job_of(event.id, job_id)
    if job is None:
        abort(404)
    return render_template(
        "paperwork/document_job.html",
        event=event,
        job=job,
        kept=jobs.kept(job),
        auto=request.args.get("auto") == "1",
    )


@bp.get("/documents/<job_id>/download")
@login_required
@event_view()
def document_download(event: Event, job_id: str):
    job = jobs.job_of(event.id, job_id)
    if job is None:
        abort(404)
    content = jobs.result(job)
    if content is None:  # not ready yet, or no longer kept: the progress page says which
        return redirect(url_for(".document_job", slug=event.slug, job_id=job_id))
    return pdf_response(content, job.filename, attachment=True)


@bp.get("/export")
@login_required
@event_view()
def export_page(event: Event):
    return render_template(
        "paperwork/export.html",
        event=event,
        columns=exports.COLUMNS,
        defaults=exports.DEFAULT_COLUMNS,
        certificate_form=CertificateForm(
            number_format=event.certificate_format,
            signature=event.certificate_signature,
            stamp=event.certificate_stamp,
        ),
        blank_rows=BLANK_ROWS,
        extra_columns=EXTRA_COLUMNS,
        signer=event.signer,
    )


@bp.post("/certificates/settings")
@login_required
@event_view()
def certificate_settings(event: Event):
    """The certificates' number format, signature and stamp; numbers go to everyone present."""
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            issued = certificates.save_settings(
                event, form.number_format.data or "", form.signature.data, form.stamp.data
            )
        except DomainError:
            flash(_("That number format cannot be used: see the fields it may contain."), "error")
        else:
            flash(
                _("Certificate settings saved; %(count)d new numbers given.", count=issued),
                "success",
            )
    return redirect(url_for("paperwork.export_page", slug=event.slug) + "#certificates")


@bp.post("/certificates/issue")
@login_required
@event_view()
def certificate_issue(event: Event):
    """Numbers for everyone present who has none yet, then the certificates."""
    certificates.issue_numbers(event)
    return redirect(url_for("paperwork.certificates_pdf", slug=event.slug))


@bp.get("/certificates.pdf")
@bp.get("/certificates/<int:registration_id>.pdf")
@login_required
@event_view()
def certificates_pdf(event: Event, registration_id: int | None = None):
    """Certificates of attendance: everyone present, or one person."""
    if registration_id is not None:
        registration.participant_of(event, registration_id)  # 404 for another event's person
    name = f"sertifikat-{event.slug}" + (f"-{registration_id}" if registration_id else "")
    try:
        return document_response(
            event,
            "certificates",
            certificates.certificates_document,
            {"registration_id": registration_id},
            f"{name}.pdf",
        )
    except DomainError:
        flash(_("Nobody has been checked in yet, so there is no certificate to print."), "error")
        return redirect(url_for("paperwork.export_page", slug=event.slug) + "#certificates")


@bp.get("/export.<any(csv, xlsx):format>")
@login_required
@event_view()
def export(event: Event, format: str):
    """The participants as CSV (list separator by language, or as chosen) or XLSX."""
    columns = exports.chosen(request.args.getlist("columns"))
    filename = f"peserta-{event.slug}.{format}"
    if format == "csv":
        separator = exports.csv_separator(request.args.get("separator"), str(get_locale()))
        return file_response(
            lambda out: exports.write_csv(event, columns, out, separator),
            "text/csv; charset=utf-8",
            filename,
        )
    return file_response(lambda out: exports.write_xlsx(event, columns, out), XLSX, filename)
