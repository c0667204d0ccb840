"""Absolute links for e-mails and posters, which leave the browser that asked for them.

A request's Host header is whatever its sender typed: an e-mailed link built from it alone
would carry a participant's secret to any host an anonymous visitor names. Links use
PUBLIC_BASE_URL, or the request's host once Flask has checked it against TRUSTED_HOSTS
(a request naming any other host is refused with 400 before a view runs).
"""

import socket
from functools import lru_cache

from flask import Flask, current_app, request, url_for

from coordination.tls import local_addresses


def public_url(endpoint: str, **values) -> str:
    """PUBLIC_BASE_URL (e.g. https://rakor.dekopinda.example) when set, else the request's
    host, which TRUSTED_HOSTS vouches for."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if not current_app.config.get("TRUSTED_HOSTS"):
        raise RuntimeError("links leaving the browser need PUBLIC_BASE_URL or TRUSTED_HOSTS")
    return url_for(endpoint, _external=True, **values)


@lru_cache(maxsize=1)
def this_machine() -> list[str]:
    """The names and addresses this computer answers to: the laptop in a hall."""
    name = socket.gethostname()
    return list(dict.fromkeys(["localhost", name, f"{name}.local", *local_addresses()]))


def init_app(app: Flask) -> None:
    """Without PUBLIC_BASE_URL or TRUSTED_HOSTS (the laptop setup), trust this machine's own
    names and addresses only: phones in the hall open it by one of them."""
    if not app.config.get("TRUSTED_HOSTS") and not app.config.get("PUBLIC_BASE_URL"):
        app.config["TRUSTED_HOSTS"] = this_machine()


def only_this_computer() -> bool:
    """Links made from 127.0.0.1 or localhost open on no phone: the organiser should know."""
    if current_app.config.get("PUBLIC_BASE_URL"):
        return False
    return request.host.rsplit(":", 1)[0].strip("[]") in ("127.0.0.1", "localhost", "::1")
