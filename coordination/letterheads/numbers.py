"""Certificate numbers in the organiser's format, given once and kept.

A format such as `{seq:03}/SERT/DEKOPINDA/{roman_month}/{year}` gives 001/SERT/DEKOPINDA/XI/2018
for the first certificate of a meeting in November 2018. Fields: seq (with an optional width,
e.g. {seq:03}), month, roman_month, year; anything else is refused when the format is saved.
"""

import string

import sqlalchemy as sa

from coordination.errors import DomainError
from coordination.events.models import Event
from coordination.extensions import db
from coordination.i18n import local_time

from .models import CertificateNumber

FIELDS = {"seq", "month", "roman_month", "year"}
MAX_FORMAT = 120
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def check_format(pattern: str) -> str:
    """The format as kept (whitespace tidied, bounded), or DomainError("invalid_number_format")."""
    pattern = " ".join(pattern.split())
    if len(pattern) > MAX_FORMAT:
        raise DomainError("invalid_number_format")
    try:
        for _text, name, spec, conversion in string.Formatter().parse(pattern):
            if name is None:
                continue
            if name not in FIELDS or conversion:
                raise DomainError("invalid_number_format")
            if spec and (name != "seq" or not spec.isdigit() or len(spec) > 2):
                raise DomainError("invalid_number_format")
    except ValueError as error:  # an unmatched brace
        raise DomainError("invalid_number_format") from error
    return pattern


def format_number(pattern: str, seq: int, event: Event) -> str:
    """The number of the `seq`th certificate of `event` (the month and year are the meeting's)."""
    when = local_time(event.starts_at, event.timezone)
    values = {
        "seq": seq,
        "month": f"{when.month:02}",
        "roman_month": ROMAN[when.month - 1],
        "year": when.year,
    }
    return check_format(pattern).format(**values)[:160]


def issued(event: Event) -> dict[int, str]:
    """Registration id -> the number its certificate carries."""
    rows = db.session.execute(
        sa.select(CertificateNumber.registration_id, CertificateNumber.number).where(
            CertificateNumber.event_id == event.id
        )
    )
    return dict(rows.all())


def issue(event: Event, registration_ids: list[int]) -> int:
    """Numbers for those of `registration_ids` that have none yet, in the order given, after
    the last one issued; a number once issued never changes. Returns how many were issued."""
    if not event.certificate_format:
        return 0
    have = issued(event)
    last = db.session.scalar(
        sa.select(sa.func.max(CertificateNumber.seq)).where(CertificateNumber.event_id == event.id)
    )
    seq = last or 0
    new = 0
    for registration_id in registration_ids:
        if registration_id in have:
            continue
        seq += 1
        db.session.add(
            CertificateNumber(
                event_id=event.id,
                registration_id=registration_id,
                seq=seq,
                number=format_number(event.certificate_format, seq, event),
            )
        )
        new += 1
    db.session.flush()
    return new
