"""From the database to the slot calculator: advisors' hours, absences, bookings, rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.consultations.models import (
    BLOCKING,
    AdvisorAbsence,
    Consultation,
    ConsultationStatus,
    ExtraHours,
    WeeklyHours,
)
from startsmart.consultations.slots import (
    Absence,
    AdvisorAvailability,
    Booking,
    ExtraWindow,
    Slot,
    SlotRules,
    WeeklyWindow,
    absence_days,
    free_slots,
)
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser


def rules(walk_in: bool = False) -> SlotRules:
    """The office-wide rules; staff booking a walk-in on site need no notice."""
    config = current_app.config
    return SlotRules(
        duration=timedelta(minutes=config["CONSULTATION_DURATION_MINUTES"]),
        buffer=timedelta(minutes=config["CONSULTATION_BUFFER_MINUTES"]),
        notice=timedelta(0) if walk_in else timedelta(hours=config["CONSULTATION_NOTICE_HOURS"]),
        horizon=timedelta(weeks=config["CONSULTATION_HORIZON_WEEKS"]),
        max_per_day=config["CONSULTATION_MAX_PER_DAY"],
        channels=frozenset(config["CONSULTATION_CHANNELS"]),
    )


def _channels(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def advisors(advisor_ids: Iterable[int] | None = None) -> list[AdvisorAvailability]:
    """Every active advisor's availability (four queries, however many advisors)."""
    query = sa.select(StaffUser.id).where(StaffUser.active, StaffUser.role == Role.ADVISOR)
    if advisor_ids is not None:
        query = query.where(StaffUser.id.in_(list(advisor_ids)))
    ids = list(db.session.execute(query.order_by(StaffUser.id)).scalars())
    weekly: dict[int, list[WeeklyWindow]] = {i: [] for i in ids}
    extra: dict[int, list[ExtraWindow]] = {i: [] for i in ids}
    absent: dict[int, list[Absence]] = {i: [] for i in ids}
    for row in db.session.execute(
        sa.select(WeeklyHours).where(WeeklyHours.advisor_id.in_(ids))
    ).scalars():
        weekly[row.advisor_id].append(
            WeeklyWindow(row.weekday, row.start_time, row.end_time, _channels(row.channels))
        )
    for extra_row in db.session.execute(
        sa.select(ExtraHours).where(ExtraHours.advisor_id.in_(ids))
    ).scalars():
        extra[extra_row.advisor_id].append(
            ExtraWindow(
                extra_row.starts_at,
                extra_row.ends_at,
                _channels(extra_row.channels),
                extra_row.label or None,
            )
        )
    for absence in db.session.execute(
        sa.select(AdvisorAbsence).where(AdvisorAbsence.advisor_id.in_(ids))
    ).scalars():
        absent[absence.advisor_id].append(absence_days(absence.first_day, absence.last_day))
    return [
        AdvisorAvailability(i, tuple(weekly[i]), tuple(extra[i]), tuple(absent[i])) for i in ids
    ]


def blocking_condition(now: datetime) -> sa.ColumnElement[bool]:
    """Consultations that occupy their advisor: confirmed ones, and pending ones still held."""
    return sa.or_(
        Consultation.status == ConsultationStatus.CONFIRMED,
        sa.and_(
            Consultation.status == ConsultationStatus.PENDING,
            Consultation.hold_expires_at > now,
        ),
    )


def bookings(
    now: datetime, advisor_ids: Iterable[int] | None = None, exclude: int | None = None
) -> list[Booking]:
    """Bookings that block slots from today on (the day limit needs the whole Berlin day)."""
    query = sa.select(Consultation.advisor_id, Consultation.starts_at, Consultation.ends_at).where(
        Consultation.status.in_(BLOCKING),
        blocking_condition(now),
        Consultation.ends_at > now - timedelta(days=1),
    )
    if advisor_ids is not None:
        query = query.where(Consultation.advisor_id.in_(list(advisor_ids)))
    if exclude is not None:
        query = query.where(Consultation.id != exclude)
    return [Booking(a, s, e) for a, s, e in db.session.execute(query).all()]


def free(
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    channel: str | None = None,
    walk_in: bool = False,
    exclude: int | None = None,
) -> list[Slot]:
    """Free slots over all advisors (the municipality does not pick an advisor). ``exclude``
    is a consultation being moved: its own time and buffer do not block the new one."""
    return free_slots(
        advisors(), bookings(now, exclude=exclude), rules(walk_in), now, start, end, channel
    )


def load(advisor_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Active consultations per advisor from now on: who has the least to do."""
    ids = list(advisor_ids)
    counted = dict(
        db.session.execute(
            sa.select(Consultation.advisor_id, sa.func.count(Consultation.id))
            .where(
                Consultation.advisor_id.in_(ids),
                blocking_condition(now),
                Consultation.starts_at >= now,
            )
            .group_by(Consultation.advisor_id)
        ).all()
    )
    return {i: counted.get(i, 0) for i in ids}


def last_assigned(advisor_ids: Iterable[int]) -> dict[int, datetime | None]:
    """When each advisor last got a consultation: among equally loaded, the longest idle goes
    first, so ties rotate instead of always landing on the same person."""
    ids = list(advisor_ids)
    latest = dict(
        db.session.execute(
            sa.select(Consultation.advisor_id, sa.func.max(Consultation.created_at))
            .where(Consultation.advisor_id.in_(ids))
            .group_by(Consultation.advisor_id)
        ).all()
    )
    return {i: latest.get(i) for i in ids}
