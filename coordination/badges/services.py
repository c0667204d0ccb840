"""Badges: which participants get one, what is printed on it, and re-issued codes."""

import re
from base64 import b64encode
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import sqlalchemy as sa
from PIL import Image

from coordination.documents.metrics import largest_size, lines_needed
from coordination.door.models import RetiredCode
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import (
    Registration,
    RegistrationStatus,
    new_checkin_code,
)

from .qr import qr_data_uri

# Badges per A4 sheet; "single" prints one A6 badge per page for badge printers.
LAYOUTS = {"a6": 4, "a7": 8, "single": 1}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}
MAX_LOGO_BYTES = 512 * 1024
# A 455 KB PNG can hold 12,500 x 12,500 pixels: 11 s and 1.4 GB for every PDF that shows it.
# An upload may have at most this many (a phone photo has 12 million), and is stored at
# most LOGO_SIDE pixels across: the largest print, 30 mm on a certificate, is then 400 dpi.
MAX_LOGO_PIXELS = 16_000_000
LOGO_SIDE = 480
# Pillow itself refuses to decode more than twice this (any image, also in WeasyPrint's
# hands): a logo stored before the limit costs an error, not a gigabyte.
Image.MAX_IMAGE_PIXELS = MAX_LOGO_PIXELS
# What an SVG logo may not hold: pictures inside it (as big as they like), entities,
# or content from elsewhere.
SVG_REFUSED = re.compile(rb"<\s*(?:image|foreignObject|!ENTITY|!DOCTYPE)|<\?xml-stylesheet", re.I)


@dataclass(frozen=True)
class Fit:
    """How a layout fits its texts: the width they wrap in (mm), and for each the largest and
    the smallest size (pt). A name shrinks until it fits on one line, down to its smallest
    size, then wraps; an organisation shrinks to fit two lines, a position three, then wrap.
    Nothing is ever cut: the QR code gives way (A6) or the text flows under it (A7)."""

    width: float
    name: tuple[float, float]
    organisation: tuple[float, float]
    position: tuple[float, float]
    event: tuple[float, float]  # the event's name in the head
    badge_height: float  # mm
    qr: tuple[float, float] = (50, 30)  # largest and smallest QR code (mm)


# A4 sheets keep 5 mm all round for the printer: badges of 100 x 143.5 (A6) and 100 x 71.75 mm
# (A7); a badge printer's page is a whole A6 (105 x 148 mm).
FITS = {
    "a6": Fit(88, (22, 14), (11, 9), (10, 8), (9, 7), 143.5),
    "single": Fit(93, (22, 14), (11, 9), (10, 8), (9, 7), 148),
    "a7": Fit(94, (14, 10), (9, 7), (8, 7), (7.5, 6), 71.75, (36, 36)),
}
PT = 25.4 / 72
LOGO_WIDTH = 22  # mm the logo takes beside the event's name (20 mm and its margin)
# Points every smallest size gives up when the usual ones leave no room (the longest texts
# in Chinese): a name then goes down to 10 pt (8 on A7), other texts to 6 pt at the least.
TIGHTER = 4
RIBBON = {"a6": 13, "single": 13, "a7": 5.5}  # mm from the badge's bottom to above the ribbon


@dataclass(frozen=True)
class Badge:
    full_name: str
    organisation: str
    position: str
    role: str
    qr: str  # data: URI
    name_pt: float = 22
    organisation_pt: float = 11
    position_pt: float = 10
    qr_mm: float = 50


@dataclass(frozen=True)
class Head:
    """The event's name over every badge of a sheet: the same size on all of them."""

    event_pt: float
    height: float  # mm


def head_of(title: str, layout: str, logo: bool) -> Head:
    fit = FITS[layout]
    width = fit.width - (LOGO_WIDTH if logo and layout != "a7" else 0)
    size = largest_size(title, fit.event, width, 2, bold=True)
    lines = lines_needed(title, width, size, bold=True)
    height = lines * size * 1.2 * PT + 1
    if logo and layout != "a7":
        height = max(height, 13)
    return Head(size, round(height, 1))


def _column(text: str, fit: Fit, sizes: tuple[float, float], lines: int, bold=False, width=None):
    """A text's size and the height it takes (mm, with its line height)."""
    width = width or fit.width
    size = largest_size(text, sizes, width, lines, bold)
    taken = lines_needed(text, width, size, bold) * size * PT * (1.1 if bold else 1.2)
    return size, taken if text else 0


@lru_cache(maxsize=20_000)
def _qr(code: str) -> str:
    """One QR image per code, reused across sheets: a reprint costs no new QR."""
    return qr_data_uri(code)


