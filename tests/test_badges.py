"""Badges: QR codes a door can trust, printable sheets, and nothing fetched from outside."""

import io

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from coordination.badges.documents import badges_pdf
from coordination.badges.services import confirmed_of, reissue_code
from coordination.documents.pdf import StaticOnlyFetcher
from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import CODE_ALPHABET, CODE_LENGTH, Registration

from . import factories


@pytest.fixture
def event(app, organiser):
    with app.app_context():
        slug = factories.make_event(organiser["id"], slug="rakor-badge", capacity=100)
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        yield event


def add_people(event, names, **extra):
    people = [
        Registration(
            event_id=event.id,
            full_name=name,
            organisation=f"KUD {n}",
            position="Ketua",
            phone=f"+62812555{n:05d}",
            email=f"p{n}@example.org",
            **extra,
        )
        for n, name in enumerate(names)
    ]
    db.session.add_all(people)
    db.session.commit()
    return people


def decoded_codes(pdf: bytes) -> list[str]:
    """Rasterise every page and decode its QR codes with an independent decoder."""
    codes = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        codes += [result.text for result in zxingcpp.read_barcodes(image)]
    return codes


def text_of(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_codes_are_long_random_and_free_of_look_alike_characters(event):
    [person] = add_people(event, ["Siti"])
    assert len(person.checkin_code) == CODE_LENGTH == 27
    assert set(person.checkin_code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_badge_qr_codes_decode_to_the_stored_codes(event):
    people = add_people(event, [f"Peserta {n}" for n in range(5)])
    pdf = badges_pdf(event, confirmed_of(event), "a6")
    assert sorted(decoded_codes(pdf)) == sorted(p.checkin_code for p in people)


def test_a_reissued_code_changes_the_badge(event):
    [person] = add_people(event, ["Budi"])
    old = person.checkin_code
    new = reissue_code(person)
    db.session.commit()
    assert new != old
    assert decoded_codes(badges_pdf(event, [person], "single")) == [new]


@pytest.mark.parametrize("layout,per_page", [("a6", 4), ("a7", 8), ("single", 1)])
def test_layouts_put_the_right_number_of_badges_on_a_page(event, layout, per_page):
    add_people(event, [f"Peserta {n}" for n in range(9)])
    pdf = badges_pdf(event, confirmed_of(event), layout)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == -(-9 // per_page)


def test_badges_show_name_and_organisation_but_never_phone_or_email(event):
    add_people(event, ["Siti Maulidah"])
    text = text_of(badges_pdf(event, confirmed_of(event), "a6"))
    assert "Siti Maulidah" in text and "KUD 0" in text
    assert "+62812" not in text and "@example.org" not in text


def test_hostile_fields_print_as_text_and_fetch_nothing(event):
    hostile = [
        '<img src="file:///etc/passwd">',
        "<link rel=stylesheet href=http://evil.example/x.css>",
        "x" * 120,  # the longest unbroken name the form accepts
        "👩🏽‍🌾 مرحبا",
    ]
    people = add_people(event, hostile)
    people[0].organisation = "background: url(http://evil.example/track.png)"
    db.session.commit()
    fetcher = StaticOnlyFetcher()
    pdf = badges_pdf(event, confirmed_of(event), "a6", fetcher=fetcher)
    assert fetcher.refused == []
    text = text_of(pdf).replace("\r\n", "")  # undo the line wrapping
    assert '<img src="file:///etc/passwd">' in text
    assert "url(http://evil.example/track.png)" in text


def test_the_fetcher_refuses_files_and_the_network():
    fetcher = StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://evil.example/",
        "https://rakor.invalid/static/../app.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 3
    font = fetcher.fetch("https://rakor.invalid/static/fonts/liberation/LiberationSans-Bold.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"


def test_fonts_are_embedded_from_the_repository(event):
    add_people(event, ["Siti"])
    reader = PdfReader(io.BytesIO(badges_pdf(event, confirmed_of(event), "a6")))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
        names.append(str(font["/BaseFont"]))
    assert names and all("Rakor-Sans" in name for name in names)


def test_participant_downloads_their_badge_and_phone_qr(client, event):
    [person] = add_people(event, ["Siti"])
    response = client.get(f"/r/{person.link_token}/badge.pdf")
    assert response.mimetype == "application/pdf"
    assert decoded_codes(response.data) == [person.checkin_code]
    png = client.get(f"/r/{person.link_token}/qr.png")
    assert png.mimetype == "image/png"
    from PIL import Image

    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))] == [
        person.checkin_code
    ]
    person.status = "waiting"
    db.session.commit()
    assert client.get(f"/r/{person.link_token}/badge.pdf").status_code == 404


def test_organiser_downloads_all_a_selection_or_one(client, as_user, organiser, event):
    people = add_people(event, ["Ahmad", "Budi", "Citra"])
    as_user(organiser)
    everyone = client.get("/events/rakor-badge/badges.pdf?layout=a7")
    assert sorted(decoded_codes(everyone.data)) == sorted(p.checkin_code for p in people)
    selection = client.get("/events/rakor-badge/badges.pdf?q=Budi")
    assert decoded_codes(selection.data) == [people[1].checkin_code]
    one = client.get(f"/events/rakor-badge/participants/{people[2].id}/badge.pdf")
    assert decoded_codes(one.data) == [people[2].checkin_code]
    client.post(f"/events/rakor-badge/participants/{people[2].id}/reissue")
    db.session.refresh(people[2])
    again = client.get(f"/events/rakor-badge/participants/{people[2].id}/badge.pdf")
    assert decoded_codes(again.data) == [people[2].checkin_code]


def test_badge_colour_must_be_a_colour(client, as_user, organiser, event):
    as_user(organiser)
    response = client.post("/events/rakor-badge/badge-style", data={"colour": "#fff;} * {x"})
    assert "Pilih warna, misalnya #0f5e4f." in response.text
    client.post("/events/rakor-badge/badge-style", data={"colour": "#AA3300"})
    db.session.refresh(event)
    assert event.badge_colour == "#aa3300"


def test_badges_are_404_for_other_organisers(client, make, as_user, event):
    as_user(make(factories.make_user, "organiser"))
    assert client.get("/events/rakor-badge/badges.pdf").status_code == 404
    assert client.get("/events/rakor-badge/badge-style").status_code == 404


def test_a_selection_of_nobody_is_an_empty_sheet(event):
    add_people(event, ["Siti"])
    assert len(PdfReader(io.BytesIO(badges_pdf(event, [], "a6"))).pages) == 1
