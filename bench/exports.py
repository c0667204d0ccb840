"""The participants export of a big event, in this process, and what it costs.

  python -m bench.exports [--naive] [--csv] COUNT

Prints seconds and peak RSS as JSON. The default is Rakor's path: openpyxl's write-only sheet
fed BATCH rows at a time from the database, written to a temporary file (what the download
sends). --naive is the straightforward way, in the same process set-up: every row fetched at
once and put in an ordinary openpyxl workbook, saved to memory. --csv times the CSV instead.

The people are inserted in batches with plain INSERTs, so no ORM object of the set-up counts
in the peak: what is measured is the app, the data in the database, and the export.
"""

import io
import json
import resource
import sys
import tempfile
import time
from datetime import timedelta

INSERT_BATCH = 1000


def status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the high-water mark) of this process, from /proc."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start the high-water mark again from now (Linux 4.0+), so that the export's own peak
    is measured, not the set-up's."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def add_people(event, count: int, arrived: int) -> None:
    """`count` confirmed people, the first `arrived` of them checked in at the main door."""
    import sqlalchemy as sa

    from coordination.door import services as door
    from coordination.extensions import db, utcnow
    from coordination.names import name_key
    from coordination.registration.models import (
        Registration,
        new_checkin_code,
        new_link_token,
    )

    now = utcnow()
    for start in range(0, count, INSERT_BATCH):
        rows = []
        for n in range(start, min(count, start + INSERT_BATCH)):
            name = f"Peserta Rakor Nomor {n}"
            rows.append(
                {
                    "event_id": event.id,
                    "full_name": name,
                    "sort_name": name_key(name),
                    "organisation": f"Koperasi Serba Usaha Nomor {n}",
                    "position": "Ketua" if n % 3 else "-Anggota",
                    "phone": f"+62812{n:08d}",
                    "email": f"peserta{n}@example.org",
                    "link_token": new_link_token(),
                    "checkin_code": new_checkin_code(),
                    "created_at": now,
                    "status_changed_at": now,
                }
            )
        db.session.execute(sa.insert(Registration), rows)
    db.session.commit()
    main_list = door.default_list(event)
    actor = door.DoorActor("Pintu Utara")
    ids = db.session.scalars(
        sa.select(Registration.id).where(Registration.event_id == event.id).limit(arrived)
    ).all()
    for n, registration_id in enumerate(ids):
        person = db.session.get(Registration, registration_id)
        door.admit(event, main_list, person, actor, at=now - timedelta(seconds=arrived - n))
        db.session.expunge(person)
    db.session.commit()


def naive_xlsx(event, columns: list[str]) -> bytes:
    """All rows at once into an ordinary workbook, saved to memory."""
    from openpyxl import Workbook

    from coordination.paperwork.exports import rows

    book = Workbook()
    sheet = book.active
    for row in list(rows(event, columns, times=True)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main(count: int, naive: bool, as_csv: bool) -> dict:
    from bench.fixture import event_with_people
    from coordination.paperwork import exports

    columns = list(exports.COLUMNS)
    with event_with_people(0, -timedelta(hours=2), capacity=count) as (event, _):
        add_people(event, count, arrived=count // 2)
        setup_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        before_mb = status_mb("VmRSS")
        reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        if naive:
            size = len(naive_xlsx(event, columns))
        else:
            with tempfile.TemporaryFile() as out:
                if as_csv:
                    exports.write_csv(event, columns, out, ";")
                else:
                    exports.write_xlsx(event, columns, out)
                size = out.tell()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        export_peak = status_mb("VmHWM")
    return {
        "seconds": seconds,
        # The same in this process's CPU time: on a busy machine, what it costs itself.
        "cpu_seconds": cpu,
        "setup_peak_rss_mb": setup_peak,
        # The process while it exported: what it held before, and its peak while exporting.
        "rss_before_export_mb": before_mb,
        "export_peak_rss_mb": export_peak,
        "bytes": size,
    }


def figures(count: int, repetitions: int) -> list[dict]:
    """bench/run.py's rows: the XLSX (and CSV) of `count` participants in fresh processes,
    beside the naive XLSX in the same run; medians of time, the worst peaks."""
    import statistics

    from bench.run import PYTHON, fresh_process

    runs = {"xlsx": [], "naive": [], "csv": []}
    flags = {"xlsx": [], "naive": ["--naive"], "csv": ["--csv"]}
    for n in range(repetitions):
        for kind in runs:
            args = [PYTHON, "-m", "bench.exports", *flags[kind], str(count)]
            runs[kind].append(fresh_process(args))
        print(
            f"  export run {n + 1}: xlsx {runs['xlsx'][-1]['seconds']:.2f} s "
            f"({runs['xlsx'][-1]['cpu_seconds']:.2f} s CPU), naive "
            f"{runs['naive'][-1]['seconds']:.2f} s, csv {runs['csv'][-1]['seconds']:.2f} s",
            file=sys.stderr,
        )

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    def worst(kind: str, key: str) -> float:
        return max(r[key] for r in runs[kind])

    name = f"export of {count} people, 12 columns"
    seconds, naive = median("xlsx", "seconds"), median("naive", "seconds")
    cpu, naive_cpu = median("xlsx", "cpu_seconds"), median("naive", "cpu_seconds")
    peak, naive_peak = worst("xlsx", "export_peak_rss_mb"), worst("naive", "export_peak_rss_mb")
    grew = peak - worst("xlsx", "rss_before_export_mb")
    naive_grew = naive_peak - worst("naive", "rss_before_export_mb")
    full = count == 10_000
    return [
        {
            "name": f"{name}: XLSX time (base: plain openpyxl)",
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": round(naive, 2),
            "ratio": round(seconds / naive, 2),
            "target": "< 5 s" if full else "reported",
            "met": seconds < 5 or not full,
        },
        {
            "name": f"{name}: XLSX, CPU time",
            "value": round(cpu, 2),
            "unit": "s",
            "baseline": round(naive_cpu, 2),
            "ratio": round(cpu / naive_cpu, 2),
            "target": "reported",
            "met": True,
        },
        {
            "name": f"{name}: XLSX, peak RSS of the app",
            "value": round(peak),
            "unit": "MB",
            "baseline": round(naive_peak),
            "ratio": round(peak / naive_peak, 2),
            "target": "< 250 MB" if full else "reported",
            "met": peak < 250 or not full,
        },
        {
            "name": f"{name}: XLSX, RSS added by exporting",
            "value": round(grew, 1),
            "unit": "MB",
            "baseline": round(naive_grew, 1),
            "ratio": round(grew / naive_grew, 2) if naive_grew > 0 else None,
            "target": "reported (bounded)",
            "met": True,
        },
        {
            "name": f"{name}: CSV time",
            "value": round(median("csv", "seconds"), 2),
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "target": "reported",
            "met": True,
        },
    ]


if __name__ == "__main__":
    arguments = sys.argv[1:]
    print(json.dumps(main(int(arguments[-1]), "--naive" in arguments, "--csv" in arguments)))
