"""What the door's rules say: verdicts of a scan, door links and check-in lists.

Read by the door page, its JSON answers and the API alike.
"""

from flask_babel import lazy_gettext as _l

# code -> (tone, what the door reads). Shared by the JSON answer and the page.
VERDICTS = {
    "checked_in": ("ok", _l("Welcome")),
    "already_checked_in": ("warn", _l("Already checked in")),
    "unknown_code": ("error", _l("Unknown code: not a badge of this system.")),
    "wrong_event": ("error", _l("This badge belongs to another event.")),
    "cancelled": ("error", _l("This registration was cancelled.")),
    "waitlisted": ("error", _l("On the waiting list: no confirmed seat.")),
    "revoked_code": ("error", _l("This badge was replaced by a newer one.")),
    "list_closed": ("error", _l("This check-in list is closed at this time.")),
}

LINK_ERRORS = {
    "wrong_pin": _l("That PIN is not right. Ask the organiser for the PIN of this door."),
    "link_ended": _l("This door link no longer works. Ask the organiser for a new one."),
    "link_locked": _l(
        "This door link is locked after too many wrong PINs. Ask the organiser for a new door link."
    ),
    "name_required": _l("Give the door a name, e.g. Pintu Utara."),
    "event_over": _l("This event is over: a door link for it would not work."),
}

LIST_ERRORS = {
    "name_required": _l("Give the list a name, e.g. Sesi 1."),
    "window_reversed": _l("The list must close after it opens."),
    "default_list": _l("The event's main list cannot be removed."),
    "list_in_use": _l("People are checked in on this list; it cannot be removed."),
}
