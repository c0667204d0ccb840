"""Redis killed during a registration burst, then the RQ worker killed during a mail backlog.

Everything real, on loopback: gunicorn (2 gthread workers) on the test database (SQLite, or
TEST_DATABASE_URL), a redis-server of this test's own on a free port, `flask worker` as a
subprocess, phones that post the registration form through a proxy's X-Forwarded-For (each
its own address, as behind nginx), with rate limits and CSRF on as in production. The mail
sweep runs every 2 s here (20 s in production), so the bound below is seconds, not minutes.

1. A burst of registrations; a quarter of the way in, Redis is killed, and started again
   (empty) a few seconds later. Rate limits fall back to memory, e-mails wait in the outbox.
2. Once the first burst's mail is out, the worker is killed, a second burst piles up on the
   queue, a new worker starts and is killed again while it works through the backlog, and a
   third one finishes it.

Then: every registration a phone was told succeeded is saved, no 5xx was answered, the
worker lived through the Redis outage, and every message went out exactly once, each within
the bound after what it waited for came back.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from coordination.extensions import db, utcnow
from coordination.mail import services as mail
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Registration

from . import factories
from .test_fault_sigkill import CSRF, NoRedirect, free_port, workers_of

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PHONES = 10
FIRST_BURST = 160
SECOND_BURST = 160
REDIS_DOWN_SECONDS = 4
SWEEP = {"MAIL_SWEEP_SECONDS": "2", "MAIL_STALE_SECONDS": "4", "MAIL_LEASE_SECONDS": "6"}
# After Redis, or a worker, is back: a message may wait MAIL_STALE_SECONDS (or the lease)
# plus one sweep, plus the backlog ahead of it. Production: 30 + 20 s, or 90 + 20 s.
BOUND_SECONDS = 30
EML_ID = re.compile(r"-(\d+)\.eml$")

# CI installs redis-server (.ci/run): there a missing one fails the test instead.
pytestmark = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists() and not os.environ.get("CI"),
    reason="redis-server is not installed",
)


class Phone:
    """One participant's browser behind the hall's proxy: its own address, cookies, token."""

    def __init__(self, base: str, slug: str, address: str) -> None:
        self.base, self.slug = base, slug
        self.headers = {"X-Forwarded-For": address}
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, NoRedirect())
        self.token = self._csrf()

    def _open(self, path: str, data: bytes | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=self.headers)
        return self.opener.open(request, timeout=30)

    def _csrf(self) -> str:
        with self._open(f"/e/{self.slug}") as page:
            return CSRF.search(page.read().decode()).group(1)

    def register(self, n: int) -> tuple[int, str | None]:
        """(HTTP status, the personal link's token when the answer was "registered")."""
        form = {
            "csrf_token": self.token,
            "full_name": f"Peserta Uji {n}",
            "organisation": f"Koperasi {n % 13}",
            "phone": f"0812{7 * 10**7 + n:08d}",
            "email": f"peserta{n}@example.org",
        }
        try:
            with self._open(f"/e/{self.slug}", urllib.parse.urlencode(form).encode()) as page:
                return page.status, None  # the form again
        except urllib.error.HTTPError as answer:
            if answer.code != 302:
                return answer.code, None
            token = re.search(r"/r/([^/?]+)", answer.headers["Location"])
            return 302, token.group(1) if token else None


class Processes:
    """Every process this test starts, each in its own session: stopped in the end, whatever
    happens, with its children (the worker's RQ scheduler)."""

    def __init__(self, env: dict, logs: Path) -> None:
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}-{len(self.started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        self.started.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.kill(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in reversed(self.started):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            self.kill(process)  # the group: children left behind go too
            process.wait()


def test_redis_and_worker_killed_lose_no_registration_answer_no_5xx_and_send_each_mail_once(
    app, tmp_path
):
    with app.app_context():
        organiser = factories.make_user("organiser")
        now = utcnow()
        slug = factories.make_event(
            organiser["id"],
            capacity=FIRST_BURST + SECOND_BURST,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=3),
            registration_opens_at=now - timedelta(days=1),
        )
        db.engine.dispose()  # the servers and the worker are the only writers now

    redis_port, web_port = free_port(), free_port()
    outbox = tmp_path / "outbox"
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="fault-test",
        OUTBOX_DIR=str(outbox),
        LOG_FORMAT="plain",
        TRUSTED_PROXIES="1",
        RATELIMIT_ENABLED="1",
        REGISTRATION_RATE_LIMIT="1000 per minute",
        FLASK_APP="app",
        PYTHONPATH=str(ROOT),
        **SWEEP,
    )
    env.pop("MAIL_SERVER", None)
    procs = Processes(env, tmp_path)
    redis_command = [REDIS_SERVER, "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis_command += ["--save", "", "--appendonly", "no"]
    worker_command = [sys.executable, "-m", "flask", "worker"]
    base = f"http://127.0.0.1:{web_port}"
    outcomes: dict[int, tuple[int, str | None]] = {}
    try:
        redis = procs.start("redis", redis_command)
        _wait(lambda: _redis_answers(redis_port), "redis-server did not start")
        server = procs.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "--config", "/dev/null", "--no-control-socket"]
            + ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
            + ["--bind", f"127.0.0.1:{web_port}", "--log-level", "warning", "app:app"],
        )
        _wait(lambda: len(workers_of(server.pid)) == 2 and _answers(base + "/healthz"), "gunicorn")
        worker = procs.start("worker", worker_command)
        _wait(lambda: _workers(redis_port), "flask worker")

        # 1. Redis goes away during the first burst, and comes back empty.
        restarted: list[float] = []

        def outage() -> None:
            procs.kill(redis)
            redis.wait()
            time.sleep(REDIS_DOWN_SECONDS)
            procs.start("redis", redis_command)
            _wait(lambda: _redis_answers(redis_port), "redis-server did not start again")
            restarted.append(time.monotonic())

        _burst(base, slug, range(FIRST_BURST), outcomes, at=FIRST_BURST // 4, then=outage)
        _wait(lambda: bool(restarted), "redis-server did not start again")
        first_mail = _all_sent(app, FIRST_BURST)
        assert first_mail is not None, f"e-mails not all sent: {_unsent(app, redis_port)}"
        after_redis = first_mail - restarted[0]
        assert after_redis < BOUND_SECONDS
        assert worker.poll() is None, "the worker quit when Redis went away"

        # 2. The worker dies; a backlog piles up; the next worker dies in the middle of it.
        procs.kill(worker)
        worker.wait()
        _burst(base, slug, range(FIRST_BURST, FIRST_BURST + SECOND_BURST), outcomes)
        sent_before = _sent(app)
        second = procs.start("worker", worker_command)
        _wait(lambda: _sent(app) >= sent_before + 20, "the second worker sent nothing")
        procs.kill(second)
        second.wait()
        known = _workers(redis_port)  # the dead ones stay listed until their time runs out
        procs.start("worker", worker_command)
        _wait(lambda: _workers(redis_port) - known, "the third worker")
        back = time.monotonic()
        last_mail = _all_sent(app, FIRST_BURST + SECOND_BURST)
        assert last_mail is not None, f"e-mails not all sent: {_unsent(app, redis_port)}"
        after_worker = last_mail - back
        assert after_worker < BOUND_SECONDS
    finally:
        procs.stop_all()

    with app.app_context():
        registrations = db.session.scalars(sa.select(Registration)).all()
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
    by_token = {row.link_token: row for row in registrations}
    statuses = Counter(status for status, _token in outcomes.values())
    # Every registration a phone was told succeeded is saved, and none was told it failed.
    told_saved = [token for status, token in outcomes.values() if status == 302]
    assert all(token in by_token for token in told_saved)
    assert statuses == {302: FIRST_BURST + SECOND_BURST}, statuses
    assert len(registrations) == FIRST_BURST + SECOND_BURST
    # Every message went out, exactly once: one .eml file per outbox row.
    files = Counter(int(EML_ID.search(p.name).group(1)) for p in outbox.glob("*.eml"))
    assert {m.status for m in messages} == {"sent"}
    assert len(messages) == len(registrations)
    assert files == Counter({m.id: 1 for m in messages})
    interrupted = sum(m.interrupted for m in messages)
    retried = sum(m.attempts > 1 for m in messages)
    print(
        f"answers {dict(statuses)}; {len(messages)} e-mails, each sent once; "
        f"last of the first burst {after_redis:.1f} s after Redis was back, "
        f"last of the backlog {after_worker:.1f} s after a worker was back; "
        f"{interrupted} attempt(s) cut off, {retried} message(s) tried more than once"
    )


def _burst(base, slug, numbers, outcomes, at: int | None = None, then=None) -> None:
    """PHONES phones register everyone in `numbers`; `then()` runs once `at` are answered."""
    todo = iter(numbers)
    lock = threading.Lock()
    fired: list[threading.Thread] = []
    phones = [Phone(base, slug, f"10.0.{i // 250}.{i % 250 + 1}") for i in range(PHONES)]

    def phone(browser: Phone) -> None:
        while True:
            with lock:
                n = next(todo, None)
            if n is None:
                return
            outcome = browser.register(n)
            with lock:
                outcomes[n] = outcome
                if then and not fired and sum(1 for k in outcomes if k in numbers) >= at:
                    fired.append(threading.Thread(target=then))
                    fired[0].start()

    threads = [threading.Thread(target=phone, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "the burst did not finish"
    for thread in fired:
        thread.join(timeout=60)


def _sent(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")
        )
        db.session.remove()
    return count


def _unsent(app, redis_port: int) -> list[tuple]:
    """What is left, and what RQ knows of its task: to tell why, should it ever be stuck."""
    import redis
    from rq.job import Job

    connection = redis.Redis(port=redis_port)
    left = []
    with app.app_context():
        for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status != "sent")):
            try:
                job = Job.fetch(mail.job_id(m.id), connection=connection)
                task = (job.get_status(), job.started_at, job.retries_left)
            except Exception as error:
                task = (type(error).__name__,)
            left.append((m.id, m.status, m.attempts, m.interrupted, m.claimed_at, *task))
        db.session.remove()
    return left


def _all_sent(app, expected: int, timeout: float = 90) -> float | None:
    """The moment `expected` messages were all sent, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _sent(app) >= expected:
            return time.monotonic()
        time.sleep(0.25)
    return None


def _wait(ready, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.1)


def _workers(port: int) -> set[str]:
    """The names of the RQ workers registered on this test's Redis."""
    import redis
    from rq import Worker

    try:
        return {w.name for w in Worker.all(connection=redis.Redis(port=port))}
    except redis.RedisError:
        return set()


def _redis_answers(port: int) -> bool:
    import redis

    try:
        return redis.Redis(port=port, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False
