"""The laporan kegiatan page: uploads for it, and its PDF. For the event's organisers."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.documents.responses import document_response
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.permissions import event_view

from . import services
from .documents import laporan_document
from .forms import PhotosForm, RemoveForm, ScanForm
from .messages import MESSAGES
from .models import ReportFileKind

bp = Blueprint("reports", __name__, url_prefix="/events/<slug>")


def _page(event: Event, status: int = 200, photos_form=None, scan_form=None):
    return (
        render_template(
            "reports/page.html",
            event=event,
            scan=services.files_of(event, ReportFileKind.SCAN),
            photos=services.files_of(event, ReportFileKind.PHOTO),
            most_photos=services.MAX_PHOTOS,
            photos_form=photos_form or PhotosForm(formdata=None),
            scan_form=scan_form or ScanForm(formdata=None),
            remove_form=RemoveForm(formdata=None),
        ),
        status,
    )


def _uploads(name: str) -> list[services.Upload]:
    """The files sent under `name`, each read no further than the largest size allowed."""
    return [
        services.Upload(upload.filename or "", upload.read(services.MAX_FILE_BYTES + 1))
        for upload in request.files.getlist(name)
    ]


def _refused(event: Event, error: DomainError, form, field: str):
    """Nothing of the upload is kept; the page says why."""
    db.session.rollback()
    form[field].errors = [str(MESSAGES[error.code]) % error.details]
    return _page(event, 422, **{f"{field}_form": form})


@bp.get("/laporan")
@login_required
@event_view()
def page(event: Event):
    """What the laporan holds, the uploads, and its download."""
    return _page(event)


@bp.post("/laporan/photos")
@login_required
@event_view()
def add_photos(event: Event):
    form = PhotosForm()
    if not form.validate_on_submit():
        return _page(event, 422, photos_form=form)
    try:
        added = services.add_photos(event, _uploads("photos"), current_user)
    except DomainError as error:
        return _refused(event, error, form, "photos")
    flash(_("%(count)d photos added.", count=added), "success")
    return redirect(url_for("reports.page", slug=event.slug) + "#photos")


@bp.post("/laporan/scan")
@login_required
@event_view()
def replace_scan(event: Event):
    form = ScanForm()
    if not form.validate_on_submit():
        return _page(event, 422, scan_form=form)
    try:
        pages = services.replace_scan(event, _uploads("scan"), current_user)
    except DomainError as error:
        return _refused(event, error, form, "scan")
    flash(_("Scan of the signed attendance list saved (%(pages)d pages).", pages=pages), "success")
    return redirect(url_for("reports.page", slug=event.slug) + "#scan")


@bp.post("/laporan/remove")
@login_required
@event_view()
def remove(event: Event):
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    if services.remove_file(event, form.file_id.data):
        flash(_("Removed from the laporan."), "success")
    return redirect(url_for("reports.page", slug=event.slug))


@bp.get("/laporan.pdf")
@login_required
@event_view()
def pdf(event: Event):
    """The PDF at once when it is quick (or kept); a big one goes to the background."""
    return document_response(
        event, "laporan", laporan_document, {}, f"laporan-kegiatan-{event.slug}.pdf"
    )
