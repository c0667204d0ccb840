"""One cold daftar hadir render in this process, then the same again from the cache.

  python -m bench.attendance [--naive] COUNT

Prints seconds (cold), cached seconds, and peak RSS as JSON. The default path is Rakor's:
pages cut by the app into fixed blocks. --naive renders the same rows the straightforward
way: one WeasyPrint <table> with a repeated header, its stylesheet parsed for the document.
"""

import json
import resource
import sys
import time
from datetime import timedelta

from bench.fixture import event_with_people
from bench.render_memory import watch

NAIVE_CSS = """
@font-face {
  font-family: "Rakor Sans"; src: url("/static/fonts/liberation/LiberationSans-Regular.ttf");
}
@page { size: A4 landscape; margin: 10mm; }
body { font-family: "Rakor Sans", sans-serif; font-size: 9pt; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.2mm solid #555; padding: 1mm; }
thead { display: table-header-group; }
"""
NAIVE_HTML = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<h1>DAFTAR HADIR</h1><p>{{ event.title }}</p>
<table><thead><tr><th>No.</th><th>Nama</th><th>Instansi</th><th>Jabatan</th><th>No. HP</th>
<th>Datang</th><th>Pintu</th><th>Diwakili oleh</th></tr></thead><tbody>
{% for line in lines %}<tr><td>{{ line.number }}</td><td>{{ line.name }}</td>
<td>{{ line.organisation }}</td><td>{{ line.position }}</td><td>{{ line.phone }}</td>
<td>{{ line.arrived_at|event_time(event.timezone, 'clock') }}</td><td>{{ line.door }}</td>
<td>{{ line.representative }}</td></tr>{% endfor %}
</tbody></table></body></html>"""


def main(count: int, naive: bool) -> dict:
    render_processes = watch()
    from coordination.door import services as door
    from coordination.extensions import db, utcnow

    with event_with_people(count, starts_in=-timedelta(hours=2)) as (event, people):
        now = utcnow()
        main_list = door.default_list(event)
        actor = door.DoorActor("Pintu Utara")
        for n, person in enumerate(people):
            door.admit(event, main_list, person, actor, at=now - timedelta(seconds=count - n))
        db.session.commit()

        started = time.perf_counter()
        if naive:
            pdf = naive_render(event)
            cached = None
        else:
            from coordination.paperwork.documents import attendance_pdf

            pdf = attendance_pdf(event, kind="record", sort="arrival")
            seconds = time.perf_counter() - started
            again = time.perf_counter()
            assert attendance_pdf(event, kind="record", sort="arrival") == pdf
            cached = time.perf_counter() - again
        seconds = time.perf_counter() - started if naive else seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    render_peak = max(render_processes.peaks, default=0)
    return {
        "seconds": seconds,
        "cached_seconds": cached,
        "peak_rss_mb": peak_mb,
        "render_processes": render_processes.at_once(),
        "render_process_peak_rss_mb": render_peak,
        "bytes": len(pdf),
    }


def naive_render(event) -> bytes:
    from flask import render_template_string
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from coordination.documents.pdf import STATIC_BASE, StaticOnlyFetcher
    from coordination.paperwork.attendance_list import attendance_lines

    lines = attendance_lines(event, "record", "arrival")
    fonts = FontConfiguration()
    css = CSS(
        string=NAIVE_CSS, base_url=STATIC_BASE, font_config=fonts, url_fetcher=StaticOnlyFetcher()
    )
    html = render_template_string(NAIVE_HTML, event=event, lines=lines)
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf(
        stylesheets=[css], font_config=fonts
    )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    print(json.dumps(main(int(arguments[-1]), "--naive" in arguments)))
