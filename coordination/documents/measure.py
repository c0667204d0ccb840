"""How tall a part of a page comes out, laid out by WeasyPrint before the pages are cut.

Documents whose pages the app cuts in advance (the daftar hadir) print a header that grows
with its text (a kop of four lines, a 150-character venue): its height is measured once per
document, and the rows that fit below it follow from it.
"""

from weasyprint import HTML

from .engine import STATIC_BASE, StaticOnlyFetcher, font_config, stylesheet

PX_MM = 25.4 / 96


def heights_mm(
    html: str, css: str, classes: tuple[str, ...], fetcher: StaticOnlyFetcher | None = None
) -> dict[str, float]:
    """The height (margins included) of the first element of each of `classes` on the first
    page of `html` laid out with static/pdf/`css`: one layout for all; 0 for one not found."""
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher or StaticOnlyFetcher())
    rendered = document.render(stylesheets=[stylesheet(css)], font_config=font_config())
    found = dict.fromkeys(classes, 0.0)
    seen: set[str] = set()
    for box in rendered.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or box.element_tag is None:
            continue
        for name in set((element.get("class") or "").split()) & set(classes) - seen:
            found[name] = box.margin_height() * PX_MM
            seen.add(name)
    return found
