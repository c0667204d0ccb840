"""Queue a plain-text message with the transaction that caused it; a task delivers it."""

import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Message

from coordination import tasks
from coordination.extensions import db, utcnow

from .models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A failed attempt (the mail server refused or was away) is tried again after this pause,
# when RQ's own retries are spent or there is no RQ.
RETRY_FAILED_AFTER = timedelta(minutes=5)
# RQ stops an attempt after this long (a mail server that hangs): shorter than the lease
# (MAIL_LEASE_SECONDS), so an attempt still running is never taken for a dead one.
ATTEMPT_TIMEOUT = 60
# Each SMTP read or write gives up after this long. RQ's timeout (above) needs Redis; without
# it the attempt runs in a thread of the app, and a server that accepts and then says nothing
# would hold that thread, and the message's "sending" claim, forever.
SMTP_TIMEOUT = 30


def outbox_dir() -> Path:
    return Path(current_app.config["OUTBOX_DIR"])


def send(recipient: str, subject: str, body: str, event_id: int | None = None) -> OutboxMessage:
    """Through SMTP when MAIL_SERVER is configured; otherwise as an .eml file to read."""
    smtp = bool(current_app.config.get("MAIL_SERVER_CONFIGURED"))
    copy = OutboxMessage(
        event_id=event_id,
        recipient=recipient,
        subject=subject,
        body=body,
        transport="smtp" if smtp else "file",
    )
    db.session.add(copy)
    db.session.flush()
    tasks.enqueue(deliver, copy.id, job_id=job_id(copy.id), timeout=ATTEMPT_TIMEOUT)
    return copy


def job_id(message_id: int) -> str:
    """The task's name on the queue, so the sweep can see whether it is still there."""
    return f"deliver-{message_id}"


def deliver(message_id: int) -> None:
    """Send one queued message. It is claimed first, so two runs never both send it.

    The claim is committed before the message leaves: should this process die while
    sending, the row says "sending" and the sweep records the attempt as interrupted,
    instead of the message going out again as if it had never been tried."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(("queued", "failed")),
            OutboxMessage.recipient != "",
        )
        .values(status="sending", attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
    )
    if claimed.rowcount != 1:
        return  # sent already, being sent, or purged
    tasks.commit_progress()
    copy = db.session.get(OutboxMessage, message_id)
    db.session.refresh(copy)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    message = Message(
        subject=copy.subject, recipients=[copy.recipient], body=copy.body, sender=sender
    )
    # The same Message-ID on every attempt: a copy sent again after an interrupted attempt
    # is recognisably the same message to the recipient's mail system.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message.msgId = f"<rakor-outbox-{copy.id}.{copy.created_at:%Y%m%d%H%M%S}@{domain}>"
    try:
        if copy.transport == "smtp":
            with TimedConnection(current_app.extensions["mail"]) as connection:
                connection.send(message)
        else:
            _write_file(copy, message.as_bytes())
    except Exception as error:
        copy.status, copy.error = "failed", (str(error) or type(error).__name__)[:500]
        tasks.commit_progress()  # the attempt is recorded; the worker retries the job
        raise
    copy.status, copy.sent_at, copy.error = "sent", utcnow(), ""
    db.session.flush()


class TimedConnection(Connection):
    """Flask-Mail's connection, opened with a socket timeout (Flask-Mail sets none)."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config.get("SMTP_TIMEOUT", SMTP_TIMEOUT)
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _write_file(copy: OutboxMessage, content: bytes) -> None:
    """The message as <stamp>-<id>.eml, whole or not at all. After an interrupted attempt
    the file may be there already: then this attempt has nothing left to write."""
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if copy.interrupted and any(folder.glob(f"*-{copy.id:08d}.eml")):
        return
    partial = folder / f".{copy.id:08d}.partial"
    partial.write_bytes(content)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    partial.replace(folder / f"{stamp}-{copy.id:08d}.eml")


def requeue_stuck(now: datetime | None = None) -> int:
    """Queue again every message that should be on its way and is not; returns how many.

    Runs every MAIL_SWEEP_SECONDS while workers run (and once when `flask worker --burst`
    starts). It finds messages
    - still queued MAIL_STALE_SECONDS after they were written, whose task is on no queue
      (Redis was away when they were queued, restarted empty, or their process died);
    - "sending" for longer than MAIL_LEASE_SECONDS: the process sending them died, so the
      attempt counts as interrupted (the recipient may have it) and another one follows at
      once;
    - failed with attempts left, RETRY_FAILED_AFTER after their last attempt, when no retry
      is scheduled any more.
    The claim in deliver() keeps a message queued twice from being sent twice.
    """
    config = current_app.config
    now = now or utcnow()
    lease = now - timedelta(seconds=config["MAIL_LEASE_SECONDS"])
    stale = now - timedelta(seconds=config["MAIL_STALE_SECONDS"])
    # Attempts cut off by a crash: on record as interrupted, then queued for another one
    # (or given up, after MAX_ATTEMPTS).
    cut_off = (OutboxMessage.status == "sending", OutboxMessage.claimed_at < lease)
    if db.session.scalar(sa.select(sa.exists().where(*cut_off))):  # no write when none
        db.session.execute(
            sa.update(OutboxMessage)
            .where(*cut_off)
            .values(
                status=sa.case((OutboxMessage.attempts < MAX_ATTEMPTS, "queued"), else_="failed"),
                interrupted=OutboxMessage.interrupted + 1,
            )
        )
    candidates = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.recipient != "",
            sa.or_(
                sa.and_(
                    OutboxMessage.status == "queued",
                    sa.or_(OutboxMessage.created_at < stale, OutboxMessage.interrupted > 0),
                ),
                sa.and_(
                    OutboxMessage.status == "failed",
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                    sa.or_(
                        OutboxMessage.claimed_at.is_(None),
                        OutboxMessage.claimed_at < now - RETRY_FAILED_AFTER,
                    ),
                ),
            ),
        )
    ).all()
    queued = []
    for message_id in candidates:
        if tasks.task_alive(job_id(message_id), started_after=lease):
            continue
        tasks.enqueue(deliver, message_id, job_id=job_id(message_id), timeout=ATTEMPT_TIMEOUT)
        queued.append(message_id)
    if queued:
        shown = ", ".join(map(str, queued[:20])) + (", …" if len(queued) > 20 else "")
        log.info("mail sweep: %d undelivered message(s) queued again (ids %s)", len(queued), shown)
    return len(queued)
