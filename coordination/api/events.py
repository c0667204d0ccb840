"""API: events (list, read, create, update) through events.services."""

import sqlalchemy as sa
from flask import jsonify, url_for

from coordination.auth.models import User
from coordination.errors import DomainError
from coordination.events import services
from coordination.events.models import Event, EventMember, EventRole
from coordination.extensions import db
from coordination.registration import notify
from coordination.registration import services as seats

from . import present, schemas
from .auth import principal
from .blueprint import bp
from .errors import ApiError
from .openapi import operation


def _visible_events() -> list[tuple[Event, str, int | None]]:
    """(event, the caller's role, confirmed count or None) for every event the caller sees."""
    caller = principal()
    if caller.token_id is not None or caller.door_link_id is not None:
        event_id = caller.token_event_id or caller.door_link_event_id
        found = db.session.get(Event, event_id)
        return [(found, caller.role_at(found), None)] if found else []
    user = caller.user
    seen: dict[int, tuple[Event, str, int | None]] = {}
    for role, archived in (
        (EventRole.ORGANISER, False),
        (EventRole.ORGANISER, True),
        (EventRole.DOOR, False),
    ):
        for found, confirmed in services.events_for(user, role, archived=archived):
            seen.setdefault(found.id, (found, role, confirmed))
    return sorted(seen.values(), key=lambda row: row[0].starts_at, reverse=True)


@operation(
    bp,
    "GET",
    "/events",
    summary="List the events the caller may see",
    tag="events",
    responses={200: schemas.EventList},
)
def list_events():
    """A token's own event; for a session, every event of the account (archived too)."""
    items = [present.event(found, role, confirmed) for found, role, confirmed in _visible_events()]
    return jsonify(items=items)


@operation(
    bp,
    "GET",
    "/events/<slug>",
    summary="Read an event",
    tag="events",
    responses={200: schemas.Event},
)
def get_event(event: Event, role: str):
    return jsonify(present.event(event, role))


def _owner() -> User:
    """Who a new event belongs to: the account, or for a token the organiser who made it."""
    caller = principal()
    if caller.user is not None:
        return caller.user
    from .models import ApiToken

    token = db.session.get(ApiToken, caller.token_id)
    organisers = sa.select(EventMember.user_id).where(
        EventMember.event_id == token.event_id, EventMember.role == EventRole.ORGANISER
    )
    if token.created_by_id is not None:
        made_by = db.session.scalar(organisers.where(EventMember.user_id == token.created_by_id))
        if made_by is not None:
            return db.session.get(User, made_by)
    first = db.session.scalar(organisers.order_by(EventMember.id).limit(1))
    if first is None:
        raise ApiError("no_organiser")
    return db.session.get(User, first)


@operation(
    bp,
    "POST",
    "/events",
    summary="Create an event",
    tag="events",
    roles=("organiser",),
    body=schemas.EventIn,
    responses={201: schemas.Event},
    errors=(409,),
)
def create_event(body: schemas.EventIn):
    """The caller's account owns it; for a token, the organiser who made the token (or the
    token event's first organiser). A token still sees only its own event afterwards."""
    data = services.EventData(**body.model_dump(exclude={"slug"}), slug=body.slug or "")
    try:
        event = services.create_event(data, _owner())
    except DomainError as error:
        raise ApiError(error.code) from error
    response = jsonify(present.event(event, EventRole.ORGANISER, confirmed=0))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_event", slug=event.slug)
    return response


@operation(
    bp,
    "PATCH",
    "/events/<slug>",
    summary="Change an event",
    tag="events",
    roles=("organiser",),
    body=schemas.EventPatch,
    responses={200: schemas.Event},
    errors=(409,),
)
def update_event(event: Event, body: schemas.EventPatch):
    """Only the fields sent change, under the same rules as the event form."""
    changes = body.model_dump(exclude_unset=True)
    archived = changes.pop("archived", None)
    for name, value in changes.items():
        if value is None and name not in ("registration_opens_at", "registration_closes_at"):
            raise ApiError(
                "validation_failed",
                errors=[{"field": f"body.{name}", "message": "may not be null"}],
            )
    current = {name: getattr(event, name) for name in services.DETAIL_FIELDS}
    data = services.EventData(**{**current, "slug": event.slug, **changes})
    try:
        services.update_event(event, data)
    except DomainError as error:
        raise ApiError(error.code) from error
    for person in seats.fill_free_seats(event):
        notify.promoted(person)
    if archived is True:
        services.archive_event(event)
    elif archived is False:
        services.restore_event(event)
    db.session.flush()
    return jsonify(present.event(event, EventRole.ORGANISER))
