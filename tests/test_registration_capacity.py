"""The capacity rule under simultaneous submissions, on SQLite and on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration import services
from coordination.registration.models import Registration, RegistrationStatus

from . import factories


@pytest.fixture
def open_event(app, organiser):
    """An upcoming event with registration open; returns a function taking the capacity."""

    def build(capacity: int, waitlist: bool = True) -> int:
        now = utcnow()
        with app.app_context():
            slug = factories.make_event(
                organiser["id"],
                capacity=capacity,
                starts_at=now + timedelta(days=7),
                ends_at=now + timedelta(days=7, hours=3),
                registration_opens_at=now - timedelta(days=1),
            )
            event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
            event.waitlist_enabled = waitlist
            db.session.commit()
            return event.id

    return build


def person(n: int) -> services.ParticipantData:
    return services.ParticipantData(
        full_name=f"Peserta {n}", organisation=f"KUD {n}", phone=f"0812-0000-{n:04d}"
    )


def test_forty_simultaneous_registrations_for_25_seats(app, open_event):
    event_id = open_event(capacity=25)
    start = threading.Barrier(40)
    errors = []

    def submit(n: int):
        start.wait()  # before touching the pool, so no thread holds a connection while waiting
        with app.app_context():
            try:
                services.register(db.session.get(Event, event_id), person(n))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(Registration.status).where(Registration.event_id == event_id)
        ).all()
    assert statuses.count(RegistrationStatus.CONFIRMED) == 25
    assert statuses.count(RegistrationStatus.WAITING) == 15


def test_cancellation_promotes_the_first_waiting_person(ctx, open_event):
    event = db.session.get(Event, open_event(capacity=2))
    first, second, third, fourth = (services.register(event, person(n)) for n in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
    assert services.waiting_position(fourth) == 2
    promoted = services.cancel(first)
    assert promoted == [third]
    assert third.status == RegistrationStatus.CONFIRMED
    assert services.waiting_position(fourth) == 1


def test_full_event_without_waiting_list_refuses(ctx, open_event):
    event = db.session.get(Event, open_event(capacity=1, waitlist=False))
    services.register(event, person(1))
    with pytest.raises(DomainError) as refused:
        services.register(event, person(2))
    assert refused.value.code == "event_full"


def test_same_mobile_in_another_form_gets_no_second_seat(ctx, open_event):
    event = db.session.get(Event, open_event(capacity=5))
    first = services.register(event, person(7))
    again = services.ParticipantData(full_name="Orang Lain", phone="+62 812 0000 0007")
    with pytest.raises(DomainError) as refused:
        services.register(event, again)
    assert refused.value.code == "already_registered"
    assert refused.value.details["registration"] is first


def test_someone_who_cancelled_may_register_again(ctx, open_event):
    event = db.session.get(Event, open_event(capacity=5))
    first = services.register(event, person(3))
    services.cancel(first)
    again = services.register(event, person(3))
    assert again.id != first.id and again.status == RegistrationStatus.CONFIRMED
    assert first.status == RegistrationStatus.CANCELLED and first.phone is None


def test_a_cancelled_mobile_registered_again_is_a_registration_of_its_own(ctx, open_event):
    """Someone else may hold that mobile now: the old link and badge open nothing of theirs."""
    from coordination.door import services as door
    from coordination.door.services import DoorActor

    event = db.session.get(Event, open_event(capacity=5))
    first = services.register(event, person(4))
    old_link, old_code = first.link_token, first.checkin_code
    services.cancel(first)
    stranger = services.ParticipantData(full_name="Orang Lain", phone="+62 812 0000 0004")
    again = services.register(event, stranger)
    assert again.link_token != old_link and again.checkin_code != old_code
    # The old link still shows only the cancelled registration, now without contact details.
    shown = services.by_link_token(old_link)
    assert shown.full_name == "Peserta 4" and shown.phone is None
    assert shown.status == RegistrationStatus.CANCELLED
    with pytest.raises(DomainError) as refused:
        door.check_in_code(event, door.default_list(event), old_code, DoorActor("Pintu Utara"))
    assert refused.value.code == "cancelled"


def test_registration_outside_the_window_is_refused(ctx, open_event):
    event = db.session.get(Event, open_event(capacity=5))
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(DomainError) as refused:
        services.register(event, person(1))
    assert refused.value.code == "registration_closed"


@pytest.mark.parametrize(
    "raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 34567890"]
)
def test_usual_forms_of_a_mobile_number_are_stored_alike(raw):
    assert services.normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["0812", "021-5551234", "halo", "+1 202"])
def test_numbers_that_are_not_mobiles_are_refused(raw):
    with pytest.raises(DomainError):
        services.normalise_phone(raw)


def _all_at_once(app, count: int, register) -> list[str]:
    """Run register(n) for n in range(count) in threads released together; the outcomes."""
    start = threading.Barrier(count)
    outcomes = []

    def submit(n: int):
        start.wait()
        with app.app_context():
            try:
                register(n)
                db.session.commit()
                outcomes.append("registered")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_forty_at_once_for_25_seats_without_waiting_list_seat_25_and_turn_15_away(app, open_event):
    event_id = open_event(capacity=25, waitlist=False)
    outcomes = _all_at_once(
        app, 40, lambda n: services.register(db.session.get(Event, event_id), person(n))
    )
    assert sorted(set(outcomes)) == ["event_full", "registered"]
    assert outcomes.count("registered") == 25
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(Registration.status).where(Registration.event_id == event_id)
        ).all()
    assert statuses == [RegistrationStatus.CONFIRMED] * 25


def test_the_same_mobile_sent_ten_times_at_once_registers_once(app, open_event):
    event_id = open_event(capacity=25)
    outcomes = _all_at_once(
        app, 10, lambda n: services.register(db.session.get(Event, event_id), person(1))
    )
    assert sorted(outcomes) == ["already_registered"] * 9 + ["registered"]
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event_id)
        )
    assert count == 1


def test_a_new_registration_reads_back_as_it_was_given(app, open_event):
    event_id = open_event(capacity=5)
    with app.app_context():
        before = utcnow()
        given = services.register(db.session.get(Event, event_id), person(4))
        db.session.commit()
        token, code = given.link_token, given.checkin_code
    with app.app_context():
        stored = db.session.scalar(sa.select(Registration).where(Registration.link_token == token))
        assert (stored.full_name, stored.organisation, stored.phone) == (
            "Peserta 4",
            "KUD 4",
            "+6281200000004",
        )
        assert stored.status == RegistrationStatus.CONFIRMED and stored.role == "participant"
        assert stored.checkin_code == code and stored.represents_name is None
        assert before <= stored.created_at == stored.status_changed_at <= utcnow()


def test_kept_seats_hold_when_the_public_and_invitees_register_at_once(app, open_event):
    """25 seats, 5 kept for invitees: of 30 of the public and 5 invitees at once, the public
    gets 20 seats and waits for the rest, and every invitee gets a seat."""
    from coordination.registration import invitations
    from coordination.registration.models import Invitation

    event_id = open_event(capacity=25)
    with app.app_context():
        db.session.get(Event, event_id).reserved_seats = 5
        invited = [
            Invitation(event_id=event_id, full_name=f"Undangan {n}", phone=f"+6281300000{n:02d}")
            for n in range(5)
        ]
        db.session.add_all(invited)
        db.session.commit()
        invitation_ids = [invitation.id for invitation in invited]

    def register(n: int):
        if n < 5:
            invitation = db.session.get(Invitation, invitation_ids[n])
            data = services.ParticipantData(full_name=invitation.full_name, phone=invitation.phone)
            invitations.accept(invitation, data)
        else:
            services.register(db.session.get(Event, event_id), person(n))

    assert set(_all_at_once(app, 35, register)) == {"registered"}
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.full_name, Registration.status).where(
                Registration.event_id == event_id
            )
        ).all()
    invitees = [status for name, status in rows if name.startswith("Undangan")]
    public = [status for name, status in rows if name.startswith("Peserta")]
    assert invitees == [RegistrationStatus.CONFIRMED] * 5
    assert public.count(RegistrationStatus.CONFIRMED) == 20
    assert public.count(RegistrationStatus.WAITING) == 10
