"""One place for each rule: seats, who came, representation, mail status, votes, name order.

Each test is a bug an organiser or participant met: the record and the seat rules must agree
with what happened."""

import csv
import io
from datetime import timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import sqlalchemy as sa

from coordination.auth.models import User
from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.minutes import services as minutes
from coordination.paperwork.attendance_list import attendance_lines
from coordination.registration.models import Invitation, Registration

from . import factories

SLUG = "rakor-aturan"


def event_of() -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def person(name: str) -> Registration:
    return db.session.scalar(sa.select(Registration).where(Registration.full_name == name))


def outbox_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
    ).all()


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)
    )


@pytest.fixture
def open_event(app, ctx, organiser):
    """An event a week ahead with registration open; make(capacity=..., ...) sets it up."""
    now = utcnow()

    def make(**overrides):
        values = dict(
            slug=SLUG,
            capacity=3,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=3),
            registration_opens_at=now - timedelta(days=1),
        )
        factories.make_event(organiser["id"], **(values | overrides))
        return event_of()

    return make


def register(client, name: str, phone: str, email: str = "", path: str = f"/e/{SLUG}", **more):
    data = {"full_name": name, "organisation": "KUD", "position": "Ketua", "phone": phone}
    return client.post(path, data={**data, "email": email, **more})


def invite(event: Event, name: str, email: str | None = None, phone: str | None = None):
    invitation = Invitation(event_id=event.id, full_name=name, email=email, phone=phone)
    db.session.add(invitation)
    db.session.commit()
    return invitation


# --- Representation ------------------------------------------------------------------------


def test_a_representative_is_on_the_record_as_who_came_on_behalf_of_the_invitee(
    client, open_event, as_user, organiser
):
    """Hj. Khoiriyah sends Ahmad Mujib; Lina is represented at the door by Sri Wahyuni. The
    record names who came, each on behalf of the one they came for, one way round."""
    event = open_event(capacity=10)
    khoiriyah = invite(event, "Hj. Khoiriyah", email="khoiriyah@example.org")
    register(
        client,
        "Ahmad Mujib",
        "0812-7000-0001",
        path=f"/i/{khoiriyah.token}",
        representative="y",
    )
    register(client, "Lina Marlina", "0812-7000-0002")
    main = door.default_list(event)
    door.admit(event, main, person("Ahmad Mujib"), DoorActor("Pintu Utara"))
    door.admit(
        event,
        main,
        person("Lina Marlina"),
        DoorActor("Pintu Utara"),
        representative_name="Sri Wahyuni",
    )
    db.session.commit()

    record = [(line.name, line.on_behalf_of) for line in attendance_lines(event, "record")]
    assert record == [("Ahmad Mujib", "Hj. Khoiriyah"), ("Sri Wahyuni", "Lina Marlina")]
    client = as_user(organiser)
    text = pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record").data)
    assert "Mewakili" in text and "Diwakili oleh" not in text
    # The export: one meaning per column, on each registration's own row.
    export = client.get(
        f"/events/{SLUG}/export.csv?columns=name&columns=representative&columns=on_behalf_of"
        "&separator=comma"
    )
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[0] == ["Nama", "Diwakili oleh", "Mewakili"]
    assert ["Ahmad Mujib", "", "Hj. Khoiriyah"] in rows
    assert ["Lina Marlina", "Sri Wahyuni", ""] in rows


def test_the_door_does_not_record_a_representative_as_represented_by_their_invitee(
    client, open_event
):
    event = open_event(capacity=10)
    khoiriyah = invite(event, "Hj. Khoiriyah", email="khoiriyah@example.org")
    register(
        client, "Ahmad Mujib", "0812-7000-0001", path=f"/i/{khoiriyah.token}", representative="y"
    )
    checkin = door.admit(
        event,
        door.default_list(event),
        person("Ahmad Mujib"),
        DoorActor("Pintu Utara"),
        representative_name="hj.  Khoiriyah",
    )
    assert checkin.representative_name is None


