"""A fresh app and database per test (SQLite, or TEST_DATABASE_URL for PostgreSQL)."""

import os

import pytest
import sqlalchemy as sa

from coordination import create_app
from coordination.config import TestConfig
from coordination.extensions import db

from . import factories


def pytest_configure(config):
    """Under pytest-xdist each worker gets a PostgreSQL database of its own.

    The tests drop and create every table, so two workers must never share one database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    redis_url = os.environ.get("TEST_REDIS_URL")
    if worker and redis_url:  # and a Redis database each: gw0 keeps 15, gw1 takes 14, ...
        head, _, number = redis_url.rpartition("/")
        if number.isdigit():
            own_number = (int(number) - int(worker.removeprefix("gw"))) % 16
            os.environ["TEST_REDIS_URL"] = f"{head}/{own_number}"
    base = os.environ.get("TEST_DATABASE_URL")
    if not worker or not base or not base.startswith("postgresql"):
        return
    url = sa.engine.make_url(base)
    own = url.set(database=f"{url.database}_{worker}")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    config._worker_database = (url, own.database)


def pytest_unconfigure(config):
    url, name = getattr(config, "_worker_database", (None, None))
    if url is None:
        return
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
