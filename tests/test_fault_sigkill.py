"""A gunicorn worker killed with SIGKILL in the middle of a registration burst.

Real gunicorn (2 gthread workers) on the test database (SQLite, or TEST_DATABASE_URL), with
CSRF and everything as in production. Twenty phones register at once for fewer seats than
people; when a quarter of them have been answered, one worker is killed without warning.
Afterwards: no half-written registration (each has its answer and its queued e-mail), every
person who was shown "Your seat is confirmed." has a confirmed row, every accepted form has a
row, and there are never more confirmed people than seats. Without Redis the e-mails go out on
the app's own threads: those the killed worker held are sent by the sweep of the others while
the server keeps running (every 2 s here, 20 s in production), each once.
"""

import http.cookiejar
import os
import re
import signal
import socket
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

import sqlalchemy as sa

from coordination.events.models import Event
from coordination.extensions import db, utcnow
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Answer, Registration
from coordination.registration.questions import QuestionData, add_question

from . import factories

ROOT = Path(__file__).resolve().parent.parent
SEATS = 60
PEOPLE = 160
CLIENTS = 20
KILL_AFTER = PEOPLE // 4
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


class Phone:
    """One participant's browser: a cookie jar, the form's CSRF token, no redirects followed."""

    def __init__(self, base: str, slug: str) -> None:
        self.base, self.slug = base, slug
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, NoRedirect())
        self.token = self._csrf()

    def _csrf(self) -> str:
        for _attempt in range(20):  # the first try may meet the killed worker
            try:
                with self.opener.open(f"{self.base}/e/{self.slug}", timeout=20) as page:
                    return CSRF.search(page.read().decode()).group(1)
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError("the registration form never loaded")

    def register(self, n: int, question_id: int) -> tuple[str, str | None]:
        """('confirmed' | 'waiting' | 'accepted' | 'refused' | 'error', link token)."""
        form = {
            "csrf_token": self.token,
            "full_name": f"Peserta Uji {n}",
            "organisation": f"Koperasi {n % 13}",
            "phone": f"0812{7 * 10**7 + n:08d}",
            "email": f"peserta{n}@example.org",
            f"question_{question_id}": f"A-{n}",
        }
        data = urllib.parse.urlencode(form).encode()
        try:
            self.opener.open(f"{self.base}/e/{self.slug}", data=data, timeout=20)
            return "refused", None  # 200: the form again (full, or an error)
        except urllib.error.HTTPError as answer:
            if answer.code != 302:
                return "error", None
            location = answer.headers["Location"]
        except OSError:
            return "error", None  # the connection died with the worker
        token = re.search(r"/r/([^/?]+)", location).group(1)
        try:
            with self.opener.open(urllib.parse.urljoin(self.base, location), timeout=20) as page:
                shown = page.read().decode()
        except OSError:
            return "accepted", token  # saved, but the phone never saw its page
        if "status-confirmed" in shown:
            return "confirmed", token
        return ("waiting" if "status-waiting" in shown else "accepted"), token


