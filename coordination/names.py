"""How names sort: by the name itself, not by the honorifics and titles before or after it.

"Hj. Siti Aminah" is found under S and "Dr. Nur'aini, M.Si." under N, on every list and sheet.
The key is stored beside the name (sort_name) so that a database can page a list in this order.
"""

import re
import unicodedata

# Honorifics and titles written before a name, compared without dots and case.
PREFIXES = frozenset(
    {"h", "hj", "kh", "dr", "drs", "dra", "ir", "prof", "r", "ra", "rr", "ust", "ustadz", "nyai"}
)
# Degrees written after a name without a comma: "S.Pd.", "M.Si", "Ph.D.", "Lc.", "SE", "MM".
DEGREE = re.compile(r"^(?:[A-Za-z]{1,4}\.){1,4}[A-Za-z]{0,4}\.?$")
DEGREE_WORDS = frozenset(
    {"se", "sh", "mm", "mh", "msi", "spd", "mpd", "st", "mt", "skom", "sag", "mag", "lc", "phd"}
)


def _bare(word: str) -> str:
    return word.replace(".", "").casefold()


def _is_degree(word: str) -> bool:
    if _bare(word) in DEGREE_WORDS:
        return True
    # At least two parts ("S.Pd", "M.Si.", "Ph.D."): a single "R." is an initial, not a degree.
    return bool(DEGREE.match(word)) and word.rstrip(".").count(".") >= 1


def name_key(name: str) -> str:
    """The name as it sorts: titles dropped, lower case, accents and apostrophes ignored."""
    name = (name or "").split(",")[0]  # "Dr. Nur'aini, M.Si." -> degrees after a comma go
    words = name.split()
    while len(words) > 1 and _bare(words[0]) in PREFIXES:
        words.pop(0)
    while len(words) > 1 and _is_degree(words[-1]):
        words.pop()
    text = unicodedata.normalize("NFKD", " ".join(words))
    text = "".join(ch for ch in text if ch.isalnum() or ch == " ")
    return " ".join(text.casefold().split())[:120]
