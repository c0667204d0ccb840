"""flask purge-personal-data: contact data of long-past events goes, the record stays."""

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from coordination.door import services as door
from coordination.door.attendance import attendance
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.ops import purge
from coordination.paperwork.attendance_list import attendance_lines
from coordination.registration import notify
from coordination.registration.models import Answer, Invitation, Question, Registration
from coordination.registration.questions import QuestionData, add_question
from coordination.registration.services import ParticipantData, register

from . import factories

PEOPLE = 4


def event_by(slug: str) -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def _meeting(organiser_id: int, ended_days_ago: int) -> str:
    """An event with registrations, answers, an invitation, e-mails sent and two arrivals."""
    ends = utcnow() - timedelta(days=ended_days_ago)
    slug = factories.make_event(organiser_id, starts_at=ends - timedelta(hours=3), ends_at=ends)
    event = event_by(slug)
    question = add_question(event, QuestionData("Nomor WA lain", "short_text"))
    people = [
        register(
            event,
            ParticipantData(
                f"Peserta {n}", f"KUD Makmur {n % 2}", "Ketua", f"0812{n:08d}", f"p{n}@example.org"
            ),
            answers={question.id: f"0813{n:08d}"},
            by_organiser=True,
        )
        for n in range(PEOPLE)
    ]
    invited = Invitation(
        event_id=event.id,
        full_name="Peserta 0",
        organisation="KUD Makmur 0",
        phone="+6281200000000",
        email="p0@example.org",
        status="registered",
        registration_id=people[0].id,
    )
    db.session.add(invited)
    db.session.flush()
    notify.invited(invited)
    for person in people:
        notify.registered(person)
    checkin_list = door.default_list(event)
    door.admit(event, checkin_list, people[0], DoorActor("Pintu Utara"))
    door.admit(
        event, checkin_list, people[1], DoorActor("Pintu Selatan"), representative_name="Budi"
    )
    db.session.commit()
    return slug


@pytest.fixture
def meetings(app, make, organiser):
    """The old meeting (ended 200 days ago) and a recent one (10 days), the same people."""
    with app.test_request_context():
        return _meeting(organiser["id"], 200), _meeting(organiser["id"], 10)


def record_of(slug: str) -> dict:
    """What the daftar hadir and the dashboard show, apart from the mobile column."""
    event = event_by(slug)
    checkin_list = door.default_list(event)
    lines = attendance_lines(event, "record", sort="arrival")
    return {
        "attendance": attendance(event, checkin_list).as_json(),
        "record": [
            (line.name, line.organisation, line.position, line.arrived_at, line.door)
            + (line.on_behalf_of,)
            for line in lines
        ],
        "sheet": [line.name for line in attendance_lines(event, "sheet")],
    }


def state_of(slug: str) -> dict:
    event = event_by(slug)
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.event_id == event.id)
    ).all()
    ids = [p.id for p in people]
    return {
        "people": [(p.full_name, p.organisation, p.status, p.phone, p.email) for p in people],
        "tokens": [p.link_token for p in people] + [i.token for i in invitations],
        "invited": [(i.full_name, i.status, i.phone, i.email) for i in invitations],
        "answers": db.session.scalar(
            sa.select(sa.func.count(Answer.id)).where(Answer.registration_id.in_(ids))
        ),
        "questions": db.session.scalar(
            sa.select(sa.func.count(Question.id)).where(Question.event_id == event.id)
        ),
        "outbox": db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.event_id == event.id)
        ),
        "purged_at": event.personal_data_purged_at,
    }


def eml_subjects(app) -> list[str]:
    folder = Path(app.config["OUTBOX_DIR"])
    return sorted(
        p.read_bytes().split(b"Subject: ")[1].split(b"\n")[0].decode() for p in folder.glob("*.eml")
    )


def purge_command(runner, *args, **kwargs):
    return runner.invoke(args=["purge-personal-data", *args], **kwargs)


def test_purge_removes_contacts_of_long_past_events_and_keeps_the_record(
    app, runner, client, meetings
):
    old, recent = meetings
    with app.app_context():
        before = {slug: (record_of(slug), state_of(slug)) for slug in meetings}
    mails_before = len(eml_subjects(app))
    assert mails_before == 2 * (PEOPLE + 1)

    result = purge_command(runner, "--older-than", "180d", "--yes")

    assert result.exit_code == 0, result.output
    assert "Removed the personal data of 1 event(s)" in result.output
    with app.app_context():
        gone = state_of(old)
        assert gone["people"] == [
            (name, organisation, status, None, None)
            for name, organisation, status, _phone, _email in before[old][1]["people"]
        ]
        assert gone["invited"] == [("Peserta 0", "registered", None, None)]
        assert gone["answers"] == 0 and gone["questions"] == 1
        assert gone["outbox"] == 0
        assert gone["purged_at"] is not None
        assert not set(gone["tokens"]) & set(before[old][1]["tokens"])
        # The meeting's record reads exactly as before.
        assert record_of(old) == before[old][0]
        assert record_of(old)["attendance"]["present"] == 2
        # The recent meeting, with the same people, keeps everything.
        assert state_of(recent) == before[recent][1]
        assert record_of(recent) == before[recent][0]
    # Its e-mails (4 registrations and 1 invitation) left the outbox folder; the recent stay.
    assert len(eml_subjects(app)) == mails_before - 5
    # The links in old mailboxes open nothing any more.
    old_registration, old_invitation = before[old][1]["tokens"][0], before[old][1]["tokens"][-1]
    assert client.get(f"/r/{old_registration}").status_code == 404
    assert client.get(f"/i/{old_invitation}").status_code == 404
    assert client.get(f"/r/{before[recent][1]['tokens'][0]}").status_code == 200


