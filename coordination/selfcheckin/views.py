"""The participant's side of self check-in: the hall QR's link, who am I, the verdict, signing."""

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from coordination.door.models import CheckinSource
from coordination.door.views import verdict
from coordination.errors import DomainError
from coordination.extensions import db, limiter
from coordination.registration import services as registration
from coordination.registration.messages import ERROR_MESSAGES
from coordination.registration.models import Registration

from . import phone, services
from .forms import PhoneCheckinForm, SignatureForm, SpotRegistrationForm
from .messages import ERRORS

bp = Blueprint("selfcheckin", __name__)

HALL_PASS = "hall_pass"
SIGN_FOR = "sign_for"
# A hall's Wi-Fi is one address for everyone in it: 500 people in five minutes fit.
POSTS_PER_ADDRESS = "600 per minute"
# One person: enough for typos, not for guessing a confirmation.
POSTS_PER_PERSON = "10 per 10 minutes"


def _person_key() -> str:
    """Rate-limit key of whoever this phone says it is: the mobile typed, or the one tapped."""
    typed = "".join(ch for ch in (request.form.get("phone") or "")[:40] if ch.isdigit())
    return "self:" + (typed[-9:] or "id" + (request.form.get("person") or "")[:12])


def _pass_for(list_id: int) -> bool:
    held = session.get(HALL_PASS)
    if not isinstance(held, dict):
        return False
    return held.get("list") == list_id and held.get("until", 0) > time.time()


def _refused(code: str, status: int = 400, **context):
    return render_template("selfcheckin/refused.html", message=ERRORS[code], **context), status


def _scanned_list(list_id: int):
    """(event, list) this phone scanned the hall QR of, still in its pass; else the refusal
    page ends the request."""
    try:
        event, checkin_list = services.self_checkin_list(list_id)
    except DomainError as error:
        abort(make_response(_refused(error.code, 404)))
    if not _pass_for(list_id):
        abort(make_response(_refused("no_pass", 403)))
    return event, checkin_list


@bp.get("/hadir/<int:list_id>/<token>")
def scanned(list_id: int, token: str):
    """The hall QR's link: a fresh token gives this phone a few minutes to check in."""
    try:
        services.self_checkin_list(list_id)
        services.check_hall_token(current_app.secret_key, list_id, token)
    except DomainError as error:
        return _refused(error.code, 410 if error.code == "hall_expired" else 404)
    session[HALL_PASS] = {"list": list_id, "until": time.time() + services.PASS_SECONDS}
    # The address without the token: a reload or a shared screenshot of it proves nothing.
    return redirect(url_for(".checkin", list_id=list_id))


def _page(event, checkin_list, form=None, spot_form=None, error=None):
    people = services.people_on_this_phone(event, phone.remembered())
    arrivals = services.arrivals_on(checkin_list, people)
    return render_template(
        "selfcheckin/checkin.html",
        event=event,
        checkin_list=checkin_list,
        people=people,
        arrivals=arrivals,
        # In, but not signed since the organiser asked for it: their button leads to the pad.
        unsigned={i for i in arrivals if services.may_sign(event.id, i)},
        form=form or PhoneCheckinForm(formdata=None),
        spot_form=spot_form,
        error=error,
    )


@bp.get("/hadir/<int:list_id>")
def checkin(list_id: int):
    """Who are you: a tap if this phone opened your personal link, else mobile + 4 characters."""
    event, checkin_list = _scanned_list(list_id)
    spot_form = SpotRegistrationForm(formdata=None) if checkin_list.self_walk_in else None
    return _page(event, checkin_list, spot_form=spot_form)


