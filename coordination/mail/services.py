"""Queue a plain-text message with the transaction that caused it; a task delivers it."""

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from coordination import tasks
from coordination.extensions import db, mailer, utcnow

from .models import OutboxMessage

STUCK_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5


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
    tasks.enqueue(deliver, copy.id)
    return copy


def deliver(message_id: int) -> None:
    """Send one queued message. It is claimed first, so two runs never both send it."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(("queued", "failed")),
            OutboxMessage.recipient != "",
        )
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
    )
    if claimed.rowcount != 1:
        return  # sent already, being sent, or purged
    copy = db.session.get(OutboxMessage, message_id)
    db.session.refresh(copy)
    message = Message(
        subject=copy.subject,
        recipients=[copy.recipient],
        body=copy.body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    try:
        if copy.transport == "smtp":
            mailer.send(message)
        else:
            folder = outbox_dir()
            folder.mkdir(parents=True, exist_ok=True)
            stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
            (folder / f"{stamp}-{copy.id:08d}.eml").write_bytes(message.as_bytes())
    except Exception as error:
        copy.status, copy.error = "failed", str(error)[:500]
        db.session.commit()  # the attempt is recorded; the worker retries the job
        raise
    copy.status, copy.sent_at, copy.error = "sent", utcnow(), ""
    db.session.flush()


def requeue_stuck(now: datetime | None = None) -> int:
    """Messages a crashed process never delivered: queue them again (workers run this at start).

    A message still queued, or failed with attempts left, ten minutes after it was written
    goes back on the queue; the claim in deliver() keeps it from being sent twice.
    """
    now = now or utcnow()
    stuck = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.status.in_(("queued", "failed")),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            OutboxMessage.created_at < now - STUCK_AFTER,
        )
    ).all()
    for message_id in stuck:
        tasks.enqueue(deliver, message_id)
    return len(stuck)
