import sqlalchemy as sa

from coordination.events.models import Event
from coordination.extensions import db
from coordination.registration.models import Registration

from . import factories

FORM = {
    "title": "Rakor Koperasi Wanita",
    "organising_body": "Dekopinda Kabupaten Probolinggo",
    "venue_name": "Aula Bale Hinggil",
    "venue_address": "Kraksaan",
    "timezone": "Asia/Jakarta",
    "starts_at": "2030-03-15T13:00",
    "ends_at": "2030-03-15T16:00",
    "capacity": "50",
}


def test_organiser_creates_an_event_and_sees_it_listed_with_an_indonesian_date(
    client, as_user, organiser
):
    as_user(organiser)
    response = client.post("/events/new", data=FORM, follow_redirects=True)
    assert "Rakor Koperasi Wanita" in response.text
    listing = client.get("/").text
    assert "Rakor Koperasi Wanita" in listing
    assert "Jumat, 15 Maret 2030, 13.00 WIB" in listing


def test_times_are_stored_in_utc_and_shown_in_the_event_zone(client, as_user, organiser, ctx):
    as_user(organiser)
    client.post("/events/new", data={**FORM, "timezone": "Asia/Jayapura"})
    event = db.session.scalar(sa.select(Event))
    assert event.starts_at.isoformat() == "2030-03-15T04:00:00+00:00"
    assert "13.00 WIT" in client.get(f"/events/{event.slug}").text


def test_slug_is_made_from_the_title_when_left_empty(client, as_user, organiser):
    as_user(organiser)
    response = client.post("/events/new", data={**FORM, "title": "Rapat Anggota: Tahun 2030!"})
    assert response.headers["Location"] == "/events/rapat-anggota-tahun-2030"


def test_end_before_start_is_refused_and_the_form_keeps_what_was_typed(
    client, as_user, organiser, ctx
):
    as_user(organiser)
    response = client.post("/events/new", data={**FORM, "ends_at": "2030-03-15T12:00"})
    assert response.status_code == 200
    assert "Waktu selesai harus setelah waktu mulai." in response.text
    assert 'value="Rakor Koperasi Wanita"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_duplicate_slug_unknown_zone_and_too_long_title_are_refused(
    client, as_user, organiser, make
):
    make(factories.make_event, organiser["id"], slug="rakor-2030")
    as_user(organiser)
    response = client.post("/events/new", data={**FORM, "slug": "rakor-2030"})
    assert "Alamat web ini sudah dipakai acara lain." in response.text
    response = client.post("/events/new", data={**FORM, "timezone": "Europe/Berlin"})
    assert "Pilihan tidak valid" in response.text or "Not a valid choice" in response.text
    response = client.post("/events/new", data={**FORM, "title": "x" * 201})
    assert response.status_code == 200
    assert "200" in response.text
    response = client.post("/events/new", data={**FORM, "slug": "Bad Slug!"})
    assert "Gunakan hanya huruf kecil" in response.text


def test_registration_window_must_close_after_it_opens_and_before_the_end(
    client, as_user, organiser
):
    as_user(organiser)
    response = client.post(
        "/events/new",
        data={
            **FORM,
            "registration_opens_at": "2030-03-10T08:00",
            "registration_closes_at": "2030-03-09T08:00",
        },
    )
    assert "Pendaftaran harus ditutup setelah dibuka." in response.text
    response = client.post(
        "/events/new", data={**FORM, "registration_closes_at": "2030-03-16T08:00"}
    )
    assert "Pendaftaran harus ditutup sebelum acara selesai." in response.text


def test_organiser_edits_an_event(client, as_user, organiser, make):
    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    form = client.get(f"/events/{slug}/edit").text
    assert 'value="2030-03-15T09:00"' in form
    response = client.post(
        f"/events/{slug}/edit",
        data={**FORM, "title": "Judul Baru", "slug": slug},
        follow_redirects=True,
    )
    assert "Judul Baru" in response.text


