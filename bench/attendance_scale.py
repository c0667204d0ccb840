"""The daftar hadir at 1,000, 5,000 and 10,000 rows, beside a ReportLab table of the same rows.

  python -m bench.attendance_scale [--one-thread | --reportlab] KIND COUNT

KIND is sheet (the sign sheet for the door) or record (the record of arrivals). Renders cold in
this fresh process and prints seconds, cached seconds and peak RSS (its own, and each render
process's) as JSON. --one-thread renders with no render process. --reportlab is the baseline:
what pretix does for its check-in list, a ReportLab platypus table of the same rows (number,
name, organisation, position, mobile, and a signature column on the sheet; arrival and door on
the record), wrapped cells, a header repeated on every page, the same Liberation Sans.

People are inserted with plain INSERTs, so no ORM object of the set-up counts in the peak.
"""

import json
import resource
import sys
import time
from datetime import timedelta

SIZES = [1000, 5000, 10000]
QUICK_SIZES = [200, 1000]
MODES = ["rakor", "one-thread", "reportlab"]
# One thread is the comparison at 1,000 rows; at 10,000 it would take many minutes.
ONE_THREAD_UP_TO = 1000


def modes_for(count: int) -> list[str]:
    return [m for m in MODES if m != "one-thread" or count <= ONE_THREAD_UP_TO]


