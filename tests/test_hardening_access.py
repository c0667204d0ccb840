"""Access and authentication holes found by probing the running app (issue 17), kept shut.

Each test names what a user would notice; each failed on the tree before its fix.
"""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination.api.models import ApiToken
from coordination.auth.models import User
from coordination.door import access
from coordination.door.models import DoorLink
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.events.services import EventData, add_member, update_event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Registration

from . import factories
from .api_support import bearer, make_token
from .conftest import login

SLUG = "rakor-akses"
WRONG = "bukan-sandinya"


@pytest.fixture
def event_slug(make, organiser):
    """An event under way, with its registration still open."""
    now = utcnow()
    return make(
        factories.make_event,
        organiser["id"],
        slug=SLUG,
        capacity=100,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(hours=2),
    )


@pytest.fixture
def people(make, event_slug):
    return make(factories.make_participants, event_slug, 3)


def local_mobile(app, person) -> str:
    """The person's mobile as a volunteer would type it: 0812..."""
    with app.app_context():
        phone = db.session.get(Registration, person["id"]).phone
    return "0" + phone.removeprefix("+62")


def door_link(client, slug=SLUG, name="Pintu Utara") -> tuple[str, str]:
    """Create a door link as the logged-in organiser: (address path, PIN)."""
    page = client.post(f"/events/{slug}/door-access", data={"name": name}).text
    url = re.search(r'id="door-link-url">[^<]*(/d/[^<]+)</code>', page).group(1)
    pin = re.search(r'id="door-link-pin">(\d{6})<', page).group(1)
    return url, pin


def volunteer(app, organiser_client, name="Pintu Utara"):
    """A phone that opened a new door link with its PIN: (phone, link url)."""
    url, pin = door_link(organiser_client, name=name)
    phone = app.test_client()
    assert phone.post(url, data={"pin": pin}).status_code == 302
    return phone, url


def door_account(app, make, slug=SLUG):
    """A door-staff account of the event, logged in on its own client."""
    user = make(factories.make_user, "door")
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        add_member(event, db.session.get(User, user["id"]), "door")
        db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client, user


# --- 1. Door roles find a person by a whole mobile number, never by part of one ----------


