"""The door's offline copy of the list, safe to lose with the phone.

Each participant is stored under HKDF(code, "lookup") and encrypted with AES-GCM under
HKDF(code, "key"). A phone can find and read a person only by scanning their badge, so a
lost phone reveals nobody who was not scanned with it. The page does the same derivation
with WebCrypto (static/js/door.js).
"""

import json
import os
from base64 import b64encode

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.registration.models import Registration

from .models import Checkin, CheckinList

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


def snapshot(event: Event, checkin_list: CheckinList, role_labels: dict[str, str]) -> dict:
    """Everyone the door might see, sealed, with who is already in."""
    salt = os.urandom(16)
    present = {
        person_id: (came, door)
        for person_id, came, door in db.session.execute(
            sa.select(Checkin.registration_id, Checkin.checked_in_at, Checkin.door_name).where(
                Checkin.list_id == checkin_list.id
            )
        )
    }
    people = db.session.execute(
        sa.select(
            Registration.id,
            Registration.checkin_code,
            Registration.full_name,
            Registration.organisation,
            Registration.role,
            Registration.status,
        ).where(Registration.event_id == event.id)
    )
    entries = {}
    for person_id, code, name, organisation, role, status in people:
        came, door = present.get(person_id, (None, ""))
        record = {
            "id": person_id,
            "n": name,
            "o": organisation,
            "r": role_labels.get(role, role),
            "s": status,
            "t": came.isoformat() if came else None,
            "d": door,
        }
        entries[lookup_of(code, salt)] = seal(code, salt, record)
    return {
        "salt": b64encode(salt).decode(),
        "list": checkin_list.id,
        "made_at": utcnow().isoformat(),
        "entries": entries,
    }
