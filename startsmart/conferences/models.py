"""A regional conference of the Modellprojekte Smart Cities.

A conference's registration is an ordinary ``EventDate`` (``conference_id`` set) of an internal
``Offering`` in the format ``CONFERENCE``; ``conferences.service`` keeps the two in step. Its
speed-dating session (``startsmart.speed_dating.models``) points here; a conference does not
know about it, so this package does not depend on the speed-dating one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import UTCDateTime
from startsmart.extensions import Model


class Conference(Model):
    """A Regionalkonferenz: one day at one venue, e.g. 22 November 2022 in Flensburg."""

    __tablename__ = "conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    city: Mapped[str] = mapped_column(sa.String(120))
    venue: Mapped[str] = mapped_column(sa.String(300))  # building and address
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(sa.Text, default="")  # the programme, plain text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"
