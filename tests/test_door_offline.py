"""The door without network, as the server sees it: scans and walk-ins sent after the fact,
two doors admitting one person, the copy's small updates, and a door session that lasts."""

import re
from base64 import b64decode
from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from coordination.door import offline
from coordination.door.models import Checkin, CheckinReview, DoorLink
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.paperwork.attendance_list import attendance_lines
from coordination.registration.models import Registration

from . import factories
from .test_door_pages import SLUG, door_link

ms = lambda when: when.timestamp() * 1000  # noqa: E731 - the door's clock, as it sends it


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event_under_way, organiser["id"], slug=SLUG)


@pytest.fixture
def people(make, event_slug):
    return make(factories.make_participants, event_slug, 4)


def phone(app, organiser_client, name):
    """A volunteer's phone at a new door link, opened with its PIN."""
    url, pin = door_link(organiser_client, name=name)
    volunteer = app.test_client()
    volunteer.post(url, data={"pin": pin})
    return volunteer


def sync(client, *items):
    response = client.post(f"/events/{SLUG}/door/sync", json={"scans": list(items)})
    assert response.status_code == 200
    return response.get_json()["results"]


def test_two_doors_admitting_one_person_offline_make_one_check_in_at_the_earlier_time(
    app, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    north = phone(app, organiser_client, "Pintu Utara")
    south = phone(app, organiser_client, "Pintu Selatan")
    now = utcnow()
    code = people[0]["code"]
    # The south door comes back online first, with its later admission.
    later = sync(south, {"code": code, "nonce": "s-1", "at": ms(now - timedelta(minutes=5))})
    earlier = sync(north, {"code": code, "nonce": "n-1", "at": ms(now - timedelta(minutes=9))})
    assert [later[0]["code"], earlier[0]["code"]] == ["checked_in", "checked_in"]
    # Sent again, nothing changes.
    sync(south, {"code": code, "nonce": "s-1", "at": ms(now - timedelta(minutes=5))})
    sync(north, {"code": code, "nonce": "n-1", "at": ms(now - timedelta(minutes=9))})
    with app.app_context():
        (checkin,) = db.session.scalars(sa.select(Checkin)).all()
        (duplicate,) = db.session.scalars(sa.select(CheckinReview)).all()
        assert checkin.door_name == "Pintu Utara" and checkin.offline
        assert abs((checkin.checked_in_at - (now - timedelta(minutes=9))).total_seconds()) < 1
        assert (duplicate.kind, duplicate.door_name) == ("duplicate", "Pintu Selatan")
        assert abs((duplicate.scanned_at - (now - timedelta(minutes=5))).total_seconds()) < 1
    log = organiser_client.get(f"/events/{SLUG}/attendance/log").text
    assert "Check-in kedua orang yang sudah masuk (tidak dihitung)" in log
    assert "Pintu Selatan" in log and people[0]["name"] in log
    dashboard = organiser_client.get(f"/events/{SLUG}/attendance").text
    assert "Pindaian luring yang tidak dihitung: 1" in dashboard


def test_a_later_offline_admission_of_someone_in_is_kept_as_a_duplicate_not_a_check_in(
    app, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    north = phone(app, organiser_client, "Pintu Utara")
    north.post(f"/events/{SLUG}/door/scan", json={"code": people[1]["code"], "nonce": "online"})
    late = sync(north, {"code": people[1]["code"], "nonce": "late", "at": ms(utcnow())})
    assert late[0]["code"] == "already_checked_in"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1
        assert db.session.scalars(sa.select(CheckinReview.kind)).all() == ["duplicate"]


def test_offline_scans_the_server_refuses_are_listed_for_the_organiser(
    app, make, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    other = make(factories.make_event, organiser["id"], slug="rakor-lain")
    (stranger,) = make(factories.make_participants, other, 1)
    (cancelled,) = make(factories.make_participants, SLUG, 1, status="cancelled")
    north = phone(app, organiser_client, "Pintu Utara")
    at = ms(utcnow() - timedelta(minutes=2))
    answers = sync(
        north,
        {"code": "BELUMADADISALINAN", "nonce": "u-1", "at": at},
        {"code": stranger["code"], "nonce": "w-1", "at": at},
        {"code": cancelled["code"], "nonce": "c-1", "at": at},
    )
    assert [a["code"] for a in answers] == ["unknown_code", "wrong_event", "cancelled"]
    sync(north, {"code": "BELUMADADISALINAN", "nonce": "u-1", "at": at})  # sent twice, kept once
    with app.app_context():
        reviews = db.session.scalars(sa.select(CheckinReview).order_by(CheckinReview.id)).all()
        assert [r.kind for r in reviews] == ["unknown_code", "wrong_event", "cancelled"]
        # Nothing about another event's participant is kept for this one.
        assert reviews[1].registration_id is None
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
    log = organiser_client.get(f"/events/{SLUG}/attendance/log").text
    for words in ("Kode tidak dikenal", "Badge acara lain", "Pendaftaran dibatalkan"):
        assert words in log
    assert stranger["name"] not in log and cancelled["name"] in log


def test_an_offline_walk_in_is_registered_and_checked_in_at_its_time_once(
    app, as_user, organiser, event_slug
):
    organiser_client = as_user(organiser)
    north = phone(app, organiser_client, "Pintu Utara")
    typed_at = utcnow() - timedelta(minutes=7)
    walk_in = {
        "kind": "walk_in",
        "nonce": "walk-1",
        "at": ms(typed_at),
        "name": "Ahmad Fauzi",
        "organisation": "KUD Makmur",
        "phone": "0812-7777-1234",
    }
    (first,) = sync(north, walk_in)
    (again,) = sync(north, walk_in)
    assert first["code"] == again["code"] == "checked_in"
    assert first["checkin_id"] == again["checkin_id"]
    with app.app_context():
        person = db.session.scalar(
            sa.select(Registration).where(Registration.full_name == "Ahmad Fauzi")
        )
        (checkin,) = db.session.scalars(sa.select(Checkin)).all()
        assert person.phone == "+6281277771234" and person.organisation == "KUD Makmur"
        assert (checkin.registration_id, checkin.source, checkin.offline) == (
            person.id,
            "walk_in",
            True,
        )
        assert abs((checkin.checked_in_at - typed_at).total_seconds()) < 1
    bad = dict(walk_in, nonce="walk-2", name="Tanpa Nomor", phone="12")
    (refused,) = sync(north, bad)
    assert refused["code"] == "walk_in_refused"
    log = organiser_client.get(f"/events/{SLUG}/attendance/log").text
    assert "Tanpa Nomor" in log and "Peserta di tempat tidak ter-check-in" in log


def test_the_phone_copy_is_updated_with_only_what_changed_under_its_own_salt(
    app, as_user, organiser, people, make
):
    client = as_user(organiser)
    with freeze_time(utcnow() + timedelta(minutes=1)) as clock:
        whole = client.get(f"/events/{SLUG}/door/offline.json").get_json()
        assert whole["full"] and len(whole["entries"]) == 4 and whole["people"] == 4
        salt = b64decode(whole["salt"])
        clock.tick(timedelta(minutes=1))
        client.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]})
        (newcomer,) = make(factories.make_participants, SLUG, 1)
        clock.tick(timedelta(seconds=30))
        changes = client.get(
            f"/events/{SLUG}/door/offline.json",
            query_string={"salt": whole["salt"], "since": whole["version"]},
        ).get_json()
    assert not changes["full"] and changes["salt"] == whole["salt"] and changes["people"] == 5
    assert set(changes["entries"]) == {
        offline.lookup_of(people[0]["code"], salt),
        offline.lookup_of(newcomer["code"], salt),
    }
    came = offline.open_sealed(
        people[0]["code"], salt, changes["entries"][offline.lookup_of(people[0]["code"], salt)]
    )
    assert came["t"] is not None
    # Nothing changed since: nothing sent.
    quiet_since = (utcnow() + timedelta(minutes=10)).isoformat()
    with freeze_time(utcnow() + timedelta(minutes=11)):
        quiet = client.get(
            f"/events/{SLUG}/door/offline.json",
            query_string={"salt": whole["salt"], "since": quiet_since},
        ).get_json()
    assert quiet["entries"] == {}


