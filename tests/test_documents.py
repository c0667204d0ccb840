"""Big documents: rendered in parts on every core, and in the background with a progress page."""

import io
import threading
import time

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from coordination.documents import jobs, parallel
from coordination.door import services as door
from coordination.events.models import Event
from coordination.extensions import db

from . import factories

SLUG = "rakor-besar"


@pytest.fixture
def event_slug(make, organiser):
    return make(factories.make_event, organiser["id"], slug=SLUG, capacity=500)


@pytest.fixture(autouse=True)
def finish_jobs():
    yield
    jobs.wait_for_jobs()


@pytest.fixture
def in_parts(app, monkeypatch):
    """Small parts and one render process beside the test's thread, as on a 2-core server."""
    from coordination.badges import documents as badges
    from coordination.paperwork import certificates
    from coordination.paperwork import documents as paperwork

    monkeypatch.setattr(paperwork, "PAGES_PER_PART", 2)
    monkeypatch.setattr(badges, "SHEETS_PER_PART", 2)
    monkeypatch.setattr(certificates, "PAGES_PER_PART", 2)
    app.config["PDF_PROCESSES"] = 1


@pytest.fixture
def in_background(app):
    """Every document counts as big."""
    app.config["DOCUMENT_BACKGROUND_SECONDS"] = 0


def pages_text(content: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)]


def check_in(app, people):
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        for person in people:
            door.check_in_code(event, door.default_list(event), person["code"], door.DoorActor("P"))
        db.session.commit()


def test_a_list_in_parts_has_every_page_in_order_with_letterhead_and_numbers(
    app, make, as_user, organiser, event_slug, in_parts
):
    people = make(factories.make_participants, event_slug, 75)  # 7 pages of 12, parts of 2
    check_in(app, people)
    client = as_user(organiser)
    response = client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record&sort=name")
    pages = pages_text(response.data)
    assert len(pages) == 7
    for number, page in enumerate(pages, start=1):
        assert "DAFTAR HADIR" in page and "DEKOPINDA KABUPATEN PROBOLINGGO" in page
        assert "Nama" in page and "Instansi / koperasi" in page  # the column heads again
        assert f"Halaman {number} dari 7" in page
    text = "\n".join(pages)
    names = sorted(person["name"] for person in people)
    assert [text.index(name + "\r\n") for name in names] == sorted(
        text.index(name + "\r\n") for name in names
    )
    assert "Jumlah hadir: 75 orang" in pages[-1]


def test_badges_in_parts_carry_every_code_once(app, make, as_user, organiser, event_slug, in_parts):
    people = make(factories.make_participants, event_slug, 18)  # 5 sheets of 4, parts of 2
    client = as_user(organiser)
    content = client.get(f"/events/{SLUG}/badges.pdf").data
    assert len(PdfReader(io.BytesIO(content)).pages) == 5
    codes = []
    for page in pypdfium2.PdfDocument(content):
        image = page.render(scale=150 / 72).to_pil()
        codes += [result.text for result in zxingcpp.read_barcodes(image)]
    assert sorted(codes) == sorted(person["code"] for person in people)


def test_a_render_process_that_dies_leaves_its_parts_to_the_caller(
    app, make, as_user, organiser, event_slug, in_parts, monkeypatch
):
    people = make(factories.make_participants, event_slug, 40)
    real_start = parallel._start

    def dying(workdir, number):
        helper = real_start(workdir, number)
        helper.kill()
        return helper

    monkeypatch.setattr(parallel, "_start", dying)
    client = as_user(organiser)
    pages = pages_text(client.get(f"/events/{SLUG}/attendance-list.pdf").data)
    assert len(pages) == 3 and "Halaman 3 dari 3" in pages[2]
    assert all(person["name"] in "\n".join(pages) for person in people)


def test_the_render_process_needs_no_app_to_start(tmp_path):
    """It runs by path with WeasyPrint alone; a part with a hostile URL is refused there too."""
    (tmp_path / "0.html").write_text('<p>Satu</p><img src="file:///etc/passwd">')
    (tmp_path / "1.html").write_text("<p>Dua</p>")
    fetcher = parallel.StaticOnlyFetcher()
    content = parallel.render_parts(
        [(tmp_path / f"{n}.html").read_text() for n in range(2)],
        "attendance.css",
        fetcher,
        processes=1,
    )
    assert [text.strip() for text in pages_text(content)] == ["Satu", "Dua"]
    assert fetcher.refused == ["file:///etc/passwd"]


