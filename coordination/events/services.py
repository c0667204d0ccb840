"""Event rules: who may see what, and how events are created and changed."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from coordination.api.models import ApiToken
from coordination.auth.models import Role, User
from coordination.config import TIME_ZONES
from coordination.door.models import DoorLink
from coordination.errors import DomainError
from coordination.extensions import db, utcnow
from coordination.registration import seats
from coordination.registration.models import Registration

from . import online
from .models import AgendaItem, Event, EventMember, EventRole, Speaker

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


@dataclass
class EventData:
    """What an organiser fills in; times are aware datetimes."""

    title: str
    organising_body: str
    venue_name: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    timezone: str = "Asia/Jakarta"
    slug: str = ""
    description: str = ""
    venue_address: str = ""
    contact: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    waitlist_enabled: bool = True
    reserved_seats: int = 0  # kursi undangan, see registration.seats
    reservations_release_at: datetime | None = None
    # Hybrid meetings (events.online): where people attend, the link, the materials.
    meeting_mode: str = "offline"
    online_url: str = ""
    online_opens_minutes: int = 30
    materials: list[dict] = field(default_factory=list)


# Everything an organiser sets, except the slug: what an edit changes and a copy keeps.
DETAIL_FIELDS = tuple(name for name in EventData.__dataclass_fields__ if name != "slug")
PAPERWORK_FIELDS = (
    "letterhead_id",
    "signer_id",
    "certificate_format",
    "certificate_signature",
    "certificate_stamp",
)


@dataclass
class SpeakerData:
    name: str
    office: str = ""


@dataclass
class AgendaItemData:
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str = ""
    speakers: list[SpeakerData] = field(default_factory=list)


def events_for(user: User, role: str = EventRole.ORGANISER, archived: bool = False):
    """The user's events with their confirmed-registration counts, soonest first."""
    query = sa.select(Event, seats.confirmed_column().label("registered"))
    if not (user.is_admin and role == EventRole.ORGANISER):
        query = query.join(EventMember).where(
            EventMember.user_id == user.id, EventMember.role == role
        )
    query = query.where(Event.archived_at.is_not(None) if archived else Event.archived_at.is_(None))
    return db.session.execute(query.order_by(Event.starts_at.desc())).all()


# --- Creating and changing events -------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "acara"


def _slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = sa.select(Event.id).where(Event.slug == slug)
    if except_id is not None:
        query = query.where(Event.id != except_id)
    return db.session.scalar(query) is not None


