"""README's pictures of the documents: the first page of each, from the demo meeting.

    .venv/bin/python -m tools.document_pictures [--out docs/screenshots]

Builds the demo data (`flask demo`, plus three invitees for the surat undangan and the people
who came in) in a temporary
database, renders every document the app makes and writes its first page as a PNG of about
100 dpi (pypdfium2) to docs/screenshots/document-*.png. Never part of `make test`: only
`make document-pictures` runs it; the tests write nothing into the tracked tree.
"""

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DPI = 100
INVITEES = [
    ("Drs. Bambang Sutrisno, M.Si.", "Dinas Koperasi dan Usaha Mikro", "Kepala Dinas"),
    ("Hj. Lilik Suharti", "KUD Tani Makmur", "Ketua"),
    ("Ir. Agus Setiawan", "Koperasi Serba Usaha Sejahtera", "Sekretaris"),
]


def first_page_png(pdf: bytes, path: Path, dpi: int = DPI) -> tuple[int, int]:
    """The PDF's first page as a PNG of `dpi`, in 256 colours (a modest file)."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    image.quantize(colors=256, dither=0).save(path, optimize=True)
    return image.size


def documents(event) -> dict[str, Callable[[], bytes]]:
    """The documents by picture name, each rendered when called."""
    from coordination.badges.documents import badges_pdf
    from coordination.extensions import db
    from coordination.letterheads.letters import letters_pdf
    from coordination.minutes.documents import minutes_pdf
    from coordination.paperwork.certificates import certificates_pdf
    from coordination.paperwork.documents import attendance_pdf
    from coordination.registration.models import Registration
    from coordination.reports.documents import laporan_pdf

    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.sort_name, Registration.id)
            .limit(8)
        )
    )
    return {
        "badges-a6": lambda: badges_pdf(event, registrations, "a6"),
        "daftar-hadir": lambda: attendance_pdf(event, "sheet", "name"),
        "rekap-kedatangan": lambda: attendance_pdf(event, "record", "name"),
        "sertifikat": lambda: certificates_pdf(event),
        "surat-undangan": lambda: letters_pdf(event),
        "notulen": lambda: minutes_pdf(event),
        "laporan-kegiatan": lambda: laporan_pdf(event),
    }


def _arrivals(event, count: int = 36) -> None:
    """Most of the demo meeting's people came in, over its first half hour."""
    from datetime import timedelta

    from coordination.door import services as door
    from coordination.errors import DomainError
    from coordination.extensions import db
    from coordination.registration.models import Registration

    main_list = door.default_list(event)
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    for number, person in enumerate(people[:count]):
        at = event.starts_at + timedelta(minutes=number % 30 - 15)
        try:
            door.admit(event, main_list, person, door.DoorActor("Pintu Utara"), at=at)
        except DomainError:
            continue  # on the waiting list, or already in


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)

    from coordination import create_app
    from coordination.config import TestConfig
    from coordination.demo.services import load_demo
    from coordination.extensions import db
    from coordination.registration.models import Invitation

    with tempfile.TemporaryDirectory(prefix="rakor-pictures-") as folder:
        config = TestConfig(f"sqlite:///{folder}/demo.db")
        config.PDF_PROCESSES = 0
        app = create_app(config)
        with app.app_context():
            db.create_all()
            event = load_demo()
            db.session.add_all(
                Invitation(event_id=event.id, full_name=name, organisation=body, position=job)
                for name, body, job in INVITEES
            )
            _arrivals(event)
            db.session.commit()
            with app.test_request_context(headers={"Accept-Language": "id"}):
                args.out.mkdir(parents=True, exist_ok=True)
                for name, render in documents(event).items():
                    path = args.out / f"document-{name}.png"
                    width, height = first_page_png(render(), path)
                    kb = path.stat().st_size // 1024
                    print(f"{path}: {width}×{height} px, {kb} KB")
            db.session.remove()


if __name__ == "__main__":
    main()
