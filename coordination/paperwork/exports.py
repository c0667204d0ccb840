"""Participants and attendance as CSV or XLSX, with the columns the organiser picks.

Both are written to a file as the rows come from the database, a batch at a time, and sent
from that file: ten thousand participants never sit in memory at once (openpyxl's write-only
sheet keeps its rows on disk too).
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from coordination.door.models import came, checkin_place
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_event_time, format_phone, local_time, zone_label
from coordination.registration.models import BadgeRole, Registration, RegistrationStatus
from coordination.text import FORMULA_GUARD, FORMULA_STARTS

# Rows fetched from the database at a time.
BATCH = 500


@dataclass(frozen=True)
class Column:
    label: object  # lazily translated: headers follow the UI language
    value: Callable
    # For a spreadsheet, the time itself (UTC), which it can sort and count, not its text.
    moment: Callable | None = None
    width: float = 16  # in XLSX, in characters of the default font


def _when(event: Event, moment) -> str:
    return format_event_time(moment, event.timezone, "short") if moment else ""


COLUMNS: dict[str, Column] = {
    "name": Column(_l("Name"), lambda e, r, c: r.full_name, width=32),
    "organisation": Column(_l("Organisation"), lambda e, r, c: r.organisation, width=34),
    "position": Column(_l("Position"), lambda e, r, c: r.position, width=22),
    "phone": Column(_l("Mobile number"), lambda e, r, c: format_phone(r.phone), width=18),
    "email": Column(_l("E-mail"), lambda e, r, c: r.email or "", width=30),
    "status": Column(
        _l("Status"), lambda e, r, c: str(RegistrationStatus.label_for(r.status)), width=18
    ),
    "role": Column(_l("Badge ribbon"), lambda e, r, c: str(BadgeRole.label_for(r.role))),
    "registered_at": Column(
        _l("Registered"),
        lambda e, r, c: _when(e, r.created_at),
        lambda r, c: r.created_at,
        width=20,
    ),
    "checked_in_at": Column(
        _l("Arrived"),
        lambda e, r, c: _when(e, c.checked_in_at if c else None),
        lambda r, c: c.checked_in_at if c else None,
        width=20,
    ),
    "door": Column(_l("Door"), lambda e, r, c: checkin_place(c.source, c.door_name) if c else ""),
    # One meaning per column (registration.representation): who came in this registrant's
    # place, and whom this registrant came for.
    "representative": Column(
        _l("Represented by"),
        lambda e, r, c: (c.representative_name if c else None) or "",
        width=30,
    ),
    "on_behalf_of": Column(_l("On behalf of"), lambda e, r, c: r.represents_name or "", width=30),
}
DEFAULT_COLUMNS = ["name", "organisation", "position", "phone", "email", "status", "checked_in_at"]
# A spreadsheet opening a CSV splits on its own list separator: a comma in English, a
# semicolon in Indonesian Excel, a tab when pasted. "Org;=1+1" is then two cells, the second
# a formula: every piece that may become a cell is guarded, not only the first.
PIECES = re.compile(r"([,;\t|])(?=[=+\-@\r])")
# The list separator Excel expects follows the language of its regional settings: a
# semicolon where the decimal mark is a comma (Indonesian), a comma in English.
CSV_SEPARATORS = {"semicolon": ";", "comma": ","}


def csv_separator(choice: str | None, language: str) -> str:
    """The organiser's choice of separator, else the one of the language."""
    if choice in CSV_SEPARATORS:
        return CSV_SEPARATORS[choice]
    return ";" if language == "id" else ","


def safe_cell(value: str) -> str:
    """A CSV value no spreadsheet reads as a formula, whatever its list separator, and that
    looks as typed: an invisible guard goes before each piece that would start one."""
    value = PIECES.sub(r"\1" + FORMULA_GUARD, value)
    return FORMULA_GUARD + value if value.startswith(FORMULA_STARTS) else value


def chosen(columns: list[str]) -> list[str]:
    """The known columns asked for, each once, in the order asked; the defaults if none."""
    picked = [name for name in dict.fromkeys(columns) if name in COLUMNS]
    return picked or DEFAULT_COLUMNS


# What the columns read, one plain row each instead of ORM objects: a row is both the
# registration (`r`) and, when they came, its check-in (`c`).
_REGISTRATION = (
    "full_name",
    "organisation",
    "position",
    "phone",
    "email",
    "status",
    "role",
    "created_at",
    "represents_name",
)
_CHECKIN = ("id", "checked_in_at", "door_name", "source", "representative_name")
# Columns whose text follows from one of a few values: made once per export, not per row.
_FEW_VALUES = {"status": "status", "role": "role"}


