"""What typed text may hold: no control characters, no bidirectional overrides.

A NUL or an ESC in a name breaks the spreadsheet formats and writes raw bytes into logs and
terminals; a right-to-left override (U+202E) makes a name read differently from what it is,
on the door screen and in the PDFs. Forms, the API and uploaded lists all refuse them, so
they never reach the database. Line breaks and tabs are fine where a text has lines.
"""

import re

# Embeddings, overrides and isolates: U+202A-U+202E and U+2066-U+2069.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_HIDDEN_IN_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def has_hidden_characters(value: str, multiline: bool = False) -> bool:
    """Whether the text holds a control or bidi-override character (lines may break)."""
    return bool((_HIDDEN_IN_LINES if multiline else _HIDDEN).search(value))


def visible(value: str) -> str:
    """The text as a log may show it: every hidden character written as its escape."""
    return _HIDDEN_IN_LINES.sub(lambda m: m.group().encode("unicode_escape").decode(), value)


# A spreadsheet runs a cell that starts with one of these as a formula (Excel, LibreOffice,
# Google Sheets), and a CSV has no types to say "this is text".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Put before such a value in a CSV, it makes the cell text: a zero-width space is not a
# formula start, is drawn as nothing (unlike the usual "'", which Excel shows when it opens a
# CSV: '+44 20 …, '-Anggota), and is no white space, so trimming keeps it. Rakor's own list
# import takes it off again.
FORMULA_GUARD = "\u200b"
_GUARDS = re.compile(FORMULA_GUARD + r"(?=[=+\-@\t\r])")


def unguarded(value: str) -> str:
    """A spreadsheet value as it was before an export guarded it against formulas."""
    return _GUARDS.sub("", value)
