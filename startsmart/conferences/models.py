"""A regional conference of the Modellprojekte Smart Cities."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from startsmart.database import UTCDateTime, utcnow
from startsmart.extensions import db


class Conference(db.Model):
    """A Regionalkonferenz: one day at one venue, e.g. 22 November 2022 in Flensburg."""

    __tablename__ = "conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    city: Mapped[str] = mapped_column(sa.String(120))
    venue: Mapped[str] = mapped_column(sa.String(300))  # building and address
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"
