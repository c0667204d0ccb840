"""What self check-in and the signature pad say when they refuse: read by pages and forms."""

from flask_babel import lazy_gettext as _l

ERRORS = {
    "hall_expired": _l(
        "This QR code has expired: it changes every 30 seconds. Scan the code shown in the hall "
        "now."
    ),
    "hall_invalid": _l("This is not a valid hall QR code. Scan the code shown in the hall."),
    "no_pass": _l("Scan the QR code shown in the hall to check in."),
    "self_checkin_off": _l("Self check-in is not open for this list. Check in at the door."),
    "not_recognised": _l(
        "We could not find that registration. Check the mobile number and the four characters "
        "on your personal page, or check in at the door."
    ),
    "already_registered": _l(
        "This mobile number is already registered: check in with it above instead."
    ),
    "event_full": _l("The event is full: please go to the door."),
    "signature_empty": _l("Sign in the box with your finger first."),
    "signature_too_big": _l("That signature is too long. Clear it and sign once more."),
    "not_checked_in": _l("Only someone checked in can sign here."),
}
