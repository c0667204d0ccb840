"""Organiser pages for an event's participants and its outbox."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required

from coordination import whatsapp
from coordination.badges.qr import qr_svg
from coordination.door import services as door
from coordination.errors import DomainError
from coordination.events.forms import ConfirmForm, ConfirmStepForm
from coordination.events.models import Event
from coordination.extensions import db
from coordination.mail.models import OutboxMessage
from coordination.permissions import event_view
from coordination.selfcheckin.services import signature_of
from coordination.urls import only_this_computer, public_url

from . import invitations, notify, questions, seats, services
from .forms import (
    InvitationUploadForm,
    OrganiserParticipantForm,
    ParticipantSearchForm,
    QuestionForm,
)
from .messages import QUESTION_ERRORS, ROW_ERRORS, UPLOAD_ERRORS
from .models import RegistrationStatus

bp = Blueprint("participants", __name__, url_prefix="/events/<slug>")


@bp.get("/participants")
@login_required
@event_view()
def index(event: Event):
    """Search, filter and page through the participants."""
    form = ParticipantSearchForm(request.args)
    page = services.search(
        event,
        text=form.q.data or "",
        status=form.status.data or "",
        invited=form.invited.data or "",
        present=form.present.data or "",
        sort=form.sort.data or "name",
        page=request.args.get("page", 1, type=int),
    )
    if page.pages and page.page > page.pages:  # an old link, or a typed ?page=99
        return redirect(
            url_for(".index", slug=event.slug, **{**request.args.to_dict(), "page": page.pages})
        )
    arrived = door.arrivals_of(event, [registration.id for registration in page.items])
    return render_template(
        "participants/index.html", event=event, form=form, page=page, arrived=arrived
    )


@bp.route("/participants/new", methods=["GET", "POST"])
@bp.route("/participants/<int:registration_id>", methods=["GET", "POST"])
@login_required
@event_view()
def edit(event: Event, registration_id: int | None = None):
    """Add a participant by hand, or correct one."""
    registration = services.participant_of(event, registration_id) if registration_id else None
    form = OrganiserParticipantForm()
    if request.method == "GET" and registration:
        form.fill_from(registration)
        form.role.data = registration.role
        form.nip.data = registration.nip
        form.gender.data, form.origin.data = registration.gender, registration.origin
    elif form.validate_on_submit():
        try:
            if registration:
                services.update_details(registration, form.to_data(), contact_required=False)
            else:
                registration = services.register(
                    event, form.to_data(), by_organiser=True, contact_required=False
                )
                notify.registered(registration)
            services.set_role(registration, form.role.data)
            services.set_government_details(
                registration, form.nip.data, form.gender.data, form.origin.data
            )
        except DomainError as error:
            if error.code == "already_registered":
                error = DomainError("contact_taken")
            if error.code == "event_full":
                flash(_("The event is full and has no waiting list."), "error")
            else:
                form.show_error(error.code)
        else:
            flash(_("Participant saved."), "success")
            return redirect(url_for(".index", slug=event.slug))
    return render_template(
        "participants/edit.html",
        event=event,
        form=form,
        registration=registration,
        position=services.waiting_position(registration) if registration else None,
        answers=questions.answers_of(registration) if registration else [],
        arrival=door.arrivals_of(event, [registration.id]).get(registration.id)
        if registration
        else None,
        signature=signature_of(registration) if registration else None,
        # For someone who gave no e-mail and asks for it: the organiser can read it out.
        personal_link=public_url("registration.personal", token=registration.link_token)
        if registration
        else None,
        whatsapp_link=whatsapp.link(
            registration.phone, whatsapp.personal_link_text(event, registration)
        )
        if registration
        else None,
    )


@bp.post("/participants/<int:registration_id>/<any(cancel, restore, confirm):action>")
@login_required
@event_view()
def change_status(event: Event, registration_id: int, action: str):
    """Cancel (after asking), restore, or move off the waiting list, saying what happened."""
    registration = services.participant_of(event, registration_id)
    back = url_for(".edit", slug=event.slug, registration_id=registration_id)
    name = registration.full_name
    if action == "cancel":
        if not ConfirmStepForm().confirmed():
            return render_template(
                "confirm.html",
                question=_("Cancel the registration of %(name)s?", name=name),
                detail=_("Their seat goes to the first person on the waiting list.")
                if registration.status == RegistrationStatus.CONFIRMED
                else None,
                action=url_for(
                    ".change_status",
                    slug=event.slug,
                    registration_id=registration_id,
                    action="cancel",
                ),
                yes=_("Yes, cancel it"),
                back=back,
                no=_("Keep the registration"),
            )
        promoted = services.cancel(registration)
        flash(_("The registration of %(name)s is cancelled.", name=name), "success")
        notify.report_promoted(promoted)
        return redirect(back)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    before = registration.status
    try:
        if action == "restore":
            services.restore(registration)
        else:
            seats.take_seat(registration)
    except DomainError:
        if action == "restore":
            flash(_("The event is full and has no waiting list."), "error")
        else:
            flash(_("No seat is free: cancel someone or raise the capacity first."), "error")
        return redirect(back)
    if registration.status == before:
        return redirect(back)  # another organiser got there first: the page shows how it is
    if action == "confirm":
        notify.report_promoted([registration])
    elif registration.status == RegistrationStatus.WAITING:
        flash(
            _(
                "%(name)s is back, on the waiting list (number %(position)s).",
                name=name,
                position=services.waiting_position(registration),
            ),
            "success",
        )
    else:
        flash(_("%(name)s has a seat again.", name=name), "success")
    return redirect(back)


@bp.post("/participants/<int:registration_id>/called")
@login_required
@event_view()
def called(event: Event, registration_id: int):
    """The organiser has told someone who moved up: off the call list."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    seats.mark_called(services.participant_of(event, registration_id))
    return redirect(url_for("events.show", slug=event.slug) + "#calls")


