"""The door: scanning, manual check-in and walk-ins, for staff accounts and door links."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from coordination.badges.documents import badges_pdf
from coordination.errors import DomainError
from coordination.events.forms import ConfirmForm
from coordination.events.models import Event, EventRole
from coordination.extensions import db, limiter, login_manager
from coordination.i18n import format_event_time
from coordination.permissions import (
    SESSION_DOOR_LINK,
    Caller,
    NoAccess,
    at_door,
    door_event,
    event_view,
)
from coordination.registration import services as registration
from coordination.registration.messages import ERROR_MESSAGES
from coordination.registration.models import BadgeRole, RegistrationStatus
from coordination.security import DOOR_UNTIL
from coordination.selfcheckin import services as signatures
from coordination.selfcheckin.forms import SignatureForm
from coordination.selfcheckin.messages import ERRORS as SIGNATURE_ERRORS

from . import access, offline, services
from .forms import (
    CodeForm,
    DoorSearchForm,
    PinForm,
    RepresentativeForm,
    WalkInForm,
)
from .messages import LINK_ERRORS, VERDICTS
from .models import Checkin, CheckinSource, DoorLink, OfflineUnknownRule, ReviewKind
from .services import DoorActor

bp = Blueprint("door", __name__)
# The door pages: staff accounts with any role at the event, and its door links' phones.
door_view = event_view(EventRole.DOOR, find=door_event)

SESSION_VERDICT = "door_verdict"
MAX_SYNC_BATCH = 500


@bp.errorhandler(NoAccess)
def _no_access(_error):
    ended_link = (
        session.get(SESSION_DOOR_LINK) and not current_user.is_authenticated and _own_link_ended()
    )
    if request.is_json or request.path.endswith(".json"):
        if ended_link:
            # A door phone whose link ended: the page tells its volunteer so.
            title = str(_link_ended_message())
            return jsonify(code="no_access", tone="error", title=title), 403
        # Anyone else learns nothing, not even that the event exists.
        return jsonify(code="not_found"), 404
    if ended_link:
        # A volunteer whose door link was revoked, locked or ran out: say so, not "not found".
        return render_template("door/ended.html", message=_link_ended_message()), 403
    if not current_user.is_authenticated and not session.get(SESSION_DOOR_LINK):
        return login_manager.unauthorized()
    return render_template("errors/error.html", status=404), 404


def _own_link_ended() -> bool:
    """A door phone at its own event's door, whose link was revoked, locked or ran out.

    At any other event's door it learns nothing, not even that the event exists."""
    link = db.session.get(DoorLink, session.get(SESSION_DOOR_LINK))
    if link is None or link.usable():
        return False
    slug = (request.view_args or {}).get("slug")
    return link.event_id == db.session.scalar(sa.select(Event.id).where(Event.slug == slug))


def _link_ended_message():
    """Why this phone's door link no longer opens the door, in the words LINK_ERRORS has."""
    link = db.session.get(DoorLink, session.get(SESSION_DOOR_LINK))
    return LINK_ERRORS["link_locked" if link is not None and link.locked else "link_ended"]


