"""The door's offline copy of the list, safe to lose with the phone.

Each participant is stored under HKDF(code, "lookup") and encrypted with AES-GCM under
HKDF(code, "key"). A phone can find and read a person only by scanning their badge, so a
lost phone reveals nobody who was not scanned with it. The page does the same derivation
with WebCrypto (static/js/door.js).

A phone keeps its salt, so the same badge has the same key in every copy it receives: after
the first full copy it asks only for what changed since its version (new people, new
statuses, check-ins and undos), a few entries instead of the whole list.
"""

import binascii
import json
import os
from base64 import b64decode, b64encode
from datetime import datetime, timedelta

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration

from .models import (
    Checkin,
    CheckinList,
    CheckinLogEntry,
    CheckinSource,
    RetiredCode,
    present_on_list,
)

SALT_BYTES = 16
# A change written while a copy is being made may carry a time a little before the copy's
# version: asking for a little more than the difference sends it again rather than never.
OVERLAP = timedelta(seconds=10)
LOOKUP_INFO = b"rakor-door-lookup-v1"
KEY_INFO = b"rakor-door-key-v1"


def _derive(code: str, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(
        code.encode()
    )


def lookup_of(code: str, salt: bytes) -> str:
    return _derive(code, salt, LOOKUP_INFO, 16).hex()


def seal(code: str, salt: bytes, record: dict) -> dict:
    key = _derive(code, salt, KEY_INFO, 32)
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, json.dumps(record, ensure_ascii=False).encode(), None)
    return {"iv": b64encode(iv).decode(), "c": b64encode(sealed).decode()}


def open_sealed(code: str, salt: bytes, entry: dict) -> dict:
    """For tests: what a phone that scanned `code` can read."""
    from base64 import b64decode

    key = _derive(code, salt, KEY_INFO, 32)
    plain = AESGCM(key).decrypt(b64decode(entry["iv"]), b64decode(entry["c"]), None)
    return json.loads(plain)


def salt_from(raw: str | None) -> bytes:
    """The phone's own salt if it sent a valid one, else a new one."""
    try:
        salt = b64decode(raw or "", validate=True)
    except (binascii.Error, ValueError):
        salt = b""
    return salt if len(salt) == SALT_BYTES else os.urandom(SALT_BYTES)


def version_from(raw: str | None) -> datetime | None:
    """The version a phone's copy is at (an ISO time this module gave it), or None."""
    try:
        version = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return version if version.tzinfo is not None else None


def _changed_since(event: Event, checkin_list: CheckinList, since: datetime):
    """Registrations whose entry in a copy made at `since` may be out of date."""
    since = since - OVERLAP
    checked_in = sa.select(Checkin.registration_id).where(
        present_on_list(checkin_list), Checkin.recorded_at >= since
    )
    undone = sa.select(CheckinLogEntry.registration_id).where(
        CheckinLogEntry.list_id == checkin_list.id, CheckinLogEntry.at >= since
    )
    reissued = sa.select(RetiredCode.registration_id).where(RetiredCode.retired_at >= since)
    return sa.or_(
        Registration.created_at >= since,
        Registration.status_changed_at >= since,
        Registration.id.in_(checked_in),
        Registration.id.in_(undone),
        Registration.id.in_(reissued),
    )


def snapshot(
    event: Event,
    checkin_list: CheckinList,
    role_labels: dict[str, str],
    salt: bytes | None = None,
    since: datetime | None = None,
) -> dict:
    """Everyone the door might see, sealed, with who is already in.

    With `since` (the version of the phone's copy), only the entries that may have changed
    since then; the phone merges them into its copy.
    """
    salt = salt or os.urandom(SALT_BYTES)
    version = utcnow()
    people_query = sa.select(
        Registration.id,
        Registration.checkin_code,
        Registration.full_name,
        Registration.organisation,
        Registration.role,
        Registration.status,
    ).where(Registration.event_id == event.id)
    present_query = sa.select(
        Checkin.registration_id, Checkin.checked_in_at, Checkin.door_name, Checkin.source
    ).where(present_on_list(checkin_list))
    if since is not None:
        changed = _changed_since(event, checkin_list, since)
        people_query = people_query.where(changed)
        present_query = present_query.where(
            Checkin.registration_id.in_(
                sa.select(Registration.id).where(Registration.event_id == event.id, changed)
            )
        )
    present = {
        person_id: (came, door, source)
        for person_id, came, door, source in db.session.execute(present_query)
    }
    entries = {}
    for person_id, code, name, organisation, role, status in db.session.execute(people_query):
        came, door, source = present.get(person_id, (None, "", None))
        record = {
            "id": person_id,
            "n": name,
            "o": organisation,
            "r": role_labels.get(role, role),
            "s": status,
            "t": came.isoformat() if came else None,
            "d": door,
        }
        if source in (CheckinSource.SELF, CheckinSource.ONLINE):
            # Not a door: the phone says "by self check-in" or "online", not "at Mandiri".
            record["k"] = str(source)
        entries[lookup_of(code, salt)] = seal(code, salt, record)
    # A replaced badge is refused on the phone too, with the reason.
    retired = sa.select(RetiredCode.code, Registration.id, Registration.full_name).join(
        Registration, Registration.id == RetiredCode.registration_id
    )
    retired = retired.where(Registration.event_id == event.id)
    if since is not None:
        retired = retired.where(RetiredCode.retired_at >= since - OVERLAP)
    for code, person_id, name in db.session.execute(retired):
        record = {"id": person_id, "n": name, "o": "", "r": "", "s": "revoked", "t": None}
        entries[lookup_of(code, salt)] = seal(code, salt, record)
    return {
        "salt": b64encode(salt).decode(),
        "list": checkin_list.id,
        "made_at": version.isoformat(),
        "version": version.isoformat(),
        "full": since is None,
        "rule": event.offline_unknown_rule,
        "people": db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event.id)
        ),
        "entries": entries,
    }