def test_door_roles_find_people_by_a_whole_mobile_number_but_never_by_part_of_one(
    app, make, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    phone, _url = volunteer(app, organiser_client)
    staff, _user = door_account(app, make)
    mobile = local_mobile(app, people[1])
    name = people[1]["name"]

    for client in (phone, staff):
        for part in (mobile[:4], mobile[:7], mobile[4:], mobile[:-1]):
            page = client.get(f"/events/{SLUG}/door", query_string={"q": part}).text
            assert name not in page, f"{part!r} found {name}"
        whole = client.get(f"/events/{SLUG}/door", query_string={"q": mobile}).text
        assert name in whole

    with app.app_context():
        secret = make_token(SLUG, "door")
    api = app.test_client()
    url = f"/api/v1/events/{SLUG}/registrations"
    partial = api.get(url, query_string={"q": mobile[:6]}, headers=bearer(secret)).get_json()
    assert partial["items"] == []
    whole = api.get(url, query_string={"q": mobile}, headers=bearer(secret)).get_json()
    assert [item["full_name"] for item in whole["items"]] == [name]

    # Organisers, who see the numbers anyway, still search by any part.
    found = organiser_client.get(f"/events/{SLUG}/door", query_string={"q": mobile[:6]}).text
    assert name in found


# --- 2. A forged Host never reaches an e-mailed link ----------------------------------------


def test_a_forged_host_header_never_puts_the_attackers_host_in_an_emailed_link(
    app, client, ctx, event_slug
):
    form = {"full_name": "Siti Maulidah", "phone": "0812-3456-7890", "email": "siti@example.org"}
    assert client.post(f"/e/{SLUG}", data=form).status_code == 302
    forged = client.post(f"/e/{SLUG}", data=form, headers={"Host": "rakor-login.evil.example"})
    assert forged.status_code == 400
    bodies = [message.body for message in db.session.scalars(sa.select(OutboxMessage))]
    assert len(bodies) == 1 and "evil.example" not in "".join(bodies)
    assert "http://localhost/r/" in bodies[0]


def test_links_in_emails_use_the_public_base_url_whatever_host_was_asked(
    app, client, ctx, event_slug
):
    app.config["PUBLIC_BASE_URL"] = "https://rakor.dekopinda.example"
    form = {"full_name": "Siti Maulidah", "email": "siti@example.org"}
    client.post(f"/e/{SLUG}", data=form, headers={"Host": "localhost"})
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert "https://rakor.dekopinda.example/r/" in message.body


# --- 3. The edit form is no contact oracle -------------------------------------------------


def test_the_edit_form_answers_the_same_for_someone_elses_contact_as_for_a_free_one(
    app, ctx, event_slug
):
    form = {"full_name": "Penyelidik", "phone": "0813-1111-0000", "email": "saya@example.org"}
    prober = app.test_client()
    token = prober.post(f"/e/{SLUG}", data=form).headers["Location"].split("/")[2].split("?")[0]
    other = app.test_client()
    other.post(f"/e/{SLUG}", data={"full_name": "Dewi", "phone": "0813-2222-0000"})

    def answer(**changes):
        sent = prober.post(f"/r/{token}/edit", data={**form, **changes})
        shown = (
            prober.get(sent.headers.get("Location", "/")).text if sent.status_code == 302 else ""
        )
        flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', shown)
        return sent.status_code, sent.headers.get("Location"), flashes

    taken_phone = answer(phone="0813-2222-0000")
    free_phone = answer(phone="0813-3333-0000")
    assert taken_phone == free_phone
    assert taken_phone[0] == 302
    # Dewi keeps her number, and nobody else got it.
    dewi = db.session.scalar(sa.select(Registration).where(Registration.full_name == "Dewi"))
    assert dewi.phone == "+6281322220000"
    holders = sa.select(sa.func.count()).where(Registration.phone == "+6281322220000")
    assert db.session.scalar(holders) == 1


def test_the_edit_form_is_rate_limited(app, ctx, event_slug):
    form = {"full_name": "Penyelidik", "phone": "0813-1111-0000"}
    prober = app.test_client()
    token = prober.post(f"/e/{SLUG}", data=form).headers["Location"].split("/")[2].split("?")[0]
    answers = [
        prober.post(f"/r/{token}/edit", data={**form, "phone": f"0813-4444-{n:04d}"}).status_code
        for n in range(11)
    ]
    assert answers[:10] == [302] * 10 and answers[10] == 429


# --- 4. Removing an organiser revokes what they made ----------------------------------------


def test_removing_an_organiser_revokes_the_api_tokens_and_door_links_they_made(
    app, make, as_user, organiser, event_slug, people
):
    colleague = make(factories.make_user, "organiser", name="Budi Santoso")
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        member = add_member(event, db.session.get(User, colleague["id"]), "organiser")
        member_id = member.id
        db.session.commit()
    budi = app.test_client()
    login(budi, colleague)
    made = budi.post(
        f"/events/{SLUG}/api-tokens", data={"name": "Laptop Budi", "role": "organiser"}
    )
    secret = re.search(r'id="api-token-secret">(rk_[^<]+)<', made.text).group(1)
    phone, link_url = volunteer(app, budi, name="Pintu Budi")
    api = app.test_client()
    url = f"/api/v1/events/{SLUG}/registrations"
    assert api.get(url, headers=bearer(secret)).status_code == 200

    siti = as_user(organiser)
    question = siti.post(f"/events/{SLUG}/team/{member_id}/remove")
    assert question.status_code == 200  # asks first, saying what stops
    assert "Laptop Budi" in question.text and "Pintu Budi" in question.text
    assert api.get(url, headers=bearer(secret)).status_code == 200  # nothing changed yet
    done = siti.post(f"/events/{SLUG}/team/{member_id}/remove", data={"confirm": "yes"})
    assert done.status_code == 302

    assert api.get(url, headers=bearer(secret)).status_code == 401
    scan = phone.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]})
    assert scan.status_code == 403
    assert "PIN" not in phone.get(link_url).text  # the link says it ended, asks for no PIN
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None


