"""What the laporan rules say when they refuse an upload: code -> message."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "no_file": _l("Choose a file to upload."),
    "not_an_image": _l("“%(name)s” is not a JPEG or PNG picture."),
    "not_a_scan": _l("“%(name)s” is not a PDF, JPEG or PNG file."),
    "file_too_large": _l("“%(name)s” is larger than %(mb)d MB."),
    "too_many_pixels": _l(
        "“%(name)s” has more than %(megapixels)d million pixels: send a smaller copy "
        "(for example as a messaging app shares it)."
    ),
    "too_many_pages": _l("“%(name)s” has more than %(pages)d pages."),
    "too_many_photos": _l(
        "A laporan holds at most %(most)d photos: %(kept)d are kept, %(sent)d were sent."
    ),
    "scan_mixed": _l("Send the scan as one PDF, or as pictures (one per page), not both."),
    "damaged": _l("“%(name)s” could not be read: it may be damaged."),
}
