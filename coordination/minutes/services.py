"""The rules of the minutes: one per event, drafts saved freely, final ones locked.

Every save carries the version it was edited from; a save from an older version is refused
(the editor keeps the typed text), so two organisers never overwrite each other unseen.
Finalising and reopening are logged with who and when, and a reopen needs a reason.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from coordination.auth.models import User
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow

from .models import ActionItem, Decision, Minutes, MinutesLogEntry, MinutesSection, MinutesStatus


def minutes_of(event: Event) -> Minutes:
    """The event's minutes, created on first use and kept in step with the agenda."""
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.event_id == event.id))
    if minutes is None:
        try:
            # Two organisers opening the editor at once: one row wins, the other reads it.
            with db.session.begin_nested():
                minutes = Minutes(
                    event_id=event.id,
                    signed_on=event.starts_at.date(),
                    opened_at=event.starts_at,
                    closed_at=event.ends_at,
                )
                db.session.add(minutes)
        except sa.exc.IntegrityError:
            minutes = db.session.scalar(sa.select(Minutes).where(Minutes.event_id == event.id))
    if not minutes.is_final:
        _add_missing_sections(event, minutes)
    db.session.flush()
    return minutes


def _add_missing_sections(event: Event, minutes: Minutes) -> None:
    """A new agenda item gets its section; a removed one keeps its notes under its title."""
    covered = {section.agenda_item_id for section in minutes.sections}
    for position, item in enumerate(event.agenda):
        if item.id not in covered:
            minutes.sections.append(
                MinutesSection(agenda_item_id=item.id, title=item.title, position=position)
            )
        else:
            for section in minutes.sections:
                if section.agenda_item_id == item.id:
                    section.position, section.title = position, item.title


@dataclass
class SectionText:
    id: int
    discussion: str = ""
    conclusions: str = ""


@dataclass
class DecisionText:
    text: str
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None


@dataclass
class ActionText:
    what: str
    who: str = ""
    due_on: date | None = None


@dataclass
class MinutesText:
    """Everything the editor sends, as plain values."""

    version: int
    letterhead_address: str = ""
    opened_by: str = ""
    opened_at: datetime | None = None
    opening: str = ""
    closed_at: datetime | None = None
    closing: str = ""
    next_meeting: str = ""
    chair_name: str = ""
    chair_position: str = ""
    taker_name: str = ""
    taker_position: str = ""
    signed_place: str = ""
    signed_on: date | None = None
    sections: list[SectionText] = field(default_factory=list)
    decisions: list[DecisionText] = field(default_factory=list)
    actions: list[ActionText] = field(default_factory=list)


PLAIN_FIELDS = (
    "letterhead_address",
    "opened_by",
    "opened_at",
    "opening",
    "closed_at",
    "closing",
    "next_meeting",
    "chair_name",
    "chair_position",
    "taker_name",
    "taker_position",
    "signed_place",
    "signed_on",
)


def _lock(minutes: Minutes) -> Minutes:
    """Re-read the row under a write lock, so the version check and the save are one step."""
    db.session.execute(
        sa.update(Minutes).where(Minutes.id == minutes.id).values(version=Minutes.version)
    )
    db.session.refresh(minutes)
    return minutes


def save(minutes: Minutes, text: MinutesText, user: User) -> Minutes:
    _lock(minutes)
    if minutes.is_final:
        raise DomainError("minutes_final")
    if text.version != minutes.version:
        raise DomainError("minutes_stale", saved_by=minutes.updated_by_id)
    for name in PLAIN_FIELDS:
        setattr(minutes, name, getattr(text, name))
    by_id = {section.id: section for section in minutes.sections}
    for sent in text.sections:
        if section := by_id.get(sent.id):
            section.discussion, section.conclusions = sent.discussion, sent.conclusions
    minutes.decisions = [
        Decision(
            position=n,
            text=d.text,
            votes_for=d.votes_for,
            votes_against=d.votes_against,
            abstentions=d.abstentions,
        )
        for n, d in enumerate(text.decisions)
        if d.text.strip()
    ]
    minutes.actions = [
        ActionItem(position=n, what=a.what, who=a.who, due_on=a.due_on)
        for n, a in enumerate(text.actions)
        if a.what.strip()
    ]
    _touch(minutes, user)
    return minutes


def _touch(minutes: Minutes, user: User) -> None:
    minutes.version += 1
    minutes.updated_at = utcnow()
    minutes.updated_by_id = user.id
    db.session.flush()


def missing_for_final(minutes: Minutes) -> list[str]:
    """What signed minutes cannot do without: the two who sign, and where and when."""
    required = ("chair_name", "taker_name", "signed_place", "signed_on")
    return [name for name in required if not getattr(minutes, name)]


def finalise(minutes: Minutes, user: User, version: int) -> Minutes:
    _lock(minutes)
    if minutes.is_final:
        raise DomainError("minutes_final")
    if version != minutes.version:
        raise DomainError("minutes_stale")
    if missing := missing_for_final(minutes):
        raise DomainError("minutes_incomplete", missing=missing)
    minutes.status = MinutesStatus.FINAL
    minutes.finalised_at = utcnow()
    minutes.finalised_by = user
    _log(minutes, "finalised", user)
    _touch(minutes, user)
    return minutes


def reopen(minutes: Minutes, user: User, reason: str) -> Minutes:
    _lock(minutes)
    if not minutes.is_final:
        raise DomainError("minutes_not_final")
    if not reason.strip():
        raise DomainError("reason_required")
    minutes.status = MinutesStatus.DRAFT
    minutes.finalised_at = None
    minutes.finalised_by_id = None
    minutes.final_pdf = None
    minutes.final_summary = None
    _log(minutes, "reopened", user, reason.strip())
    _touch(minutes, user)
    return minutes


def _log(minutes: Minutes, action: str, user: User, reason: str = "") -> None:
    db.session.add(
        MinutesLogEntry(
            minutes_id=minutes.id,
            action=action,
            reason=reason,
            user_id=user.id,
            user_name=user.name,
        )
    )


def log_of(minutes: Minutes) -> list[MinutesLogEntry]:
    return list(
        db.session.scalars(
            sa.select(MinutesLogEntry)
            .where(MinutesLogEntry.minutes_id == minutes.id)
            .order_by(MinutesLogEntry.at.desc(), MinutesLogEntry.id.desc())
        )
    )
