"""API: check-in lists, check-ins and undo, decided by door.services like every door scan."""

import sqlalchemy as sa
from flask import jsonify
from flask_babel import gettext as _

from coordination.door import services
from coordination.door.models import Checkin, CheckinList, CheckinSource
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time
from coordination.permissions import Caller
from coordination.registration.models import Registration

from . import present, schemas
from .blueprint import bp
from .errors import ApiError
from .openapi import operation


def _list(event, list_id: int | None) -> CheckinList:
    try:
        return services.list_of(event, list_id)
    except DomainError as error:
        raise ApiError(error.code) from error


@operation(
    bp,
    "GET",
    "/events/<slug>/checkin-lists",
    summary="List the event's check-in lists",
    tag="check-in",
    responses={200: schemas.CheckinListList},
)
def list_checkin_lists(event: Event):
    """The main list of the whole event first, then lists per session or day."""
    items = [
        schemas.CheckinList(
            id=item.id,
            name=item.name,
            is_default=item.is_default,
            opens_at=item.opens_at,
            closes_at=item.closes_at,
        ).model_dump(mode="json")
        for item in services.lists_of(event)
    ]
    return jsonify(items=items)


@operation(
    bp,
    "GET",
    "/events/<slug>/checkins",
    summary="List check-ins, newest first",
    tag="check-in",
    query=schemas.CheckinQuery,
    responses={200: schemas.CheckinPage},
    errors=(422,),
)
def list_checkins(event: Event, query: schemas.CheckinQuery):
    checkin_list = _list(event, query.list_id)
    rows = db.paginate(
        sa.select(Checkin)
        .where(Checkin.list_id == checkin_list.id)
        .order_by(Checkin.recorded_at.desc(), Checkin.id.desc()),
        page=query.page,
        per_page=query.per_page,
        error_out=False,
    )
    people = {
        person.id: person
        for person in db.session.scalars(
            sa.select(Registration).where(
                Registration.id.in_([item.registration_id for item in rows.items])
            )
        )
    }
    items = [present.checkin(item, people[item.registration_id]) for item in rows.items]
    return jsonify(items=items, **present.page_info(rows))


@operation(
    bp,
    "POST",
    "/events/<slug>/checkins",
    summary="Check someone in with their badge code",
    tag="check-in",
    body=schemas.CheckinIn,
    responses={201: schemas.CheckinResult, 200: schemas.CheckinResult},
    errors=(409,),
    on_connection=True,
)
def create_checkin(event, caller: Caller, body: schemas.CheckinIn, connection):
    """201 for a new check-in. The same nonce sent again (a retry) answers 200 with the first
    check-in. A second scan of the same badge is 409 already_checked_in with the earlier
    check-in; other refusals carry the door's verdict codes (unknown_code, wrong_event,
    cancelled, waitlisted, revoked_code, list_closed)."""
    try:
        checkin_list, person = services.list_and_person(event, body.list_id, body.code, connection)
    except DomainError as error:  # unknown_list, or the code's: unknown, revoked, wrong event
        raise ApiError(error.code) from error
    at = None
    if body.scanned_at is not None:
        at = services.moment(body.scanned_at.timestamp() * 1000)
    try:
        checkin = services.admit(
            event,
            checkin_list,
            person,
            caller.actor(),
            source=CheckinSource.SCAN,
            nonce=body.nonce or None,
            at=at,
            offline=at is not None,
            connection=connection,
        )
    except DomainError as error:
        earlier = error.details.get("checkin")
        if error.code == "already_checked_in" and earlier is not None:
            when = format_event_time(earlier.checked_in_at, event.timezone, "clock")
            raise ApiError(
                error.code,
                earlier.text(when, already=True),
                checkin=present.checkin(earlier, error.details["registration"]),
            ) from error
        raise ApiError(error.code) from error
    fresh = sa.inspect(checkin).transient
    response = jsonify(
        code="checked_in",
        message=_("Welcome, %(name)s", name=person.full_name),
        checkin=present.checkin(checkin, person),
    )
    response.status_code = 201 if fresh else 200
    return response


@operation(
    bp,
    "DELETE",
    "/events/<slug>/checkins/<int:checkin_id>",
    summary="Undo a check-in",
    tag="check-in",
    responses={204: None},
)
def undo_checkin(event: Event, caller: Caller, checkin_id: int):
    """A mistaken check-in is taken back; the check-in log keeps both."""
    try:
        checkin = services.checkin_of(event, checkin_id)
    except DomainError as error:
        raise ApiError("not_found") from error
    services.undo(event, checkin, caller.actor())
    return "", 204
