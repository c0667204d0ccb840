"""Minutes (notulen): the editor, the final lock with its log, and the signed PDF."""

import html
import re
from datetime import timedelta

import pypdfium2
import pytest
import sqlalchemy as sa

from coordination.auth.models import User
from coordination.documents.pdf import StaticOnlyFetcher
from coordination.door import services as door
from coordination.door.services import DoorActor
from coordination.events.models import Event
from coordination.events.services import AgendaItemData, SpeakerData, add_agenda_item, add_member
from coordination.extensions import db
from coordination.minutes import documents
from coordination.minutes.documents import minutes_pdf
from coordination.minutes.models import ActionItem, Minutes, MinutesLogEntry
from coordination.minutes.text import render_markdown
from coordination.registration.models import Registration

from . import factories

SLUG = "rakor-notulen"


def event_of() -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


@pytest.fixture
def event_slug(app, make, organiser):
    slug = make(factories.make_event, organiser["id"], slug=SLUG, capacity=100)
    with app.app_context():
        event = event_of()
        for hour, title, speakers in (
            (
                1,
                "Sinkronisasi program pemberdayaan koperasi",
                [("Setiadi Agus Prakoso", "Dinas Koperasi dan Usaha Mikro")],
            ),
            (
                2,
                "Kelembagaan dan Rapat Anggota Tahunan",
                [("Joko Rohani Sanjaya", "Ketua Dekopinda")],
            ),
        ):
            add_agenda_item(
                event,
                AgendaItemData(
                    title=title,
                    starts_at=event.starts_at + timedelta(hours=hour),
                    speakers=[SpeakerData(name, office) for name, office in speakers],
                ),
            )
        db.session.commit()
    return slug


@pytest.fixture
def people(app, make, event_slug):
    """Six confirmed; four came in, one of them sent by an invitee ("diwakili oleh")."""
    people = make(factories.make_participants, event_slug, 6)
    with app.app_context():
        event = event_of()
        main = door.default_list(event)
        for person in people[:4]:
            door.admit(
                event, main, db.session.get(Registration, person["id"]), DoorActor("Pintu Utara")
            )
        db.session.get(Registration, people[3]["id"]).represents_name = "H. Abdul Wahid"
        db.session.commit()
    return people


def pdf_pages(content: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)]


def editor_form(client) -> dict:
    """The editor's fields as the browser would send them back."""
    page = client.get(f"/events/{SLUG}/minutes").text
    return form_fields(page)


def form_fields(page: str) -> dict:
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    fields.update(
        re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(?:\r?\n)?(.*?)</textarea>', page, re.S)
    )
    fields = {name: html.unescape(value) for name, value in fields.items()}
    return {
        k: v
        for k, v in fields.items()
        if not k.startswith(("save", "add_", "finalise")) and not k.endswith("-remove")
    }


FILLED = {
    "letterhead_address": "Jl. Panglima Sudirman No. 1, Kraksaan",
    "opened_by": "Joko Rohani Sanjaya",
    "opened_at": "2030-03-15T09:05",
    "opening": "Rapat dibuka dengan **doa bersama**.",
    "sections-0-discussion": "Koperasi harus siap menghadapi *revolusi industri 4.0*.",
    "sections-0-conclusions": "- Program disinkronkan\n- Pendataan ulang koperasi aktif",
    "sections-1-discussion": "Baru sekitar 50% koperasi melaksanakan RAT.",
    "decisions-0-text": "Dekopinda mendata ulang 800 koperasi berbadan hukum.",
    # Four came: no more than four votes (finalising refuses more).
    "decisions-0-votes_for": "2",
    "decisions-0-votes_against": "1",
    "decisions-0-abstentions": "1",
    "actions-0-what": "Pendataan koperasi aktif",
    "actions-0-who": "Bidang Kelembagaan",
    "actions-0-due_on": "2030-04-30",
    "closing": "Rapat ditutup dengan ucapan terima kasih.",
    "closed_at": "2030-03-15T11:45",
    "next_meeting": "Jumat, 26 April 2030 di Bale Hinggil",
    "chair_name": "Joko Rohani Sanjaya",
    "chair_position": "Ketua Dekopinda Kabupaten Probolinggo",
    "taker_name": "Siti Rahayu",
    "taker_position": "Sekretaris",
    "signed_place": "Probolinggo",
    "signed_on": "2030-03-15",
}


