"""The API's blueprint; resources register their routes on it."""

from flask import Blueprint

from . import models  # noqa: F401  (the tables belong to the app's metadata)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
