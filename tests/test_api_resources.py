"""The API's resources: organiser flows, check-ins, documents, and errors in two languages."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coordination.door.models import Checkin
from coordination.events.models import Event
from coordination.extensions import db

from . import factories
from .api_support import bearer, event_body, make_token


def test_organiser_creates_and_changes_an_event(app, client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "organiser")
    created = client.post(
        "/api/v1/events", json=event_body(slug="rakor-mei-2031"), headers=bearer(secret)
    )
    assert created.status_code == 201, created.json
    assert created.json["slug"] == "rakor-mei-2031"
    assert created.headers["Location"].endswith("/api/v1/events/rakor-mei-2031")
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "rakor-mei-2031"))
        assert event.created_by_id == organiser["id"]

    taken = client.post("/api/v1/events", json=event_body(slug=slug), headers=bearer(secret))
    assert taken.status_code == 409 and taken.json["code"] == "slug_taken"
    backwards = client.post(
        "/api/v1/events",
        json=event_body(ends_at="2031-05-20T01:00:00+00:00"),
        headers=bearer(secret),
    )
    assert backwards.status_code == 422 and backwards.json["code"] == "ends_before_start"

    changed = client.patch(
        f"/api/v1/events/{slug}",
        json={"capacity": 7, "venue_name": "Pendopo", "registration_closes_at": None},
        headers=bearer(secret),
    )
    assert changed.status_code == 200
    assert (changed.json["capacity"], changed.json["venue_name"]) == (7, "Pendopo")
    assert changed.json["title"].startswith("Rapat Koordinasi")
    null_title = client.patch(
        f"/api/v1/events/{slug}", json={"title": None}, headers=bearer(secret)
    )
    assert null_title.status_code == 422


def test_capacity_holds_through_the_api_then_the_waiting_list_moves_up(
    app, client, make, organiser
):
    slug = make(factories.make_event, organiser["id"], capacity=2)
    secret = make(make_token, slug, "organiser")
    answers = [
        client.post(
            f"/api/v1/events/{slug}/registrations",
            json={"full_name": f"Peserta {n}", "phone": f"0812-3456-78{n:02d}"},
            headers=bearer(secret),
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json["status"] for a in answers] == ["confirmed", "confirmed", "waiting"]
    assert answers[2].json["waiting_position"] == 1
    assert answers[0].json["phone"] == "+6281234567800"

    twice = client.post(
        f"/api/v1/events/{slug}/registrations",
        json={"full_name": "Peserta Lagi", "phone": "+62 812 3456 7800"},
        headers=bearer(secret),
    )
    assert twice.status_code == 409 and twice.json["code"] == "already_registered"

    first = answers[0].json["id"]
    cancelled = client.post(
        f"/api/v1/events/{slug}/registrations/{first}/cancel", headers=bearer(secret)
    )
    assert cancelled.status_code == 200
    assert cancelled.json["registration"]["status"] == "cancelled"
    assert cancelled.json["promoted"] == [answers[2].json["id"]]
    promoted = client.get(
        f"/api/v1/events/{slug}/registrations/{answers[2].json['id']}", headers=bearer(secret)
    )
    assert promoted.json["status"] == "confirmed"

    # A fourth waits; a higher capacity through the API moves them up, as on the page.
    fourth = client.post(
        f"/api/v1/events/{slug}/registrations",
        json={"full_name": "Peserta 4", "phone": "0812-3456-7804"},
        headers=bearer(secret),
    )
    assert fourth.json["status"] == "waiting"
    client.patch(f"/api/v1/events/{slug}", json={"capacity": 3}, headers=bearer(secret))
    moved = client.get(
        f"/api/v1/events/{slug}/registrations/{fourth.json['id']}", headers=bearer(secret)
    )
    assert moved.json["status"] == "confirmed"


def test_a_full_event_without_waiting_list_answers_409_event_full(client, make, organiser):
    slug = make(factories.make_event, organiser["id"], capacity=1, waitlist_enabled=False)
    secret = make(make_token, slug, "organiser")
    make(factories.make_participants, slug, 1)
    full = client.post(
        f"/api/v1/events/{slug}/registrations",
        json={"full_name": "Terlambat", "email": "telat@example.org"},
        headers=bearer(secret),
    )
    assert full.status_code == 409 and full.json["code"] == "event_full"


def test_registrations_are_paged_and_filtered(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    make(factories.make_participants, slug, 7)
    make(factories.make_participants, slug, 2, status="waiting")
    secret = make(make_token, slug, "organiser")
    url = f"/api/v1/events/{slug}/registrations"

    first = client.get(url, query_string={"per_page": 4}, headers=bearer(secret)).json
    last = client.get(url, query_string={"per_page": 4, "page": 3}, headers=bearer(secret)).json
    assert (first["total"], first["pages"], len(first["items"]), len(last["items"])) == (9, 3, 4, 1)
    waiting = client.get(url, query_string={"status": "waiting"}, headers=bearer(secret)).json
    assert waiting["total"] == 2
    assert {item["status"] for item in waiting["items"]} == {"waiting"}
    bad = client.get(url, query_string={"per_page": 1000}, headers=bearer(secret))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "query.per_page"


def test_documents_come_as_pdf_csv_and_xlsx(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    make(factories.make_participants, slug, 2)
    secret = make(make_token, slug, "organiser")
    base = f"/api/v1/events/{slug}/documents"
    for path, mimetype, start in (
        ("attendance.pdf?kind=record", "application/pdf", b"%PDF"),
        ("badges.pdf?layout=a7", "application/pdf", b"%PDF"),
        ("minutes.pdf", "application/pdf", b"%PDF"),
        ("participants.csv?columns=name&columns=phone", "text/csv", '\ufeff"Nama";'.encode()),
        (
            "participants.csv?columns=name&columns=phone&separator=comma",
            "text/csv",
            '\ufeff"Nama",'.encode(),
        ),
        (
            "participants.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK",
        ),
    ):
        answer = client.get(f"{base}/{path}", headers=bearer(secret))
        assert answer.status_code == 200, path
        assert answer.mimetype == mimetype and answer.data.startswith(start), path
    english = client.get(f"{base}/participants.csv", headers=bearer(secret, "en"))
    assert english.data.startswith('\ufeff"Name","Organisation",'.encode())


# --- Check-ins ------------------------------------------------------------


def test_second_scan_is_409_already_checked_in_with_the_first_checkin(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door = make(make_token, slug, "door", "Pintu Utara")
    url = f"/api/v1/events/{slug}/checkins"
    first = client.post(url, json={"code": person["code"], "nonce": "a1"}, headers=bearer(door))
    retry = client.post(url, json={"code": person["code"], "nonce": "a1"}, headers=bearer(door))
    second = client.post(
        url, json={"code": person["code"], "nonce": "b2"}, headers=bearer(door, "en")
    )
    assert (first.status_code, retry.status_code, second.status_code) == (201, 200, 409)
    assert retry.json["checkin"]["id"] == first.json["checkin"]["id"]
    assert second.json["code"] == "already_checked_in"
    assert second.json["checkin"]["id"] == first.json["checkin"]["id"]
    assert second.json["message"].startswith("Already checked in at")
    assert "Pintu Utara" in second.json["message"]
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1


def test_offline_scan_keeps_its_time_and_undo_takes_it_back(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door = make(make_token, slug, "door")
    scanned = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    url = f"/api/v1/events/{slug}/checkins"
    made = client.post(
        url,
        json={"code": person["code"], "nonce": "n-1", "scanned_at": scanned.isoformat()},
        headers=bearer(door),
    )
    assert made.status_code == 201
    assert made.json["checkin"]["offline"] is True
    assert made.json["checkin"]["checked_in_at"] == scanned.isoformat().replace("+00:00", "Z")
    listed = client.get(url, headers=bearer(door)).json
    assert [item["registration_id"] for item in listed["items"]] == [person["id"]]

    undone = client.delete(f"{url}/{made.json['checkin']['id']}", headers=bearer(door))
    assert undone.status_code == 204
    assert client.get(url, headers=bearer(door)).json["total"] == 0
    gone = client.delete(f"{url}/{made.json['checkin']['id']}", headers=bearer(door))
    assert gone.status_code == 404
    again = client.post(url, json={"code": person["code"]}, headers=bearer(door))
    assert again.status_code == 201


def test_refused_badges_carry_the_door_verdict_codes(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    waiting = make(factories.make_participants, slug, 1, status="waiting")[0]
    cancelled = make(factories.make_participants, slug, 1, status="cancelled")[0]
    door = make(make_token, slug, "door")
    url = f"/api/v1/events/{slug}/checkins"
    answers = {
        code: client.post(url, json={"code": code}, headers=bearer(door))
        for code in (waiting["code"], cancelled["code"], "NOT-A-BADGE")
    }
    assert [(a.status_code, a.json["code"]) for a in answers.values()] == [
        (409, "waitlisted"),
        (409, "cancelled"),
        (422, "unknown_code"),
    ]
    lists = client.get(f"/api/v1/events/{slug}/checkin-lists", headers=bearer(door)).json
    assert lists["items"][0]["is_default"] is True
    unknown_list = client.post(
        url, json={"code": waiting["code"], "list_id": 999}, headers=bearer(door)
    )
    assert unknown_list.status_code == 422 and unknown_list.json["code"] == "unknown_list"


def test_an_api_scan_lands_on_no_online_list_and_no_list_of_another_event(
    app, client, make, organiser
):
    """The list and the person come in one query: the list must still be this event's, and
    never the online list ("Hadir daring" is the participant's own)."""
    from coordination.door import services as door_services

    slug = make(factories.make_event, organiser["id"])
    other = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door = make(make_token, slug, "door")
    with app.app_context():
        event, elsewhere = (
            db.session.scalar(sa.select(Event).where(Event.slug == s)) for s in (slug, other)
        )
        lists = [door_services.online_list(event).id, door_services.default_list(elsewhere).id]
        db.session.commit()
    url = f"/api/v1/events/{slug}/checkins"
    for list_id in lists:
        refused = client.post(
            url, json={"code": person["code"], "list_id": list_id}, headers=bearer(door)
        )
        assert (refused.status_code, refused.json["code"]) == (422, "unknown_list")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkin)) == 0
    admitted = client.post(url, json={"code": person["code"]}, headers=bearer(door))
    assert admitted.status_code == 201