def save(client, **changes):
    data = editor_form(client) | FILLED | changes
    return client.post(f"/events/{SLUG}/minutes", data=data)


def test_the_editor_starts_from_the_agenda_and_saves_a_draft(app, as_user, organiser, people):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/minutes").text
    assert "Sinkronisasi program pemberdayaan koperasi" in page
    assert "Setiadi Agus Prakoso (Dinas Koperasi dan Usaha Mikro)" in page
    assert "Hadir" in page and "draf" in page  # attendance summary, status

    response = save(client)
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Notulen disimpan." in page
    assert "revolusi industri 4.0" in page and "Bidang Kelembagaan" in page
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "draft" and minutes.version == 2
        assert [s.title for s in minutes.sections][0].startswith("Sinkronisasi")
        assert minutes.decisions[0].votes_for == 2 and minutes.decisions[0].abstentions == 1
        assert minutes.actions[0].due_on.isoformat() == "2030-04-30"
        assert minutes.opened_at.hour == 2 and minutes.opened_at.minute == 5  # 09.05 WIB in UTC


def test_adding_a_row_keeps_what_was_typed_and_shows_an_empty_row(as_user, organiser, people):
    client = as_user(organiser)
    response = save(client, add_decision="1")
    assert response.status_code == 302 and "decisions=1" in response.location
    assert response.location.endswith("#decisions-1-text")  # the browser lands on the new row
    page = client.get(response.location).text
    assert "800 koperasi" in page
    assert 'name="decisions-1-text"' in page


def test_removing_a_row_and_bad_input_lose_nothing_else(as_user, organiser, people):
    client = as_user(organiser)
    save(client)
    response = save(client, **{"decisions-0-remove": "y", "actions-0-due_on": "kemarin"})
    assert response.status_code == 422  # the bad date is shown, nothing saved
    assert "kemarin" in response.text and "revolusi industri 4.0" in response.text
    assert save(client, **{"decisions-0-remove": "y"}).status_code == 302
    assert "800 koperasi" not in client.get(f"/events/{SLUG}/minutes").text


def test_half_filled_rows_are_named_not_dropped(app, as_user, organiser, people):
    client = as_user(organiser)
    response = save(
        client,
        **{"decisions-0-text": "", "actions-0-what": "", "actions-0-who": "Bidang Kelembagaan"},
    )
    assert response.status_code == 422
    assert "Tuliskan keputusannya, atau centang Hapus." in response.text
    assert 'href="#actions-0-what"' in response.text and 'href="#decisions-0-text"' in response.text
    with app.app_context():
        # Nothing half-saved: the minutes are as the first save would find them (opening the
        # editor makes no row; on SQLite the refused save may leave the blank one it made).
        assert db.session.scalar(sa.select(Minutes.version)) in (None, 1)
        assert db.session.scalar(sa.select(sa.func.count(ActionItem.id))) == 0


def test_saves_from_two_pages_merge_and_only_a_real_clash_is_put_to_the_user(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    save(client)
    page_a, page_b = editor_form(client), editor_form(client)  # two tabs, same version
    first = client.post(
        f"/events/{SLUG}/minutes",
        data=page_a | {"closed_at": "2030-03-15T12:10", "opening": "Versi rekan"},
    )
    assert first.status_code == 302
    # B only touched the next meeting: saved, and A's closing time stays.
    second = client.post(f"/events/{SLUG}/minutes", data=page_b | {"next_meeting": "Mei 2030"})
    assert second.status_code == 302
    assert "bersama perubahan rekan" in client.get(second.location).text
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.next_meeting == "Mei 2030" and minutes.closed_at.hour == 5  # 12.10 WIB
        assert minutes.closed_at.minute == 10

    # Both change the opening: the colleague's text stays saved, B sees both and decides.
    clash = client.post(
        f"/events/{SLUG}/minutes", data=page_b | {"opening": "Versi saya", "closing": "Tutup"}
    )
    assert clash.status_code == 409
    assert "Rekan Anda mengubah bagian yang sama" in clash.text
    assert "Versi saya" in clash.text and "Versi rekan" in clash.text
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.opening == "Versi rekan" and minutes.closing == "Tutup"
    # The page now shows the merged minutes with B's text in the clash: saving keeps B's.
    assert client.post(f"/events/{SLUG}/minutes", data=form_fields(clash.text)).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Minutes.opening)) == "Versi saya"