def test_the_upgrade_corrects_check_ins_written_the_wrong_way_round(ctx):
    from flask_migrate import downgrade, upgrade

    db.drop_all()
    upgrade(revision="0021_link_reminders")
    start = utcnow().replace(tzinfo=None, microsecond=0)
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
        for id_, name, represents in ((1, "Ahmad Mujib", "Hj. Khoiriyah"), (2, "Lina", None)):
            run(
                sa.text(
                    "INSERT INTO registrations (id, event_id, full_name, organisation, position,"
                    " status, link_token, checkin_code, created_at, status_changed_at,"
                    " represents_name) VALUES (:id, 1, :name, '', '', 'confirmed', :token,"
                    " :code, :start, :start, :represents)"
                ),
                {
                    "id": id_,
                    "name": name,
                    "token": f"t{id_}",
                    "code": f"C{id_}",
                    "start": start,
                    "represents": represents,
                },
            )
        run(
            sa.text(
                "INSERT INTO checkin_lists (id, event_id, name, is_default) VALUES (1, 1, '', true)"
            )
        )
        for registration_id, representative in ((1, " hj. khoiriyah"), (2, "Sri Wahyuni")):
            run(
                sa.text(
                    "INSERT INTO checkins (list_id, registration_id, checked_in_at, recorded_at,"
                    " door_name, source, offline, representative_name) VALUES (1, :id, :at,"
                    " :at, 'Pintu Utara', 'manual', false, :rep)"
                ),
                {"id": registration_id, "at": start, "rep": representative},
            )
    upgrade()
    with db.engine.connect() as connection:
        stored = dict(
            connection.execute(
                sa.text("SELECT registration_id, representative_name FROM checkins")
            ).all()
        )
    assert stored == {1: None, 2: "Sri Wahyuni"}  # Ahmad came himself, for Hj. Khoiriyah
    downgrade(revision="base")
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()


# --- Seats kept for invitees -----------------------------------------------------------------


def test_an_invitee_takes_a_kept_seat_after_the_public_filled_theirs(
    client, open_event, as_user, organiser
):
    event = open_event(capacity=3, reserved_seats=1)
    official = invite(event, "Drs. H. Sutrisno", email="sutrisno@example.org")
    register(client, "Ani", "0812-7100-0001")
    register(client, "Budi", "0812-7100-0002")
    # The public sees only the seats left after the one kept for the invitee.
    page = client.get(f"/e/{SLUG}").text
    assert "Masuk daftar tunggu" in page
    register(client, "Citra", "0812-7100-0003")
    assert person("Citra").status == "waiting"
    invitation_page = client.get(f"/i/{official.token}").text
    assert "Masuk daftar tunggu" not in invitation_page
    register(client, "Drs. H. Sutrisno", "0812-7100-0004", path=f"/i/{official.token}")
    assert person("Drs. H. Sutrisno").status == "confirmed"
    as_user(organiser)
    assert "3 dari 3 kursi" in client.get(f"/events/{SLUG}").text


def test_an_invitee_waiting_for_a_seat_is_not_shown_as_registered(
    client, open_event, as_user, organiser
):
    event = open_event(capacity=1)
    official = invite(event, "Dr. Nur'aini", email="nuraini@example.org")
    register(client, "Ani", "0812-7100-0001")
    register(client, "Dr. Nur'aini", "0812-7100-0005", path=f"/i/{official.token}")
    assert person("Dr. Nur'aini").status == "waiting"
    as_user(organiser)
    row = client.get(f"/events/{SLUG}/invitations").text.split("Dr. Nur&#39;aini")[1]
    assert "Daftar tunggu" in row.split("</tr>")[0] and "Terdaftar" not in row.split("</tr>")[0]


