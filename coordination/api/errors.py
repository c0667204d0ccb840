"""API errors: a stable machine-readable code, the right status, a message in the asked language.

Domain services raise DomainError with a code; the API turns it into
`{"code": ..., "message": ...}` with the status that code stands for. The messages reuse
the words the pages already show, so both speak alike and are translated once.
"""

from flask import jsonify, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from coordination.config import LANGUAGES
from coordination.door.messages import VERDICTS
from coordination.events.messages import ERROR_MESSAGES as EVENT_ERRORS
from coordination.registration.messages import ANSWER_MESSAGES
from coordination.registration.messages import ERROR_MESSAGES as PARTICIPANT_ERRORS

# code -> (status, message). A code never changes meaning once published.
MESSAGES: dict[str, tuple[int, object]] = {
    "bad_request": (400, _l("The request could not be understood.")),
    "unauthenticated": (
        401,
        _l("Send an API token in the Authorization header (Bearer), or log in."),
    ),
    "invalid_token": (401, _l("This API token is unknown or has been revoked.")),
    "forbidden": (403, _l("Your role at this event does not allow this.")),
    "csrf_failed": (
        403,
        _l("The CSRF token is missing or wrong: send it in the X-CSRFToken header."),
    ),
    "not_found": (404, _l("Not found.")),
    "method_not_allowed": (405, _l("This method is not allowed here.")),
    "payload_too_large": (413, _l("The request is too large.")),
    "invalid_body": (422, _l("The request body must be a JSON object.")),
    "validation_failed": (422, _l("Some values are missing or not valid.")),
    "rate_limited": (429, _l("Too many requests. Wait a moment and try again.")),
    "server_error": (500, _l("Something went wrong on the server. Please try again.")),
    # Events
    "slug_taken": (409, EVENT_ERRORS["slug_taken"][1]),
    "no_organiser": (403, _l("This token's event has no organiser to own a new event.")),
    # Registrations
    "already_registered": (409, PARTICIPANT_ERRORS["contact_taken"][1]),
    "contact_taken": (409, PARTICIPANT_ERRORS["contact_taken"][1]),
    "event_full": (409, _l("The event is full and has no waiting list.")),
    **{code: (422, message) for code, message in ANSWER_MESSAGES.items()},
    "unknown_list": (422, _l("This check-in list does not belong to the event.")),
    # Check-in verdicts: the same words the door page shows.
    "already_checked_in": (409, VERDICTS["already_checked_in"][1]),
    "cancelled": (409, VERDICTS["cancelled"][1]),
    "waitlisted": (409, VERDICTS["waitlisted"][1]),
    "list_closed": (409, VERDICTS["list_closed"][1]),
    "unknown_code": (422, VERDICTS["unknown_code"][1]),
    "wrong_event": (422, VERDICTS["wrong_event"][1]),
    "revoked_code": (422, VERDICTS["revoked_code"][1]),
}
for _code, (_field, _message) in {**EVENT_ERRORS, **PARTICIPANT_ERRORS}.items():
    MESSAGES.setdefault(_code, (422, _message))

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
}


class ApiError(Exception):
    """An answer other than success: a code from MESSAGES, and fields to send along."""

    def __init__(self, code: str, message: str | None = None, **extra):
        super().__init__(code)
        self.code = code
        self.message = message
        self.extra = extra

    @property
    def status(self) -> int:
        return MESSAGES.get(self.code, (422, None))[0]


def language() -> str:
    """The client's language from Accept-Language: Indonesian unless it prefers English."""
    return request.accept_languages.best_match(list(LANGUAGES), default="id")


def error_response(code: str, message: str | None = None, status: int | None = None, **extra):
    known_status, text = MESSAGES.get(code, (status or 422, MESSAGES["bad_request"][1]))
    with force_locale(language()):
        body = {"code": code, "message": message or str(text), **extra}
    response = jsonify(body)
    response.status_code = status or known_status
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rakor"'
    return response


def from_api_error(error: ApiError):
    return error_response(error.code, error.message, error.status, **error.extra)


def from_http_exception(error: HTTPException):
    status = error.code or 500
    code = STATUS_CODES.get(status, "server_error" if status >= 500 else "bad_request")
    response = error_response(code, status=status)
    if status == 429:
        response.headers["Retry-After"] = "60"
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def wants_api_error() -> bool:
    """Errors under /api/ are JSON, also for URLs no API route matched."""
    return request.path.startswith("/api/")
