"""Hybrid meetings: the link and materials in their window, "Hadir daring", and the counts."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coordination.door import attendance as attendance_rules
from coordination.door import services as door
from coordination.door.models import Checkin, CheckinList, QuorumRule, came_count
from coordination.events.models import Event
from coordination.extensions import db
from coordination.minutes.summary import attendance_summary
from coordination.paperwork.attendance_list import attendance_lines
from coordination.registration.models import Registration

from . import factories

SLUG = "rakor-hybrid"
ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=abc"
MATERIALS = [
    {"title": "Paparan Dinas Koperasi", "url": "https://drive.example.org/paparan.pdf"},
    {"title": "Rencana Kerja 2031", "url": "https://drive.example.org/rencana.pdf"},
]


def hybrid_event(make, organiser, starts_in: timedelta, **overrides) -> None:
    starts = datetime.now(UTC) + starts_in
    values = {
        "slug": SLUG,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "meeting_mode": "hybrid",
        "online_url": ZOOM,
        "online_opens_minutes": 30,
        "materials": MATERIALS,
    }
    make(factories.make_event, organiser["id"], **{**values, **overrides})


def token_of(person: dict) -> str:
    return db.session.get(Registration, person["id"]).link_token


def the_event() -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


@pytest.fixture
def people(make):
    def build(count: int = 1, status: str = "confirmed") -> list[dict]:
        return make(factories.make_participants, SLUG, count, status=status)

    return build


def test_online_attendance_before_the_window_is_refused_and_the_link_stays_hidden(
    app, client, make, organiser, people
):
    hybrid_event(make, organiser, starts_in=timedelta(hours=2))  # the window opens in 1.5 h
    (person,) = people()
    with app.app_context():
        token = token_of(person)
    page = client.get(f"/r/{token}").text
    assert ZOOM not in page and "paparan.pdf" not in page
    assert "muncul di sini mulai" in page  # "appear here from …"

    refused = client.post(f"/r/{token}/online", follow_redirects=True).text
    assert "Kehadiran daring dibuka" in refused
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
        assert came_count(the_event().id) == 0


def test_online_attendance_after_the_meeting_is_refused(app, client, make, organiser, people):
    hybrid_event(make, organiser, starts_in=-timedelta(hours=3))  # ended an hour ago
    (person,) = people()
    with app.app_context():
        token = token_of(person)
    refused = client.post(f"/r/{token}/online", follow_redirects=True).text
    assert "Kehadiran daring dibuka" in refused
    assert ZOOM not in refused
    with app.app_context():
        assert came_count(the_event().id) == 0


def test_inside_the_window_hadir_daring_records_the_participant_on_the_online_list(
    app, client, make, organiser, people
):
    hybrid_event(make, organiser, starts_in=timedelta(minutes=10))  # opened 20 minutes ago
    (person,) = people()
    with app.app_context():
        token = token_of(person)
    page = client.get(f"/r/{token}").text
    assert f'href="{ZOOM}"' in page
    # Only on the personal page: never on the public page or an unknown link.
    assert ZOOM not in client.get(f"/e/{SLUG}").text
    assert "paparan.pdf" not in client.get(f"/e/{SLUG}").text
    assert "Paparan Dinas Koperasi" in page and "https://drive.example.org/rencana.pdf" in page
    assert "Hadir daring" in page

    done = client.post(f"/r/{token}/online", follow_redirects=True).text
    assert "Anda tercatat hadir secara daring" in done
    assert "Hadir daring" not in done.split('id="online"')[1]  # the button is gone
    with app.app_context():
        event = the_event()
        (checkin,) = db.session.scalars(sa.select(Checkin)).all()
        checkin_list = db.session.get(CheckinList, checkin.list_id)
        assert checkin_list.is_online and checkin.source == "online"
        assert checkin.door_name == "Daring"
        assert came_count(event.id) == 1  # who came: the hall and online alike
        # The daftar hadir record lists them, named Daring where a door's name stands.
        (line,) = attendance_lines(event, kind="record")
        assert line.name == person["name"] and line.door == "Daring"

    # Pressed again, or scanned at the door later: still one attendance.
    again = client.post(f"/r/{token}/online", follow_redirects=True).text
    assert "Anda sudah tercatat hadir" in again
    with app.app_context():
        event = the_event()
        with pytest.raises(door.DomainError) as caught:
            door.check_in_code(
                event, door.default_list(event), person["code"], door.DoorActor("Pintu Utara")
            )
        assert caught.value.code == "already_checked_in"
        assert caught.value.details["checkin"].source == "online"
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1


def test_someone_let_in_at_the_door_cannot_also_check_in_online(
    app, client, make, organiser, people
):
    hybrid_event(make, organiser, starts_in=-timedelta(minutes=5))
    (person,) = people()
    with app.app_context():
        event = the_event()
        door.check_in_code(event, door.default_list(event), person["code"], door.DoorActor("Utara"))
        db.session.commit()
        token = token_of(person)
    page = client.get(f"/r/{token}").text
    assert "Anda tercatat hadir di aula" in page
    answer = client.post(f"/r/{token}/online", follow_redirects=True).text
    assert "Anda sudah tercatat hadir" in answer and "di aula, Utara" in answer
    with app.app_context():
        assert came_count(the_event().id) == 1


def test_a_meeting_in_the_hall_only_has_no_online_attendance(app, client, make, organiser, people):
    hybrid_event(make, organiser, starts_in=timedelta(minutes=10), meeting_mode="offline")
    (person,) = people()
    with app.app_context():
        token = token_of(person)
    page = client.get(f"/r/{token}").text
    assert ZOOM not in page and "Hadir daring" not in page
    assert "Paparan Dinas Koperasi" in page  # materials are for the hall too
    client.post(f"/r/{token}/online")
    with app.app_context():
        assert came_count(the_event().id) == 0


def test_a_person_on_the_waiting_list_sees_no_link(app, client, make, organiser, people):
    hybrid_event(make, organiser, starts_in=timedelta(minutes=10))
    (person,) = people(status="waiting")
    with app.app_context():
        token = token_of(person)
    assert ZOOM not in client.get(f"/r/{token}").text
    client.post(f"/r/{token}/online")
    with app.app_context():
        assert came_count(the_event().id) == 0


@pytest.mark.parametrize(("counts_online", "quorum_met"), [(True, True), (False, False)])
def test_the_quorum_counts_online_participants_as_the_organiser_decided(
    app, client, make, organiser, people, as_user, counts_online, quorum_met
):
    hybrid_event(make, organiser, starts_in=-timedelta(minutes=5))
    crowd = people(4)  # quorum of 4 registered: 3
    with app.app_context():
        event = the_event()
        event.quorum_rule = QuorumRule.REGISTERED
        for person in crowd[:2]:
            door.check_in_code(event, door.default_list(event), person["code"], door.DoorActor("U"))
        db.session.commit()
        token = token_of(crowd[2])
    client.post(f"/r/{token}/online")
    as_user(organiser)
    client.post(
        f"/events/{SLUG}/attendance/quorum",
        data={"rule": "registered", **({"counts_online": "y"} if counts_online else {})},
    )
    data = client.get(f"/events/{SLUG}/attendance.json").get_json()
    assert data["present"] == 3 and data["present_online"] == 1
    assert data["quorum"]["met"] is quorum_met
    assert data["quorum"]["have"] == (3 if counts_online else 2)
    page = client.get(f"/events/{SLUG}/attendance").text
    assert 'data-field="present_online">1<' in page
    minutes = client.get(f"/events/{SLUG}/minutes").text
    assert 'id="present-online">1<' in minutes
    if counts_online:  # the minutes PDF says it too (rendered once: it takes a second)
        import pypdfium2

        pdf = pypdfium2.PdfDocument(client.get(f"/events/{SLUG}/minutes.pdf").data)
        first = " ".join(pdf[0].get_textpage().get_text_range().split())
        assert "hadir di ruangan 2, daring 1" in first
    with app.app_context():
        summary = attendance_summary(the_event())
        assert (summary.present, summary.present_online) == (3, 1)
        assert summary.quorum.met is quorum_met
        counts = attendance_rules.attendance(the_event(), door.default_list(the_event()))
        assert counts.present_online == 1


def test_the_organiser_sets_the_meeting_link_and_materials_and_only_https_is_taken(
    app, client, make, organiser, as_user
):
    hybrid_event(make, organiser, starts_in=timedelta(days=3), meeting_mode="offline")
    as_user(organiser)
    form = client.get(f"/events/{SLUG}/edit").text
    assert 'name="meeting_mode"' in form and 'name="materials"' in form
    with app.app_context():
        event = the_event()
        base = {
            "title": event.title,
            "organising_body": event.organising_body,
            "venue_name": event.venue_name,
            "timezone": event.timezone,
            "starts_at": "2031-05-05T09:00",
            "ends_at": "2031-05-05T12:00",
            "capacity": "50",
            "meeting_mode": "hybrid",
            "online_opens_minutes": "15",
        }
    refused = client.post(
        f"/events/{SLUG}/edit",
        data={
            **base,
            "online_url": "http://meet.example.org/abc",
            "materials": "Paparan | ftp://x",
        },
    ).text
    assert "https://" in refused and "Judul | https://" in refused
    with app.app_context():
        assert the_event().meeting_mode == "offline"
    client.post(
        f"/events/{SLUG}/edit",
        data={
            **base,
            "online_url": "https://meet.google.com/abc-defg-hij",
            "materials": "Paparan Bupati | https://example.org/a.pdf\nhttps://example.org/b.pdf\n",
        },
    )
    with app.app_context():
        event = the_event()
        assert event.meeting_mode == "hybrid" and event.online_opens_minutes == 15
        assert event.online_url == "https://meet.google.com/abc-defg-hij"
        assert event.materials == [
            {"title": "Paparan Bupati", "url": "https://example.org/a.pdf"},
            {"title": "https://example.org/b.pdf", "url": "https://example.org/b.pdf"},
        ]
    assert "Paparan Bupati | https://example.org/a.pdf" in client.get(f"/events/{SLUG}/edit").text


def test_a_door_phones_offline_copy_knows_who_is_present_online(
    app, client, make, organiser, people, as_user
):
    from base64 import b64decode

    from coordination.door import offline

    hybrid_event(make, organiser, starts_in=-timedelta(minutes=5))
    online_person, hall_person = people(2)
    with app.app_context():
        token = token_of(online_person)
    client.post(f"/r/{token}/online")
    as_user(organiser)
    copy = client.get(f"/events/{SLUG}/door/offline.json").get_json()
    salt = b64decode(copy["salt"])

    def entry(person):
        sealed = copy["entries"][offline.lookup_of(person["code"], salt)]
        return offline.open_sealed(person["code"], salt, sealed)

    assert entry(online_person)["t"] is not None and entry(online_person)["d"] == "Daring"
    # Not a door called "Daring": the phone says "online" in its own words (door.js).
    assert entry(online_person)["k"] == "online" and "k" not in entry(hall_person)
    assert entry(hall_person)["t"] is None


def test_yesterdays_check_ins_still_count_once_after_the_upgrade(ctx):
    """0026 marks the main list's check-ins as the person's attendance; who_came is unchanged."""
    from flask_migrate import downgrade, upgrade

    db.drop_all()
    upgrade(revision="0024_event_contact")
    start = datetime(2026, 11, 23, 6, 0)
    with db.engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                " venue_address, timezone, starts_at, ends_at, capacity, created_at, updated_at)"
                " VALUES (1, 'rakor', 'Rakor', 'Dekopinda', '', 'Aula', '', 'Asia/Jakarta',"
                " :start, :end, 50, :start, :start)"
            ),
            {"start": start, "end": start + timedelta(hours=3)},
        )
        for id_ in (1, 2):
            run(
                sa.text(
                    "INSERT INTO registrations (id, event_id, full_name, organisation, position,"
                    " phone, status, link_token, checkin_code, created_at, status_changed_at)"
                    " VALUES (:id, 1, :name, '', '', :phone, 'confirmed', :token, :code,"
                    " :start, :start)"
                ),
                {
                    "id": id_,
                    "name": f"Peserta {id_}",
                    "phone": f"+628120000000{id_}",
                    "token": f"token{id_}",
                    "code": f"CODE{id_}",
                    "start": start,
                },
            )
        run(
            sa.text(
                "INSERT INTO checkin_lists (id, event_id, name, is_default) VALUES (1, 1, '', true)"
            )
        )
        run(
            sa.text(
                "INSERT INTO checkin_lists (id, event_id, name, is_default)"
                " VALUES (2, 1, 'Sesi', false)"
            )
        )
        for list_id, person in ((1, 1), (2, 1), (2, 2)):
            run(
                sa.text(
                    "INSERT INTO checkins (list_id, registration_id, checked_in_at, recorded_at,"
                    " door_name, source, offline) VALUES (:list, :person, :at, :at, 'Utara',"
                    " 'scan', false)"
                ),
                {"list": list_id, "person": person, "at": start},
            )
    upgrade()
    event = db.session.get(Event, 1)
    assert event.meeting_mode == "offline" and event.materials == []
    assert came_count(1) == 1  # Peserta 1 on the main list; the session list does not count
    marked = db.session.scalars(sa.select(Checkin.list_id).where(Checkin.whole_event)).all()
    assert marked == [1]
    db.session.rollback()
    downgrade(revision="base")
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
