"""Who may open an event, and with what role: one rule for the pages, the door and the API.

A caller is an account (logged in), a door phone (a door link opened with its PIN, kept in
the session) or an API token. An account holds the roles the event's team gives it (an admin
organises everywhere), a door link the door of its one event, a token its one role at its one
event. An event the caller holds no role at is "not found", so a slug never tells whether it
exists; a role too small for what is asked is "forbidden". Each surface answers these in its
own way (a page 404, the door its own page, the API JSON), from the same decision.
"""

import inspect
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import session
from flask_login import current_user
from werkzeug.exceptions import NotFound

from coordination.auth.models import User
from coordination.door.access import EventAtDoor, phone_at_door
from coordination.door.models import DoorLink
from coordination.door.services import DoorActor
from coordination.events.models import AgendaItem, Event, EventMember, EventRole
from coordination.events.services import SLUG_MAX, SLUG_PATTERN
from coordination.extensions import db

# Set by the door page when a volunteer types the PIN; read by the door pages and the API.
SESSION_DOOR_LINK = "door_link"


class NoAccess(NotFound):
    """A 404 unless the surface answers otherwise (the door and the API do).

    reason: `not_found` (no such event, or no role there) or `forbidden` (too small a role).
    """

    def __init__(self, reason: str = "not_found"):
        super().__init__()
        self.reason = reason


@dataclass(frozen=True)
class Caller:
    """Who makes this request: an account, a door phone's link, or an API token."""

    name: str
    user_id: int | None = None
    door_link_id: int | None = None
    door_link_event_id: int | None = None
    # False for a door link that was revoked, ran out or is locked.
    usable: bool = True
    # For a door link that ended: only what was done before then counts.
    valid_until: datetime | None = None
    token_id: int | None = None
    token_event_id: int | None = None
    token_role: str | None = None

    @classmethod
    def of_user(cls, user: User) -> "Caller":
        return cls(name=user.name or user.email, user_id=user.id)

    @classmethod
    def of_link(cls, link: DoorLink) -> "Caller":
        return cls(
            name=link.name,
            door_link_id=link.id,
            door_link_event_id=link.event_id,
            usable=link.usable(),
        )

    @property
    def user(self) -> User | None:
        return db.session.get(User, self.user_id) if self.user_id else None

    def role_at(self, event: Event) -> str | None:
        """The caller's role at this event, or None."""
        if self.token_id is not None:
            return self.token_role if event.id == self.token_event_id else None
        if self.door_link_id is not None:
            return EventRole.DOOR if event.id == self.door_link_event_id else None
        user = self.user
        return user_role(user, event) if user is not None else None

    def actor(self) -> DoorActor:
        """Who a check-in log names."""
        return DoorActor(
            name=self.name,
            user_id=self.user_id,
            door_link_id=self.door_link_id,
            valid_until=self.valid_until,
        )


def user_role(user: User, event: Event) -> str | None:
    """An account's role at this event; admins act as organisers everywhere."""
    if user.is_admin:
        return EventRole.ORGANISER
    return db.session.scalar(
        sa.select(EventMember.role).where(
            EventMember.event_id == event.id, EventMember.user_id == user.id
        )
    )


def session_caller() -> Caller | None:
    """The account logged in, else the door phone whose link this session opened."""
    if current_user.is_authenticated:
        return Caller.of_user(current_user)
    link_id = session.get(SESSION_DOOR_LINK)
    link = db.session.get(DoorLink, link_id) if isinstance(link_id, int) else None
    return Caller.of_link(link) if link is not None else None


def account_caller() -> Caller | None:
    """The account logged in, if any (the organiser pages know no door links)."""
    return Caller.of_user(current_user) if current_user.is_authenticated else None


def allows(held: str | None, needed: str) -> bool:
    """Whether a held role does what `needed` asks: organising needs an organiser."""
    if held is None:
        return False
    return held == EventRole.ORGANISER if needed == EventRole.ORGANISER else True


_EVENT_AT_DOOR = sa.select(Event.id, Event.slug, Event.timezone).where(
    Event.slug == sa.bindparam("slug")
)


