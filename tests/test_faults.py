"""What happens when Redis, a worker or a process goes away: small cases, one fault each.

The whole story with real processes is in test_fault_redis_worker.py.
"""

import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coordination import tasks
from coordination.extensions import db, limiter, utcnow
from coordination.mail import services as mail
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Registration

from . import factories
from .conftest import login
from .test_registration_pages import FORM
from .test_tasks import background_app, closed_port

HOUR = timedelta(hours=1)


@pytest.fixture
def fresh_tables(app):
    """Empty tables before, none left after: on PostgreSQL every test app shares the database."""
    return app


@pytest.fixture
def nowhere_redis():
    """A Redis URL nothing answers; the shared limiter is as good as new afterwards."""
    yield f"redis://127.0.0.1:{closed_port()}/0"
    limiter._storage_dead = False


def test_registration_goes_on_and_is_still_rate_limited_when_redis_is_away(
    tmp_path, app, make, organiser, nowhere_redis
):
    """The counters fall back to this process's memory instead of answering 500."""
    slug = make(factories.make_event, organiser["id"], capacity=10)
    away = background_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_STORAGE_URI=nowhere_redis,
        REGISTRATION_RATE_LIMIT="2 per minute",
    )
    client = away.test_client()
    answers = [
        client.post(
            f"/e/{slug}",
            data={**FORM, "email": f"p{n}@example.org", "phone": f"0812-3456-78{n:02d}"},
        )
        for n in range(3)
    ]
    tasks.wait_for_threads()
    assert [a.status_code for a in answers] == [302, 302, 429]
    with away.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 2


def test_a_saved_registration_is_not_answered_with_an_error_when_counting_it_fails(
    tmp_path, app, make, organiser, monkeypatch
):
    """The limiter counts a registration after the view; should its store fail right then,
    the registrant is still told the truth: registered (and the row is there)."""
    slug = make(factories.make_event, organiser["id"], capacity=10)
    client = app.test_client()
    form_limit = app.config["REGISTRATION_RATE_LIMIT"].split(";")[0].split()[0]
    strategy = limiter.limiter
    hit = strategy.hit

    def store_gone_after_the_view(item, *args, **kwargs):
        if str(item.amount) == form_limit:  # the deduction of the registration itself
            raise ConnectionError("Redis went away")
        return hit(item, *args, **kwargs)

    monkeypatch.setattr(strategy, "hit", store_gone_after_the_view)
    answer = client.post(f"/e/{slug}", data=FORM)
    with app.app_context():
        saved = db.session.scalar(sa.select(sa.func.count(Registration.id)))
    assert (answer.status_code, saved) == (302, 1)


def _message(**columns) -> OutboxMessage:
    row = OutboxMessage(
        recipient="budi@example.org",
        subject="Pendaftaran diterima",
        body="…",
        transport="file",
        **columns,
    )
    db.session.add(row)
    db.session.commit()
    return row


class Crash(BaseException):
    """The process dies here: no except clause of ours runs, nothing more is committed."""


def test_a_crash_while_sending_is_on_record_and_the_message_goes_out_once(
    tmp_path, monkeypatch, fresh_tables
):
    app = background_app(tmp_path)
    outbox = tmp_path / "outbox"
    with app.app_context():
        message_id = _message(status="queued").id
        write = mail._write_file

        def write_then_die(copy, content):
            write(copy, content)
            raise Crash

        monkeypatch.setattr(mail, "_write_file", write_then_die)
        with pytest.raises(Crash):
            tasks.run_task("coordination.mail.services:deliver", message_id)
        monkeypatch.setattr(mail, "_write_file", write)
        row = db.session.get(OutboxMessage, message_id)
        # The attempt was committed before the message left: not "queued", not attempt 0.
        assert (row.status, row.attempts, row.interrupted) == ("sending", 1, 0)
        # Within the lease nothing happens: the first attempt may still be running.
        assert mail.requeue_stuck() == 0
        later = utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
        assert mail.requeue_stuck(now=later) == 1
        db.session.commit()
        tasks.wait_for_threads()
        db.session.refresh(row)
        assert (row.status, row.attempts, row.interrupted) == ("sent", 2, 1)
    assert len(list(outbox.glob("*.eml"))) == 1  # the file of the first attempt, no second


