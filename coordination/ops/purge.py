"""Remove participants' contact data from events that ended long ago.

What goes, for every event that ended before the cut-off:
- the mobile number and e-mail address of every registration and invitation;
- the answers to the organiser's own questions (free text that may repeat a number or an
  address, collected for the meeting's logistics only);
- the event's outbox: the copies of the e-mails sent (address, body with the personal link),
  and their .eml files when mail went to the outbox folder instead of SMTP;
- the personal links (/r/..., /i/...): they are replaced by new secrets nobody knows, so a link
  left in an old mailbox no longer shows or edits anything.

What stays: names, organisation, position, "diwakili oleh", status, badge role and every
check-in with its time and door. That is the meeting's record (daftar hadir, certificates,
attendance and quorum counts, minutes), which organisers must be able to account for; contact
data had no purpose once the meeting was over. Door staff accounts are not participants and
are not touched.

Everything happens in the caller's transaction: the service only flushes.
"""

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.registration.models import (
    Answer,
    Invitation,
    Registration,
    new_link_token,
)

AGE = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE)
EML_NAME = re.compile(r"^(\d{8}T\d{12})-(\d+)\.eml$")
# Before the mail queue, files were named <stamp>-<hash of recipient> at the row's creation.
EML_WINDOW = timedelta(minutes=1)


def parse_age(text: str) -> timedelta:
    """'180d' or '26w' (days or weeks, at least one day); ValueError otherwise."""
    match = AGE.match(text or "")
    if not match:
        raise ValueError(text)
    number, unit = int(match.group(1)), match.group(2).lower()
    age = timedelta(days=number) if unit == "d" else timedelta(weeks=number)
    if age < timedelta(days=1):
        raise ValueError(text)
    return age


@dataclass
class EventPurge:
    """What is (or would be) removed from one event."""

    slug: str
    title: str
    ended_at: datetime
    purged_before: datetime | None
    contacts: int = 0  # registrations with a mobile or an e-mail
    invitation_contacts: int = 0
    answers: int = 0
    messages: int = 0
    files: list[Path] = field(default_factory=list)
    links: int = 0  # personal links replaced

    @property
    def anything(self) -> bool:
        return bool(
            self.contacts
            or self.invitation_contacts
            or self.answers
            or self.messages
            or self.files
            or self.links
        )


def events_ended_before(cutoff: datetime) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.ends_at < cutoff).order_by(Event.ends_at, Event.id)
        )
    )


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _has_contact(model):
    return sa.or_(model.phone.is_not(None), model.email.is_not(None))


def _registration_ids(event: Event):
    return sa.select(Registration.id).where(Registration.event_id == event.id)


def plan(cutoff: datetime, outbox_dir: Path | None) -> list[EventPurge]:
    """What a purge at this cut-off would remove, changing nothing."""
    found = []
    for event in events_ended_before(cutoff):
        item = EventPurge(event.slug, event.title, event.ends_at, event.personal_data_purged_at)
        item.contacts = _count(
            sa.select(Registration.id).where(
                Registration.event_id == event.id, _has_contact(Registration)
            )
        )
        item.invitation_contacts = _count(
            sa.select(Invitation.id).where(
                Invitation.event_id == event.id, _has_contact(Invitation)
            )
        )
        item.answers = _count(
            sa.select(Answer.id).where(Answer.registration_id.in_(_registration_ids(event)))
        )
        item.messages = _count(
            sa.select(OutboxMessage.id).where(OutboxMessage.event_id == event.id)
        )
        item.files = _outbox_files(event, outbox_dir)
        if event.personal_data_purged_at is None:
            item.links = _count(_registration_ids(event)) + _count(
                sa.select(Invitation.id).where(Invitation.event_id == event.id)
            )
        if item.anything:
            found.append(item)
    return found


def purge(cutoff: datetime, outbox_dir: Path | None, now: datetime | None = None) -> list:
    """Remove the contact data of events that ended before `cutoff`; flush, do not commit.

    The .eml files are deleted here too, before the caller commits: should the commit fail,
    running the command again finds the rows, and the files, that are left.
    """
    now = now or utcnow()
    done = plan(cutoff, outbox_dir)
    slugs = {item.slug for item in done}
    for event in events_ended_before(cutoff):
        if event.slug not in slugs:
            continue
        registrations = _registration_ids(event)
        db.session.execute(
            sa.update(Registration)
            .where(Registration.event_id == event.id, _has_contact(Registration))
            .values(phone=None, email=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(  # the civil-servant number typed for a government meeting's list
            sa.update(Registration)
            .where(Registration.event_id == event.id, Registration.nip != "")
            .values(nip="")
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(Invitation)
            .where(Invitation.event_id == event.id, _has_contact(Invitation))
            .values(phone=None, email=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.delete(Answer)
            .where(Answer.registration_id.in_(registrations))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.delete(OutboxMessage)
            .where(OutboxMessage.event_id == event.id)
            .execution_options(synchronize_session=False)
        )
        if event.personal_data_purged_at is None:
            _replace_links(event)
        event.personal_data_purged_at = event.personal_data_purged_at or now
    db.session.flush()
    for item in done:
        for path in item.files:
            path.unlink(missing_ok=True)
    db.session.expire_all()
    return done


def _replace_links(event: Event) -> None:
    """New secrets for the personal links: the old ones, in old mailboxes, open nothing."""
    for model, column in ((Registration, "link_token"), (Invitation, "token")):
        ids = db.session.scalars(sa.select(model.id).where(model.event_id == event.id)).all()
        if ids:
            db.session.execute(
                sa.update(model), [{"id": id_, column: new_link_token()} for id_ in ids]
            )


def forget_cached_documents(config) -> int:
    """Drop rendered documents (daftar hadir with full numbers) from a shared Redis cache.

    Each app process's own memory cache cannot be reached from here; its entries expire
    after CACHE_DEFAULT_TIMEOUT (six hours).
    """
    if config.get("CACHE_TYPE") != "RedisCache":
        return 0
    import redis

    client = redis.Redis.from_url(config["CACHE_REDIS_URL"])
    pattern = f"{config.get('CACHE_KEY_PREFIX', '')}doc:*"
    removed = 0
    for key in client.scan_iter(match=pattern, count=500):
        removed += client.delete(key)
    return removed


def _outbox_files(event: Event, outbox_dir: Path | None) -> list[Path]:
    """The .eml copies of this event's outbox rows: the same recipient and subject, and the
    row's id in the file name (<stamp>-<id>.eml) or, for files written before the mail queue,
    a stamp within a minute of the row."""
    if outbox_dir is None or not outbox_dir.is_dir():
        return []
    rows: dict[tuple[str, str], list[tuple[int, datetime]]] = {}
    for id_, recipient, subject, created_at in db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.created_at,
        ).where(OutboxMessage.event_id == event.id, OutboxMessage.transport == "file")
    ):
        rows.setdefault(((recipient or "").casefold(), subject), []).append((id_, created_at))
    if not rows:
        return []
    matches = []
    parser = email.parser.BytesHeaderParser(policy=email.policy.default)
    for path in sorted(outbox_dir.glob("*.eml")):
        name = EML_NAME.match(path.name)
        if not name:
            continue
        written = datetime.strptime(name.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        number = int(name.group(2))
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        key = (str(headers.get("To", "")).strip().casefold(), str(headers.get("Subject", "")))
        if any(
            number == id_ or abs(written - created_at) <= EML_WINDOW
            for id_, created_at in rows.get(key, ())
        ):
            matches.append(path)
    return matches
