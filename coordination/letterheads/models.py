"""Letterheads (kop surat), signers, certificate numbers and the invitation letter."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from coordination.extensions import UTCDateTime, db, utcnow

# A kop has at most this many lines of names above the address (PEMERINTAH KABUPATEN …,
# DINAS …, BIDANG …, …).
KOP_LINES = 4


class Letterhead(db.Model):
    """The kop of one organising body: set once, chosen by each of its events."""

    __tablename__ = "letterheads"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The organiser who set it up; organisers of the events that use it may use and edit it.
    owner_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    line1: so.Mapped[str] = so.mapped_column(sa.String(200))
    line2: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    line3: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    line4: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    telephone: so.Mapped[str] = so.mapped_column(sa.String(80), default="", server_default="")
    website: so.Mapped[str] = so.mapped_column(sa.String(120), default="", server_default="")
    email: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    # Where its letters are signed ("Kraksaan, 23 November 2018").
    city: so.Mapped[str] = so.mapped_column(sa.String(80), default="", server_default="")
    logo: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    logo_mime: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    signers: so.Mapped[list["Signer"]] = so.relationship(
        back_populates="letterhead", order_by="Signer.id", cascade="all, delete-orphan"
    )

    @property
    def lines(self) -> list[str]:
        """The names of the kop, top to bottom, empty lines left out."""
        return [line for line in (self.line1, self.line2, self.line3, self.line4) if line]

    @property
    def label(self) -> str:
        return " / ".join(self.lines)


class Signer(db.Model):
    """Someone who signs an organising body's paperwork: name, jabatan, NIP, and optionally
    a scan of their signature and of the stamp (cap), printed when the organiser asks."""

    __tablename__ = "signers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    letterhead_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("letterheads.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    title: so.Mapped[str] = so.mapped_column(sa.String(160), default="", server_default="")
    nip: so.Mapped[str] = so.mapped_column(sa.String(32), default="", server_default="")
    signature: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    signature_mime: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    stamp: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    stamp_mime: so.Mapped[str | None] = so.mapped_column(sa.String(32))

    letterhead: so.Mapped[Letterhead] = so.relationship(back_populates="signers")


class CertificateNumber(db.Model):
    """A certificate's number, given once: reprints carry the same number."""

    __tablename__ = "certificate_numbers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    seq: so.Mapped[int]
    number: so.Mapped[str] = so.mapped_column(sa.String(160))
    issued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("event_id", "registration_id"),
        sa.UniqueConstraint("event_id", "seq"),
    )


class InvitationLetter(db.Model):
    """The wording of an event's surat undangan, typed once for all its invitees."""

    __tablename__ = "invitation_letters"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    number: so.Mapped[str] = so.mapped_column(sa.String(120), default="", server_default="")
    nature: so.Mapped[str] = so.mapped_column(sa.String(60), default="", server_default="")
    attachment: so.Mapped[str] = so.mapped_column(sa.String(60), default="", server_default="")
    subject: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    opening: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    closing: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    letter_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
