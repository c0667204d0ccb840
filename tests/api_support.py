"""Helpers of the API tests: tokens, headers and an event body."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coordination.api import services as tokens
from coordination.events.models import Event
from coordination.extensions import db


def make_token(slug: str, role: str, name: str = "") -> str:
    """A token for the event; the secret back, as the organiser would copy it."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    _token, secret = tokens.create_token(event, role, name)
    db.session.commit()
    return secret


def bearer(secret: str, language: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {secret}"}
    if language:
        headers["Accept-Language"] = language
    return headers


def event_body(**overrides) -> dict:
    starts = datetime(2031, 5, 20, 2, 0, tzinfo=UTC)
    body = {
        "title": "Rakor Sinkronisasi Program",
        "organising_body": "Dekopinda Kabupaten Probolinggo",
        "venue_name": "Aula Bale Hinggil",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "capacity": 40,
    }
    body.update(overrides)
    return body
