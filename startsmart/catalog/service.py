"""Reading the catalogue: offerings by format and their upcoming dates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.extensions import db


def formats_overview() -> list[tuple[OfferingFormat, list[Offering]]]:
    """Each of the four formats, in the order of the source document, with its live offerings."""
    offerings = (
        db.session.execute(
            sa.select(Offering).where(Offering.retired_at.is_(None)).order_by(Offering.title)
        )
        .scalars()
        .all()
    )
    return [(fmt, [o for o in offerings if o.format is fmt]) for fmt in OfferingFormat]


def offering_by_slug(slug: str) -> Offering | None:
    return db.session.execute(
        sa.select(Offering).where(Offering.slug == slug).options(selectinload(Offering.topics))
    ).scalar_one_or_none()


def upcoming_dates(now: datetime, offering: Offering | None = None) -> list[EventDate]:
    """Published dates that have not started yet, soonest first."""
    query = (
        sa.select(EventDate)
        .where(EventDate.status == EventDateStatus.PUBLISHED, EventDate.starts_at > now)
        .options(selectinload(EventDate.offering))
        .order_by(EventDate.starts_at)
    )
    if offering is not None:
        query = query.where(EventDate.offering_id == offering.id)
    return list(db.session.execute(query).scalars().all())
