"""The check-in service: every door's scan decided once, with a reason a volunteer can read."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination.badges.services import reissue_code
from coordination.door import attendance as attendance_rules
from coordination.door import offline, services
from coordination.door.models import Checkin, QuorumRule
from coordination.door.services import DoorActor
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration.models import Invitation, Registration

from . import factories

NORTH = DoorActor(name="Pintu Utara")


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event, organiser["id"], slug="rakor-pintu", capacity=100)


def event_by(slug: str) -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def reason(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_eight_doors_scanning_one_badge_at_once_make_one_check_in(app, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    with app.app_context():
        services.default_list(event_by(event_slug))
        db.session.commit()
    start = threading.Barrier(8)
    outcomes, failures = [], []

    def scan(door: int):
        start.wait()
        with app.app_context():
            event = event_by(event_slug)
            try:
                actor = DoorActor(f"Pintu {door}")
                if door % 2:
                    # The door page's way: its own connection, each scan committed at once.
                    with services.scan_connection() as connection:
                        services.check_in_code(
                            event,
                            services.default_list(event),
                            person["code"],
                            actor,
                            connection=connection,
                        )
                else:
                    # The API's way: inside the request's transaction.
                    services.check_in_code(
                        event, services.default_list(event), person["code"], actor
                    )
                    db.session.commit()
                outcomes.append("checked_in")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except Exception as error:  # noqa: BLE001 - a lock error must fail the test
                db.session.rollback()
                failures.append(repr(error))

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(outcomes) == ["already_checked_in"] * 7 + ["checked_in"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1
        log = services.log_of(event_by(event_slug))
        assert [entry.action for entry, _person in log] == ["check_in"]


def test_second_scan_says_when_and_where_the_person_came_in(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    checkin_list = services.default_list(event)
    first = services.check_in_code(event, checkin_list, person["code"], NORTH)
    with pytest.raises(DomainError) as again:
        services.check_in_code(event, checkin_list, person["code"], DoorActor("Pintu Selatan"))
    assert again.value.code == "already_checked_in"
    assert again.value.details["checkin"].id == first.id
    assert again.value.details["checkin"].door_name == "Pintu Utara"


def test_codes_typed_by_hand_or_by_a_scanner_are_forgiven_case_and_dashes(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    messy = "-".join(person["code"][i : i + 5] for i in range(0, 27, 5)).lower()
    checkin = services.check_in_code(event, services.default_list(event), f" {messy}\n", NORTH)
    assert checkin.registration_id == person["id"]


def test_every_refusal_has_its_own_reason(ctx, make, organiser, event_slug):
    (cancelled,) = make(factories.make_participants, event_slug, 1, status="cancelled")
    (waiting,) = make(factories.make_participants, event_slug, 1, status="waiting")
    (reissued,) = make(factories.make_participants, event_slug, 1)
    other_slug = make(factories.make_event, organiser["id"], slug="rakor-lain")
    (stranger,) = make(factories.make_participants, other_slug, 1)
    reissue_code(db.session.get(Registration, reissued["id"]))
    event = event_by(event_slug)
    checkin_list = services.default_list(event)

    def scan(code):
        return lambda: services.check_in_code(event, checkin_list, code, NORTH)

    assert reason(scan("NOTACODE")) == "unknown_code"
    assert reason(scan("")) == "unknown_code"
    assert reason(scan(stranger["code"])) == "wrong_event"
    assert reason(scan(cancelled["code"])) == "cancelled"
    assert reason(scan(waiting["code"])) == "waitlisted"
    assert reason(scan(reissued["code"])) == "revoked_code"
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0


def test_a_wrong_event_refusal_tells_nothing_about_the_other_events_person(
    ctx, make, organiser, event_slug
):
    other_slug = make(factories.make_event, organiser["id"], slug="rakor-lain")
    (stranger,) = make(factories.make_participants, other_slug, 1)
    event = event_by(event_slug)
    with pytest.raises(DomainError) as refused:
        services.check_in_code(event, services.default_list(event), stranger["code"], NORTH)
    assert refused.value.details == {}


def test_a_scan_sent_twice_with_its_nonce_counts_once(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    checkin_list = services.default_list(event)
    first = services.check_in_code(event, checkin_list, person["code"], NORTH, nonce="n-1")
    again = services.check_in_code(event, checkin_list, person["code"], NORTH, nonce="n-1")
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 1


def test_an_offline_scan_keeps_the_time_it_was_made_within_a_day(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    now = utcnow()
    made = now - timedelta(minutes=7)
    at = services.moment(made.timestamp() * 1000, now=now)
    checkin = services.check_in_code(
        event, services.default_list(event), person["code"], NORTH, at=at, offline=True
    )
    assert abs((checkin.checked_in_at - made).total_seconds()) < 0.01
    assert checkin.offline
    # A phone with a clock in the future, or a week behind, is held to reason.
    assert services.moment((now + timedelta(hours=3)).timestamp() * 1000, now=now) == now
    assert services.moment(0, now=now) == now - services.OFFLINE_HORIZON
    assert services.moment("soon", now=now) == now


def test_undo_takes_a_check_in_back_and_the_log_keeps_both(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    checkin_list = services.default_list(event)
    checkin = services.check_in_code(event, checkin_list, person["code"], NORTH)
    services.undo(event, checkin, DoorActor("Siti"))
    assert services.present_on(checkin_list, db.session.get(Registration, person["id"])) is None
    actions = [entry.action for entry, _ in services.log_of(event)]
    assert actions == ["undo", "check_in"]
    services.check_in_code(event, checkin_list, person["code"], NORTH)  # may come in again


def test_session_lists_have_their_own_check_ins_and_time_windows(ctx, make, event_slug):
    (person,) = make(factories.make_participants, event_slug, 1)
    event = event_by(event_slug)
    now = utcnow()
    morning = services.add_list(event, "Sesi 1", now - timedelta(hours=1), now + timedelta(hours=1))
    later = services.add_list(event, "Sesi 2", now + timedelta(hours=2), None)
    services.check_in_code(event, services.default_list(event), person["code"], NORTH)
    services.check_in_code(event, morning, person["code"], NORTH)
    assert reason(lambda: services.check_in_code(event, later, person["code"], NORTH)) == (
        "list_closed"
    )
    assert reason(lambda: services.add_list(event, "Mundur", now, now - timedelta(1))) == (
        "window_reversed"
    )
    assert reason(lambda: services.remove_list(event, morning)) == "list_in_use"
    services.remove_list(event, later)
    assert [item.name for item in services.lists_of(event)] == ["", "Sesi 1"]


def test_paper_sheet_marks_many_and_skips_those_already_in(ctx, make, event_slug):
    people = make(factories.make_participants, event_slug, 5)
    event = event_by(event_slug)
    checkin_list = services.default_list(event)
    services.check_in_code(event, checkin_list, people[0]["code"], NORTH)
    marked, already = services.mark_present_from_paper(
        event, checkin_list, [p["id"] for p in people], DoorActor("Siti")
    )
    assert (marked, already) == (4, 1)
    sources = db.session.scalars(sa.select(Checkin.source).order_by(Checkin.id)).all()
    assert sources == ["scan", "paper", "paper", "paper", "paper"]


def test_offline_copy_reveals_a_person_only_to_a_phone_that_scanned_them(ctx, make, event_slug):
    people = make(factories.make_participants, event_slug, 3)
    event = event_by(event_slug)
    checkin_list = services.default_list(event)
    services.check_in_code(event, checkin_list, people[0]["code"], NORTH)
    copy = offline.snapshot(event, checkin_list, {"participant": "Peserta"})
    from base64 import b64decode

    salt = b64decode(copy["salt"])
    text = str(copy)
    for person in people:
        assert person["name"] not in text and person["code"] not in text
        assert "example.org" not in text and "+62812" not in text
    first = offline.open_sealed(
        people[0]["code"], salt, copy["entries"][offline.lookup_of(people[0]["code"], salt)]
    )
    assert first["n"] == people[0]["name"] and first["s"] == "confirmed" and first["t"]
    second = copy["entries"][offline.lookup_of(people[1]["code"], salt)]
    assert offline.open_sealed(people[1]["code"], salt, second)["t"] is None
    with pytest.raises(Exception):  # noqa: B017 - any decryption failure will do
        offline.open_sealed(people[2]["code"], salt, second)


def test_quorum_is_half_plus_one_of_invited_organisations(ctx, make, event_slug):
    people = make(factories.make_participants, event_slug, 4)
    event = event_by(event_slug)
    for person in people + [{"organisation": "KUD Tidak Datang", "id": None}]:
        db.session.add(
            Invitation(
                event_id=event.id,
                full_name="Undangan",
                organisation=person["organisation"].upper(),
                registration_id=person["id"],
            )
        )
    event.quorum_rule = QuorumRule.INVITED_ORGANISATIONS
    checkin_list = services.default_list(event)
    early = event.starts_at - timedelta(minutes=30)
    for person in people[:2]:
        services.check_in_code(event, checkin_list, person["code"], NORTH, at=early)
    summary = attendance_rules.attendance(event, checkin_list)
    assert (summary.registered, summary.present, summary.invited) == (4, 2, 5)
    assert (summary.quorum.needed, summary.quorum.have, summary.quorum.met) == (3, 2, False)
    services.check_in_code(event, checkin_list, people[2]["code"], NORTH, at=early)
    assert attendance_rules.attendance(event, checkin_list).quorum.met
    assert sum(count for _, count in attendance_rules.attendance(event, checkin_list).arrivals) == 3


def test_a_nonce_reused_for_another_person_does_not_swallow_their_check_in(
    ctx, make, organiser, event_slug
):
    first, second = make(factories.make_participants, event_slug, 2)
    other_slug = make(factories.make_event, organiser["id"], slug="rakor-lain")
    (elsewhere,) = make(factories.make_participants, other_slug, 1)
    event, other = event_by(event_slug), event_by(other_slug)
    services.check_in_code(event, services.default_list(event), first["code"], NORTH, nonce="n")
    services.check_in_code(event, services.default_list(event), second["code"], NORTH, nonce="n")
    services.check_in_code(other, services.default_list(other), elsewhere["code"], NORTH, nonce="n")
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 3


def test_the_arrivals_chart_covers_the_meeting_not_a_stray_check_in_years_away():
    from datetime import UTC, datetime

    from coordination.door.attendance import arrivals

    start = datetime(2030, 3, 15, 2, 0, tzinfo=UTC)
    times = [start + timedelta(minutes=m) for m in (-20, 5, 7, 31)]
    stray = datetime(2018, 11, 23, 6, 0, tzinfo=UTC)  # a paper sheet dated years before
    chart = arrivals([*times, stray], "Asia/Jakarta")
    assert chart == [
        ("08.40", 1),
        ("08.50", 0),
        ("09.00", 2),
        ("09.10", 0),
        ("09.20", 0),
        ("09.30", 1),
    ]
