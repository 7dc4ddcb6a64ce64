"""A new registration, from the locked date to its first mail: the write path of
``service.register``, in the order it runs.

1. ``lock``: lock the date's row and read what the rules and the first mail need, with the id
   of the known municipality of the name given (one statement).
2. ``count``: write the person and take the date's tally (``seats.Tally``): one statement on
   PostgreSQL (the person's upsert inside WITH), two on SQLite.
3. ``write``: the registration, its first mail (an outbox intent) and the consents given
   with it: an INSERT each.

Everything runs in the caller's transaction, and the lock of step 1 holds until the caller
commits: nobody else counts or writes for this date meanwhile, so a seat is never given twice,
and a failure anywhere rolls back all of it, the mail included (the outbox sends only what was
committed). The rows are written with Core INSERTs on the models' own tables, so SQLAlchemy
fills in every column default from the model exactly as a flush would
(``tests/registrations/test_write_path.py`` compares them); no ORM objects, because a flush
costs more CPU than the INSERT on the busiest write of the service (see docs/performance.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from startsmart.catalog.models import EventDate, EventDateStatus, Offering
from startsmart.extensions import db
from startsmart.invitations.outbox import queue_intent
from startsmart.municipalities.service import (
    KNOWN_MUNICIPALITY_ID,
    MunicipalityName,
    PersonRow,
    person_upsert,
    write_person,
)
from startsmart.registrations import mails
from startsmart.registrations.models import Consent, ConsentKind, Registration
from startsmart.registrations.seats import Tally, tally_statement

_dates, _offerings = EventDate.__table__, Offering.__table__
_registrations, _consents = Registration.__table__, Consent.__table__

# -- 1. lock the date ----------------------------------------------------------------------


@dataclass(frozen=True)
class LockedDate(mails.DateFacts):
    """A date as a new registration reads it under the lock: what the rules and its first
    mail need. Loading the date and its offering as ORM objects cost more CPU than the
    statement (see docs/performance.md)."""

    status: EventDateStatus
    capacity: int
    municipality_limit: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None


# Built once, with parameters: building a statement (and its cache key) costs more CPU than
# running it. FOR UPDATE OF the date only: the dates of one offering must not queue behind
# each other.
_LOCKED_DATE = (
    sa.select(
        _dates.c.id,
        _dates.c.starts_at,
        _dates.c.ends_at,
        _dates.c.venue,
        _dates.c.online_url,
        # EventDate.join_link in SQL: the date's own link, else (online) the offering's.
        sa.case(
            (
                _dates.c.venue.is_(None),
                sa.func.coalesce(_dates.c.online_url, _offerings.c.default_join_url),
            ),
            else_=_dates.c.online_url,
        ).label("join_link"),
        _dates.c.note,
        _dates.c.note_en,
        _offerings.c.title,
        _offerings.c.title_en,
        _offerings.c.summary,
        _offerings.c.summary_en,
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
    .with_for_update(of=_dates)
)


def lock(date_id: int, municipality: MunicipalityName) -> tuple[LockedDate | None, int | None]:
    """Lock the date for the rest of the transaction, as ``seats.lock_date`` does (PostgreSQL:
    SELECT … FOR UPDATE, so concurrent registrations for the date queue up here; SQLite: every
    transaction began with BEGIN IMMEDIATE, see database.py). Returns the date (None if there
    is none) and the id of the known municipality of that name, if any."""
    row = db.session.execute(_LOCKED_DATE, {"date_id": date_id, **municipality.lookup()}).first()
    if row is None:
        return None, None
    offering = mails.OfferingFacts(
        title=row.title,
        summary=row.summary,
        slug=row.slug,
        format=row.format,
        title_en=row.title_en,
        summary_en=row.summary_en,
    )
    date = LockedDate(
        id=row.id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        venue=row.venue,
        online_url=row.online_url,
        join_link=row.join_link,
        offering=offering,
        note=row.note,
        note_en=row.note_en,
        status=row.status,
        capacity=row.capacity,
        municipality_limit=row.municipality_limit,
        registration_opens_at=row.registration_opens_at,
        registration_closes_at=row.registration_closes_at,
    )
    return date, row.municipality_id


# -- 2. write the person, count the date -----------------------------------------------------


@dataclass(frozen=True)
class Newcomer:
    """The person registering, as written, and the date's tally with their own registration
    and their municipality's."""

    person: PersonRow
    tally: Tally