def rows(event: Event, columns: list[str], times: bool = False) -> Iterator[list]:
    """The header, then one row per registration, in name order, fetched BATCH at a time;
    with `times`, time columns hold the event's local time itself (and their head names the
    zone), not text."""
    checkin = came(event.id)
    query = (
        sa.select(
            *(getattr(Registration, name) for name in _REGISTRATION),
            *(getattr(checkin, name).label(f"checkin_{name}") for name in _CHECKIN),
        )
        .outerjoin(checkin, checkin.registration_id == Registration.id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.sort_name, Registration.id)
        .execution_options(yield_per=BATCH)
    )
    as_time = {name for name in columns if times and COLUMNS[name].moment}
    zone = zone_label(event.timezone)
    yield [
        f"{COLUMNS[name].label} ({zone})" if name in as_time else str(COLUMNS[name].label)
        for name in columns
    ]
    known: dict[tuple[str, object], str] = {}
    for row in db.session.execute(query):
        person = row
        arrival = _Arrival(row) if row.checkin_id is not None else None
        values = []
        for name in columns:
            if name in as_time:
                values.append(_local(event, COLUMNS[name].moment(person, arrival)))
            elif name in _FEW_VALUES:
                key = (name, getattr(row, _FEW_VALUES[name]))
                if key not in known:
                    known[key] = str(COLUMNS[name].value(event, person, arrival))
                values.append(known[key])
            else:
                values.append(str(COLUMNS[name].value(event, person, arrival)))
        yield values


class _Arrival:
    """The check-in part of a row, under the check-in's own names."""

    __slots__ = ("checked_in_at", "door_name", "source", "representative_name")

    def __init__(self, row):
        self.checked_in_at = row.checkin_checked_in_at
        self.door_name = row.checkin_door_name
        self.source = row.checkin_source
        self.representative_name = row.checkin_representative_name


def _local(event: Event, moment: datetime | None) -> datetime | None:
    return local_time(moment, event.timezone).replace(tzinfo=None) if moment else None


def write_csv(event: Event, columns: list[str], out: BinaryIO, separator: str = ",") -> None:
    """The CSV into `out`, UTF-8 with the byte-order mark that makes Excel read UTF-8."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    # Every value quoted: one cell under any list separator, not only the chosen one.
    writer = csv.writer(text, delimiter=separator, quoting=csv.QUOTE_ALL)
    writer.writerows([safe_cell(value) for value in row] for row in rows(event, columns))
    text.detach()  # `out` stays open for the caller


def write_xlsx(event: Event, columns: list[str], out: BinaryIO) -> None:
    """The XLSX into `out`: typed cells, widths, the header row frozen and filtered."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Peserta")
    for n, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = COLUMNS[name].width
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows(event, columns, times=True):
        sheet.append(_xlsx_row(sheet, row))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"
    book.save(out)


def to_csv(event: Event, columns: list[str], separator: str = ",") -> bytes:
    out = io.BytesIO()
    write_csv(event, columns, out, separator)
    return out.getvalue()


def to_xlsx(event: Event, columns: list[str]) -> bytes:
    out = io.BytesIO()
    write_xlsx(event, columns, out)
    return out.getvalue()


def _xlsx_row(sheet, values: list) -> list:
    """A row's cells: times as spreadsheet times, texts as text, empty texts left out.

    A plain string is the cheap way (openpyxl reuses one cell for them), and text as long as
    it does not start with "=". openpyxl also reuses the last cell object it was given for the
    plain values after it, so after a cell of our own every text gets a cell of its own too:
    no text borrows a time's number format.
    """
    cells, own = [], False
    for value in values:
        if isinstance(value, datetime):
            cells.append(_time_cell(sheet, value))
            own = True
        elif not value:
            cells.append(None)
        else:
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            if own or text.startswith("="):
                cells.append(_text_cell(sheet, text))
                own = True
            else:
                cells.append(text)
    return cells


def _time_cell(sheet, value: datetime) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "dd/mm/yyyy hh:mm"
    return cell


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell typed as text: "=1+2" stays text with no stray quote. (A control character,
    which the file format cannot hold, was left out before: better than failing the export.)"""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