def test_final_minutes_are_locked_and_reopening_needs_a_reason_and_is_logged(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    save(client, chair_name="")
    version = editor_form(client)["version"]
    refused = client.post(f"/events/{SLUG}/minutes/finalise", data={"version": version})
    assert "pimpinan rapat" in client.get(refused.location).text  # what is missing is named
    save(client)
    version = editor_form(client)["version"]
    client.post(f"/events/{SLUG}/minutes/finalise", data={"version": version})
    page = client.get(f"/events/{SLUG}/minutes").text
    assert "final" in page and "Siti Rahayu" in page and "Buka kembali" in page

    locked = client.post(f"/events/{SLUG}/minutes", data={"version": version, "opening": "x"})
    assert "Notulen ini sudah final" in client.get(locked.location).text
    assert client.post(f"/events/{SLUG}/minutes/reopen", data={"reason": ""}).status_code == 422
    client.post(f"/events/{SLUG}/minutes/reopen", data={"reason": "Salah ketik jumlah suara"})
    page = client.get(f"/events/{SLUG}/minutes").text
    assert "Salah ketik jumlah suara" in page and 'name="opening"' in page
    with app.app_context():
        log = db.session.scalars(sa.select(MinutesLogEntry).order_by(MinutesLogEntry.id)).all()
        assert [(e.action, e.user_name) for e in log] == [
            ("finalised", organiser["name"]),
            ("reopened", organiser["name"]),
        ]
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "draft" and minutes.finalised_at is None


def test_the_minutes_pdf_is_the_official_layout_with_the_attendance_list_attached(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    save(client)
    draft = pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data)
    assert all("DRAF" in page for page in draft if "DAFTAR HADIR" not in page)
    client.post(
        f"/events/{SLUG}/minutes/finalise", data={"version": editor_form(client)["version"]}
    )
    response = client.get(f"/events/{SLUG}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = "\n".join(pages)
    first = pages[0]
    assert "DRAF" not in text
    assert "DEKOPINDA KABUPATEN PROBOLINGGO" in first and "Jl. Panglima Sudirman" in first
    assert "NOTULEN RAPAT" in first and "Jumat, 15 Maret 2030" in first
    assert "09.05 – 11.45" in first and "Aula Bale Hinggil" in first
    # Nobody was invited through Rakor: the count leaves "invited 0" out.
    assert re.search(r"terdaftar 6, hadir 4 \(di antaranya 1 diwakili\), tidak hadir 2", text)
    assert "diundang" not in text
    # The body in agenda order, with speakers, decisions with counts, and the action table.
    assert text.index("Sinkronisasi program") < text.index("Kelembagaan dan Rapat Anggota")
    assert "Narasumber: Setiadi Agus Prakoso" in text
    assert "setuju 2, tidak setuju 1, abstain 1" in text
    assert "Pendataan koperasi aktif" in text and "30 April 2030" in text
    # The signature block: place and date, both roles with their names.
    assert "Probolinggo, 15 Maret 2030" in text
    assert "Notulis" in text and "Pimpinan Rapat" in text
    assert text.index("Siti Rahayu", text.index("Pimpinan Rapat")) > 0
    minutes_pages = [p for p in pages if "DAFTAR HADIR" not in p]
    total = len(minutes_pages)
    assert f"Halaman 1 dari {len(pages)}" in minutes_pages[0]  # one file, one count
    # The daftar hadir is attached as the last pages, with those present and nobody else.
    assert "DAFTAR HADIR" in pages[-1] and "DAFTAR HADIR" not in pages[0]
    attached = "\n".join(pages[total:])
    assert all(person["name"] in attached for person in people[:4])
    assert people[4]["name"] not in attached and "H. Abdul Wahid" in attached
    # Personal data stays off the minutes: masked mobiles, no e-mail.
    assert "@example.org" not in text and "+62812" not in text


def test_a_repeated_download_costs_no_rendering_and_a_change_makes_a_new_one(
    app, monkeypatch, people
):
    renders = []
    real = documents.render_body
    monkeypatch.setattr(
        documents, "render_body", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    with app.test_request_context():
        event = event_of()
        first = minutes_pdf(event)
        assert minutes_pdf(event) == first and len(renders) == 1
        door.admit(
            event,
            door.default_list(event),
            db.session.get(Registration, people[5]["id"]),
            DoorActor("Pintu"),
        )
        db.session.flush()
        assert minutes_pdf(event) != first and len(renders) == 2


def test_hostile_text_prints_as_text_and_fetches_nothing(app, as_user, organiser, people):
    hostile = (
        '<img src="file:///etc/passwd"> <script>alert(1)</script> '
        "![x](http://example.com/x.png) [klik](http://example.com) <style>*{color:red}</style> "
        + "A" * 10_000
        + " 🤝🏽 مرحبا بكم"
    )
    client = as_user(organiser)
    assert save(client, opening=hostile, **{"sections-0-conclusions": hostile}).status_code == 302
    html = render_markdown(hostile)
    assert "<img" not in html and "<script" not in html and "href" not in html
    assert "&lt;script&gt;" in html
    with app.test_request_context():
        fetcher = StaticOnlyFetcher()
        text = "\n".join(pdf_pages(minutes_pdf(event_of(), fetcher=fetcher)))
    assert fetcher.refused == []
    assert "<script>alert(1)</script>" in text and "file:///etc/passwd" in text


def test_minutes_are_for_the_events_organisers_only(app, make, as_user, organiser, event_slug):
    stranger = make(factories.make_user, "organiser")
    staff = make(factories.make_user, "door")
    with app.app_context():
        add_member(event_of(), db.session.get(User, staff["id"]), "door")
        db.session.commit()
    for user in (stranger, staff):
        client = as_user(user)
        for url in ("minutes", "minutes.pdf"):
            assert client.get(f"/events/{SLUG}/{url}").status_code == 404
        assert (
            client.post(f"/events/{SLUG}/minutes/reopen", data={"reason": "x"}).status_code == 404
        )
        client.get("/logout")
    anonymous = app.test_client().get(f"/events/{SLUG}/minutes")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_the_pdf_follows_the_language_of_the_page(as_user, organiser, people):
    client = as_user(organiser)
    save(client)
    client.post("/language", data={"language": "en"})
    pages = pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data)
    assert "MINUTES OF THE MEETING" in pages[0] and "DRAFT" in pages[0]
    assert "Page 1 of" in pages[0] and "Friday, 15 March 2030" in pages[0]
    assert "Minute-taker" in "".join(pages) and "ATTENDANCE LIST" in pages[-1]


def test_two_organisers_opening_new_minutes_at_once_share_one(app, monkeypatch, event_slug):
    """The one who looked before the other's insert loses on the unique event, then reads it."""
    from coordination.minutes import services as minutes_service

    with app.app_context():
        winner = minutes_service.minutes_of(event_of()).id
        db.session.commit()
    with app.app_context():
        event = event_of()
        real_scalar = db.session.scalar
        looks = []

        def stale_first_look(statement, *args, **kwargs):
            looks.append(statement)
            return None if len(looks) == 1 else real_scalar(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "scalar", stale_first_look)
        assert minutes_service.minutes_of(event).id == winner
        monkeypatch.undo()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Minutes.id))) == 1