@bp.get("/outbox")
@login_required
@event_view()
def outbox(event: Event):
    """The e-mails sent for this event, newest first."""
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(200)
    ).all()
    return render_template("participants/outbox.html", event=event, messages=messages)


@bp.get("/poster")
@login_required
@event_view()
def poster(event: Event):
    """A printable poster with a QR code of the public registration page."""
    return render_template(
        "participants/poster.html",
        event=event,
        public_url=public_url("registration.event_page", slug=event.slug),
        only_this_computer=only_this_computer(),
    )


@bp.get("/poster.svg")
@login_required
@event_view()
def poster_qr(event: Event):
    """The QR of the public registration link."""
    url = public_url("registration.event_page", slug=event.slug)
    return Response(qr_svg(url), mimetype="image/svg+xml")


@bp.route("/questions", methods=["GET", "POST"])
@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
@event_view()
def question(event: Event, question_id: int | None = None):
    """The organiser's own questions on the registration form: list, add, change."""
    editing = questions.question_of(event, question_id) if question_id else None
    form = QuestionForm()
    if request.method == "GET" and editing:
        form.fill_from(editing)
    elif form.validate_on_submit():
        try:
            if editing:
                questions.update_question(editing, form.to_data())
            else:
                questions.add_question(event, form.to_data())
        except DomainError as error:
            field_name, message = QUESTION_ERRORS[error.code]
            getattr(form, field_name).errors.append(message)
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for(".question", slug=event.slug))
    return render_template(
        "participants/questions.html",
        event=event,
        form=form,
        editing=editing,
        questions=questions.questions_of(event),
    )


