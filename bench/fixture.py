"""What the document benchmarks render from: a fresh app and an event of COUNT people."""

import tempfile
from contextlib import contextmanager
from datetime import timedelta


@contextmanager
def event_with_people(count: int, starts_in: timedelta, capacity: int | None = None):
    """Yields (event, people) inside a request context of a new app on its own SQLite file."""
    from coordination import create_app
    from coordination.auth.services import create_user
    from coordination.config import TestConfig
    from coordination.events.services import EventData, create_event
    from coordination.extensions import db, utcnow
    from coordination.registration.models import Registration

    workdir = tempfile.mkdtemp()
    app = create_app(TestConfig(f"sqlite:///{workdir}/bench.sqlite3"))
    with app.test_request_context():
        db.create_all()
        user = create_user("bench@example.org", "organiser", "bench-password")
        now = utcnow()
        event = create_event(
            EventData(
                title="Rakor Koperasi Se-Jawa Timur",
                organising_body="Dekopinwil Jawa Timur",
                venue_name="Aula",
                starts_at=now + starts_in,
                ends_at=now + starts_in + timedelta(hours=3),
                capacity=capacity or count,
            ),
            user,
        )
        people = [
            Registration(
                event_id=event.id,
                full_name=f"Peserta Rakor Nomor {n}",
                organisation=f"Koperasi Serba Usaha Nomor {n}",
                position="Ketua",
                phone=f"+62812{n:08d}",
            )
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.commit()
        yield event, people
