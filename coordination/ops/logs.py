"""Logs: one JSON object per line in production, plain text for `make run` and the tests.

Every request gets an id (a sane incoming X-Request-ID, e.g. nginx's $request_id, or a new
one), echoed in the response header and written on one line with the method, the path, the
status, the time taken and the account's id. What a log must never hold is kept out: query
strings are not logged, the secret in /r/…, /i/… and /d/… paths is replaced, and e-mail
addresses and mobile numbers are masked in any message or traceback (SQL parameters are
hidden by the engine, see Config).
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from coordination.text import visible

LOGGER = "coordination"  # the app's logger (Flask names it after the package)
REQUESTS = "coordination.requests"
HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
# The personal links and door links carry their secret in the path.
SECRET_PATH = re.compile(r"/(r|i|d)/[^/\s?#\"']+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(?:\+?62[\s-]?|0)8[\d\s-]{7,15}\d(?!\w)")
# The development server colours its 3xx-5xx lines: an ANSI escape may open the quotes.
QUERY = re.compile(r"(\"(?:\x1b\[[\d;]*m)*[A-Z]+ [^\s?\"]+)\?[^\s\"\x1b]*")
PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_FIELDS = "rakor_request_fields"  # on the request line's record: its clean fields


def redact(text: str) -> str:
    """Mask link secrets, query strings, e-mail addresses and mobile numbers in a text."""
    text = SECRET_PATH.sub(lambda m: f"/{m.group(1)}/[redacted]", text)
    text = QUERY.sub(r"\1?[redacted]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub("[phone]", text)


class _Redacting:
    """Formatter mixin: the message and any traceback pass through redact(), and a control
    character from what someone typed (a NUL, an ESC) is written as its escape."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        clean = visible(redact(message))
        if clean != message:
            record.msg, record.args = clean, None
        return super().format(record)

    def formatException(self, ei):  # noqa: N802 (logging's name)
        return visible(redact(super().formatException(ei)))

    def formatStack(self, stack_info):  # noqa: N802
        return visible(redact(super().formatStack(stack_info)))


class JsonLines(_Redacting, JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, REQUEST_FIELDS, None)
        if fields is None:
            return super().format(record)
        # The line every request writes: its fields are already clean (see _finish), so it
        # skips the general redaction and field merging, a third of a door scan's overhead.
        return json.dumps(
            {
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                **fields,
                "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            },
            ensure_ascii=False,
        )


class PlainLines(_Redacting, logging.Formatter):
    def __init__(self) -> None:
        super().__init__(PLAIN)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn, pytest's capture)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class _RequestId(logging.Filter):
    """Every line written while a request runs names that request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = g.get("request_id")
        return True


_requests = logging.getLogger(REQUESTS)
_handler = _StderrHandler()
_handler.addFilter(_RequestId())


def formatter_for(kind: str) -> logging.Formatter:
    return JsonLines() if kind == "json" else PlainLines()


# The request line as the development server writes it, perhaps coloured:
# "GET /path?query HTTP/1.1", where the query may hold spaces and quotes it has decoded.
REQUEST_LINE = re.compile(
    r"^((?:\x1b\[[\d;]*m)*[A-Z]+ [^?]*)\?.*?((?: HTTP/[\d.]+)?(?:\x1b\[[\d;]*m)*)$"
)


class _RedactWerkzeug(logging.Filter):
    """The development server's access lines carry the full path and query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            # The request line, coloured or not: its query goes whole, whatever it holds.
            record.args = (REQUEST_LINE.sub(r"\1?[redacted]\2", args[0]), *args[1:])
        if record.args:
            record.msg, record.args = redact(record.getMessage()), None
        return True


def init_app(app: Flask) -> None:
    kind = app.config.get("LOG_FORMAT") or ("plain" if app.debug or app.testing else "json")
    app.config["LOG_FORMAT"] = kind
    logger = logging.getLogger(LOGGER)
    logger.removeHandler(default_handler)
    _handler.setFormatter(formatter_for(kind))
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, _RedactWerkzeug) for f in werkzeug.filters):
        werkzeug.addFilter(_RedactWerkzeug())
    app.before_request(_start)
    app.after_request(_finish)


def route(name: str) -> None:
    """Another library's logger (the RQ worker's) writes through the app's handler, in its
    format: JSON lines in production, redacted like the app's own."""
    logger = logging.getLogger(name)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
    logger.propagate = False
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def request_id() -> str | None:
    return g.get("request_id")


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    """One line per request; registered first, so it runs after every other after_request."""
    rid = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = rid
    started = g.get("request_started")
    user = g.get("_login_user")  # only if the request loaded it: logging costs no query
    # The only free text on the line; the rest are numbers, the method and the id.
    path = redact(request.path)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    fields = {
        "request_id": rid,
        "method": request.method,
        "path": path,
        "status": response.status_code,
        "duration_ms": duration,
        "user_id": user_id,
    }
    _requests.info(
        "%s %s %s %s ms user=%s request_id=%s",
        request.method,
        path,
        response.status_code,
        duration,
        user_id,
        rid,
        extra={**fields, REQUEST_FIELDS: fields},
    )
    return response
