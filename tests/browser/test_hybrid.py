"""A hybrid meeting on a phone: the participant joins online and presses "Hadir daring"."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coordination.demo.services import ORGANISER
from coordination.extensions import db
from coordination.registration.models import Registration

from .. import factories
from .conftest import PHONE, SCREENSHOTS, expect, log_in

SLUG = "rakor-hybrid-browser"


def make_hybrid_event_under_way(app) -> dict:
    from coordination.auth.models import User

    with app.app_context():
        organiser = db.session.scalar(sa.select(User).where(User.email == ORGANISER.email))
        now = datetime.now(UTC)
        factories.make_event(
            organiser.id,
            slug=SLUG,
            title="Rakor Hybrid Koperasi",
            starts_at=now - timedelta(minutes=10),
            ends_at=now + timedelta(hours=2),
            meeting_mode="hybrid",
            online_url="https://meet.example.org/rakor-hybrid",
            materials=[{"title": "Paparan Dinas", "url": "https://example.org/paparan.pdf"}],
            contact="Sekretariat, WA 0812-3456-7890",
        )
        (person,) = factories.make_participants(SLUG, 1)
        registration = db.session.get(Registration, person["id"])
        return {"token": registration.link_token, "id": registration.id}


def test_a_participant_attends_online_from_their_phone(page_for, live_server):
    person = make_hybrid_event_under_way(live_server.app)
    page = page_for(PHONE)
    page.goto(f"/r/{person['token']}")
    online = page.locator("#online")
    expect(online.get_by_role("button", name="Masuk ke rapat daring")).to_have_attribute(
        "href", "https://meet.example.org/rakor-hybrid"
    )
    expect(online.get_by_role("link", name="Paparan Dinas")).to_be_visible()
    contact = page.locator(".contact-whatsapp").get_attribute("href")
    assert contact.startswith("https://wa.me/6281234567890?text=Halo%2C%20saya")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "hybrid-personal-phone.png"), full_page=True)
    online.get_by_role("button", name="Hadir daring").click()
    expect(page.locator(".flash-success")).to_contain_text("Anda tercatat hadir secara daring")
    expect(page.locator("#attended")).to_be_visible()

    # The organiser sees them online on the dashboard, and can send the link by WhatsApp.
    log_in(page, ORGANISER)
    page.goto(f"/events/{SLUG}/attendance")
    expect(page.locator("[data-field=present_online]")).to_have_text("1")
    page.goto(f"/events/{SLUG}/participants/{person['id']}")
    chat = page.locator("#personal-whatsapp a").get_attribute("href")
    assert chat.startswith("https://wa.me/62812") and person["token"] in chat
