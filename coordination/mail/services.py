"""Queue a plain-text message with the transaction that caused it; a task delivers it."""

from pathlib import Path

from flask import current_app
from flask_mail import Message

from coordination import tasks
from coordination.extensions import db, mailer, utcnow

from .models import OutboxMessage


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
    """Send one queued message; safe to run again (a retry never sends twice)."""
    copy = db.session.get(OutboxMessage, message_id)
    if copy is None or copy.status == "sent" or not copy.recipient:
        return
    message = Message(
        subject=copy.subject,
        recipients=[copy.recipient],
        body=copy.body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    copy.attempts += 1
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