def test_agenda_item_with_speakers_shows_on_the_event_page(client, as_user, organiser, make):
    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    response = client.post(
        f"/events/{slug}/agenda/new",
        data={
            "title": "Arah kebijakan kelembagaan koperasi",
            "starts_at": "2030-03-15T09:15",
            "ends_at": "2030-03-15T10:00",
            "speakers-0-name": "Setiadi Agus Prakoso",
            "speakers-0-office": "Dinas Koperasi dan Usaha Mikro",
            "speakers-1-name": "",
            "speakers-1-office": "",
            "description": "Bahan: laporan RAT 2029",
        },
        follow_redirects=True,
    )
    assert "Arah kebijakan kelembagaan koperasi" in response.text
    assert "Setiadi Agus Prakoso" in response.text
    assert "09.15–10.00" in response.text
    assert "Bahan: laporan RAT 2029" in response.text
    assert "Bahan: laporan RAT 2029" in client.get(f"/e/{slug}").text  # the public sees it too


def test_removing_an_agenda_item_asks_first(client, as_user, organiser, make, ctx):
    from coordination.events.models import AgendaItem

    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    client.post(
        f"/events/{slug}/agenda/new",
        data={"title": "Pembukaan", "starts_at": "2030-03-15T13:00", "ends_at": ""},
    )
    item_id = db.session.scalar(sa.select(AgendaItem.id))
    asked = client.post(f"/events/{slug}/agenda/{item_id}/delete")
    assert "Hapus mata acara Pembukaan?" in asked.text
    assert db.session.get(AgendaItem, item_id) is not None
    done = client.post(
        f"/events/{slug}/agenda/{item_id}/delete", data={"confirm": "yes"}, follow_redirects=True
    )
    assert "Pembukaan" not in done.text.split('id="agenda"')[-1]
    db.session.expire_all()
    assert db.session.get(AgendaItem, item_id) is None


def test_duplicate_copies_details_and_agenda_but_not_participants(
    client, as_user, organiser, make, ctx
):
    slug = make(factories.make_event, organiser["id"], slug="rakor-asal")
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    db.session.add(Registration(event_id=event.id, full_name="Budi", organisation="KUD"))
    db.session.commit()
    as_user(organiser)
    client.post(
        f"/events/{slug}/agenda/new",
        data={"title": "Pembukaan", "starts_at": "2030-03-15T09:00"},
    )
    response = client.post(f"/events/{slug}/duplicate")
    assert response.headers["Location"] == "/events/rakor-asal-2/edit"
    page = client.get("/events/rakor-asal-2").text
    assert "Pembukaan" in page
    assert "0 dari 50 kursi" in page


def test_archived_events_leave_the_main_list_and_can_be_restored(client, as_user, organiser, make):
    slug = make(factories.make_event, organiser["id"], title="Rakor Lama")
    as_user(organiser)
    client.post(f"/events/{slug}/archive")
    assert "Rakor Lama" not in client.get("/").text
    assert "Rakor Lama" in client.get("/?archived=1").text
    client.post(f"/events/{slug}/archive")
    assert "Rakor Lama" in client.get("/").text


def test_organisers_see_nothing_of_events_they_have_no_role_in(client, as_user, make):
    owner = make(factories.make_user, "organiser")
    stranger = make(factories.make_user, "organiser")
    slug = make(factories.make_event, owner["id"], title="Rahasia Panitia")
    as_user(stranger)
    assert "Rahasia Panitia" not in client.get("/").text
    for path in (f"/events/{slug}", f"/events/{slug}/edit", f"/events/{slug}/agenda/new"):
        assert client.get(path).status_code == 404, path
    for path in (f"/events/{slug}/duplicate", f"/events/{slug}/archive", f"/events/{slug}/team"):
        assert client.post(path).status_code == 404, path
    # The same answer as for an event that does not exist.
    assert client.get("/events/tidak-ada").status_code == 404


def test_door_staff_see_their_events_but_no_organiser_page(client, as_user, make, organiser):
    door = make(factories.make_user, "door")
    slug = make(factories.make_event, organiser["id"], title="Rakor Pintu")
    as_user(organiser)
    response = client.post(
        f"/events/{slug}/team",
        data={"email": door["email"], "role": "door"},
        follow_redirects=True,
    )
    assert door["name"] in response.text
    client.post("/logout")
    as_user(door)
    assert "Rakor Pintu" in client.get("/").text
    assert client.get(f"/events/{slug}").status_code == 404
    assert client.get("/events/new").status_code == 404


def test_a_door_account_cannot_be_made_an_organiser(client, as_user, make, organiser):
    door = make(factories.make_user, "door")
    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    response = client.post(
        f"/events/{slug}/team",
        data={"email": door["email"], "role": "organiser"},
        follow_redirects=True,
    )
    assert "Akun petugas pintu hanya dapat diberi akses pintu." in response.text


