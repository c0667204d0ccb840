"""Rendered parts joined into one PDF, with stamps drawn under pages (pikepdf, that is qpdf).

pypdf parses and copies every object in Python: joining the 200 pages and 800 QR images of a
badge set took it 0.45 s, qpdf 0.05 s.
"""

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import pikepdf


def join_parts(
    parts: Sequence[Path], stamps: Sequence[Path] = (), stamp_of: Sequence[int | None] | None = None
) -> bytes:
    """The parts' pages in order, the document information of the first part, and under each
    page the stamp `stamp_of` names for it (the first stamp under all when it is None)."""
    with pikepdf.open(parts[0]) as first:
        joined = pikepdf.new()
        joined.docinfo = joined.copy_foreign(first.docinfo)
        opened = [pikepdf.open(path) for path in parts]
        try:
            for part in opened:
                joined.pages.extend(part.pages)
            forms = []
            for path in stamps:
                with pikepdf.open(path) as stamp:
                    forms.append(joined.copy_foreign(stamp.pages[0].as_form_xobject()))
            for number, page in enumerate(joined.pages):
                if stamp_of is None:
                    chosen = 0 if stamps else None
                else:
                    chosen = stamp_of[number] if number < len(stamp_of) else None
                if chosen is not None:
                    _draw_under(joined, page, forms[chosen])
            out = BytesIO()
            joined.save(out)
        finally:
            for part in opened:
                part.close()
    return out.getvalue()


def _draw_under(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object) -> None:
    """Page content that first draws the form: WeasyPrint's own drawing goes over it."""
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="RakorStamp")
    page.contents_add(pikepdf.Stream(pdf, b"q " + bytes(name) + b" Do Q\n"), prepend=True)