def test_a_big_list_shows_progress_then_downloads(
    app, make, as_user, organiser, event_slug, in_background, monkeypatch
):
    from coordination.paperwork import documents

    people = make(factories.make_participants, event_slug, 20)
    check_in(app, people)
    go_on = threading.Event()
    real = documents.attendance_document

    def held(*args, **kwargs):
        document = real(*args, **kwargs)
        go_on.wait(timeout=30)
        return document

    monkeypatch.setattr(documents, "attendance_document", held)
    client = as_user(organiser)
    asked = client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record")
    assert asked.status_code == 302 and f"/events/{SLUG}/documents/" in asked.location
    waiting = client.get(asked.location)
    assert waiting.status_code == 200
    assert "Menyiapkan dokumen" in waiting.text and "<progress" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text
    go_on.set()
    jobs.wait_for_jobs()
    ready = client.get(asked.location)
    assert "Dokumen siap" in ready.text
    download = ready.text.split('content="0; url=')[1].split('"')[0]
    response = client.get(download)
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert all(person["name"] in "\n".join(pages_text(response.data)) for person in people)
    # Asked again while nothing changed: straight from the cache, no second job.
    again = client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record")
    assert again.status_code == 200 and again.data == response.data


def test_the_same_document_asked_twice_is_one_job(
    app, make, as_user, organiser, event_slug, in_background, monkeypatch
):
    from coordination.badges import documents

    make(factories.make_participants, event_slug, 3)
    go_on = threading.Event()
    real = documents.selected_badges_document
    monkeypatch.setattr(
        documents,
        "selected_badges_document",
        lambda *a, **k: go_on.wait(timeout=30) and real(*a, **k),
    )
    client = as_user(organiser)
    first = client.get(f"/events/{SLUG}/badges.pdf?layout=a7").location
    second = client.get(f"/events/{SLUG}/badges.pdf?layout=a7").location
    go_on.set()
    assert first == second


def test_another_organiser_cannot_see_or_fetch_the_job(
    app, make, as_user, organiser, event_slug, in_background, client
):
    people = make(factories.make_participants, event_slug, 3)
    check_in(app, people)
    as_user(organiser)
    page = client.get(f"/events/{SLUG}/certificates.pdf").location.split("?")[0]
    jobs.wait_for_jobs()
    assert client.get(page + "/download").status_code == 200
    client.post("/logout")

    stranger = make(factories.make_user, "organiser")
    make(factories.make_event, stranger["id"], slug="rakor-lain")
    as_user(stranger)
    assert client.get(page).status_code == 404
    assert client.get(page + "/download").status_code == 404
    # Their own event's address with this job's id: still not theirs.
    elsewhere = page.replace(f"/events/{SLUG}/", "/events/rakor-lain/")
    assert client.get(elsewhere).status_code == 404
    assert client.get(elsewhere + "/download").status_code == 404
    assert client.get(f"/events/{SLUG}/documents/not-a-job").status_code == 404


def test_a_failed_rendering_says_so_and_offers_to_try_again(
    app, make, as_user, organiser, event_slug, in_background, monkeypatch
):
    make(factories.make_participants, event_slug, 3)

    def broken(*args, **kwargs):
        raise RuntimeError("the printer caught fire")

    # The view sizes the document up, then the background rendering breaks.
    monkeypatch.setattr(jobs, "_builder", lambda path: broken)
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/attendance-list.pdf").location.split("?")[0]
    jobs.wait_for_jobs()
    failed = client.get(page)
    assert "Dokumen gagal dibuat" in failed.text and 'role="alert"' in failed.text
    assert f'href="/events/{SLUG}/attendance-list.pdf' in failed.text
    assert "refresh" not in failed.text
    assert client.get(page + "/download").status_code == 302  # back to the page that explains
    client.post("/language", data={"language": "en", "next": page})
    assert "The document could not be made" in client.get(page).text


def test_a_document_cleared_from_the_cache_is_made_again(
    app, make, as_user, organiser, event_slug, in_background
):
    from coordination.extensions import cache

    make(factories.make_participants, event_slug, 3)
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/badges.pdf").location.split("?")[0]
    jobs.wait_for_jobs()
    with app.app_context():  # the cache drops the PDF but keeps the job's record
        record = cache.get(f"job:{page.rsplit('/', 1)[1]}")
        cache.clear()
        cache.set(f"job:{record['id']}", record)
    cleared = client.get(page)
    assert "Dokumen tidak disimpan lagi" in cleared.text and "refresh" not in cleared.text
    assert client.get(page + "/download").status_code == 302
    again = client.get(f"/events/{SLUG}/badges.pdf").location.split("?")[0]
    assert again != page
    jobs.wait_for_jobs()
    assert client.get(again + "/download").mimetype == "application/pdf"


def test_progress_counts_the_parts_of_both_renderers(
    app, make, as_user, organiser, event_slug, in_parts, in_background, monkeypatch
):
    # 5 pages of names and one for the total and Mengetahui, parts of 2: 3 parts
    people = make(factories.make_participants, event_slug, 60)
    check_in(app, people)
    saved = []
    real_save = jobs._save
    monkeypatch.setattr(
        jobs, "_save", lambda job: saved.append((job.done, job.total)) or real_save(job)
    )
    real_part = parallel._render_part

    def slow_start(workdir, index, css):  # so the render process surely gets parts
        time.sleep(2 if index == 0 else 0)
        return real_part(workdir, index, css)

    monkeypatch.setattr(parallel, "_render_part", slow_start)
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/attendance-list.pdf?kind=record").location.split("?")[0]
    jobs.wait_for_jobs()
    progress = [step for step in saved if step[1]]
    assert progress[:3] == [(1, 3), (2, 3), (3, 3)]  # every part counted, whoever rendered it
    assert len(pages_text(client.get(page + "/download").data)) == 6


