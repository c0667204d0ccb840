"""Public registration pages and the participant's personal link."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from coordination.badges.qr import qr_svg
from coordination.door.models import CheckinSource
from coordination.errors import DomainError
from coordination.events import online
from coordination.events.forms import ConfirmForm, ConfirmStepForm
from coordination.events.messages import ONLINE_ERRORS
from coordination.events.models import Event
from coordination.extensions import db, limiter
from coordination.i18n import format_event_time
from coordination.selfcheckin import phone

from . import invitations, notify, seats, services
from .forms import (
    InviteeRegistrationForm,
    ParticipantForm,
    PublicRegistrationForm,
    form_with_questions,
)
from .messages import ANSWER_MESSAGES
from .models import Registration, RegistrationStatus
from .questions import answers_of, form_answers, questions_of, replace_answers

bp = Blueprint("registration", __name__)


@bp.after_app_request
def private_pages(response):
    """Personal links carry a secret: never cache them or let search engines keep them."""
    if request.path.startswith(("/r/", "/i/")):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _submit(event, form, attempt):
    """Run a registration attempt: a Response to send, or the state to show the form in.

    Someone already registered sees the same page as a fresh registrant would see on a
    resend, so the form never tells whether a mobile or e-mail is registered.
    """
    try:
        registration = attempt()
    except DomainError as error:
        if error.code == "already_registered":
            notify.link_again(error.details["registration"])
            return make_response(render_template("registration/sent.html", event=event))
        if error.code == "event_full":
            return "full"
        if error.code.startswith("registration_"):
            return error.code.removeprefix("registration_")
        if error.code in ANSWER_MESSAGES:
            form.show_answer_error(error.details["question_id"], ANSWER_MESSAGES[error.code])
        else:
            form.show_error(error.code)
        return "open"
    notify.registered(registration)
    return redirect(url_for(".personal", token=registration.link_token, new=1))


# Every post from one address, refused or not: the guard against a flood.
POSTS_PER_ADDRESS = "120 per minute"
# Corrections through a personal link: a few are plenty for a participant, and trying
# someone else's mobile or e-mail a thousand times is not possible.
EDITS_PER_ADDRESS = "10 per minute;60 per hour"
EDITS_PER_LINK = "20 per hour"


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


_REFUSED = "rakor.form_refused"  # in the request's environ: this request alone


def _counts_as_registration(_response) -> bool:
    """A form sent back with mistakes to correct does not use up the address's registrations:
    a hall shares one, and one person's typos must not turn away the next."""
    return not request.environ.get(_REFUSED, False)


def _refused(form) -> None:
    if request.method == "POST" and form.errors:
        request.environ[_REFUSED] = True


def _form_kept(_limit) -> Response:
    """Over the limit: the form comes back as it was sent, to send again in a minute."""
    event = services.public_event(request.view_args["slug"])
    form = form_with_questions(PublicRegistrationForm, questions_of(event))()
    return make_response(_event_page(event, form, "open", slow_down=True), 429)


def _event_page(event, form, state: str, slow_down: bool = False) -> str:
    services.load_agenda(event)
    return render_template(
        "registration/event.html",
        event=event,
        form=form,
        state=state,
        seats_left=seats.seats_left(event),
        slow_down=slow_down,
    )


@bp.route("/e/<slug>", methods=["GET", "POST"])
@limiter.limit(POSTS_PER_ADDRESS, methods=["POST"], on_breach=_form_kept)
@limiter.limit(
    _registration_limit,
    methods=["POST"],
    on_breach=_form_kept,
    deduct_when=_counts_as_registration,
)
def event_page(slug: str):
    """The event as the public sees it, with the registration form."""
    event = services.public_event(slug)
    state = services.registration_state(event)
    questions = questions_of(event)
    form = form_with_questions(PublicRegistrationForm, questions)()
    if state == "open" and form.validate_on_submit():
        if form.website.data:
            return render_template("registration/sent.html", event=event)
        outcome = _submit(
            event,
            form,
            lambda: services.register(
                event, form.to_data(), answers=form.answers(), questions=questions
            ),
        )
        if not isinstance(outcome, str):
            return outcome
        state = outcome
    _refused(form)
    return _event_page(event, form, state)


@bp.get("/r/<token>")
def personal(token: str):
    """The participant's own page: status, QR code, details."""
    registration = services.by_link_token(token)
    event = db.session.get(Event, registration.event_id)
    show_links = online.links_visible(event, registration)
    # Once in, in the hall or online, the page says so instead of "show this QR at the door".
    arrival = online.checkin_of(registration) if registration.is_active else None
    page = render_template(
        "registration/personal.html",
        registration=registration,
        answers=answers_of(registration),
        event=event,
        position=services.waiting_position(registration),
        new=request.args.get("new") == "1",
        show_links=show_links,
        attends_online=online.is_online(event),
        online_window=online.window(event),
        arrival=arrival,
        attended=arrival if show_links else None,
    )
    if not registration.is_active:
        return page
    # This phone is now theirs for the hall QR: self check-in with one tap.
    return phone.remember(make_response(page), registration.id)


