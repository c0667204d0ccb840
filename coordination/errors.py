"""Domain errors and the app's error pages."""

from collections.abc import Callable

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError


class DomainError(Exception):
    """A rule was broken; `code` is stable and machine-readable, text lives in the UI."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def register_error_pages(app: Flask, api_answer: Callable) -> None:
    """HTML error pages; under /api/, `api_answer(error)` answers JSON (even for no route)."""

    def page(status: int):
        def handler(error):
            if status == 429 and getattr(error, "response", None) is not None:
                return error.response  # a page of its own, e.g. the form kept as it was sent
            if request.path.startswith("/api/"):
                return api_answer(error)
            return render_template("errors/error.html", status=status), status

        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, page(status))
    app.register_error_handler(CSRFError, page(400))
    app.register_error_handler(SecurityError, untrusted_host)


def untrusted_host(_error):
    """A Host this app does not answer to (TRUSTED_HOSTS): plain text, as a page's links would
    need a host to point to."""
    return Response(_("The request could not be processed"), 400, mimetype="text/plain")
