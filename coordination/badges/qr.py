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


def qr_png(code: str, box_size: int = 12) -> bytes:
    """A PNG for screens that prefer bitmaps; same content and quiet zone as the SVG."""
    import io

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4, box_size=box_size)
    qr.add_data(code)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(code: str) -> str:
    """The QR as a PNG data: URI of one pixel per module, for PDFs that may fetch nothing.

    A bitmap this small costs WeasyPrint far less to place than an SVG path of hundreds of
    squares; the stylesheet scales it up without smoothing (image-rendering: pixelated).
    """
    from base64 import b64encode

    return "data:image/png;base64," + b64encode(qr_png(code, box_size=1)).decode()
