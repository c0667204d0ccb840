"""Hardening against hostile input: bounded sizes, malformed values, control characters,
spreadsheet formulas and what the logs keep (issue #17, items 7-9 and 13-15)."""

import logging
import threading
import urllib.error
import urllib.request

import pytest
import werkzeug.serving

from . import factories

# --- 14. The development server's access log -----------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def dev_server(app, monkeypatch):
    """The app behind Werkzeug's development server (`make run`), its lines coloured."""
    monkeypatch.setattr(werkzeug.serving, "_log_add_style", True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app)
    lines = _Lines()
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(lines)
    monkeypatch.setattr(werkzeug_log, "level", logging.INFO)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", lines.lines
    server.shutdown()
    werkzeug_log.removeHandler(lines)


def _get(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_dev_server_log_never_keeps_a_query_string_whatever_the_status(
    app, make, organiser, dev_server
):
    base, lines = dev_server
    slug = make(factories.make_event, organiser["id"])
    searched = {
        f"/events/{slug}/door?q=081234567890": 302,  # to the login page: a green line
        "/no-such-page?q=Siti%20Rahayu%22secret": 404,  # yellow, with a decoded quote
        f"/events/{slug}?q=Bu%20Ani": 302,
        "/login?next=%2Fsecret-place": 200,  # plain
    }
    for path, status in searched.items():
        assert _get(base + path) == status
    access = [line for line in lines if "HTTP/1.1" in line]
    assert len(access) == len(searched)
    assert any("\x1b[" in line for line in access), "coloured lines were checked"
    for line in access:
        assert "?[redacted]" in line
        for secret in ("0812", "Siti", "Rahayu", "secret", "Ani"):
            assert secret not in line


# --- 15. CSV under any list separator; XLSX text without a stray quote -------------------

FORMULA_STARTS = ("=", "+", "-", "@")


def _event_with_people(app, organiser, **people) -> str:
    """An event and registrations straight in the table, as an earlier version let them in."""
    import sqlalchemy as sa

    from coordination.events.models import Event
    from coordination.extensions import db
    from coordination.registration.models import Registration

    with app.app_context():
        slug = factories.make_event(organiser["id"])
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        for n, (name, organisation) in enumerate(people.items()):
            db.session.add(
                Registration(
                    event_id=event.id,
                    full_name=name,
                    organisation=organisation,
                    phone=f"+6281277770{n:03d}",
                )
            )
        db.session.commit()
    return slug


def test_a_csv_cell_is_no_formula_under_a_semicolon_or_tab_list_separator(app, organiser, as_user):
    import csv
    import io

    slug = _event_with_people(
        app,
        organiser,
        **{"=1+2": "Org;=1+1", "Siti": "KUD,+HYPERLINK(1)", "Ani": "A\t@SUM(B1)|-3"},
    )
    client = as_user(organiser)
    columns = {"columns": ["name", "organisation"]}
    text = client.get(f"/events/{slug}/export.csv", query_string=columns).data.decode("utf-8-sig")
    for separator in (",", ";", "\t", "|"):
        # A spreadsheet that splits every line on its separator, quotes or not.
        naive = [cell.strip('"') for line in text.splitlines() for cell in line.split(separator)]
        assert not [cell for cell in naive if cell.startswith(FORMULA_STARTS)], separator
    # Indonesian: semicolons. Each piece that would start a formula has an invisible guard
    # before it (no "'" to see in the spreadsheet), and the text reads as typed.
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["\u200b=1+2", "Org;\u200b=1+1"] in rows
    assert "'" not in text
    shown = [[cell.replace("\u200b", "") for cell in row] for row in rows]
    assert ["Siti", "KUD,+HYPERLINK(1)"] in shown and ["Ani", "A\t@SUM(B1)|-3"] in shown
    # A spreadsheet that honours the quotes sees each value as one cell, whatever it splits on.
    one = {"columns": ["organisation"]}
    text = client.get(f"/events/{slug}/export.csv", query_string=one).data.decode("utf-8-sig")
    for separator in (",", ";", "\t", "|"):
        assert all(len(row) == 1 for row in csv.reader(io.StringIO(text), delimiter=separator))


def test_an_xlsx_cell_is_typed_text_with_no_stray_quote(app, organiser, as_user):
    import io

    from openpyxl import load_workbook

    slug = _event_with_people(app, organiser, **{"=1+2": "Org;=1+1", "-Budi": "@SUM(A1)"})
    client = as_user(organiser)
    columns = {"columns": ["name", "organisation"]}
    xlsx = client.get(f"/events/{slug}/export.xlsx", query_string=columns)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row}
    assert cells == {"=1+2": "s", "Org;=1+1": "s", "-Budi": "s", "@SUM(A1)": "s"}


