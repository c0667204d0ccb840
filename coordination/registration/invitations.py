"""Invitee lists: reading CSV or XLSX, checking every row first, and the invitees' answers."""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from coordination import whatsapp
from coordination.auth.services import normalise_email
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.text import has_hidden_characters, unguarded

from . import seats
from .models import Invitation, InvitationStatus, Registration
from .services import ParticipantData, normalise_phone, register

MAX_ROWS = 10_000
# An XLSX is a zip of XML: 111 KB can unpack to gigabytes, or declare 16,384 columns that
# a reader fills in. Its parts may unpack to this much in all, and only the first columns
# and rows are read. A list of 10,000 invitees unpacks to a few megabytes.
MAX_XLSX_UNPACKED = 25 * 1024 * 1024
MAX_COLUMNS = 50
COLUMNS = ("name", "organisation", "position", "mobile", "email")
# Headers as organisers write them, in either language.
HEADER_ALIASES = {
    "name": "name",
    "nama": "name",
    "nama lengkap": "name",
    "full name": "name",
    "organisation": "organisation",
    "organization": "organisation",
    "instansi": "organisation",
    "koperasi": "organisation",
    "instansi/koperasi": "organisation",
    "position": "position",
    "jabatan": "position",
    "mobile": "mobile",
    "phone": "mobile",
    "hp": "mobile",
    "no hp": "mobile",
    "no. hp": "mobile",
    "nomor hp": "mobile",
    "whatsapp": "mobile",
    "email": "email",
    "e-mail": "email",
    "surel": "email",
}


@dataclass
class RowError:
    row: int
    code: str
    value: str = ""  # the cell as typed, so the organiser finds it in their sheet


@dataclass
class CheckedList:
    invitees: list[ParticipantData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    already_invited: int = 0  # rows of people invited by an earlier upload, left as they are


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with its BOM (Excel's "Unicode text"), or the
    Windows code page older Excel writes."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DomainError("unreadable_file") from error
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _rows_from_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        # csv refuses a NUL byte and a cell over its field limit (128 KiB): not a list.
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise DomainError("unreadable_file") from error
    return rows


def _check_unpacked_size(content: bytes) -> None:
    """Unpack every part once, counting, and stop past MAX_XLSX_UNPACKED: the sizes a zip
    declares may lie, what comes out does not."""
    left = MAX_XLSX_UNPACKED
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if info.file_size > left:
                    raise DomainError("file_too_large")
                with archive.open(info) as part:
                    while chunk := part.read(1024 * 1024):
                        left -= len(chunk)
                        if left < 0:
                            raise DomainError("file_too_large")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise DomainError("unreadable_file") from error


def _rows_from_xlsx(content: bytes) -> list[list[str]]:
    _check_unpacked_size(content)
    try:
        # Read-only: rows stream from the sheet, never the whole sheet in memory.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True):
            rows.append(["" if v is None else str(v) for v in values])
        book.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise DomainError("unreadable_file") from error
    while rows and not any(rows[-1]):  # a declared size past the last row with anything
        rows.pop()
    return rows


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows as dicts keyed by our column names; raises on an unreadable or unknown file."""
    name = filename.lower()
    if name.endswith(".csv"):
        rows = _rows_from_csv(content)
    elif name.endswith(".xlsx"):
        rows = _rows_from_xlsx(content)
    else:
        raise DomainError("unknown_format")
    if not rows:
        raise DomainError("empty_file")
    header = [HEADER_ALIASES.get(h.strip().lower()) for h in rows[0]]
    if "name" not in header or not ({"mobile", "email"} & set(header)):
        raise DomainError("missing_columns")
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError("too_many_rows")
    table = []
    for values in rows[1:]:
        record = {column: "" for column in COLUMNS}
        for column, value in zip(header, values, strict=False):
            if column:
                record[column] = unguarded(value).strip()
        table.append(record)
    return table


def _row_problems(record: dict[str, str], seen_contacts: set[str]) -> list[tuple[str, str]]:
    """Every mistake of one row, each with the value as typed: (code, value)."""
    problems = [] if record["name"].strip() else [("name_required", "")]
    if any(has_hidden_characters(value) for value in record.values()):
        problems.append(("invalid_characters", ""))
    contacts = []
    for code, raw, normalise in (
        ("invalid_phone", record["mobile"], normalise_phone),
        ("invalid_email", record["email"], normalise_email),
    ):
        if not raw.strip():
            continue
        try:
            contacts.append((normalise(raw), raw))
        except DomainError:
            problems.append((code, raw))
    if not record["mobile"].strip() and not record["email"].strip():
        problems.append(("contact_required", ""))
    problems += [("duplicate_contact", raw) for value, raw in contacts if value in seen_contacts]
    return problems


def check_rows(event: Event, table: list[dict[str, str]]) -> CheckedList:
    """Check every row; the list is only imported when no row has an error.

    Organisers upload the same list again with names added: whoever an earlier upload
    invited is passed over, not refused. The same person twice in one file is an error.
    """
    result = CheckedList()
    known = set(
        db.session.execute(
            sa.select(Invitation.phone, Invitation.email).where(Invitation.event_id == event.id)
        ).all()
    )
    invited_before = {c for pair in known for c in pair if c}
    seen_contacts: set[str] = set()
    for number, record in enumerate(table, start=2):  # row 1 is the header
        if not any(record.values()):
            continue
        problems = _row_problems(record, seen_contacts)
        if problems:
            result.errors += [RowError(number, code, value) for code, value in problems]
            continue
        phone = normalise_phone(record["mobile"]) if record["mobile"].strip() else ""
        email = normalise_email(record["email"]) if record["email"].strip() else ""
        if {phone, email} & invited_before:
            result.already_invited += 1
            seen_contacts.update(c for c in (phone, email) if c)
            continue
        seen_contacts.update(c for c in (phone, email) if c)
        result.invitees.append(
            ParticipantData(
                full_name=" ".join(record["name"].split())[:120],
                organisation=record["organisation"][:200],
                position=record["position"][:120],
                phone=phone,
                email=email,
            )
        )
    return result


def import_invitations(event: Event, filename: str, content: bytes) -> tuple[list[Invitation], int]:
    """The new invitees, and how many rows were invited before.

    All rows or none: a list with any bad row raises DomainError('rows_invalid')."""
    checked = check_rows(event, read_table(filename, content))
    if checked.errors:
        raise DomainError("rows_invalid", errors=checked.errors)
    if not checked.invitees and not checked.already_invited:
        raise DomainError("empty_file")
    invitations = [
        Invitation(
            event_id=event.id,
            full_name=p.full_name,
            organisation=p.organisation,
            position=p.position,
            phone=p.phone or None,
            email=p.email or None,
        )
        for p in checked.invitees
    ]
    db.session.add_all(invitations)
    db.session.flush()
    return invitations, checked.already_invited


# The template's column heads in the organiser's language; HEADER_ALIASES reads either.
TEMPLATE_HEADS = {"id": ("nama", "instansi", "jabatan", "hp", "email"), "en": COLUMNS}


def template_csv(language: str = "id") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADS.get(language, COLUMNS))
    writer.writerow(
        ["Siti Rahayu", "KSP Kraksaan Sejahtera", "Ketua", "0812-3456-7890", "siti@example.org"]
    )
    return out.getvalue()


def template_xlsx(language: str = "id") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Undangan"
    sheet.append(list(TEMPLATE_HEADS.get(language, COLUMNS)))
    sheet.append(
        ["Siti Rahayu", "KSP Kraksaan Sejahtera", "Ketua", "0812-3456-7890", "siti@example.org"]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# An invitation list of a province runs to thousands: it is read a page at a time.
PER_PAGE = 100
MAX_PAGE = 1_000_000


def invitations_page(event: Event, page: int = 1, per_page: int = PER_PAGE):
    """One page of the event's invitations in name order; a page past the last is empty."""
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(
        sa.select(Invitation)
        .where(Invitation.event_id == event.id)
        .order_by(Invitation.sort_name, Invitation.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def representatives_of(invitation_ids: list[int]) -> dict[int, str]:
    """Invitation id -> the name of whoever registered in the invitee's place."""
    if not invitation_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Invitation.id, Registration.full_name)
            .join(Registration, Registration.id == Invitation.registration_id)
            .where(Invitation.id.in_(invitation_ids), Registration.represents_name.is_not(None))
        ).all()
    )


def answered_statuses(invitation_ids: list[int]) -> dict[int, str]:
    """Invitation id -> the status of the registration that answered it: an invitee who
    registered may hold a seat, be waiting for one, or have cancelled."""
    if not invitation_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Invitation.id, Registration.status)
            .join(Registration, Registration.id == Invitation.registration_id)
            .where(Invitation.id.in_(invitation_ids))
        ).all()
    )


