"""Sorting as people read: "Desa 2" before "Desa 10"."""

import re

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """A sort key that compares the numbers inside a text as numbers, ignoring case and spaces."""
    parts = _NUMBERS.split(" ".join(text.casefold().split()))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)
