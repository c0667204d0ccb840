"""Self check-in and digital signatures: plain functions, no request in sight.

The hall QR carries a token signed with the app's secret over its check-in list and a 30-second
window of time. The current and the previous window are accepted, so a photo of the QR sent to
a WhatsApp group stops working within a minute. Whoever scans it in time gets a few minutes on
their phone to say who they are (the view keeps that in their session). The check-in itself is
the door's: coordination.door.services.admit, with the source "self".
"""

import base64
import hashlib
import hmac
import io
import json
import math
import re
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from PIL import Image, ImageDraw

from coordination.door import models as door_models
from coordination.door import services as door
from coordination.door.models import Checkin, CheckinList, CheckinSource
from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration import services as registration
from coordination.registration.models import Registration

from .models import (
    MAX_BODY_CHARS,
    MAX_PATH_CHARS,
    MAX_POINTS,
    MAX_STROKES,
    PAD_HEIGHT,
    PAD_WIDTH,
    Signature,
)

WINDOW_SECONDS = 30
# Windows a projector is given ahead, so it keeps changing its QR if its network drops.
WINDOWS_AHEAD = 20
MAX_TOKEN_CHARS = 64
# After a good scan, the phone has this long to say who it is and to sign.
PASS_SECONDS = 10 * 60
# The check-in confirmation: the last characters of the person's check-in code.
CONFIRM_CHARS = 4
# The door's name on a self check-in: the record shows the source's label instead.
SELF_DOOR_NAME = "Mandiri"
SELF_ACTOR = door.DoorActor(name=SELF_DOOR_NAME)

_TOKEN = re.compile(r"^([0-9]{1,12})-([A-Za-z0-9_-]{16,43})$")


def window_at(now: datetime | None = None) -> int:
    """The number of the 30-second window `now` falls in."""
    return int((now or utcnow()).timestamp()) // WINDOW_SECONDS


def hall_token(secret: str, list_id: int, window: int) -> str:
    """The token of the hall QR of this list in this window: "<window>-<signature>"."""
    message = f"hall-qr:{list_id}:{window}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:16]
    return f"{window}-{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def hall_tokens(secret: str, list_id: int, now: datetime | None = None) -> list[tuple[int, str]]:
    """(window, token) from the current window on, for a projector to show in turn."""
    first = window_at(now)
    return [
        (window, hall_token(secret, list_id, window))
        for window in range(first, first + WINDOWS_AHEAD)
    ]


def check_hall_token(secret: str, list_id: int, raw: str, now: datetime | None = None) -> None:
    """A token of this list for the current or the previous window; DomainError if not."""
    raw = (raw or "")[:MAX_TOKEN_CHARS]
    match = _TOKEN.match(raw)
    if match is None:
        raise DomainError("hall_invalid")
    window = int(match.group(1))
    if not hmac.compare_digest(hall_token(secret, list_id, window), raw):
        raise DomainError("hall_invalid")
    current = window_at(now)
    if window > current:  # a projector's token shown before its time: not yet
        raise DomainError("hall_invalid")
    if window < current - 1:
        raise DomainError("hall_expired")


def self_checkin_list(list_id: int) -> tuple[Event, CheckinList]:
    """The list and its event, if the organiser switched self check-in on for it."""
    found = db.session.get(CheckinList, list_id)
    if found is None or not found.self_checkin:
        raise DomainError("self_checkin_off")
    event = db.session.get(Event, found.event_id)
    if event is None or event.archived_at is not None:
        raise DomainError("self_checkin_off")
    return event, found


def set_self_checkin(checkin_list: CheckinList, on: bool, walk_in: bool) -> None:
    """The organiser's switches: self check-in, and registration on the spot with it."""
    checkin_list.self_checkin = bool(on)
    checkin_list.self_walk_in = bool(on and walk_in)
    db.session.flush()


def set_signature_required(event: Event, required: bool) -> None:
    event.signature_required = bool(required)
    db.session.flush()


