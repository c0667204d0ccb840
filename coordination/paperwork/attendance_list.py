"""Who goes on the daftar hadir, in which order, and how each line reads.

Pages are cut by the app, not by WeasyPrint: every page has room for a fixed number of
fixed-height rows, its own letterhead and column heads, and "Halaman X dari Y" known in advance.
A line takes one row, or more when a long text needs them (known from the font before layout).
That keeps a list of a thousand names a cheap block layout instead of a long table to split.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa

from coordination.door.models import Checkin, CheckinList
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_phone
from coordination.registration.models import Registration, RegistrationStatus

LINES_PER_PAGE = {"sheet": 16, "record": 12}
SORTS = ("name", "organisation", "arrival")
T = TypeVar("T")


@dataclass
class Line:
    number: int
    name: str
    organisation: str
    position: str
    phone: str
    arrived_at: datetime | None = None
    door: str = ""
    representative: str = ""
    offline: bool = False


def mask_phone(phone: str | None) -> str:
    """0812-3456-7890 becomes ••••-••••-7890: enough to tell people apart, not to call them."""
    shown = format_phone(phone)
    digits = sum(ch.isdigit() for ch in shown)
    seen = 0
    masked = []
    for ch in shown:
        if ch.isdigit():
            seen += 1
            masked.append(ch if seen > digits - 4 else "•")
        else:
            masked.append("" if ch == "+" else ch)
    return "".join(masked)


def attendance_lines(
    event: Event, kind: str = "sheet", sort: str = "name", full_phone: bool = False
) -> list[Line]:
    """Confirmed participants for the sign sheet; for the record, those who came in."""
    main_list = sa.select(CheckinList.id).where(
        CheckinList.event_id == event.id, CheckinList.is_default.is_(True)
    )
    query = (
        sa.select(
            Registration.full_name,
            Registration.organisation,
            Registration.position,
            Registration.phone,
            Registration.represents_name,
            Checkin.checked_in_at,
            Checkin.door_name,
            Checkin.representative_name,
            Checkin.offline,
        )
        .outerjoin(
            Checkin,
            sa.and_(
                Checkin.registration_id == Registration.id,
                Checkin.list_id.in_(main_list.scalar_subquery()),
            ),
        )
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    if kind == "record":
        query = query.where(Checkin.id.is_not(None))
    name = sa.func.lower(Registration.full_name)
    order = {
        "name": (name,),
        "organisation": (sa.func.lower(Registration.organisation), name),
        "arrival": (Checkin.checked_in_at, name),
    }.get(sort, (name,))
    rows = db.session.execute(query.order_by(*order, Registration.id)).all()
    show_phone = format_phone if full_phone else mask_phone
    return [
        Line(
            number=n,
            name=row.full_name,
            organisation=row.organisation,
            position=row.position,
            phone=show_phone(row.phone),
            arrived_at=row.checked_in_at,
            door=row.door_name or "",
            representative=row.representative_name or row.represents_name or "",
            offline=bool(row.offline),
        )
        for n, row in enumerate(rows, start=1)
    ]


def pages(lines: list[T], per_page: int, rows: Callable[[T], int] | None = None) -> list[list[T]]:
    """Lines cut into pages of at most `per_page` rows, a line taking `rows(line)` of them (one
    if not given); an empty list still makes one page (with blank lines to sign)."""
    cut: list[list[T]] = [[]]
    used = 0
    for line in lines:
        taken = min(rows(line), per_page) if rows else 1
        if used + taken > per_page:
            cut.append([])
            used = 0
        cut[-1].append(line)
        used += taken
    return cut
