"""Health checks and the reverse-proxy setting."""

from coordination import create_app
from coordination.config import TestConfig

from .conftest import database_url


def test_healthz_and_readyz_answer_when_all_is_well(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}


def test_readyz_stays_ready_but_says_degraded_when_only_redis_is_away(tmp_path):
    """Every server shares Redis: taking them all out of the balancer would stop pages and
    the door that still work without it."""
    config = TestConfig(database_url(tmp_path))
    config.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app = create_app(config)
    from coordination.extensions import db

    with app.app_context():
        db.create_all()
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unreachable"},
    }
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path):
    config = TestConfig(f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    app = create_app(config)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "checks": {"database": "unreachable"}}


def test_forwarded_headers_count_only_behind_a_trusted_proxy(tmp_path):
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}

    def seen(proxies: int) -> tuple[str, str]:
        config = TestConfig(database_url(tmp_path))
        config.TRUSTED_PROXIES = proxies
        app = create_app(config)

        @app.get("/_who")
        def who():
            from flask import request

            return f"{request.remote_addr} {request.scheme}"

        return tuple(app.test_client().get("/_who", headers=headers).text.split())

    assert seen(0) == ("127.0.0.1", "http")
    assert seen(1) == ("203.0.113.7", "https")
