"""The rules of the laporan kegiatan's uploads: the scanned daftar hadir and the photos.

Every file is checked before anything is stored: its size as sent, then its header (a
picture's pixels, a PDF's pages) before anything is decoded. Pictures are then downscaled
(Pillow) and stored as JPEG; a PDF is kept as sent. An upload of several files stores all of
them or, if one is refused, none.
"""

from dataclasses import dataclass
from io import BytesIO

import pikepdf
import sqlalchemy as sa
from PIL import Image, ImageOps

from coordination.auth.models import User
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db

from .models import ReportFile, ReportFileKind

MAX_PHOTOS = 12
MAX_FILE_BYTES = 8 * 1024 * 1024  # also all a request may carry (MAX_CONTENT_LENGTH)
# Pillow's own guard in this app (badges.services) refuses pictures above twice this.
MAX_PIXELS = 16_000_000
MAX_SCAN_PAGES = 30
PHOTO_SIDE = 1600  # px: a photo printed 17 cm wide at about 240 dpi
SCAN_SIDE = 2000  # px: an A4 page at about 170 dpi, signatures legible
PICTURE_FORMATS = ("JPEG", "PNG")


@dataclass
class Upload:
    """One file as the browser sent it."""

    name: str
    content: bytes


@dataclass
class Stored:
    mime: str
    content: bytes
    width: int = 0
    height: int = 0
    pages: int = 1


def _refuse(code: str, upload: Upload, **details) -> DomainError:
    return DomainError(code, name=upload.name[:80], **details)


def downscaled(upload: Upload, side: int) -> Stored:
    """A JPEG at most `side` pixels across, upright; the pixels counted from the header first."""
    if len(upload.content) > MAX_FILE_BYTES:
        raise _refuse("file_too_large", upload, mb=MAX_FILE_BYTES // 2**20)
    try:
        with Image.open(BytesIO(upload.content), formats=PICTURE_FORMATS) as image:
            width, height = image.size  # from the header: nothing decoded yet
            if width * height > MAX_PIXELS:
                raise _refuse("too_many_pixels", upload, megapixels=MAX_PIXELS // 1_000_000)
            image.draft("RGB", (side, side))  # a JPEG decodes at a fraction of its size
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((side, side))
            out = BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=82)
            return Stored("image/jpeg", out.getvalue(), *upright.size)
    except Image.DecompressionBombError as error:
        raise _refuse("too_many_pixels", upload, megapixels=MAX_PIXELS // 1_000_000) from error
    except Image.UnidentifiedImageError as error:
        raise _refuse("not_an_image", upload) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise _refuse("damaged", upload) from error


def checked_pdf(upload: Upload) -> Stored:
    """A scanned PDF as sent, once its pages are counted and it opens."""
    if len(upload.content) > MAX_FILE_BYTES:
        raise _refuse("file_too_large", upload, mb=MAX_FILE_BYTES // 2**20)
    try:
        with pikepdf.open(BytesIO(upload.content)) as pdf:
            pages = len(pdf.pages)
    except (pikepdf.PdfError, ValueError) as error:
        raise _refuse("damaged", upload) from error
    if pages > MAX_SCAN_PAGES:
        raise _refuse("too_many_pages", upload, pages=MAX_SCAN_PAGES)
    if pages == 0:
        raise _refuse("damaged", upload)
    return Stored("application/pdf", upload.content, pages=pages)


def is_pdf(upload: Upload) -> bool:
    return upload.content[:5] == b"%PDF-"


def files_of(event: Event, kind: str) -> list[ReportFile]:
    return list(
        db.session.scalars(
            sa.select(ReportFile)
            .where(ReportFile.event_id == event.id, ReportFile.kind == kind)
            .order_by(ReportFile.position, ReportFile.id)
        )
    )


def _store(event: Event, kind: str, done: list[tuple[Upload, Stored]], user: User, first: int):
    for position, (upload, stored) in enumerate(done, start=first):
        db.session.add(
            ReportFile(
                event_id=event.id,
                kind=kind,
                position=position,
                mime=stored.mime,
                content=stored.content,
                size=len(stored.content),
                width=stored.width,
                height=stored.height,
                pages=stored.pages,
                original_name=upload.name[:200],
                uploaded_by_id=user.id,
            )
        )
    db.session.flush()


def add_photos(event: Event, uploads: list[Upload], user: User) -> int:
    """Add photos of the meeting, downscaled; all of them, or none if one is refused."""
    uploads = [upload for upload in uploads if upload.content]
    if not uploads:
        raise DomainError("no_file")
    kept = files_of(event, ReportFileKind.PHOTO)
    if len(kept) + len(uploads) > MAX_PHOTOS:
        raise DomainError("too_many_photos", most=MAX_PHOTOS, kept=len(kept), sent=len(uploads))
    done = [(upload, downscaled(upload, PHOTO_SIDE)) for upload in uploads]
    first = max((photo.position for photo in kept), default=-1) + 1
    _store(event, ReportFileKind.PHOTO, done, user, first)
    return len(done)


def replace_scan(event: Event, uploads: list[Upload], user: User) -> int:
    """The signed paper daftar hadir, scanned: one PDF, or pictures one per page in order.
    It replaces the scan before it, only once every file is accepted. Returns its pages."""
    uploads = [upload for upload in uploads if upload.content]
    if not uploads:
        raise DomainError("no_file")
    pdfs = [upload for upload in uploads if is_pdf(upload)]
    if pdfs and len(uploads) > 1:
        raise DomainError("scan_mixed")
    if len(uploads) > MAX_SCAN_PAGES:
        raise _refuse("too_many_pages", uploads[0], pages=MAX_SCAN_PAGES)
    if pdfs:
        done = [(pdfs[0], checked_pdf(pdfs[0]))]
    else:
        done = []
        for upload in uploads:
            try:
                done.append((upload, downscaled(upload, SCAN_SIDE)))
            except DomainError as error:
                if error.code == "not_an_image":
                    raise _refuse("not_a_scan", upload) from error
                raise
    for old in files_of(event, ReportFileKind.SCAN):
        db.session.delete(old)
    db.session.flush()
    _store(event, ReportFileKind.SCAN, done, user, 0)
    return sum(stored.pages for _upload, stored in done)


def remove_file(event: Event, file_id: int) -> bool:
    """Remove one upload of this event; False when there is no such file here."""
    found = db.session.scalar(
        sa.select(ReportFile).where(ReportFile.id == file_id, ReportFile.event_id == event.id)
    )
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    return True


def contents(event: Event, kind: str) -> list[tuple[int, str, bytes]]:
    """(id, mime, bytes) of the event's files of one kind, in order: what the PDF prints."""
    rows = db.session.execute(
        sa.select(ReportFile.id, ReportFile.mime, ReportFile.content)
        .where(ReportFile.event_id == event.id, ReportFile.kind == kind)
        .order_by(ReportFile.position, ReportFile.id)
    )
    return [(row.id, row.mime, row.content) for row in rows]


def listing(event: Event, kind: str) -> list[tuple[int, str]]:
    """(id, mime) of the event's files of one kind, in order, without their bytes."""
    rows = db.session.execute(
        sa.select(ReportFile.id, ReportFile.mime)
        .where(ReportFile.event_id == event.id, ReportFile.kind == kind)
        .order_by(ReportFile.position, ReportFile.id)
    )
    return [(row.id, row.mime) for row in rows]