def test_an_added_organiser_manages_the_event_and_the_last_one_cannot_leave(
    client, as_user, make, organiser, ctx
):
    colleague = make(factories.make_user, "organiser")
    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    client.post(f"/events/{slug}/team", data={"email": colleague["email"], "role": "organiser"})
    client.post("/logout")
    as_user(colleague)
    assert client.get(f"/events/{slug}/edit").status_code == 200
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    ids = {m.user_id: m.id for m in event.members}
    client.post(f"/events/{slug}/team/{ids[organiser['id']]}/remove", data={"confirm": "yes"})
    response = client.post(
        f"/events/{slug}/team/{ids[colleague['id']]}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert "Acara memerlukan minimal satu panitia." in response.text


def test_admin_sees_and_manages_every_event(client, as_user, make, organiser):
    slug = make(factories.make_event, organiser["id"], title="Rakor Provinsi")
    as_user(make(factories.make_user, "admin"))
    home = client.get("/").text
    assert "Rakor Provinsi" in home
    assert "Semua acara" in home and "Acara yang saya selenggarakan" not in home  # not hers
    assert client.get(f"/events/{slug}/edit").status_code == 200


def test_organiser_chooses_whether_a_full_event_keeps_a_waiting_list(
    client, as_user, organiser, ctx
):
    as_user(organiser)
    client.post("/events/new", data={**FORM, "slug": "dengan-antrean", "waitlist_enabled": "y"})
    client.post("/events/new", data={**FORM, "slug": "tanpa-antrean"})
    waitlists = dict(db.session.execute(sa.select(Event.slug, Event.waitlist_enabled)).all())
    assert waitlists == {"dengan-antrean": True, "tanpa-antrean": False}
    assert '<input checked id="waitlist_enabled"' in client.get("/events/new").text


def test_new_events_start_in_the_configured_time_zone(app, client, as_user, organiser):
    app.config["DEFAULT_TIMEZONE"] = "Asia/Makassar"
    as_user(organiser)
    assert '<option selected value="Asia/Makassar">' in client.get("/events/new").text


def test_the_event_page_needs_few_queries_however_long_the_agenda(
    client, as_user, organiser, make, app
):
    slug = make(factories.make_event, organiser["id"])
    as_user(organiser)
    for n in range(8):
        client.post(
            f"/events/{slug}/agenda/new",
            data={
                "title": f"Sesi {n}",
                "starts_at": f"2030-03-15T{9 + n:02d}:00",
                "speakers-0-name": f"Narasumber {n}",
                "speakers-0-office": "Dinas",
            },
        )
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(f"/events/{slug}").text
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert "Narasumber 7" in page
    assert len(statements) <= 10, statements


def test_the_event_page_says_whether_registration_is_open_now(client, as_user, organiser, make):
    from datetime import timedelta

    from coordination.extensions import utcnow

    coming = make(factories.make_event, organiser["id"])
    started = make(
        factories.make_event,
        organiser["id"],
        starts_at=utcnow() - timedelta(hours=1),
        ends_at=utcnow() + timedelta(hours=2),
    )
    as_user(organiser)
    assert "dibuka sekarang" in client.get(f"/events/{coming}").text
    # The window runs "until the event ends": a started event still takes registrations.
    assert "dibuka sekarang" in client.get(f"/events/{started}").text
    ended = make(
        factories.make_event,
        organiser["id"],
        starts_at=utcnow() - timedelta(hours=3),
        ends_at=utcnow() - timedelta(hours=1),
    )
    assert "sekarang ditutup" in client.get(f"/events/{ended}").text


def test_an_agenda_item_on_another_day_says_its_date_and_is_flagged(
    client, as_user, organiser, make
):
    slug = make(factories.make_event, organiser["id"])  # Friday 15 March 2030, 09.00 WIB
    as_user(organiser)
    saved = client.post(
        f"/events/{slug}/agenda/new",
        data={"title": "Kunjungan lapangan", "starts_at": "2030-03-16T09:00", "ends_at": ""},
        follow_redirects=True,
    )
    assert "di luar waktu acara" in saved.text
    assert "Sabtu, 16 Maret 2030, 09.00" in saved.text
    inside = client.post(
        f"/events/{slug}/agenda/new",
        data={"title": "Pembukaan", "starts_at": "2030-03-15T09:00", "ends_at": ""},
        follow_redirects=True,
    )
    assert "di luar waktu acara" not in inside.text
