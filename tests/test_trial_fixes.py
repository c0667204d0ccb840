"""Small bugs a new user met while trying Rakor on a phone (each test fails without its fix)."""

import re
from urllib.parse import unquote

import sqlalchemy as sa

from coordination.door import services as door
from coordination.door.models import DoorLink
from coordination.events.models import Event
from coordination.extensions import db

from . import factories


def test_the_check_in_lists_name_their_times_and_count_on_a_phone(as_user, make, organiser):
    """On a phone a table's row is a card whose cells carry their column's name; the check-in
    lists showed a bare "—", "—" and "0" with nothing to say what they were."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-daftar")
    page = as_user(organiser).get(f"/events/{slug}/checkin-lists").get_data(as_text=True)
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    labels = re.findall(r'<td data-label="([^"]+)"', row)
    assert labels == ["Buka", "Tutup", "Check-in"]


def test_the_attendance_per_organisation_names_its_two_counts_on_a_phone(as_user, make, organiser):
    """The dashboard's "Per organisation" cards showed "1" and "1" under a cooperative's name:
    which one was present and which registered was not said."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-lembaga")
    make(factories.make_participants, slug, 1, organisation="KSP Maju Bersama")
    page = as_user(organiser).get(f"/events/{slug}/attendance").get_data(as_text=True)
    body = re.search(r'<tbody id="organisations">(.*?)</tbody>', page, re.S).group(1)
    assert "KSP Maju Bersama" in body
    assert re.findall(r'<td data-label="([^"]+)"', body) == ["Hadir", "Terdaftar"]


def test_the_tile_for_scans_made_offline_does_not_read_as_in_person_in_a_hybrid_event(
    as_user, make, organiser
):
    """In a hybrid event "luring" means in person ("Tatap muka (luring)"): the tile counting
    people let in by a door phone without a network said "di antaranya masuk saat luring",
    so 0 there beside "1 di antaranya daring" read as nobody in the hall."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-hibrida")
    page = as_user(organiser).get(f"/events/{slug}/attendance").get_data(as_text=True)
    tile = re.search(r'data-field="present_offline">\d+</span><span>([^<]+)<', page).group(1)
    assert "luring" not in tile
    assert tile == "di antaranya dipindai di HP pintu tanpa jaringan"


def test_a_door_link_on_whatsapp_names_the_door_once_and_ends_with_its_link(
    app, as_user, make, organiser
):
    """The form suggests "Pintu Utara"; the message said "Anda menjaga pintu Pintu Utara", and
    the link was followed by a full stop that a chat may take into the address."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-pintu-wa")
    client = as_user(organiser)
    client.post(f"/events/{slug}/door-access", data={"name": "Pintu Utara"})
    with app.app_context():
        link = db.session.scalar(sa.select(DoorLink))
        link_id, token = link.id, link.token
    sent = client.post(
        f"/events/{slug}/door-access/{link_id}/whatsapp", data={"phone": "0813 2222 3333"}
    )
    text = unquote(sent.headers["Location"].partition("?text=")[2])
    assert text.startswith("Anda menjaga Pintu Utara pada ")
    assert "pintu Pintu" not in text
    assert text.endswith(f"/d/{token}")


def test_the_self_check_in_switch_is_in_english_for_an_english_organiser(as_user, make, organiser):
    """The switch's text was written in Indonesian in the template, so it stayed
    "Check-in mandiri" on the English page."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-english")
    client = as_user(organiser)
    client.set_cookie("lang", "en")
    page = client.get(f"/events/{slug}/checkin-lists").get_data(as_text=True)
    label = re.search(r'id="self-checkin-\d+"[^>]*> ([^<]+)</label>', page).group(1)
    assert label == "Self check-in"
    client.set_cookie("lang", "id")
    page = client.get(f"/events/{slug}/checkin-lists").get_data(as_text=True)
    assert re.search(r'id="self-checkin-\d+"[^>]*> ([^<]+)</label>', page).group(1) == (
        "Check-in mandiri"
    )


def test_the_door_links_name_their_state_and_end_on_a_phone(as_user, make, organiser):
    """The door links' cards showed "Aktif" and a date with nothing saying the date is the
    link's end."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-pintu-kartu")
    client = as_user(organiser)
    page = client.post(f"/events/{slug}/door-access", data={"name": "Pintu Utara"}).text
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td data-label="([^"]+)"', row) == ["Status", "Berlaku sampai"]


def test_arrival_times_in_the_participants_list_and_the_log_are_named_on_a_phone(
    app, as_user, make, organiser
):
    """A bare "18.02" under a participant's name, and three bare times in a row of the check-in
    log: on a phone nothing said which was the arrival and which the recording."""
    slug = make(factories.make_event_under_way, organiser["id"], slug="rakor-datang")
    (person,) = make(factories.make_participants, slug, 1)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        door.check_in_code(event, door.default_list(event), person["code"], door.DoorActor("P"))
        db.session.commit()
    client = as_user(organiser)
    page = client.get(f"/events/{slug}/participants").get_data(as_text=True)
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td data-label="([^"]+)"', row) == ["Datang pukul"]
    page = client.get(f"/events/{slug}/attendance/log").get_data(as_text=True)
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td data-label="([^"]+)"', row) == ["Waktu dicatat", "Datang pukul", "Oleh"]
