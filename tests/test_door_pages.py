"""The door over HTTP: who may open it, what a scan answers, and what a volunteer never sees."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from coordination import create_app
from coordination.auth.models import User
from coordination.config import TestConfig
from coordination.door.models import Checkin, DoorLink
from coordination.events.models import Event
from coordination.events.services import add_member
from coordination.extensions import db, utcnow

from . import factories
from .conftest import database_url

SLUG = "rakor-pintu"


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event_under_way, organiser["id"], slug=SLUG)


@pytest.fixture
def people(make, event_slug):
    return make(factories.make_participants, event_slug, 5)


def door_link(client, slug=SLUG, name="Pintu Utara") -> tuple[str, str]:
    """Create a door link as the logged-in organiser: (address path, PIN)."""
    page = client.post(f"/events/{slug}/door-access", data={"name": name}).text
    url = re.search(r'id="door-link-url">[^<]*(/d/[^<]+)</code>', page).group(1)
    pin = re.search(r'id="door-link-pin">(\d{6})<', page).group(1)
    return url, pin


def scan(client, code, **extra):
    return client.post(f"/events/{SLUG}/door/scan", json={"code": code, **extra})


def test_a_volunteer_opens_the_door_link_with_its_pin_and_checks_people_in(
    app, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    url, pin = door_link(organiser_client)
    volunteer = app.test_client()
    assert volunteer.get(f"/events/{SLUG}/door").status_code == 302  # to the login page

    wrong_pin = "000000" if pin != "000000" else "111111"
    wrong = volunteer.post(url, data={"pin": wrong_pin})
    assert "PIN tidak benar" in wrong.text or "not right" in wrong.text
    assert wrong_pin not in wrong.text  # the field is empty for the next try
    opened = volunteer.post(url, data={"pin": pin})
    assert opened.headers["Location"].endswith(f"/events/{SLUG}/door")

    first = scan(volunteer, people[0]["code"]).get_json()
    assert first["code"] == "checked_in" and first["tone"] == "ok"
    assert people[0]["name"] in first["title"] and first["door"] == "Pintu Utara"
    again = scan(volunteer, people[0]["code"]).get_json()
    assert again["code"] == "already_checked_in" and again["tone"] == "warn"
    assert "Pintu Utara" in again["title"] and again["at"] in again["title"]
    assert scan(volunteer, "BUKAN-KODE").get_json()["code"] == "unknown_code"


def volunteer_at_door(app, organiser_client):
    """A new door link opened with its PIN on a volunteer's phone: (url, phone, link id)."""
    url, pin = door_link(organiser_client)
    volunteer = app.test_client()
    volunteer.post(url, data={"pin": pin})
    with app.app_context():
        link_id = db.session.scalar(sa.select(DoorLink.id))
    return url, volunteer, link_id


def test_a_revoked_door_link_stops_working_at_once(app, as_user, organiser, people):
    organiser_client = as_user(organiser)
    url, volunteer, link_id = volunteer_at_door(app, organiser_client)
    organiser_client.post(f"/events/{SLUG}/door-access/{link_id}/revoke", data={"confirm": "yes"})
    refused = scan(volunteer, people[0]["code"])
    assert refused.status_code == 403 and refused.get_json()["code"] == "no_access"
    assert volunteer.get(url).status_code == 200  # explains that the link ended
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0


def test_a_door_phone_learns_nothing_of_another_events_door(app, as_user, make, organiser, people):
    """Its link works at its own door; at any other the answer is the same as for an
    address that does not exist, not 'your link has ended'."""
    other = make(factories.make_event, organiser["id"], slug="rapat-lain")
    _url, volunteer, _link_id = volunteer_at_door(app, as_user(organiser))
    unknown = volunteer.get("/events/tidak-ada/door")
    elsewhere = volunteer.get(f"/events/{other}/door")
    assert unknown.status_code == elsewhere.status_code == 404
    assert "berakhir" not in elsewhere.text
    scanned = volunteer.post(f"/events/{other}/door/scan", json={"code": people[0]["code"]})
    assert scanned.status_code == 404 and scanned.get_json() == {"code": "not_found"}
    assert scan(volunteer, people[0]["code"]).get_json()["code"] == "checked_in"  # still works