class NoEvent:
    """Read already, and there is no event at the slug that the caller may open."""


NO_EVENT = NoEvent()


def event_for(
    caller: Caller | None,
    slug: str,
    role: str = EventRole.ORGANISER,
    options=(),
    connection: sa.Connection | None = None,
    known: EventAtDoor | NoEvent | None = None,
) -> tuple[Event | EventAtDoor, str]:
    """The event at `slug` and the caller's role there; raises NoAccess.

    With a connection, the event is read on it as an EventAtDoor (id, slug, time zone): what
    a check-in needs, without loading the whole Event. known: the event already read with
    the caller (an API scan reads its token and event together), or NO_EVENT."""
    if caller is None or len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
        raise NoAccess("not_found")
    if known is not None:
        event = None if known is NO_EVENT else known
    elif connection is not None:
        row = connection.execute(_EVENT_AT_DOOR, {"slug": slug}).first()
        event = None if row is None else EventAtDoor(*row)
    else:
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug).options(*options))
    held = caller.role_at(event) if event is not None else None
    if held is None:
        raise NoAccess("not_found")
    if not allows(held, role):
        raise NoAccess("forbidden")
    return event, held


# What organiser pages show of an event (agenda, speakers, team): loaded in a few queries.
PAGE_OPTIONS = (
    so.selectinload(Event.agenda).selectinload(AgendaItem.speakers),
    so.selectinload(Event.members).selectinload(EventMember.user),
)


def page_event(slug: str, role: str) -> tuple[Event, Caller, str]:
    """For the organiser pages: the logged-in account's event (a 404 whatever the reason)."""
    caller = account_caller()
    event, held = event_for(caller, slug, role, PAGE_OPTIONS)
    return event, caller, held


def at_door(
    slug: str, allow_ended: bool = False, connection: sa.Connection | None = None
) -> tuple[EventAtDoor, Caller, str]:
    """Who is at this event's door, with their role and what a scan needs of the event;
    raises NoAccess.

    A door phone's link and its event come in one query, on every scan. allow_ended lets a
    revoked or expired door link upload the scans it made before it ended: the people were
    let in, and the record must say so.
    """
    link_id = session.get(SESSION_DOOR_LINK)
    if link_id and not current_user.is_authenticated:
        found = phone_at_door(slug, link_id, allow_ended, connection)
        if found is not None:
            event, name, valid_until = found
            caller = Caller(
                name=name,
                door_link_id=link_id,
                door_link_event_id=event.id,
                usable=valid_until is None,
                valid_until=valid_until,
            )
            return event, caller, EventRole.DOOR
    caller = account_caller()
    event, held = event_for(caller, slug, EventRole.DOOR, (so.defer(Event.logo),))
    return EventAtDoor(event.id, event.slug, event.timezone), caller, held


def door_event(slug: str, role: str = EventRole.DOOR) -> tuple[Event, Caller, str]:
    """For the door pages: as at_door, with the whole event for the pages that show it."""
    at, caller, held = at_door(slug)
    event = db.session.get(Event, at.id, options=[so.defer(Event.logo)])
    return event, caller, held


@cache
def _parameters(view) -> frozenset[str]:
    return frozenset(inspect.signature(view).parameters)


def pass_along(view, kwargs: dict, event: Event, caller: Caller | None, held: str) -> dict:
    """The view's arguments: `event`, and `caller`, `role`, `slug` where it names them."""
    wanted = _parameters(view)
    kwargs["event"] = event
    for name, value in (("caller", caller), ("role", held), ("slug", event.slug)):
        if name in wanted:
            kwargs[name] = value
    return kwargs


def event_view(role: str = EventRole.ORGANISER, find=page_event):
    """Declare a view's access: the route's `slug` becomes `event`, checked for `role`.

    The view receives `event`, and also `caller`, `role` (the caller's) and `slug` where its
    signature names them. `find(slug, role)` returns (event, caller, role held) or raises
    NoAccess: the organiser pages' by default, `door_event` for the door's.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, slug: str, **kwargs):
            event, caller, held = find(slug, role)
            return view(*args, **pass_along(view, kwargs, event, caller, held))

        return wrapper

    return decorator
