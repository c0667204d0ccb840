"""Static files reach a slow phone compressed and once per version; the first PDF is warm."""

import gc
import os
import re
import threading

from werkzeug.test import Client

from coordination import create_app
from coordination.config import TestConfig
from coordination.documents import engine
from coordination.static_files import IMMUTABLE_MAX_AGE, VersionedStatic, compress

from .conftest import database_url


def test_pages_name_stylesheets_by_their_content_and_those_are_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    assert href, "the page links the stylesheet under a content-hashed name"
    response = client.get(href.group(1))
    assert response.status_code == 200
    assert f"max-age={IMMUTABLE_MAX_AGE}" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_plain_name_still_answers_but_is_checked_again_soon(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert response.headers.get("ETag")


def test_a_phone_that_accepts_gzip_gets_the_compressed_copy(tmp_path):
    css = tmp_path / "css" / "site.css"
    css.parent.mkdir()
    css.write_text("body { color: #111; }\n" * 400)
    assert compress(tmp_path) >= 1
    assert compress(tmp_path) == 0, "a fresh copy is not written again"

    def not_found(environ, start_response):
        start_response("404 Not Found", [])
        return [b""]

    static = VersionedStatic(not_found, root=str(tmp_path), prefix="static", max_age=60)
    hashed = static.versions["css/site.css"]
    response = Client(static).get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) < css.stat().st_size / 10


def test_the_first_request_warms_the_pdf_engine_before_anyone_asks_for_a_pdf(tmp_path):
    config = TestConfig(database_url(tmp_path))
    config.PDF_WARM_UP = True
    app = create_app(config)
    engine.stylesheet.cache_clear()
    app.test_client().get("/healthz")
    warming = [t for t in threading.enumerate() if t.name == "pdf-warm-up"]
    assert warming, "the first request starts the warm-up"
    warming[0].join(timeout=120)
    stylesheets = len(list((engine.STATIC / "pdf").glob("*.css")))
    assert engine.stylesheet.cache_info().currsize == stylesheets
    # What the process keeps for good is out of the collector's full passes, which had cost
    # a request 120-150 ms now and then (bench.scale: the dashboard's p95 at 10,000 people).
    try:
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_barcode_decoder_is_never_served_compressed(tmp_path):
    """A .wasm kept from a compressed answer left the door page never ready for offline."""
    (tmp_path / "zxing_reader.wasm").write_bytes(b"\0asm" + b"\0" * 4000)
    assert compress(tmp_path) == 0
    assert not list(tmp_path.glob("*.gz")) and not list(tmp_path.glob("*.br"))


def test_a_compressed_copy_older_than_its_file_is_not_served(tmp_path):
    """After an update without `flask compress-static`, the phone gets the new stylesheet."""
    css = tmp_path / "site.css"
    css.write_text("body { color: #111; }\n" * 400)
    compress(tmp_path)
    css.write_text("body { color: #222; }\n" * 400)
    later = css.stat().st_mtime + 10
    os.utime(css, (later, later))

    def not_found(environ, start_response):
        start_response("404 Not Found", [])
        return [b""]

    static = VersionedStatic(not_found, root=str(tmp_path), prefix="static", max_age=60)
    response = Client(static).get("/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert b"#222" in response.get_data()
