"""What the letterhead rules say when they refuse: code -> (field, message)."""

from flask_babel import lazy_gettext as _l

ERROR_MESSAGES = {
    "kop_needs_a_line": ("line1", _l("Type at least the first line of the letterhead.")),
    "invalid_image": ("image", _l("Upload a PNG or JPEG image.")),
    "image_too_large": ("image", _l("The image may be at most 512 KB.")),
    "image_too_many_pixels": (
        "image",
        _l("The image may have at most 16 million pixels (for example 4000 × 4000)."),
    ),
    "signer_needs_a_name": ("name", _l("Type the signer's name.")),
    "unknown_letterhead": ("letterhead", _l("Choose one of your letterheads.")),
    "unknown_signer": ("signer", _l("Choose a signer of this letterhead.")),
    "invalid_number_format": (
        "number_format",
        _l("That number format cannot be used: see the fields it may contain."),
    ),
}
