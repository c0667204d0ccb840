"""Badge downloads for participants and organisers, and the event's badge style."""

import mimetypes

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coordination.documents.responses import document_response
from coordination.errors import DomainError
from coordination.events.forms import ConfirmForm
from coordination.events.models import Event
from coordination.permissions import event_view
from coordination.registration import services as registration
from coordination.registration.models import RegistrationStatus

from . import services
from .documents import badges_pdf, selected_badges_document
from .forms import BadgeDownloadForm, BadgeStyleForm
from .qr import qr_png

bp = Blueprint("badges", __name__)


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.get("/r/<token>/badge.pdf")
def own_badge(token: str):
    """A participant prints or shows their own badge."""
    person = registration.by_link_token(token)
    if person.status != RegistrationStatus.CONFIRMED:
        abort(404)
    event = registration.public_event_by_id(person.event_id)
    return _pdf(badges_pdf(event, [person], "single"), "badge.pdf")


@bp.get("/r/<token>/qr.png")
def own_qr_png(token: str):
    person = registration.by_link_token(token)
    if person.status == RegistrationStatus.CANCELLED:
        abort(404)
    return Response(
        qr_png(person.checkin_code), mimetype="image/png", headers={"Cache-Control": "no-store"}
    )


@bp.get("/events/<slug>/badges.pdf")
@login_required
@event_view()
def event_badges(event: Event):
    """Badges of the confirmed participants the list's filters select (all by default)."""
    options = {
        "layout": BadgeDownloadForm(request.args).layout.data or "a6",
        "text": request.args.get("q", ""),
        "invited": request.args.get("invited", ""),
        "present": request.args.get("present", ""),
        "sort": request.args.get("sort", "name"),
    }
    return document_response(
        event, "badges", selected_badges_document, options, f"badges-{event.slug}.pdf"
    )


@bp.get("/events/<slug>/participants/<int:registration_id>/badge.pdf")
@login_required
@event_view()
def one_badge(event: Event, registration_id: int):
    person = registration.participant_of(event, registration_id)
    layout = BadgeDownloadForm(request.args).layout.data or "single"
    return _pdf(badges_pdf(event, [person], layout), f"badge-{person.id}.pdf")


@bp.post("/events/<slug>/participants/<int:registration_id>/reissue")
@login_required
@event_view()
def reissue(event: Event, registration_id: int):
    """A lost badge: issue a new code; the old badge stops working."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.reissue_code(registration.participant_of(event, registration_id))
    flash(_("A new code was issued. Print a new badge; the old one no longer works."), "success")
    return redirect(url_for("participants.edit", slug=event.slug, registration_id=registration_id))


@bp.route("/events/<slug>/badge-style", methods=["GET", "POST"])
@login_required
@event_view()
def style(event: Event):
    """The event's badge colour and logo."""
    form = BadgeStyleForm()
    if request.method == "GET":
        form.colour.data = event.badge_colour
    elif form.validate_on_submit():
        upload = form.logo.data
        content = upload.read() if upload else None
        mime = mimetypes.guess_type(upload.filename)[0] if upload else None
        try:
            services.set_badge_style(
                event, form.colour.data, content, mime, remove_logo=form.remove_logo.data
            )
        except DomainError as error:
            form.show_error(error.code)
        else:
            flash(_("Badge style saved."), "success")
            return redirect(url_for(".style", slug=event.slug))
    return render_template(
        "badges/style.html",
        event=event,
        form=form,
        download=BadgeDownloadForm(),
        confirmed=len(services.confirmed_of(event)),
    )
