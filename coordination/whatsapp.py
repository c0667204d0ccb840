"""WhatsApp: the one function that builds a one-tap chat link, and every prepared text.

Offices send everything by WhatsApp. A link https://wa.me/<number>?text=<encoded> opens a
chat with the message written, for the organiser to send; the number is in international
form without "+". The texts are in the language of the page that offers them (Indonesian,
or English when the user chose it).
"""

from urllib.parse import quote

import phonenumbers
from flask_babel import gettext as _

from coordination.urls import public_url

# A number typed in a form, or an event's contact text, is read no further than this.
NUMBER_MAX = 40
CONTACT_MAX = 200
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def wa_number(raw: str | None) -> str | None:
    """A mobile number (0812-…, +62 812 …, 62812…) as wa.me wants it, 6281234567890;
    None when it is not a valid mobile number."""
    raw = (raw or "").strip()
    if not raw or len(raw) > NUMBER_MAX:
        return None
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.number_type(number) not in _MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def link(phone: str | None, text: str) -> str | None:
    """The one place a WhatsApp link is made: a chat with `phone`, `text` written in it;
    None when the number is not a valid mobile."""
    number = wa_number(phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def mobile_in(text: str | None) -> str | None:
    """The first mobile number written in a free text such as an event's contact."""
    text = (text or "")[:CONTACT_MAX]
    for match in phonenumbers.PhoneNumberMatcher(text, "ID"):
        if phonenumbers.number_type(match.number) in _MOBILE:
            return match.raw_string
    return None


# --- The prepared texts ------------------------------------------------------------------


def personal_link_text(event, registration) -> str:
    """A participant's personal link (their QR code, details, cancelling), from the organiser."""
    return _(
        "Hello %(name)s, your registration for %(event)s: your QR code for the door, your "
        "details and the meeting's materials are on your personal page %(link)s",
        name=registration.full_name,
        event=event.title,
        link=public_url("registration.personal", token=registration.link_token),
    )


def promotion_text(event, registration) -> str:
    """Someone who moved up from the waiting list."""
    return _(
        "Good news: a seat is free for you at %(event)s. Your registration and QR code: %(link)s",
        event=event.title,
        link=public_url("registration.personal", token=registration.link_token),
    )


def invitation_text(event, invitation) -> str:
    """An invitation: the invitee registers, sends a representative or declines there."""
    return _(
        "Dear %(name)s, %(body)s invites you to %(event)s. Please register, send a "
        "representative or decline here: %(link)s",
        name=invitation.full_name,
        body=event.organising_body,
        event=event.title,
        link=public_url("registration.invitation", token=invitation.token),
    )


def door_link_text(event, door_name: str, door_url: str) -> str:
    """A door link for a volunteer; the PIN travels apart, told by the organiser."""
    return _(
        # The door's name says "door" itself (Pintu Utara); the link ends the text, so no
        # full stop sticks to it.
        "You keep %(door)s at %(event)s. The organiser tells you the PIN separately. "
        "Open this link on your phone: %(link)s",
        door=door_name,
        event=event.title,
        link=door_url,
    )


def contact_text(event) -> str:
    """A participant writing to the organiser's contact from the public page."""
    return _("Hello, I have a question about %(event)s.", event=event.title)


def contact_link(event) -> str | None:
    """The organiser's contact as a WhatsApp chat, when it holds a mobile number."""
    return link(mobile_in(event.contact), contact_text(event))


def init_app(app) -> None:
    """Templates ask for the organiser's contact chat: whatsapp_contact(event)."""
    app.jinja_env.globals["whatsapp_contact"] = contact_link
