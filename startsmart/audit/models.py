"""One row per staff action worth tracing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from startsmart.database import UTCDateTime
from startsmart.extensions import Model


class AuditEvent(Model):
    """Written in the same transaction as the change it records, so neither exists alone."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(sa.String(254))  # kept if the account goes away
    action: Mapped[str] = mapped_column(sa.String(64), index=True)  # e.g. "date.moved"
    subject: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # "event_date:5"
    # What changed, as JSON; may name people, so the retention purge empties it with the rest.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