def test_a_job_lost_with_its_process_shows_the_error_page(
    app, make, as_user, organiser, event_slug, in_background, monkeypatch
):
    from coordination.extensions import cache

    make(factories.make_participants, event_slug, 3)
    monkeypatch.setattr(jobs, "_worker", lambda: type("Lost", (), {"submit": lambda *a: None})())
    client = as_user(organiser)
    page = client.get(f"/events/{SLUG}/badges.pdf").location.split("?")[0]
    assert "Menunggu giliran" in client.get(page).text  # queued; nothing will ever run it
    with app.app_context():  # a restart later: the record says nothing moved for an hour
        key = f"job:{page.rsplit('/', 1)[1]}"
        cache.set(key, {**cache.get(key), "updated": time.time() - 3600})
    assert "Dokumen gagal dibuat" in client.get(page).text


def test_any_app_process_answers_the_job_page_when_the_cache_is_redis(
    tmp_path, make, organiser, event_slug
):
    """Two app processes on one Redis: one takes the request and renders, the other answers."""
    import os
    import uuid

    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from coordination import create_app
    from coordination.config import TestConfig

    from .conftest import database_url, login

    make(factories.make_participants, event_slug, 5)
    prefix = f"rakor-test-{uuid.uuid4().hex}:"
    servers = []
    for _ in range(2):
        config = TestConfig(database_url(tmp_path))
        config.CACHE_TYPE, config.CACHE_REDIS_URL = "RedisCache", redis_url
        config.CACHE_KEY_PREFIX = prefix
        config.DOCUMENT_BACKGROUND_SECONDS = 0
        servers.append(create_app(config).test_client())
    for client in servers:
        assert login(client, organiser).status_code == 302
    page = servers[0].get(f"/events/{SLUG}/badges.pdf").location.split("?")[0]
    jobs.wait_for_jobs()
    assert "Dokumen siap" in servers[1].get(page).text
    content = servers[1].get(page + "/download").data
    assert len(PdfReader(io.BytesIO(content)).pages) == 2


# --- The background estimate ------------------------------------------------------------


@pytest.fixture
def measured_costs():
    """The estimate as measured by make bench, nothing learnt from other tests' renders."""
    from coordination.documents import estimate

    estimate.forget()
    yield estimate
    estimate.forget()


def test_a_64_page_sign_sheet_goes_to_the_background_with_its_progress_page(
    app, make, as_user, organiser, event_slug, measured_costs, monkeypatch
):
    """It was estimated at 1.92 s and rendered in the request for 16.5 s."""
    make(factories.make_participants, event_slug, 64 * 16)
    submitted = []

    def submit(event_id, kind, builder, options, filename, key, source="", locale=None):
        submitted.append((kind, options["kind"]))
        return jobs.Job("j" * 22, event_id, kind, "", options, filename, "id", key)

    monkeypatch.setattr(jobs, "submit", submit)
    monkeypatch.setattr(measured_costs, "is_warm", lambda: True)  # even with a warm engine
    client = as_user(organiser)
    response = client.get(f"/events/{SLUG}/attendance-list.pdf?kind=sheet")
    assert submitted == [("attendance", "sheet")]
    assert response.status_code == 302
    assert f"/events/{SLUG}/documents/{'j' * 22}?auto=1" in response.headers["Location"]


def test_the_estimate_counts_pages_by_kind_and_the_cold_start(measured_costs, monkeypatch):
    estimate = measured_costs
    monkeypatch.setattr(estimate, "is_warm", lambda: True)
    sheet, record = (
        estimate.seconds("attendance-sheet", 64),
        estimate.seconds("attendance-record", 64),
    )
    assert sheet > 2 and sheet > record  # a page of the sign sheet costs more
    assert estimate.seconds("attendance-sheet", 4) < 2  # a small list comes at once
    monkeypatch.setattr(estimate, "is_warm", lambda: False)  # the first PDF after a start
    cold = estimate.seconds("attendance-sheet", 4)
    monkeypatch.setattr(estimate, "is_warm", lambda: True)
    assert cold - estimate.seconds("attendance-sheet", 4) == pytest.approx(
        estimate.COLD_START_SECONDS
    )


def test_a_slow_render_teaches_the_estimate_and_a_quick_one_never_lowers_it(
    measured_costs, monkeypatch
):
    estimate = measured_costs
    monkeypatch.setattr(estimate, "is_warm", lambda: True)
    measured = estimate.seconds("badges", 200)
    estimate.observe("badges", 100, elapsed=0.05, cold=False)  # quicker than measured
    assert estimate.seconds("badges", 200) == measured
    estimate.observe("badges", 100, elapsed=10.8, cold=False)  # a busy server: 0.1 s each
    slow = estimate.seconds("badges", 200)
    assert slow > 2 > measured  # 200 badges now go to the background
    estimate.observe("badges", 5, elapsed=60, cold=False)  # too small to teach anything
    assert estimate.seconds("badges", 200) == slow
