"""What every browser test shares: the live app, Debian's Chromium, pages and logging in."""

import os
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

import pytest
from werkzeug.serving import make_server

from coordination import create_app
from coordination.config import TestConfig
from coordination.demo.services import ORGANISER
from coordination.extensions import db


class LiveServer(NamedTuple):
    url: str
    app: object


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The suite's screenshots go to a temporary folder; `make screenshots` points this at
# docs/screenshots to refresh README's pictures.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir(), "rakor-screenshots")
)
PHONE = {"width": 393, "height": 852}
DESKTOP = {"width": 1280, "height": 900}

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def go_offline(context) -> None:
    """The hall's Wi-Fi drops, and every open page knows it before the test goes on: Chromium
    applies the emulation to a page a moment later, and a sync sent in that moment reached the
    server (a CI failure: the queued scan was on the server while the phone was "offline")."""
    context.set_offline(True)
    for page in context.pages:
        page.wait_for_function("() => navigator.onLine === false")


def require_chromium() -> None:
    """CI must have Chromium; a laptop without it skips the browser tests."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


expect.set_options(timeout=15_000)  # shared, noisy machines: wait longer than the default 5 s


@pytest.fixture(scope="module")
def live_app(live_server):
    return live_server.app


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on a free loopback port, holding the demo data."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    )
    config = TestConfig(url)
    config.WTF_CSRF_ENABLED = True
    config.PDF_WARM_UP = True  # as a real server does: the first PDF is not a cold one
    config.OUTBOX_DIR = str(tmp_path_factory.mktemp("outbox"))
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from coordination.demo.services import load_demo

        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def open_page(viewport=PHONE):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, account=ORGANISER):
    page.goto("/login")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("form button[type=submit] >> nth=-1")
    expect(page.locator("h1")).to_be_visible()
