"""Domain objects as API bodies: what each role may see of them."""

from coordination.door import services as door
from coordination.door.models import Checkin
from coordination.events.models import Event, EventRole
from coordination.registration import seats
from coordination.registration import services as registration
from coordination.registration.models import Registration, RegistrationStatus

from . import schemas

# What only an event's organisers see of a person: how to reach them and their badge code.
PERSONAL = {"phone", "email", "checkin_code", "represents_name", "waiting_position"}


def event(item: Event, role: str, confirmed: int | None = None) -> dict:
    if confirmed is None:
        confirmed = seats.confirmed_count(item)
    return schemas.Event(
        slug=item.slug,
        title=item.title,
        organising_body=item.organising_body,
        description=item.description,
        venue_name=item.venue_name,
        venue_address=item.venue_address,
        timezone=item.timezone,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        capacity=item.capacity,
        waitlist_enabled=item.waitlist_enabled,
        registration_opens_at=item.registration_opens_at,
        registration_closes_at=item.registration_closes_at,
        registration_state=registration.registration_state(item),
        archived=item.is_archived,
        confirmed=confirmed,
        your_role=role,
    ).model_dump(mode="json")


def checked_in_ids(item: Event, people: list[Registration]) -> set[int]:
    """Who of these people came (who_came), in one query."""
    if not people:
        return set()
    return set(door.arrivals_of(item, [person.id for person in people]))


def person(item: Registration, role: str, checked_in: bool) -> dict:
    organiser = role == EventRole.ORGANISER
    body = schemas.Registration(
        id=item.id,
        full_name=item.full_name,
        organisation=item.organisation,
        position=item.position,
        role=item.role,
        status=item.status,
        checked_in=checked_in,
        created_at=item.created_at,
        phone=item.phone if organiser else None,
        email=item.email if organiser else None,
        checkin_code=item.checkin_code if organiser else None,
        represents_name=item.represents_name if organiser else None,
        waiting_position=(
            registration.waiting_position(item)
            if organiser and item.status == RegistrationStatus.WAITING
            else None
        ),
    )
    return body.model_dump(mode="json", exclude=None if organiser else PERSONAL)


def people(item: Event, found: list[Registration], role: str) -> list[dict]:
    present = checked_in_ids(item, found)
    return [person(one, role, one.id in present) for one in found]


def checkin(item: Checkin, who: Registration) -> dict:
    return schemas.Checkin(
        id=item.id,
        list_id=item.list_id,
        registration_id=item.registration_id,
        full_name=who.full_name,
        organisation=who.organisation,
        checked_in_at=item.checked_in_at,
        door=item.door_name,
        source=item.source,
        offline=item.offline,
        representative_name=item.representative_name,
    ).model_dump(mode="json")


def page_info(page) -> dict:
    """The paging fields of a Flask-SQLAlchemy page."""
    return {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total or 0,
        "pages": page.pages,
    }
