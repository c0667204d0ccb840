from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coordination.config import ROOT
from coordination.i18n import format_event_time

from . import factories
from .conftest import login

PO_FILE = Path(ROOT, "coordination/translations/id/LC_MESSAGES/messages.po")
BALE_HINGGIL = datetime(2018, 11, 23, 6, 0, tzinfo=UTC)


def test_dates_read_as_indonesians_write_them():
    assert format_event_time(BALE_HINGGIL, "Asia/Jakarta", locale="id") == (
        "Jumat, 23 November 2018, 13.00 WIB"
    )
    assert format_event_time(BALE_HINGGIL, "Asia/Makassar", locale="id") == (
        "Jumat, 23 November 2018, 14.00 WITA"
    )
    assert format_event_time(BALE_HINGGIL, "Asia/Jayapura", "time", locale="id") == "15.00 WIT"


def test_dates_in_english():
    assert format_event_time(BALE_HINGGIL, "Asia/Jakarta", locale="en") == (
        "Friday, 23 November 2018, 13:00 WIB"
    )


def test_every_visible_string_has_an_indonesian_translation():
    catalogue = read_po(PO_FILE.open("rb"))
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    missing = set()
    sources = (
        ("coordination", "**.py", "python"),
        ("templates", "**.html", "jinja2"),
        ("templates", "**.txt", "jinja2"),
    )
    for directory, pattern, method in sources:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            Path(ROOT, directory), method_map=[(pattern, method)], keywords=keywords
        ):
            if isinstance(message, tuple):
                message = message[0]
            if message not in translated:
                missing.add(message)
    assert not missing, f"untranslated (run `make messages`): {sorted(missing)}"


def test_indonesian_is_the_default_and_english_is_remembered(client, as_user, organiser):
    assert 'lang="id"' in client.get("/login").text
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").text
    assert 'lang="en"' in page and "Log in" in page
    as_user(organiser)
    assert "Logged in as Siti Rahayu" in client.get("/").text


def test_language_choice_is_kept_on_the_account(app, organiser):
    first_device = app.test_client()
    login(first_device, organiser)
    first_device.post("/language", data={"language": "en", "next": "/"})
    other_device = app.test_client()
    login(other_device, organiser)
    assert "Logged in as" in other_device.get("/").text


def test_error_pages_speak_the_users_language(client):
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").text
    client.post("/language", data={"language": "en"})
    assert "Page not found" in client.get("/tidak-ada").text


def test_a_server_error_shows_a_translated_page_and_saves_nothing(app):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/boom", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text


def test_mobile_numbers_read_as_indonesians_write_them():
    from coordination.i18n import format_phone

    assert format_phone("+6281234567890") == "0812-3456-7890"
    assert format_phone("+442071838750").startswith("+44 ")
    assert format_phone(None) == ""


def test_wtforms_own_messages_speak_the_users_language(client, as_user, make):
    user = make(factories.make_user, "organiser")
    as_user(user)
    page = client.post("/events/new", data={"title": ""}).text
    assert "Wajib diisi." in page and "This field is required." not in page
    client.post("/language", data={"language": "en", "next": "/events/new"})
    assert "This field is required." in client.post("/events/new", data={"title": ""}).text


def test_every_built_in_form_message_has_its_indonesian(tmp_path):
    """WTForms and Flask-WTF write some messages themselves; each must be in our catalogue."""
    import re

    import flask_wtf
    import wtforms

    written = set()
    for package in (wtforms, flask_wtf):
        for path in Path(package.__file__).parent.rglob("*.py"):
            written |= set(re.findall(r'gettext\(\s*"([^"]+)"', path.read_text()))
    programmer_errors = {"Choices cannot be None.", "Invalid field name '%s'."}
    with PO_FILE.open("rb") as po:
        catalogue = read_po(po)
    translated = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated |= set(ids)
    assert written - programmer_errors - translated == set()


def test_a_too_long_minutes_section_says_so_in_indonesian(app):
    from coordination.minutes.forms import SectionForm

    with app.test_request_context(headers={"Accept-Language": "id"}):
        form = SectionForm(data={"discussion": "x" * 20_001, "conclusions": ""})
        assert not form.validate()
        assert form.discussion.errors == ["Isian paling banyak 20000 karakter."]


def test_no_text_to_translate_hides_inside_an_f_string():
    """Babel's extractor reads an f-string as one token: a _() inside it never reaches the
    catalogue, and Indonesian users get the English (an invitation once went out so)."""
    import ast

    hidden = []
    for path in Path(ROOT, "coordination").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr):
                hidden += [
                    f"{path.relative_to(ROOT)}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and getattr(call.func, "id", None) in {"_", "_l", "gettext", "ngettext"}
                ]
    assert hidden == []
