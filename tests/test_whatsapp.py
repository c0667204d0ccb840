"""WhatsApp links: the right number, the prepared text encoded, in the user's language, and
nobody's number where its viewer may not see it."""

from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from coordination import whatsapp
from coordination.door.models import DoorLink
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Invitation, Registration

from . import factories
from .test_invitations import GOOD_CSV, upload

SLUG = "rakor-wa"


@pytest.fixture
def event_slug(make, organiser):
    return make(
        factories.make_event,
        organiser["id"],
        slug=SLUG,
        contact="Sekretariat Dekopinda, telp. 0335 421234, WA 0812-3456-7890",
    )


def chat_of(href: str) -> tuple[str, str]:
    """The number and the decoded text of a wa.me link (as written in HTML or a header)."""
    href = href.replace("&amp;", "&")
    assert href.startswith("https://wa.me/")
    number, _, text = href.removeprefix("https://wa.me/").partition("?text=")
    assert " " not in text and "\n" not in text  # encoded
    return number, unquote(text)


def href_in(page: str, marker: str) -> str:
    return page.split(marker)[1].split('href="')[1].split('"')[0]


def test_one_function_builds_the_link_with_the_international_number_and_the_text_encoded():
    url = whatsapp.link("0812-3456-7890", "Halo & selamat datang: 100% hadir?")
    assert url == (
        "https://wa.me/6281234567890?text=Halo%20%26%20selamat%20datang%3A%20100%25%20hadir%3F"
    )
    assert chat_of(whatsapp.link("+62 812 3456 7890", "x"))[0] == "6281234567890"
    assert chat_of(whatsapp.link("62812-3456-7890", "x"))[0] == "6281234567890"
    assert chat_of(whatsapp.link("+60 12-345 6789", "x"))[0] == "60123456789"  # Malaysia
    # Not a mobile: no link (an office line, nonsense, an endless string).
    assert whatsapp.link("0335 421234", "x") is None
    assert whatsapp.link("bukan nomor", "x") is None
    assert whatsapp.link("", "x") is None
    assert whatsapp.link("0812" * 1000, "x") is None


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("id", "Halo Peserta"), ("en", "Hello Peserta")],
)
def test_the_participant_page_sends_the_personal_link_in_the_users_language(
    app, client, as_user, organiser, event_slug, make, language, greeting
):
    (person,) = make(factories.make_participants, event_slug, 1)
    as_user(organiser)
    client.set_cookie("lang", language)
    page = client.get(f"/events/{SLUG}/participants/{person['id']}").text
    number, text = chat_of(href_in(page, 'id="personal-whatsapp"'))
    with app.app_context():
        registration = db.session.get(Registration, person["id"])
        assert number == registration.phone.lstrip("+")
        assert text.startswith(greeting)
        assert f"/r/{registration.link_token}" in text
    if language == "en":
        assert "Send the personal link by WhatsApp" in page
    else:
        assert "Kirim tautan pribadi lewat WhatsApp" in page


def test_each_invitee_has_a_whatsapp_button_marked_once_pressed(
    app, client, as_user, organiser, event_slug
):
    as_user(organiser)
    upload(client, SLUG, "undangan.csv", GOOD_CSV.encode())
    page = client.get(f"/events/{SLUG}/invitations").text
    assert page.count('class="inline whatsapp-send"') == 2
    with app.app_context():
        budi = db.session.scalar(sa.select(Invitation).where(Invitation.full_name.like("Budi%")))
        budi_id, token = budi.id, budi.token
    sent = client.post(f"/events/{SLUG}/invitations/{budi_id}/whatsapp")
    assert sent.status_code == 303
    number, text = chat_of(sent.headers["Location"])
    assert number == "6281211110002"
    assert text.startswith("Yth. Budi Santoso") and f"/i/{token}" in text
    with app.app_context():
        assert db.session.get(Invitation, budi_id).whatsapp_sent_at is not None
    row = (
        client.get(f"/events/{SLUG}/invitations")
        .text.split("<td>Budi Santoso</td>")[1]
        .split("</tr>")[0]
    )
    assert "WhatsApp lagi" in row and "terkirim" in row
    # In English, the same invitation in English.
    client.set_cookie("lang", "en")
    again = client.post(f"/events/{SLUG}/invitations/{budi_id}/whatsapp")
    assert chat_of(again.headers["Location"])[1].startswith("Dear Budi Santoso")


def test_someone_without_a_role_at_the_event_cannot_mark_or_send_an_invitation(
    app, client, as_user, organiser, event_slug, make
):
    as_user(organiser)
    upload(client, SLUG, "undangan.csv", GOOD_CSV.encode())
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    client.post("/logout")
    stranger = make(factories.make_user, "organiser")
    as_user(stranger)
    answer = client.post(f"/events/{SLUG}/invitations/{invitation_id}/whatsapp")
    assert answer.status_code in (403, 404)
    assert "wa.me" not in answer.headers.get("Location", "")
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).whatsapp_sent_at is None


def test_the_door_access_page_sends_a_door_link_to_the_number_typed_without_its_pin(
    app, client, as_user, organiser, event_slug
):
    as_user(organiser)
    page = client.post(f"/events/{SLUG}/door-access", data={"name": "Pintu Utara"}).text
    pin = page.split('id="door-link-pin">')[1].split("<")[0]
    assert "Kirim tautan pintu lewat WhatsApp" in page
    with app.app_context():
        link = db.session.scalar(sa.select(DoorLink))
        link_id, token = link.id, link.token
    sent = client.post(
        f"/events/{SLUG}/door-access/{link_id}/whatsapp", data={"phone": "0813 2222 3333"}
    )
    assert sent.status_code == 303
    number, text = chat_of(sent.headers["Location"])
    assert number == "6281322223333"
    assert f"/d/{token}" in text or token in text
    assert "Pintu Utara" in text and pin not in text
    refused = client.post(
        f"/events/{SLUG}/door-access/{link_id}/whatsapp",
        data={"phone": "0335 421234"},
        follow_redirects=True,
    ).text
    assert "bukan nomor HP" in refused


def test_the_public_page_shows_the_organisers_contact_on_whatsapp_and_nobody_elses_number(
    app, client, event_slug, make
):
    people = make(factories.make_participants, event_slug, 3)
    page = client.get(f"/e/{SLUG}").text
    assert "Sekretariat Dekopinda, telp. 0335 421234" in page
    number, text = chat_of(href_in(page, "Sekretariat Dekopinda"))
    assert number == "6281234567890"
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        assert event.title in text
        for person in people:
            phone = db.session.get(Registration, person["id"]).phone
            assert phone not in page and phone.lstrip("+") not in page
            assert phone[3:] not in page  # not in any form: 812…
    assert page.count("https://wa.me/") == 1


def test_an_office_line_as_contact_is_shown_without_a_whatsapp_link(client, make, organiser):
    make(factories.make_event, organiser["id"], slug="rakor-kantor", contact="Kantor, 0335 421234")
    page = client.get("/e/rakor-kantor").text
    assert "Kantor, 0335 421234" in page and "wa.me" not in page


def test_a_participants_own_page_shows_no_whatsapp_of_the_organisers_list(
    app, client, event_slug, make
):
    first, second = make(factories.make_participants, event_slug, 2)
    with app.app_context():
        token = db.session.get(Registration, first["id"]).link_token
        other_phone = db.session.get(Registration, second["id"]).phone
    page = client.get(f"/r/{token}").text
    assert other_phone not in page and other_phone.lstrip("+") not in page
    assert page.count("https://wa.me/") == 1  # the organiser's contact only
