"""Attendance-list PDFs, through the one PDF service.

Each column of a page is one block of plain text, a line per row, so WeasyPrint makes one line
box per cell instead of a block, a float and a line box: a big list costs mostly per-cell boxes,
and this halves them. A cell that might not fit on one line (metrics.py decides, from the font)
gets a box of its own that wraps within its row. Big lists render in parts on every core.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coordination.badges.services import logo_data_uri
from coordination.documents.cache import Document, document_key
from coordination.documents.metrics import fits_on_one_line
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.events.models import Event
from coordination.i18n import format_event_time

from .attendance_list import LINES_PER_PAGE, Line, attendance_lines, pages

ROW_MM = {"sheet": 14.0, "record": 10.5}
PADDING_MM = 1.2
FONT_PT = 9
# Pages per part (on average) when a list renders in parts: shared out, with progress.
PAGES_PER_PART = 8
# A page of the list takes about this long, cold, rendered on two cores (make bench).
SECONDS_PER_PAGE = 0.03


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: float  # mm
    left: float = 0  # mm from the table's left edge


def _side_by_side(*columns: Column) -> list[Column]:
    placed, left = [], 0.0
    for column in columns:
        placed.append(Column(column.key, column.heading, column.width, left))
        left += column.width
    return placed


NUMBER = Column("no", _l("No."), 9)
COLUMNS = {
    "sheet": _side_by_side(
        NUMBER,
        Column("name", _l("Name"), 46),
        Column("org", _l("Organisation"), 42),
        Column("pos", _l("Position"), 25),
        Column("phone", _l("Mobile number"), 27),
        Column("sig", _l("Signature"), 37),
    ),
    "record": _side_by_side(
        NUMBER,
        Column("name", _l("Name"), 60),
        Column("org", _l("Organisation"), 60),
        Column("pos", _l("Position"), 32),
        Column("phone", _l("Mobile number"), 30),
        Column("time", _l("Arrived"), 16),
        Column("door", _l("Door"), 24),
        Column("rep", _l("Represented by"), 40),
    ),
}


@dataclass
class Cell:
    text: str
    wraps: bool = False  # might need a second line: a box of its own


@dataclass
class Block:
    """One column of one page: its cells top to bottom, from `top` half-rows down, a line of
    `rows` rows each. Empty cells above the first and below the last text are left out: every
    line costs."""

    key: str
    top: int  # in half rows
    rows: int  # rows per line
    cells: list[Cell]


def _block(key: str, rows: int, cells: list[Cell], offset: int = 0) -> Block | None:
    filled = [n for n, cell in enumerate(cells) if cell.text]
    if not filled:
        return None
    first, last = filled[0], filled[-1]
    return Block(key, 2 * rows * first + offset, rows, cells[first : last + 1])


def _cell(text: str, column: Column) -> Cell:
    room = column.width - 2 * PADDING_MM
    return Cell(text, wraps=not fits_on_one_line(text, room, FONT_PT))


def _texts(line: Line | None, key: str, number: int, event: Event) -> str:
    if key == "no":
        return str(number)
    if line is None:
        return ""
    if key == "time":
        return format_event_time(line.arrived_at, event.timezone, "clock")
    return {
        "name": line.name,
        "org": line.organisation,
        "pos": line.position,
        "phone": line.phone,
        "door": line.door,
        "rep": line.representative,
    }[key]


def _blocks(kind: str, lines: list[Line | None], first: int, event: Event) -> list[Block]:
    blocks: list[Block | None] = []
    numbers = range(first, first + len(lines))
    for column in COLUMNS[kind]:
        if column.key == "sig":
            # Numbers alternate sides, as on Indonesian sign sheets, so neighbours do not overlap:
            # each side is one line per two rows, centred on every other row.
            for side in (0, 1):
                cells = [Cell(f"{n}.") for n in numbers if (n - first) % 2 == side]
                blocks.append(_block(f"sig-{side}", 2, cells, offset=2 * side - 1))
        else:
            cells = [
                _cell(_texts(line, column.key, n, event), column)
                for line, n in zip(lines, numbers, strict=True)
            ]
            blocks.append(_block(column.key, 1, cells))
    return [block for block in blocks if block]


@lru_cache(maxsize=4)
def layout_css(kind: str) -> Markup:
    """Where each column sits, and the tops, line heights and heights blocks may need."""
    row, rules = ROW_MM[kind], []
    for column in COLUMNS[kind]:
        rules.append(f".c-{column.key} {{ left: {column.left:g}mm; width: {column.width:g}mm; }}")
        if column.key == "sig":
            half = column.width / 2
            for side in (0, 1):
                left = column.left + side * half
                rules.append(f".c-sig-{side} {{ left: {left:g}mm; width: {half:g}mm; }}")
    for rows in (1, 2):
        rules.append(f".l{rows} {{ line-height: {rows * row:g}mm; }}")
    for half_rows in range(-1, 2 * LINES_PER_PAGE[kind] + 1):
        rules.append(f".t{half_rows} {{ top: {half_rows * row / 2:g}mm; }}")
    for rows in range(1, LINES_PER_PAGE[kind] + 1):
        rules.append(f".h{rows} {{ height: {rows * row:g}mm; }}")
    return Markup("\n".join(rules))


@lru_cache(maxsize=16)
def grid(kind: str, rows: int) -> str:
    """The rules between a page's rows and columns: one small SVG, not a border per cell."""
    last = COLUMNS[kind][-1]
    width, height = last.left + last.width, rows * ROW_MM[kind]
    lefts = [column.left for column in COLUMNS[kind]] + [width]
    path = "".join(f"M{x:g} 0V{height:g}" for x in lefts) + "".join(
        f"M0 {ROW_MM[kind] * n - 0.1:g}H{width:g}" for n in range(1, rows + 1)
    )
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:g}mm' height='{height:g}mm' "
        f"viewBox='0 0 {width:g} {height:g}'><path d='{path}' stroke='#555' stroke-width='0.2' "
        "fill='none'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def attendance_document(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
) -> Document:
    """(a) the sign sheet for the door, or (b) the record of who came, when and where."""
    kind = kind if kind in LINES_PER_PAGE else "sheet"
    lines = attendance_lines(event, kind, sort, full_phone)
    per_page = LINES_PER_PAGE[kind]
    cut: list[list[Line | None]] = pages(lines, per_page)
    if kind == "sheet" and len(cut[-1]) < per_page:
        # Room for walk-ins to sign at the bottom of the last page.
        cut[-1] = cut[-1] + [None] * (per_page - len(cut[-1]))
    logo = logo_data_uri(event)
    key = document_key(
        "attendance-v2",
        kind,
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.venue_address],
        [event.starts_at, event.ends_at, event.timezone, logo],
        lines,  # dataclasses: their repr names every field
    )

    def render(progress: Progress | None) -> bytes:
        numbered = [
            {
                "number": n,
                "blocks": _blocks(kind, page, (n - 1) * per_page + 1, event),
                "rows": len(page),
                "grid": grid(kind, len(page)),
            }
            for n, page in enumerate(cut, start=1)
        ]
        parts = [{"pages": chunk} for chunk in tapered(numbered, PAGES_PER_PART)]
        return render_pdf_parts(
            "paperwork/attendance.html",
            "attendance.css",
            parts,
            fetcher=fetcher,
            progress=progress,
            stamps=[{"stamp": True}],
            event=event,
            kind=kind,
            columns=COLUMNS[kind],
            layout_css=layout_css(kind),
            page_count=len(cut),
            total=len(lines),
            logo=logo,
        )

    return Document(key, SECONDS_PER_PAGE * len(cut), render)


def attendance_pdf(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """The list as PDF bytes, rendered now (or found in the cache)."""
    return attendance_document(event, kind, sort, full_phone, fetcher).content()
