""" "Halaman X dari Y" through a file joined from documents that each number their own pages.

The parts' own labels ("Halaman 1 dari 3" of the minutes, kept as cached or as signed) are
taken out of the joined file (pdfium: a label is one text object), and every page gets the
label of its place in the whole file where its old one was, or at the bottom right when it had
none. The new labels are typeset by WeasyPrint with the repository's fonts, one page per page
of the file and of its size, and drawn over the pages (pikepdf).
"""

import ctypes
import re
from collections.abc import Callable
from io import BytesIO

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from markupsafe import escape

from .engine import html_to_pdf

Label = Callable[[int, int], str]  # (page, pages) -> "Halaman 2 dari 5"
# Where a page that had no label gets its own: from the page's right and bottom edges (pt).
RIGHT, BOTTOM, FONT_SIZE = 57.0, 25.0, 8.0


def label_pattern(label: Label) -> re.Pattern:
    """The labels `label` writes, whatever numbers they carry."""
    marker = "\x00"
    text = label(10**9, 2 * 10**9).replace("1000000000", marker).replace("2000000000", marker)
    return re.compile(r"\s*" + r"\d+".join(re.escape(piece) for piece in text.split(marker)))


def _text(obj, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, pointer, size)
    return buffer.raw.decode("utf-16-le").rstrip("\x00")


def _without_labels(pdf: bytes, pattern: re.Pattern):
    """The file without its old labels; and per page (width, height, right, bottom, size) of
    where its new label goes, in points from the bottom-left corner."""
    document = pdfium.PdfDocument(pdf)
    places = []
    try:
        for page in document:
            width, height = page.get_size()
            place = (width, height, width - RIGHT, BOTTOM, FONT_SIZE)
            textpage = page.get_textpage()
            found = [
                obj
                for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1)
                if pattern.fullmatch(_text(obj, textpage).strip())
            ]
            for obj in found:
                _left, bottom, right, top = obj.get_bounds()
                place = (width, height, right, bottom, max(6.0, min(12.0, (top - bottom) * 1.3)))
                page.remove_obj(obj)
            if found:
                page.gen_content()
            places.append(place)
            textpage.close()
            page.close()
        out = BytesIO()
        document.save(out)
    finally:
        document.close()
    return out.getvalue(), places


def _labels_pdf(places: list, label: Label) -> bytes:
    """One page per place, of its size, blank but for its label, right-aligned on the spot."""
    sizes = {}
    pages = []
    for number, (width, height, right, bottom, size) in enumerate(places, start=1):
        name = sizes.setdefault((round(width, 2), round(height, 2)), f"n{len(sizes)}")
        pages.append(
            f'<div class="p" style="page: {name}; height: {height:.2f}pt">'
            f'<span style="right: {width - right:.2f}pt; bottom: {bottom:.2f}pt; '
            f'font-size: {size:.1f}pt">{escape(label(number, len(places)))}</span></div>'
        )
    rules = "".join(
        f"@page {name} {{ size: {width}pt {height}pt; margin: 0; }}"
        for (width, height), name in sizes.items()
    )
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"{rules} body {{ margin: 0; }} .p {{ position: relative; break-after: page; }}"
        " .p:last-child { break-after: auto; }"
        " .p span { position: absolute; white-space: nowrap; line-height: 1; }"
        f"</style></head><body>{''.join(pages)}</body></html>"
    )
    return html_to_pdf(html, "page-labels.css")


def renumbered(pdf: bytes, label: Label, title: str | None = None) -> bytes:
    """The file with "Halaman X dari Y" running through it: X its place, Y its pages."""
    cleared, places = _without_labels(pdf, label_pattern(label))
    stamps = _labels_pdf(places, label)
    with pikepdf.open(BytesIO(cleared)) as joined, pikepdf.open(BytesIO(stamps)) as labels:
        for page, stamp in zip(joined.pages, labels.pages, strict=True):
            form = joined.copy_foreign(stamp.as_form_xobject())
            name = page.add_resource(form, pikepdf.Name.XObject, prefix="RakorPage")
            page.contents_add(pikepdf.Stream(joined, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(joined, b"\nQ q " + bytes(name) + b" Do Q\n"))
        if title is not None:
            joined.docinfo["/Title"] = title
        out = BytesIO()
        joined.save(out)
    return out.getvalue()
