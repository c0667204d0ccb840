"""What the badge rules say when they refuse: code -> (field, message)."""

from flask_babel import lazy_gettext as _l

ERROR_MESSAGES = {
    "invalid_colour": ("colour", _l("Choose a colour such as #0f5e4f.")),
    "invalid_logo": ("logo", _l("Upload a PNG, JPEG or SVG image.")),
    "logo_too_large": ("logo", _l("The logo may be at most 512 KB.")),
}