@bp.post("/questions/<int:question_id>/delete")
@login_required
@event_view()
def delete_question(event: Event, question_id: int):
    """Remove a question together with its answers."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    questions.delete_question(questions.question_of(event, question_id))
    flash(_("Question removed."), "success")
    return redirect(url_for(".question", slug=event.slug))


@bp.route("/invitations", methods=["GET", "POST"])
@login_required
@event_view()
def invitations_page(event: Event):
    """Upload an invitee list and follow who answered."""
    form = InvitationUploadForm()
    row_errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            created, invited_before = invitations.import_invitations(
                event, upload.filename, upload.read()
            )
        except DomainError as error:
            if error.code == "rows_invalid":
                row_errors = error.details["errors"]
                form.file.errors.append(
                    _("Nothing was imported. Correct these rows and upload again.")
                )
            else:
                form.file.errors.append(UPLOAD_ERRORS[error.code])
        else:
            sent = sum(_send_invitation(invitation) for invitation in created)
            if not sent:
                text = _("%(count)d invitees imported.")
            elif notify.mail_is_delivered():
                text = _(
                    "%(count)d invitees imported; %(sent)d invitations queued for e-mail "
                    "(the outbox shows when each is delivered).",
                )
            else:
                text = _(
                    "%(count)d invitees imported; %(sent)d invitations saved to the outbox "
                    "only: no mail server is set up, so nothing was e-mailed.",
                )
            flash(text % {"count": len(created), "sent": sent}, "success")
            if invited_before:
                flash(
                    ngettext(
                        "%(num)d row was invited before and is left as it was.",
                        "%(num)d rows were invited before and are left as they were.",
                        invited_before,
                    ),
                    "info",
                )
            return redirect(url_for(".invitations_page", slug=event.slug))
    page = invitations.invitations_page(event, request.args.get("page", 1, type=int))
    if page.pages and page.page > page.pages:  # an old link, or a typed ?page=99
        return redirect(url_for(".invitations_page", slug=event.slug, page=page.pages))
    shown = [invitation.id for invitation in page.items]
    return render_template(
        "participants/invitations.html",
        event=event,
        form=form,
        row_errors=row_errors,
        row_messages=ROW_ERRORS,
        page=page,
        representatives=invitations.representatives_of(shown),
        answered=invitations.answered_statuses(shown),
        summary=invitations.summary(event),
    )


def _send_invitation(invitation) -> bool:
    if notify.invited(invitation):
        invitations.mark_sent(invitation)
        return True
    return False


@bp.get("/invitations/template.<any(csv, xlsx):kind>")
@login_required
@event_view()
def invitation_template(event: Event, kind: str):
    """An example invitee list to fill in."""
    if kind == "csv":
        return Response(
            invitations.template_csv(str(get_locale())),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=undangan.csv"},
        )
    return Response(
        invitations.template_xlsx(str(get_locale())),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=undangan.xlsx"},
    )


@bp.post("/invitations/<int:invitation_id>/withdraw")
@login_required
@event_view()
def withdraw_invitation(event: Event, invitation_id: int):
    """Take back an invitation sent by mistake, after asking; its link stops working."""
    invitation = invitations.invitation_of(event, invitation_id)
    back = url_for(".invitations_page", slug=event.slug)
    if not ConfirmStepForm().confirmed():
        return render_template(
            "confirm.html",
            question=_("Take back the invitation of %(name)s?", name=invitation.full_name),
            detail=_("Their invitation link stops working."),
            action=url_for(".withdraw_invitation", slug=event.slug, invitation_id=invitation_id),
            yes=_("Yes, take it back"),
            back=back,
            no=_("Keep the invitation"),
        )
    name = invitation.full_name
    try:
        promoted = invitations.withdraw(invitation)
    except DomainError:
        flash(_("%(name)s has registered: cancel the registration instead.", name=name), "error")
    else:
        flash(_("The invitation of %(name)s was taken back.", name=name), "success")
        notify.report_promoted(promoted)
    return redirect(back)


@bp.post("/invitations/<int:invitation_id>/whatsapp")
@login_required
@event_view()
def whatsapp_invitation(event: Event, invitation_id: int):
    """Open the invitation as a WhatsApp chat, and mark it sent (one tap on the list)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    invitation = invitations.invitation_of(event, invitation_id)
    chat = invitations.whatsapp_link(event, invitation)
    if chat is None:
        flash(_("%(name)s has no mobile number for WhatsApp.", name=invitation.full_name), "error")
        return redirect(url_for(".invitations_page", slug=event.slug))
    invitations.mark_sent_by_whatsapp(invitation)
    return redirect(chat, code=303)


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
@event_view()
def resend_invitation(event: Event, invitation_id: int):
    """Send one invitation again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    invitation = invitations.invitation_of(event, invitation_id)
    if _send_invitation(invitation):
        if notify.mail_is_delivered():
            flash(_("Invitation queued again for %(email)s.", email=invitation.email), "success")
        else:
            flash(
                _(
                    "Invitation to %(email)s saved to the outbox only: no mail server is set "
                    "up, so nothing was e-mailed.",
                    email=invitation.email,
                ),
                "info",
            )
    else:
        flash(_("This invitee has no e-mail address; share the link another way."), "error")
    return redirect(url_for(".invitations_page", slug=event.slug))