def test_final_minutes_stay_as_signed_until_reopened(app, as_user, organiser, people):
    """A late check-in, a new quorum rule or another language change the draft, not the final."""
    client = as_user(organiser)
    save(client)
    client.post(
        f"/events/{SLUG}/minutes/finalise", data={"version": editor_form(client)["version"]}
    )
    signed = client.get(f"/events/{SLUG}/minutes.pdf").data
    with app.app_context():
        event = event_of()
        late = db.session.get(Registration, people[4]["id"])
        door.admit(event, door.default_list(event), late, DoorActor("Pintu"))
        event.quorum_rule = "registered"
        db.session.commit()
    client.post("/language", data={"language": "en"})
    assert client.get(f"/events/{SLUG}/minutes.pdf").data == signed
    page = client.get(f"/events/{SLUG}/minutes").text
    assert "<dt>Present</dt><dd>4</dd>" in page  # the count it was signed with, not 5
    client.post(f"/events/{SLUG}/minutes/reopen", data={"reason": "Peserta terlambat"})
    reopened = "\n".join(pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data))
    assert "present 5" in reopened and people[4]["name"] in reopened


def test_a_big_events_draft_renders_in_the_background_and_the_final_one_at_once(
    app, as_user, organiser, people
):
    from coordination.documents import jobs

    app.config["DOCUMENT_BACKGROUND_SECONDS"] = 0  # every rendering counts as big
    client = as_user(organiser)
    save(client)
    waiting = client.get(f"/events/{SLUG}/minutes.pdf")
    assert waiting.status_code == 302 and "/documents/" in waiting.location
    assert "Notulen" in client.get(waiting.location).text  # the progress page names it
    jobs.wait_for_jobs()
    download = client.get(waiting.location.split("?")[0] + "/download")
    pages = pdf_pages(download.data)
    assert "NOTULEN RAPAT" in pages[0] and "DAFTAR HADIR" in pages[-1]
    client.post(
        f"/events/{SLUG}/minutes/finalise", data={"version": editor_form(client)["version"]}
    )
    signed = client.get(f"/events/{SLUG}/minutes.pdf")  # kept since finalising: no wait
    assert signed.status_code == 200 and signed.mimetype == "application/pdf"


