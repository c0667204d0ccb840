"""Organiser pages for events: thin views over events.services."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination.auth.services import user_by_email
from coordination.config import TIME_ZONES
from coordination.errors import DomainError
from coordination.i18n import format_event_time
from coordination.permissions import event_view
from coordination.registration import notify
from coordination.registration import services as seats

from . import services
from .forms import AgendaItemForm, ConfirmForm, ConfirmStepForm, EventForm, MemberForm
from .messages import TEAM_ERRORS
from .models import Event, EventRole

bp = Blueprint("events", __name__)


@bp.get("/")
@login_required
def index():
    """The user's events: those they organise, and those they work the door at."""
    archived = request.args.get("archived") == "1"
    return render_template(
        "events/index.html",
        organised=services.events_for(current_user, EventRole.ORGANISER, archived=archived),
        door=services.events_for(current_user, EventRole.DOOR) if not archived else [],
        archived=archived,
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    """Create an event; door accounts never organise."""
    if current_user.role == "door":
        abort(404)
    form = EventForm()
    if request.method == "GET" and current_app.config["DEFAULT_TIMEZONE"] in TIME_ZONES:
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
    if form.validate_on_submit():
        try:
            event = services.create_event(form.to_data(), current_user)
        except DomainError as error:
            form.show_error(error.code)
        else:
            flash(_("Event created."), "success")
            return redirect(url_for("events.show", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.get("/events/<slug>")
@login_required
@event_view()
def show(event: Event):
    """One event with its agenda and team."""
    return render_template(
        "events/show.html",
        event=event,
        registered=services.registered_count(event),
        registration_state=seats.registration_state(event),
        member_form=MemberForm(),
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@login_required
@event_view()
def edit(event: Event):
    """Change an event's details."""
    form = EventForm()
    if request.method == "GET":
        form.fill_from(event)
    elif form.validate_on_submit():
        try:
            services.update_event(event, form.to_data())
        except DomainError as error:
            form.show_error(error.code)
        else:
            flash(_("Changes saved."), "success")
            notify.tell_promoted(seats.fill_free_seats(event))
            return redirect(url_for("events.show", slug=event.slug))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/events/<slug>/duplicate")
@login_required
@event_view()
def duplicate(event: Event):
    """Copy an event with its agenda, then let the organiser adjust the copy."""
    if ConfirmForm().validate_on_submit():
        copy = services.duplicate_event(event, current_user)
        flash(_("Event duplicated. Check the dates and web address of the copy."), "success")
        return redirect(url_for("events.edit", slug=copy.slug))
    abort(400)


@bp.post("/events/<slug>/archive")
@login_required
@event_view()
def archive(event: Event):
    """Hide an event from the main list; nothing is deleted."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if event.is_archived:
        services.restore_event(event)
        flash(_("Event restored from the archive."), "success")
    else:
        services.archive_event(event)
        flash(_("Event archived."), "success")
    return redirect(url_for("events.show", slug=event.slug))


@bp.route("/events/<slug>/agenda/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/agenda/<int:item_id>", methods=["GET", "POST"])
@login_required
@event_view()
def agenda_item(event: Event, item_id: int | None = None):
    """Add or change one agenda item with its speakers."""
    item = services.agenda_item_of(event, item_id) if item_id else None
    form = AgendaItemForm()
    if request.method == "GET":
        if item:
            form.fill_from(item, event.timezone)
        else:
            form.prefill_start(services.next_agenda_start(event), event.timezone)
    elif form.validate_on_submit():
        try:
            data = form.to_data(event.timezone)
            if item:
                services.update_agenda_item(item, data)
            else:
                services.add_agenda_item(event, data)
        except DomainError:
            form.ends_at.errors.append(_("The end must be after the start."))
        else:
            flash(_("Agenda saved."), "success")
            if services.outside_event(event, data.starts_at):  # told, not refused
                flash(
                    _(
                        "This item is outside the event's time (%(start)s – %(end)s): check "
                        "its date, or the event's.",
                        start=format_event_time(event.starts_at, event.timezone, "short"),
                        end=format_event_time(event.ends_at, event.timezone, "short"),
                    ),
                    "info",
                )
            return redirect(url_for("events.show", slug=event.slug) + "#agenda")
    return render_template("events/agenda_item.html", form=form, event=event, item=item)


@bp.post("/events/<slug>/agenda/<int:item_id>/delete")
@login_required
@event_view()
def delete_agenda_item(event: Event, item_id: int):
    """Remove an agenda item, after asking."""
    item = services.agenda_item_of(event, item_id)
    if not ConfirmStepForm().confirmed():
        return render_template(
            "confirm.html",
            question=_("Remove the agenda item %(title)s?", title=item.title),
            detail=None,
            action=url_for("events.delete_agenda_item", slug=event.slug, item_id=item_id),
            yes=_("Yes, remove it"),
            back=url_for("events.show", slug=event.slug) + "#agenda",
            no=_("Keep it"),
        )
    services.delete_agenda_item(item)
    flash(_("Agenda item removed."), "success")
    return redirect(url_for("events.show", slug=event.slug) + "#agenda")


@bp.post("/events/<slug>/team")
@login_required
@event_view()
def add_member(event: Event):
    """Add an existing account to the event's team."""
    form = MemberForm()
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if user is None:
            flash(_("No account uses that e-mail. An administrator can create it."), "error")
        else:
            try:
                services.add_member(event, user, form.role.data)
            except DomainError as error:
                flash(TEAM_ERRORS[error.code], "error")
            else:
                flash(_("%(name)s added to the team.", name=user.name), "success")
    else:
        flash(_("Enter the e-mail of an existing account."), "error")
    return redirect(url_for("events.show", slug=event.slug) + "#team")


@bp.post("/events/<slug>/team/<int:member_id>/remove")
@login_required
@event_view()
def remove_member(event: Event, member_id: int):
    """Take someone off the event's team, once the organiser says yes to what stops with them."""
    member = services.member_of(event, member_id)
    back = url_for("events.show", slug=event.slug) + "#team"
    if not ConfirmStepForm().confirmed():
        return render_template(
            "events/remove_member.html",
            event=event,
            member=member,
            made=services.made_by(event, member.user_id),
            back=back,
        )
    try:
        revoked = services.remove_member(event, member_id)
    except DomainError as error:
        flash(TEAM_ERRORS[error.code], "error")
    else:
        flash(_("Removed from the team."), "success")
        if revoked:
            flash(
                _(
                    "Revoked with them: %(tokens)d API tokens and %(links)d door links.",
                    tokens=len(revoked.tokens),
                    links=len(revoked.door_links),
                ),
                "info",
            )
    return redirect(back)
