"""E-mails leave after the commit: on a thread without Redis, on RQ workers with it."""

import json
import os
import socket
import threading
import uuid

import pytest
import sqlalchemy as sa

from coordination import create_app, tasks
from coordination.config import TestConfig
from coordination.extensions import db
from coordination.mail import services as mail
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Registration

from . import factories
from .conftest import database_url
from .test_registration_pages import register


def background_app(tmp_path, **settings):
    """The app as it runs for real: tasks after the commit, not inline."""
    config = TestConfig(database_url(tmp_path))
    config.TASKS_EAGER = False
    config.OUTBOX_DIR = str(tmp_path / "outbox")
    for name, value in settings.items():
        setattr(config, name, value)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_committed_message_is_delivered_by_a_thread_and_a_rolled_back_one_never(tmp_path):
    app = background_app(tmp_path)
    with app.app_context():
        mail.send("kept@example.org", "Kept", "body")
        db.session.commit()
        mail.send("dropped@example.org", "Dropped", "body")
        db.session.rollback()
        tasks.wait_for_threads()
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert [(m.recipient, m.status, m.attempts) for m in messages] == [
            ("kept@example.org", "sent", 1)
        ]
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and "kept@example.org" in files[0].read_text()


def test_a_registration_stands_when_the_mail_server_is_down(tmp_path, app, make, organiser):
    """The participant gets their seat and page; the organiser sees the message failed."""
    slug = make(factories.make_event, organiser["id"])
    down = background_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER_CONFIGURED=True,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=closed_port(),
        MAIL_SUPPRESS_SEND=False,
    )
    response = register(down.test_client(), slug, email="budi@example.org")
    assert response.status_code == 302 and "/r/" in response.location
    tasks.wait_for_threads()
    with down.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.status == "failed" and message.attempts == 1 and message.error


def test_a_mail_server_that_accepts_and_says_nothing_fails_the_attempt(tmp_path, app):
    """Without Redis nothing else would stop the attempt: the claim would stay "sending"."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are accepted by the kernel, never answered
        mute = background_app(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            MAIL_SERVER_CONFIGURED=True,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=silent.getsockname()[1],
            MAIL_SUPPRESS_SEND=False,
            SMTP_TIMEOUT=0.5,
        )
        with mute.app_context():
            mail.send("budi@example.org", "Halo", "body")
            db.session.commit()
            waiting = threading.Thread(target=tasks.wait_for_threads)
            waiting.start()
            waiting.join(timeout=15)
            assert not waiting.is_alive(), "the attempt still hangs on the silent server"
            message = db.session.scalar(sa.select(OutboxMessage))
            db.session.refresh(message)
            assert message.status == "failed" and "timed out" in message.error


def test_with_redis_a_worker_delivers_and_a_retry_never_sends_twice(tmp_path, runner):
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from rq import Queue, SimpleWorker

    app = background_app(tmp_path, REDIS_URL=redis_url)
    connection = tasks.redis_connection(redis_url)
    queue = Queue(tasks.QUEUE, connection=connection)
    queue.empty()
    with app.app_context():
        mail.send("worker@example.org", "Via RQ", "body")
        assert queue.count == 0  # nothing leaves before the commit
        db.session.commit()
        assert queue.count == 1
        [job] = queue.jobs
        SimpleWorker([queue], connection=connection).work(burst=True)
        message = db.session.scalar(sa.select(OutboxMessage))
        db.session.refresh(message)
        assert message.status == "sent"
        # The same job run again (a retry after a lost acknowledgement) sends nothing more.
        tasks.run_task(*job.args)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_flask_worker_needs_redis_and_says_so(tmp_path):
    app = background_app(tmp_path, REDIS_URL="")
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL" in result.output


def worker_after_one_message(tmp_path, **settings):
    """One message queued on Redis, then `flask worker --burst`: (app, the CLI result)."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from rq import Queue

    app = background_app(tmp_path, REDIS_URL=redis_url, **settings)
    Queue(tasks.QUEUE, connection=tasks.redis_connection(redis_url)).empty()
    with app.app_context():
        mail.send(f"{uuid.uuid4().hex}@example.org", "Burst", "body")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    return app, result


def test_flask_worker_runs_the_queue_in_burst_mode(tmp_path):
    app, result = worker_after_one_message(tmp_path)
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.status)) == "sent"


def test_the_worker_writes_its_lines_as_json_like_the_app(tmp_path):
    _app, result = worker_after_one_message(tmp_path, LOG_FORMAT="json")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    worker_lines = [line for line in lines if line["logger"].startswith("rq.")]
    assert worker_lines, result.output
    assert all(line["level"] in ("INFO", "WARNING", "ERROR") for line in worker_lines)
    assert "@example.org" not in result.output  # addresses stay out of the log


def test_the_outbox_page_tells_the_organiser_which_messages_failed(
    tmp_path, app, make, organiser, as_user
):
    slug = make(factories.make_event, organiser["id"])
    with app.app_context():
        event_id = db.session.scalar(sa.text("SELECT id FROM events"))
        db.session.add(
            OutboxMessage(
                event_id=event_id,
                recipient="budi@example.org",
                subject="Pendaftaran diterima",
                body="…",
                transport="smtp",
                status="failed",
                attempts=3,
                error="Connection refused",
            )
        )
        db.session.commit()
    page = as_user(organiser).get(f"/events/{slug}/outbox").text
    assert "gagal dikirim setelah 3 percobaan: Connection refused" in page


def test_mail_left_queued_by_a_crashed_process_is_sent_once_by_the_next(tmp_path):
    """The process died after its commit, before delivering; the next one sweeps it up."""
    from datetime import timedelta

    from coordination.extensions import utcnow

    app = background_app(tmp_path)
    with app.app_context():
        long_ago = utcnow() - timedelta(minutes=30)
        for n in range(2):
            db.session.add(
                OutboxMessage(
                    recipient=f"lost{n}@example.org",
                    subject="Pendaftaran diterima",
                    body="…",
                    transport="file",
                    status="queued",
                    created_at=long_ago,
                )
            )
        db.session.commit()
        mail.send("fresh@example.org", "Baru", "body")  # the first task of the new process
        db.session.commit()
        tasks.wait_for_threads()
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {"sent"}
        # Another sweep, or the same job twice, sends nothing more.
        assert mail.requeue_stuck() == 0
        mail.deliver(1)
        db.session.commit()
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3


def test_with_redis_a_worker_renders_big_documents_and_the_page_offers_them(
    tmp_path, make, organiser
):
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from rq import Queue, SimpleWorker

    from .conftest import login

    app = background_app(tmp_path, REDIS_URL=redis_url, DOCUMENT_BACKGROUND_SECONDS=0)
    with app.app_context():  # the same database as the organiser's
        slug = factories.make_event(organiser["id"])
        factories.make_participants(slug, 3)
    connection = tasks.redis_connection(redis_url)
    queue = Queue(tasks.QUEUE, connection=connection)
    queue.empty()
    client = app.test_client()
    login(client, organiser)
    waiting = client.get(f"/events/{slug}/attendance-list.pdf")
    assert waiting.status_code == 302 and queue.count == 1  # for a worker, not this process
    with app.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)
    download = client.get(waiting.location.split("?")[0] + "/download")
    assert download.mimetype == "application/pdf" and b"%PDF" in download.data[:8]
