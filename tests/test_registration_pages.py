"""Registering from a phone, the personal link, and the organiser's participant list."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Registration

from . import factories
from .test_events import FORM as EVENT_FORM

FORM = {
    "full_name": "Siti Maulidah",
    "organisation": "Koperasi Wanita Kraksaan Mandiri",
    "position": "Ketua",
    "phone": "0812-3456-7890",
    "email": "siti@example.org",
}


@pytest.fixture
def event_slug(app, organiser):
    now = utcnow()
    with app.app_context():
        return factories.make_event(
            organiser["id"],
            slug="rakor-terbuka",
            capacity=2,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=3),
            registration_opens_at=now - timedelta(days=1),
        )


def register(client, slug, **changes):
    return client.post(f"/e/{slug}", data={**FORM, **changes})


def rows(model):
    return db.session.scalars(sa.select(model)).all()


def test_participant_registers_and_lands_on_their_personal_page(client, ctx, event_slug):
    response = register(client, event_slug)
    assert response.status_code == 302
    assert re.fullmatch(r"/r/[\w-]{40,}\?new=1", response.headers["Location"])
    page = client.get(response.headers["Location"]).text
    assert "Kursi Anda sudah dikonfirmasi." in page
    assert "/qr.svg" in page
    [registration] = rows(Registration)
    assert registration.phone == "+6281234567890"
    qr = client.get(f"/r/{registration.link_token}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert b"Siti" not in qr.data


def test_confirmation_email_carries_the_personal_link(client, ctx, app, event_slug):
    register(client, event_slug)
    [registration] = rows(Registration)
    [message] = rows(OutboxMessage)
    assert message.recipient == "siti@example.org"
    assert registration.link_token in message.body
    assert "Kursi Anda sudah dikonfirmasi untuk:" in message.body
    files = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1 and registration.link_token in files[0].read_text()


def test_registering_twice_gives_no_second_seat_and_reveals_nothing(client, ctx, event_slug):
    register(client, event_slug)
    response = register(
        client,
        event_slug,
        full_name="Penipu",
        email="penipu@example.org",
        phone="+62 812 3456 7890",
    )
    assert response.status_code == 200
    assert "Tautan pribadi Anda" in response.text
    assert "Siti" not in response.text and "siti@example.org" not in response.text
    assert len(rows(Registration)) == 1
    # The link goes to the address on record, never to the one just typed.
    assert [m.recipient for m in rows(OutboxMessage)] == ["siti@example.org"] * 2


def test_someone_who_lost_their_link_is_given_the_organisers_contact(client, ctx, event_slug):
    event = db.session.scalar(sa.select(Event))
    register(client, event_slug, email="")
    again = register(client, event_slug, email="")
    assert "meja registrasi" in again.text  # no contact set: the desk on the day
    event.contact = "Sekretariat Dekopinda, telp. (0335) 841 234"
    db.session.commit()
    again = register(client, event_slug, email="")
    assert "Kontak:</strong> Sekretariat Dekopinda, telp. (0335) 841 234" in again.text


def test_full_event_puts_people_on_the_waiting_list_and_a_cancel_promotes(client, ctx, event_slug):
    register(client, event_slug)
    register(client, event_slug, phone="0812-0000-0002", email="b@example.org")
    response = register(
        client, event_slug, phone="0812-0000-0003", email="c@example.org", full_name="Budi Waiting"
    )
    page = client.get(response.headers["Location"]).text
    assert "daftar tunggu, nomor 1" in page and "Kami akan mengirim e-mail" in page
    # No seat, no door pass: the QR code comes once a seat does.
    assert "<h1>Anda di daftar tunggu</h1>" in page and "qr.svg" not in page
    assert "Anda di daftar tunggu, nomor 1, untuk:" in rows(OutboxMessage)[-1].body
    no_email = register(client, event_slug, phone="0812-0000-0004", email="", full_name="Ani")
    page = client.get(no_email.headers["Location"]).text
    assert "nomor 2" in page and "Buka lagi halaman ini nanti" in page
    assert "Kami akan mengirim e-mail" not in page
    first = rows(Registration)[0]
    client.post(f"/r/{first.link_token}/cancel", data={"confirm": "yes"})
    waiting = db.session.scalar(
        sa.select(Registration).where(Registration.full_name == "Budi Waiting")
    )
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    assert "Anda mendapat kursi" in rows(OutboxMessage)[-1].subject


def test_more_seats_go_to_the_waiting_list_first(client, ctx, as_user, organiser, event_slug):
    register(client, event_slug)
    register(client, event_slug, phone="0812-0000-0002", email="b@example.org")
    register(
        client, event_slug, phone="0812-0000-0003", email="c@example.org", full_name="Budi Waiting"
    )
    as_user(organiser)
    edited = client.post(
        f"/events/{event_slug}/edit",
        data={**EVENT_FORM, "slug": event_slug, "capacity": "5", "waitlist_enabled": "y"},
        follow_redirects=True,
    )
    assert "1 orang naik dari daftar tunggu." in edited.text
    budi = db.session.scalar(
        sa.select(Registration).where(Registration.full_name == "Budi Waiting")
    )
    db.session.refresh(budi)
    assert budi.status == "confirmed"
    assert "Anda mendapat kursi" in rows(OutboxMessage)[-1].subject
    assert rows(OutboxMessage)[-1].recipient == "c@example.org"


def test_cancel_my_registration_asks_first_and_cancels_only_on_yes(client, ctx, event_slug):
    register(client, event_slug)
    [registration] = rows(Registration)
    token = registration.link_token
    assert "Batalkan pendaftaran saya" in client.get(f"/r/{token}").text

    asked = client.post(f"/r/{token}/cancel")
    assert asked.status_code == 200
    assert "Batalkan pendaftaran Anda untuk" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and 'name="csrf_token"' in asked.text
    assert "Ya, batalkan pendaftaran saya" in asked.text
    db.session.refresh(registration)
    assert registration.status == "confirmed"  # nothing happened yet
    assert "Kursi Anda sudah dikonfirmasi." in client.get(f"/r/{token}").text

    done = client.post(f"/r/{token}/cancel", data={"confirm": "yes"}, follow_redirects=True)
    assert "Pendaftaran Anda sudah dibatalkan." in done.text
    db.session.refresh(registration)
    assert registration.status == "cancelled"


def test_participant_corrects_their_details(client, ctx, event_slug):
    register(client, event_slug)
    token = rows(Registration)[0].link_token
    response = client.post(
        f"/r/{token}/edit", data={**FORM, "position": "Bendahara"}, follow_redirects=True
    )
    assert "Data Anda sudah disimpan." in response.text and "Bendahara" in response.text


def test_bad_input_is_refused_with_messages_and_nothing_saved(client, ctx, event_slug):
    response = register(client, event_slug, phone="0812", email="")
    assert "Isi nomor HP Indonesia" in response.text
    assert 'value="Siti Maulidah"' in response.text
    response = register(client, event_slug, phone="", email="")
    assert "Isi nomor HP atau alamat e-mail." in response.text
    assert rows(Registration) == []


def test_bots_filling_the_hidden_field_register_nobody(client, ctx, event_slug):
    response = register(client, event_slug, website="http://spam.example")
    assert response.status_code == 200
    assert rows(Registration) == []


def test_closed_registration_and_full_event_say_so(client, ctx, event_slug):
    event = db.session.scalar(sa.select(Event))
    event.waitlist_enabled = False
    event.capacity = 1
    db.session.commit()
    register(client, event_slug)
    response = register(client, event_slug, phone="0812-0000-0002", email="b@example.org")
    assert "Acara ini sudah penuh dan tidak memiliki daftar tunggu." in response.text
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Pendaftaran sudah ditutup." in client.get(f"/e/{event_slug}").text


def test_someone_who_scans_the_poster_after_the_opening_can_still_register(client, ctx, organiser):
    now = utcnow()
    slug = factories.make_event(
        organiser["id"], starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=3)
    )
    assert "Pendaftaran sudah ditutup." not in client.get(f"/e/{slug}").text
    assert register(client, slug).status_code == 302
    assert len(rows(Registration)) == 1


def test_personal_pages_are_never_cached_and_unknown_links_are_404(client, ctx, event_slug):
    register(client, event_slug)
    token = rows(Registration)[0].link_token
    assert client.get(f"/r/{token}").headers["Cache-Control"] == "no-store"
    assert client.get(f"/r/{token[:-1]}x").status_code == 404


def test_public_submissions_are_rate_limited_per_address(client, ctx, event_slug):
    """A hall of 30 behind one Wi-Fi address registers within a minute; the 31st post from
    it is held back, and gets the form again as it was sent, to send a minute later."""
    event = db.session.scalar(sa.select(Event))
    event.capacity = 100
    db.session.commit()
    # Someone's typo, sent back to correct, does not use up the hall's registrations.
    typos = [register(client, event_slug, phone="0812", email="").status_code for _ in range(5)]
    assert typos == [200] * 5
    answers = [
        register(client, event_slug, phone=f"0812-0000-{n:04d}", email="").status_code
        for n in range(30)
    ]
    assert answers == [302] * 30
    held = register(client, event_slug, full_name="Rina Kusuma", phone="0812-9999-0000", email="")
    assert held.status_code == 429
    assert "Tunggu satu menit" in held.text
    assert 'value="Rina Kusuma"' in held.text and 'value="0812-9999-0000"' in held.text
    assert len(rows(Registration)) == 30


def test_organiser_searches_filters_and_manages_participants(
    client, ctx, as_user, organiser, event_slug
):
    register(client, event_slug)
    register(client, event_slug, full_name="Budi Santoso", phone="0813-1111-2222", email="")
    register(client, event_slug, full_name="Waluyo", phone="0813-3333-4444", email="")
    as_user(organiser)
    page = client.get(f"/events/{event_slug}/participants?q=0813-1111").text
    assert "Budi Santoso" in page and "Siti" not in page
    page = client.get(f"/events/{event_slug}/participants?status=waiting").text
    assert "Waluyo" in page and "Budi Santoso" not in page
    waiting = db.session.scalar(sa.select(Registration).where(Registration.full_name == "Waluyo"))
    response = client.post(
        f"/events/{event_slug}/participants/{waiting.id}/confirm", follow_redirects=True
    )
    assert "Tidak ada kursi kosong: batalkan peserta lain atau naikkan kapasitas" in response.text
    budi = db.session.scalar(
        sa.select(Registration).where(Registration.full_name == "Budi Santoso")
    )
    # Budi gave no e-mail: the organiser can read his personal link out to him.
    detail = client.get(f"/events/{event_slug}/participants/{budi.id}").text
    assert f"/r/{budi.link_token}" in detail
    cancel = f"/events/{event_slug}/participants/{budi.id}/cancel"
    question = client.post(cancel)
    assert "Batalkan pendaftaran Budi Santoso?" in question.text
    db.session.refresh(budi)
    assert budi.status == "confirmed"  # asking changed nothing
    response = client.post(cancel, data={"confirm": "yes"}, follow_redirects=True)
    assert "Pendaftaran Budi Santoso dibatalkan." in response.text
    assert "1 orang naik dari daftar tunggu." in response.text
    # Waluyo gave no e-mail: the organiser is told to phone him, and the event page lists him.
    assert "Tidak ada e-mail untuk memberi tahu Waluyo: teleponlah mereka" in response.text
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    assert "Anda mendapat kursi" not in client.get(f"/events/{event_slug}/outbox").text  # no e-mail


def test_participant_list_is_paged_for_thousands(client, ctx, as_user, organiser, event_slug):
    event = db.session.scalar(sa.select(Event))
    db.session.add_all(
        Registration(event_id=event.id, full_name=f"Peserta {n:04d}", phone=f"+62812{n:08d}")
        for n in range(120)
    )
    db.session.commit()
    as_user(organiser)
    page = client.get(f"/events/{event_slug}/participants?page=3").text
    assert "Halaman 3 dari 3" in page and "Peserta 0119" in page and "Peserta 0000" not in page
    # A page past the end (an old link) shows the last one, with its filters.
    past = client.get(f"/events/{event_slug}/participants?page=99&sort=newest")
    assert past.status_code == 302
    assert "page=3" in past.headers["Location"] and "sort=newest" in past.headers["Location"]


def test_participants_and_outbox_are_404_for_other_organisers_and_door(
    client, make, as_user, event_slug
):
    for role in ("organiser", "door"):
        as_user(make(factories.make_user, role))
        for path in ("participants", "participants/new", "outbox"):
            assert client.get(f"/events/{event_slug}/{path}").status_code == 404
        client.post("/logout")


def test_organiser_prints_a_qr_poster_of_the_public_link(client, as_user, organiser, event_slug):
    as_user(organiser)
    page = client.get(f"/events/{event_slug}/poster").text
    assert f"http://localhost/e/{event_slug}" in page
    assert client.get(f"/events/{event_slug}/poster.svg").mimetype == "image/svg+xml"


def test_rate_limits_are_shared_by_app_servers_through_redis(tmp_path, organiser, event_slug):
    """Two app servers with one REDIS_URL count a client's submissions together."""
    import os
    import uuid

    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from coordination import create_app
    from coordination.config import TestConfig

    from .conftest import database_url

    prefix = f"rakor-test-{uuid.uuid4().hex}"
    servers = []
    for _ in range(2):
        config = TestConfig(database_url(tmp_path))
        config.RATELIMIT_STORAGE_URI = redis_url
        config.RATELIMIT_KEY_PREFIX = prefix
        config.OUTBOX_DIR = str(tmp_path / "outbox")
        servers.append(create_app(config).test_client())
    answers = [
        register(servers[n % 2], event_slug, phone=f"0812-0000-{n:04d}", email="").status_code
        for n in range(31)
    ]
    assert answers[:30].count(429) == 0 and answers[30] == 429


