"""Absolute links for e-mails and posters, which leave the browser that asked for them."""

from flask import current_app, request, url_for


def public_url(endpoint: str, **values) -> str:
    """PUBLIC_BASE_URL (e.g. https://rakor.dekopinda.example) when set, else the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def only_this_computer() -> bool:
    """Links made from 127.0.0.1 or localhost open on no phone: the organiser should know."""
    if current_app.config.get("PUBLIC_BASE_URL"):
        return False
    return request.host.rsplit(":", 1)[0].strip("[]") in ("127.0.0.1", "localhost", "::1")