def verdict(
    event: Event,
    code: str,
    person=None,
    checkin: Checkin | None = None,
    window=None,
    connection: sa.Connection | None = None,
) -> dict:
    """The answer a door shows: the same fields for the page and the JSON API."""
    tone, title = VERDICTS[code]
    # Translated once, at the end: most answers replace the general title with their own.
    answer = {"code": code, "tone": tone, "title": title, "detail": ""}
    if person is not None and code != "wrong_event":
        answer.update(
            name=person.full_name,
            organisation=person.organisation,
            role=str(BadgeRole.label_for(person.role)),
        )
        if code == "checked_in":
            answer["title"] = _("Welcome, %(name)s", name=person.full_name)
            answer["detail"] = " — ".join(
                part for part in (person.organisation, answer["role"]) if part
            )
        else:
            answer["detail"] = " — ".join(
                part for part in (person.full_name, person.organisation) if part
            )
    if checkin is not None:
        at = format_event_time(checkin.checked_in_at, event.timezone, "clock")
        answer.update(at=at, door=checkin.place, checkin_id=checkin.id)
        if code == "already_checked_in":
            answer["title"] = checkin.text(at, already=True)
        if code == "already_checked_in":
            # Someone in before the organiser asked for signatures (or who walked away from
            # the pad) can only come back as "already checked in": they may sign then.
            answer["sign"] = signatures.may_sign(event.id, checkin.registration_id, connection)
        if checkin.representative_name:
            answer["representative"] = checkin.representative_name
            if code == "checked_in":
                # The person at the door is the representative: greet them, not the absentee.
                answer["title"] = _(
                    "Welcome, %(name)s, on behalf of %(person)s",
                    name=checkin.representative_name,
                    person=person.full_name if person is not None else "",
                )
            else:  # the greeting above already names the representative
                stand_in = _("represented by %(name)s", name=checkin.representative_name)
                answer["detail"] = " — ".join(filter(None, (answer["detail"], stand_in)))
    if window is not None:
        answer["detail"] = _(
            "Open %(opens)s – %(closes)s",
            opens=format_event_time(window.opens_at, event.timezone, "short") or "…",
            closes=format_event_time(window.closes_at, event.timezone, "short") or "…",
        )
    answer["title"] = str(answer["title"])
    return answer


def _scan(event, actor, checkin_list, payload: dict, connection, person=None) -> dict:
    nonce = str(payload.get("nonce") or "")[:64] or None
    offline_scan = bool(payload.get("offline"))
    code = str(payload.get("code") or "")
    at = services.moment(payload.get("at")) if offline_scan else None
    try:
        person = services.person_for_code(event, code, connection, found=person)
        checkin = services.admit(
            event,
            checkin_list,
            person,
            actor,
            source=CheckinSource.SCAN,
            nonce=nonce,
            at=at,
            offline=offline_scan,
            connection=connection,
        )
    except DomainError as error:
        if offline_scan:  # the door decided alone; a refusal now is listed for the organiser
            services.refused_offline(event, checkin_list, error, actor, nonce, at, connection)
        return verdict(
            event,
            error.code,
            error.details.get("registration"),
            error.details.get("checkin"),
            error.details.get("checkin_list"),
            connection=connection,
        )
    return verdict(event, "checked_in", person, checkin)


def _chosen_list(event, list_id=None):
    return services.chosen_list(event, list_id or request.args.get("list"))


