"""The attendance paragraph of the minutes: how many were asked, came, or sent someone."""

import json
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from coordination.door.attendance import Quorum, attendance
from coordination.door.models import came
from coordination.door.services import default_list
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration


@dataclass(frozen=True)
class AttendanceSummary:
    invited: int
    registered: int
    present: int
    represented: int
    absent: int
    quorum: Quorum | None
    present_online: int = 0  # of those present (minutes finalised before hybrid had none)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "AttendanceSummary":
        data = json.loads(text)
        quorum = Quorum(**data.pop("quorum")) if data.get("quorum") else None
        data.pop("quorum", None)
        return cls(**data, quorum=quorum)


def summary_for(event: Event, minutes) -> AttendanceSummary:
    """Final minutes keep the attendance they were signed with; drafts show it live."""
    if minutes.is_final and minutes.final_summary:
        return AttendanceSummary.from_json(minutes.final_summary)
    return attendance_summary(event)


def attendance_summary(event: Event) -> AttendanceSummary:
    main_list = default_list(event)
    counts = attendance(event, main_list)
    checkin = came(event.id)
    represented = db.session.scalar(
        sa.select(sa.func.count(checkin.id))
        .join(Registration, Registration.id == checkin.registration_id)
        .where(
            sa.or_(
                sa.func.coalesce(checkin.representative_name, "") != "",
                sa.func.coalesce(Registration.represents_name, "") != "",
            ),
        )
    )
    return AttendanceSummary(
        invited=counts.invited,
        registered=counts.registered,
        present=counts.present,
        represented=represented or 0,
        absent=counts.registered - counts.present,
        quorum=counts.quorum,
        present_online=counts.present_online,
    )
