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

from coordination.door.models import came
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_phone
from coordination.names import name_key
from coordination.registration.models import Registration, RegistrationStatus
from coordination.registration.representation import attendee
from coordination.selfcheckin.services import signatures_of

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
    on_behalf_of: str = ""  # "mewakili": the line names whoever came, for whom they came
    offline: bool = False
    source: str = ""  # how they were checked in (CheckinSource)
    signature: str = ""  # their digital signature's path (selfcheckin), if they signed
    nip: str = ""
    gender: str = ""  # L or P
    origin: str = ""  # dalam or luar (kota)


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
    """Confirmed participants for the sign sheet; for the record, those who came (who_came).

    A line names the person who came (or is expected) and on whose behalf, one way round
    whichever way the representation was recorded (see registration.representation)."""
    checkin = came(event.id)
    query = (
        sa.select(
            Registration.full_name,
            Registration.organisation,
            Registration.position,
            Registration.phone,
            Registration.represents_name,
            Registration.nip,
            Registration.gender,
            Registration.origin,
            checkin.checked_in_at,
            checkin.door_name,
            checkin.representative_name,
            checkin.offline,
            checkin.source,
            Registration.id,
        )
        .outerjoin(checkin, checkin.registration_id == Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    if kind == "record":
        query = query.where(checkin.id.is_not(None))
    order = {
        "organisation": (sa.func.lower(Registration.organisation),),
        "arrival": (checkin.checked_in_at,),
    }.get(sort, ())
    rows = db.session.execute(query.order_by(*order, Registration.sort_name, Registration.id))
    show_phone = format_phone if full_phone else mask_phone
    signed = signatures_of(event.id) if kind == "record" else {}
    lines = []
    for row in rows:
        who = attendee(row.full_name, row.represents_name, row.representative_name)
        lines.append(
            Line(
                number=0,
                name=who.name,
                organisation=row.organisation,
                position=row.position,
                phone=show_phone(row.phone),
                arrived_at=row.checked_in_at,
                door=row.door_name or "",
                on_behalf_of=who.on_behalf_of,
                offline=bool(row.offline),
                source=row.source or "",
                signature=signed.get(row.id, ""),
                nip=row.nip,
                gender=row.gender,
                origin=row.origin,
            )
        )
    if sort not in ("organisation", "arrival"):  # by the name shown, titles left out
        lines.sort(key=lambda line: name_key(line.name))
    for number, line in enumerate(lines, start=1):
        line.number = number
    return lines


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
