"""Logs: one JSON object per line with a request id, and no secrets or contact data."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from coordination import create_app
from coordination.config import Config, TestConfig
from coordination.extensions import db
from coordination.ops.logs import redact
from coordination.registration.models import Registration

from . import factories
from .conftest import database_url, login

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_app(tmp_path):
    config = TestConfig(database_url(tmp_path))
    config.OUTBOX_DIR = str(tmp_path / "outbox")
    config.LOG_FORMAT = "json"
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def lines_of(capsys) -> list[dict]:
    """Every line written to stderr, each of which must be one JSON object."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def request_lines(capsys) -> list[dict]:
    return [line for line in lines_of(capsys) if line["logger"] == "coordination.requests"]


def test_each_request_is_one_json_line_with_its_id_echoed(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/healthz")

    (line,) = request_lines(capsys)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert {k: line[k] for k in ("level", "method", "path", "status", "user_id")} == {
        "level": "INFO",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "user_id": None,
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "time" in line


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("7f9c2ba4e88f827d616045507605853e", True),  # nginx $request_id
        ("0b8a7c3e-5f7a-4c1e-9a52-3f1d8e2b6c90", True),  # a UUID
        ("short", False),
        ("x" * 200, False),
        ("abc def ghi jkl", False),
        ('"}{"admin":true', False),
        ("line\nbreak-injected", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_it_looks_sane(json_app, capsys, incoming, kept):
    capsys.readouterr()
    try:
        response = json_app.test_client().get("/healthz", headers={"X-Request-ID": incoming})
    except ValueError:  # the test client itself refuses a header with a newline
        return
    (line,) = request_lines(capsys)
    assert (response.headers["X-Request-ID"] == incoming) is kept
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_the_line_names_the_logged_in_account(json_app, capsys):
    with json_app.app_context():
        user = factories.make_user("organiser")
    client = json_app.test_client()
    login(client, user)
    capsys.readouterr()

    client.get("/")

    (line,) = request_lines(capsys)
    assert line["user_id"] == user["id"] and line["status"] == 200


def test_link_secrets_query_strings_and_contact_data_never_reach_the_log(json_app, capsys):
    with json_app.app_context():
        organiser = factories.make_user("organiser")
        slug = factories.make_event(organiser["id"], capacity=10)
        from datetime import timedelta

        from coordination.events.models import Event
        from coordination.extensions import utcnow

        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        event.registration_opens_at = utcnow() - timedelta(days=1)
        db.session.commit()
    client = json_app.test_client()
    capsys.readouterr()

    client.post(
        f"/e/{slug}?utm_source=wa&t=secret-query",
        data={
            "full_name": "Ani Lestari",
            "organisation": "KUD Makmur",
            "phone": "0812-3456-7890",
            "email": "ani.lestari@example.org",
        },
    )
    with json_app.app_context():
        person = db.session.scalar(sa.select(Registration))
    assert person is not None, "the registration went through"
    client.get(f"/r/{person.link_token}")
    client.get(f"/r/{person.link_token}/qr.svg")
    client.get("/d/Zm9vYmFyYmF6cXV4cXV1eA?pin=123456")
    client.post("/i/not-a-real-invitation-token/decline")

    output = capsys.readouterr().err
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    paths = [line["path"] for line in lines if line["logger"] == "coordination.requests"]
    assert paths == [
        f"/e/{slug}",
        "/r/[redacted]",
        "/r/[redacted]/qr.svg",
        "/d/[redacted]",
        "/i/[redacted]/decline",
    ]
    for secret in (
        person.link_token,
        "Zm9vYmFyYmF6cXV4cXV1eA",
        "123456",
        "secret-query",
        "3456",
        "ani.lestari",
        "not-a-real-invitation-token",
    ):
        assert secret not in output


def test_an_error_is_logged_as_json_with_the_request_id_and_nothing_personal(json_app, capsys):
    json_app.config["PROPAGATE_EXCEPTIONS"] = False

    @json_app.get("/_boom")
    def boom():
        raise ValueError("duplicate key ('+6281234567890', 'ani@example.org') at /r/AbCdEf123")

    capsys.readouterr()
    response = json_app.test_client().get("/_boom", headers={"X-Request-ID": "req-0000-boom"})

    assert response.status_code == 500
    lines = lines_of(capsys)
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "req-0000-boom"
    assert "ValueError" in error["exc_info"]
    text = json.dumps(lines)
    assert "6281234567890" not in text and "ani@example.org" not in text
    assert "AbCdEf123" not in text
    assert request_lines_from(lines)[0]["status"] == 500


def request_lines_from(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "coordination.requests"]


def test_redact_masks_secrets_addresses_and_numbers():
    text = (
        '"GET /r/Qx7-abc_12/edit?token=zz HTTP/1.1" 200 - user +62 812-3456-7890 '
        "0812 3456 7890 ani.l+rakor@dinas.jatimprov.go.id /d/door-secret"
    )
    assert redact(text) == (
        '"GET /r/[redacted]/edit?[redacted] HTTP/1.1" 200 - user [phone] '
        "[phone] [email] /d/[redacted]"
    )
    assert redact("2026-11-29 09:00 WIB, 1000 rows in 35 ms") == (
        "2026-11-29 09:00 WIB, 1000 rows in 35 ms"
    )


def test_json_by_default_plain_when_testing_or_debugging(tmp_path, monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    url = f"sqlite:///{tmp_path / 'formats.sqlite3'}"
    production = Config(secret_key="x")
    production.SQLALCHEMY_DATABASE_URI = url
    assert create_app(production).config["LOG_FORMAT"] == "json"
    assert create_app(TestConfig(url)).config["LOG_FORMAT"] == "plain"
    monkeypatch.setenv("FLASK_DEBUG", "1")
    debugging = Config(secret_key="x")
    debugging.SQLALCHEMY_DATABASE_URI = url
    assert create_app(debugging).config["LOG_FORMAT"] == "plain"
    monkeypatch.delenv("FLASK_DEBUG")
    monkeypatch.setenv("LOG_FORMAT", "plain")
    assert create_app(Config(secret_key="x")).config["LOG_FORMAT"] == "plain"


def test_gunicorn_with_the_production_config_writes_only_json_lines(tmp_path):
    """Its own lines (booting, stopping) and the app's; no access line with the path."""
    env = dict(os.environ)
    env.pop("LOG_FORMAT", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'g.sqlite3'}",
        SECRET_KEY="log-test",
        BIND=f"127.0.0.1:{_free_port()}",
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
        OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://{env['BIND']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            urllib.request.urlopen(base + "/r/secret-token-in-path?pin=999999", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    lines = [json.loads(line) for line in (out + err).splitlines() if line.strip()]
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "coordination.requests"} <= loggers
    assert "/r/[redacted]" in {line.get("path") for line in lines}
    assert "secret-token-in-path" not in out + err and "999999" not in out + err


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
