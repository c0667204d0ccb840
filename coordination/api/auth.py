"""Who is calling the API: a bearer token, or the session of a door page or an organiser.

A token sees one event with one role. A session sees what its pages see: a door link its
event's door, an account the events it has a role at. Any event the caller has no role at
is "not found", exactly as the pages answer, so a slug never tells whether it exists.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g, request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from coordination.auth.models import Role
from coordination.door.access import EventAtDoor
from coordination.events.models import Event, EventRole
from coordination.permissions import NO_EVENT, Caller, NoAccess, NoEvent, session_caller
from coordination.permissions import event_for as permitted_event

from . import services
from .errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def authenticate(
    connection: sa.Connection | None = None, slug: str | None = None
) -> tuple[Caller, EventAtDoor | NoEvent | None]:
    """The caller of this request; raises ApiError 401 when there is none.

    With a connection and a slug (a scan), a token's event at that slug is read with the
    token and returned beside the caller; None otherwise, and event_for reads it."""
    header = request.headers.get("Authorization", "")
    event = None
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError("unauthenticated")
        with_event = connection is not None and slug is not None
        token = services.token_for_secret(
            secret.strip(), connection=connection, slug=slug if with_event else None
        )
        if token is None:
            raise ApiError("invalid_token")
        caller = Caller(
            name=f"API · {token.name}",
            token_id=token.id,
            token_event_id=token.event_id,
            token_role=token.role,
        )
        if with_event:
            event = known_event(token)
    else:
        caller = session_caller()
        if caller is None:
            raise ApiError("unauthenticated")
        if not caller.usable:  # a door link that was revoked, ran out or is locked
            raise ApiError("invalid_token")
        _check_csrf()
    g.api_principal = caller
    return caller, event


def known_event(token) -> EventAtDoor | NoEvent:
    """The event read with a scan's token: NO_EVENT when the slug is not the token's event."""
    if token.at_event_id is None:
        return NO_EVENT
    return EventAtDoor(token.at_event_id, token.at_event_slug, token.at_event_timezone)


def _check_csrf() -> None:
    """A session is sent by the browser on its own, so a change must prove it came from us."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError as error:
        raise ApiError("csrf_failed") from error


def principal() -> Caller:
    return g.api_principal


def event_for(
    slug: str,
    role: str = EventRole.DOOR,
    connection: sa.Connection | None = None,
    known: EventAtDoor | NoEvent | None = None,
) -> tuple[Event, str]:
    """The event and the caller's role there: 404 without a role, 403 if it is too small.

    known: the event authenticate already read (NO_EVENT: none the caller may open)."""
    try:
        return permitted_event(
            principal(), slug, role, (so.defer(Event.logo),), connection, known=known
        )
    except NoAccess as refusal:
        raise ApiError(refusal.reason) from None


def organises_somewhere() -> bool:
    """An organiser token, or an account that may organise (not a door account)."""
    caller = principal()
    if caller.token_id is not None:
        return caller.token_role == EventRole.ORGANISER
    user = caller.user
    return user is not None and user.role != Role.DOOR