@functools.cache
def _person_and_tally(dialect_name: str, overwrite: bool) -> sa.Select:
    """PostgreSQL: the person's upsert (WITH … INSERT … RETURNING) and the tally in one
    statement. Elsewhere the tally only: SQLite has no INSERT inside WITH; ``count`` writes
    the person first, and the tally names them by id."""
    if dialect_name != "postgresql":
        return tally_statement(sa.bindparam("person_id"))
    person = person_upsert(dialect_name, returning=True, overwrite=overwrite).cte("person")
    person_id = sa.select(person.c.id).scalar_subquery()
    person_name = sa.select(person.c.name).scalar_subquery()
    return (
        tally_statement(person_id)
        .add_columns(person_id.label("person_id"), person_name.label("person_name"))
        .add_cte(person)
    )


def count(date_id: int, now: datetime, person: dict[str, Any], overwrite: bool) -> Newcomer:
    """Write the person (``person``: from ``person_values``) and take the date's tally, with
    their own active registration and their municipality's (``person["municipality_id"]``).
    ``overwrite`` (staff): a stored person takes the values given; otherwise they stay as
    stored until the address is confirmed (``municipalities.service.person_upsert``), and the
    newcomer carries the stored name.

    Run it after ``lock``, as a statement of its own: on PostgreSQL a statement sees what was
    committed before it began, so only then does it see every registration written by whoever
    held the lock before us."""
    dialect = db.session.get_bind().dialect.name
    parameters = {**person, "date_id": date_id, "now": now}
    if dialect == "postgresql":
        row = db.session.execute(_person_and_tally(dialect, overwrite), parameters).one()
        written = PersonRow(row.person_id, row.person_name, person["email"])
    else:
        written = write_person(person, overwrite)
        row = db.session.execute(
            _person_and_tally(dialect, overwrite), {**parameters, "person_id": written.id}
        ).one()
    return Newcomer(person=written, tally=Tally(*row[:6]))


# -- 3. write the registration and its first mail --------------------------------------------

# What the first mail needs of the stored row, the defaults the model filled in among them.
_INSERT_REGISTRATION = sa.insert(_registrations).returning(
    _registrations.c.id,
    _registrations.c.status,
    _registrations.c.locale,
    _registrations.c.ical_uid,
    _registrations.c.ical_sequence,
    _registrations.c.hold_expires_at,
    _registrations.c.email_confirmed_at,
)
_INSERT_CONSENT = sa.insert(_consents)


def write(
    date: LockedDate,
    person: PersonRow,
    columns: dict[str, Any],
    now: datetime,
    position: int | None,
    consents: list[ConsentKind],
) -> mails.Snapshot:
    """Insert the registration of ``person`` on ``date`` (``columns``: the rest of its row, its
    status among them; every column left out gets the model's default), queue its first mail
    (``mails.welcome``; ``position`` on the waiting list) and record ``consents``. Returns the
    registration as its mails see it."""
    row = db.session.execute(
        _INSERT_REGISTRATION, {"event_date_id": date.id, "person_id": person.id, **columns}
    ).one()
    registration = mails.Snapshot(
        id=row.id,
        status=row.status,
        locale=row.locale,
        ical_uid=row.ical_uid,
        ical_sequence=row.ical_sequence,
        hold_expires_at=row.hold_expires_at,
        email_confirmed_at=row.email_confirmed_at,
        token_expires_at=mails.token_expiry(date.ends_at),
        event_date=date,
        person=mails.PersonFacts(name=person.name, email=person.email),
    )
    queue_intent(mails.welcome(registration, now, position))
    if consents:
        db.session.execute(
            _INSERT_CONSENT,
            [
                {
                    "person_id": person.id,
                    "kind": kind,
                    "given_at": now,
                    "source": f"registration:{registration.id}",
                }
                for kind in consents
            ],
        )
    return registration
