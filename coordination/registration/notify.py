"""The e-mails a participant receives, in the language of the request that caused them."""

from datetime import timedelta

from flask import current_app, flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from coordination import whatsapp
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail import services as mail
from coordination.urls import public_url

from .models import Registration, waiting_position

# A repeated registration attempt with a known mobile or e-mail reminds the registrant of
# their link at most this often: four attempts in a row are not four e-mails.
REMINDER_EVERY = timedelta(hours=1)


def _send(registration: Registration, subject, template: str) -> None:
    """Subjects are lazy: someone without an e-mail costs no translation lookup."""
    if not registration.email:
        return
    event = db.session.get(Event, registration.event_id)
    link = public_url("registration.personal", token=registration.link_token)
    body = render_template(
        template,
        registration=registration,
        event=event,
        link=link,
        position=waiting_position(registration),
    )
    mail.send(registration.email, f"{subject}: {event.title}", body, event_id=event.id)


def registered(registration: Registration) -> None:
    _send(registration, _l("Registration received"), "mail/registered.txt")


def link_again(registration: Registration) -> None:
    """Remind the registrant of their link, at most once an hour."""
    now = utcnow()
    last = registration.link_resent_at
    if last is not None and now - last < REMINDER_EVERY:
        return
    if registration.email:
        registration.link_resent_at = now
    _send(registration, _l("Your registration link"), "mail/link_again.txt")


def promoted(registration: Registration) -> None:
    _send(registration, _l("You have a seat"), "mail/promoted.txt")


def whatsapp_link(registration: Registration, event: Event) -> str | None:
    """A WhatsApp chat with someone who moved up, the message written for the organiser."""
    return whatsapp.link(registration.phone, whatsapp.promotion_text(event, registration))


def report_promoted(people: list[Registration]) -> None:
    """Tell the organiser on this page who moved up, and whom to phone (they were e-mailed,
    or put on the event page's call list, by seats.fill_free_seats)."""
    if people:
        flash(
            ngettext(
                "%(num)d person moved up from the waiting list.",
                "%(num)d people moved up from the waiting list.",
                len(people),
            ),
            "success",
        )
    if unreachable := [person.full_name for person in people if not person.email]:
        flash(
            _(
                "No e-mail to tell %(names)s: phone them; the numbers are on the event's page.",
                names=", ".join(unreachable),
            ),
            "info",
        )


def mail_is_delivered() -> bool:
    """E-mail goes out through a mail server; without one it is only saved to the outbox."""
    return bool(current_app.config.get("MAIL_SERVER_CONFIGURED"))


def invited(invitation) -> bool:
    """Send the invitation link; False when the invitee has no e-mail to send it to."""
    if not invitation.email:
        return False
    event = db.session.get(Event, invitation.event_id)
    link = public_url("registration.invitation", token=invitation.token)
    body = render_template("mail/invitation.txt", invitation=invitation, event=event, link=link)
    subject = _("Invitation: %(title)s", title=event.title)
    mail.send(invitation.email, subject, body, event_id=event.id)
    return True
