"""The attendance paragraph of the minutes: how many were asked, came, or sent someone."""

from dataclasses import dataclass

import sqlalchemy as sa

from coordination.door.attendance import Quorum, attendance
from coordination.door.models import Checkin
from coordination.door.services import default_list
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class AttendanceSummary:
    invited: int
    registered: int
    present: int
    represented: int
    absent: int
    quorum: Quorum | None


def attendance_summary(event: Event) -> AttendanceSummary:
    main_list = default_list(event)
    counts = attendance(event, main_list)
    represented = db.session.scalar(
        sa.select(sa.func.count(Checkin.id))
        .join(Registration, Registration.id == Checkin.registration_id)
        .where(
            Checkin.list_id == main_list.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            sa.or_(
                sa.func.coalesce(Checkin.representative_name, "") != "",
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
    )