def confirmation_of(person: Registration) -> str:
    """What a participant types to confirm it is them: shown on their personal page."""
    return person.checkin_code[-CONFIRM_CHARS:]


def person_by_phone(event: Event, raw_phone: str, raw_confirmation: str) -> Registration:
    """The registration of this mobile, if the confirmation matches; DomainError if not.

    The answer is the same for an unknown number and a wrong confirmation, so the form does
    not tell who is registered.
    """
    try:
        phone = registration.normalise_phone((raw_phone or "")[:40])
    except DomainError as error:
        raise DomainError("not_recognised") from error
    confirmation = door.normalise_code((raw_confirmation or "")[:16])
    person = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.phone == phone
        )
    )
    expected = confirmation_of(person) if person is not None else "-" * CONFIRM_CHARS
    if not hmac.compare_digest(expected, confirmation.rjust(CONFIRM_CHARS, "-")) or not person:
        raise DomainError("not_recognised")
    return person


def people_on_this_phone(event: Event, registration_ids: list[int]) -> list[Registration]:
    """Registrations of this event whose personal link was opened on this phone."""
    if not registration_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(registration_ids[:10]))
            .order_by(Registration.id)
        )
    )


def arrivals_on(checkin_list: CheckinList, people: list[Registration]) -> dict[int, Checkin]:
    """Who of these people is already in for this list (present_on_list: on the main list,
    online counts too), with that check-in: the hall page says so instead of offering it."""
    ids = [person.id for person in people]
    if not ids:
        return {}
    return {
        checkin.registration_id: checkin
        for checkin in db.session.scalars(
            sa.select(Checkin).where(
                door_models.present_on_list(checkin_list), Checkin.registration_id.in_(ids)
            )
        )
    }


def check_in_self(event: Event, checkin_list: CheckinList, person: Registration) -> Checkin:
    """The door's one check-in, from the participant's phone: DomainError as at the door."""
    if not checkin_list.self_checkin:
        raise DomainError("self_checkin_off")
    return door.admit(event, checkin_list, person, SELF_ACTOR, source=CheckinSource.SELF)


def register_on_the_spot(
    event: Event, checkin_list: CheckinList, data: registration.ParticipantData
) -> tuple[Registration, Checkin]:
    """Someone not registered, where the organiser allows it: a seat now, and in."""
    if not checkin_list.self_walk_in:
        raise DomainError("self_checkin_off")
    person = registration.register(event, data, by_organiser=True, waitlist=False)
    return person, check_in_self(event, checkin_list, person)


# --- signatures -------------------------------------------------------------------------


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Ramer–Douglas–Peucker, iteratively: the stroke's shape with fewer points."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, distance = None, tolerance
        for n in range(first + 1, last):
            x, y = points[n]
            if length:
                away = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                away = math.hypot(x - x1, y - y1)
            if away > distance:
                farthest, distance = n, away
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def strokes_from(raw: str) -> list[list[tuple[int, int]]]:
    """Strokes as the pad sends them, JSON [[x, y, x, y, …], …] in pad units: bounded first
    (size, then strokes and points), then parsed, clamped to the pad and rounded."""
    if not raw or len(raw) > MAX_BODY_CHARS:
        raise DomainError("signature_too_big" if raw else "signature_empty")
    if raw.count(",") > 2 * MAX_POINTS or raw.count("[") > MAX_STROKES + 1:
        raise DomainError("signature_too_big")
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise DomainError("signature_empty") from error
    if not isinstance(data, list):
        raise DomainError("signature_empty")
    strokes = []
    for stroke in data:
        if not isinstance(stroke, list) or len(stroke) % 2:
            raise DomainError("signature_empty")
        points = []
        for x, y in zip(stroke[::2], stroke[1::2], strict=True):
            if not all(isinstance(v, int | float) and math.isfinite(v) for v in (x, y)):
                raise DomainError("signature_empty")
            point = (min(max(round(x), 0), PAD_WIDTH), min(max(round(y), 0), PAD_HEIGHT))
            if not points or points[-1] != point:
                points.append(point)
        if points:
            strokes.append(points)
    return strokes


