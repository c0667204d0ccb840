"""Letterhead and signer rules: who may use which kop, what a kop prints, and images.

Every PDF prints its kop from `kop_of(event)` through one template macro (templates/_kop.html),
and its signer from `signer_of(event)`.
"""

from base64 import b64encode
from dataclasses import dataclass

import sqlalchemy as sa

from coordination.auth.models import Role, User
from coordination.badges.services import fitted_logo
from coordination.errors import DomainError
from coordination.events.models import Event, EventMember, EventRole
from coordination.extensions import db
from coordination.i18n import format_event_time

from .models import KOP_LINES, Letterhead, Signer

IMAGE_TYPES = {"image/png", "image/jpeg"}
MAX_IMAGE_BYTES = 512 * 1024
TEXT_LIMITS = {
    "line": 200,
    "address": 300,
    "telephone": 80,
    "website": 120,
    "email": 254,
    "city": 80,
    "name": 120,
    "title": 160,
    "nip": 32,
}


@dataclass(frozen=True)
class Kop:
    """What a letterhead prints: lines of names, the address and contacts, the logo."""

    lines: tuple[str, ...]
    address: str = ""
    contacts: tuple[str, ...] = ()
    logo: str | None = None  # data: URI
    city: str = ""


@dataclass(frozen=True)
class SignerView:
    """Who signs, as printed: name, jabatan, NIP, and data: URIs of the scans."""

    name: str = ""
    title: str = ""
    nip: str = ""
    signature: str | None = None
    stamp: str | None = None


def _data_uri(content: bytes | None, mime: str | None) -> str | None:
    if not content:
        return None
    return f"data:{mime};base64," + b64encode(content).decode()


def _address_typed_for_minutes(event: Event) -> str:
    from coordination.minutes.models import Minutes

    found = db.session.scalar(
        sa.select(Minutes.letterhead_address).where(Minutes.event_id == event.id)
    )
    return found or ""


def kop_of(event: Event) -> Kop:
    """The event's kop: its letterhead's, or (none chosen yet) the organising body, the
    event's logo and the address typed for the minutes."""
    letterhead = event.letterhead
    if letterhead is None:
        return Kop(
            lines=(event.organising_body,),
            address=_address_typed_for_minutes(event),
            logo=_data_uri(event.logo, event.logo_mime),
        )
    contacts = [
        label + value
        for label, value in (
            ("Telp. ", letterhead.telephone),
            ("", letterhead.website),
            ("E-mail: ", letterhead.email),
        )
        if value
    ]
    return Kop(
        lines=tuple(letterhead.lines),
        address=letterhead.address,
        contacts=tuple(contacts),
        logo=_data_uri(letterhead.logo, letterhead.logo_mime),
        city=letterhead.city,
    )


def place_and_date(event: Event, kop: Kop) -> str:
    """ "Kraksaan, 23 November 2018": the letterhead's city (a line to write it on if none is
    set) and the meeting's day."""
    day = format_event_time(event.starts_at, event.timezone, "day")
    return f"{kop.city or '..................'}, {day}"


def signer_of(event: Event, images: bool = True) -> SignerView:
    """Who signs the event's paperwork; an empty one (a line to sign by hand) if none."""
    signer = event.signer
    if signer is None:
        return SignerView()
    return SignerView(
        name=signer.name,
        title=signer.title,
        nip=signer.nip,
        signature=_data_uri(signer.signature, signer.signature_mime) if images else None,
        stamp=_data_uri(signer.stamp, signer.stamp_mime) if images else None,
    )


def letterheads_for(user: User) -> list[Letterhead]:
    """The letterheads a user may choose and edit: their own, and those of the events they
    organise (a colleague's kop, set once for the body)."""
    query = sa.select(Letterhead)
    if user.role != Role.ADMIN:
        used = (
            sa.select(Event.letterhead_id)
            .join(EventMember, EventMember.event_id == Event.id)
            .where(EventMember.user_id == user.id, EventMember.role == EventRole.ORGANISER)
        )
        query = query.where(sa.or_(Letterhead.owner_id == user.id, Letterhead.id.in_(used)))
    return list(db.session.scalars(query.order_by(Letterhead.line1, Letterhead.id)))