FINALISE = {"finalise": "Finalkan notulen"}  # the button, as the browser sends it when clicked


def answer_yes(client, question_url: str):
    """The second step of "Finalkan notulen": the page that asks, then its yes."""
    question = client.get(question_url).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', question).group(1)
    return client.post(f"/events/{SLUG}/minutes/finalise", data={"version": version})


def not_finalised(app) -> str:
    """The "not final yet" notice as the page shows it, in the page's language."""
    from coordination.minutes.messages import MESSAGES

    with app.test_request_context():
        return str(MESSAGES["not_finalised"])


def test_finalising_keeps_what_was_typed_but_never_saved(app, as_user, organiser, people):
    """Type, then click "Finalkan notulen" without "Simpan draf": the text is in the final."""
    client = as_user(organiser)
    typed = "Seluruh koperasi wajib RAT sebelum Juni."
    data = editor_form(client) | FILLED | {"sections-1-conclusions": typed} | FINALISE
    response = client.post(f"/events/{SLUG}/minutes", data=data)
    assert response.status_code == 302
    # Saved, not yet locked: a page says what finalising freezes and asks first.
    question = client.get(response.location).text
    assert "Finalkan notulen?" in question and "daftar hadir" in question
    assert f"{FILLED['chair_name']} sebagai pimpinan rapat" in question
    with app.app_context():
        assert db.session.scalar(sa.select(Minutes.status)) == "draft"
    response = answer_yes(client, response.location)
    page = client.get(response.location).text
    assert "Notulen sudah final" in page and typed in page and "Buka kembali" in page
    assert typed in "\n".join(pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data))
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "final" and minutes.sections[1].conclusions == typed
        assert minutes.final_pdf is not None
        assert [e.action for e in db.session.scalars(sa.select(MinutesLogEntry))] == ["finalised"]


