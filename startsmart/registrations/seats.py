"""Seats of one date, always under that date's lock: count, expire holds, promote the waiting.

Every function here expects the caller to hold the lock from ``lock_date`` (or, registering,
``intake.lock``) and to commit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from startsmart import unconfirmed
from startsmart.catalog.models import EventDate
from startsmart.conferences import choices
from startsmart.extensions import db
from startsmart.registrations import mails
from startsmart.registrations.models import (
    ACTIVE,
    HOLDING_A_SEAT,
    Registration,
    RegistrationStatus,
)
from startsmart.registrations.rules import free_seats


# The statements of every registration are built once, with parameters: building one (and
# its cache key) costs more CPU than running it (see docs/performance.md). On first use, not
# at import: an ORM option configures every mapper, and not every model is imported yet.
@functools.cache
def _locked_date() -> sa.Select[EventDate]:
    return (
        sa.select(EventDate)
        .where(EventDate.id == sa.bindparam("date_id"))
        .options(joinedload(EventDate.offering, innerjoin=True))
        .execution_options(populate_existing=True)
        .with_for_update(of=EventDate)
    )


_registrations = Registration.__table__


class DateSeats(Protocol):
    """What the functions here need of a date: an ``EventDate``, or ``intake.LockedDate``."""

    @property
    def id(self) -> int: ...
    @property
    def capacity(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...


def lock_date(date_id: int) -> EventDate:
    """Lock the date row for the rest of the transaction (lock → check → write).

    PostgreSQL: SELECT … FOR UPDATE, so concurrent registrations for the same date queue up
    here. SQLite: every transaction already began with BEGIN IMMEDIATE (see database.py).

    The offering comes in the same statement (every caller needs its format or limit), but
    only the date's row is locked (FOR UPDATE OF): the dates of one offering must not queue
    behind each other.
    """
    return db.session.execute(_locked_date(), {"date_id": date_id}).scalar_one()


@dataclass(frozen=True)
class Tally:
    """What one query tells about a date's registrations (see ``tally``)."""

    holding: int  # pending or confirmed: a seat each
    waiting: int
    overdue: int  # pending holds that have run out and still count as held
    from_municipality: int  # active registrations of the given municipality
    mine: int | None  # the given person's active registration, if any
    last_queued: datetime | None  # queued_at of the last in line

    def end_of_queue(self, now: datetime) -> datetime:
        """``queued_at`` for somebody joining the waiting list now: after everybody already on
        it. ``now`` was read before the lock was granted, so a request that got the lock later
        may carry an earlier ``now``; it still joins at the end, in the order of the lock, which
        is the order in which people are told their place."""
        if self.last_queued is None or now > self.last_queued:
            return now
        return self.last_queued + timedelta(microseconds=1)

    def unsettled(self, date: DateSeats, now: datetime) -> bool:
        """Whether ``settle`` would change anything: a hold to expire, or a free seat that
        belongs to the first in line."""
        if self.overdue:
            return True
        return (
            bool(self.waiting)
            and free_seats(date.capacity, self.holding) > 0
            and (now < date.starts_at)
        )


def _one_of(column: sa.Column, values: tuple[Any, ...]) -> sa.ColumnElement[bool]:
    """``column IN (values)`` as ``column = a OR column = b``: SQLAlchemy renders an IN list
    anew for every execution of a statement (a tenth of this statement's CPU time)."""
    return sa.or_(*(column == value for value in values))


def tally_statement(person_id: sa.ColumnElement[int]) -> sa.Select:
    """The statement of ``tally``, naming the person by ``person_id`` (a parameter, or the
    person's upsert in ``intake.count``)."""
    # The table's columns, not the mapped attributes: a statement of ORM attributes takes the
    # ORM's execution path, which cost more CPU than running it (see docs/performance.md).
    columns = _registrations.c
    count = sa.func.count(columns.id)
    active = _one_of(columns.status, ACTIVE)
    return sa.select(
        count.filter(_one_of(columns.status, HOLDING_A_SEAT)),
        count.filter(columns.status == RegistrationStatus.WAITLISTED),
        count.filter(
            columns.status == RegistrationStatus.PENDING,
            columns.hold_expires_at <= sa.bindparam("now"),
        ),
        count.filter(active, columns.municipality_id == sa.bindparam("municipality_id")),
        sa.func.max(columns.id).filter(active, columns.person_id == person_id),
        sa.func.max(columns.queued_at).filter(columns.status == RegistrationStatus.WAITLISTED),
    ).where(columns.event_date_id == sa.bindparam("date_id"))


_TALLY = tally_statement(sa.bindparam("person_id"))


def tally(
    date_id: int,
    now: datetime,
    municipality_id: int | None = None,
    person_id: int | None = None,
) -> Tally:
    """Seats held, people waiting, overdue holds, the municipality's registrations, the
    person's own one (0 and None when not asked) and the end of the waiting list, with one
    query: conditional aggregates, as in ``queries.seats_by_date``.

    Run it after ``lock_date``, as a statement of its own: on PostgreSQL a statement sees
    what was committed before it began, so only then does it see every registration written
    by whoever held the lock before us."""
    row = db.session.execute(
        _TALLY,
        {
            "date_id": date_id,
            "now": now,
            "municipality_id": municipality_id,
            "person_id": person_id,
        },
    ).one()
    return Tally(*row)


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


def hold_until(now: datetime, starts_at: datetime) -> datetime:
    """How long an unconfirmed seat is held (see ``unconfirmed``)."""
    return unconfirmed.hold_until("REGISTRATION_HOLD_HOURS", now, starts_at)


def seat_state(email_confirmed: bool, now: datetime, starts_at: datetime) -> dict[str, Any]:
    """The columns of a registration that gets a seat: confirmed at once if the address is
    already confirmed, otherwise held (pending) until the person confirms."""
    if email_confirmed:
        return {
            "status": RegistrationStatus.CONFIRMED,
            "confirmed_at": now,
            "hold_expires_at": None,
            "queued_at": None,
        }
    return {
        "status": RegistrationStatus.PENDING,
        "hold_expires_at": hold_until(now, starts_at),
        "queued_at": None,
    }


def give_seat(registration: Registration, now: datetime, promoted: bool = False) -> None:
    """A seat for ``registration`` (see ``seat_state``), and the mail that tells so."""
    if promoted:
        registration.promoted_at = now
    confirmed = registration.email_confirmed_at is not None
    for column, value in seat_state(confirmed, now, registration.event_date.starts_at).items():
        setattr(registration, column, value)
    if registration.status is RegistrationStatus.CONFIRMED:
        mails.invitation(registration, now, promoted=promoted)
        choices.calendars_follow([registration.id], now)  # its workshops, now confirmed
    elif promoted:
        mails.promoted_please_confirm(registration, now)
    else:
        mails.confirm_request(registration, now)


def expire_overdue(date: DateSeats, now: datetime) -> list[Registration]:
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
        choices.release(registration.id, now)
    return list(overdue)


def promote(date: DateSeats, now: datetime) -> list[Registration]:
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


def settle(date: DateSeats, now: datetime, counted: Tally | None = None) -> bool:
    """Bring the date up to date: expired holds freed, free seats given to the waiting.

    One query finds out whether there is anything to do (usually not); ``counted`` is that
    query's answer if the caller has it already. True if something changed, so that counts
    taken before are stale.
    """
    if not (counted or tally(date.id, now)).unsettled(date, now):
        return False
    expire_overdue(date, now)
    db.session.flush()
    promote(date, now)
    return True
