"""Response headers and cookie flags every page carries."""

import time
from datetime import UTC, datetime

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

# Session key: when the door link a phone opened ends (seconds since 1970). A door phone's
# session lasts until then, however early it was set up, instead of the usual lifetime.
DOOR_UNTIL = "door_until"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # The door's QR decoder is WebAssembly; compiling it needs this, nothing else does.
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_expiration_time(self, app: Flask, session) -> datetime | None:
        until = session.get(DOOR_UNTIL) if session.permanent else None
        if until:
            return datetime.fromtimestamp(until, UTC)
        return super().get_expiration_time(app, session)

    def open_session(self, app: Flask, request):
        """As Flask's, except that a door phone's session ends with its door link."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        now = time.time()
        until = data.get(DOOR_UNTIL) if isinstance(data, dict) else None
        if until is None:
            until = signed_at.timestamp() + app.permanent_session_lifetime.total_seconds()
        return self.session_class(data) if now <= until else self.session_class()


EVERY_RESPONSE = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(), microphone=()"),
)


def add_security_headers(response):
    headers = response.headers
    # One pass over the headers a view set, then the missing ones appended: this runs on
    # every response, door scans included.
    present = {name.lower() for name, _value in headers.items()}
    wanted = list(EVERY_RESPONSE)
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000"))
    if request.endpoint != "static":
        # Pages and documents carry names, badges and contact details: no shared or disk cache.
        wanted.append(("Cache-Control", "no-store"))
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    app.session_interface = RequestAwareSessionInterface()
    app.config["REMEMBER_COOKIE_SECURE"] = app.config.get("REMEMBER_COOKIE_SECURE", False)
    app.after_request(add_security_headers)
