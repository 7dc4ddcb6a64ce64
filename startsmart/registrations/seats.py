"""Seats of one date, always under that date's lock: count, expire holds, promote the waiting.

Every function here expects the caller to hold the lock from ``lock_date`` and to commit.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from startsmart.catalog.models import EventDate, EventDateStatus, Offering
from startsmart.extensions import db
from startsmart.inserts import Row
from startsmart.municipalities.service import (
    KNOWN_MUNICIPALITY_ID,
    MunicipalityName,
    PersonRow,
    person_upsert,
    write_person,
)
from startsmart.registrations import mails
from startsmart.registrations.models import (
    ACTIVE,
    HOLDING_A_SEAT,
    Registration,
    RegistrationStatus,
)
from startsmart.registrations.rules import free_seats

# The statements of every registration are built once, with parameters: building one (and
# its cache key) costs more CPU than running it (see docs/performance.md).
_DATE = (
    sa.select(EventDate)
    .where(EventDate.id == sa.bindparam("date_id"))
    .options(joinedload(EventDate.offering, innerjoin=True))
    .execution_options(populate_existing=True)
)
_LOCKED_DATE = _DATE.with_for_update(of=EventDate)


def lock_date(date_id: int) -> EventDate | None:
    """Lock the date row for the rest of the transaction (lock → check → write).

    PostgreSQL: SELECT … FOR UPDATE, so concurrent registrations for the same date queue up
    here. SQLite: every transaction already began with BEGIN IMMEDIATE (see database.py).
    REGISTRATION_LOCKING=False exists only for the test that proves the lock is needed.

    The offering comes in the same statement (every caller needs its format or limit), but
    only the date's row is locked (FOR UPDATE OF): the dates of one offering must not queue
    behind each other.
    """
    query = _LOCKED_DATE if current_app.config["REGISTRATION_LOCKING"] else _DATE
    return db.session.execute(query, {"date_id": date_id}).scalar_one_or_none()


@dataclass(frozen=True)
class LockedDate(mails.DateFacts):
    """A date as a new registration reads it under the lock: what the rules and its first
    mail need. A registration is the busiest write there is, and loading the date and its
    offering as ORM objects cost more CPU than the statement (see docs/performance.md)."""

    status: EventDateStatus
    capacity: int
    municipality_limit: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None


_dates, _offerings, _registrations = EventDate.__table__, Offering.__table__, Registration.__table__
_DATE_FACTS = (
    sa.select(
        _dates.c.id,
        _dates.c.starts_at,
        _dates.c.ends_at,
        _dates.c.venue,
        _dates.c.online_url,
        _offerings.c.title,
        _offerings.c.summary,
        _offerings.c.slug,
        _offerings.c.format,
        _dates.c.status,
        _dates.c.capacity,
        sa.func.coalesce(
            _dates.c.per_municipality_limit, _offerings.c.per_municipality_limit
        ).label("municipality_limit"),
        _dates.c.registration_opens_at,
        _dates.c.registration_closes_at,
        KNOWN_MUNICIPALITY_ID.label("municipality_id"),
    )
    .join(_offerings, _offerings.c.id == _dates.c.offering_id)
    .where(_dates.c.id == sa.bindparam("date_id"))
)
_LOCKED_DATE_FACTS = _DATE_FACTS.with_for_update(of=_dates)


def lock_date_for_registration(
    date_id: int, municipality: MunicipalityName
) -> tuple[LockedDate | None, int | None]:
    """``lock_date`` for a new registration: the same lock, the date read as ``LockedDate``,
    and in the same statement the id of the known municipality of that name, if any (one
    round trip less on the busiest write; see docs/performance.md)."""
    query = _LOCKED_DATE_FACTS if current_app.config["REGISTRATION_LOCKING"] else _DATE_FACTS
    row = db.session.execute(query, {"date_id": date_id, **municipality.lookup()}).first()
    if row is None:
        return None, None
    offering = mails.OfferingFacts(
        title=row.title, summary=row.summary, slug=row.slug, format=row.format
    )
    date = LockedDate(
        id=row.id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        venue=row.venue,
        online_url=row.online_url,
        offering=offering,
        status=row.status,
        capacity=row.capacity,
        municipality_limit=row.municipality_limit,
        registration_opens_at=row.registration_opens_at,
        registration_closes_at=row.registration_closes_at,
    )
    return date, row.municipality_id


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

    def unsettled(self, date: EventDate | LockedDate, now: datetime) -> bool:
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


def _tally_statement(person_id: sa.ColumnElement[int]) -> sa.Select:
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


_TALLY = _tally_statement(sa.bindparam("person_id"))


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
    _hold_the_gap_open()
    return Tally(*row)


@dataclass(frozen=True)
class Newcomer:
    """What ``count_newcomer`` found out."""

    person: PersonRow
    tally: Tally
    registration_id: int  # reserved for the registration this person may get


@functools.cache
def _newcomer_statement(dialect_name: str) -> sa.Select:
    """PostgreSQL: the person's upsert (WITH … INSERT … RETURNING), the tally and the next
    registration id in one statement. Elsewhere the tally and the next id only: SQLite has no
    INSERT inside WITH; it writes the person first, and its tally names them by id."""
    if dialect_name == "postgresql":
        person = person_upsert(dialect_name, returning=True).cte("person")
        person_id = sa.select(person.c.id).scalar_subquery()
        next_id = sa.func.nextval(sa.func.pg_get_serial_sequence("registration", "id"))
        return (
            _tally_statement(person_id)
            .add_columns(person_id.label("person_id"), next_id.label("registration_id"))
            .add_cte(person)
        )
    # Every SQLite transaction here is BEGIN IMMEDIATE (the only writer): nobody takes this
    # id before our INSERT, and SQLite itself would choose the same one.
    next_id = sa.select(sa.func.coalesce(sa.func.max(_registrations.c.id), 0) + 1)
    return _tally_statement(sa.bindparam("person_id")).add_columns(
        next_id.scalar_subquery().label("registration_id")
    )


def count_newcomer(date_id: int, now: datetime, person: dict[str, Any]) -> Newcomer:
    """For somebody registering: write the person (``person``: from ``person_values``), take
    the date's tally with their own registration and their municipality's (the one they
    register for, ``person["municipality_id"]``: the statement names both alike) and reserve
    the id of their registration, so that it and its first mail can go in one statement
    (``inserts.insert_together``). One statement on PostgreSQL, two on SQLite.

    Like ``tally``, run it after ``lock_date_for_registration``, as a statement of its own."""
    dialect = db.session.get_bind().dialect.name
    parameters = {**person, "date_id": date_id, "now": now}
    if dialect == "postgresql":
        row = db.session.execute(_newcomer_statement(dialect), parameters).one()
        person_id = row.person_id
    else:
        person_id = write_person(person)
        row = db.session.execute(
            _newcomer_statement(dialect), {**parameters, "person_id": person_id}
        ).one()
    _hold_the_gap_open()
    return Newcomer(
        person=PersonRow(person_id, person["name"], person["email"]),
        tally=Tally(*row[:6]),
        registration_id=row.registration_id,
    )


def _hold_the_gap_open() -> None:
    if not current_app.config["REGISTRATION_LOCKING"]:
        # Only the control test runs without the lock. It holds the gap between counting and
        # writing open a moment, so the race it must show happens every time, not by luck.
        time.sleep(0.05)


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


def seat_state(email_confirmed: bool, now: datetime) -> dict[str, Any]:
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
        "hold_expires_at": hold_until(now),
        "queued_at": None,
    }


def give_seat(registration: Registration, now: datetime, promoted: bool = False) -> None:
    """A seat for ``registration`` (see ``seat_state``), and the mail that tells so."""
    if promoted:
        registration.promoted_at = now
    for column, value in seat_state(registration.email_confirmed_at is not None, now).items():
        setattr(registration, column, value)
    if registration.status is RegistrationStatus.CONFIRMED:
        mails.invitation(registration, now, promoted=promoted)
    elif promoted:
        mails.promoted_please_confirm(registration, now)
    else:
        mails.confirm_request(registration, now)


def new_registration(
    registration_id: int, date: LockedDate, person: PersonRow, columns: dict[str, Any]
) -> tuple[mails.Snapshot, Row]:
    """A new registration for ``person`` on ``date`` under the id ``count_newcomer`` reserved
    (``columns``: the rest of its row, its status among them), as its mails see it and as the
    row for the caller to insert (with its first mail, ``inserts.insert_together``). Rows, not
    an ORM object: its flush cost more CPU than the INSERT itself (see docs/performance.md)."""
    row = {
        "id": registration_id,
        "event_date_id": date.id,
        "person_id": person.id,
        "ical_sequence": 0,
        **columns,
    }
    registration = mails.Snapshot(
        id=registration_id,
        status=columns["status"],
        locale=columns["locale"],
        ical_sequence=0,
        hold_expires_at=columns.get("hold_expires_at"),
        email_confirmed_at=columns.get("email_confirmed_at"),
        token_expires_at=mails.token_expiry(date.ends_at),
        event_date=date,
        person=mails.PersonFacts(name=person.name, email=person.email),
    )
    return registration, (_registrations, row)


def expire_overdue(date: EventDate | LockedDate, now: datetime) -> list[Registration]:
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


def promote(date: EventDate | LockedDate, now: datetime) -> list[Registration]:
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


def settle(date: EventDate | LockedDate, now: datetime, counted: Tally | None = None) -> bool:
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
