"""What the event rules say when they refuse: code -> (field, message).

Read by the forms, the pages and the API alike.
"""

from flask_babel import lazy_gettext as _l

# Domain error code -> (field, message), shared by the event views.
ERROR_MESSAGES = {
    "unknown_timezone": ("timezone", _l("Choose one of the listed time zones.")),
    "ends_before_start": ("ends_at", _l("The end must be after the start.")),
    "capacity_not_positive": ("capacity", _l("Capacity must be at least 1.")),
    "registration_closes_before_opens": (
        "registration_closes_at",
        _l("Registration must close after it opens."),
    ),
    "registration_closes_after_event": (
        "registration_closes_at",
        _l("Registration must close before the event ends."),
    ),
    "invalid_slug": (
        "slug",
        _l("Use only lowercase letters, digits and single hyphens, e.g. rakor-koperasi-2025."),
    ),
    "slug_taken": ("slug", _l("Another event already uses this web address.")),
    "reserved_seats_over_capacity": (
        "reserved_seats",
        _l("No more seats can be kept for invitees than the event has."),
    ),
    "invalid_meeting_mode": ("meeting_mode", _l("Choose one of the listed ways to attend.")),
    "invalid_url": (
        "online_url",
        _l("Give the meeting link as a full https:// address, e.g. https://meet.google.com/…"),
    ),
    "invalid_opens_minutes": (
        "online_opens_minutes",
        _l("Give a number of minutes from 0 to 1440 (one day)."),
    ),
    "too_many_materials": ("materials", _l("At most 10 materials, one a line.")),
    "invalid_material": (
        "materials",
        _l('Write each material as "Title | https://…" or only its https:// link, one a line.'),
    ),
}

# What "Hadir daring" says when it is refused (the personal page flashes it).
ONLINE_ERRORS = {
    "not_online": _l("This meeting is held in the hall only."),
    "online_closed": _l(
        "Online attendance is open from %(opens)s until the meeting ends (%(closes)s)."
    ),
    "cancelled": _l("This registration was cancelled."),
    "waitlisted": _l("On the waiting list: no confirmed seat."),
}

# What the team rules say when they refuse (the event page flashes it).
TEAM_ERRORS = {
    "invalid_role": _l("Choose one of the listed roles."),
    "door_account_cannot_organise": _l("A door account can only be given door access."),
    "last_organiser": _l("An event needs at least one organiser."),
}
