"""Pages that list people issue the same number of SQL statements for 2 people as for 12.

A page that runs one query per line is fast in a test with three participants and slow at a
meeting with three hundred; counting the statements catches it at any size. A GET never
writes either: opening the minutes editor leaves the database as it was.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.events.services import AgendaItemData, SpeakerData, add_agenda_item
from coordination.extensions import db
from coordination.registration.models import Registration

from . import factories

SMALL, LARGE = 2, 12


@contextmanager
def statements(app):
    """The SQL statements the app sends while the block runs."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _event_with(app, organiser, people: int, agenda_items: int = 1) -> str:
    """An event with `people` confirmed participants, all checked in (some by a stand-in),
    and an agenda whose every item has two speakers."""
    with app.app_context():
        slug = factories.make_event(organiser["id"])
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        for n in range(agenda_items):
            add_agenda_item(
                event,
                AgendaItemData(
                    title=f"Sesi {n + 1}",
                    starts_at=event.starts_at + timedelta(minutes=30 * n),
                    speakers=[SpeakerData(f"Narasumber {n}A"), SpeakerData(f"Narasumber {n}B")],
                ),
            )
        db.session.commit()
        factories.make_participants(slug, people, organisation="KUD Maju Bersama")
        main = door.default_list(event)
        actor = DoorActor(name="Pintu Utara")
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event.id)
        ).all()
        for n, person in enumerate(registrations):
            door.admit(event, main, person, actor, representative_name="Wakil" if n % 2 else None)
        db.session.commit()
        return slug


def _count(app, client, url: str) -> int:
    with statements(app) as sent:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(sent)


PAGES = {
    "door page, latest check-ins": "/events/{slug}/door",
    "door page, search": "/events/{slug}/door?q=Peserta",
    "participant list": "/events/{slug}/participants",
    "participant list, invitees only": "/events/{slug}/participants?invited=yes",
    "attendance dashboard": "/events/{slug}/attendance",
    "attendance dashboard data": "/events/{slug}/attendance.json",
    "daftar hadir (sign sheet)": "/events/{slug}/attendance-list.pdf",
    "daftar hadir (record)": "/events/{slug}/attendance-list.pdf?kind=record",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_listing_people_sends_as_many_statements_for_twelve_as_for_two(
    app, make, as_user, organiser, page
):
    client = as_user(organiser)
    counts = []
    for people in (SMALL, LARGE):
        slug = _event_with(app, organiser, people)
        url = PAGES[page].format(slug=slug)
        _count(app, client, url)  # the first visit may make the event's main list
        counts.append(_count(app, client, url))
    assert counts[0] == counts[1], f"{page}: {counts[0]} statements for {SMALL}, {counts[1]}"


def _invitations(app, slug: str, count: int) -> None:
    """`count` invitations: a third unanswered, a third answered by the invitee, a third by a
    representative in their place."""
    from coordination.registration.models import Invitation

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        for n in range(count):
            invitation = Invitation(event_id=event.id, full_name=f"Undangan {n}", phone=None)
            if n % 3:
                person = Registration(
                    event_id=event.id,
                    full_name=f"Wakil {n}" if n % 3 == 2 else f"Undangan {n}",
                    represents_name=f"Undangan {n}" if n % 3 == 2 else None,
                    phone=f"+62812770{n:05d}",
                )
                db.session.add(person)
                db.session.flush()
                invitation.registration_id = person.id
                invitation.status = "registered"
            db.session.add(invitation)
        db.session.commit()


def test_the_invitation_list_sends_as_many_statements_for_twelve_as_for_two(
    app, as_user, organiser
):
    client = as_user(organiser)
    counts = []
    for invited in (SMALL, LARGE):
        slug = _event_with(app, organiser, SMALL)
        _invitations(app, slug, invited)
        counts.append(_count(app, client, f"/events/{slug}/invitations"))
    assert counts[0] == counts[1], f"{counts[0]} statements for {SMALL}, {counts[1]}"


def test_an_api_check_in_reads_the_token_with_its_event_and_the_list_with_the_person(
    app, client, organiser
):
    """The check-in path of every door app: two reads (the token and its event, the list and
    the person) and the one insert, committed as it runs: no transaction is held open over
    the rest of the request (on SQLite, every other door's write waits for it). On
    PostgreSQL each statement is a round trip and costs the server more Python than the
    query itself."""
    from coordination.api.services import create_token

    slug = _event_with(app, organiser, 0)
    with app.app_context():
        codes = [person["code"] for person in factories.make_participants(slug, 3)]
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        _token, secret = create_token(event, "door", "Pintu")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/events/{slug}/checkins"
    assert client.post(url, json={"code": codes[0]}, headers=headers).status_code == 201
    with app.app_context():
        engine = db.engine
    commits = []

    def committed(connection):
        commits.append(connection)

    sa.event.listen(engine, "commit", committed)
    try:
        with statements(app) as sent:
            response = client.post(url, json={"code": codes[1]}, headers=headers)
    finally:
        sa.event.remove(engine, "commit", committed)
    assert response.status_code == 201
    assert [s.split()[0].upper() for s in sent] == ["SELECT"] * 2 + ["INSERT"], sent
    assert commits == []
    # Without a list asked for, the main list comes with the person the same way.
    with statements(app) as sent:
        response = client.post(url, json={"code": codes[2]}, headers=headers)
    assert response.status_code == 201
    assert [s.split()[0].upper() for s in sent] == ["SELECT"] * 2 + ["INSERT"], sent


def test_the_public_event_page_sends_as_many_statements_for_six_agenda_items_as_for_one(
    app, client, organiser
):
    counts = []
    for items in (1, 6):
        slug = _event_with(app, organiser, SMALL, agenda_items=items)
        counts.append(_count(app, client, f"/e/{slug}"))
    assert counts[0] == counts[1], f"{counts[0]} statements for 1 agenda item, {counts[1]} for 6"


def test_the_minutes_editor_sends_as_many_statements_for_six_agenda_items_as_for_one(
    app, as_user, organiser
):
    client = as_user(organiser)
    counts = []
    for items in (1, 6):
        slug = _event_with(app, organiser, SMALL, agenda_items=items)
        counts.append(_count(app, client, f"/events/{slug}/minutes"))
    assert counts[0] == counts[1], f"{counts[0]} statements for 1 agenda item, {counts[1]} for 6"


def test_opening_the_minutes_editor_writes_nothing(app, as_user, organiser):
    client = as_user(organiser)
    slug = _event_with(app, organiser, SMALL, agenda_items=2)
    for _visit in range(2):  # the first visit, and any later one
        with statements(app) as sent:
            response = client.get(f"/events/{slug}/minutes")
        assert response.status_code == 200
        writes = [
            s for s in sent if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        ]
        assert writes == []
