"""bench/run.py's one call for exports and documents at scale: the XLSX of 10,000 people,
the daftar hadir at 1,000 to 10,000 rows beside ReportLab (with the README's chart), and the
background estimate of every document kind beside its real seconds."""

from bench import attendance_scale, estimates, exports


def figures(quick: bool, repetitions: int) -> list[dict]:
    results = exports.figures(1000 if quick else 10_000, repetitions)
    # A 10,000-row list takes a minute or more cold, in three ways, for two kinds: once each.
    results += attendance_scale.figures(quick, 1)
    results += estimates.figures(1 if quick else repetitions)
    return results