@bp.post("/hadir/<int:list_id>")
@limiter.limit(POSTS_PER_ADDRESS)
@limiter.limit(POSTS_PER_PERSON, key_func=_person_key)
def check_in(list_id: int):
    """The check-in itself: the door's rules, the door's verdicts, the source "Mandiri"."""
    event, checkin_list = _scanned_list(list_id)
    form = PhoneCheckinForm()
    person = None
    chosen = (request.form.get("person") or "")[:12]
    if chosen.isdigit() and int(chosen) in phone.remembered():
        person = db.session.get(Registration, int(chosen))
        if person is None or person.event_id != event.id:
            person = None
    elif form.validate_on_submit():
        try:
            person = services.person_by_phone(event, form.phone.data, form.confirmation.data)
        except DomainError as error:
            return _page(event, checkin_list, form=form, error=ERRORS[error.code]), 400
    if person is None:
        abort(400)
    return _answer(event, checkin_list, person)


def _answer(event, checkin_list, person):
    try:
        checkin = services.check_in_self(event, checkin_list, person)
    except DomainError as error:
        if error.code == "self_checkin_off":
            return _refused(error.code, 404)
        answer = verdict(
            event,
            error.code,
            error.details.get("registration") or person,
            error.details.get("checkin"),
            error.details.get("checkin_list"),
        )
    else:
        answer = verdict(event, "checked_in", person, checkin)
    # Just in, or in before signatures were asked for and not signed yet (answer["sign"]).
    sign = answer.get("sign") or (answer["code"] == "checked_in" and event.signature_required)
    if sign:
        session[SIGN_FOR] = {"id": person.id, "until": time.time() + services.PASS_SECONDS}
    return render_template(
        "selfcheckin/verdict.html",
        event=event,
        checkin_list=checkin_list,
        verdict=answer,
        sign_form=SignatureForm(formdata=None) if sign else None,
    )


@bp.post("/hadir/<int:list_id>/register")
@limiter.limit(POSTS_PER_ADDRESS)
@limiter.limit(POSTS_PER_PERSON, key_func=_person_key)
def register_here(list_id: int):
    """Someone not registered, where the organiser allows it: registered and checked in."""
    event, checkin_list = _scanned_list(list_id)
    if not checkin_list.self_walk_in:
        return _refused("no_pass", 403)
    spot_form = SpotRegistrationForm()
    if spot_form.validate_on_submit():
        try:
            person = registration.register(
                event, spot_form.to_data(), by_organiser=True, waitlist=False
            )
        except DomainError as error:
            db.session.rollback()
            if error.code == "already_registered":
                spot_form.phone.errors.append(ERRORS["already_registered"])
            elif error.code == "event_full":
                spot_form.full_name.errors.append(ERRORS["event_full"])
            elif error.code in ERROR_MESSAGES:
                spot_form.show_error(error.code)
            else:
                raise
        else:
            response = current_app.make_response(_answer(event, checkin_list, person))
            # Their personal link is theirs: this phone now knows them, as if they opened it.
            return phone.remember(response, person.id)
    return _page(event, checkin_list, spot_form=spot_form), 400


@bp.post("/hadir/<int:list_id>/signature")
@limiter.limit(POSTS_PER_ADDRESS)
def sign(list_id: int):
    """The participant's signature, right after their own check-in."""
    held = session.get(SIGN_FOR)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        return _refused("not_checked_in", 403)
    person = db.session.get(Registration, held.get("id"))
    try:
        event, checkin_list = services.self_checkin_list(list_id)
    except DomainError as error:
        return _refused(error.code, 404)
    if person is None or person.event_id != event.id:
        return _refused("not_checked_in", 403)
    form = SignatureForm()
    error = None
    if form.validate_on_submit():
        try:
            services.save_signature(person, form.strokes.data, CheckinSource.SELF)
        except DomainError as failure:
            error = ERRORS[failure.code]
        else:
            session.pop(SIGN_FOR, None)
            return render_template("selfcheckin/signed.html", event=event, person=person)
    else:
        too_big = bool(form.strokes.errors and form.strokes.data)
        error = ERRORS["signature_too_big" if too_big else "signature_empty"]
    answer = verdict(event, "checked_in", person)
    return render_template(
        "selfcheckin/verdict.html",
        event=event,
        checkin_list=checkin_list,
        verdict=answer,
        sign_form=form,
        sign_error=error,
    ), 400
