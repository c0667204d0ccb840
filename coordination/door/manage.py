"""Organiser pages for the door: door links, check-in lists, paper sheets and the dashboard."""

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coordination import whatsapp
from coordination.badges.qr import qr_svg
from coordination.errors import DomainError
from coordination.events import online
from coordination.events.forms import ConfirmForm, ConfirmStepForm, aware_in_zone, local_in_zone
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.permissions import event_view
from coordination.registration.models import Registration, RegistrationStatus
from coordination.urls import only_this_computer, public_url

from . import access, attendance, services
from .forms import (
    CheckinListForm,
    DoorLinkForm,
    DoorSearchForm,
    OfflineRuleForm,
    PaperSheetForm,
    QuorumForm,
    WhatsappForm,
)
from .messages import LINK_ERRORS, LIST_ERRORS
from .models import Checkin, CheckinList, QuorumRule, ReviewKind
from .services import DoorActor

bp = Blueprint("door_admin", __name__, url_prefix="/events/<slug>")


def _organiser_actor() -> DoorActor:
    return DoorActor(name=current_user.name or current_user.email, user_id=current_user.id)


@bp.route("/door-access", methods=["GET", "POST"])
@login_required
@event_view()
def door_access(event: Event):
    """Door links for volunteers without an account; the PIN is shown only once, here."""
    form = DoorLinkForm()
    created = None
    if form.validate_on_submit():
        try:
            link, pin = access.create_link(event, form.name.data, created_by_id=current_user.id)
        except DomainError as error:
            form.name.errors.append(LINK_ERRORS[error.code])
        else:
            address = public_url("door.open_link", token=link.token)
            created = {"link": link, "pin": pin, "url": address, "qr": qr_svg(address)}
            form = DoorLinkForm(formdata=None)
    door_team = [member for member in event.members if member.role == "door"]
    return render_template(
        "door/access.html",
        event=event,
        form=form,
        links=access.links_of(event),
        created=created,
        door_team=door_team,
        only_this_computer=only_this_computer(),
        offline_form=OfflineRuleForm(rule=event.offline_unknown_rule),
        whatsapp_form=WhatsappForm(formdata=None),
    )


@bp.post("/door-access/offline-rule")
@login_required
@event_view()
def set_offline_rule(event: Event):
    """The event's rule for a code a door's offline copy does not know."""
    form = OfflineRuleForm()
    if form.validate_on_submit():
        access.set_offline_rule(event, form.rule.data)
        flash(_("Offline rule saved."), "success")
    return redirect(url_for("door_admin.door_access", slug=event.slug))


@bp.post("/door-access/<int:link_id>/whatsapp")
@login_required
@event_view()
def whatsapp_link(event: Event, link_id: int):
    """Send a door link to the number the organiser typed, as a WhatsApp chat (no PIN)."""
    form = WhatsappForm()
    try:
        link = access.link_of(event, link_id)
    except DomainError:
        return render_template("errors/error.html", status=404), 404
    back = url_for("door_admin.door_access", slug=event.slug)
    if not link.usable():
        flash(LINK_ERRORS["link_ended"], "error")
        return redirect(back)
    address = public_url("door.open_link", token=link.token)
    text = whatsapp.door_link_text(event, link.name, address)
    chat = whatsapp.link(form.phone.data, text) if form.validate_on_submit() else None
    if chat is None:
        flash(_("That is not a mobile number WhatsApp can reach, e.g. 0812-3456-7890."), "error")
        return redirect(back)
    return redirect(chat, code=303)


@bp.post("/door-access/<int:link_id>/revoke")
@login_required
@event_view()
def revoke_link(event: Event, link_id: int):
    """Stop a door link, once the organiser says yes: its phone stops checking people in."""
    try:
        link = access.link_of(event, link_id)
    except DomainError:
        return render_template("errors/error.html", status=404), 404
    back = url_for("door_admin.door_access", slug=event.slug)
    if link.revoked_at is not None:
        return redirect(back)
    if not ConfirmStepForm().confirmed():
        return render_template(
            "confirm.html",
            question=_("Revoke the door link %(name)s?", name=link.name),
            detail=_("The phone using it stops checking people in at once. This cannot be undone."),
            action=url_for("door_admin.revoke_link", slug=event.slug, link_id=link.id),
            yes=_("Yes, revoke the link"),
            back=back,
            no=_("Keep the link"),
        )
    access.revoke(link)
    flash(_("Door link %(name)s no longer works.", name=link.name), "success")
    return redirect(back)