def test_revoking_a_door_link_asks_first_and_revokes_only_on_yes(app, as_user, organiser, people):
    organiser_client = as_user(organiser)
    url, volunteer, link_id = volunteer_at_door(app, organiser_client)
    revoke = f"/events/{SLUG}/door-access/{link_id}/revoke"

    asked = organiser_client.post(revoke)
    assert asked.status_code == 200
    assert "Cabut tautan pintu Pintu Utara?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and 'name="csrf_token"' in asked.text
    assert scan(volunteer, people[0]["code"]).get_json()["code"] == "checked_in"  # still works
    assert "Aktif" in organiser_client.get(f"/events/{SLUG}/door-access").text

    done = organiser_client.post(revoke, data={"confirm": "yes"}, follow_redirects=True)
    assert "Tautan pintu Pintu Utara tidak berlaku lagi." in done.text
    assert "Dicabut" in done.text
    assert scan(volunteer, people[1]["code"]).status_code == 403


def test_a_revoked_link_tells_the_volunteer_to_ask_for_a_new_one_not_to_reopen_it(
    app, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    url, pin = door_link(organiser_client)
    volunteer = app.test_client()
    volunteer.post(url, data={"pin": pin})
    page = volunteer.get(f"/events/{SLUG}/door").text
    words = json.loads(re.search(r'id="door-words">(.*?)</script>', page).group(1))
    assert words["session_ended"] == (
        "Akses pintu sudah berakhir. Minta tautan pintu baru kepada panitia."
    )
    assert "Buka lagi" not in page
    with app.app_context():
        link_id = db.session.scalar(sa.select(DoorLink.id))
    organiser_client.post(f"/events/{SLUG}/door-access/{link_id}/revoke", data={"confirm": "yes"})
    refused = scan(volunteer, people[0]["code"]).get_json()
    assert "Minta tautan baru kepada panitia" in refused["title"]


def test_a_link_locked_by_wrong_pins_says_so_to_organiser_and_volunteer(
    app, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    url, pin = door_link(organiser_client)
    phone = app.test_client()  # opened the link before someone guessed at it
    phone.post(url, data={"pin": pin})
    guesser = app.test_client()
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(9):
        assert "PIN tidak benar" in guesser.post(url, data={"pin": wrong}).text
    last = guesser.post(url, data={"pin": wrong}).text
    told = "Tautan pintu ini terkunci karena terlalu banyak PIN salah."
    ask = "Minta tautan pintu baru kepada panitia."
    assert told in last and ask in last
    assert told in guesser.get(url).text

    access_page = organiser_client.get(f"/events/{SLUG}/door-access").text
    assert "Terkunci: 10 PIN salah" in access_page and "Berakhir" not in access_page

    refused = scan(phone, people[0]["code"])
    assert refused.status_code == 403 and told in refused.get_json()["title"]
    page = phone.get(f"/events/{SLUG}/door")
    assert page.status_code == 403 and told in page.text and ask in page.text


def test_ten_wrong_pins_lock_the_link_even_for_the_right_pin(app, as_user, organiser, event_slug):
    url, pin = door_link(as_user(organiser))
    guesser = app.test_client()
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(10):
        guesser.post(url, data={"pin": wrong})
    locked = guesser.post(url, data={"pin": pin})
    assert locked.status_code == 200 and "/door" not in locked.headers.get("Location", "")
    assert guesser.get(f"/events/{SLUG}/door").status_code == 302


def test_door_pages_are_only_for_this_events_team(app, make, as_user, organiser, people):
    stranger = make(factories.make_user, "organiser")
    client = as_user(stranger)
    assert client.get(f"/events/{SLUG}/door").status_code == 404
    assert scan(client, people[0]["code"]).status_code == 404  # not even "it exists"
    assert client.get(f"/events/{SLUG}/attendance").status_code == 404


def test_a_door_account_works_the_door_but_sees_no_organiser_page(
    app, make, as_user, event_slug, people
):
    staff = make(factories.make_user, "door")
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        add_member(event, db.session.get(User, staff["id"]), "door")
        db.session.commit()
    client = as_user(staff)
    assert f"/events/{SLUG}/door" in client.get("/").text
    answer = scan(client, people[1]["code"]).get_json()
    assert answer["code"] == "checked_in" and answer["door"] == staff["name"]
    for page in ("attendance", "door-access", "checkin-lists", "attendance/paper", "participants"):
        assert client.get(f"/events/{SLUG}/{page}").status_code == 404


def test_the_door_finds_people_by_mobile_but_never_shows_mobile_or_email(
    as_user, organiser, people
):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/door", query_string={"q": people[2]["name"]}).text
    assert people[2]["name"] in page
    with_phone = client.get(f"/events/{SLUG}/door", query_string={"q": "0812"}).text
    assert people[0]["name"] in with_phone
    for text in (page, with_phone, client.get(f"/events/{SLUG}/door/offline.json").text):
        assert "+62812" not in text and "0812-" not in text and "@example.org" not in text


def test_manual_check_in_by_a_representative_is_recorded(app, as_user, organiser, people):
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/door/admit/{people[3]['id']}", data={"representative": "Budi Santoso"}
    )
    page = client.get(f"/events/{SLUG}/door").text
    assert "Selamat datang" in page and "Budi Santoso" in page
    with app.app_context():
        checkin = db.session.scalar(sa.select(Checkin))
        assert (checkin.source, checkin.representative_name) == ("manual", "Budi Santoso")


def test_offline_scans_uploaded_twice_count_once_at_their_original_times(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    now = utcnow()
    batch = [
        {
            "code": people[n]["code"],
            "nonce": f"nonce-{n}",
            "at": (now - timedelta(minutes=10 - n)).timestamp() * 1000,
        }
        for n in range(3)
    ]
    first = client.post(f"/events/{SLUG}/door/sync", json={"scans": batch}).get_json()
    assert [r["code"] for r in first["results"]] == ["checked_in"] * 3
    again = client.post(f"/events/{SLUG}/door/sync", json={"scans": batch}).get_json()
    assert [r["nonce"] for r in again["results"]] == ["nonce-0", "nonce-1", "nonce-2"]
    with app.app_context():
        times = db.session.scalars(sa.select(Checkin.checked_in_at).order_by(Checkin.id)).all()
        offline_flags = db.session.scalars(sa.select(Checkin.offline)).all()
    assert len(times) == 3 and all(offline_flags)
    for n, when in enumerate(times):
        assert abs((when - (now - timedelta(minutes=10 - n))).total_seconds()) < 1
    assert client.post(f"/events/{SLUG}/door/sync", json={"scans": "x"}).status_code == 400


def test_a_walk_in_is_registered_checked_in_and_can_get_a_badge(
    app, as_user, organiser, event_slug
):
    client = as_user(organiser)
    response = client.post(
        f"/events/{SLUG}/door/walk-in",
        data={
            "full_name": "Ahmad Fauzi",
            "organisation": "KSP Maju Bersama",
            "phone": "0813 1111 2222",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/events/{SLUG}/door").text
    assert "Selamat datang, Ahmad Fauzi" in page
    badge = re.search(r'href="(/events/rakor-pintu/door/badge/\d+\.pdf)"', page).group(1)
    pdf = client.get(badge)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = client.post(f"/events/{SLUG}/door/walk-in", data={"full_name": "Tanpa Kontak"})
    assert bad.status_code == 200 and "nomor HP atau alamat e-mail" in bad.text


def test_undo_and_paper_sheet_show_in_the_log(app, as_user, organiser, people):
    client = as_user(organiser)
    checkin_id = scan(client, people[0]["code"]).get_json()["checkin_id"]
    client.post(f"/events/{SLUG}/door/undo/{checkin_id}")
    client.post(
        f"/events/{SLUG}/attendance/paper", data={"present": [str(p["id"]) for p in people[:2]]}
    )
    log = client.get(f"/events/{SLUG}/attendance/log").text
    assert "Check-in dibatalkan" in log and "lembar kertas" in log
    # A check-in and its undo fall in the same minute: the log tells them apart by the second.
    assert re.search(r"\d{2}\.\d{2}\.\d{2} WIB", log)
    summary = client.get(f"/events/{SLUG}/attendance.json").get_json()
    assert (summary["present"], summary["registered"]) == (2, 5)


def test_dashboard_shows_quorum_by_the_organisers_rule(app, as_user, organiser, people):
    client = as_user(organiser)
    client.post(f"/events/{SLUG}/attendance/quorum", data={"rule": "registered"})
    for person in people[:2]:
        scan(client, person["code"])
    summary = client.get(f"/events/{SLUG}/attendance.json").get_json()
    assert summary["quorum"] == {"rule": "registered", "needed": 3, "have": 2, "met": False}
    scan(client, people[2]["code"])
    assert client.get(f"/events/{SLUG}/attendance.json").get_json()["quorum"]["met"] is True
    assert "Kuorum tercapai" in client.get(f"/events/{SLUG}/attendance").text


def test_dashboard_says_how_many_came_and_the_quorum_apart(as_user, organiser, people):
    client = as_user(organiser)
    client.post(f"/events/{SLUG}/attendance/quorum", data={"rule": "registered"})
    for person in people[:2]:
        scan(client, person["code"])
    page = client.get(f"/events/{SLUG}/attendance").text
    assert "2 hadir, kuorum 3" in page and "yang diperlukan" not in page


def test_dashboard_lists_organisations_in_natural_order(as_user, organiser, make, event_slug):
    villages = ["Desa 10", "Desa 2", "desa 11", "Desa 1"]
    for village in villages:
        make(factories.make_participants, event_slug, 1, organisation=village)
    rows = as_user(organiser).get(f"/events/{SLUG}/attendance.json").get_json()["by_organisation"]
    assert [row[0] for row in rows] == ["Desa 1", "Desa 2", "Desa 10", "desa 11"]


def test_projector_mode_drops_the_site_header_and_settings(as_user, organiser, people):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/attendance?projector=1").text
    assert 'class="projector"' in page and "dashboard-settings" not in page
    assert "Keluar dari mode proyektor" in page
    assert "dashboard-settings" in client.get(f"/events/{SLUG}/attendance").text


def test_a_ten_hour_door_shift_needs_no_new_login_or_csrf_token(tmp_path, organiser, people):
    config = TestConfig(database_url(tmp_path))
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    client = app.test_client()
    with freeze_time(utcnow()) as clock:
        login_page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post(
            "/login",
            data={
                "email": organiser["email"],
                "password": organiser["password"],
                "csrf_token": token,
            },
        )
        door = client.get(f"/events/{SLUG}/door").text
        csrf = re.search(r'data-csrf="([^"]+)"', door).group(1)
        clock.tick(timedelta(hours=10))
        answer = client.post(
            f"/events/{SLUG}/door/scan",
            json={"code": people[4]["code"]},
            headers={"X-CSRFToken": csrf},
        )
    assert answer.status_code == 200 and answer.get_json()["code"] == "checked_in"
    assert client.post(f"/events/{SLUG}/door/scan", json={"code": "X"}).status_code == 400


def test_participant_list_filters_on_checked_in_or_not(as_user, organiser, people):
    client = as_user(organiser)
    scan(client, people[0]["code"])
    came = client.get(f"/events/{SLUG}/participants", query_string={"present": "yes"}).text
    away = client.get(f"/events/{SLUG}/participants", query_string={"present": "no"}).text
    assert people[0]["name"] in came and people[1]["name"] not in came
    assert people[0]["name"] not in away and all(p["name"] in away for p in people[1:])


def test_scans_made_offline_before_a_link_was_revoked_still_count(app, as_user, organiser, people):
    organiser_client = as_user(organiser)
    url, pin = door_link(organiser_client)
    volunteer = app.test_client()
    volunteer.post(url, data={"pin": pin})
    before = (utcnow() - timedelta(minutes=5)).timestamp() * 1000
    with app.app_context():
        link_id = db.session.scalar(sa.select(DoorLink.id))
    organiser_client.post(f"/events/{SLUG}/door-access/{link_id}/revoke", data={"confirm": "yes"})
    after = (utcnow() + timedelta(seconds=1)).timestamp() * 1000
    batch = [
        {"code": people[0]["code"], "nonce": "made-before", "at": before},
        {"code": people[1]["code"], "nonce": "made-after", "at": after},
    ]
    answers = volunteer.post(f"/events/{SLUG}/door/sync", json={"scans": batch}).get_json()
    assert [a["code"] for a in answers["results"]] == ["checked_in", "no_access"]
    page = volunteer.get(f"/events/{SLUG}/door")
    assert page.status_code == 403 and "tidak berlaku lagi" in page.text
    assert scan(volunteer, people[2]["code"]).status_code == 403


def test_no_door_link_for_an_event_that_is_over(app, make, as_user, organiser):
    slug = make(factories.make_event, organiser["id"], slug="rakor-lama")
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        event.starts_at = utcnow() - timedelta(days=2)
        event.ends_at = utcnow() - timedelta(days=2) + timedelta(hours=3)
        db.session.commit()
    page = as_user(organiser).post(f"/events/{slug}/door-access", data={"name": "Pintu"}).text
    assert "Acara ini sudah selesai" in page and 'id="door-link-pin"' not in page


def test_paper_sheet_entries_carry_the_sheets_time_and_say_paper(app, as_user, organiser, people):
    client = as_user(organiser)
    empty = client.post(f"/events/{SLUG}/attendance/paper", data={}, follow_redirects=True)
    assert "Centang paling sedikit satu" in empty.text
    client.post(
        f"/events/{SLUG}/attendance/paper",
        data={"present": [str(people[0]["id"])], "signed_at": "2020-01-01T09:00"},
    )
    with app.app_context():
        checkin = db.session.scalar(sa.select(Checkin))
        assert checkin.door_name.startswith("Lembar kertas · ")
        assert checkin.checked_in_at.year == 2020


def test_a_representatives_name_is_on_the_verdict_and_in_the_log(app, as_user, organiser, people):
    client = as_user(organiser)
    client.post(
        f"/events/{SLUG}/door/admit/{people[4]['id']}", data={"representative": "Ahmad Zaini"}
    )
    page = client.get(f"/events/{SLUG}/door").text
    # The door greets the one standing there, not the invitee who sent them, and says so once.
    assert f"Selamat datang, Ahmad Zaini, atas nama {people[4]['name']}" in page
    detail = re.search(r'class="verdict-detail">([^<]*)<', page).group(1)
    assert "Ahmad Zaini" not in detail
    assert "diwakili oleh Ahmad Zaini" in client.get(f"/events/{SLUG}/attendance/log").text


def test_the_organiser_sees_who_came_in_and_when_in_the_participant_list(
    app, as_user, organiser, people
):
    volunteer_url, volunteer, _link_id = volunteer_at_door(app, as_user(organiser))
    time = scan(volunteer, people[0]["code"]).get_json()["at"]
    organiser_client = as_user(organiser)
    listing = organiser_client.get(f"/events/{SLUG}/participants").text
    row = re.search(rf"{people[0]['name']}</a>.*?</tr>", listing, re.S).group(0)
    assert f'<td data-label="Datang pukul">{time}' in row
    absent = re.search(rf"{people[1]['name']}</a>.*?</tr>", listing, re.S).group(0)
    assert '<td data-label="Datang pukul">–</td>' in absent
    detail = organiser_client.get(f"/events/{SLUG}/participants/{people[0]['id']}").text
    assert f"Check-in pukul {time} di Pintu Utara" in detail


def test_a_door_page_far_from_the_events_time_warns_it_may_be_the_wrong_event(
    as_user, make, organiser, event_slug
):
    client = as_user(organiser)
    assert "door-not-due" not in client.get(f"/events/{SLUG}/door").text  # it is on now
    copy = make(factories.make_event, organiser["id"], slug="rakor-bulan-depan")  # in 2030
    page = client.get(f"/events/{copy}/door").text
    assert 'id="door-not-due"' in page and "Jumat, 15 Maret 2030" in page
    # The shell a phone keeps may open on any day: it carries the warning hidden, with the
    # door's hours for the phone's clock to decide (tests/browser/test_door_offline.py).
    shell = client.get(f"/events/{copy}/door?shell=1").text
    assert re.search(r'id="door-not-due" hidden\s+data-opens="\d+" data-closes="\d+"', shell)


def test_the_this_computer_only_warning_waits_for_a_link_to_warn_about(
    as_user, organiser, event_slug
):
    """Before any link exists there is no "these links" to warn about (new-user trial)."""
    client = as_user(organiser)
    warning = "Ponsel belum bisa membuka tautan ini"
    assert warning not in client.get(f"/events/{SLUG}/door-access").text
    page = client.post(f"/events/{SLUG}/door-access", data={"name": "Pintu Utara"}).text
    assert 'id="door-link-url">http://localhost/d/' in page and warning in page
