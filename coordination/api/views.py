"""The API's own pages: the OpenAPI document, its readable page, and JSON errors."""

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from coordination.errors import DomainError
from coordination.extensions import csrf, limiter

from . import checkins, documents, events, models, registrations  # noqa: F401  (routes, tables)
from .blueprint import bp
from .errors import ApiError, error_response, from_api_error, from_http_exception
from .openapi import document
from .services import hash_token

# Bearer calls carry no cookie to forge; session calls are checked in auth.authenticate.
csrf.exempt(bp)


def _rate_key() -> str:
    """Each token counts on its own; everything else by address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hash_token(header)[:16]
    return request.remote_addr or "unknown"


limiter.limit(
    lambda: current_app.config.get("API_RATE_LIMIT", "600 per minute"), key_func=_rate_key
)(bp)


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    response = jsonify(document(bp.url_prefix))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/docs")
def docs():
    """The document as a page to read and try (Swagger UI, served from static/vendor)."""
    return render_template("api/docs.html")


bp.register_error_handler(ApiError, from_api_error)
bp.register_error_handler(DomainError, lambda error: error_response(error.code))
bp.register_error_handler(HTTPException, from_http_exception)