def test_a_declined_invitation_gives_its_kept_seat_to_the_first_in_line(client, open_event):
    event = open_event(capacity=2, reserved_seats=1)
    official = invite(event, "K.H. Abdul Wahid", phone="+6281271000099")
    register(client, "Ani", "0812-7100-0001", email="ani@example.org")
    register(client, "Budi", "0812-7100-0002", email="budi@example.org")
    assert person("Budi").status == "waiting"
    client.post(f"/i/{official.token}/decline")
    assert person("Budi").status == "confirmed"
    [told] = [m for m in outbox_to("budi@example.org") if "kursi" in m.subject.lower()]
    assert told.subject.startswith("Anda mendapat kursi")


def test_unclaimed_kept_seats_go_to_the_waiting_list_at_the_release_date(
    app, runner, client, open_event
):
    event = open_event(
        capacity=2, reserved_seats=1, reservations_release_at=utcnow() + timedelta(days=2)
    )
    invite(event, "Hj. Siti Aminah", email="siti@example.org")
    register(client, "Ani", "0812-7100-0001", email="ani@example.org")
    register(client, "Budi", "0812-7100-0002", email="budi@example.org")
    assert person("Budi").status == "waiting"
    assert runner.invoke(args=["release-seats"]).output.startswith("0 event")
    event = event_of()
    event.reservations_release_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert runner.invoke(args=["release-seats"]).output.startswith("1 event")
    db.session.expire_all()
    assert person("Budi").status == "confirmed"
    assert any(m.subject.startswith("Anda mendapat kursi") for m in outbox_to("budi@example.org"))


# --- Nobody moves up silently ----------------------------------------------------------------


def test_a_seat_freed_by_a_participant_is_phoned_through_when_the_next_gave_only_a_mobile(
    client, open_event, as_user, organiser
):
    open_event(capacity=1)
    register(client, "Ani", "0812-7200-0001", email="ani@example.org")
    register(client, "Bapak Rahmat", "0812-7200-0002")  # a mobile, no e-mail
    client.post(f"/r/{person('Ani').link_token}/cancel", data={"confirm": "yes"})
    assert person("Bapak Rahmat").status == "confirmed"
    as_user(organiser)
    page = client.get(f"/events/{SLUG}").text
    calls = page.split('id="calls"')[1]
    assert "Bapak Rahmat" in calls and "0812-7200-0002" in calls
    link = calls.split('href="https://wa.me/')[1].split('"')[0]
    number, _, text = link.partition("?text=")
    assert number == "6281272000002"
    assert f"/r/{person('Bapak Rahmat').link_token}" in unquote(text.replace("&amp;", "&"))
    # Told: off the list.
    client.post(f"/events/{SLUG}/participants/{person('Bapak Rahmat').id}/called")
    assert 'id="calls"' not in client.get(f"/events/{SLUG}").text


# --- Mail says what happened -----------------------------------------------------------------


