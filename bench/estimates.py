"""The background estimate of each document kind beside what its render really took.

  python -m bench.estimates KIND

KIND is attendance-sheet, attendance-record, badges, certificates or minutes. In a fresh
process (its PDF engine cold, as after a start): the estimate, then the render, timed; then
a second document of the same kind and size (other data, so not from the cache) with the
engine warm. Prints {"cold": [estimated, real], "warm": [estimated, real], "units": n} as JSON.
A view sends a document to the background when its estimate is over two seconds, so what
matters is the error around that line.
"""

import json
import resource
import sys
import time
from datetime import timedelta

SIZES = {
    "attendance-sheet": 1000,  # 63 pages: the sign sheet
    "attendance-record": 1000,  # 84 pages
    "badges": 800,
    "certificates": 200,
    "minutes": 45,  # the demo meeting with 45 present
}
KINDS = list(SIZES)


def _timed(document) -> tuple[float, float, float]:
    """Estimated seconds, real seconds, and the CPU seconds of this process and its render
    processes (on a busy machine, what the render cost itself)."""
    estimated = document.seconds
    started, cpu = time.perf_counter(), _cpu()
    document.content()
    return estimated, time.perf_counter() - started, _cpu() - cpu


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def documents(kind: str, event):
    """Two documents of `kind` of the same size that are not one another's cache entry."""
    if kind.startswith("attendance-"):
        from coordination.paperwork.documents import attendance_document

        which = kind.removeprefix("attendance-")
        return [
            lambda: attendance_document(event, kind=which, sort="name"),
            lambda: attendance_document(event, kind=which, sort="name", full_phone=True),
        ]
    if kind == "badges":
        from coordination.badges.documents import badges_document
        from coordination.badges.services import confirmed_of

        people = confirmed_of(event)
        return [
            lambda: badges_document(event, people, "a6"),
            lambda: badges_document(event, people, "a7"),
        ]
    if kind == "certificates":
        from flask_babel import force_locale

        from coordination.paperwork.certificates import certificates_document

        def english():
            with force_locale("en"):
                return certificates_document(event)

        return [lambda: certificates_document(event), english]
    from flask_babel import force_locale

    from coordination.minutes.documents import minutes_document

    def english():
        with force_locale("en"):
            return minutes_document(event)

    return [lambda: minutes_document(event), english]


def main(kind: str) -> dict:
    if kind == "minutes":
        from bench.minutes import prepare

        event = prepare()
        return _measure(kind, event)
    from bench.fixture import event_with_people
    from coordination.door import services as door
    from coordination.extensions import db, utcnow

    count = SIZES[kind]
    with event_with_people(count, starts_in=-timedelta(hours=2)) as (event, people):
        if kind in ("attendance-record", "certificates"):
            now, main_list = utcnow(), door.default_list(event)
            actor = door.DoorActor("Pintu Utara")
            for n, person in enumerate(people):
                door.admit(event, main_list, person, actor, at=now - timedelta(seconds=count - n))
            db.session.commit()
        return _measure(kind, event)


def _measure(kind: str, event) -> dict:
    first, second = documents(kind, event)
    cold = first()
    measured = {"units": cold.units, "cold": _timed(cold)}
    measured["warm"] = _timed(second())
    return measured


def figures(repetitions: int) -> list[dict]:
    """bench/run.py's rows: per kind, the median estimate and real seconds, cold and warm."""
    import statistics

    from bench.run import PYTHON, fresh_process
    from coordination.documents.estimate import COSTS

    results = []
    for kind in KINDS:
        runs = [fresh_process([PYTHON, "-m", "bench.estimates", kind]) for _ in range(repetitions)]
        unit = COSTS[kind].unit
        for state in ("cold", "warm"):
            estimated = statistics.median(run[state][0] for run in runs)
            real = statistics.median(run[state][1] for run in runs)
            # On the right side of the two-second line: both over it, or both under it.
            right_side = (estimated > 2) == (real > 2)
            results.append(
                {
                    "name": f"estimate: {kind}, {runs[0]['units']} {unit}s, {state}",
                    "value": round(estimated, 2),
                    "unit": "s est.",
                    "baseline": round(real, 2),
                    "ratio": round(estimated / real, 2),
                    "target": "same side of 2 s as real",
                    "met": right_side,
                }
            )
            print(
                f"  estimate {kind} {state}: estimated {estimated:.2f} s, real {real:.2f} s",
                file=sys.stderr,
            )
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
