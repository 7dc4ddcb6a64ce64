"""The mail outbox: every message is a row, written in the transaction that caused it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model


class OutboxStatus(LabelledEnum):
    QUEUED = "queued", _l("wartet")  # waiting for its first or next attempt (next_attempt_at)
    SENDING = "sending", _l("wird gesendet")  # claimed by a worker until lease_expires_at
    SENT = "sent", _l("gesendet")  # the SMTP server accepted it
    FAILED = "failed", _l("fehlgeschlagen")  # refused for good, or too many attempts


class OutboxMessage(Model):
    """One e-mail to one recipient, stored complete (RFC 5322 bytes) so delivery needs nothing
    but this row, and a retry sends exactly what the first attempt tried to send.

    A row may also start as an *intent* (``payload`` set, ``raw`` empty): the facts of the
    mail as they were when it was queued, rendered by the worker that first claims it, which
    stores ``raw`` and ``subject`` before it sends. Composing costs more than the rest of a
    registration, so the request that queues the mail does not do it under the date's lock.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "status"), default=OutboxStatus.QUEUED
    )
    recipient: Mapped[str] = mapped_column(sa.String(254))  # envelope recipient
    # For the staff list; the mail has it too. Until an intent is rendered: its kind.
    subject: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(64))  # e.g. "registration.invitation"
    reference: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # "registration:42"
    # Set for messages that must exist at most once (a reminder); a second insert fails.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    message_id: Mapped[str] = mapped_column(sa.String(200))  # the Message-ID header
    raw: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # None: an intent, not rendered
    # An intent: which renderer, and the snapshot it renders from (JSON; see outbox.renders).
    payload: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A worker's claim; after it expires (the worker died) another worker may take the row.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)  # the SMTP server's answer

    __table_args__ = (
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class AttemptOutcome(LabelledEnum):
    SENT = "sent", _l("gesendet")  # the SMTP server accepted it
    TEMPORARY = "temporary", _l("vorübergehender Fehler")  # 4xx, no answer: tried again later
    PERMANENT = "permanent", _l("dauerhafter Fehler")  # 5xx, or the mail could not be composed


class DeliveryAttempt(Model):
    """One try of a worker to hand a message to the SMTP server, with the server's answer.

    Written in the transaction that settles the message's status after the try, so the list
    and the status never disagree; the message's ``last_error`` is the newest of these answers.
    """

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # the message's attempt count at this try: 1 for the first
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[AttemptOutcome] = mapped_column(enum_column(AttemptOutcome, "outcome"))
    # The server's reply (or the error), at most REPLY_LENGTH characters, without the SMTP
    # credentials; emptied with the message's recipient by the privacy purge.
    reply: Mapped[str] = mapped_column(sa.String(500), default="")
    worker: Mapped[str] = mapped_column(sa.String(64))  # host:pid of the worker

    def __repr__(self) -> str:
        return f"<DeliveryAttempt {self.message_id}#{self.number} {self.outcome}>"