def letterhead_for(user: User, letterhead_id: int) -> Letterhead:
    """One of `letterheads_for(user)`, or DomainError("unknown_letterhead")."""
    for letterhead in letterheads_for(user):
        if letterhead.id == letterhead_id:
            return letterhead
    raise DomainError("unknown_letterhead")


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


@dataclass
class LetterheadData:
    lines: list[str]
    address: str = ""
    telephone: str = ""
    website: str = ""
    email: str = ""
    city: str = ""
    logo: bytes | None = None
    logo_mime: str | None = None
    remove_logo: bool = False


def save_letterhead(letterhead: Letterhead | None, data: LetterheadData, owner: User) -> Letterhead:
    """A new letterhead (None) or changes to one; the first line is required."""
    lines = [_clean(line, TEXT_LIMITS["line"]) for line in data.lines][:KOP_LINES]
    lines = [line for line in lines if line]
    if not lines:
        raise DomainError("kop_needs_a_line")
    if letterhead is None:
        letterhead = Letterhead(owner_id=owner.id)
        db.session.add(letterhead)
    lines += [""] * (KOP_LINES - len(lines))
    letterhead.line1, letterhead.line2, letterhead.line3, letterhead.line4 = lines
    for name in ("address", "telephone", "website", "email", "city"):
        setattr(letterhead, name, _clean(getattr(data, name), TEXT_LIMITS[name]))
    if data.remove_logo:
        letterhead.logo, letterhead.logo_mime = None, None
    elif data.logo is not None:
        letterhead.logo, letterhead.logo_mime = _image(data.logo, data.logo_mime, svg=True)
    db.session.flush()
    return letterhead


def _image(content: bytes, mime: str | None, svg: bool = False) -> tuple[bytes, str]:
    """An uploaded picture as stored: bounded in bytes and pixels before it is decoded, and
    downscaled (badges.services.fitted_logo)."""
    allowed = IMAGE_TYPES | ({"image/svg+xml"} if svg else set())
    if mime not in allowed:
        raise DomainError("invalid_image")
    if len(content) > MAX_IMAGE_BYTES:
        raise DomainError("image_too_large")
    try:
        return fitted_logo(content, mime)
    except DomainError as error:
        code = "image_too_many_pixels" if error.code == "logo_too_many_pixels" else "invalid_image"
        raise DomainError(code) from error


@dataclass
class SignerData:
    name: str
    title: str = ""
    nip: str = ""
    signature: bytes | None = None
    signature_mime: str | None = None
    stamp: bytes | None = None
    stamp_mime: str | None = None
    remove_signature: bool = False
    remove_stamp: bool = False


def save_signer(letterhead: Letterhead, signer: Signer | None, data: SignerData) -> Signer:
    """A new signer of this letterhead (None) or changes to one; the name is required."""
    name = _clean(data.name, TEXT_LIMITS["name"])
    if not name:
        raise DomainError("signer_needs_a_name")
    if signer is None:
        signer = Signer(letterhead=letterhead)
        db.session.add(signer)
    signer.name = name
    signer.title = _clean(data.title, TEXT_LIMITS["title"])
    signer.nip = _clean(data.nip, TEXT_LIMITS["nip"])
    for kind in ("signature", "stamp"):
        if getattr(data, f"remove_{kind}"):
            setattr(signer, kind, None)
            setattr(signer, f"{kind}_mime", None)
        elif getattr(data, kind) is not None:
            content, mime = _image(getattr(data, kind), getattr(data, f"{kind}_mime"))
            setattr(signer, kind, content)
            setattr(signer, f"{kind}_mime", mime)
    db.session.flush()
    return signer


def signer_for(letterhead: Letterhead, signer_id: int) -> Signer:
    for signer in letterhead.signers:
        if signer.id == signer_id:
            return signer
    raise DomainError("unknown_signer")


def choose(event: Event, letterhead: Letterhead | None, signer: Signer | None) -> None:
    """The event's kop and signer; a signer of another letterhead is refused."""
    if signer is not None and (letterhead is None or signer.letterhead_id != letterhead.id):
        raise DomainError("unknown_signer")
    event.letterhead = letterhead
    event.signer = signer
    db.session.flush()
