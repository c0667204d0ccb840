"""The rules of the minutes: one per event, drafts saved freely, final ones locked.

Every save carries the version it was edited from and fingerprints of what the editor showed;
a save from an older version is merged part by part, so two organisers never overwrite each
other unseen.
Finalising and reopening are logged with who and when, and a reopen needs a reason.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from hashlib import sha256

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.auth.models import User
from coordination.door.models import came_count
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow

from .models import ActionItem, Decision, Minutes, MinutesLogEntry, MinutesSection, MinutesStatus


def minutes_of(event: Event) -> Minutes:
    """The event's minutes, created on first use and kept in step with the agenda."""
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.event_id == event.id))
    if minutes is None:
        try:
            # Two organisers saving at once: one row wins, the other reads it.
            with db.session.begin_nested():
                minutes = _blank(event)
                db.session.add(minutes)
        except sa.exc.IntegrityError:
            minutes = db.session.scalar(sa.select(Minutes).where(Minutes.event_id == event.id))
    if not minutes.is_final:
        _add_missing_sections(event, minutes)
    db.session.flush()
    return minutes


def minutes_to_show(event: Event) -> Minutes:
    """The minutes as the editor and the draft PDF show them, written nowhere: a GET never
    writes. Before the first save they are a blank draft; sections of agenda items added
    since the last save are shown, and the next save makes them."""
    minutes = db.session.scalar(
        sa.select(Minutes)
        .where(Minutes.event_id == event.id)
        .options(
            so.selectinload(Minutes.sections).joinedload(MinutesSection.agenda_item),
            so.selectinload(Minutes.decisions),
            so.selectinload(Minutes.actions),
        )
    )
    if minutes is None:
        minutes = _blank(event)
        minutes.sections, minutes.decisions, minutes.actions = [], [], []
    elif not minutes.is_final:
        db.session.expunge(minutes)  # brought in step with the agenda below, not saved
    if not minutes.is_final:
        _add_missing_sections(event, minutes)
    return minutes


def _blank(event: Event) -> Minutes:
    """New minutes, every value set (a row not yet saved has no column defaults)."""
    return Minutes(
        event_id=event.id,
        status=MinutesStatus.DRAFT,
        version=1,
        signed_on=event.starts_at.date(),
        opened_at=event.starts_at,
        closed_at=event.ends_at,
        **{
            name: "" for name in PLAIN_FIELDS if name not in ("opened_at", "closed_at", "signed_on")
        },
    )


def _add_missing_sections(event: Event, minutes: Minutes) -> None:
    """A new agenda item gets its section; a removed one keeps its notes under its title."""
    covered = {section.agenda_item_id for section in minutes.sections}
    for position, item in enumerate(event.agenda):
        if item.id not in covered:
            minutes.sections.append(
                MinutesSection(
                    agenda_item_id=item.id, agenda_item=item, title=item.title, position=position
                )
            )
        else:
            for section in minutes.sections:
                if section.agenda_item_id == item.id:
                    section.position, section.title = position, item.title


@dataclass
class SectionText:
    id: int  # 0 for a section the editor showed before it was saved
    discussion: str = ""
    conclusions: str = ""
    agenda_item_id: int | None = None


def section_key(section: "MinutesSection | SectionText") -> str:
    """A section's id, or for one not saved yet its agenda item's: "item-12"."""
    return str(section.id) if section.id else f"item-{section.agenda_item_id}"


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
    chair_nip: str = ""
    taker_name: str = ""
    taker_position: str = ""
    taker_nip: str = ""
    signed_place: str = ""
    signed_on: date | None = None
    sections: list[SectionText] = field(default_factory=list)
    decisions: list[DecisionText] = field(default_factory=list)
    actions: list[ActionText] = field(default_factory=list)
    # Fingerprints of what the editor showed (see fingerprints()), to merge a stale save.
    base: dict[str, str] | None = None


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
    "chair_nip",
    "taker_name",
    "taker_position",
    "taker_nip",
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


def _decision_rows(decisions) -> tuple:
    return tuple(
        (d.text, d.votes_for, d.votes_against, d.abstentions) for d in decisions if d.text.strip()
    )


def _action_rows(actions) -> tuple:
    return tuple((a.what, a.who, a.due_on) for a in actions if a.what.strip())


def parts(source: "Minutes | MinutesText") -> dict:
    """The minutes as separately mergeable parts: each field, each section's text, each list."""
    found = {name: getattr(source, name) for name in PLAIN_FIELDS}
    for section in source.sections:
        found[f"sections.{section_key(section)}.discussion"] = section.discussion
        found[f"sections.{section_key(section)}.conclusions"] = section.conclusions
    found["decisions"] = _decision_rows(source.decisions)
    found["actions"] = _action_rows(source.actions)
    return found


# The whole text of the minutes, every field, section, decision and action together: some
# 25 pages, which lay out in about a second. 30 decisions of 20,000 characters took 9.5 s.
MAX_TEXT = 60_000


