"""What the staff lists of consultations show: upcoming ones, and recently held ones."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from startsmart.consultations.models import BLOCKING, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser

RECENT_DAYS = 90


def _query(advisor_id: int | None) -> sa.Select[Consultation]:
    query = sa.select(Consultation).options(
        selectinload(Consultation.municipality), selectinload(Consultation.advisor)
    )
    if advisor_id is not None:
        query = query.where(Consultation.advisor_id == advisor_id)
    return query


def upcoming(now: datetime, advisor_id: int | None = None) -> list[Consultation]:
    """Pending and confirmed consultations that have not ended, the soonest first."""
    query = _query(advisor_id).where(Consultation.status.in_(BLOCKING), Consultation.ends_at >= now)
    return list(db.session.execute(query.order_by(Consultation.starts_at)).scalars())


def recent(
    now: datetime, advisor_id: int | None = None, days: int = RECENT_DAYS
) -> list[Consultation]:
    """Consultations held in the last ``days`` days, the latest first."""
    query = _query(advisor_id).where(
        Consultation.status == ConsultationStatus.CONFIRMED,
        Consultation.ends_at <= now,
        Consultation.ends_at > now - timedelta(days=days),
    )
    return list(db.session.execute(query.order_by(Consultation.starts_at.desc())).scalars())


def active_advisors() -> list[StaffUser]:
    """Everyone who can take consultations, by name."""
    return list(
        db.session.execute(
            sa.select(StaffUser)
            .where(StaffUser.active, StaffUser.role == Role.ADVISOR)
            .order_by(StaffUser.name, StaffUser.id)
        ).scalars()
    )
