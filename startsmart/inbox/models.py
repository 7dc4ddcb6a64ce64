"""What the mailbox reader keeps: each message it acted on (once), and the calendar answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime
from startsmart.extensions import Model


class CalendarAnswer(LabelledEnum):
    """PARTSTAT of an iTIP REPLY (RFC 5545 3.2.12), as far as the app acts on it."""

    ACCEPTED = "accepted", _l("zugesagt")
    TENTATIVE = "tentative", _l("vorbehaltlich zugesagt")
    DECLINED = "declined", _l("abgelehnt")


class ProcessedMail(Model):
    """A message of the KTS mailbox the reader acted on. The unique Message-ID makes acting
    idempotent: a second reader, or the same message read again, fails on the insert and
    changes nothing."""

    __tablename__ = "processed_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(998), unique=True)
    # "reply", "bounce", "auto_reply": what the message was
    kind: Mapped[str] = mapped_column(sa.String(20))
    # What came of it, for whoever looks ("registration 12 cancelled", "person 7 undeliverable")
    outcome: Mapped[str] = mapped_column(sa.String(200))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def __repr__(self) -> str:
        return f"<ProcessedMail {self.id} {self.kind}>"