# --- Errors and languages ------------------------------------------------------------


def test_errors_are_json_in_indonesian_by_default_and_in_english_on_request(
    client, make, organiser
):
    slug = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "organiser")
    url = f"/api/v1/events/{slug}/registrations"
    body = {"full_name": "Budi", "phone": "12"}
    indonesian = client.post(url, json=body, headers=bearer(secret))
    english = client.post(url, json=body, headers=bearer(secret, "en-GB,en;q=0.9"))
    assert indonesian.status_code == english.status_code == 422
    assert indonesian.json["code"] == english.json["code"] == "invalid_phone"
    assert indonesian.json["message"] == "Isi nomor HP Indonesia, misalnya 0812-3456-7890."
    assert english.json["message"] == "Enter an Indonesian mobile number, e.g. 0812-3456-7890."
    nowhere = client.get("/api/v1/no-such-thing", headers=bearer(secret, "en"))
    assert nowhere.status_code == 404
    assert nowhere.json == {"code": "not_found", "message": "Not found."}
    not_json = client.post(url, data="nama=Budi", headers=bearer(secret))
    assert not_json.status_code == 422 and not_json.json["code"] == "invalid_body"


def test_too_many_requests_is_429_in_json(app, client, make, organiser):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    slug = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "door")
    answers = [client.get(f"/api/v1/events/{slug}", headers=bearer(secret)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json["code"] == "rate_limited"


def test_openapi_document_and_its_page_are_public_and_self_hosted(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json["openapi"].startswith("3.1")
    assert "/events/{slug}/checkins" in document.json["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert re.search(r"/static/vendor/swagger-ui/swagger-ui-bundle\.[0-9a-f]{12}\.js", page.text)
    assert "<script>" not in page.text and "http" not in page.text.split("<body>")[1]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
