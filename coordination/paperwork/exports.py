"""Participants and attendance as CSV or XLSX, with the columns the organiser picks."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from coordination.door.models import Checkin, CheckinList
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time, format_phone
from coordination.registration.models import Registration


@dataclass(frozen=True)
class Column:
    label: object  # lazily translated: headers follow the UI language
    value: Callable


def _when(event: Event, moment) -> str:
    return format_event_time(moment, event.timezone, "short") if moment else ""


STATUS = {"confirmed": _l("Confirmed"), "waiting": _l("Waiting list"), "cancelled": _l("Cancelled")}
ROLE = {
    "participant": _l("Participant"),
    "speaker": _l("Speaker"),
    "committee": _l("Committee"),
    "guest": _l("Invited guest"),
}
COLUMNS: dict[str, Column] = {
    "name": Column(_l("Name"), lambda e, r, c: r.full_name),
    "organisation": Column(_l("Organisation"), lambda e, r, c: r.organisation),
    "position": Column(_l("Position"), lambda e, r, c: r.position),
    "phone": Column(_l("Mobile number"), lambda e, r, c: format_phone(r.phone)),
    "email": Column(_l("E-mail"), lambda e, r, c: r.email or ""),
    "status": Column(_l("Status"), lambda e, r, c: str(STATUS.get(r.status, r.status))),
    "role": Column(_l("Badge ribbon"), lambda e, r, c: str(ROLE.get(r.role, r.role))),
    "registered_at": Column(_l("Registered"), lambda e, r, c: _when(e, r.created_at)),
    "checked_in_at": Column(
        _l("Arrived"), lambda e, r, c: _when(e, c.checked_in_at if c else None)
    ),
    "door": Column(_l("Door"), lambda e, r, c: c.door_name if c else ""),
    "representative": Column(
        _l("Represented by"),
        lambda e, r, c: (c.representative_name if c else None) or r.represents_name or "",
    ),
}
DEFAULT_COLUMNS = ["name", "organisation", "position", "phone", "email", "status", "checked_in_at"]
# A cell starting with one of these is a formula to Excel and LibreOffice: a name like
# "=HYPERLINK(...)" must arrive as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def chosen(columns: list[str]) -> list[str]:
    picked = [name for name in columns if name in COLUMNS]
    return picked or DEFAULT_COLUMNS


def rows(event: Event, columns: list[str]):
    """The header, then one row per registration, in name order."""
    main_list = sa.select(CheckinList.id).where(
        CheckinList.event_id == event.id, CheckinList.is_default.is_(True)
    )
    query = (
        sa.select(Registration, Checkin)
        .outerjoin(
            Checkin,
            sa.and_(
                Checkin.registration_id == Registration.id,
                Checkin.list_id.in_(main_list.scalar_subquery()),
            ),
        )
        .where(Registration.event_id == event.id)
        .order_by(sa.func.lower(Registration.full_name), Registration.id)
    )
    yield [str(COLUMNS[name].label) for name in columns]
    for person, checkin in db.session.execute(query):
        yield [safe_cell(str(COLUMNS[name].value(event, person, checkin))) for name in columns]


def to_csv(event: Event, columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(rows(event, columns))
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8


def to_xlsx(event: Event, columns: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Peserta")
    for row in rows(event, columns):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