# --- 9. Control and bidi-override characters ----------------------------------------------

HIDDEN = {
    "NUL": "Siti\x00Rahayu",
    "ESC": "Siti \x1b[31mRahayu",
    "RLO": "Siti \u202eayuhaR",  # reads as "Siti Rahayu" on screen
    "isolate": "\u2067Siti\u2069",
}


def _registrations(app) -> list:
    import sqlalchemy as sa

    from coordination.extensions import db
    from coordination.registration.models import Registration

    with app.app_context():
        return db.session.scalars(sa.select(Registration.full_name)).all()


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_the_public_form_refuses_control_and_bidi_characters(app, client, make, organiser, kind):
    slug = make(factories.make_event, organiser["id"])
    for field in ("full_name", "organisation", "position"):
        data = {"full_name": "Siti Rahayu", "phone": "0812-3456-7890", field: HIDDEN[kind]}
        response = client.post(f"/e/{slug}", data=data)
        assert response.status_code == 200
        assert "karakter kendali tak terlihat" in response.get_data(as_text=True)
    assert _registrations(app) == []


def test_the_api_refuses_a_right_to_left_override_in_a_name(app, make, organiser):
    from .api_support import bearer, make_token

    slug = make(factories.make_event, organiser["id"])
    secret = make(make_token, slug, "organiser")
    body = {"full_name": HIDDEN["RLO"], "phone": "0812-3456-7890"}
    answer = app.test_client().post(
        f"/api/v1/events/{slug}/registrations", json=body, headers=bearer(secret)
    )
    assert answer.status_code == 422
    assert _registrations(app) == []