def badge_of(registration: Registration, layout: str = "a6", head: Head | None = None) -> Badge:
    """What goes on a badge, and how big: never the mobile number or e-mail."""
    fit = FITS[layout]
    head = head or Head(fit.event[0], 14)
    # Text from the top (padding, head, the person's padding); on A6 the QR code sits above the
    # ribbon with 3 mm to spare and shrinks before text would meet it; on A7 the text flows on
    # under the code, down to the ribbon.
    top = 6 + head.height + 4 if layout != "a7" else 3 + head.height + 1
    bottom = fit.badge_height - RIBBON[layout] - 3
    sizes, text_mm = _sizes(registration, fit, layout, tight=False)
    if bottom - top - text_mm < (fit.qr[1] if layout != "a7" else 0):
        sizes, text_mm = _sizes(registration, fit, layout, tight=True)  # the longest, in Chinese
    room = bottom - top - text_mm
    qr_mm = fit.qr[0] if layout == "a7" else max(fit.qr[1], min(fit.qr[0], round(room, 1)))
    return Badge(
        full_name=registration.full_name,
        organisation=registration.organisation,
        position=registration.position,
        role=registration.role,
        qr=_qr(registration.checkin_code),
        name_pt=sizes[0],
        organisation_pt=sizes[1],
        position_pt=sizes[2],
        qr_mm=qr_mm,
    )


def _sizes(registration: Registration, fit: Fit, layout: str, tight: bool):
    """The name's, organisation's and position's sizes (pt), and the height they take (mm).
    `tight` lowers every smallest size, for when the usual ones would leave no room."""
    # On A7 the text starts beside the QR code (the room left of it), then flows on under it.
    width = fit.width - fit.qr[0] - 2 if layout == "a7" else fit.width
    lower = TIGHTER if tight else 0
    name = (fit.name[0], fit.name[1] - lower)
    name_pt, name_mm = _column(registration.full_name, fit, name, 1, True, width)
    organisation = (fit.organisation[0], max(6, fit.organisation[1] - lower))
    organisation_pt, organisation_mm = _column(
        registration.organisation, fit, organisation, 2, width=width
    )
    # A position never prints bigger than the organisation above it.
    position = (min(fit.position[0], organisation_pt), max(6, fit.position[1] - lower))
    position_pt, position_mm = _column(registration.position, fit, position, 3, width=width)
    gap = (2 if layout != "a7" else 1) if registration.organisation else 0
    return (name_pt, organisation_pt, position_pt), name_mm + gap + organisation_mm + position_mm


def sheets(badges: list[Badge], layout: str) -> list[list[Badge]]:
    per_page = LAYOUTS[layout]
    return [badges[i : i + per_page] for i in range(0, len(badges), per_page)]


def confirmed_of(event: Event, ids: list[int] | None = None) -> list[Registration]:
    """Confirmed participants (optionally only these ids), sorted by name for easy handing out."""
    query = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    if ids is not None:
        query = query.where(Registration.id.in_(ids))
    return list(db.session.scalars(query.order_by(Registration.sort_name, Registration.id)))


def reissue_code(registration: Registration) -> str:
    """A lost badge: a new code; the old one is worth nothing from now on."""
    db.session.add(RetiredCode(code=registration.checkin_code, registration_id=registration.id))
    registration.checkin_code = new_checkin_code()
    db.session.flush()
    return registration.checkin_code


def set_badge_style(
    event: Event, colour: str, logo: bytes | None, logo_mime: str | None, remove_logo: bool = False
) -> None:
    if not COLOUR.match(colour):
        raise DomainError("invalid_colour")
    event.badge_colour = colour.lower()
    if remove_logo:
        event.logo, event.logo_mime = None, None
    elif logo is not None:
        if logo_mime not in LOGO_TYPES:
            raise DomainError("invalid_logo")
        if len(logo) > MAX_LOGO_BYTES:
            raise DomainError("logo_too_large")
        event.logo, event.logo_mime = fitted_logo(logo, logo_mime)
    db.session.flush()


def fitted_logo(logo: bytes, mime: str) -> tuple[bytes, str]:
    """The logo as stored: an SVG as it is (if it holds no pictures), a picture at most
    LOGO_SIDE pixels across. Its size is read from the header before anything is decoded."""
    if mime == "image/svg+xml":
        if SVG_REFUSED.search(logo):
            raise DomainError("invalid_logo")
        return logo, mime
    try:
        with Image.open(BytesIO(logo)) as image:  # reads the header only
            kind = image.format
            if kind not in ("PNG", "JPEG"):
                raise DomainError("invalid_logo")
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                raise DomainError("logo_too_many_pixels")
            if max(width, height) <= LOGO_SIDE:
                image.load()  # a damaged file fails here, not in every PDF
                return logo, mime
            image.draft("RGB", (LOGO_SIDE, LOGO_SIDE))  # a JPEG decodes at a fraction
            image.thumbnail((LOGO_SIDE, LOGO_SIDE))
            out = BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
                return out.getvalue(), "image/jpeg"
            image.save(out, "PNG", optimize=True)
            return out.getvalue(), "image/png"
    except Image.DecompressionBombError as error:  # Pillow's own limit, from the header
        raise DomainError("logo_too_many_pixels") from error
    except (OSError, ValueError, SyntaxError) as error:  # not an image, or a damaged one
        raise DomainError("invalid_logo") from error


def logo_data_uri(event: Event) -> str | None:
    if not event.logo:
        return None
    return f"data:{event.logo_mime};base64," + b64encode(event.logo).decode()
