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

from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coordination.documents.cache import Document, document_key, estimated
from coordination.documents.measure import heights_mm
from coordination.documents.metrics import fits_on_one_line
from coordination.documents.pdf import Progress, StaticOnlyFetcher, render_pdf_parts, tapered
from coordination.door.models import checkin_place
from coordination.events.models import Event
from coordination.i18n import format_arrival
from coordination.letterheads.services import kop_of, place_and_date, signer_of
from coordination.registration.models import Origin
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
# Optional columns for government meetings, in the order they print after the position.
EXTRA_COLUMNS = {
    "nip": Column("nip", _l("NIP"), 30),
    "gender": Column("gender", _l("M/F"), 8),
    "origin": Column("origin", _l("From"), 15),
}
BASE_COLUMNS = {
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
# What the columns of a page share out among them (mm).
TABLE_MM = {"sheet": 186.0, "record": 271.0, SIGNED: 271.0}
# Columns that give up width to the optional ones, and the least each keeps.
SHRINKS = {
    "name": 0.55,
    "org": 0.55,
    "pos": 0.6,
    "phone": 0.6,
    "sig": 0.75,
    "rep": 0.6,
    "sign": 0.8,
}


@lru_cache(maxsize=32)
def columns_for(kind: str, extra: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """The columns of a list: the kind's own, and the optional ones chosen (NIP, L/P, asal)
    after the position; the widths of the others shrink so the table still fits the page."""
    base = BASE_COLUMNS[kind]
    added = [EXTRA_COLUMNS[key] for key in EXTRA_COLUMNS if key in extra]
    if not added:
        return tuple(base)
    need = sum(column.width for column in added)
    shrinkable = sum(
        column.width * (1 - SHRINKS[column.key]) for column in base if column.key in SHRINKS
    )
    factor = min(1.0, need / shrinkable)
    columns = []
    for column in base:
        width = column.width
        if column.key in SHRINKS:
            width = round(width - width * (1 - SHRINKS[column.key]) * factor, 1)
        columns.append(Column(column.key, column.heading, width))
        if column.key == "pos":
            columns.extend(added)
    return tuple(_side_by_side(*columns))


COLUMNS = {kind: columns_for(kind) for kind in BASE_COLUMNS}


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


def _row(kind: str, line: Line | None, event: Event, columns: tuple[Column, ...]) -> Row:
    cells = {
        column.key: _cell(_text(line, column.key, event), column)
        for column in columns
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
    place = checkin_place(line.source, line.door)  # a door's name, or "Mandiri", "daring"
    return {
        "name": line.name,
        "org": line.organisation,
        "pos": line.position,
        "phone": line.phone,
        # Let in by a door phone without network: said, as the organiser may be asked.
        "door": str(_l("%(door)s (offline)", door=place)) if line.offline else place,
        "rep": line.on_behalf_of,
        "nip": line.nip,
        "gender": line.gender,
        "origin": str(Origin.label_for(line.origin)) if line.origin else "",
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


def _blocks(columns: tuple[Column, ...], rows: list[Row], first: int) -> list[Block]:
    blocks: list[Block | None] = []
    tops = list(accumulate((row.height for row in rows), initial=0))
    for column in columns:
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


@lru_cache(maxsize=16)
def layout_css(kind: str, extra: tuple[str, ...] = ()) -> Markup:
    """Where each column sits, and the tops, line heights and heights blocks may need; how
    tall a wrapping text's lines are, and how many of them a cell of each height shows."""
    row, rules = ROW_MM[kind], []
    for column in columns_for(kind, extra):
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
        left = next(column.left for column in columns_for(kind, extra) if column.key == "sign")
        rules.append(
            f".signature {{ position: absolute; left: {left + 1:g}mm; height: {row - 1:g}mm; "
            "margin-top: 0.5mm; }"
        )
    return Markup("\n".join(rules))


@lru_cache(maxsize=64)
def grid(kind: str, heights: tuple[int, ...], extra: tuple[str, ...] = ()) -> str:
    """The rules between a page's rows (`heights` in half rows) and columns: one small SVG,
    not a border per cell."""
    columns = columns_for(kind, extra)
    last, half = columns[-1], ROW_MM[kind] / 2
    width, height = last.left + last.width, sum(heights) * half
    lefts = [column.left for column in columns] + [width]
    path = "".join(f"M{x:g} 0V{height:g}" for x in lefts) + "".join(
        f"M0 {half * n - 0.1:g}H{width:g}" for n in accumulate(heights)
    )
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:g}mm' height='{height:g}mm' "
        f"viewBox='0 0 {width:g} {height:g}'><path d='{path}' stroke='#555' stroke-width='0.2' "
        "fill='none'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


# The page's height for the furniture, column heads, rows and footer (mm), as the stylesheet
# sets it; the column heads and the footer's line.
PAGE_MM = {"sheet": 275.0, "record": 186.0, SIGNED: 186.0}
HEAD_MM = 8.0
FOOTER_MM = 5.0
# Blank numbered rows for walk-ins at the end of the sign sheet, unless the organiser says.
BLANK_ROWS = 5
MAX_BLANK_ROWS = 300


@dataclass(frozen=True)
class Options:
    """What the organiser chose for a list."""

    blank_rows: int = BLANK_ROWS
    extra: tuple[str, ...] = ()  # optional columns: "nip", "gender", "origin"


def chosen_options(blank: str | None, extra: list[str]) -> Options:
    """The options of a download, from its query: bounded before they are parsed."""
    blank = (blank or "").strip()[:4]
    rows = int(blank) if blank.isdigit() else BLANK_ROWS
    return Options(
        blank_rows=min(rows, MAX_BLANK_ROWS),
        extra=tuple(key for key in EXTRA_COLUMNS if key in extra[: len(EXTRA_COLUMNS) * 2]),
    )


def head_mm(columns: tuple[Column, ...]) -> float:
    """How tall the column heads are: a line each, or as many as the longest heading needs in
    its narrowed column (bold is about a tenth wider than the regular widths measured)."""
    lines = max(
        lines_needed(str(column.heading), (column.width - 2 * PADDING_MM) / 1.1)
        for column in columns
    )
    return max(HEAD_MM, round(lines * WRAP_LINE_MM + 2.4, 1))


def _room(kind: str, measured: dict[str, float], head: float) -> tuple[int, float]:
    """Half rows a page holds below its furniture (at most the kind's usual), and the mm the
    closing (total and Mengetahui) needs."""
    half = ROW_MM[kind] / 2
    free = PAGE_MM[kind] - measured["furniture"] - head - FOOTER_MM
    return max(2, min(2 * ROWS_PER_PAGE[kind], int(free / half))), measured["closing"]


def attendance_document(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
    blank_rows: int = BLANK_ROWS,
    extra: tuple[str, ...] | list[str] = (),
    heading: str = "",
    numbering: Callable[[int], tuple[int, int]] | None = None,
) -> Document:
    """(a) the sign sheet for the door, or (b) the record of who came, when and where; both
    end with the total and the signer's "Mengetahui" block.

    Attached to another document (the minutes), the list says so in `heading` ("Lampiran:
    Daftar Hadir") and numbers its pages as pages of the whole file: `numbering(pages)` is
    told how many pages the list takes and returns its first page's number and the file's
    page count."""
    kind = kind if kind in LINES_PER_PAGE else "sheet"
    extra = tuple(key for key in EXTRA_COLUMNS if key in extra)
    blank_rows = max(0, min(int(blank_rows), MAX_BLANK_ROWS)) if kind == "sheet" else 0
    lines = attendance_lines(event, kind, sort, full_phone)
    per_page = LINES_PER_PAGE[kind]
    # Digital signatures (the event asked for them, or someone signed): a column for them;
    # otherwise the record says the paper sheet holds the signatures.
    signed = kind == "record" and (
        event.signature_required or any(line.signature for line in lines)
    )
    layout = SIGNED if signed else kind
    kop = kop_of(event)
    signer = signer_of(event, images=False)
    columns = columns_for(layout, extra)
    key = document_key(
        "attendance-v4",
        kind,
        str(get_locale()),
        [event.title, event.venue_name, event.venue_address, kop, signer],
        [event.starts_at, event.ends_at, event.timezone, blank_rows, extra, signed],
        lines,  # dataclasses: their repr names every field
        heading,
        numbering is not None,  # numbered as part of a bigger file: rendered for it, not kept
    )
    context = {
        "event": event,
        "kind": kind,
        "columns": columns,
        "layout_css": layout_css(layout, extra),
        "signed": signed,
        "total": len(lines),
        "kop": kop,
        "signer": signer,
        "place_date": place_and_date(event, kop),
        "head_mm": head_mm(columns),
    }

    def render(progress: Progress | None) -> bytes:
        measured = heights_mm(
            render_template("paperwork/attendance.html", measure=True, **context),
            "attendance.css",
            ("furniture", "closing"),
        )
        room, closing_mm = _room(layout, measured, context["head_mm"])
        rows = [_row(layout, line, event, columns) for line in lines]
        rows += [_row(layout, None, event, columns) for _ in range(blank_rows)]
        cut = pages(rows, room, lambda row: row.height)  # in half rows
        used = sum(row.height for row in cut[-1]) * ROW_MM[layout] / 2
        free = PAGE_MM[kind] - measured["furniture"] - context["head_mm"] - FOOTER_MM
        if cut[-1] and used + closing_mm > free:
            cut.append([])  # the closing on a page of its own, under the same heads
        first_page, page_total = numbering(len(cut)) if numbering else (1, len(cut))
        numbered, first = [], 1
        for n, page in enumerate(cut, start=1):
            heights = tuple(row.height for row in page)
            numbered.append(
                {
                    "number": n,
                    "shown": first_page + n - 1,  # its number in the whole file
                    "blocks": _blocks(columns, page, first),
                    "height": sum(heights),
                    "grid": grid(layout, heights, extra),
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
            page_count=len(cut),
            page_total=page_total,
            heading=heading,
            furniture_mm=measured["furniture"],
            **context,
        )

    # Pages of one-row lines (a few long texts may add a page), and the blank lines' page.
    document = estimated(
        key, f"attendance-{kind}", len(pages([*lines, *[None] * blank_rows], per_page)), render
    )
    document.seconds += SECONDS_PER_SIGNATURE * sum(1 for line in lines if line.signature)
    return document


def attendance_pdf(
    event: Event,
    kind: str = "sheet",
    sort: str = "name",
    full_phone: bool = False,
    fetcher: StaticOnlyFetcher | None = None,
    blank_rows: int = BLANK_ROWS,
    extra: tuple[str, ...] | list[str] = (),
) -> bytes:
    """The list as PDF bytes, rendered now (or found in the cache)."""
    return attendance_document(
        event, kind, sort, full_phone, fetcher, blank_rows=blank_rows, extra=extra
    ).content()