def test_an_invitee_list_with_control_characters_is_refused_row_by_row(
    app, make, organiser, as_user
):
    import io

    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    content = b"nama,hp\nSiti Rahayu,0812-3456-7890\nBudi\x1b[2J,0813-1111-2222\n"
    response = client.post(
        f"/events/{slug}/invitations",
        data={"file": (io.BytesIO(content), "undangan.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "berisi karakter kendali tak terlihat" in page


def test_names_saved_before_the_rule_export_and_log_without_raw_control_bytes(
    app, organiser, as_user, capsys
):
    import io

    from openpyxl import load_workbook

    from coordination.ops.logs import PlainLines

    # PostgreSQL refuses NUL itself; an ESC (which XLSX cannot hold either) got through.
    slug = _event_with_people(app, organiser, **{HIDDEN["ESC"]: "KUD\x1bMakmur"})
    client = as_user(organiser)
    for path in (f"/events/{slug}/export.xlsx", f"/events/{slug}/export.csv"):
        assert client.get(path).status_code == 200
    xlsx = client.get(f"/events/{slug}/export.xlsx", query_string={"columns": ["name"]})
    names = [row[0] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(min_row=2)]
    assert [cell.value for cell in names] == ["Siti [31mRahayu"]
    record = logging.LogRecord("coordination", logging.ERROR, "", 0, "bad %s", ("a\x00\x1b",), None)
    line = PlainLines().format(record)
    assert "\x00" not in line and "\x1b" not in line and "a\\x00\\x1b" in line


# --- 13. Malformed input answers 4xx, never 500 ------------------------------------------

BIG = str(2**63 + 5)  # past any INTEGER column, and past SQLite's own integers
MALFORMED_QUERY = {"page": BIG, "list": BIG, "version": "abc", "decisions": BIG, "actions": "-9"}
DEEP_JSON = "[" * 100_000 + "]" * 100_000
MALFORMED_FORM = {
    "version": "abc",
    "list": BIG,
    "starts_at": "0001-01-01T00:00",
    "ends_at": "0001-01-01T03:00",
    "opens_at": "9999-12-31T23:59",
    "due_on": "0001-01-01",
    "capacity": BIG,
    "code": "\x00",
}


def _routes(app, slug: str):
    """Every route of the app, with its ints made huge and its other parts filled in."""
    import re

    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout"):
            continue
        path = re.sub(r"<int:\w+>", BIG, rule.rule)
        path = path.replace("<slug>", slug)
        path = re.sub(r"<(?:[^>:]+:)?\w+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def _crawl(app, client, slug: str) -> list:
    """Every route, sent malformed ids, query values and bodies: the 5xx answers."""
    from flask import got_request_exception

    failures, raised = [], []

    def note(_sender, exception, **_extra):
        raised.append(repr(exception)[:100])

    got_request_exception.connect(note, app)
    try:
        for method, path in _routes(app, slug):
            bodies = (
                [{}]
                if method == "GET"
                else [
                    {"data": "[1]", "content_type": "application/json"},
                    {"data": DEEP_JSON, "content_type": "application/json"},
                    {"data": MALFORMED_FORM},
                ]
            )
            for body in bodies:
                response = client.open(path, method=method, query_string=MALFORMED_QUERY, **body)
                if response.status_code >= 500:
                    failures.append((method, path, body.get("content_type"), raised[-1:]))
    finally:
        got_request_exception.disconnect(note, app)
    return failures


@pytest.fixture
def quiet_errors(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["RATELIMIT_ENABLED"] = False
    logging.getLogger("coordination").disabled = True
    yield
    logging.getLogger("coordination").disabled = False


def test_no_route_answers_500_to_malformed_input_whoever_asks(
    app, make, organiser, as_user, quiet_errors
):
    from .test_door_pages import door_link

    slug = make(factories.make_event, organiser["id"])
    make(factories.make_participants, slug, 2)
    organiser_client = as_user(organiser)
    url, pin = door_link(organiser_client, slug)
    phone = app.test_client()
    phone.post(url, data={"pin": pin})
    callers = {"organiser": organiser_client, "door phone": phone, "nobody": app.test_client()}
    for name, client in callers.items():
        assert _crawl(app, client, slug) == [], name


def test_an_id_past_the_database_is_not_found(app, make, organiser, as_user):
    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    assert client.get(f"/events/{slug}/participants/{BIG}").status_code == 404
    assert client.get(f"/events/{slug}/participants/{2**31}").status_code == 404
    api = client.get(f"/api/v1/events/{slug}/registrations/{BIG}")
    assert api.status_code == 404 and api.json["code"] == "not_found"


def test_a_page_past_the_last_leads_to_the_last(app, make, organiser, as_user):
    slug = make(factories.make_event, organiser["id"])
    make(factories.make_participants, slug, 2)
    client = as_user(organiser)
    response = client.get(f"/events/{slug}/participants", query_string={"page": BIG})
    assert response.status_code == 302 and "page=1" in response.headers["Location"]
    door = client.get(f"/events/{slug}/door", query_string={"list": BIG})
    assert door.status_code == 200


def test_an_event_in_year_one_is_refused_with_a_message(client, as_user, organiser):
    client = as_user(organiser)
    form = {
        "title": "Rakor",
        "organising_body": "Dekopinda",
        "venue_name": "Aula",
        "timezone": "Asia/Jakarta",
        "starts_at": "0001-01-01T09:00",
        "ends_at": "0001-01-01T12:00",
        "capacity": "50",
    }
    response = client.post("/events/new", data=form)
    assert response.status_code in (200, 422)
    assert "antara tahun 2000 dan 2099" in response.get_data(as_text=True)


def test_finalising_minutes_with_a_version_that_is_no_number_is_a_bad_request(
    make, organiser, as_user
):
    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    response = client.post(f"/events/{slug}/minutes/finalise", data={"version": "abc"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content",
    [
        "nama,hp\nSiti,0812-3456-7890\n".encode("utf-16"),  # Excel's "Unicode text"
        "nama\thp\nSiti\t0812-3456-7890\n".encode("utf-16-be"),
    ],
)
def test_a_utf16_invitee_list_is_read(make, organiser, as_user, content):
    import io

    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    if not content.startswith(b"\xfe\xff") and not content.startswith(b"\xff\xfe"):
        content = b"\xfe\xff" + content
    response = client.post(
        f"/events/{slug}/invitations",
        data={"file": (io.BytesIO(content), "undangan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302  # imported


@pytest.mark.parametrize(
    "content",
    [
        b"nama,hp\n" + b"x" * (200 * 1024) + b",0812-3456-7890\n",  # a cell over 128 KiB
        b"\xff\xfe\x00\xd8",  # a BOM, then a lone surrogate
    ],
)
def test_an_unreadable_csv_says_so_instead_of_failing(make, organiser, as_user, content):
    import io

    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    response = client.post(
        f"/events/{slug}/invitations",
        data={"file": (io.BytesIO(content), "undangan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    assert "tidak dapat dibaca" in response.get_data(as_text=True)


# --- 8. No request holds the writer's lock across slow work --------------------------------


def test_the_door_checks_people_in_while_the_api_renders_a_document(
    app, make, organiser, monkeypatch
):
    """A token's "last used" note used to open a write transaction that held SQLite's one
    writer lock for the whole render: check-ins at the door failed with "database is locked"."""
    from coordination import sqlite
    from coordination.api import documents

    from .api_support import bearer, make_token

    monkeypatch.setattr(sqlite, "WAIT_SECONDS", 0.5)  # give up soon, rather than after 5 s
    slug = make(factories.make_event, organiser["id"])
    people = make(factories.make_participants, slug, 3)
    organiser_token = make(make_token, slug, "organiser")
    door_token = make(make_token, slug, "door")
    door_answers = []

    def slow_render(*_args, **_kwargs):
        """While the document renders, the door scans everyone."""

        def door():
            client = app.test_client()
            for person in people:
                answer = client.post(
                    f"/api/v1/events/{slug}/checkins",
                    json={"code": person["code"]},
                    headers=bearer(door_token),
                )
                door_answers.append(answer.status_code)

        scanning = threading.Thread(target=door)
        scanning.start()
        scanning.join(timeout=30)
        return b"%PDF-1.7 rendered"

    monkeypatch.setattr(documents, "now_or_later", slow_render)
    response = app.test_client().get(
        f"/api/v1/events/{slug}/documents/attendance.pdf", headers=bearer(organiser_token)
    )
    assert response.status_code == 200
    assert door_answers == [201, 201, 201]


# --- 7. Bounded sizes: logos, spreadsheets, minutes, API documents -------------------------


def _png(width: int, height: int) -> bytes:
    """A black PNG of this size, built row by row: a few KB however many pixels."""
    import struct
    import zlib

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # 1 bit a pixel
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _upload_logo(client, slug: str, content: bytes, name: str = "logo.png"):
    import io

    return client.post(
        f"/events/{slug}/badge-style",
        data={"colour": "#0f5e4f", "logo": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _stored_logo(app, slug: str):
    import sqlalchemy as sa

    from coordination.events.models import Event
    from coordination.extensions import db

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        return event.logo, event.logo_mime


def test_a_logo_of_too_many_pixels_is_refused_however_small_its_file(app, make, organiser, as_user):
    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    bomb = _png(12_500, 12_500)
    assert len(bomb) < 512 * 1024  # within the size limit: only its pixels give it away
    response = _upload_logo(client, slug, bomb)
    assert response.status_code == 200
    assert "16 juta piksel" in response.get_data(as_text=True)
    assert _stored_logo(app, slug) == (None, None)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AA"/></svg>'
    refused = _upload_logo(client, slug, svg, "logo.svg")
    assert "Unggah gambar PNG, JPEG atau SVG" in refused.get_data(as_text=True)
    assert _stored_logo(app, slug) == (None, None)


def test_a_big_logo_is_kept_at_the_size_a_badge_prints(app, make, organiser, as_user):
    import io

    from PIL import Image

    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    assert _upload_logo(client, slug, _png(4000, 3000)).status_code == 302
    logo, mime = _stored_logo(app, slug)
    assert mime == "image/png"
    assert Image.open(io.BytesIO(logo)).size == (480, 360)


def _xlsx(rows: list[list[str]], far_cell: str | None = None) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if far_cell:
        for number in range(1, len(rows) + 1):
            sheet[f"{far_cell}{number}"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_reaching_the_last_column_is_read_in_little_memory(ctx):
    import tracemalloc

    from coordination.registration.invitations import read_table

    rows = [["nama", "hp"]] + [[f"Peserta {n}", f"0812-0000-{n:04d}"] for n in range(300)]
    content = _xlsx(rows, far_cell="XFD")  # column 16,384 in every row
    tracemalloc.start()
    try:
        table = read_table("undangan.xlsx", content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table) == 300 and table[0]["name"] == "Peserta 0"
    assert peak < 30 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(
    make, organiser, as_user
):
    import io
    import zipfile

    plain = _xlsx([["nama", "hp"], ["Siti", "0812-3456-7890"]])
    bombed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(bombed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000)
            target.writestr(info.filename, data)
    assert len(bombed.getvalue()) < 200_000
    slug = make(factories.make_event, organiser["id"])
    response = as_user(organiser).post(
        f"/events/{slug}/invitations",
        data={"file": (io.BytesIO(bombed.getvalue()), "undangan.xlsx")},
        content_type="multipart/form-data",
    )
    assert "lebih dari 25 MB" in response.get_data(as_text=True)


def _minutes_form(client, slug: str) -> dict:
    import re

    page = client.get(f"/events/{slug}/minutes").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page)
    version = version or re.search(r'value="(\d+)"[^>]*name="version"', page)
    return {"version": version.group(1), "base": "", "save": "1"}


def test_minutes_text_is_bounded_per_decision_and_in_all(app, make, organiser, as_user):
    slug = make(factories.make_event, organiser["id"])
    client = as_user(organiser)
    form = _minutes_form(client, slug)
    one_long = {**form, "decisions-0-text": "Disepakati. " * 300}  # 3,600 characters
    response = client.post(f"/events/{slug}/minutes", data=one_long)
    assert response.status_code == 422
    many = {**form, **{f"decisions-{n}-text": "Disepakati bersama. " * 140 for n in range(30)}}
    response = client.post(f"/events/{slug}/minutes", data=many)  # 30 x 2,800 characters
    assert response.status_code == 422
    assert "60.000 karakter" in response.get_data(as_text=True)
    fits = {**form, **{f"decisions-{n}-text": "Disepakati bersama. " * 100 for n in range(25)}}
    assert client.post(f"/events/{slug}/minutes", data=fits).status_code == 302


def test_the_api_hands_a_big_document_to_a_background_job(app, make, organiser):
    from coordination.documents import jobs

    from .api_support import bearer, make_token

    slug = make(factories.make_event, organiser["id"])
    make(factories.make_participants, slug, 3)
    secret = make(make_token, slug, "organiser")
    client = app.test_client()
    app.config["DOCUMENT_BACKGROUND_SECONDS"] = 0  # every document is "big"
    answer = client.get(f"/api/v1/events/{slug}/documents/badges.pdf", headers=bearer(secret))
    assert answer.status_code == 202
    job = answer.json
    assert (
        job["state"] in ("queued", "running", "done") and answer.headers["Location"] == job["url"]
    )
    jobs.wait_for_jobs()
    progress = client.get(job["url"], headers=bearer(secret))
    assert progress.status_code == 200 and progress.json["state"] == "done"
    pdf = client.get(progress.json["download_url"], headers=bearer(secret))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Another event's organiser learns nothing of the job.
    other = make(factories.make_event, organiser["id"])
    stranger = make(make_token, other, "organiser")
    elsewhere = job["url"].replace(slug, other)
    assert client.get(elsewhere, headers=bearer(stranger)).status_code == 404
    document = client.get("/api/v1/openapi.json").json
    badges = document["paths"]["/events/{slug}/documents/badges.pdf"]["get"]
    assert "202" in badges["responses"]
    assert "/events/{slug}/documents/jobs/{job_id}" in document["paths"]


# --- Stored before the limits: the migrations bring it in line -----------------------------


def test_upgrading_shrinks_stored_logos_and_cleans_stored_names(ctx):
    import sqlalchemy as sa

    from coordination.extensions import db

    db.drop_all()
    try:
        _upgrade_with_old_data()
    finally:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _upgrade_with_old_data():
    import io
    from datetime import datetime

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from PIL import Image

    from coordination.extensions import db

    upgrade(revision="0016_mail_attempts")  # just before the limits
    when = datetime(2030, 3, 15, 2, 0)
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (id, slug, title, organising_body, description, venue_name,"
                " venue_address, timezone, starts_at, ends_at, capacity, created_at, updated_at,"
                " badge_colour, logo, logo_mime, waitlist_enabled)"
                " VALUES (1, 'rakor', 'Rakor', 'Dekopinda', '', 'Aula', '', 'Asia/Jakarta',"
                " :when, :later, 50, :when, :when, '#0f5e4f', :logo, 'image/png', :no)"
            ),
            {"when": when, "later": when.replace(hour=5), "logo": _png(6000, 4000), "no": False},
        )
        for n, name in enumerate(["Siti \u202eayuhaR", "Budi\x1b Santoso", "Ani  Lestari"]):
            connection.execute(
                sa.text(
                    "INSERT INTO registrations (event_id, full_name, organisation, position,"
                    " phone, status, created_at, status_changed_at, checkin_code, link_token,"
                    " role) VALUES (1, :name, :organisation, '', :phone, 'confirmed', :when,"
                    " :when, :code, :token, 'participant')"
                ),
                {
                    "name": name,
                    "organisation": "KUD\x1b",
                    "phone": f"+6281200000{n}",
                    "when": when,
                    "code": f"CODE{n}",
                    "token": f"token-{n}",
                },
            )
    upgrade()
    with db.engine.connect() as connection:
        logo, mime = connection.execute(sa.text("SELECT logo, logo_mime FROM events")).one()
        names = connection.execute(
            sa.text("SELECT full_name, organisation FROM registrations ORDER BY id")
        ).all()
    assert mime == "image/png" and Image.open(io.BytesIO(logo)).size == (480, 320)
    assert [tuple(row) for row in names] == [
        ("Siti ayuhaR", "KUD"),
        ("Budi Santoso", "KUD"),
        ("Ani  Lestari", "KUD"),  # nothing hidden: left exactly as it was
    ]