def test_links_in_emails_use_the_public_base_url(app, client, ctx, event_slug):
    app.config["PUBLIC_BASE_URL"] = "https://rakor.dekopinda.example/"
    register(client, event_slug)
    [message] = rows(OutboxMessage)
    assert "https://rakor.dekopinda.example/r/" in message.body


def test_personal_data_stays_off_public_pages(client, ctx, event_slug):
    register(client, event_slug, phone="0813-7777-1234")
    other = client.application.test_client()
    attempts = (other.get(f"/e/{event_slug}").text, register(other, event_slug).text)
    for page in attempts:
        assert "7777" not in page
        assert "siti@example.org" not in page and "Siti Maulidah</" not in page


def test_a_flood_of_refused_posts_is_held_back_too(client, ctx, event_slug):
    """Refused forms do not count as registrations, but every post counts against a flood."""
    answers = [register(client, event_slug, phone="0812", email="").status_code for _ in range(121)]
    assert answers[:120] == [200] * 120 and answers[120] == 429
    assert db.session.scalars(sa.select(Registration)).all() == []


def test_a_participants_error_page_does_not_lead_to_the_organisers_login(client):
    page = client.get("/e/tidak-ada")
    assert page.status_code == 404
    assert "Kembali ke daftar acara" not in page.text