@bp.post("/r/<token>/online")
@limiter.limit("10 per minute", key_func=lambda: "online:" + request.view_args["token"])
def attend_online(token: str):
    """ "Hadir daring": the participant checks themselves in online, inside the window."""
    registration = services.by_link_token(token)
    event = db.session.get(Event, registration.event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        checkin = online.check_in_online(event, registration)
    except DomainError as error:
        flash(*_online_refusal(event, error))
        return redirect(url_for(".personal", token=token))
    flash(
        _(
            "You are recorded as present online at %(time)s.",
            time=format_event_time(checkin.checked_in_at, event.timezone, "clock"),
        ),
        "success",
    )
    return redirect(url_for(".personal", token=token))


def _online_refusal(event, error: DomainError) -> tuple[str, str]:
    """What the personal page says when "Hadir daring" is refused, and its tone."""
    if error.code == "already_checked_in" and error.details.get("checkin") is not None:
        earlier = error.details["checkin"]
        where = (
            _("online")
            if earlier.source == CheckinSource.ONLINE
            else _("in the hall, %(door)s", door=earlier.place)
        )
        at = format_event_time(earlier.checked_in_at, event.timezone, "clock")
        return _(
            "You are already recorded as present: %(time)s, %(where)s.", time=at, where=where
        ), "info"
    if error.code == "online_closed":
        window = error.details["window"]
        return (
            str(ONLINE_ERRORS["online_closed"])
            % {
                "opens": format_event_time(window.opens_at, event.timezone, "short"),
                "closes": format_event_time(window.closes_at, event.timezone, "short"),
            },
            "error",
        )
    return str(ONLINE_ERRORS.get(error.code, ONLINE_ERRORS["not_online"])), "error"


def _personal_token() -> str:
    return "personal:" + request.view_args["token"]


@bp.route("/r/<token>/edit", methods=["GET", "POST"])
@limiter.limit(EDITS_PER_ADDRESS, methods=["POST"])
@limiter.limit(EDITS_PER_LINK, methods=["POST"], key_func=_personal_token)
def edit(token: str):
    """Let participants correct their own details."""
    registration = services.by_link_token(token)
    if not registration.is_active:
        abort(404)
    event = db.session.get(Event, registration.event_id)
    questions = questions_of(event)
    form = form_with_questions(ParticipantForm, questions)()
    if request.method == "GET":
        form.fill_from(registration)
        for name, value in form_answers(registration).items():
            form[name].data = value
    elif form.validate_on_submit():
        try:
            contact_asked = services.correct_own_details(registration, form.to_data())
            replace_answers(registration, questions, form.answers())
        except DomainError as error:
            db.session.rollback()
            if error.code in ANSWER_MESSAGES:
                form.show_answer_error(error.details["question_id"], ANSWER_MESSAGES[error.code])
            else:
                form.show_error(error.code)
        else:
            flash(_("Your details have been saved."), "success")
            if contact_asked:  # said whether or not the new mobile or e-mail was free
                flash(
                    _(
                        "A mobile number or e-mail that another registration for this event "
                        "already uses is not changed. If yours stayed as it was, ask the "
                        "organiser."
                    ),
                    "info",
                )
            return redirect(url_for(".personal", token=token))
    return render_template(
        "registration/edit.html", form=form, registration=registration, event=event
    )


@bp.post("/r/<token>/cancel")
def cancel(token: str):
    """Give the seat up, once the participant says yes; the first person waiting gets it."""
    registration = services.by_link_token(token)
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(url_for(".personal", token=token))
    if not ConfirmStepForm().confirmed():
        event = db.session.get(Event, registration.event_id)
        return render_template(
            "confirm.html",
            question=_("Cancel your registration for %(event)s?", event=event.title),
            detail=_(
                "Your QR code will stop working at the door and your seat may go to someone else."
            ),
            action=url_for(".cancel", token=token),
            yes=_("Yes, cancel my registration"),
            back=url_for(".personal", token=token),
            no=_("Keep my registration"),
        )
    services.cancel(registration)  # whoever moves up is told there
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for(".personal", token=token))


@bp.get("/r/<token>/qr.svg")
def qr(token: str):
    """The participant's check-in QR, for showing on a phone."""
    registration = services.by_link_token(token)
    if registration.status == RegistrationStatus.CANCELLED:
        abort(404)
    return Response(qr_svg(registration.checkin_code), mimetype="image/svg+xml")


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.limit(POSTS_PER_ADDRESS, methods=["POST"])
@limiter.limit(_registration_limit, methods=["POST"], deduct_when=_counts_as_registration)
def invitation(token: str):
    """An invitee answers: registers, sends a representative, or declines."""
    invited = invitations.by_token(token)
    if invited.registration_id:
        registration = db.session.get(Registration, invited.registration_id)
        if registration and registration.is_active:
            return redirect(url_for(".personal", token=registration.link_token))
    event = services.public_event_by_id(invited.event_id)
    state = services.registration_state(event)
    form = form_with_questions(InviteeRegistrationForm, questions_of(event))()
    if request.method == "GET":
        form.fill_from(invited)
    elif state == "open" and form.validate_on_submit() and not form.website.data:
        outcome = _submit(
            event,
            form,
            lambda: invitations.accept(
                invited, form.to_data(), form.answers(), form.representative.data
            ),
        )
        if not isinstance(outcome, str):
            return outcome
        state = outcome
    _refused(form)
    return render_template(
        "registration/invitation.html",
        event=event,
        invited=invited,
        form=form,
        state=state,
        seats_left=seats.seats_left(event, invitee=True),
    )


@bp.post("/i/<token>/decline")
def decline_invitation(token: str):
    """The invitee will not come."""
    invited = invitations.by_token(token)
    invitations.decline(invited)
    flash(_("Thank you for letting us know that you cannot come."), "success")
    return redirect(url_for(".invitation", token=token))
