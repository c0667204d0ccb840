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