def test_the_poster_warns_when_its_link_opens_on_no_phone(
    app, client, as_user, organiser, event_slug
):
    as_user(organiser)
    local = client.get(f"/events/{event_slug}/poster").text
    assert "hanya ada di komputer ini" in local and "agar ponsel bisa memakai kamera" in local
    assert not any(word in local for word in ("make run", "README", "PUBLIC_BASE_URL", "HTTPS"))
    app.config["PUBLIC_BASE_URL"] = "https://rakor.dekopinda.example"
    public = client.get(f"/events/{event_slug}/poster").text
    assert "hanya ada di komputer ini" not in public
    assert "https://rakor.dekopinda.example/e/" in public
    door = client.get(f"/events/{event_slug}/door-access", base_url="http://127.0.0.1:5000").text
    assert "hanya ada di komputer ini" not in door  # PUBLIC_BASE_URL is set


def test_an_organiser_adds_an_official_without_mobile_or_email(
    client, ctx, as_user, organiser, event_slug
):
    """Guests of honour often come without contact details; the public form still asks."""
    refused = register(client, event_slug, full_name="Tanpa Kontak", phone="", email="")
    assert refused.status_code == 200 and "Isi nomor HP atau alamat e-mail." in refused.text
    as_user(organiser)
    for name in ("Bupati Probolinggo", "Ketua DPRD"):
        added = client.post(
            f"/events/{event_slug}/participants/new",
            data={"full_name": name, "organisation": "Pemkab", "role": "guest"},
        )
        assert added.status_code == 302
    guests = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert [(g.full_name, g.phone, g.email, g.status) for g in guests] == [
        ("Bupati Probolinggo", None, None, "confirmed"),
        ("Ketua DPRD", None, None, "confirmed"),  # two without contact are not "the same"
    ]
    corrected = client.post(
        f"/events/{event_slug}/participants/{guests[0].id}",
        data={"full_name": "Bupati Probolinggo", "organisation": "Pemkab", "role": "guest"},
    )
    assert corrected.status_code == 302
