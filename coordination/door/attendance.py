"""Who is in the hall: counts, quorum and arrivals for the organiser's live dashboard."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
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
    its quorum counts them as the event's rule says (Event.quorum_counts_online)."""
    if checkin_list.is_default:
        on_list = Checkin.whole_event.is_(True)
    else:
        on_list = Checkin.list_id == checkin_list.id
    people = db.session.execute(
        sa.select(
            Registration.id,
            Registration.organisation,
            Checkin.checked_in_at,
            Checkin.offline,
            Checkin.source,
        )
        .outerjoin(Checkin, sa.and_(Checkin.registration_id == Registration.id, on_list))
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    present_ids = {person_id for person_id, _, came, *_ in people if came is not None}
    online_ids = {person_id for person_id, *_, source in people if source == "online"}
    # Who counts towards the quorum: everyone present, or only those in the hall.
    counted_ids = present_ids if event.quorum_counts_online else present_ids - online_ids
    invitations = db.session.execute(
        sa.select(Invitation.organisation, Invitation.registration_id).where(
            Invitation.event_id == event.id
        )
    ).all()

    organisations: dict[str, list] = {}
    counted_orgs = set()
    for person_id, organisation, came, *_ in people:
        label = " ".join(organisation.split()) or "—"
        key = _organisation_key(organisation)
        row = organisations.setdefault(key, [label, 0, 0])
        row[2] += 1
        row[1] += came is not None
        if person_id in counted_ids:
            counted_orgs.add(key)
    invited_orgs = {_organisation_key(org) for org, _ in invitations if org.strip()}
    present_orgs = {key for key, row in organisations.items() if row[1] > 0}
    invited_present = sum(1 for _, reg_id in invitations if reg_id in present_ids)

    quorum = _quorum(
        event.quorum_rule,
        invited_orgs=invited_orgs,
        present_orgs=counted_orgs,
        invited=len(invitations),
        invited_present=sum(1 for _, reg_id in invitations if reg_id in counted_ids),
        registered=len(people),
        present=len(counted_ids),
    )
    return Attendance(
        registered=len(people),
        present=len(present_ids),
        present_offline=sum(1 for _, _, came, offline, _ in people if came is not None and offline),
        present_online=len(online_ids),
        invited=len(invitations),
        invited_present=invited_present,
        organisations_invited=len(invited_orgs),
        organisations_invited_present=len(invited_orgs & present_orgs),
        quorum=quorum,
        arrivals=arrivals([came for _, _, came, *_ in people if came is not None], event.timezone),
        by_organisation=sorted(
            (tuple(row) for row in organisations.values()),
            key=lambda row: (-row[1], natural_key(row[0])),
        ),
    )


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
    zone = ZoneInfo(timezone)
    counts = Counter(
        came.replace(minute=came.minute - came.minute % 10, second=0, microsecond=0)
        for came in times
    )
    first, last = min(counts), max(counts)
    buckets = []
    moment = first
    while moment <= last:
        local = moment.astimezone(zone)
        buckets.append((local.strftime("%H.%M"), counts.get(moment, 0)))
        moment += BUCKET
    return buckets