def text_length(source: "Minutes | MinutesText") -> int:
    """How many characters of text the minutes hold, all parts together."""

    def length(value) -> int:
        if isinstance(value, str):
            return len(value)
        if isinstance(value, tuple | list):
            return sum(length(part) for part in value)
        return 0

    return sum(length(value) for value in parts(source).values())


def _normal(value):
    """The same text or moment however it arrived: CRLF from a browser, any time zone."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, tuple):
        return tuple(_normal(part) for part in value)
    return value


def fingerprint(value) -> str:
    return sha256(repr(_normal(value)).encode()).hexdigest()[:16]


def fingerprints(minutes: Minutes) -> dict[str, str]:
    return {key: fingerprint(value) for key, value in parts(minutes).items()}


def _apply(minutes: Minutes, changes: dict) -> None:
    by_id = {section.id: section for section in minutes.sections}
    for key, value in changes.items():
        if key in PLAIN_FIELDS:
            setattr(minutes, key, value)
        elif key == "decisions":
            minutes.decisions = [
                Decision(
                    position=n, text=text, votes_for=yes, votes_against=no, abstentions=abstained
                )
                for n, (text, yes, no, abstained) in enumerate(value)
            ]
        elif key == "actions":
            minutes.actions = [
                ActionItem(position=n, what=what, who=who, due_on=due_on)
                for n, (what, who, due_on) in enumerate(value)
            ]
        else:
            _, section_id, name = key.split(".")
            if section := by_id.get(int(section_id)):
                setattr(section, name, value)


def save(minutes: Minutes, text: MinutesText, user: User) -> list[str]:
    """Save the editor's text; returns the parts both this editor and a colleague changed.

    A save from an older version is merged part by part: what this editor left alone keeps
    the colleague's newer text, what only this editor changed is taken, and a part both
    changed keeps the colleague's text and is returned, so the editor can decide.
    """
    _lock(minutes)
    if minutes.is_final:
        raise DomainError("minutes_final")
    if text_length(text) > MAX_TEXT:
        raise DomainError("minutes_too_long", length=text_length(text))
    _match_new_sections(minutes, text)
    mine = parts(text)
    conflicts = []
    if text.version != minutes.version:
        if text.base is None:
            raise DomainError("minutes_stale")
        theirs = parts(minutes)
        changes = {}
        for key, value in mine.items():
            base = text.base.get(key)
            if fingerprint(value) in (base, fingerprint(theirs.get(key))):
                continue
            if fingerprint(theirs.get(key)) == base:
                changes[key] = value
            else:
                conflicts.append(key)
        mine = changes
    _apply(minutes, mine)
    _touch(minutes, user)
    return conflicts


def _match_new_sections(minutes: Minutes, text: MinutesText) -> None:
    """Sections the editor showed before they were saved: the ones minutes_of made now."""
    made = {s.agenda_item_id: s.id for s in minutes.sections if s.agenda_item_id}
    renamed = {}
    for section in text.sections:
        if not section.id and section.agenda_item_id in made:
            old = f"sections.{section_key(section)}."
            section.id = made[section.agenda_item_id]
            renamed[old] = f"sections.{section.id}."
    if text.base and renamed:
        text.base = {
            next(
                (new + key[len(old) :] for old, new in renamed.items() if key.startswith(old)), key
            ): value
            for key, value in text.base.items()
        }


def _touch(minutes: Minutes, user: User) -> None:
    minutes.version += 1
    minutes.updated_at = utcnow()
    minutes.updated_by_id = user.id
    db.session.flush()


def missing_for_final(minutes: Minutes) -> list[str]:
    """What signed minutes cannot do without: the two who sign, and where and when."""
    required = ("chair_name", "taker_name", "signed_place", "signed_on")
    return [name for name in required if not getattr(minutes, name)]


def votes_over_present(minutes: Minutes, present: int) -> Decision | None:
    """The first decision with more votes (for, against and abstaining) than people present;
    fewer votes than present is fine (not everyone votes)."""
    for decision in minutes.decisions:
        votes = [decision.votes_for, decision.votes_against, decision.abstentions]
        if any(v is not None for v in votes) and sum(v or 0 for v in votes) > present:
            return decision
    return None


def meeting_stage(event: Event, now: datetime | None = None) -> str:
    """Where the meeting stands by its schedule: "before", "during" or "after"."""
    now = now or utcnow()
    if now < event.starts_at:
        return "before"
    return "during" if now < event.ends_at else "after"


def finalise(minutes: Minutes, user: User, version: int) -> Minutes:
    _lock(minutes)
    if minutes.is_final:
        raise DomainError("minutes_final")
    if version != minutes.version:
        raise DomainError("minutes_stale")
    if missing := missing_for_final(minutes):
        raise DomainError("minutes_incomplete", missing=missing)
    present = came_count(minutes.event_id)
    if decision := votes_over_present(minutes, present):
        votes = sum(
            v or 0 for v in (decision.votes_for, decision.votes_against, decision.abstentions)
        )
        raise DomainError(
            "votes_exceed_present", decision=decision.text, votes=votes, present=present
        )
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
