"""API tokens and who may call the API: token lifecycle, door limits, sessions and CSRF."""

import re

import sqlalchemy as sa

from coordination.api import services as tokens
from coordination.api.models import ApiToken
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration

from . import factories
from .api_support import bearer, event_body, make_token


def test_token_made_on_the_command_line_is_printed_once_and_stored_hashed(
    app, runner, make, organiser
):
    slug = make(factories.make_event, organiser["id"])
    result = runner.invoke(
        args=["tokens", "create", "--event", slug, "--role", "door", "--name", "Pintu Utara"]
    )
    assert result.exit_code == 0, result.output
    secret = re.search(r"^(rk_\S+)$", result.output, re.M).group(1)
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.role == "door" and stored.name == "Pintu Utara"
        assert secret not in (stored.token_hash, stored.prefix)
        assert stored.token_hash == tokens.hash_token(secret)
    client = app.test_client()
    assert client.get(f"/api/v1/events/{slug}", headers=bearer(secret)).status_code == 200
    listed = runner.invoke(args=["tokens", "list", "--event", slug])
    assert "Pintu Utara" in listed.output and secret not in listed.output


def test_token_made_on_the_event_page_is_shown_once_and_revoking_it_answers_401(
    app, as_user, organiser, make
):
    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    page = client.post(f"/events/{slug}/api-tokens", data={"name": "Meja tamu", "role": "door"})
    assert page.status_code == 200
    secret = re.search(r'id="api-token-secret">(rk_[^<]+)<', page.text).group(1)
    again = client.get(f"/events/{slug}/api-tokens")
    assert "Meja tamu" in again.text and secret not in again.text

    api = app.test_client()
    assert api.get(f"/api/v1/events/{slug}", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.last_used_at is not None
        token_id = token.id
    revoked = client.post(f"/events/{slug}/api-tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    answer = api.get(f"/api/v1/events/{slug}", headers=bearer(secret))
    assert answer.status_code == 401
    assert answer.json["code"] == "invalid_token"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_command_line_revoke_stops_the_token(app, runner, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "organiser")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    result = runner.invoke(args=["tokens", "revoke", "--event", slug, str(token_id)])
    assert result.exit_code == 0, result.output
    answer = app.test_client().get("/api/v1/events", headers=bearer(secret))
    assert answer.status_code == 401


def test_someone_without_a_role_cannot_see_the_token_page(as_user, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    other = make(factories.make_user, "organiser")
    assert as_user(other).get(f"/events/{slug}/api-tokens").status_code == 404


def test_no_or_a_made_up_token_is_401(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    assert client.get(f"/api/v1/events/{slug}").json["code"] == "unauthenticated"
    made_up = client.get(f"/api/v1/events/{slug}", headers=bearer("rk_" + "x" * 43))
    assert made_up.status_code == 401 and made_up.json["code"] == "invalid_token"
    basic = client.get(f"/api/v1/events/{slug}", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


# --- What a door token may do ------------------------------------------------------------


def test_door_token_checks_in_at_its_event_only(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    other = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    stranger = make(factories.make_participants, other, 1)[0]
    door = make(make_token, slug, "door", "Pintu Utara")

    here = client.post(
        f"/api/v1/events/{slug}/checkins", json={"code": person["code"]}, headers=bearer(door)
    )
    assert here.status_code == 201
    assert here.json["checkin"]["door"] == "API · Pintu Utara"
    assert here.json["message"] == f"Selamat datang, {person['name']}"

    elsewhere = client.post(
        f"/api/v1/events/{other}/checkins", json={"code": stranger["code"]}, headers=bearer(door)
    )
    assert elsewhere.status_code == 404
    badge_of_other_event = client.post(
        f"/api/v1/events/{slug}/checkins", json={"code": stranger["code"]}, headers=bearer(door)
    )
    assert badge_of_other_event.status_code == 422
    assert badge_of_other_event.json["code"] == "wrong_event"
    assert "name" not in str(badge_of_other_event.json).lower()


def test_door_token_sees_people_as_the_door_page_does_without_phone_or_email(
    client, make, organiser
):
    slug = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door = make(make_token, slug, "door")
    organiser_token = make(make_token, slug, "organiser")

    found = client.get(f"/api/v1/events/{slug}/registrations", headers=bearer(door)).json
    assert found["items"][0]["full_name"] == person["name"]
    for hidden in ("phone", "email", "checkin_code"):
        assert hidden not in found["items"][0]
    one = client.get(f"/api/v1/events/{slug}/registrations/{person['id']}", headers=bearer(door))
    assert "phone" not in one.json and "email" not in one.json

    full = client.get(
        f"/api/v1/events/{slug}/registrations/{person['id']}", headers=bearer(organiser_token)
    ).json
    assert full["phone"].startswith("+62") and full["email"].endswith("@example.org")
    assert full["checkin_code"] == person["code"]

    # Found by the whole mobile number, as at the door, yet the number is not shown; a part
    # of a number finds nobody.
    with client.application.app_context():
        phone = db.session.get(Registration, person["id"]).phone
    url = f"/api/v1/events/{slug}/registrations"
    by_phone = client.get(url, query_string={"q": phone}, headers=bearer(door)).json
    assert [item["id"] for item in by_phone["items"]] == [person["id"]]
    assert "phone" not in by_phone["items"][0]
    by_part = client.get(url, query_string={"q": phone[-6:]}, headers=bearer(door)).json
    assert by_part["items"] == []


def test_door_token_cannot_create_events_registrations_or_read_documents(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door = make(make_token, slug, "door")
    refused = [
        client.post("/api/v1/events", json=event_body(), headers=bearer(door)),
        client.patch(f"/api/v1/events/{slug}", json={"capacity": 9}, headers=bearer(door)),
        client.post(
            f"/api/v1/events/{slug}/registrations",
            json={"full_name": "Budi", "phone": "081234567890"},
            headers=bearer(door),
        ),
        client.post(
            f"/api/v1/events/{slug}/registrations/{person['id']}/cancel", headers=bearer(door)
        ),
        client.get(f"/api/v1/events/{slug}/documents/attendance.pdf", headers=bearer(door)),
        client.get(f"/api/v1/events/{slug}/documents/participants.csv", headers=bearer(door)),
    ]
    assert [answer.status_code for answer in refused] == [403] * len(refused)
    assert {answer.json["code"] for answer in refused} == {"forbidden"}


def test_a_token_sees_only_its_own_event_and_others_are_not_found(client, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    other = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "organiser")
    listed = client.get("/api/v1/events", headers=bearer(secret)).json["items"]
    assert [item["slug"] for item in listed] == [slug]
    hidden = client.get(f"/api/v1/events/{other}", headers=bearer(secret))
    missing = client.get("/api/v1/events/no-such-event", headers=bearer(secret))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json == missing.json


# --- Sessions ------------------------------------------------------------


def test_the_door_page_session_works_and_needs_csrf_for_changes(app, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    door_account = make(factories.make_user, "door")
    with app.app_context():
        from coordination.auth.models import User
        from coordination.events.services import add_member

        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        add_member(event, db.session.get(User, door_account["id"]), "door")
        db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_page = client.get("/login")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text)
    csrf = csrf or re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
    logged_in = client.post(
        "/login",
        data={
            "email": door_account["email"],
            "password": door_account["password"],
            "csrf_token": csrf.group(1),
        },
    )
    assert logged_in.status_code == 302
    door_page = client.get(f"/events/{slug}/door")
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', door_page.text)

    assert client.get(f"/api/v1/events/{slug}/checkin-lists").status_code == 200
    url = f"/api/v1/events/{slug}/checkins"
    forged = client.post(url, json={"code": person["code"]})
    assert forged.status_code == 403 and forged.json["code"] == "csrf_failed"
    sent = client.post(url, json={"code": person["code"]}, headers={"X-CSRFToken": token.group(1)})
    assert sent.status_code == 201
    # A bearer token needs no CSRF header: no browser sends it on its own.
    secret = make(make_token, slug, "door")
    other = make(factories.make_participants, slug, 1)[0]
    fresh = app.test_client()
    assert fresh.post(url, json={"code": other["code"]}, headers=bearer(secret)).status_code == 201


def test_a_volunteers_door_link_session_checks_in_at_its_event_only(app, make, organiser):
    slug = make(factories.make_event, organiser["id"])
    other = make(factories.make_event, organiser["id"])
    person = make(factories.make_participants, slug, 1)[0]
    with app.app_context():
        from coordination.door import access

        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        link, pin = access.create_link(event, "Pintu Utara")
        db.session.commit()
        link_token = link.token
    client = app.test_client()
    assert client.post(f"/d/{link_token}", data={"pin": pin}).status_code == 302

    checked = client.post(f"/api/v1/events/{slug}/checkins", json={"code": person["code"]})
    assert checked.status_code == 201
    assert checked.json["checkin"]["door"] == "Pintu Utara"
    people = client.get(f"/api/v1/events/{slug}/registrations").json["items"]
    assert "phone" not in people[0]
    assert client.get(f"/api/v1/events/{other}").status_code == 404
    assert client.get(f"/api/v1/events/{slug}/documents/participants.csv").status_code == 403
