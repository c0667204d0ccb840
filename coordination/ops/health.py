"""/healthz: this process answers. /readyz: this server can do its main work, the database.

A balancer that follows /readyz takes a server out only when the server itself cannot serve.
Redis is shared by every server, and without it pages, registrations, the door and downloads
still work (rate limits count in memory, e-mails wait in the outbox for the sweep), so a
Redis outage shows as "degraded" in the body with status 200, never as 503 everywhere.
"""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from coordination import tasks
from coordination.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers requests (restart it if not)."""
    return _no_store(jsonify(status="ok")), 200


@bp.get("/readyz")
def readyz():
    """503 only when the database is unreachable; a missing Redis is reported, not fatal."""
    checks = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    if redis_url := current_app.config.get("REDIS_URL"):
        try:
            tasks.redis_connection(redis_url).ping()
            checks["redis"] = "ok"
        except Exception:  # redis.RedisError, or a socket error before it
            checks["redis"] = "unreachable"
    ready = checks["database"] == "ok"
    status = "ok" if all_ok(checks) else "degraded" if ready else "unavailable"
    return _no_store(jsonify(status=status, checks=checks)), 200 if ready else 503


def all_ok(checks: dict) -> bool:
    return all(state == "ok" for state in checks.values())


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