def test_a_finalise_that_clashes_with_a_colleague_finalises_nothing(
    app, as_user, organiser, people
):
    client = as_user(organiser)
    save(client)
    page_a, page_b = editor_form(client), editor_form(client)  # two tabs, same version
    client.post(f"/events/{SLUG}/minutes", data=page_a | {"opening": "Versi rekan"})
    clash = client.post(
        f"/events/{SLUG}/minutes",
        data=page_b | {"opening": "Versi saya", "closing": "Tutup"} | FINALISE,
    )
    # Shown as for a save: the other parts saved, both texts of the clash on the page.
    assert clash.status_code == 409
    assert "Rekan Anda mengubah bagian yang sama" in clash.text
    assert "Versi saya" in clash.text and "Versi rekan" in clash.text
    assert not_finalised(app) in clash.text
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "draft" and minutes.finalised_at is None
        assert minutes.opening == "Versi rekan" and minutes.closing == "Tutup"
        assert db.session.scalar(sa.select(sa.func.count(MinutesLogEntry.id))) == 0
    # Finalising from the clash page keeps this editor's text, as saving would.
    final = client.post(f"/events/{SLUG}/minutes", data=form_fields(clash.text) | FINALISE)
    assert final.status_code == 302
    answer_yes(client, final.location)
    assert "Versi saya" in "\n".join(pdf_pages(client.get(f"/events/{SLUG}/minutes.pdf").data))
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "final" and minutes.opening == "Versi saya"


def test_a_finalise_merged_with_unseen_changes_saves_but_is_not_final(
    app, as_user, organiser, people
):
    """A colleague saved other parts meanwhile: merged as a save, but not signed off unseen."""
    client = as_user(organiser)
    save(client)
    page_a, page_b = editor_form(client), editor_form(client)
    client.post(f"/events/{SLUG}/minutes", data=page_a | {"next_meeting": "Mei 2030"})
    merged = client.post(f"/events/{SLUG}/minutes", data=page_b | {"closing": "Tutup"} | FINALISE)
    assert merged.status_code == 302
    page = client.get(merged.location).text
    assert "bersama perubahan rekan" in page and not_finalised(app) in page
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "draft"
        assert minutes.next_meeting == "Mei 2030" and minutes.closing == "Tutup"


def test_a_refused_finalise_still_saves_what_was_typed(app, as_user, organiser, people):
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/minutes").text
    assert 'name="finalise"' in page and "disabled" not in page  # a typed chair counts too
    # A missing signatory: the typed text is saved, what is missing is named.
    response = client.post(
        f"/events/{SLUG}/minutes", data=editor_form(client) | FILLED | {"chair_name": ""} | FINALISE
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Notulen disimpan." in page and "pimpinan rapat" in page
    # A bad date: nothing saved, nothing finalised, the typed text shown again.
    bad = client.post(
        f"/events/{SLUG}/minutes",
        data=editor_form(client) | {"signed_on": "besok", "opening": "Belum tersimpan"} | FINALISE,
    )
    assert bad.status_code == 422 and "Belum tersimpan" in bad.text
    assert not_finalised(app) in bad.text
    with app.app_context():
        minutes = db.session.scalar(sa.select(Minutes))
        assert minutes.status == "draft" and minutes.chair_name == ""
        assert "revolusi industri 4.0" in minutes.sections[0].discussion
        assert minutes.opening == FILLED["opening"]


@pytest.mark.parametrize(
    ("starts_in", "warning"),
    [
        (timedelta(hours=2), "The meeting has not started yet"),
        (timedelta(hours=-1), "The meeting has not ended yet"),
        (timedelta(hours=-5), None),
    ],
)
def test_finalising_before_the_meeting_ends_is_warned_not_blocked(
    app, as_user, organiser, people, starts_in, warning
):
    from coordination.extensions import utcnow

    with app.app_context():
        event = event_of()
        event.starts_at = utcnow().replace(microsecond=0) + starts_in
        event.ends_at = event.starts_at + timedelta(hours=3)
        db.session.commit()
    client = as_user(organiser)
    client.post("/language", data={"language": "en"})
    page = client.get(f"/events/{SLUG}/minutes").text
    if warning:
        assert warning in page and "you can still finalise them now" in page
    else:
        assert "has not started yet" not in page and "has not ended yet" not in page
    response = client.post(f"/events/{SLUG}/minutes", data=editor_form(client) | FILLED | FINALISE)
    if warning:  # the question repeats the warning
        assert warning in client.get(response.location).text
    response = answer_yes(client, response.location)
    assert "The minutes are final" in client.get(response.location).text
