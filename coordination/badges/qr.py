"""QR images of a check-in code. The code is the QR's whole content: no URL, no personal data."""

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q


def qr_svg(code: str) -> str:
    """A scalable QR with the standard quiet zone of 4 modules, for phone screens."""
    qr = qrcode.QRCode(
        error_correction=ERROR_CORRECT_Q,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    qr.add_data(code)
    qr.make(fit=True)
    return qr.make_image().to_string(encoding="unicode")