# --- 5. Logging out and a new password end every session ------------------------------------


def test_logging_out_ends_every_session_and_remember_me_cookie_of_the_account(app, organiser):
    laptop = app.test_client()
    sent = laptop.post(
        "/login",
        data={"email": organiser["email"], "password": organiser["password"], "remember": "y"},
    )
    assert sent.status_code == 302
    session_cookie = laptop.get_cookie("session").value
    remember_cookie = laptop.get_cookie("remember_token").value
    phone = app.test_client()
    assert login(phone, organiser).status_code == 302
    assert phone.get("/").status_code == 200

    assert laptop.post("/logout").status_code == 302

    copied_session, copied_remember = app.test_client(), app.test_client()
    copied_session.set_cookie("session", session_cookie)
    copied_remember.set_cookie("remember_token", remember_cookie)
    for client in (phone, copied_session, copied_remember):
        assert client.get("/").status_code == 302, "still logged in after logging out"

    again = app.test_client()
    again.post(
        "/login",
        data={"email": organiser["email"], "password": organiser["password"], "remember": "y"},
    )
    assert again.get_cookie("remember_token").value != remember_cookie


def test_a_new_password_ends_every_session_of_the_account(app, make, organiser):
    admin = make(factories.make_user, "admin")
    organiser_client = app.test_client()
    login(organiser_client, organiser)
    admin_client = app.test_client()
    login(admin_client, admin)
    changed = admin_client.post(
        f"/admin/users/{organiser['id']}",
        data={
            "name": "Siti Rahayu",
            "role": "organiser",
            "active": "y",
            "password": "baru-sekali-9",
        },
    )
    assert changed.status_code == 302
    assert organiser_client.get("/").status_code == 302
    assert admin_client.get("/").status_code == 200  # the admin's own session goes on


def test_remember_me_is_secure_over_https_and_lasts_two_weeks(app, organiser):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": organiser["email"], "password": organiser["password"], "remember": "y"},
        base_url="https://localhost",
    )
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_")]
    assert "; Secure" in cookie and "HttpOnly" in cookie
    lasts = client.get_cookie("remember_token", domain="localhost").expires - utcnow()
    assert timedelta(days=13) < lasts <= timedelta(days=14)


# --- 6. Password guessing is limited per address and per account -----------------------------


def test_password_guessing_is_stopped_per_account_with_a_message(app, organiser):
    answers = []
    for n in range(40):
        client = app.test_client()  # a new address each time, as a botnet would
        client.environ_base["REMOTE_ADDR"] = f"10.0.{n // 200}.{n % 200 + 1}"
        answers.append(client.post("/login", data={"email": organiser["email"], "password": WRONG}))
    codes = [answer.status_code for answer in answers]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    assert "Terlalu banyak percobaan masuk yang gagal" in answers[-1].text
    # While the account is held, even its right password is refused.
    right = app.test_client()
    right.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert login(right, organiser).status_code == 429


def test_password_guessing_is_stopped_per_address_across_accounts(app, make):
    users = [make(factories.make_user, "organiser") for _ in range(11)]
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": user["email"], "password": WRONG}).status_code
        for user in users
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    client.set_cookie("lang", "en")
    english = client.post("/login", data={"email": users[0]["email"], "password": WRONG})
    assert "Too many failed log-ins" in english.text


def test_a_right_password_does_not_count_towards_the_limit(app, organiser):
    client = app.test_client()
    for _ in range(12):
        assert login(client, organiser).status_code == 302
        client.post("/logout")


# --- 10. Wrong PINs count even when sent at the same moment ----------------------------------


def test_wrong_pins_sent_at_once_all_count_so_the_right_pin_opens_nothing(
    app, as_user, organiser, event_slug
):
    url, pin = door_link(as_user(organiser))
    wrong = "000000" if pin != "000000" else "111111"
    with app.app_context():
        link = db.session.scalar(sa.select(DoorLink))
        assert link.failed_attempts == 0
        # Nine other guesses land while this request holds the link it read before them.
        db.session.execute(
            sa.update(DoorLink).values(failed_attempts=9),
            execution_options={"synchronize_session": False},
        )
        with pytest.raises(DomainError):
            access.unlock(link, wrong)
        db.session.commit()
        assert db.session.scalar(sa.select(DoorLink.failed_attempts)) == 10
    phone = app.test_client()
    refused = phone.post(url, data={"pin": pin})
    assert refused.status_code == 200 and phone.get(f"/events/{SLUG}/door").status_code == 302


