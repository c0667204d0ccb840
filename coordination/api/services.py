"""API tokens: made for one event and a role, shown once, stored as a hash, revocable."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow

from .models import ApiToken, TokenRole

TOKEN_PREFIX = "rk_"
# last_used_at is a hint for the organiser, not an audit log: one write a minute is plenty.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def create_token(
    event: Event, role: str, name: str = "", created_by_id: int | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is never stored and never shown again."""
    if role not in set(TokenRole):
        raise DomainError("invalid_role")
    name = " ".join(name.split())[:60]
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits
    token = ApiToken(
        event_id=event.id,
        name=name or role,
        role=role,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        created_by_id=created_by_id,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


_tokens = ApiToken.__table__
# Read on every API call: a Core statement built once, a row rather than an object.
_ACTIVE_TOKEN = sa.select(
    _tokens.c.id, _tokens.c.event_id, _tokens.c.name, _tokens.c.role, _tokens.c.last_used_at
).where(_tokens.c.token_hash == sa.bindparam("token_hash"), _tokens.c.revoked_at.is_(None))


_events = Event.__table__
# A scan's token and the event at the slug it asked for, if that is the token's: a door's
# scan pays a round trip per statement on PostgreSQL, so the two come in one.
_ACTIVE_TOKEN_AT_EVENT = _ACTIVE_TOKEN.add_columns(
    _events.c.id.label("at_event_id"),
    _events.c.slug.label("at_event_slug"),
    _events.c.timezone.label("at_event_timezone"),
).outerjoin_from(
    _tokens,
    _events,
    sa.and_(_events.c.id == _tokens.c.event_id, _events.c.slug == sa.bindparam("slug")),
)


def token_for_secret(
    secret: str,
    now: datetime | None = None,
    connection: sa.Connection | None = None,
    slug: str | None = None,
) -> sa.Row | None:
    """The active token with this secret (id, event_id, name, role, last_used_at), its last
    use noted; None for anything else.

    slug: also read the token's event if it is at this slug (at_event_id, at_event_slug,
    at_event_timezone; None when the slug is another event's or no event's)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    read = (connection or db.session).execute
    params = {"token_hash": hash_token(secret)}
    if slug is not None:
        token = read(_ACTIVE_TOKEN_AT_EVENT, {**params, "slug": slug}).first()
    else:
        token = read(_ACTIVE_TOKEN, params).first()
    if token is None:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        _touch(token, now)
    return token


def _touch(token, now: datetime) -> None:
    """Note the token's use in a transaction of its own, committed at once.

    Written through the request's session, the update would open a write transaction
    held until the request ends: on SQLite, for the whole of a big document, while every
    check-in at the door waits for the one writer's lock and gives up."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(ApiToken)
            .where(
                ApiToken.id == token.id,
                sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_EVERY),
            )
            .values(last_used_at=now)
        )


def tokens_of(event: Event) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.event_id == event.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def token_of(event: Event, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.event_id != event.id:
        raise DomainError("unknown_token")
    return token


def revoke(token: ApiToken) -> None:
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()