def test_a_door_phone_set_up_the_evening_before_keeps_its_session_until_the_link_ends(
    app, as_user, organiser, make
):
    now = utcnow()
    slug = make(
        factories.make_event,
        organiser["id"],
        slug=SLUG,
        capacity=10,
        starts_at=now + timedelta(hours=12),
        ends_at=now + timedelta(hours=20),
    )
    (person,) = make(factories.make_participants, slug, 1)
    organiser_client = as_user(organiser)
    with freeze_time(now) as clock:
        volunteer = phone(app, organiser_client, "Pintu Utara")
        assert volunteer.get(f"/events/{SLUG}/door").status_code == 200
        clock.tick(timedelta(hours=16))  # the next morning, the event under way
        answer = volunteer.post(f"/events/{SLUG}/door/scan", json={"code": person["code"]})
        assert answer.status_code == 200 and answer.get_json()["code"] == "checked_in"
        clock.tick(timedelta(hours=7))  # the link ended two hours after the event
        assert volunteer.get(f"/events/{SLUG}/door").status_code in (302, 403)
    with app.app_context():
        link = db.session.scalar(sa.select(DoorLink))
        assert link.expires_at < now + timedelta(hours=23)


def test_the_door_warns_at_once_over_plain_http_on_a_hall_address(app, organiser, people):
    if app.config.get("TRUSTED_HOSTS"):  # the laptop's hall address, as make run trusts it
        app.config["TRUSTED_HOSTS"] = [*app.config["TRUSTED_HOSTS"], "192.168.1.20"]

    def door_page(address: str) -> str:
        client = app.test_client()
        credentials = {"email": organiser["email"], "password": organiser["password"]}
        client.post("/login", data=credentials, base_url=address)
        page = client.get(f"/events/{SLUG}/door", base_url=address).text
        return re.search(r'<p [^>]*id="door-insecure"[^>]*>', page).group(0)

    hall = door_page("http://192.168.1.20:5000")
    assert "hidden" not in hall
    assert "hidden" in door_page("http://localhost")  # the laptop itself is a secure context
    assert "hidden" in door_page("https://192.168.1.20:5000")


