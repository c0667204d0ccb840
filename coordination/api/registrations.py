"""API: registrations through registration.services, so capacity and the waiting list hold."""

from flask import jsonify, url_for

from coordination.errors import DomainError
from coordination.events.models import Event, EventRole
from coordination.registration import notify, services

from . import present, schemas
from .blueprint import bp
from .errors import ApiError
from .openapi import operation


@operation(
    bp,
    "GET",
    "/events/<slug>/registrations",
    summary="List registrations, filtered and paged",
    tag="registrations",
    query=schemas.RegistrationQuery,
    responses={200: schemas.RegistrationPage},
)
def list_registrations(event: Event, role: str, query: schemas.RegistrationQuery):
    """Door tokens find people as the door page does: by a whole mobile number, never by a
    part of one, and mobile numbers are never shown."""
    page = services.search(
        event,
        page=query.page,
        per_page=query.per_page,
        text=query.q,
        status=query.status,
        invited=query.invited,
        present=query.present,
        sort=query.sort,
        whole_phone_only=role != EventRole.ORGANISER,
    )
    return jsonify(items=present.people(event, list(page.items), role), **present.page_info(page))


@operation(
    bp,
    "GET",
    "/events/<slug>/registrations/<int:registration_id>",
    summary="Read a registration",
    tag="registrations",
    responses={200: schemas.Registration},
)
def get_registration(event: Event, role: str, registration_id: int):
    found = services.participant_of(event, registration_id)
    checked_in = found.id in present.checked_in_ids(event, [found])
    return jsonify(present.person(found, role, checked_in))


@operation(
    bp,
    "POST",
    "/events/<slug>/registrations",
    summary="Register someone",
    tag="registrations",
    roles=("organiser",),
    body=schemas.RegistrationIn,
    responses={201: schemas.Registration},
    errors=(409,),
)
def create_registration(event: Event, body: schemas.RegistrationIn):
    """As an organiser adds someone by hand: a seat while there is one, then the waiting
    list (status waiting), then event_full. The same mobile or e-mail twice is
    already_registered. The person gets their link by e-mail, if they gave one."""
    data = services.ParticipantData(
        full_name=body.full_name,
        organisation=body.organisation,
        position=body.position,
        phone=body.phone,
        email=body.email,
    )
    try:
        person = services.register(
            event,
            data,
            answers={int(key): value for key, value in body.answers.items()},
            by_organiser=True,
        )
        services.set_role(person, body.role)
    except DomainError as error:
        raise ApiError(error.code) from error
    notify.registered(person)
    response = jsonify(present.person(person, EventRole.ORGANISER, checked_in=False))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.get_registration", slug=event.slug, registration_id=person.id
    )
    return response


@operation(
    bp,
    "POST",
    "/events/<slug>/registrations/<int:registration_id>/cancel",
    summary="Cancel a registration",
    tag="registrations",
    roles=("organiser",),
    responses={200: schemas.CancelResult},
)
def cancel_registration(event: Event, registration_id: int):
    """The freed seat goes to the first on the waiting list, who is told by e-mail.
    Cancelling a cancelled registration changes nothing."""
    found = services.participant_of(event, registration_id)
    promoted = services.cancel(found)
    for person in promoted:
        notify.promoted(person)
    checked_in = found.id in present.checked_in_ids(event, [found])
    return jsonify(
        registration=present.person(found, EventRole.ORGANISER, checked_in),
        promoted=[person.id for person in promoted],
    )