# --- 11. A door link's validity follows the event's current end --------------------------------


def test_moving_the_events_end_earlier_shuts_its_door_links(
    app, as_user, organiser, event_slug, people
):
    phone, url = volunteer(app, as_user(organiser))
    assert (
        phone.post(f"/events/{SLUG}/door/scan", json={"code": people[0]["code"]}).status_code == 200
    )
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        now = utcnow()
        data = EventData(
            title=event.title,
            organising_body=event.organising_body,
            venue_name=event.venue_name,
            starts_at=now - timedelta(hours=6),
            ends_at=now - timedelta(hours=3),
            capacity=event.capacity,
            registration_opens_at=event.registration_opens_at,
            registration_closes_at=now - timedelta(hours=7),
        )
        update_event(event, data)
        db.session.commit()
    refused = phone.post(f"/events/{SLUG}/door/scan", json={"code": people[1]["code"]})
    assert refused.status_code == 403 and refused.get_json()["code"] == "no_access"
    assert "PIN" not in phone.get(url).text


# --- 12. A door prints only the badges of its own walk-ins -------------------------------------


def test_a_door_prints_badges_only_for_the_walk_ins_it_registered(
    app, make, as_user, organiser, people
):
    organiser_client = as_user(organiser)
    phone, _url = volunteer(app, organiser_client)
    staff, _user = door_account(app, make)
    walked_in = phone.post(
        f"/events/{SLUG}/door/walk-in",
        data={"full_name": "Ahmad Fauzi", "phone": "0813 1111 2222"},
    )
    assert walked_in.status_code == 302
    with app.app_context():
        walk_in = db.session.scalar(
            sa.select(Registration.id).where(Registration.full_name == "Ahmad Fauzi")
        )

    def badge(client, person_id):
        return client.get(f"/events/{SLUG}/door/badge/{person_id}.pdf").status_code

    assert badge(phone, walk_in) == 200
    assert badge(phone, people[0]["id"]) == 404  # registered beforehand: not this door's
    assert badge(staff, walk_in) == 404  # another door's walk-in
    assert badge(staff, people[0]["id"]) == 404
    assert badge(organiser_client, people[0]["id"]) == 200


def test_upgrading_drops_the_stale_expiry_copy_and_downgrading_writes_it_back(ctx):
    """0013: a link made before its event's end moved follows the end after the upgrade."""
    from datetime import datetime

    from flask_migrate import downgrade, upgrade

    db.drop_all()
    upgrade(revision="0012_checkin_log")
    start, stale = datetime(2026, 11, 23, 2, 0), datetime(2026, 11, 23, 12, 0)
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                " venue_address, timezone, starts_at, ends_at, capacity, created_at, updated_at)"
                " VALUES (1, 'rakor', 'Rakor', 'Dekopinda', '', 'Aula', '', 'Asia/Jakarta',"
                " :start, :end, 50, :start, :start)"
            ),
            {"start": start, "end": start + timedelta(hours=3)},
        )
        connection.execute(
            sa.text(
                "INSERT INTO door_links (event_id, name, token, pin_hash, failed_attempts,"
                " created_at, expires_at) VALUES (1, 'Pintu Utara', 'tok', '-', 0, :start, :stale)"
            ),
            {"start": start, "stale": stale},
        )
    upgrade()
    link = db.session.scalar(sa.select(DoorLink))
    assert link.name == "Pintu Utara"
    assert link.expires_at.replace(tzinfo=None) == start + timedelta(hours=5)
    db.session.remove()
    downgrade(revision="0012_checkin_log")
    with db.engine.connect() as connection:
        expires = connection.execute(sa.text("SELECT expires_at FROM door_links")).scalar()
    assert str(expires).startswith("2026-11-23 07:00:00")
    downgrade(revision="base")
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
