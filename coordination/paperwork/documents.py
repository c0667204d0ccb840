"""Attendance-list PDFs, through the one PDF service.

Each column of a page is one block of plain text, a line per row, so WeasyPrint makes one line
box per cell instead of a block, a float and a line box: a big list costs mostly per-cell boxes,
and this halves them. A cell that might not fit on one line (metrics.py decides, from the font)
gets a box of its own that wraps within its row. A text that needs more lines than a row holds
makes its row taller by half rows (counted from the font too, before layout, so pages are still
cut in advance); each column's run of rows of one height is a block, so that costs a few blocks
per tall row, not a box per cell. Big lists render in parts on every core.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, groupby
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coordination.badges.services import logo_data_uri
from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.metrics import fits_on_one_line
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.door.models import CheckinSource
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import format_arrival
from coordination.minutes.models import Minutes
from coordination.selfcheckin.services import signature_data_uri

from .attendance_list import LINES_PER_PAGE, Line, attendance_lines, pages

# The record with digital signatures is laid out as a kind of its own (see attendance_document).
SIGNED = "record_signed"
ROWS_PER_PAGE = {**LINES_PER_PAGE, SIGNED: LINES_PER_PAGE["record"]}
ROW_MM = {"sheet": 14.0, "record": 10.5, SIGNED: 10.5}
PADDING_MM = 1.2
FONT_PT = 9
# A wrapped text's line (1.2 times the font), and the room it leaves to the rules of its row.
WRAP_LINE_MM = FONT_PT * 1.2 * 25.4 / 72
WRAP_MARGIN_MM = 0.9
# Pages per part (on average) when a list renders in parts: shared out, with progress.
PAGES_PER_PART = 8
# Each digital signature on a list adds about this to its estimate (its image drawn, then
# embedded), beside what estimate.py counts per page.
SECONDS_PER_SIGNATURE = 0.006


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
        Column("time", _l("Arrived"), 24),
        Column("door", _l("Door"), 24),
        Column("rep", _l("On behalf of"), 32),
    ),
    # The record when people signed digitally at check-in: their signature in the last column.
    SIGNED: _side_by_side(
        NUMBER,
        Column("name", _l("Name"), 50),
        Column("org", _l("Organisation"), 48),
        Column("pos", _l("Position"), 28),
        Column("phone", _l("Mobile number"), 28),
        Column("time", _l("Arrived"), 22),
        Column("door", _l("Door"), 24),
        Column("rep", _l("On behalf of"), 30),
        Column("sign", _l("Signature"), 32),
    ),
}


@dataclass
class Cell:
    text: str
    wraps: bool = False  # might need a second line: a box of its own
    lines: int = 1  # the most lines it may need


@dataclass
class Row:
    """One line of the list: its cells by column (but the number and the signature), and how
    tall it is: a row of the grid, or more when a text needs it."""

    cells: dict[str, Cell]
    height: int = 2  # in half rows
    signature: str = ""  # the person's digital signature (its path), drawn as an image


@dataclass
class Block:
    """A run of one column of one page: its cells top to bottom, from `top` half rows down, a
    line of `height` half rows each. Empty cells above the first and below the last text are
    left out: every line costs."""

    key: str
    top: int  # in half rows
    height: int  # in half rows, a line
    cells: list[Cell]


def _block(key: str, height: int, cells: list[Cell], offset: int = 0) -> Block | None:
    filled = [n for n, cell in enumerate(cells) if cell.text]
    if not filled:
        return None
    first, last = filled[0], filled[-1]
    return Block(key, height * first + offset, height, cells[first : last + 1])


def wrapped_lines(kind: str, height: int) -> int:
    """How many lines of a wrapping text a cell `height` half rows tall shows."""
    return int((height * ROW_MM[kind] / 2 - 2 * WRAP_MARGIN_MM) / WRAP_LINE_MM)


def height_needed(kind: str, lines: int) -> int:
    """How many half rows a cell needs to show `lines` lines: a row at least, a page at most."""
    height = 2
    while wrapped_lines(kind, height) < lines and height < 2 * ROWS_PER_PAGE[kind]:
        height += 1
    return height


def lines_needed(text: str, room: float) -> int:
    """The most lines `text` may take, wrapped in `room` mm, from the font's widths.

    Lines break here only between words, where WeasyPrint breaks too, and within a word longer
    than a line (overflow-wrap: anywhere): WeasyPrint may find more places to break, never
    fewer, so never needs more lines. A character the font lacks (drawn by a fallback font of
    unknown widths) counts as two W's.
    """

    def fits(part: str) -> bool:
        return fits_on_one_line(part, room, FONT_PT)

    words = [
        "".join(char if fits(char) else "WW" for char in word)
        for word in re.split(r"[ \t\n]+", text)
        if word
    ]
    lines, line = 0, ""
    for word in words:
        if line and fits(f"{line} {word}"):
            line = f"{line} {word}"
            continue
        lines += bool(line)
        line = word
        while not fits(line):
            cut = 1
            while cut < len(line) and fits(line[: cut + 1]):
                cut += 1
            lines += 1
            line = line[cut:]
    return lines + bool(line)


def _cell(text: str, column: Column) -> Cell:
    room = column.width - 2 * PADDING_MM
    if fits_on_one_line(text, room, FONT_PT):
        return Cell(text)
    return Cell(text, wraps=True, lines=lines_needed(text, room))


def _row(kind: str, line: Line | None, event: Event) -> Row:
    cells = {
        column.key: _cell(_text(line, column.key, event), column)
        for column in COLUMNS[kind]
        if column.key not in ("no", "sig")
    }
    height = height_needed(kind, max(cell.lines for cell in cells.values()))
    return Row(cells, height, line.signature if line is not None else "")


def _text(line: Line | None, key: str, event: Event) -> str:
    if line is None:
        return ""
    if key == "time":
        return format_arrival(line.arrived_at, event.starts_at, event.timezone)
    if key == "sign":
        return ""  # an image, not text (see _signatures)
    if key == "door" and line.source == CheckinSource.SELF:
        return str(CheckinSource.SELF.label)  # "Mandiri": the participant's own phone
    return {
        "name": line.name,
        "org": line.organisation,
        "pos": line.position,
        "phone": line.phone,
        # Let in by a door phone without network: said, as the organiser may be asked.
        "door": str(_l("%(door)s (offline)", door=line.door)) if line.offline else line.door,
        "rep": line.on_behalf_of,
    }[key]


def _signatures(rows: list[Row]) -> list[tuple[int, str]]:
    """(top in half rows, PNG data URI) of each row of a page with a digital signature."""
    tops = accumulate((row.height for row in rows), initial=0)
    return [
        (top, signature_data_uri(row.signature))
        for top, row in zip(tops, rows, strict=False)
        if row.signature
    ]


def _sign_blocks(key: str, signs: list[tuple[int, int, str]], bottom: int) -> list[Block]:
    """One side of the signature column: `signs` are the top and height (in half rows) and
    the number of every other row. Rows one row tall get a line two rows tall, centred on the
    row, so that one block of lines serves them all. A tall row's number gets a line as tall as
    its row, and so does a number whose line of two rows would reach below the page's last rule
    (`bottom`): WeasyPrint carries such a line over to the next page (widows take the one
    before it along), where it lands on the letterhead and the column heads."""
    blocks: list[Block] = []
    for top, height, text in signs:
        run = blocks[-1] if blocks else None
        if height != 2 or top + 3 > bottom:
            blocks.append(Block(key, top, height, [Cell(text)]))
        elif run and run.height == 4 and run.top + 4 * len(run.cells) == top - 1:
            run.cells.append(Cell(text))
        else:
            blocks.append(Block(key, top - 1, 4, [Cell(text)]))
    return blocks


def _blocks(kind: str, rows: list[Row], first: int) -> list[Block]:
    blocks: list[Block | None] = []
    tops = list(accumulate((row.height for row in rows), initial=0))
    for column in COLUMNS[kind]:
        if column.key == "sig":
            # Numbers alternate sides, as on Indonesian sign sheets, so neighbours do not overlap.
            for side in (0, 1):
                signs = [
                    (tops[n], row.height, f"{first + n}.")
                    for n, row in enumerate(rows)
                    if n % 2 == side
                ]
                blocks.extend(_sign_blocks(f"sig-{side}", signs, tops[-1]))
            continue
        cells = [
            Cell(str(first + n)) if column.key == "no" else row.cells[column.key]
            for n, row in enumerate(rows)
        ]
        # A block per run of rows of one height: the whole page unless a row is taller.
        for height, run in groupby(range(len(rows)), key=lambda n: rows[n].height):
            run = list(run)
            blocks.append(_block(column.key, height, cells[run[0] : run[-1] + 1], tops[run[0]]))
    return [block for block in blocks if block]


@lru_cache(maxsize=4)
def layout_css(kind: str) -> Markup:
    """Where each column sits, and the tops, line heights and heights blocks may need; how
    tall a wrapping text's lines are, and how many of them a cell of each height shows."""
    row, rules = ROW_MM[kind], []
    for column in COLUMNS[kind]:
        rules.append(f".c-{column.key} {{ left: {column.left:g}mm; width: {column.width:g}mm; }}")
        if column.key == "sig":
            half = column.width / 2
            for side in (0, 1):
                left = column.left + side * half
                rules.append(f".c-sig-{side} {{ left: {left:g}mm; width: {half:g}mm; }}")
    half, most = row / 2, 2 * ROWS_PER_PAGE[kind]  # in half rows, as the classes count
    for half_rows in range(-1, most + 1):
        rules.append(f".t{half_rows} {{ top: {half_rows * half:g}mm; }}")
    rules.append(f".wrap {{ line-height: {WRAP_LINE_MM:g}mm; }}")
    for half_rows in range(1, most + 1):
        rules.append(f".h{half_rows} {{ height: {half_rows * half:g}mm; }}")
        rules.append(f".l{half_rows} {{ line-height: {half_rows * half:g}mm; }}")
        shown = wrapped_lines(kind, half_rows) * WRAP_LINE_MM
        rules.append(f".l{half_rows} .wrap {{ max-height: {shown:g}mm; }}")
    if kind == SIGNED:
        # A signature fills its row's height, less a margin, at the left of its column.
        left = next(column.left for column in COLUMNS[kind] if column.key == "sign")
        rules.append(
            f".signature {{ position: absolute; left: {left + 1:g}mm; height: {row - 1:g}mm; "
            "margin-top: 0.5mm; }"
        )
    return Markup("\n".join(rules))