def free_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not yet used."""
    slug, n = base, 1
    while _slug_taken(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return slug


def check_event_data(data: EventData, event_id: int | None = None) -> None:
    """Raise the first broken rule; the form layer maps codes to field messages."""
    if data.timezone not in TIME_ZONES:
        raise DomainError("unknown_timezone")
    if data.ends_at <= data.starts_at:
        raise DomainError("ends_before_start")
    if data.capacity < 1:
        raise DomainError("capacity_not_positive")
    if not 0 <= data.reserved_seats <= data.capacity:
        raise DomainError("reserved_seats_over_capacity")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError("registration_closes_before_opens")
    if closes and closes > data.ends_at:
        raise DomainError("registration_closes_after_event")
    online.check_hybrid(
        data.meeting_mode, data.online_url, data.online_opens_minutes, data.materials
    )
    if data.slug and not SLUG_PATTERN.match(data.slug):
        raise DomainError("invalid_slug")
    if data.slug and _slug_taken(data.slug, event_id):
        raise DomainError("slug_taken")


def _apply(event: Event, data: EventData) -> None:
    for name in DETAIL_FIELDS:
        value = getattr(data, name)
        if isinstance(value, list):
            value = [dict(item) for item in value]  # a copy: events never share materials
        setattr(event, name, value.strip() if isinstance(value, str) else value)


def create_event(data: EventData, creator: User) -> Event:
    check_event_data(data)
    event = Event(slug=data.slug or free_slug(slugify(data.title)), created_by_id=creator.id)
    _apply(event, data)
    event.members.append(EventMember(user_id=creator.id, role=EventRole.ORGANISER))
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: EventData) -> list[Registration]:
    """Change the event; seats it frees (a higher capacity, fewer kept for invitees, an
    earlier release) go to the waiting list at once. Returns who moved up."""
    check_event_data(data, event_id=event.id)
    release = event.reservations_release_at
    _apply(event, data)
    event.slug = data.slug or event.slug
    if event.reservations_release_at != release:
        event.reservations_released_at = None  # a new date: released when it comes
    db.session.flush()
    return seats.fill_free_seats(event)


def duplicate_event(event: Event, by: User) -> Event:
    """A copy with the same details, agenda and organisers, and no participants."""
    copy = Event(slug=free_slug(event.slug), created_by_id=by.id)
    for name in DETAIL_FIELDS:
        value = getattr(event, name)
        setattr(copy, name, [dict(item) for item in value] if isinstance(value, list) else value)
    # The same kop, signer and certificate settings: set once per organising body.
    for name in PAPERWORK_FIELDS:
        setattr(copy, name, getattr(event, name))
    for item in event.agenda:
        copy.agenda.append(
            AgendaItem(
                title=item.title,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                description=item.description,
                speakers=[
                    Speaker(name=s.name, office=s.office, position=s.position)
                    for s in item.speakers
                ],
            )
        )
    organisers = {m.user_id for m in event.members if m.role == EventRole.ORGANISER}
    for user_id in organisers | {by.id}:
        copy.members.append(EventMember(user_id=user_id, role=EventRole.ORGANISER))
    db.session.add(copy)
    db.session.flush()
    return copy


def archive_event(event: Event) -> None:
    event.archived_at = event.archived_at or utcnow()


def restore_event(event: Event) -> None:
    event.archived_at = None


# --- Agenda ---------------------------------------------------------------------------


def _apply_agenda_item(item: AgendaItem, data: AgendaItemData) -> None:
    if data.ends_at and data.ends_at <= data.starts_at:
        raise DomainError("ends_before_start")
    item.title = data.title.strip()
    item.starts_at = data.starts_at
    item.ends_at = data.ends_at
    item.description = data.description.strip()
    item.speakers = [
        Speaker(name=s.name.strip(), office=s.office.strip(), position=i)
        for i, s in enumerate(s for s in data.speakers if s.name.strip())
    ]


def outside_event(event: Event, starts_at: datetime) -> bool:
    """An agenda item starting well before the event's day or after its end: more likely a
    wrong date (the item's or the event's) than a real item, so the organiser is told."""
    return not event.starts_at - timedelta(hours=12) <= starts_at <= event.ends_at


def next_agenda_start(event: Event) -> datetime:
    """Where a new agenda item most likely starts: after the last one."""
    if not event.agenda:
        return event.starts_at
    last = event.agenda[-1]
    return last.ends_at or last.starts_at


def add_agenda_item(event: Event, data: AgendaItemData) -> AgendaItem:
    item = AgendaItem(event=event)
    _apply_agenda_item(item, data)
    db.session.add(item)
    db.session.flush()
    return item


def update_agenda_item(item: AgendaItem, data: AgendaItemData) -> AgendaItem:
    _apply_agenda_item(item, data)
    db.session.flush()
    return item


def agenda_item_of(event: Event, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        raise NotFound()
    return item


def delete_agenda_item(item: AgendaItem) -> None:
    db.session.delete(item)
    db.session.flush()


# --- Team -----------------------------------------------------------------------------


def add_member(event: Event, user: User, role: str) -> EventMember:
    """Give an account a role at this event; door accounts may only work the door."""
    if role not in set(EventRole):
        raise DomainError("invalid_role")
    if role == EventRole.ORGANISER and user.role == Role.DOOR:
        raise DomainError("door_account_cannot_organise")
    member = db.session.scalar(
        sa.select(EventMember).where(
            EventMember.event_id == event.id, EventMember.user_id == user.id
        )
    )
    if member is None:
        member = EventMember(event=event, user=user, role=role)
        db.session.add(member)
    elif member.role == EventRole.ORGANISER and role != EventRole.ORGANISER:
        # No longer an organiser: the organiser tokens they made stop with that role.
        now = utcnow()
        for token in made_by(event, user.id).tokens:
            if token.role == EventRole.ORGANISER:
                token.revoked_at = now
    member.role = role
    db.session.flush()
    return member


def member_of(event: Event, member_id: int) -> EventMember:
    member = db.session.get(EventMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound()
    return member


@dataclass
class MadeBy:
    """What a team member made at an event that works without them: API tokens, door links."""

    tokens: list[ApiToken]
    door_links: list[DoorLink]

    def __bool__(self) -> bool:
        return bool(self.tokens or self.door_links)


def made_by(event: Event, user_id: int) -> MadeBy:
    """The member's API tokens and door links at this event that still work."""
    now = utcnow()
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(
            ApiToken.event_id == event.id,
            ApiToken.created_by_id == user_id,
            ApiToken.revoked_at.is_(None),
        )
        .order_by(ApiToken.id)
    )
    links = db.session.scalars(
        sa.select(DoorLink)
        .where(DoorLink.event_id == event.id, DoorLink.created_by_id == user_id)
        .order_by(DoorLink.id)
    )
    return MadeBy(list(tokens), [link for link in links if link.usable(now)])


def remove_member(event: Event, member_id: int) -> MadeBy:
    """Remove a team member, but never the event's last organiser.

    The API tokens and door links they made stop working with them: a token would go on
    reading participants' mobiles and e-mails for someone no longer on the team. Returns
    what was revoked.
    """
    member = member_of(event, member_id)
    organisers = [m for m in event.members if m.role == EventRole.ORGANISER]
    if member.role == EventRole.ORGANISER and len(organisers) <= 1:
        raise DomainError("last_organiser")
    revoked = made_by(event, member.user_id)
    now = utcnow()
    for made in (*revoked.tokens, *revoked.door_links):
        made.revoked_at = now
    db.session.delete(member)
    db.session.flush()
    return revoked