def summary(event: Event) -> dict[str, int]:
    counts = dict(
        db.session.execute(
            sa.select(Invitation.status, sa.func.count(Invitation.id))
            .where(Invitation.event_id == event.id)
            .group_by(Invitation.status)
        ).all()
    )
    return {status: counts.get(status, 0) for status in InvitationStatus}


def by_token(token: str) -> Invitation:
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token == token))
    if invitation is None:
        raise NotFound()
    return invitation


def invitation_of(event: Event, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound()
    return invitation


def mark_sent(invitation: Invitation) -> None:
    invitation.last_sent_at = utcnow()


def whatsapp_link(event: Event, invitation: Invitation) -> str | None:
    """The invitation as a WhatsApp chat; pressing it marks the invitation sent by WhatsApp."""
    return whatsapp.link(invitation.phone, whatsapp.invitation_text(event, invitation))


def mark_sent_by_whatsapp(invitation: Invitation) -> None:
    invitation.whatsapp_sent_at = utcnow()


def withdraw(invitation: Invitation) -> list[Registration]:
    """Take an invitation back; whoever already registered through it stays registered.
    A seat kept for this invitee goes to the first in line; returns who moved up."""
    if invitation.status == InvitationStatus.REGISTERED:
        raise DomainError("invitation_answered")
    event = db.session.get(Event, invitation.event_id)
    db.session.delete(invitation)
    db.session.flush()
    return seats.fill_free_seats(event)


def decline(invitation: Invitation) -> list[Registration]:
    """The invitee will not come: a seat kept for them goes to the first in line."""
    if invitation.status != InvitationStatus.INVITED:
        return []
    invitation.status = InvitationStatus.DECLINED
    db.session.flush()
    return seats.fill_free_seats(db.session.get(Event, invitation.event_id))


def accept(
    invitation: Invitation,
    data: ParticipantData,
    answers: dict[int, object] | None = None,
    representative: bool = False,
) -> Registration:
    """Register the invitee, or their representative ("diwakili oleh") in their place."""
    event = db.session.get(Event, invitation.event_id)
    registration = register(
        event,
        data,
        answers=answers,
        represents_name=invitation.full_name if representative else None,
        invitee=True,
    )
    invitation.status = InvitationStatus.REGISTERED
    invitation.registration_id = registration.id
    db.session.flush()
    return registration
