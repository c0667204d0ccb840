"""Who is calling the API: a bearer token, or the session of a door page or an organiser.

A token sees one event with one role. A session sees what its pages see: a door link its
event's door, an account the events it has a role at. Any event the caller has no role at
is "not found", exactly as the pages answer, so a slug never tells whether it exists.
"""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from coordination.auth.models import Role, User
from coordination.door.models import DoorLink
from coordination.door.services import DoorActor
from coordination.events.models import Event, EventRole
from coordination.events.services import SLUG_MAX, SLUG_PATTERN, event_role
from coordination.extensions import db

from . import services
from .errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_DOOR_LINK = "door_link"  # set by the door page when a volunteer types the PIN


@dataclass(frozen=True)
class Principal:
    """The caller: through a token, a door link or an account."""

    name: str
    token_id: int | None = None
    token_event_id: int | None = None
    token_role: str | None = None
    door_link_event_id: int | None = None
    door_link_id: int | None = None
    user_id: int | None = None

    @property
    def user(self) -> User | None:
        return db.session.get(User, self.user_id) if self.user_id else None

    def role_at(self, event: Event) -> str | None:
        if self.token_id is not None:
            return self.token_role if event.id == self.token_event_id else None
        if self.door_link_id is not None:
            return EventRole.DOOR if event.id == self.door_link_event_id else None
        user = self.user
        return event_role(user, event) if user else None

    def actor(self) -> DoorActor:
        """Who the check-in log names."""
        return DoorActor(name=self.name, user_id=self.user_id, door_link_id=self.door_link_id)


def authenticate() -> Principal:
    """The caller of this request; raises ApiError 401 when there is none."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError("unauthenticated")
        token = services.token_for_secret(secret.strip())
        if token is None:
            raise ApiError("invalid_token")
        principal = Principal(
            name=f"API · {token.name}",
            token_id=token.id,
            token_event_id=token.event_id,
            token_role=token.role,
        )
    else:
        principal = _from_session()
        _check_csrf()
    g.api_principal = principal
    return principal


def _from_session() -> Principal:
    if current_user.is_authenticated:
        return Principal(name=current_user.name or current_user.email, user_id=current_user.id)
    link_id = session.get(SESSION_DOOR_LINK)
    link = db.session.get(DoorLink, link_id) if isinstance(link_id, int) else None
    if link is None:
        raise ApiError("unauthenticated")
    if not link.usable():
        raise ApiError("invalid_token")
    return Principal(name=link.name, door_link_id=link.id, door_link_event_id=link.event_id)


def _check_csrf() -> None:
    """A session is sent by the browser on its own, so a change must prove it came from us."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError as error:
        raise ApiError("csrf_failed") from error


def principal() -> Principal:
    return g.api_principal


def event_for(slug: str, role: str = EventRole.DOOR) -> Event:
    """The event if the caller has a role there (404 otherwise); 403 if the role is too small."""
    if len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
        raise ApiError("not_found")
    event = db.session.scalar(
        sa.select(Event).where(Event.slug == slug).options(so.defer(Event.logo))
    )
    held = principal().role_at(event) if event is not None else None
    if held is None:
        raise ApiError("not_found")
    if role == EventRole.ORGANISER and held != EventRole.ORGANISER:
        raise ApiError("forbidden")
    return event


def organises_somewhere() -> bool:
    """An organiser token, or an account that may organise (not a door account)."""
    caller = principal()
    if caller.token_id is not None:
        return caller.token_role == EventRole.ORGANISER
    user = caller.user
    return user is not None and user.role != Role.DOOR
