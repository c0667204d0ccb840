"""Who registered for an event, and how to reach them."""

import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from coordination.enums import LabelledEnum
from coordination.extensions import UTCDateTime, db, utcnow
from coordination.names import name_key

# No 0/O, 1/I/L, U: a code read aloud or typed from a badge is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 27  # 27 * log2(30) = 132 bits of randomness


def new_checkin_code() -> str:
    """27 random letters from one draw of the system's randomness, not 27 separate reads."""
    number = secrets.randbelow(len(CODE_ALPHABET) ** CODE_LENGTH)
    letters = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


class BadgeRole(LabelledEnum):
    """The ribbon on a badge."""

    PARTICIPANT = "participant", _l("Participant")
    SPEAKER = "speaker", _l("Speaker")
    COMMITTEE = "committee", _l("Committee")
    GUEST = "guest", _l("Invited guest")


class Gender(LabelledEnum):
    """L/P on a government meeting's daftar hadir."""

    MALE = "L", _l("Male (L)")
    FEMALE = "P", _l("Female (P)")


class Origin(LabelledEnum):
    """Asal on a government meeting's daftar hadir: travel costs differ."""

    LOCAL = "dalam", _l("From within the city")
    TRAVELLING = "luar", _l("From outside the city")


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITING = "waiting", _l("Waiting list")
    CANCELLED = "cancelled", _l("Cancelled")


class PersonDetails:
    """Who someone is and how to reach them: registrations and invitations alike."""

    full_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    position: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    # The name as lists sort it, honorifics and titles left out (coordination.names).
    sort_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="", server_default="")

    @so.validates("full_name")
    def _keep_sort_name(self, _key: str, value: str) -> str:
        self.sort_name = name_key(value)
        return value


class Registration(PersonDetails, db.Model):
    __tablename__ = "registrations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=RegistrationStatus.CONFIRMED)
    link_token: so.Mapped[str] = so.mapped_column(
        sa.String(64), unique=True, default=new_link_token
    )
    checkin_code: so.Mapped[str] = so.mapped_column(
        sa.String(32), unique=True, default=new_checkin_code
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # "Mewakili": whom this person came on behalf of, when they registered in an invitee's
    # place. Its mirror is Checkin.representative_name: who came in this registrant's place
    # ("diwakili oleh"). coordination.registration.representation reads both one way.
    represents_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(
        sa.String(16), default=BadgeRole.PARTICIPANT, server_default=BadgeRole.PARTICIPANT.value
    )
    # Moved up from the waiting list with no e-mail to tell them: the organiser phones them
    # (listed on the event's page until marked as told).
    call_needed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The last "your registration link" reminder, sent at most once an hour.
    link_resent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # For government meetings' daftar hadir (optional columns): NIP, L/P, and asal.
    nip: so.Mapped[str] = so.mapped_column(sa.String(32), default="", server_default="")
    gender: so.Mapped[str] = so.mapped_column(sa.String(1), default="", server_default="")
    origin: so.Mapped[str] = so.mapped_column(sa.String(8), default="", server_default="")

    __table_args__ = (
        sa.CheckConstraint("status in ('confirmed', 'waiting', 'cancelled')", name="status"),
        # One seat per person: the same mobile or e-mail cannot register twice for an event.
        sa.UniqueConstraint("event_id", "phone"),
        sa.UniqueConstraint("event_id", "email"),
        sa.Index("ix_registrations_event_id_status", "event_id", "status"),
        # The participant list's orders (registration.services.SORT_ORDERS), a page at a time.
        sa.Index("ix_registrations_event_id_sort_name", "event_id", "sort_name", "id"),
        sa.Index("ix_registrations_event_id_created_at", "event_id", "created_at", "id"),
        sa.Index(
            "ix_registrations_event_id_organisation",
            "event_id",
            sa.func.lower(sa.text("organisation")),
            "sort_name",
            "id",
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITING,
            sa.tuple_(Registration.status_changed_at, Registration.id)
            < sa.tuple_(registration.status_changed_at, registration.id),
        )
    )
    return ahead + 1


class QuestionKind(LabelledEnum):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    SINGLE_CHOICE = "single_choice", _l("One choice")
    MULTIPLE_CHOICE = "multiple_choice", _l("Several choices")
    YES_NO = "yes_no", _l("Yes / no")


class Question(db.Model):
    """One of the organiser's own questions on the registration form."""

    __tablename__ = "questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    label: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    required: so.Mapped[bool] = so.mapped_column(default=False)
    options_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    __table_args__ = (
        sa.CheckConstraint(
            "kind in ('short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no')",
            name="kind",
        ),
    )

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.options_text.splitlines() if line.strip()]


class Answer(db.Model):
    __tablename__ = "answers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    value: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    question: so.Mapped[Question] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)


class InvitationStatus(LabelledEnum):
    INVITED = "invited", _l("No answer")
    REGISTERED = "registered", _l("Registered")
    DECLINED = "declined", _l("Declined")


class Invitation(PersonDetails, db.Model):
    """Someone the organiser asked to come, with a personal link to answer."""

    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_link_token)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=InvitationStatus.INVITED)
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # When the organiser last pressed its WhatsApp button (the invitation list marks it sent).
    whatsapp_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("status in ('invited', 'registered', 'declined')", name="status"),
        sa.UniqueConstraint("event_id", "phone"),
        sa.UniqueConstraint("event_id", "email"),
        # The invitation list, a page at a time in name order.
        sa.Index("ix_invitations_event_id_sort_name", "event_id", "sort_name", "id"),
    )
