"""Small factories: each builds one valid object through the services and commits it."""

from datetime import UTC, datetime, timedelta
from itertools import count

from coordination.auth.services import create_user
from coordination.events.services import EventData, create_event
from coordination.extensions import db

_seq = count(1)
PASSWORD = "correct-horse-9"


def make_user(role: str = "organiser", email: str | None = None, name: str = "") -> dict:
    """Create an account; return plain values so tests need no app context to use them."""
    n = next(_seq)
    user = create_user(email or f"user{n}@example.org", role, PASSWORD, name or f"User {n}")
    db.session.commit()
    return {"id": user.id, "email": user.email, "password": PASSWORD, "name": user.name}


def event_data(**overrides) -> EventData:
    n = next(_seq)
    starts = datetime(2030, 3, 15, 2, 0, tzinfo=UTC)  # 09.00 WIB
    values = {
        "title": f"Rapat Koordinasi {n}",
        "organising_body": "Dekopinda Kabupaten Probolinggo",
        "venue_name": "Aula Bale Hinggil",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "capacity": 50,
    }
    values.update(overrides)
    return EventData(**values)


def make_event(creator_id: int, **overrides) -> str:
    """Create an event owned by the given user; return its slug."""
    from coordination.auth.models import User

    event = create_event(event_data(**overrides), db.session.get(User, creator_id))
    db.session.commit()
    return event.slug


def make_event_under_way(creator_id: int, **overrides) -> str:
    """An event that began an hour ago and ends in three: its door is open now."""
    now = datetime.now(UTC)
    when = {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(hours=3)}
    return make_event(creator_id, **{"capacity": 100, **when, **overrides})


def make_participants(event_slug: str, count_: int, status: str = "confirmed", **extra) -> list:
    """Registrations added straight to the table (no capacity rule): plain values back."""
    import sqlalchemy as sa

    from coordination.events.models import Event
    from coordination.registration.models import Registration

    event = db.session.scalar(sa.select(Event).where(Event.slug == event_slug))
    people = []
    for _ in range(count_):
        n = next(_seq)
        person = Registration(
            event_id=event.id,
            full_name=f"Peserta {n}",
            organisation=extra.get("organisation") or f"KUD Sumber Rejeki {n}",
            position="Ketua",
            phone=f"+62812{n:08d}",
            email=f"peserta{n}@example.org",
            status=status,
        )
        db.session.add(person)
        people.append(person)
    db.session.commit()
    return [
        {"id": p.id, "code": p.checkin_code, "name": p.full_name, "organisation": p.organisation}
        for p in people
    ]
