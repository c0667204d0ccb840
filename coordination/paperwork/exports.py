"""Participants and attendance as CSV or XLSX, with the columns the organiser picks."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from coordination.door.models import Checkin, CheckinList
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time, format_phone, local_time, zone_label
from coordination.registration.models import BadgeRole, Registration, RegistrationStatus


@dataclass(frozen=True)
class Column:
    label: object  # lazily translated: headers follow the UI language
    value: Callable
    # For a spreadsheet, the time itself (UTC), which it can sort and count, not its text.
    moment: Callable | None = None


def _when(event: Event, moment) -> str:
    return format_event_time(moment, event.timezone, "short") if moment else ""


COLUMNS: dict[str, Column] = {
    "name": Column(_l("Name"), lambda e, r, c: r.full_name),
    "organisation": Column(_l("Organisation"), lambda e, r, c: r.organisation),
    "position": Column(_l("Position"), lambda e, r, c: r.position),
    "phone": Column(_l("Mobile number"), lambda e, r, c: format_phone(r.phone)),
    "email": Column(_l("E-mail"), lambda e, r, c: r.email or ""),
    "status": Column(_l("Status"), lambda e, r, c: str(RegistrationStatus.label_for(r.status))),
    "role": Column(_l("Badge ribbon"), lambda e, r, c: str(BadgeRole.label_for(r.role))),
    "registered_at": Column(
        _l("Registered"), lambda e, r, c: _when(e, r.created_at), lambda r, c: r.created_at
    ),
    "checked_in_at": Column(
        _l("Arrived"),
        lambda e, r, c: _when(e, c.checked_in_at if c else None),
        lambda r, c: c.checked_in_at if c else None,
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


def rows(event: Event, columns: list[str], times: bool = False):
    """The header, then one row per registration, in name order; with `times`, time columns
    hold the event's local time itself (and their head names the zone), not text."""
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
    as_time = {name for name in columns if times and COLUMNS[name].moment}
    zone = zone_label(event.timezone)
    yield [
        f"{COLUMNS[name].label} ({zone})" if name in as_time else str(COLUMNS[name].label)
        for name in columns
    ]
    for person, checkin in db.session.execute(query):
        yield [
            _local(event, COLUMNS[name].moment(person, checkin))
            if name in as_time
            else safe_cell(str(COLUMNS[name].value(event, person, checkin)))
            for name in columns
        ]


def _local(event: Event, moment: datetime | None) -> datetime | None:
    return local_time(moment, event.timezone).replace(tzinfo=None) if moment else None


def to_csv(event: Event, columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(rows(event, columns))
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8


def to_xlsx(event: Event, columns: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Peserta")
    for row in rows(event, columns, times=True):
        sheet.append([_time_cell(sheet, v) if isinstance(v, datetime) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _time_cell(sheet, value: datetime) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "dd/mm/yyyy hh:mm"
    return cell
