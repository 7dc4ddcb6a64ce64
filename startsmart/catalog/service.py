"""Reading the catalogue: offerings by format, their upcoming dates, and filtering those dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.clock import berlin_to_utc
from startsmart.database import LabelledEnum
from startsmart.extensions import db
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus

PAGE_SIZE = 20  # dates per catalogue page: a list people can scan, a page that renders fast

# The four Start Smart formats. Regional conferences have an offering of their own format for
# their registration, but they are listed on /regionalkonferenzen/, never in the catalogue.
CATALOGUE_FORMATS = tuple(f for f in OfferingFormat if f is not OfferingFormat.CONFERENCE)
# Initial consultations are booked as slots with an advisor; they have no dates to list.
DATED_FORMATS = tuple(f for f in CATALOGUE_FORMATS if f is not OfferingFormat.INITIAL_CONSULTATION)


def formats_overview() -> list[tuple[OfferingFormat, list[Offering]]]:
    """Each of the four formats, in the order of the source document, with its live offerings."""
    offerings = (
        db.session.execute(
            sa.select(Offering)
            .where(Offering.retired_at.is_(None), Offering.format.in_(CATALOGUE_FORMATS))
            .order_by(Offering.title)
        )
        .scalars()
        .all()
    )
    return [(fmt, [o for o in offerings if o.format is fmt]) for fmt in CATALOGUE_FORMATS]


def offering_by_slug(slug: str) -> Offering | None:
    """A catalogue offering; a conference's internal offering is not one (its page is the
    conference's)."""
    return db.session.execute(
        sa.select(Offering)
        .where(Offering.slug == slug, Offering.format.in_(CATALOGUE_FORMATS))
        .options(selectinload(Offering.topics))
    ).scalar_one_or_none()


