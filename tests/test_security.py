import re
from pathlib import Path

from coordination import create_app
from coordination.config import ROOT, TestConfig

from .conftest import database_url, login


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_lax_and_secure_only_over_https(app, organiser):
    plain = app.test_client()
    cookie = login(plain, organiser).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    response = secure.post(
        "/login",
        data={"email": organiser["email"], "password": organiser["password"]},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_forms_without_a_csrf_token_are_refused(tmp_path, organiser):
    config = TestConfig(database_url(tmp_path))
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": organiser["email"], "password": organiser["password"]}
    )
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.text


# WeasyPrint's input, never a browser's: the page's CSP does not apply, and sizes measured per
# badge or per page (a name shrunk to fit, a letterhead's height) are set on the element.
PDF_ONLY = {"badges/sheet.html", "paperwork/attendance.html"}


def test_templates_have_no_inline_script_style_or_external_assets():
    for path in Path(ROOT, "templates").rglob("*.html"):
        html = path.read_text()
        # Data for scripts travels as JSON blocks, which browsers never execute.
        code = r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
        assert not re.search(code, html), path
        inline = (
            r"\s(on[a-z]+)="
            if path.relative_to(ROOT, "templates").as_posix() in PDF_ONLY
            else r"\s(style|on[a-z]+)="
        )
        assert not re.search(inline, html), path
        assert not re.search(r"(src|href)=\"(https?:)?//", html), path
