"""What the staff start page shows for the signed-in person's role: the day at a glance.

Advisors see their own consultations of today and tomorrow (Berlin days) with missing video
links, and their overdue follow-ups; the event team sees the dates of the next days with
their seats and waiting lists, registrations waiting for confirmation, failed mails and
municipalities waiting for review; admins see all of it, everybody's consultations included.

Three queries at most whatever the history: the figures in one statement of scalar
subqueries, the consultations of the two days, the dates with their counts (correlated
subqueries on the registration's date-and-status index, and the window's size by ``OVER``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.consultations import followup
from startsmart.consultations.models import (
    BLOCKING,
    Channel,
    Consultation,
    ConsultationStatus,
)
from startsmart.consultations.video_links import lacks_link
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.municipalities import review
from startsmart.municipalities.models import Municipality
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus
from startsmart.registrations.queries import Seats
from startsmart.staff.models import Role, StaffUser

DATE_DAYS = 14  # how far ahead the list of dates looks
DATE_ROWS = 10  # at most this many dates; the rest is one link to the full list


@dataclass(frozen=True)
class Named:
    """A municipality as the lists link it (``macros/municipality.html``)."""

    id: int
    name: str


@dataclass(frozen=True)
class ConsultationRow:
    id: int
    starts_at: datetime
    ends_at: datetime
    channel: Channel
    status: ConsultationStatus
    municipality: Named | None  # None once anonymised
    advisor: str
    link_missing: bool  # a confirmed video consultation nobody has given a link yet


@dataclass(frozen=True)
class Consultations:
    everybody: bool  # admins see all advisors' consultations, advisors their own
    today: list[ConsultationRow]
    tomorrow: list[ConsultationRow]
    missing_links: int  # every upcoming one, not only the two days'
    overdue_follow_ups: int


@dataclass(frozen=True)
class DateRow:
    id: int
    title: str
    format: OfferingFormat
    status: EventDateStatus
    starts_at: datetime
    ends_at: datetime
    seats: Seats
    pending: int  # of those holding a seat, how many have not confirmed yet


@dataclass(frozen=True)
class Events:
    days: int
    dates: list[DateRow]
    more_dates: int  # dates in the window beyond the rows shown
    pending_registrations: int  # on dates that have not ended
    failed_mails: int
    unverified_municipalities: int


@dataclass(frozen=True)
class Day:
    today: date
    tomorrow: date
    consultations: Consultations | None  # None: not the role's work
    events: Events | None


def day(user: StaffUser, now: datetime) -> Day:
    today = berlin_today(now)
    tomorrow = today + timedelta(days=1)
    consults = user.has_role(Role.ADVISOR)
    events = user.has_role(Role.EVENT_TEAM)
    advisor_id = user.id if user.role is Role.ADVISOR else None
    figures = _figures(now, advisor_id, consults=consults, events=events)
    shown_consultations = None
    if consults:
        rows = _consultations(today, advisor_id)
        shown_consultations = Consultations(
            everybody=advisor_id is None,
            today=[r for r in rows if berlin_today(r.starts_at) == today],
            tomorrow=[r for r in rows if berlin_today(r.starts_at) == tomorrow],
            missing_links=figures["missing_links"],
            overdue_follow_ups=figures["overdue"],
        )
    shown_events = None
    if events:
        dates, total = _dates(now)
        shown_events = Events(
            days=DATE_DAYS,
            dates=dates,
            more_dates=total - len(dates),
            pending_registrations=figures["pending"],
            failed_mails=figures["failed"],
            unverified_municipalities=figures["unverified"],
        )
    return Day(today, tomorrow, shown_consultations, shown_events)


def _count(model: Any, *where: sa.ColumnElement[bool], join: Any = None) -> Any:
    query = sa.select(sa.func.count()).select_from(model)
    if join is not None:
        query = query.join(*join)
    return query.where(*where).scalar_subquery()


def _figures(now: datetime, advisor_id: int | None, *, consults: bool, events: bool) -> dict:
    """Every count of the page in one statement."""
    mine = [Consultation.advisor_id == advisor_id] if advisor_id is not None else []
    columns = {}
    if consults:
        columns["overdue"] = _count(Consultation, followup.is_overdue(now), *mine)
        columns["missing_links"] = _count(
            Consultation,
            lacks_link(),
            Consultation.status == ConsultationStatus.CONFIRMED,
            Consultation.ends_at > now,
            *mine,
            join=(StaffUser, StaffUser.id == Consultation.advisor_id),
        )
    if events:
        columns["pending"] = _count(
            Registration,
            Registration.status == RegistrationStatus.PENDING,
            EventDate.ends_at > now,
            EventDate.status != EventDateStatus.CANCELLED,
            join=(EventDate, EventDate.id == Registration.event_date_id),
        )
        columns["failed"] = _count(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED)
        columns["unverified"] = _count(Municipality, review.is_unverified())
    if not columns:
        return {}
    row = db.session.execute(sa.select(*(c.label(name) for name, c in columns.items()))).one()
    return dict(row._mapping)


def _consultations(today: date, advisor_id: int | None) -> list[ConsultationRow]:
    """Today's and tomorrow's pending and confirmed consultations, the earliest first."""
    starts = berlin_to_utc(today, time(0))
    ends = berlin_to_utc(today + timedelta(days=2), time(0))
    missing = sa.and_(lacks_link(), Consultation.status == ConsultationStatus.CONFIRMED)
    query = (
        sa.select(
            Consultation.id,
            Consultation.starts_at,
            Consultation.ends_at,
            Consultation.channel,
            Consultation.status,
            Municipality.id.label("town_id"),
            Municipality.name.label("town"),
            StaffUser.name.label("advisor"),
            sa.case((missing, True), else_=False).label("missing_link"),
        )
        .join(StaffUser, StaffUser.id == Consultation.advisor_id)
        .outerjoin(Municipality, Municipality.id == Consultation.municipality_id)
        .where(
            Consultation.status.in_(BLOCKING),
            Consultation.starts_at >= starts,
            Consultation.starts_at < ends,
        )
        .order_by(Consultation.starts_at, Consultation.id)
    )
    if advisor_id is not None:
        query = query.where(Consultation.advisor_id == advisor_id)
    return [
        ConsultationRow(
            row.id,
            row.starts_at,
            row.ends_at,
            row.channel,
            row.status,
            Named(row.town_id, row.town) if row.town_id is not None else None,
            row.advisor,
            bool(row.missing_link),
        )
        for row in db.session.execute(query)
    ]


def _registrations(*statuses: RegistrationStatus) -> Any:
    return (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_date_id == EventDate.id, Registration.status.in_(statuses))
        .correlate(EventDate)
        .scalar_subquery()
    )


def _dates(now: datetime) -> tuple[list[DateRow], int]:
    """The next dates that have not ended, drafts too but not cancelled ones, with their
    seats; and how many dates the window holds in all."""
    rows = db.session.execute(
        sa.select(
            EventDate.id,
            Offering.title,
            Offering.format,
            EventDate.status,
            EventDate.starts_at,
            EventDate.ends_at,
            EventDate.capacity,
            _registrations(*HOLDING_A_SEAT).label("holding"),
            _registrations(RegistrationStatus.WAITLISTED).label("waiting"),
            _registrations(RegistrationStatus.PENDING).label("pending"),
            sa.func.count().over().label("in_window"),
        )
        .join(Offering, Offering.id == EventDate.offering_id)
        .where(
            EventDate.ends_at > now,
            EventDate.starts_at < now + timedelta(days=DATE_DAYS),
            EventDate.status != EventDateStatus.CANCELLED,
        )
        .order_by(EventDate.starts_at, EventDate.id)
        .limit(DATE_ROWS)
    ).all()
    dates = [
        DateRow(
            id=row.id,
            title=row.title,
            format=row.format,
            status=row.status,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            seats=Seats(row.capacity, row.holding, row.waiting),
            pending=row.pending,
        )
        for row in rows
    ]
    return dates, rows[0].in_window if rows else 0
