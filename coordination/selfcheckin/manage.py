"""The organiser's side: switches per list and per event, and the hall QR for the projector."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coordination.badges.qr import qr_svg
from coordination.door import services as door
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import utcnow
from coordination.permissions import event_view
from coordination.urls import public_url

from . import services
from .forms import SelfCheckinSettingsForm, SignatureSettingForm

bp = Blueprint("selfcheckin_admin", __name__, url_prefix="/events/<slug>")


@bp.post("/checkin-lists/<int:list_id>/self-checkin")
@login_required
@event_view()
def set_self_checkin(event: Event, list_id: int):
    """Switch self check-in (and registration on the spot) on or off for one list."""
    try:
        checkin_list = door.list_of(event, list_id)
    except DomainError:
        abort(404)
    form = SelfCheckinSettingsForm()
    if form.validate_on_submit():
        services.set_self_checkin(checkin_list, form.self_checkin.data, form.self_walk_in.data)
        flash(_("Self check-in settings saved."), "success")
    return redirect(url_for("door_admin.checkin_lists", slug=event.slug))


@bp.post("/signature-setting")
@login_required
@event_view()
def set_signature(event: Event):
    form = SignatureSettingForm()
    if form.validate_on_submit():
        services.set_signature_required(event, form.signature_required.data)
        flash(_("Signature setting saved."), "success")
    return redirect(url_for("door_admin.checkin_lists", slug=event.slug))


def _hall_codes(event: Event, checkin_list) -> list[dict]:
    secret = current_app.secret_key
    return [
        {
            "window": window,
            "svg": qr_svg(public_url("selfcheckin.scanned", list_id=checkin_list.id, token=token)),
        }
        for window, token in services.hall_tokens(secret, checkin_list.id)
    ]


@bp.get("/hall-qr")
@login_required
@event_view()
def hall_qr(event: Event):
    """'Pindai untuk hadir': the QR for the projector (or a tablet, or print) that changes
    every 30 seconds."""
    checkin_list = door.chosen_list(event, request.args.get("list"))
    return render_template(
        "selfcheckin/hall.html",
        event=event,
        checkin_list=checkin_list,
        lists=door.lists_of(event),
        codes=_hall_codes(event, checkin_list)[:1] if checkin_list.self_checkin else [],
        printable=request.args.get("print") == "1",
        window_seconds=services.WINDOW_SECONDS,
    )


@bp.get("/hall-qr.json")
@login_required
@event_view()
def hall_qr_codes(event: Event):
    """The next ten minutes of hall QR codes: the page shows each in its time, offline too."""
    checkin_list = door.chosen_list(event, request.args.get("list"))
    codes = _hall_codes(event, checkin_list) if checkin_list.self_checkin else []
    response = jsonify(
        now=int(utcnow().timestamp() * 1000),
        window_seconds=services.WINDOW_SECONDS,
        codes=codes,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
