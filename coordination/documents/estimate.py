"""How long a document will take to render, per kind, from what renders really cost.

A view sends a document that would take more than about two seconds to a background job with
its progress page (responses.py): the estimate decides. Each kind has a fixed cost (what its
first page pays: a render process, the template, the letterhead) and a cost per unit (a page of
the daftar hadir, a badge, a certificate, a character of the minutes), measured by `make bench`
on the 2-core machine, whose figures also print every estimate beside the real seconds
(bench/estimates.py). A process whose PDF engine is not warm yet (stylesheets and fonts parsed,
see warm.py) pays for that too.

A server also learns: every document it renders updates its kind's cost per unit with what
that render took, so a slow or busy server sends documents to the background sooner. It never
estimates below the measured defaults: a quick render does not bring a big one into a request.
"""

import threading
import time
from dataclasses import dataclass

from .engine import is_warm

# Parsing every PDF stylesheet and its fonts, and a first page, in a fresh process: the
# demo's minutes cost 1.5 s of CPU cold and 0.5 s warm (make bench).
COLD_START_SECONDS = 1.0
# Renders of fewer units than this teach nothing: their fixed cost is most of what they take.
LEARN_FROM_UNITS = 20


@dataclass(frozen=True)
class Cost:
    fixed: float  # seconds, whatever the size, warm (a big document's render process, whose
    # start is paid beside this thread, is in the cost per unit)
    per_unit: float  # seconds for each unit, warm, on two cores (render processes included)
    unit: str  # what is counted
    learns: bool = True  # False where a render includes other documents' (the minutes' list)


# From `make bench` (bench/estimates.py) on the shared 2-core development machine: the CPU
# seconds of the render and its render processes, per document of each kind, cold and warm.
# Counted as if on one core (a render process pays for its own start, and shares the
# machine), so the estimate errs long, towards the background, never towards a long wait.
COSTS = {
    # 63 pages (1,000 people): 5 s of CPU; a page of the sign sheet costs twice a page of
    # the record (the signature column and its numbers, 16 rows of 14 mm).
    "attendance-sheet": Cost(0.3, 0.065, "page"),
    # 84 pages (1,000 arrivals): 4 s.
    "attendance-record": Cost(0.3, 0.035, "page"),
    # 800 badges on A6 sheets: 6.5 s (with the fonts for Chinese, Arabic and emoji).
    "badges": Cost(0.3, 0.007, "badge"),
    # 200 certificates: 3 s.
    "certificates": Cost(0.3, 0.015, "certificate"),
    # The minutes themselves (the attached list is estimated on its own): 20 decisions of
    # 3,000 characters add 1.7 s.
    "minutes": Cost(0.4, 0.00003, "character", learns=False),
}
_learned: dict[str, float] = {}
_lock = threading.Lock()


def seconds(kind: str, units: int) -> float:
    """The seconds a document of `kind` and `units` will take to render in this process."""
    cost = COSTS[kind]
    per_unit = max(cost.per_unit, _learned.get(kind, 0.0))
    return cost.fixed + per_unit * units + (0.0 if is_warm() else COLD_START_SECONDS)


def observe(kind: str, units: int, elapsed: float, cold: bool) -> None:
    """What a render of `kind` and `units` took: the cost per unit learns from it."""
    if kind not in COSTS or not COSTS[kind].learns or units < LEARN_FROM_UNITS:
        return
    spent = elapsed - COSTS[kind].fixed - (COLD_START_SECONDS if cold else 0.0)
    per_unit = max(spent, 0.0) / units
    with _lock:
        before = _learned.get(kind)
        # The mean of this render and what was known: recent renders count most.
        _learned[kind] = per_unit if before is None else (before + per_unit) / 2


def forget() -> None:
    """Back to the measured defaults (tests)."""
    with _lock:
        _learned.clear()


class Stopwatch:
    """Times a render, and whether the engine was cold when it started."""

    def __init__(self):
        self.cold = not is_warm()
        self.started = time.perf_counter()

    def stop(self, kind: str, units: int) -> float:
        elapsed = time.perf_counter() - self.started
        observe(kind, units, elapsed, self.cold)
        return elapsed