@bp.route("/checkin-lists", methods=["GET", "POST"])
@login_required
@event_view()
def checkin_lists(event: Event):
    """The event's main list, and lists per session or day with their time windows."""
    form = CheckinListForm()
    if form.validate_on_submit():
        try:
            services.add_list(
                event,
                form.name.data,
                aware_in_zone(form.opens_at.data, event.timezone),
                aware_in_zone(form.closes_at.data, event.timezone),
            )
        except DomainError as error:
            field = form.closes_at if error.code == "window_reversed" else form.name
            field.errors.append(LIST_ERRORS[error.code])
        else:
            flash(_("List added."), "success")
            return redirect(url_for("door_admin.checkin_lists", slug=event.slug))
    counts = dict(
        db.session.execute(
            sa.select(Checkin.list_id, sa.func.count(Checkin.id))
            .join(CheckinList, CheckinList.id == Checkin.list_id)
            .where(CheckinList.event_id == event.id)
            .group_by(Checkin.list_id)
        ).all()
    )
    return render_template(
        "door/lists.html", event=event, form=form, lists=services.lists_of(event), counts=counts
    )


@bp.post("/checkin-lists/<int:list_id>/remove")
@login_required
@event_view()
def remove_list(event: Event, list_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_list(event, services.list_of(event, list_id))
        except DomainError as error:
            flash(LIST_ERRORS.get(error.code, _("Not found.")), "error")
        else:
            flash(_("List removed."), "success")
    return redirect(url_for("door_admin.checkin_lists", slug=event.slug))


def _list_from_args(event):
    return services.chosen_list(event, request.args.get("list"))


@bp.get("/attendance")
@login_required
@event_view()
def dashboard(event: Event):
    """Live attendance for a projector: counts, quorum, arrivals, organisations."""
    checkin_list = _list_from_args(event)
    return render_template(
        "door/dashboard.html",
        event=event,
        checkin_list=checkin_list,
        lists=services.lists_of(event),
        summary=attendance.attendance(event, checkin_list),
        quorum_form=QuorumForm(rule=event.quorum_rule, counts_online=event.quorum_counts_online),
        attends_online=online.is_online(event),
        to_review=services.count_reviews(event),
        projector=request.args.get("projector") == "1",
    )


@bp.get("/attendance.json")
@login_required
@event_view()
def dashboard_data(event: Event):
    summary = attendance.attendance(event, _list_from_args(event))
    response = jsonify(summary.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/attendance/quorum")
@login_required
@event_view()
def set_quorum(event: Event):
    form = QuorumForm()
    if form.validate_on_submit() and form.rule.data in set(QuorumRule):
        event.quorum_rule = form.rule.data
        if online.is_online(event):  # the box is on the form only then
            event.quorum_counts_online = form.counts_online.data
        flash(_("Quorum rule saved."), "success")
    return redirect(url_for("door_admin.dashboard", slug=event.slug))


@bp.route("/attendance/paper", methods=["GET", "POST"])
@login_required
@event_view()
def paper(event: Event):
    """Mark people present from a signed paper sign sheet, many at once."""
    checkin_list = _list_from_args(event)
    form = PaperSheetForm()
    if request.method == "GET":
        form.signed_at.data = local_in_zone(event.starts_at, event.timezone)
    elif form.validate_on_submit():
        chosen = [int(value) for value in request.form.getlist("present") if value.isdigit()]
        if not chosen:
            flash(_("Tick at least one person who signed the sheet."), "error")
        else:
            # The sheet says who came, not when: the organiser gives the time it stands for.
            signed_at = aware_in_zone(form.signed_at.data, event.timezone) or event.starts_at
            actor = DoorActor(
                name=_("Paper sheet · %(name)s", name=current_user.name or current_user.email),
                user_id=current_user.id,
            )
            marked, already = services.mark_present_from_paper(
                event, checkin_list, chosen, actor, at=min(signed_at, utcnow())
            )
            flash(
                _(
                    "%(marked)d marked present from the paper sheet; %(already)d were already in.",
                    marked=marked,
                    already=already,
                ),
                "success",
            )
            return redirect(url_for("door_admin.paper", slug=event.slug, list=checkin_list.id))
    search = DoorSearchForm(request.args)
    present = sa.exists().where(
        Checkin.registration_id == Registration.id, Checkin.list_id == checkin_list.id
    )
    query = sa.select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        ~present,
    )
    text = (search.q.data or "").strip().casefold()
    if text:
        like = f"%{text}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.full_name).like(like),
                sa.func.lower(Registration.organisation).like(like),
            )
        )
    absent = db.session.scalars(
        query.order_by(Registration.sort_name, Registration.id).limit(500)
    ).all()
    return render_template(
        "door/paper.html",
        event=event,
        checkin_list=checkin_list,
        lists=services.lists_of(event),
        absent=absent,
        search=search,
        form=form,
    )


@bp.get("/attendance/log")
@login_required
@event_view()
def log(event: Event):
    """Every check-in and undo, newest first: what an auditor asks for."""
    return render_template(
        "door/log.html",
        event=event,
        entries=services.log_of(event),
        reviews=services.reviews_of(event),
        review_kinds=ReviewKind,
    )
