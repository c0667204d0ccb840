"""A fresh app and database per test (SQLite, or TEST_DATABASE_URL for PostgreSQL)."""

import os

import pytest

from coordination import create_app
from coordination.config import TestConfig
from coordination.extensions import db

from . import factories


def database_url(tmp_path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(tmp_path):
    config = TestConfig(database_url(tmp_path))
    config.OUTBOX_DIR = str(tmp_path / "outbox")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Run a factory inside an app context: make(factories.make_user, role='door')."""

    def build(factory, *args, **kwargs):
        with app.app_context():
            return factory(*args, **kwargs)

    return build


@pytest.fixture
def organiser(make):
    return make(factories.make_user, "organiser", name="Siti Rahayu")


def login(client, user: dict, follow: bool = False):
    return client.post(
        "/login",
        data={"email": user["email"], "password": user["password"]},
        follow_redirects=follow,
    )


@pytest.fixture
def as_user(client):
    """Log the test client in as a factory-made user."""

    def log_in(user: dict):
        response = login(client, user)
        assert response.status_code == 302, "login failed"
        return client

    return log_in