@lru_cache(maxsize=64)
def grid(kind: str, heights: tuple[int, ...]) -> str:
    """The rules between a page's rows (`heights` in half rows) and columns: one small SVG,
    not a border per cell."""
    last, half = COLUMNS[kind][-1], ROW_MM[kind] / 2
    width, height = last.left + last.width, sum(heights) * half
    lefts = [column.left for column in COLUMNS[kind]] + [width]
    path = "".join(f"M{x:g} 0V{height:g}" for x in lefts) + "".join(
        f"M0 {half * n - 0.1:g}H{width:g}" for n in accumulate(heights)
    )
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:g}mm' height='{height:g}mm' "
        f"viewBox='0 0 {width:g} {height:g}'><path d='{path}' stroke='#555' stroke-width='0.2' "
        "fill='none'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def letterhead_address(event: Event) -> str:
    """The organiser's own address for the letterhead (kop surat), as typed for the minutes:
    one letterhead for all the event's paperwork. Empty until someone types it."""
    return (
        db.session.scalar(sa.select(Minutes.letterhead_address).where(Minutes.event_id == event.id))
        or ""
    )


def attendance_document(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
    heading: str = "",
    numbering: Callable[[int], tuple[int, int]] | None = None,
) -> Document:
    """(a) the sign sheet for the door, or (b) the record of who came, when and where.

    Attached to another document (the minutes), the list says so in `heading` ("Lampiran:
    Daftar Hadir") and numbers its pages as pages of the whole file: `numbering(pages)` is
    told how many pages the list takes and returns its first page's number and the file's
    page count."""
    kind = kind if kind in LINES_PER_PAGE else "sheet"
    lines = attendance_lines(event, kind, sort, full_phone)
    per_page = LINES_PER_PAGE[kind]
    # Digital signatures (the event asked for them, or someone signed): a column for them;
    # otherwise the record says the paper sheet holds the signatures.
    signed = kind == "record" and (
        event.signature_required or any(line.signature for line in lines)
    )
    layout = SIGNED if signed else kind
    logo = logo_data_uri(event)
    address = letterhead_address(event)
    key = document_key(
        "attendance-v3",
        kind,
        str(get_locale()),
        [event.title, event.organising_body, event.venue_name, event.venue_address, address],
        [event.starts_at, event.ends_at, event.timezone, logo, signed],
        lines,  # dataclasses: their repr names every field
        heading,
        numbering is not None,  # numbered as part of a bigger file: rendered for it, not kept
    )

    def render(progress: Progress | None) -> bytes:
        rows = [_row(layout, line, event) for line in lines]
        cut = pages(rows, 2 * per_page, lambda row: row.height)  # in half rows
        if kind == "sheet":
            # Room for walk-ins to sign at the bottom of the last page.
            left = 2 * per_page - sum(row.height for row in cut[-1])
            cut[-1] += [_row(kind, None, event)] * (left // 2)
        first_page, page_total = numbering(len(cut)) if numbering else (1, len(cut))
        numbered, first = [], 1
        for n, page in enumerate(cut, start=1):
            heights = tuple(row.height for row in page)
            numbered.append(
                {
                    "number": n,
                    "shown": first_page + n - 1,  # its number in the whole file
                    "blocks": _blocks(layout, page, first),
                    "height": sum(heights),
                    "grid": grid(layout, heights),
                    "signatures": _signatures(page),
                }
            )
            first += len(page)
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
            columns=COLUMNS[layout],
            layout_css=layout_css(layout),
            signed=signed,
            page_count=len(cut),
            page_total=page_total,
            heading=heading,
            total=len(lines),
            logo=logo,
            letterhead_address=address,
        )

    # Pages of one-row lines (a few long texts may add a page), and the blank lines' page.
    document = estimated(key, f"attendance-{kind}", len(pages(lines, per_page)), render)
    document.seconds += SECONDS_PER_SIGNATURE * sum(1 for line in lines if line.signature)
    return document


def attendance_pdf(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """The list as PDF bytes, rendered now (or found in the cache)."""
    return attendance_document(event, kind, sort, full_phone, fetcher).content()
