"""Text widths from the repository's own font, to know before layout whether a line fits.

WeasyPrint lays every box out in Python, so a PDF of thousands of cells is cheaper when most of
them are plain lines of text rather than boxes. A text may go in as a plain line only when it
surely fits: every character is in Liberation Sans (no fallback font whose widths we do not
know) and its advance widths, with a margin for rounding, are narrower than the room. Kerning
only ever narrows these texts, so the sum of advances is an upper bound.
"""

from functools import cache

from fontTools.ttLib import TTFont

from .engine import STATIC

REGULAR = STATIC / "fonts" / "liberation" / "LiberationSans-Regular.ttf"
MARGIN = 1.03
POINT_MM = 25.4 / 72


@cache
def _advances() -> tuple[dict[int, int], int]:
    """Advance width of every character in the font, in font units; and units per em."""
    font = TTFont(REGULAR, lazy=True)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm


def fits_on_one_line(text: str, width_mm: float, size_pt: float) -> bool:
    """True when `text` in the regular face at `size_pt` surely fits in `width_mm`."""
    widths, per_em = _advances()
    units = 0
    for char in text:
        code = ord(char)
        if code < 32 or code not in widths:
            return False
        units += widths[code]
    return units / per_em * size_pt * POINT_MM * MARGIN <= width_mm


# The fonts of static/pdf/fonts.css, in the order fonts.conf falls back through them.
FALLBACKS = [
    STATIC / "fonts" / "noto" / "NotoSans-Regular.ttf",
    STATIC / "fonts" / "noto" / "NotoNaskhArabic-Regular.ttf",
    STATIC / "fonts" / "noto" / "NotoSansSC-Regular.otf",
    STATIC / "fonts" / "noto-emoji" / "NotoEmoji-Regular.ttf",
]
BOLD = STATIC / "fonts" / "liberation" / "LiberationSans-Bold.ttf"


@cache
def _em_widths(path) -> dict[int, float]:
    """Advance width of every character of one font, in ems."""
    font = TTFont(path, lazy=True)
    metrics, per_em = font["hmtx"].metrics, font["head"].unitsPerEm
    return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """About how wide `text` prints, a little wider rather than narrower: each character from
    the first of our fonts that has it (an unknown one counts as one em)."""
    fonts = [_em_widths(BOLD if bold else REGULAR), *(_em_widths(path) for path in FALLBACKS)]
    ems = 0.0
    for char in text:
        code = ord(char)
        ems += next((widths[code] for widths in fonts if code in widths), 1.0)
    return ems * size_pt * POINT_MM * MARGIN


def lines_needed(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """How many lines `text` takes in `width_mm`, broken between words (and inside a word too
    long for a line, as overflow-wrap: anywhere does)."""
    space = text_width_mm(" ", size_pt, bold)
    lines, used = 1, 0.0
    for word in text.split():
        width = text_width_mm(word, size_pt, bold)
        if used and used + space + width <= width_mm:
            used += space + width
            continue
        if used:
            lines += 1
        while width > width_mm:  # a word longer than a line breaks anywhere
            lines += 1
            width -= width_mm
        used = width
    return lines


def largest_size(
    text: str, sizes: tuple[float, float], width_mm: float, lines: int, bold: bool = False
) -> float:
    """The largest size from sizes[0] down to sizes[1] (in half points) at which `text` takes at
    most `lines` lines of `width_mm`; the smallest if none: then it wraps, never cut."""
    size = sizes[0]
    while size > sizes[1] and lines_needed(text, width_mm, size, bold) > lines:
        size -= 0.5
    return size
