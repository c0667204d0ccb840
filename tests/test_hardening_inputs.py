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
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'=1+2", "Org;'=1+1"] in rows
    # A spreadsheet that honours the quotes sees each value as one cell, whatever it splits on.
    one = {"columns": ["organisation"]}
    text = client.get(f"/events/{slug}/export.csv", query_string=one).data.decode("utf-8-sig")
    for separator in (";", "\t", "|"):
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