def add_checkins(event, count: int) -> None:
    """Every registration of `event` checked in at the main door, a second apart."""
    import sqlalchemy as sa

    from coordination.door import services as door
    from coordination.door.models import Checkin
    from coordination.extensions import db, utcnow
    from coordination.registration.models import Registration

    main_list = door.default_list(event)
    now = utcnow()
    query = sa.select(Registration.id).where(Registration.event_id == event.id)
    ids = db.session.scalars(query.order_by(Registration.id)).all()
    rows = [
        {
            "list_id": main_list.id,
            "registration_id": registration_id,
            "checked_in_at": now - timedelta(seconds=count - n),
            "recorded_at": now,
            "source": "scan",
            "offline": False,
            "door_name": "Pintu Utara",
            "whole_event": True,  # on the main list: the check-in who_came counts
        }
        for n, registration_id in enumerate(ids)
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(sa.insert(Checkin), rows[start : start + 1000])
    db.session.commit()


def main(kind: str, count: int, mode: str) -> dict:
    from flask import current_app

    from bench.exports import add_people
    from bench.fixture import event_with_people
    from bench.render_memory import watch

    render_processes = watch()
    with event_with_people(0, -timedelta(hours=2), capacity=count) as (event, _):
        add_people(event, count, arrived=0)
        if kind == "record":
            add_checkins(event, count)
        if mode == "one-thread":
            current_app.config["PDF_PROCESSES"] = 0
        started = time.perf_counter()
        cached = None
        if mode == "reportlab":
            pdf = reportlab_table(event, kind)
            seconds = time.perf_counter() - started
        else:
            from coordination.paperwork.documents import attendance_pdf

            pdf = attendance_pdf(event, kind=kind, sort="name")
            seconds = time.perf_counter() - started
            again = time.perf_counter()
            assert attendance_pdf(event, kind=kind, sort="name") == pdf
            cached = time.perf_counter() - again
    return {
        "seconds": seconds,
        "cached_seconds": cached,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "render_processes": render_processes.at_once(),
        "render_process_peak_rss_mb": max(render_processes.peaks, default=0),
        "bytes": len(pdf),
    }


def reportlab_table(event, kind: str) -> bytes:
    """The same rows as one ReportLab table, as pretix's check-in list PDF is made."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from coordination.documents.engine import STATIC
    from coordination.i18n import format_arrival
    from coordination.paperwork.attendance_list import attendance_lines

    fonts = STATIC / "fonts" / "liberation"
    pdfmetrics.registerFont(TTFont("Rakor", str(fonts / "LiberationSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Rakor-Bold", str(fonts / "LiberationSans-Bold.ttf")))
    cell = ParagraphStyle("cell", fontName="Rakor", fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName="Rakor-Bold", fontSize=9, leading=11)
    title = ParagraphStyle("title", fontName="Rakor-Bold", fontSize=14, leading=18)
    lines = attendance_lines(event, kind, "name")
    if kind == "sheet":
        heads = ["No.", "Nama", "Instansi/Koperasi", "Jabatan", "No. HP", "Tanda tangan"]
        widths = [9, 46, 42, 25, 27, 37]
        values = [
            [str(line.number), line.name, line.organisation, line.position, line.phone, ""]
            for line in lines
        ]
        size, height = A4, 14 * mm
    else:
        heads = ["No.", "Nama", "Instansi/Koperasi", "Jabatan", "No. HP", "Datang", "Pintu"]
        widths = [9, 60, 60, 32, 30, 24, 24]
        values = [
            [
                str(line.number),
                line.name,
                line.organisation,
                line.position,
                line.phone,
                format_arrival(line.arrived_at, event.starts_at, event.timezone),
                line.door,
            ]
            for line in lines
        ]
        size, height = landscape(A4), 10.5 * mm
    data = [[Paragraph(text, head) for text in heads]]
    data += [[Paragraph(text, cell) for text in row] for row in values]
    table = LongTable(
        data,
        colWidths=[width * mm for width in widths],
        rowHeights=[None] + [height] * len(values),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#555555")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=size, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm
    )

    def page_number(canvas, doc):
        canvas.setFont("Rakor", 8)
        canvas.drawRightString(size[0] - 12 * mm, 8 * mm, f"Halaman {doc.page}")

    document.build(
        [Paragraph(f"DAFTAR HADIR · {event.title}", title), Spacer(1, 4 * mm), table],
        onFirstPage=page_number,
        onLaterPages=page_number,
    )
    return out.getvalue()


def figures(quick: bool, repetitions: int) -> list[dict]:
    """bench/run.py's rows, and the README's chart: time and peak memory against rows."""
    import statistics

    from bench.run import PYTHON, fresh_process

    sizes = QUICK_SIZES if quick else SIZES
    measured: dict[tuple[str, str, int], dict] = {}
    for kind in ("sheet", "record"):
        for count in sizes:
            runs: dict[str, list[dict]] = {mode: [] for mode in modes_for(count)}
            for _ in range(repetitions):
                for mode in runs:
                    flag = [] if mode == "rakor" else [f"--{mode}"]
                    args = [PYTHON, "-m", "bench.attendance_scale", *flag, kind, str(count)]
                    runs[mode].append(fresh_process(args))
            for mode in runs:
                measured[kind, mode, count] = {
                    "seconds": statistics.median(r["seconds"] for r in runs[mode]),
                    "cached": statistics.median(r["cached_seconds"] or 0 for r in runs[mode]),
                    "peak": max(
                        r["peak_rss_mb"] + r["render_processes"] * r["render_process_peak_rss_mb"]
                        for r in runs[mode]
                    ),
                }
            m = {mode: measured[kind, mode, count] for mode in runs}
            alone = f", one thread {m['one-thread']['seconds']:.2f} s" if "one-thread" in m else ""
            print(
                f"  daftar hadir {kind} {count}: {m['rakor']['seconds']:.2f} s "
                f"({m['rakor']['peak']:.0f} MB){alone}, "
                f"ReportLab {m['reportlab']['seconds']:.2f} s ({m['reportlab']['peak']:.0f} MB)",
                file=sys.stderr,
            )
    chart(measured, sizes)
    return rows(measured, sizes)


def rows(measured: dict, sizes: list[int]) -> list[dict]:
    results = []
    for kind in ("sheet", "record"):
        for count in sizes:
            rakor, baseline = measured[kind, "rakor", count], measured[kind, "reportlab", count]
            name = f"daftar hadir {kind}, {count} rows"
            ways = [("cold", rakor)]
            if (kind, "one-thread", count) in measured:
                ways.append(("cold, one thread", measured[kind, "one-thread", count]))
            for label, figure in ways:
                results.append(
                    {
                        "name": f"{name}, {label}: time (base: ReportLab)",
                        "value": round(figure["seconds"], 2),
                        "unit": "s",
                        "baseline": round(baseline["seconds"], 2),
                        "ratio": round(figure["seconds"] / baseline["seconds"], 2),
                        "target": "<= ReportLab",
                        "met": figure["seconds"] <= baseline["seconds"],
                    }
                )
            results.append(
                {
                    "name": f"{name}, cached: time",
                    "value": round(rakor["cached"] * 1000, 1),
                    "unit": "ms",
                    "baseline": None,
                    "ratio": None,
                    "target": "< 50 ms",
                    "met": rakor["cached"] < 0.05,
                }
            )
            results.append(
                {
                    "name": f"{name}, cold: peak RSS with render processes",
                    "value": round(rakor["peak"]),
                    "unit": "MB",
                    "baseline": round(baseline["peak"]),
                    "ratio": round(rakor["peak"] / baseline["peak"], 2),
                    "target": "reported",
                    "met": True,
                }
            )
        smallest = measured[kind, "rakor", sizes[0]]["peak"]
        largest = measured[kind, "rakor", sizes[-1]]["peak"]
        results.append(
            {
                "name": f"daftar hadir {kind}: peak RSS, {sizes[-1]} rows / {sizes[0]} rows",
                "value": round(largest / smallest, 2),
                "unit": "x",
                "baseline": None,
                "ratio": None,
                "target": "<= 1.5 x",
                "met": largest / smallest <= 1.5,
            }
        )
    return results


def chart(measured: dict, sizes: list[int]) -> None:
    """docs/bench-attendance-scale.png: seconds and peak MB against rows, for the README."""
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (times, memory) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    styles = {"rakor": "o-", "one-thread": "s--", "reportlab": "^:"}
    names = {"rakor": "Rakor", "one-thread": "Rakor, one thread", "reportlab": "ReportLab table"}
    for kind in ("sheet", "record"):
        for mode in MODES:
            label = f"{names[mode]}: {kind}"
            counts = [count for count in sizes if (kind, mode, count) in measured]
            points = [measured[kind, mode, count] for count in counts]
            if len(points) < 2:
                continue
            times.plot(counts, [p["seconds"] for p in points], styles[mode], label=label)
            if mode != "one-thread":
                memory.plot(counts, [p["peak"] for p in points], styles[mode], label=label)
    times.set_title("Daftar hadir, cold: time")
    times.set_ylabel("seconds")
    memory.set_title("Peak RSS (with render processes)")
    memory.set_ylabel("MB")
    memory.set_ylim(bottom=0)
    for axis in (times, memory):
        axis.set_xlabel("rows")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    out = Path(__file__).resolve().parent.parent / "docs" / "bench-attendance-scale.png"
    figure.savefig(out)
    plt.close(figure)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    mode = next((m for m in MODES if f"--{m}" in arguments), "rakor")
    print(json.dumps(main(arguments[-2], int(arguments[-1]), mode)))
