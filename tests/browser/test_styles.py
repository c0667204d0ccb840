"""Pages link only the part of Pico they use (tools/subset_pico.py) and look as with all of it."""

from pathlib import Path

import pytest

from coordination.demo.services import DEMO_SLUG

from .conftest import DESKTOP, PHONE, expect, log_in
from .test_pages import ORGANISER_PAGES, PUBLIC_PAGES, _pages_data

FULL_PICO = Path(__file__).resolve().parents[2] / "static/vendor/pico/pico.min.css"
# What Pico decides about an element: its colours, boxes, type and the icons it draws.
STYLES = """() => {
  document.getAnimations().forEach((a) => a.finish());  // a focused field's transition, done
  const props = ["color", "background-color", "background-image", "border-top-color",
    "border-top-width", "border-top-style", "border-bottom-width", "border-left-width",
    "border-radius", "box-shadow", "outline-style", "padding-top", "padding-left",
    "padding-bottom", "margin-top", "margin-bottom", "margin-left", "font-size", "font-weight",
    "font-family", "line-height", "text-decoration-line", "display", "width", "height",
    "cursor", "opacity", "appearance", "list-style-type", "vertical-align", "text-align"];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility()) continue;
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (pseudo && style.content === "none") continue;
      const name = typeof el.className === "string" && el.className ? "." + el.className : "";
      const values = props.map((p) => style.getPropertyValue(p)).join("|");
      out.push(el.tagName + name + (pseudo || "") + " " + values);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def pages_data(live_app) -> dict:
    return _pages_data(live_app)


def styles_of(page, url: str) -> list[str]:
    page.goto(url)
    expect(page.locator("h1")).to_be_visible()
    # What a closed <details> holds is compared too (drawn first); what is hidden is not.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.wait_for_timeout(100)
    return page.evaluate(STYLES)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_looks_the_same_with_the_pico_subset_as_with_all_of_pico(
    page_for, pages_data, viewport
):
    """Forms, buttons, tables, nav and the door: each element is styled exactly as before."""
    subset, full = page_for(viewport), page_for(viewport)
    full.route(
        "**/static/vendor/pico/pico.rakor*.css",
        lambda route: route.fulfill(path=str(FULL_PICO), content_type="text/css"),
    )
    assert "pico.rakor." in subset.goto("/login").text()
    differences = []
    for group, pages in (("public", PUBLIC_PAGES), ("organiser", ORGANISER_PAGES)):
        if group == "organiser":
            log_in(subset)
            log_in(full)
        for _name, path in pages:
            url = path.format(**pages_data)
            if "attendance" in url and "log" not in url and "paper" not in url:
                continue  # the dashboard redraws itself every 5 s
            mine, theirs = styles_of(subset, url), styles_of(full, url)
            if len(mine) != len(theirs):
                differences.append(f"{url}: {len(mine)} elements, with all of Pico {len(theirs)}")
                continue
            differences += [
                f"{url}: {a}\n  all of Pico: {b}"
                for a, b in zip(mine, theirs, strict=True)
                if a != b
            ]
    assert not differences, "\n".join(differences[:20])


def test_a_phone_in_dark_mode_still_gets_the_light_page_the_colours_are_made_for(page_for):
    """Every page says color-scheme light; Pico's dark theme no longer makes text light on
    app.css's light tiles and flashes."""
    page = page_for(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto(f"/e/{DEMO_SLUG}")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    color = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
    assert background == "rgb(255, 255, 255)"
    assert color != "rgb(255, 255, 255)"