@bp.route("/d/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def open_link(token: str):
    """A volunteer opens the door link and types the PIN the organiser gave them."""
    link = access.link_by_token(token)
    if link is None:
        abort(404)
    event = db.session.get(Event, link.event_id)
    form = PinForm()
    error = None if link.usable() else LINK_ERRORS["link_locked" if link.locked else "link_ended"]
    if error is None and form.validate_on_submit():
        try:
            access.unlock(link, form.pin.data)
        except DomainError as failure:
            error = LINK_ERRORS[failure.code]
            db.session.commit()  # the failed attempt counts even though the page says no
            form.pin.raw_data = form.pin.data = None  # an empty field for the next try
        else:
            session[SESSION_DOOR_LINK] = link.id
            # The phone stays at this door until the link ends, even if set up a day early
            # (and a while longer, should the event's end move later: every request still
            # asks whether the link is open).
            session[DOOR_UNTIL] = (link.expires_at + access.DOOR_OPENS_BEFORE).timestamp()
            session.permanent = True
            return redirect(url_for("door.page", slug=event.slug))
    return render_template("door/pin.html", link=link, event=event, form=form, error=error)


@bp.get("/door-sw.js")
def service_worker():
    """Served from the root so it may look after every event's door page."""
    response = current_app.send_static_file("js/door-sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/events/<slug>/door")
@door_view
def page(event: Event, caller: Caller, role: str):
    actor = caller.actor()
    checkin_list = _chosen_list(event)
    # The copy a phone keeps for reopening offline carries no names (see door-sw.js).
    shell = request.args.get("shell") == "1"
    search = DoorSearchForm(request.args)
    found = []
    if not shell and search.q.data and search.q.data.strip():
        query = registration.participant_query(
            event, text=search.q.data, whole_phone_only=role != EventRole.ORGANISER
        ).limit(20)
        people = db.session.scalars(query).all()
        present = services.checkins_on(checkin_list, [person.id for person in people])
        found = [(person, present.get(person.id)) for person in people]
    recent = [] if shell else services.latest_checkins(checkin_list, 8)
    return render_template(
        "door/page.html",
        event=event,
        actor=actor,
        lists=services.lists_of(event),
        checkin_list=checkin_list,
        code_form=CodeForm(),
        search=search,
        found=found,
        recent=recent,
        representative_form=RepresentativeForm(),
        verdict=None if shell else session.pop(SESSION_VERDICT, None),
        # The kept shell may open on any later day: the phone decides from door_window then.
        not_due=not shell and not access.door_is_due(event),
        door_window=access.door_window(event),
        shell=shell,
        hold_unknown=event.offline_unknown_rule == OfflineUnknownRule.HOLD,
        plain_http_in_hall=_plain_http_in_hall(),
    )


def _plain_http_in_hall() -> bool:
    """Plain http:// on an address other than this computer's: no offline copy, no camera."""
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    return not request.is_secure and host not in ("127.0.0.1", "localhost", "::1")


@bp.post("/events/<slug>/door")
def scan_form(slug: str):
    """A code typed or scanned without JavaScript: the page answers after a reload."""
    with services.scan_connection() as connection:
        event, caller, _role = at_door(slug, connection=connection)
        actor = caller.actor()
        checkin_list = services.list_at_door(event, request.form.get("list"), connection)
        form = CodeForm()
        if form.validate_on_submit():
            payload = {"code": form.code.data}
            session[SESSION_VERDICT] = _scan(event, actor, checkin_list, payload, connection)
    return redirect(url_for("door.page", slug=event.slug, list=checkin_list.id))


@bp.post("/events/<slug>/door/scan")
def scan(slug: str):
    """One scan from the door page: answered at once, as JSON."""
    payload = request.get_json(silent=True) or {}
    if not isinstance(payload, dict):
        at_door(slug)  # 404 before 400 for anyone not at this door
        return jsonify(code="bad_request"), 400
    with services.scan_connection() as connection:
        link_id = session.get(SESSION_DOOR_LINK)
        found = None
        if link_id and not current_user.is_authenticated:
            code = str(payload.get("code") or "")
            found = services.phone_scan(slug, link_id, payload.get("list"), code, connection)
        if found is None:  # a staff account, or a link that does not open this door
            event, caller, _role = at_door(slug, connection=connection)
            found = services.PhoneScan(event, caller.actor(), None, None)
        checkin_list = found.checkin_list or services.list_at_door(
            found.event, payload.get("list"), connection
        )
        answer = _scan(found.event, found.actor, checkin_list, payload, connection, found.person)
    return jsonify(answer)


@bp.post("/events/<slug>/door/sync")
def sync(slug: str):
    """Scans and walk-ins made while offline, sent when the network is back; each answered
    by nonce."""
    payload = request.get_json(silent=True)
    items = payload.get("scans") if isinstance(payload, dict) else None
    if not isinstance(items, list) or len(items) > MAX_SYNC_BATCH:
        at_door(slug, allow_ended=True)  # 404 before 400 for anyone not at this door
        return jsonify(code="bad_request"), 400
    items = [item for item in items if isinstance(item, dict)]
    results = []
    with services.scan_connection() as connection:
        event, caller, _role = at_door(slug, allow_ended=True, connection=connection)
        actor = caller.actor()
        for item in items:
            if item.get("kind") == "walk_in":
                continue  # below, once the scans' connection is closed
            checkin_list = services.list_at_door(event, item.get("list"), connection)
            if _after_link_ended(actor, item):
                answer = _link_ended_answer()
            else:
                answer = _scan(event, actor, checkin_list, dict(item, offline=True), connection)
            results.append(dict(answer, nonce=str(item.get("nonce") or "")))
    walk_ins = [item for item in items if item.get("kind") == "walk_in"]
    if walk_ins:
        full_event = db.session.get(Event, event.id, options=[so.defer(Event.logo)])
        for item in walk_ins:
            answer = (
                _link_ended_answer()
                if _after_link_ended(actor, item)
                else _walk_in_offline(full_event, actor, item)
            )
            results.append(dict(answer, nonce=str(item.get("nonce") or ""), kind="walk_in"))
    return jsonify(results=results)


def _after_link_ended(actor: DoorActor, item: dict) -> bool:
    return bool(actor.valid_until and services.moment(item.get("at")) >= actor.valid_until)


def _link_ended_answer() -> dict:
    return {"code": "no_access", "tone": "error", "title": str(LINK_ERRORS["link_ended"])}


def _walk_in_offline(event: Event, actor: DoorActor, item: dict) -> dict:
    """A walk-in typed on a door phone without network: registered and let in now, at its
    own time; one that cannot be registered is listed for the organiser."""
    checkin_list = services.chosen_list(event, item.get("list"))
    nonce = str(item.get("nonce") or "")[:64]
    at = services.moment(item.get("at"))
    data = registration.ParticipantData(
        full_name=str(item.get("name") or "")[:120],
        organisation=str(item.get("organisation") or "")[:200],
        phone=str(item.get("phone") or "")[:40],
    )
    try:
        # Nothing is written before a refusal, except a place on the waiting list when the
        # event is full: the organiser then finds the walk-in there, with their details.
        person, checkin = services.walk_in_offline(event, checkin_list, data, actor, nonce, at)
    except DomainError as error:
        if error.code == "already_checked_in":
            person = error.details.get("registration")
            return verdict(event, error.code, person, error.details.get("checkin"))
        services.keep_for_review(
            event,
            ReviewKind.WALK_IN_REFUSED,
            list_id=checkin_list.id,
            scanned_at=at,
            door_name=actor.name,
            door_link_id=actor.door_link_id,
            nonce=nonce,
            detail=data.full_name,
        )
        title = _("Walk-in %(name)s was not checked in: ask the organiser.", name=data.full_name)
        return {"code": "walk_in_refused", "tone": "error", "title": str(title)}
    return verdict(event, "checked_in", person, checkin)


@bp.get("/events/<slug>/door/offline.json")
@door_view
def offline_copy(event: Event):
    checkin_list = _chosen_list(event)
    labels = {role.value: str(role.label) for role in BadgeRole}
    snapshot = offline.snapshot(
        event,
        checkin_list,
        labels,
        salt=offline.salt_from(request.args.get("salt")),
        since=offline.version_from(request.args.get("since")),
    )
    response = jsonify(snapshot)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<slug>/door/recent.json")
@door_view
def recent_checkins(event: Event):
    """The door's latest check-ins, from every door, for its list to follow without a reload."""
    checkin_list = _chosen_list(event)
    lines = [
        verdict(event, "checked_in", checkin.registration, checkin)
        for checkin in services.latest_checkins(checkin_list, 8)
    ]
    response = jsonify(lines=lines)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/<slug>/door/admit/<int:registration_id>")
@door_view
def admit(event: Event, caller: Caller, registration_id: int):
    """Manual check-in of someone found by name, perhaps through a representative."""
    actor = caller.actor()
    checkin_list = _chosen_list(event, request.form.get("list"))
    person = registration.participant_of(event, registration_id)
    form = RepresentativeForm()
    if form.validate_on_submit():
        try:
            checkin = services.admit(
                event,
                checkin_list,
                person,
                actor,
                source=CheckinSource.MANUAL,
                representative_name=form.representative.data,
            )
        except DomainError as error:
            session[SESSION_VERDICT] = verdict(
                event, error.code, person, error.details.get("checkin")
            )
        else:
            session[SESSION_VERDICT] = verdict(event, "checked_in", person, checkin)
    return redirect(url_for("door.page", slug=event.slug, list=checkin_list.id))


@bp.post("/events/<slug>/door/undo/<int:checkin_id>")
@door_view
def undo(event: Event, caller: Caller, checkin_id: int):
    actor = caller.actor()
    if ConfirmForm().validate_on_submit():
        try:
            checkin = services.checkin_of(event, checkin_id)
        except DomainError:
            abort(404)
        list_id = checkin.list_id
        name = checkin.registration.full_name
        services.undo(event, checkin, actor)
        flash(_("Check-in of %(name)s undone.", name=name), "success")
        return redirect(url_for("door.page", slug=event.slug, list=list_id))
    abort(400)


@bp.route("/events/<slug>/door/walk-in", methods=["GET", "POST"])
@door_view
def walk_in(event: Event, caller: Caller):
    """Someone at the door who never registered: registered and let in at once."""
    actor = caller.actor()
    checkin_list = _chosen_list(event, request.form.get("list"))
    form = WalkInForm()
    full = False
    if form.validate_on_submit():
        try:
            # A seat now or nothing: nobody waits on a list at the door.
            person = registration.register(event, form.to_data(), by_organiser=True, waitlist=False)
            checkin = services.admit(
                event,
                checkin_list,
                person,
                actor,
                source=CheckinSource.WALK_IN,
                representative_name=form.representative.data,
            )
        except DomainError as error:
            db.session.rollback()
            if error.code in ERROR_MESSAGES:
                form.show_error(error.code)
            elif error.code == "already_registered":
                form.phone.errors.append(
                    _("Already registered: find this person by name on the door page.")
                )
            elif error.code == "event_full":
                full = True
            else:
                raise
        else:
            session[SESSION_VERDICT] = dict(
                verdict(event, "checked_in", person, checkin), badge_for=person.id
            )
            return redirect(url_for("door.page", slug=event.slug, list=checkin_list.id))
    return render_template(
        "door/walk_in.html", event=event, form=form, checkin_list=checkin_list, full=full
    )


@bp.route("/events/<slug>/door/sign/<int:checkin_id>", methods=["GET", "POST"])
@door_view
def sign(event: Event, checkin_id: int):
    """The door phone handed to someone just let in: they sign with a finger."""
    try:
        checkin = services.checkin_of(event, checkin_id)
    except DomainError:
        abort(404)
    person = checkin.registration
    form = SignatureForm()
    error = None
    if form.validate_on_submit():
        try:
            signatures.save_signature(person, form.strokes.data, CheckinSource.SCAN)
        except DomainError as failure:
            error = SIGNATURE_ERRORS[failure.code]
        else:
            flash(_("Signature of %(name)s saved.", name=person.full_name), "success")
            return redirect(url_for("door.page", slug=event.slug, list=checkin.list_id))
    elif request.method == "POST":
        error = SIGNATURE_ERRORS["signature_empty"]
    return render_template(
        "door/sign.html", event=event, checkin=checkin, person=person, form=form, error=error
    ), (400 if error else 200)


@bp.get("/events/<slug>/door/badge/<int:registration_id>.pdf")
@door_view
def badge(event: Event, caller: Caller, role: str, registration_id: int):
    """A badge for a walk-in, printed at the door (no phone or e-mail is on a badge).

    The badge carries the person's check-in code: a door prints only the walk-ins it
    registered itself; organisers print anyone's."""
    actor = caller.actor()
    person = registration.participant_of(event, registration_id)
    if person.status != RegistrationStatus.CONFIRMED:
        abort(404)
    if role != EventRole.ORGANISER and not services.walked_in_at(actor, person.id):
        abort(404)
    return Response(
        badges_pdf(event, [person], "single"),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="badge.pdf"'},
    )
