"""QR images of a check-in code. The code is the QR's whole content: no URL, no personal data.

Bitmaps come from zxing-cpp's encoder (C++): a badge sheet of 800 needs 800 QR codes, which the
pure-Python `qrcode` spends about two seconds choosing masks for. The SVG for phone screens
and links stays with `qrcode`.
"""

import io
from base64 import b64encode

import qrcode
import qrcode.image.svg
import zxingcpp
from PIL import Image
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


def qr_png(code: str, box_size: int = 12, mode: str = "1") -> bytes:
    """A PNG of `box_size` pixels per module, error correction Q, a quiet zone of 4 modules."""
    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    pixels = memoryview(symbol.to_image(scale=box_size, add_quiet_zones=True))
    height, width = pixels.shape
    image = Image.frombytes("L", (width, height), pixels.tobytes()).convert(mode)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_data_uri(code: str) -> str:
    """The QR as a PNG data: URI of one pixel per module, for PDFs that may fetch nothing.

    A bitmap this small costs WeasyPrint far less to place than an SVG path of hundreds of
    squares; the stylesheet scales it up without smoothing (image-rendering: pixelated). It is
    grey (8 bits a pixel), not black and white: WeasyPrint takes such a PNG as it is, where a
    1-bit one would be converted to RGB and encoded again for each badge.
    """
    return "data:image/png;base64," + b64encode(qr_png(code, box_size=1, mode="L")).decode()