def test_the_outbox_page_says_when_an_attempt_was_cut_off(app, make, organiser, as_user):
    slug = make(factories.make_event, organiser["id"])
    with app.app_context():
        event_id = db.session.scalar(sa.text("SELECT id FROM events"))
        _message(event_id=event_id, status="sent", attempts=2, interrupted=1)
        _message(event_id=event_id, status="sending", attempts=1)
    page = as_user(organiser).get(f"/events/{slug}/outbox").text
    assert "1 dari 2 percobaan terputus karena gangguan" in page
    assert "sedang dikirim (percobaan ke-1)" in page


def test_a_message_whose_queueing_failed_is_sent_by_the_next_sweep_within_a_minute(
    tmp_path, fresh_tables
):
    """Redis was away at the commit: the row waits, and the worker's next sweep queues it."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from rq import Queue, SimpleWorker

    away = background_app(tmp_path, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    with away.app_context():
        mail.send("budi@example.org", "Pendaftaran diterima", "…")
        db.session.commit()  # the enqueue after it fails, and is only logged
        assert db.session.scalar(sa.select(OutboxMessage.status)) == "queued"
    back = background_app(tmp_path, REDIS_URL=redis_url)
    connection = tasks.redis_connection(redis_url)
    queue = Queue(tasks.QUEUE, connection=connection)
    queue.empty()
    with back.app_context():
        stale = back.config["MAIL_STALE_SECONDS"]
        assert mail.requeue_stuck(now=utcnow() + timedelta(seconds=stale - 5)) == 0
        assert mail.requeue_stuck(now=utcnow() + timedelta(seconds=stale + 1)) == 1
        db.session.commit()
        # A second sweep sees the task waiting on the queue and leaves it alone.
        assert mail.requeue_stuck(now=utcnow() + timedelta(seconds=stale + 2)) == 0
        SimpleWorker([queue], connection=connection).work(burst=True)
        db.session.remove()
        assert db.session.scalar(sa.select(OutboxMessage.status)) == "sent"


def test_without_redis_a_thread_sweeps_while_the_app_runs(tmp_path, fresh_tables):
    """A process died with e-mails on its threads; the others send them without a restart."""
    app = background_app(tmp_path, MAIL_SWEEP_SECONDS=1, MAIL_STALE_SECONDS=1)
    with app.app_context():
        message_id = _message(status="queued", created_at=utcnow() - timedelta(minutes=1)).id
        user = factories.make_user("organiser")
    client = app.test_client()
    login(client, user)  # any request starts the sweep of this process
    deadline = time.monotonic() + 20
    with app.app_context():
        while db.session.get(OutboxMessage, message_id).status != "sent":
            assert time.monotonic() < deadline, "the sweep never sent it"
            db.session.remove()
            time.sleep(0.2)
    tasks.wait_for_threads()
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_a_retry_that_no_scheduler_queues_any_more_is_queued_by_the_sweep(tmp_path, fresh_tables):
    """RQ's scheduler died with its worker: a retry due long ago would wait for good."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL not set (.ci/run sets it)")
    from rq import Queue

    app = background_app(tmp_path, REDIS_URL=redis_url)
    queue = Queue(tasks.QUEUE, connection=tasks.redis_connection(redis_url))
    queue.empty()
    now = utcnow()
    with app.app_context():
        overdue = _message(status="failed", attempts=1, error="421", claimed_at=now).id
        later = _message(status="failed", attempts=1, error="421", claimed_at=now).id
        for message_id, due in ((overdue, now + timedelta(minutes=1)), (later, now + HOUR)):
            queue.enqueue_at(
                due,
                tasks.run_task,
                "coordination.mail.services:deliver",
                message_id,
                job_id=mail.job_id(message_id),
            )
        # Past the pause after a failed attempt, only the retry nobody queued when it was due
        # (long before the lease) is queued; the one due in an hour is left to the scheduler.
        assert mail.requeue_stuck(now=now + mail.RETRY_FAILED_AFTER * 2) == 1
        db.session.commit()
    assert queue.job_ids == [mail.job_id(overdue)]