def test_a_second_purge_finds_nothing_and_changes_nothing(app, runner, meetings):
    old, _recent = meetings
    assert purge_command(runner, "--older-than", "180d", "--yes").exit_code == 0
    with app.app_context():
        after_first = state_of(old)

    again = purge_command(runner, "--older-than", "180d", "--yes")

    assert again.exit_code == 0, again.output
    assert "Nothing to remove" in again.output
    with app.app_context():
        assert state_of(old) == after_first


def test_dry_run_lists_what_would_go_and_changes_nothing(app, runner, meetings):
    old, _recent = meetings
    with app.app_context():
        before = state_of(old)
    mails = eml_subjects(app)

    result = purge_command(runner, "--older-than", "180d", "--dry-run")

    assert result.exit_code == 0, result.output
    assert old in result.output and meetings[1] not in result.output
    assert (
        f"{PEOPLE} participants' mobile/e-mail, 1 invitees' mobile/e-mail, {PEOPLE} answers, "
        f"{PEOPLE + 1} outbox e-mails ({PEOPLE + 1} .eml files), {PEOPLE + 1} personal links"
    ) in result.output
    assert "Dry run: nothing was changed." in result.output
    with app.app_context():
        assert state_of(old) == before
    assert eml_subjects(app) == mails


def test_it_asks_first_and_no_keeps_everything(app, runner, meetings):
    old, _recent = meetings
    with app.app_context():
        before = state_of(old)

    declined = purge_command(runner, "--older-than", "180d", input="n\n")

    assert declined.exit_code != 0
    assert "Remove this personal data? It cannot be brought back." in declined.output
    with app.app_context():
        assert state_of(old) == before
    accepted = purge_command(runner, "--older-than", "180d", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    with app.app_context():
        assert state_of(old)["people"][0][3:] == (None, None)


@pytest.mark.parametrize(
    ("age", "purged"), [("26w", True), ("182d", True), ("30w", False), ("201d", False)]
)
def test_the_period_is_in_days_or_weeks(app, runner, meetings, age, purged):
    result = purge_command(runner, "--older-than", age, "--yes")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert (state_of(meetings[0])["people"][0][3] is None) is purged


@pytest.mark.parametrize("age", ["6 months", "180", "0d", "-5d", ""])
def test_a_period_it_cannot_read_is_refused(runner, age):
    result = purge_command(runner, "--older-than", age, "--yes")
    assert result.exit_code == 2
    assert "such as 180d or 26w" in result.output


def test_a_failure_half_way_leaves_everything_as_it_was(app, runner, meetings, monkeypatch):
    old, _recent = meetings
    with app.app_context():
        before = state_of(old)
    mails = eml_subjects(app)

    def broken(_event):
        raise RuntimeError("disk full")

    monkeypatch.setattr(purge, "_replace_links", broken)
    result = purge_command(runner, "--older-than", "180d", "--yes")

    assert isinstance(result.exception, RuntimeError)
    with app.app_context():
        db.session.rollback()
        assert state_of(old) == before
    assert eml_subjects(app) == mails


def test_rendered_documents_leave_a_shared_redis_cache():
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    import redis

    prefix = f"rakor-test-{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(redis_url)
    client.set(f"{prefix}doc:daftar-hadir", b"%PDF with +6281200000000")
    client.set(f"{prefix}limiter", b"1")
    config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix}
    try:
        assert purge.forget_cached_documents(config) == 1
        assert client.get(f"{prefix}doc:daftar-hadir") is None
        assert client.get(f"{prefix}limiter") == b"1"
    finally:
        client.delete(f"{prefix}doc:daftar-hadir", f"{prefix}limiter")


def test_eml_copies_delivered_late_or_before_the_queue_go_too(app, runner, meetings):
    """A worker may deliver hours later (<stamp>-<id>.eml); older files carry a recipient hash."""
    folder = Path(app.config["OUTBOX_DIR"])
    with app.app_context():
        event = event_by(meetings[0])
        rows = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id)
        ).all()
        late, legacy = rows[0], rows[1]
        late_name = f"-{late.id:08d}.eml"
        (late_file,) = [p for p in folder.glob("*.eml") if p.name.endswith(late_name)]
        later = late.created_at + timedelta(hours=5)
        late_file.rename(folder / f"{later:%Y%m%dT%H%M%S%f}{late_name}")
        (legacy_file,) = [
            p for p in folder.glob("*.eml") if p.name.endswith(f"-{legacy.id:08d}.eml")
        ]
        legacy_file.rename(folder / f"{legacy.created_at:%Y%m%dT%H%M%S%f}-73019246.eml")
    remaining = len(eml_subjects(app)) - (PEOPLE + 1)

    result = purge_command(runner, "--older-than", "180d", "--yes")

    assert result.exit_code == 0, result.output
    assert len(eml_subjects(app)) == remaining