def _upcoming(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(EventDate.status == EventDateStatus.PUBLISHED, EventDate.starts_at > now)


def upcoming_dates(now: datetime, offering: Offering | None = None) -> list[EventDate]:
    """Published dates that have not started yet, soonest first (of all catalogue offerings,
    or of ``offering``)."""
    query = (
        sa.select(EventDate)
        .where(_upcoming(now))
        .options(selectinload(EventDate.offering))
        .order_by(EventDate.starts_at)
    )
    if offering is not None:
        query = query.where(EventDate.offering_id == offering.id)
    else:
        query = query.where(
            EventDate.offering.has(Offering.format.in_(CATALOGUE_FORMATS)),
        )
    return list(db.session.execute(query).scalars().all())


def feed_dates(ended_after: datetime) -> list[EventDate]:
    """What the public feed lists: published and cancelled dates of every offering with dates,
    regional conferences included, that end after ``ended_after``; soonest first.

    Cancelled dates stay (as cancelled), so that a subscribed calendar shows the cancellation
    instead of losing the entry without a word; so do dates that took place, for a while."""
    return list(
        db.session.execute(
            sa.select(EventDate)
            .where(
                EventDate.status.in_((EventDateStatus.PUBLISHED, EventDateStatus.CANCELLED)),
                EventDate.ends_at > ended_after,
            )
            .options(selectinload(EventDate.offering))
            .order_by(EventDate.starts_at, EventDate.id)
        ).scalars()
    )


# -- Filtering the catalogue: format, topic, month (Berlin time), place, free seats -----------


class Place(LabelledEnum):
    """Where a date takes place, as the filter offers it (the value is the URL's ``?ort=``)."""

    ONLINE = "online", _l("Nur online")
    ON_SITE = "vor-ort", _l("Nur vor Ort")


@dataclass(frozen=True)
class DateFilter:
    """What the visitor chose; None (False) means "all". Only values from ``FilterChoices``
    get here."""

    format: OfferingFormat | None = None
    topic: Topic | None = None
    month: date | None = None  # the first day of a month in Berlin time
    place: Place | None = None
    free_only: bool = False  # only dates a newcomer would get a seat at, registration not closed

    @property
    def active(self) -> bool:
        chosen = (self.format, self.topic, self.month, self.place)
        return self.free_only or any(value is not None for value in chosen)


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers: formats with dates, topics of live offerings, and the
    months (Berlin time) that have upcoming dates."""

    formats: tuple[OfferingFormat, ...]
    topics: list[Topic]
    months: list[date]

    def pick(
        self,
        fmt: str | None,
        topic: str | None,
        month: str | None,
        place: str | None = None,
        free: str | None = None,
    ) -> DateFilter:
        """The filter for the given request values; a value that is not on offer (misspelt,
        tampered with, a month without dates) counts as "all" rather than as an error."""
        return DateFilter(
            format=next((f for f in self.formats if f.value == fmt), None),
            topic=next((t for t in self.topics if t.slug == topic), None),
            month=next((m for m in self.months if month_key(m) == month), None),
            place=next((p for p in Place if p.value == place), None),
            free_only=free == FREE_ONLY,
        )


FREE_ONLY = "1"  # the value of ``?frei=`` that asks for dates with free seats only


def month_key(month: date) -> str:
    """How a month appears in the URL: ``2027-01``."""
    return f"{month:%Y-%m}"


class berlin_month(FunctionElement[str]):  # lower case, like the SQL functions SQLAlchemy names
    """``'YYYY-MM'`` of a UTC timestamp in Berlin time, computed by the database."""

    type = sa.String()
    inherit_cache = True


@compiles(berlin_month, "postgresql")
def _berlin_month_postgresql(element: berlin_month, compiler: SQLCompiler, **kw: Any) -> str:
    at = compiler.process(element.clauses, **kw)
    return f"to_char(({at}) AT TIME ZONE 'Europe/Berlin', 'YYYY-MM')"


@compiles(berlin_month, "sqlite")
def _berlin_month_sqlite(element: berlin_month, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite knows no time zones. Berlin is UTC+1, and UTC+2 in summer time, which by the EU
    # rule (since 1996) runs from the last Sunday of March to the last Sunday of October, each
    # at 01:00 UTC. "31st, minus 6 days, then the next Sunday" is the month's last Sunday.
    at = compiler.process(element.clauses, **kw)
    year = f"strftime('%Y', {at})"
    summer = (
        f"{at} >= datetime({year} || '-03-31', '-6 days', 'weekday 0', '+1 hour') AND "
        f"{at} < datetime({year} || '-10-31', '-6 days', 'weekday 0', '+1 hour')"
    )
    return f"strftime('%Y-%m', {at}, CASE WHEN {summer} THEN '+2 hours' ELSE '+1 hour' END)"


def _listed(now: datetime) -> sa.Select[*tuple[Any, ...]]:  # no columns yet: callers add them
    """Upcoming dates as the catalogue lists them: published, not started, with a date format."""
    return (
        sa.select()
        .select_from(EventDate)
        .join(EventDate.offering)
        .where(_upcoming(now), Offering.format.in_(DATED_FORMATS))
    )


def filter_choices(now: datetime) -> FilterChoices:
    """The filter form's options (two queries, whatever the number of dates)."""
    topics = (
        db.session.execute(
            sa.select(Topic)
            .where(
                Topic.offerings.any(
                    sa.and_(Offering.retired_at.is_(None), Offering.format.in_(DATED_FORMATS))
                )
            )
            .order_by(Topic.name)
        )
        .scalars()
        .all()
    )
    key = berlin_month(EventDate.starts_at)
    keys = db.session.execute(_listed(now).add_columns(key).group_by(key).order_by(key)).scalars()
    months = [date(int(k[:4]), int(k[5:7]), 1) for k in keys]
    return FilterChoices(formats=DATED_FORMATS, topics=list(topics), months=months)


@dataclass(frozen=True)
class DatePage:
    """One page of the filtered dates, and how many there are in all."""

    dates: list[EventDate]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the Berlin month begins and the next one begins."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return berlin_to_utc(month, time(0)), berlin_to_utc(following, time(0))


def find_dates(now: datetime, chosen: DateFilter, page: int = 1, size: int = PAGE_SIZE) -> DatePage:
    """The upcoming dates matching ``chosen``, soonest first, one page of them, with the total.

    One query: the filter runs in the database, the offering comes with each date, and the
    total rides along as a window count. A page beyond the end gives the first page instead.
    """
    query = (
        _listed(now)
        .add_columns(EventDate, sa.func.count().over().label("total"))
        .options(contains_eager(EventDate.offering))
        .order_by(EventDate.starts_at, EventDate.id)
        .limit(size)
    )
    if chosen.format is not None:
        query = query.where(Offering.format == chosen.format)
    if chosen.topic is not None:
        query = query.where(Offering.topics.any(Topic.id == chosen.topic.id))
    if chosen.month is not None:
        begins, ends = month_bounds(chosen.month)
        query = query.where(EventDate.starts_at >= begins, EventDate.starts_at < ends)
    if chosen.place is Place.ONLINE:
        query = query.where(EventDate.venue.is_(None))  # as EventDate.is_online
    elif chosen.place is Place.ON_SITE:
        query = query.where(EventDate.venue.is_not(None))
    if chosen.free_only:
        query = query.where(*_bookable_with_a_seat(now))

    page = max(page, 1)
    rows = db.session.execute(query.offset((page - 1) * size)).all()
    if not rows and page > 1:
        page = 1
        rows = db.session.execute(query).all()
    total = rows[0].total if rows else 0
    return DatePage(dates=[row.EventDate for row in rows], total=total, number=page, size=size)


def _bookable_with_a_seat(now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of a date that a newcomer would get a seat at (``rules.gets_a_seat``: a seat
    free and nobody waiting) and whose registration has not closed. Those still to open count:
    their seats are free, and the row says from when.

    The seats come from one grouped pass over the registrations of upcoming dates, joined in
    as a subquery. A correlated count per date was estimated so dear on PostgreSQL that it
    switched on JIT compilation: about 50 ms of the 95 ms that filter took on the benchmark's
    1,000 dates."""
    seats = (
        sa.select(
            Registration.event_date_id,
            sa.func.count().filter(Registration.status.in_(HOLDING_A_SEAT)).label("holding"),
            sa.func.count()
            .filter(Registration.status == RegistrationStatus.WAITLISTED)
            .label("waiting"),
        )
        .join(EventDate, EventDate.id == Registration.event_date_id)
        .where(_upcoming(now))
        .group_by(Registration.event_date_id)
        .subquery()
    )
    taken = sa.select(seats.c.holding, seats.c.waiting).where(seats.c.event_date_id == EventDate.id)
    return (
        ~sa.exists(taken.where(sa.or_(seats.c.holding >= EventDate.capacity, seats.c.waiting > 0))),
        EventDate.capacity > 0,
        sa.or_(EventDate.registration_closes_at.is_(None), EventDate.registration_closes_at > now),
    )