def test_importing_invitees_without_a_mail_server_says_they_are_only_in_the_outbox(
    client, open_event, as_user, organiser
):
    open_event()
    as_user(organiser)
    content = b"nama;hp;email\nSiti;0812-7300-0001;siti@example.org\n"
    page = client.post(
        f"/events/{SLUG}/invitations",
        data={"file": (io.BytesIO(content), "undangan.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).text
    assert "dikirim lewat e-mail" not in page
    assert "hanya disimpan di kotak keluar" in page


def test_repeated_attempts_with_a_known_mobile_remind_the_registrant_at_most_hourly(
    client, open_event
):
    open_event(capacity=5)
    register(client, "Siti", "0812-7400-0001", email="siti@example.org")
    for attempt in range(4):
        register(client, f"Orang {attempt}", "0812-7400-0001", email=f"x{attempt}@example.org")
    # The registration e-mail and one reminder: not five e-mails.
    assert len(outbox_to("siti@example.org")) == 2
    registration = person("Siti")
    registration.link_resent_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    register(client, "Orang 5", "0812-7400-0001")
    assert len(outbox_to("siti@example.org")) == 3


# --- Votes ----------------------------------------------------------------------------------


def test_finalising_refuses_a_decision_with_more_votes_than_people_present(
    app, client, open_event, as_user, organiser
):
    event = open_event(capacity=10)
    people = factories.make_participants(SLUG, 3)
    main = door.default_list(event)
    minutes_ = minutes.minutes_of(event)
    minutes_.chair_name, minutes_.taker_name, minutes_.signed_place = "Joko", "Siti", "Probolinggo"
    minutes_.signed_on = event.starts_at.date()
    db.session.commit()
    user = db.session.get(User, organiser["id"])

    def decide(*votes):
        minutes.save(
            minutes_,
            minutes.MinutesText(
                version=minutes_.version,
                **{name: getattr(minutes_, name) for name in minutes.PLAIN_FIELDS},
                decisions=[minutes.DecisionText("Pendataan ulang koperasi", *votes)],
            ),
            user,
        )

    decide(3, 0, 0)  # votes, and nobody present
    with pytest.raises(DomainError) as refused:
        minutes.finalise(minutes_, user, minutes_.version)
    assert refused.value.code == "votes_exceed_present"
    assert refused.value.details["decision"] == "Pendataan ulang koperasi"
    for one in people[:2]:
        door.admit(event, main, db.session.get(Registration, one["id"]), DoorActor("Pintu"))
    decide(2, 1, 0)  # 3 votes, 2 present
    db.session.commit()
    client = as_user(organiser)
    client.post(f"/events/{SLUG}/minutes/finalise", data={"version": minutes_.version})
    page = client.get(f"/events/{SLUG}/minutes").text
    assert "Pendataan ulang koperasi" in page and "3 suara" in page and "2 orang hadir" in page
    minutes_ = minutes.minutes_of(event_of())  # as the requests left it
    user = db.session.get(User, organiser["id"])
    assert not minutes_.is_final
    decide(1, 0, 0)  # fewer votes than present is fine
    minutes.finalise(minutes_, user, minutes_.version)
    assert minutes_.is_final


# --- Names and arrival times on the record ----------------------------------------------------


def test_names_sort_by_the_name_not_the_honorific_everywhere(
    client, open_event, as_user, organiser
):
    event = open_event(capacity=10)
    for n, name in enumerate(["Hj. Siti Aminah", "Dr. Nur'aini, M.Si.", "Bambang", "K.H. Ahmad"]):
        db.session.add(Registration(event_id=event.id, full_name=name, phone=f"+62812750000{n}"))
    db.session.commit()
    expected = ["K.H. Ahmad", "Bambang", "Dr. Nur'aini, M.Si.", "Hj. Siti Aminah"]
    assert [line.name for line in attendance_lines(event, "sheet")] == expected
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/participants?sort=name").text
    assert [page.index(name.replace("'", "&#39;")) for name in expected] == sorted(
        page.index(name.replace("'", "&#39;")) for name in expected
    )
    export = client.get(f"/events/{SLUG}/export.csv?columns=name").data.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(export))][1:] == expected


def test_the_record_dates_an_arrival_on_another_day_than_the_events_first(
    client, open_event, as_user, organiser
):
    event = open_event(capacity=10)
    [early, on_time] = factories.make_participants(SLUG, 2)
    main = door.default_list(event)
    door.admit(
        event,
        main,
        db.session.get(Registration, early["id"]),
        DoorActor("Pintu"),
        at=event.starts_at - timedelta(days=1),  # a paper sheet from the day before
        source="paper",
    )
    door.admit(
        event,
        main,
        db.session.get(Registration, on_time["id"]),
        DoorActor("Pintu"),
        at=event.starts_at,
    )
    db.session.commit()
    client = as_user(organiser)
    text = pdf_text(client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record").data)
    zone = ZoneInfo(event.timezone)
    day_before = (event.starts_at - timedelta(days=1)).astimezone(zone)
    first = event.starts_at.astimezone(zone)
    assert f"{day_before.day}/{day_before.month}/{day_before:%y} {day_before:%H.%M}" in text
    assert f"{first.day}/{first.month}/{first:%y}" not in text  # the meeting day: a clock
    assert f"{first:%H.%M}" in text
