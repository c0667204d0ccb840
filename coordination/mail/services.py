"""Send a plain-text message and keep a copy in the outbox table."""

from pathlib import Path

from flask import current_app
from flask_mail import Message

from coordination.extensions import db, mailer, utcnow

from .models import OutboxMessage


def outbox_dir() -> Path:
    return Path(current_app.config["OUTBOX_DIR"])


def send(recipient: str, subject: str, body: str, event_id: int | None = None) -> OutboxMessage:
    """Through SMTP when MAIL_SERVER is configured; otherwise as an .eml file to read."""
    message = Message(
        subject=subject,
        recipients=[recipient],
        body=body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    smtp = bool(current_app.config.get("MAIL_SERVER_CONFIGURED"))
    if smtp:
        mailer.send(message)
    else:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{abs(hash(recipient)) % 10**8:08d}.eml").write_bytes(message.as_bytes())
    copy = OutboxMessage(
        event_id=event_id,
        recipient=recipient,
        subject=subject,
        body=body,
        transport="smtp" if smtp else "file",
    )
    db.session.add(copy)
    db.session.flush()
    return copy
