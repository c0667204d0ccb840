"""The minutes PDF of the demo meeting, cold then cached, beside its attachment alone.

  python -m bench.minutes [--attachment-only]

Loads the Bale Hinggil demo into a fresh app, checks 45 of its 50 people in, writes minutes
from the news report of that meeting, and prints seconds (cold), cached seconds and peak RSS
as JSON. --attachment-only renders just the daftar hadir record the minutes append, so the
run shows what the minutes themselves add.
"""

import json
import resource
import sys
import tempfile
import time
from datetime import date, timedelta

SECTIONS = [
    (
        "Ketua Dekopinda menyampaikan bahwa rakor bersama gerakan koperasi baru pertama kali "
        "diadakan. Fokusnya **sinkronisasi program pemberdayaan koperasi** agar mengikuti "
        "arah revolusi industri 4.0.",
        "- Rakor bersama diadakan rutin\n- Koperasi mengembangkan usaha di era 4.0",
    ),
    (
        "Dari 800 koperasi berbadan hukum, baru sekitar 50% yang mampu melaksanakan RAT. "
        "Kelemahan utama: *SDM*, komitmen dan kepatuhan.",
        "Pembinaan diarahkan pada SDM koperasi.",
    ),
]


def prepare():
    from coordination import create_app
    from coordination.config import TestConfig
    from coordination.demo.services import load_demo
    from coordination.door import services as door
    from coordination.extensions import db
    from coordination.minutes import services as minutes_service
    from coordination.minutes.services import ActionText, DecisionText, SectionText
    from coordination.registration.models import Registration

    workdir = tempfile.mkdtemp()
    app = create_app(TestConfig(f"sqlite:///{workdir}/bench.sqlite3"))
    context = app.test_request_context()
    context.push()
    db.create_all()
    event = load_demo()
    main = door.default_list(event)
    people = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id).limit(45)
    ).all()
    for n, person in enumerate(people):
        door.admit(
            event,
            main,
            person,
            door.DoorActor("Pintu Utara"),
            at=event.starts_at - timedelta(minutes=45 - n),
        )
    minutes = minutes_service.minutes_of(event)
    text = minutes_service.MinutesText(
        version=minutes.version,
        letterhead_address="Jl. Panglima Sudirman, Kraksaan, Kabupaten Probolinggo",
        opened_by="Joko Rohani Sanjaya",
        opened_at=event.starts_at,
        opening="Rapat dibuka dengan doa bersama.",
        closed_at=event.ends_at,
        closing="Rapat ditutup dengan ucapan terima kasih.",
        chair_name="Joko Rohani Sanjaya",
        chair_position="Ketua Dekopinda Kabupaten Probolinggo",
        taker_name="Siti Rahayu",
        taker_position="Sekretaris",
        signed_place="Probolinggo",
        signed_on=date(2018, 11, 23),
        sections=[
            SectionText(section.id, *SECTIONS[n % len(SECTIONS)])
            for n, section in enumerate(minutes.sections)
        ],
        decisions=[DecisionText("Pendataan ulang koperasi aktif.", 45, 0, 0)],
        actions=[ActionText("Menyusun data koperasi aktif", "Bidang Kelembagaan")],
    )
    minutes_service.save(minutes, text, event.members[0].user)
    db.session.commit()
    return event


def main(attachment_only: bool) -> dict:
    event = prepare()
    started = time.perf_counter()
    if attachment_only:
        from coordination.paperwork.documents import attendance_pdf

        pdf = attendance_pdf(event, kind="record", sort="name")
        seconds, cached = time.perf_counter() - started, None
    else:
        from coordination.minutes.documents import minutes_pdf

        pdf = minutes_pdf(event)
        seconds = time.perf_counter() - started
        again = time.perf_counter()
        assert minutes_pdf(event) == pdf
        cached = time.perf_counter() - again
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cached_seconds": cached, "peak_rss_mb": peak_mb, "bytes": len(pdf)}


if __name__ == "__main__":
    print(json.dumps(main("--attachment-only" in sys.argv[1:])))
