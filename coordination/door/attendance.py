"""Who is in the hall: counts, quorum and arrivals for the organiser's live dashboard."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Invitation, Registration, RegistrationStatus
from coordination.sorting import natural_key

from .models import Checkin, CheckinList, QuorumRule

BUCKET = timedelta(minutes=10)
ARRIVALS_SPAN = timedelta(hours=24)


@dataclass
class Quorum:
    rule: str
    needed: int
    have: int

    @property
    def met(self) -> bool:
        return self.have >= self.needed


@dataclass
class Attendance:
    registered: int
    present: int
    present_offline: int
    present_online: int
    invited: int
    invited_present: int
    organisations_invited: int
    organisations_invited_present: int
    quorum: Quorum | None
    arrivals: list[tuple[str, int]] = field(default_factory=list)
    by_organisation: list[tuple[str, int, int]] = field(default_factory=list)

    def as_json(self) -> dict:
        data = asdict(self)
        data["quorum"] = dict(asdict(self.quorum), met=self.quorum.met) if self.quorum else None
        return data


def _organisation_key(name: str) -> str:
    return " ".join(name.casefold().split())


def half_plus_one(count: int) -> int:
    return count // 2 + 1


def attendance(event: Event, checkin_list: CheckinList) -> Attendance:
    """The counts of one list; the main list's include those present online (who_came), and
    its quorum counts them as the event's rule says (Event.quorum_counts_online).

    Counted by the database: a few rows per organisation and per ten minutes reach Python,
    never a row per participant (an event of 10,000 stays fast)."""
    if checkin_list.is_default:
        on_list = Checkin.whole_event.is_(True)
    else:
        on_list = Checkin.list_id == checkin_list.id
    came = sa.and_(Checkin.registration_id == Registration.id, on_list)
    confirmed = sa.and_(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    online = Checkin.source == "online"
    # Who counts towards the quorum: everyone present, or only those in the hall.
    counted = Checkin.id.is_not(None) if event.quorum_counts_online else sa.not_(online)
    per_organisation = db.session.execute(
        sa.select(
            Registration.organisation,
            sa.func.count(),
            sa.func.count(Checkin.id),
            sa.func.count(Checkin.id).filter(Checkin.offline.is_(True)),
            sa.func.count(Checkin.id).filter(online),
            sa.func.count(Checkin.id).filter(counted),
        )
        .outerjoin(Checkin, came)
        .where(confirmed)
        .group_by(Registration.organisation)
    ).all()
    organisations: dict[str, list] = {}
    counted_orgs = set()
    registered = present = present_offline = present_online = counted_present = 0
    for organisation, people, arrived, offline, arrived_online, in_quorum in per_organisation:
        label = " ".join(organisation.split()) or "—"
        key = _organisation_key(organisation)
        row = organisations.setdefault(key, [label, 0, 0])
        row[1] += arrived
        row[2] += people
        if in_quorum:
            counted_orgs.add(key)
        registered += people
        present += arrived
        present_offline += offline
        present_online += arrived_online
        counted_present += in_quorum

    invitations = Invitation.event_id == event.id
    invited = db.session.scalar(sa.select(sa.func.count()).where(invitations))
    organisations_asked = sa.select(Invitation.organisation).where(invitations).distinct()
    invited_orgs = {
        _organisation_key(org) for org in db.session.scalars(organisations_asked) if org.strip()
    }
    invited_present, invited_counted = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(counted))
        .select_from(Invitation)
        .join(Registration, Registration.id == Invitation.registration_id)
        .join(Checkin, came)
        .where(invitations, confirmed)
    ).one()
    present_orgs = {key for key, row in organisations.items() if row[1] > 0}

    quorum = _quorum(
        event.quorum_rule,
        invited_orgs=invited_orgs,
        present_orgs=counted_orgs,
        invited=invited,
        invited_present=invited_counted,
        registered=registered,
        present=counted_present,
    )
    return Attendance(
        registered=registered,
        present=present,
        present_offline=present_offline,
        present_online=present_online,
        invited=invited,
        invited_present=invited_present,
        organisations_invited=len(invited_orgs),
        organisations_invited_present=len(invited_orgs & present_orgs),
        quorum=quorum,
        arrivals=_arrivals_counted(came, confirmed, event.timezone),
        by_organisation=sorted(
            (tuple(row) for row in organisations.values()),
            key=lambda row: (-row[1], natural_key(row[0])),
        ),
    )


def _ten_minutes(column) -> sa.ColumnElement[str]:
    """A stored UTC time cut to its ten minutes, as text: "2026-12-07 09:4"."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.substr(sa.func.to_char(column, "YYYY-MM-DD HH24:MI"), 1, 15)
    return sa.func.substr(sa.func.strftime("%Y-%m-%d %H:%M", column), 1, 15)


def _arrivals_counted(came, confirmed, timezone: str) -> list[tuple[str, int]]:
    """arrivals() of who came, counted per ten minutes by the database."""
    arrived = sa.select(Checkin.checked_in_at).join(Registration, came).where(confirmed)
    latest = db.session.scalar(
        sa.select(sa.func.max(Checkin.checked_in_at)).join(Registration, came).where(confirmed)
    )
    if latest is None:
        return []
    slot = _ten_minutes(Checkin.checked_in_at).label("slot")
    rows = db.session.execute(
        arrived.with_only_columns(slot, sa.func.count())
        .where(Checkin.checked_in_at > latest - ARRIVALS_SPAN)
        .group_by(slot)
    ).all()
    counts = Counter(
        {
            datetime.strptime(text + "0", "%Y-%m-%d %H:%M").replace(tzinfo=UTC): count
            for text, count in rows
        }
    )
    return _buckets(counts, timezone)


def _quorum(rule: str, **counts) -> Quorum | None:
    if rule == QuorumRule.INVITED_ORGANISATIONS and counts["invited_orgs"]:
        have = len(counts["invited_orgs"] & counts["present_orgs"])
        return Quorum(rule, half_plus_one(len(counts["invited_orgs"])), have)
    if rule == QuorumRule.INVITED_PEOPLE and counts["invited"]:
        return Quorum(rule, half_plus_one(counts["invited"]), counts["invited_present"])
    if rule == QuorumRule.REGISTERED and counts["registered"]:
        return Quorum(rule, half_plus_one(counts["registered"]), counts["present"])
    return None


def arrivals(times: list[datetime], timezone: str) -> list[tuple[str, int]]:
    """Arrivals per 10 minutes, labelled with the event's local clock ("13.10").

    Only the last day before the latest arrival is drawn: a paper sheet dated days earlier
    would otherwise stretch the chart over thousands of empty slots.
    """
    if not times:
        return []
    latest = max(times)
    times = [came for came in times if came > latest - ARRIVALS_SPAN]
    counts = Counter(
        came.replace(minute=came.minute - came.minute % 10, second=0, microsecond=0)
        for came in times
    )
    return _buckets(counts, timezone)


def _buckets(counts: Counter, timezone: str) -> list[tuple[str, int]]:
    """Every ten minutes from the first arrival to the last, empty ones too."""
    zone = ZoneInfo(timezone)
    first, last = min(counts), max(counts)
    buckets = []
    moment = first
    while moment <= last:
        local = moment.astimezone(zone)
        buckets.append((local.strftime("%H.%M"), counts.get(moment, 0)))
        moment += BUCKET
    return buckets
