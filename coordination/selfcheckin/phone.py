"""Which personal links were opened on this phone: a signed cookie the hall QR reads.

Opening one's personal link (/r/<token>) marks the phone as that participant's, so scanning
the hall QR later checks them in with one tap. The cookie holds registration ids only, signed
with the app's secret, and lives a month; the session would not (it ends after 14 hours).
"""

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "rakor_phone"
MAX_AGE = 31 * 24 * 3600
KEPT = 5  # the latest personal links opened on this phone


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="personal-links-on-this-phone")


def remembered() -> list[int]:
    """Registration ids whose personal link this phone opened, newest first."""
    raw = request.cookies.get(COOKIE, "")
    if not raw or len(raw) > 400:
        return []
    try:
        ids = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(ids, list):
        return []
    return [value for value in ids[:KEPT] if isinstance(value, int)]


def remember(response, registration_id: int):
    """Add this registration to the phone's cookie (on the response)."""
    ids = [registration_id] + [value for value in remembered() if value != registration_id]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(ids[:KEPT]),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
