"""Hybrid meetings: the meeting link and materials, when participants see them, and the
"Hadir daring" check-in, which goes through the door's one check-in function."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from coordination.errors import DomainError
from coordination.extensions import utcnow

from .models import Event, MeetingMode

URL_MAX = 500
TITLE_MAX = 120
MATERIALS_MAX = 10
MATERIALS_TEXT_MAX = MATERIALS_MAX * (TITLE_MAX + URL_MAX + 5)
OPENS_MINUTES_MAX = 24 * 60
# What the door's records name an online check-in by.
ONLINE_DOOR_NAME = "Daring"


def clean_url(raw: str | None) -> str:
    """An https link (Zoom, Meet, YouTube...) as typed, or DomainError("invalid_url")."""
    url = (raw or "").strip()
    if len(url) > URL_MAX:
        raise DomainError("invalid_url")
    if not url:
        return ""
    parts = urlsplit(url)
    if (
        parts.scheme.lower() != "https"
        or not parts.hostname
        or "." not in parts.hostname
        or any(c.isspace() or ord(c) < 32 or c in "<>\"'\\" for c in url)
    ):
        raise DomainError("invalid_url")
    return url


def parse_materials(text: str | None) -> list[dict]:
    """Materials typed one a line, "Title | https://…" or only the link: a bounded list.

    DomainError("invalid_material", line=n) names the first line that is not one.
    """
    text = (text or "")[: MATERIALS_TEXT_MAX + 1]
    if len(text) > MATERIALS_TEXT_MAX:
        raise DomainError("too_many_materials")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MATERIALS_MAX:
        raise DomainError("too_many_materials")
    materials = []
    for number, line in enumerate(lines, start=1):
        title, bar, url = line.rpartition("|")
        if not bar:
            title, url = "", line
        title = " ".join(title.split())
        try:
            url = clean_url(url)
        except DomainError:
            raise DomainError("invalid_material", line=number) from None
        if not url or len(title) > TITLE_MAX:
            raise DomainError("invalid_material", line=number)
        materials.append({"title": title or url, "url": url})
    return materials


def materials_text(materials: list[dict] | None) -> str:
    """The materials as the organiser types them (parse_materials reads it back)."""
    return "\n".join(f"{item['title']} | {item['url']}" for item in materials or [])


def check_hybrid(mode: str, online_url: str, opens_minutes: int, materials: list) -> None:
    """The rules of an event's hybrid settings (events.services.check_event_data)."""
    if mode not in set(MeetingMode):
        raise DomainError("invalid_meeting_mode")
    clean_url(online_url)
    if not 0 <= opens_minutes <= OPENS_MINUTES_MAX:
        raise DomainError("invalid_opens_minutes")
    if len(materials) > MATERIALS_MAX:
        raise DomainError("too_many_materials")


def is_online(event: Event) -> bool:
    """Whether people may attend online."""
    return event.meeting_mode in (MeetingMode.ONLINE, MeetingMode.HYBRID)


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def holds(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def window(event: Event) -> Window:
    """When confirmed participants see the link and materials, and may check in online."""
    opens = event.starts_at - timedelta(minutes=event.online_opens_minutes or 0)
    return Window(opens, event.ends_at)


def links_visible(event: Event, registration, now: datetime | None = None) -> bool:
    """Whether this participant's personal page shows the meeting link and materials now."""
    return registration.status == "confirmed" and window(event).holds(now or utcnow())


def checkin_of(registration):
    """The participant's check-in at the event, in the hall or online (who_came's row)."""
    import sqlalchemy as sa

    from coordination.door.models import Checkin
    from coordination.extensions import db

    return db.session.scalar(
        sa.select(Checkin).where(
            Checkin.registration_id == registration.id, Checkin.whole_event.is_(True)
        )
    )


def check_in_online(event: Event, registration, now: datetime | None = None):
    """ "Hadir daring": the participant's own check-in, on the event's online list.

    Refused outside the window (DomainError "online_closed", with the window) or for an
    event held only in the hall ("not_online"); otherwise as the door decides (door.admit):
    someone already in, in the hall or online, hears "already_checked_in".
    """
    from coordination.door import services as door

    now = now or utcnow()
    if not is_online(event):
        raise DomainError("not_online")
    if not window(event).holds(now):
        raise DomainError("online_closed", window=window(event))
    return door.admit(
        event,
        door.online_list(event),
        registration,
        door.DoorActor(name=ONLINE_DOOR_NAME),
        source=door.CheckinSource.ONLINE,
        at=now,
    )