def test_a_worker_killed_mid_burst_leaves_no_half_row_and_loses_no_confirmed_seat(app, tmp_path):
    with app.app_context():
        organiser = factories.make_user("organiser")
        now = utcnow()
        slug = factories.make_event(
            organiser["id"],
            capacity=SEATS,
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=3),
            registration_opens_at=now - timedelta(days=1),
        )
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        question = add_question(event, QuestionData("Nomor anggota", "short_text", required=True))
        db.session.commit()
        question_id, event_id = question.id, event.id
        db.engine.dispose()  # the app servers are the only writers now

    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="fault-test",
        RATELIMIT_ENABLED="0",
        OUTBOX_DIR=str(tmp_path / "outbox"),
        LOG_FORMAT="plain",
        PYTHONPATH=str(ROOT),
        MAIL_SWEEP_SECONDS="2",
        MAIL_STALE_SECONDS="4",
        MAIL_LEASE_SECONDS="6",
    )
    for name in ("MAIL_SERVER", "REDIS_URL"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "/dev/null", "--no-control-socket"]
        + ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    outcomes: dict[int, tuple[str, str | None]] = {}
    killed: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(workers_of(server.pid)) < 2 or not _answers(base + "/healthz"):
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        before = workers_of(server.pid)
        numbers = iter(range(PEOPLE))
        lock = threading.Lock()
        start = threading.Barrier(CLIENTS)

        def phone() -> None:
            browser = Phone(base, slug)
            start.wait()
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                outcome = browser.register(n, question_id)
                with lock:
                    outcomes[n] = outcome
                    if len(outcomes) == KILL_AFTER and not killed:
                        victim = sorted(workers_of(server.pid))[0]
                        os.kill(victim, signal.SIGKILL)
                        killed.append(victim)

        threads = [threading.Thread(target=phone) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "the burst did not finish"
        assert killed and killed[0] in before
        assert killed[0] not in workers_of(server.pid), "the killed worker is still there"
        # The e-mails the killed worker held go out while the server runs on.
        left, burst_over = _unsent(app, event_id), time.monotonic()
        while _unsent(app, event_id) and time.monotonic() < burst_over + 60:
            _answers(base + "/healthz")  # a request starts a new worker's sweep
            time.sleep(0.5)
        drained = time.monotonic() - burst_over
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    with app.app_context():
        rows = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id)
        ).all()
        answers = dict(
            db.session.execute(
                sa.select(Answer.registration_id, sa.func.count(Answer.id)).group_by(
                    Answer.registration_id
                )
            ).all()
        )
        mails = dict(
            db.session.execute(
                sa.select(OutboxMessage.recipient, sa.func.count(OutboxMessage.id))
                .where(OutboxMessage.event_id == event_id)
                .group_by(OutboxMessage.recipient)
            ).all()
        )
        by_token = {row.link_token: row for row in rows}

        # No half-written registration: each has its details, its one answer, its one e-mail.
        for row in rows:
            assert row.full_name and row.organisation and row.phone and row.email
            assert row.status in ("confirmed", "waiting")
            assert answers.get(row.id) == 1, f"{row.full_name} has no answer"
            assert mails.get(row.email) == 1, f"{row.full_name} has no e-mail queued"
        assert set(answers) <= {row.id for row in rows}
        # No lost confirmed registration: what a phone was shown is what the database holds.
        for n, (shown, token) in outcomes.items():
            if token is not None:
                assert token in by_token, f"registration {n} was accepted but is not saved"
            if shown in ("confirmed", "waiting"):
                assert by_token[token].status == shown, f"registration {n} showed {shown}"
        confirmed = sum(row.status == "confirmed" for row in rows)
        assert confirmed <= SEATS
        shown_confirmed = sum(shown == "confirmed" for shown, _token in outcomes.values())
        assert shown_confirmed <= confirmed
        # The burst outlived the kill: the seats filled up after all.
        assert confirmed == SEATS
        files = Counter(
            int(re.search(r"-(\d+)\.eml$", path.name).group(1))
            for path in (tmp_path / "outbox").glob("*.eml")
        )
        message_ids = db.session.scalars(
            sa.select(OutboxMessage.id).where(OutboxMessage.event_id == event_id)
        ).all()
    kinds = [shown for shown, _token in outcomes.values()]
    counts = {kind: kinds.count(kind) for kind in sorted(set(kinds))}
    print(f"killed worker {killed[0]}; outcomes {counts}; {len(rows)} rows, {confirmed} confirmed")
    print(f"e-mails not sent when the burst ended: {left}; all sent {drained:.1f} s later")
    # Every e-mail went out, once: one .eml file per outbox row.
    assert _unsent(app, event_id) == 0
    assert files == Counter({message_id: 1 for message_id in message_ids})


def _unsent(app, event_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.event_id == event_id, OutboxMessage.status != "sent"
            )
        )
        db.session.remove()
    return count


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False
