"""Small bugs a new user met while trying Rakor on a phone, checked in a real Chromium."""

import re

from coordination.demo.services import DEMO_SLUG, FOLLOW_UP_SLUG

from .conftest import PHONE, expect, log_in


def test_the_dashboards_organisation_cards_keep_their_labels_after_a_refresh(page_for):
    """The dashboard redraws its table every few seconds; the redrawn cards name their counts
    too (on a phone the column headings are hidden)."""
    page = page_for(PHONE)
    log_in(page)
    page.goto(f"/events/{DEMO_SLUG}/attendance")
    dashboard = page.locator("#dashboard")
    expect(dashboard).to_have_attribute("data-updated", re.compile(r"\d+"))  # the first redraw
    cells = page.locator("#organisations tr:first-child td")
    expect(cells.nth(1)).to_have_attribute("data-label", "Hadir")
    expect(cells.nth(2)).to_have_attribute("data-label", "Terdaftar")
    label = cells.nth(1).evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Hadir: "'


def test_a_new_door_link_fits_a_phone(page_for):
    """The door link just made was one unbreakable line: the page panned sideways on a phone."""
    page = page_for(PHONE)
    log_in(page)
    page.goto(f"/events/{FOLLOW_UP_SLUG}/door-access")
    page.fill("#name", "Pintu Selatan")
    page.click("form:has(#name) button[type=submit]")
    expect(page.locator("#door-link-url")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
