"""Seats of one date, always under that date's lock: count, expire holds, promote the waiting.

Every function here expects the caller to hold the lock from ``lock_date`` and to commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.registrations import mails
from startsmart.registrations.models import (
    HOLDING_A_SEAT,
    Registration,
    RegistrationStatus,
)
from startsmart.registrations.rules import free_seats


def lock_date(date_id: int) -> EventDate | None:
    """Lock the date row for the rest of the transaction (lock → check → write).

    PostgreSQL: SELECT … FOR UPDATE, so concurrent registrations for the same date queue up
    here. SQLite: every transaction already began with BEGIN IMMEDIATE (see database.py).
    REGISTRATION_LOCKING=False exists only for the test that proves the lock is needed.
    """
    query = sa.select(EventDate).where(EventDate.id == date_id)
    if current_app.config["REGISTRATION_LOCKING"]:
        query = query.with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def count(date_id: int, statuses: tuple[RegistrationStatus, ...]) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_date_id == date_id, Registration.status.in_(statuses)
        )
    ).scalar_one()


def holding(date_id: int) -> int:
    return count(date_id, HOLDING_A_SEAT)


def waiting(date_id: int) -> int:
    return count(date_id, (RegistrationStatus.WAITLISTED,))


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None if the registration is not on the waiting list."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.execute(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_date_id == registration.event_date_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            sa.or_(
                Registration.queued_at < registration.queued_at,
                sa.and_(
                    Registration.queued_at == registration.queued_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    ).scalar_one()
    return ahead + 1


def hold_until(now: datetime) -> datetime:
    return now + timedelta(hours=current_app.config["REGISTRATION_HOLD_HOURS"])


def give_seat(registration: Registration, now: datetime, promoted: bool = False) -> None:
    """A seat for ``registration``: confirmed at once if the address is already confirmed,
    otherwise held (pending) until the person confirms."""
    registration.queued_at = None
    if promoted:
        registration.promoted_at = now
    if registration.email_confirmed_at is not None:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.hold_expires_at = None
        mails.invitation(registration, now, promoted=promoted)
    else:
        registration.status = RegistrationStatus.PENDING
        registration.hold_expires_at = hold_until(now)
        if promoted:
            mails.promoted_please_confirm(registration, now)
        else:
            mails.confirm_request(registration, now)


def expire_overdue(date: EventDate, now: datetime) -> list[Registration]:
    """Pending registrations whose hold has run out lose their seat."""
    overdue = (
        db.session.execute(
            sa.select(Registration).where(
                Registration.event_date_id == date.id,
                Registration.status == RegistrationStatus.PENDING,
                Registration.hold_expires_at <= now,
            )
        )
        .scalars()
        .all()
    )
    for registration in overdue:
        registration.status = RegistrationStatus.EXPIRED
        registration.expired_at = now
        registration.hold_expires_at = None
        mails.expired(registration, now)
    return list(overdue)


def promote(date: EventDate, now: datetime) -> list[Registration]:
    """Give every free seat to the first in line, each seat exactly once (we hold the lock)."""
    seats = free_seats(date.capacity, holding(date.id))
    if seats == 0 or now >= date.starts_at:
        return []
    next_in_line = (
        db.session.execute(
            sa.select(Registration)
            .where(
                Registration.event_date_id == date.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.queued_at, Registration.id)
            .limit(seats)
        )
        .scalars()
        .all()
    )
    for registration in next_in_line:
        give_seat(registration, now, promoted=True)
    return list(next_in_line)


def settle(date: EventDate, now: datetime) -> None:
    """Bring the date up to date: expired holds freed, free seats given to the waiting."""
    expire_overdue(date, now)
    db.session.flush()
    promote(date, now)