def test_the_organiser_chooses_to_hold_unknown_codes_at_the_door(app, as_user, organiser, people):
    client = as_user(organiser)
    assert 'data-hold-unknown="0"' in client.get(f"/events/{SLUG}/door").text
    client.post(f"/events/{SLUG}/door-access/offline-rule", data={"rule": "hold"})
    assert 'data-hold-unknown="1"' in client.get(f"/events/{SLUG}/door").text
    assert client.get(f"/events/{SLUG}/door/offline.json").get_json()["rule"] == "hold"
    client.post(f"/events/{SLUG}/door-access/offline-rule", data={"rule": "nonsense"})
    with app.app_context():
        assert db.session.scalar(sa.select(Event.offline_unknown_rule)) == "hold"


def test_offline_check_ins_are_marked_in_the_log_dashboard_and_daftar_hadir(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    north = phone(app, client, "Pintu Utara")
    sync(north, {"code": people[0]["code"], "nonce": "o-1", "at": ms(utcnow())})
    client.post(f"/events/{SLUG}/door/scan", json={"code": people[1]["code"]})
    log = client.get(f"/events/{SLUG}/attendance/log").text
    assert log.count('class="offline-mark"') == 1
    assert client.get(f"/events/{SLUG}/attendance.json").get_json()["present_offline"] == 1
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event))
        lines = {line.name: line for line in attendance_lines(event, "record")}
        assert lines[people[0]["name"]].offline and not lines[people[1]["name"]].offline
        from coordination.paperwork.documents import _text

        assert _text(lines[people[0]["name"]], "door", event) == "Pintu Utara (luring)"


def test_the_door_list_follows_every_doors_latest_check_ins(app, as_user, organiser, people):
    client = as_user(organiser)
    north = phone(app, client, "Pintu Utara")
    south = phone(app, client, "Pintu Selatan")
    south.post(f"/events/{SLUG}/door/scan", json={"code": people[2]["code"]})
    sync(north, {"code": people[3]["code"], "nonce": "o-3", "at": ms(utcnow())})
    lines = north.get(f"/events/{SLUG}/door/recent.json").get_json()["lines"]
    assert [(line["name"], line["door"]) for line in lines] == [
        (people[3]["name"], "Pintu Utara"),
        (people[2]["name"], "Pintu Selatan"),
    ]
    assert all(line["checkin_id"] and re.fullmatch(r"\d\d\.\d\d", line["at"]) for line in lines)
    assert "phone" not in str(lines) and "+62" not in str(lines)
