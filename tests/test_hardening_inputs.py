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
