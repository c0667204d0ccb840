"""One cold badge render in this process: prints seconds and peak RSS as JSON.

  python -m bench.badges [--naive] COUNT

The default path is Rakor's: a QR bitmap per code, the stylesheet and fonts parsed once.
--naive renders the same sheets the straightforward way: an SVG QR regenerated for every
badge, and a stylesheet and font configuration made afresh for the document.
"""

import json
import resource
import sys
import time
from base64 import b64encode
from datetime import timedelta

from bench.fixture import event_with_people
from bench.render_memory import watch


def main(count: int, naive: bool) -> dict:
    render_processes = watch()
    with event_with_people(count, starts_in=timedelta(days=5)) as (event, _people):
        from coordination.badges.services import confirmed_of

        people = confirmed_of(event)
        started = time.perf_counter()
        if naive:
            pdf = naive_render(event, people)
        else:
            from coordination.badges.documents import badges_pdf

            pdf = badges_pdf(event, people, "a6")
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    render_peak = max(render_processes.peaks, default=0)
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_mb,
        "render_processes": render_processes.at_once(),
        "render_process_peak_rss_mb": render_peak,
        "bytes": len(pdf),
    }


def naive_render(event, people) -> bytes:
    from flask import render_template
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from coordination.badges.qr import qr_svg
    from coordination.badges.services import Badge, sheets
    from coordination.documents.pdf import STATIC, STATIC_BASE, StaticOnlyFetcher

    badges = [
        Badge(
            p.full_name,
            p.organisation,
            p.position,
            p.role,
            "data:image/svg+xml;base64," + b64encode(qr_svg(p.checkin_code).encode()).decode(),
        )
        for p in people
    ]
    fonts = FontConfiguration()
    css = CSS(
        filename=str(STATIC / "pdf" / "badges.css"),
        base_url=STATIC_BASE + "static/pdf/",
        font_config=fonts,
        url_fetcher=StaticOnlyFetcher(),
    )
    html = render_template(
        "badges/sheet.html", event=event, layout="a6", sheets=sheets(badges, "a6"), logo=None
    )
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf(
        stylesheets=[css], font_config=fonts
    )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    print(json.dumps(main(int(arguments[-1]), "--naive" in arguments)))