def signature_path(strokes: list[list[tuple[int, int]]]) -> tuple[str, int]:
    """A compact SVG path (absolute move, relative lines) and how many points it keeps."""
    parts, kept = [], 0
    for stroke in strokes:
        stroke = _simplify(stroke, tolerance=0.8)
        x, y = stroke[0]
        parts.append(f"M{x} {y}")
        if len(stroke) == 1:  # a dot: a tiny line, so it shows
            parts.append("l1 0")
        else:
            pairs = zip(stroke, stroke[1:], strict=False)
            steps = [f"{bx - ax} {by - ay}" for (ax, ay), (bx, by) in pairs]
            parts.append("l" + " ".join(steps))
        kept += len(stroke)
    return "".join(parts).replace(" -", "-"), kept


def save_signature(person: Registration, raw: str, source: str) -> Signature:
    """Keep the person's signature (replacing an earlier one); DomainError if empty or too big."""
    strokes = strokes_from(raw)
    ink = sum(len(stroke) for stroke in strokes)
    if not strokes or ink < 3:
        raise DomainError("signature_empty")
    path, kept = signature_path(strokes)
    if len(path) > MAX_PATH_CHARS:
        raise DomainError("signature_too_big")
    signature = db.session.scalar(
        sa.select(Signature).where(Signature.registration_id == person.id)
    )
    if signature is None:
        signature = Signature(registration_id=person.id)
        db.session.add(signature)
    signature.path = path
    signature.points = kept
    signature.source = str(source)
    signature.signed_at = utcnow()
    db.session.flush()
    return signature


def may_sign(event_id: int, registration_id: int, connection: sa.Connection | None = None) -> bool:
    """Whether someone already checked in is offered the pad: the organiser asks for
    signatures and none is stored for them yet, however long before that they came in.
    One query, on the door's connection when it has one."""
    events, signatures = Event.__table__, Signature.__table__
    row = (
        (connection or db.session)
        .execute(
            sa.select(events.c.signature_required, signatures.c.id)
            .select_from(events)
            .outerjoin(signatures, signatures.c.registration_id == registration_id)
            .where(events.c.id == event_id)
        )
        .first()
    )
    return bool(row is not None and row[0] and row[1] is None)


def signature_of(person: Registration) -> Signature | None:
    return db.session.scalar(sa.select(Signature).where(Signature.registration_id == person.id))


def signatures_of(event_id: int, registration_ids: list[int] | None = None) -> dict[int, str]:
    """registration id -> signature path, for the event's people (or these of them)."""
    query = (
        sa.select(Signature.registration_id, Signature.path)
        .join(Registration, Registration.id == Signature.registration_id)
        .where(Registration.event_id == event_id)
    )
    if registration_ids is not None:
        query = query.where(Signature.registration_id.in_(registration_ids))
    return {registration_id: path for registration_id, path in db.session.execute(query)}


_PATH_PART = re.compile(r"([Ml])([-0-9 ]+)")


def signature_png(path: str, scale: int = 1) -> bytes:
    """The signature as a small 1-bit PNG (black on white), drawn from its path, for PDFs:
    about 2 KB and 3 ms each."""
    image = Image.new("1", (PAD_WIDTH * scale, PAD_HEIGHT * scale), 1)
    pen = ImageDraw.Draw(image)
    x = y = 0
    for command, numbers in _PATH_PART.findall(path[:MAX_PATH_CHARS]):
        values = [int(v) for v in re.findall(r"-?[0-9]+", numbers)]
        if command == "M":
            x, y = values[0], values[1]
            continue
        line = [(x * scale, y * scale)]
        for dx, dy in zip(values[::2], values[1::2], strict=False):
            x, y = x + dx, y + dy
            line.append((x * scale, y * scale))
        pen.line(line, fill=0, width=3 * scale, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@lru_cache(maxsize=4096)
def signature_data_uri(path: str) -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png(path)).decode()
