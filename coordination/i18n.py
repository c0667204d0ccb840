"""Language choice and dates written the way Indonesians write them."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_datetime as babel_format_datetime
from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from coordination.config import LANGUAGES, TIME_ZONES

LANGUAGE_COOKIE = "lang"

# "Jumat, 23 November 2018, 13.00 WIB": Indonesian uses a dot between hours and minutes.
_PATTERNS = {
    "id": {
        "long": "EEEE, d MMMM y, HH.mm",
        "date": "EEEE, d MMMM y",
        # "Kraksaan, 23 November 2018" above a signature.
        "day": "d MMMM y",
        "time": "HH.mm",
        "clock": "HH.mm",
        # An arrival on another day than the event's first: the day beside the clock.
        "day_clock": "d/M/yy HH.mm",
        "short": "d MMM y, HH.mm",
        # The check-in log: a check-in and its undo often fall in the same minute.
        "seconds": "d MMM y, HH.mm.ss",
    },
    "en": {
        "long": "EEEE, d MMMM y, HH:mm",
        "date": "EEEE, d MMMM y",
        "day": "d MMMM y",
        "time": "HH:mm",
        "clock": "HH:mm",
        "day_clock": "d/M/yy HH:mm",
        "short": "d MMM y, HH:mm",
        "seconds": "d MMM y, HH:mm:ss",
    },
}


def select_locale() -> str:
    """A chosen language (cookie, then account) wins; otherwise the configured default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def zone_label(tz_name: str) -> str:
    return TIME_ZONES.get(tz_name, tz_name)


def local_time(value: datetime, tz_name: str) -> datetime:
    return value.astimezone(ZoneInfo(tz_name))


def format_event_time(
    value: datetime | None, tz_name: str, style: str = "long", locale: str | None = None
) -> str:
    """Format a UTC time in the event's zone; every style but date and clock names the zone."""
    if value is None:
        return ""
    locale = locale or str(get_locale() or "id")
    language = locale.split("_")[0] if locale.split("_")[0] in _PATTERNS else "id"
    text = babel_format_datetime(
        local_time(value, tz_name), _PATTERNS[language][style], locale=language
    )
    bare = ("date", "day", "clock", "day_clock")
    return text if style in bare else f"{text} {zone_label(tz_name)}"


def format_arrival(value: datetime | None, first_day: datetime, tz_name: str) -> str:
    """The clock of an arrival on the event's first day; with the date on any other day, so
    that it never reads as the meeting day."""
    if value is None:
        return ""
    same_day = local_time(value, tz_name).date() == local_time(first_day, tz_name).date()
    return format_event_time(value, tz_name, "clock" if same_day else "day_clock")


@lru_cache(maxsize=65536)
# Parsing a number costs about 0.2 ms: a list of thousands asked again (a cached daftar hadir,
# whose key holds every line, or another export) finds its numbers formatted already.
@lru_cache(maxsize=16384)
def format_phone(value: str | None) -> str:
    """+6281234567890 as Indonesians write it: 0812-3456-7890."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 62
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def init_app(app) -> None:
    app.jinja_env.filters["event_time"] = format_event_time
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.globals["zone_label"] = zone_label
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or "id")
