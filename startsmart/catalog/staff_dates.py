"""Staff create dates and change them. Times come in as Berlin wall-clock times.

Changes that registered people must hear of go through ``registrations.date_changes``
(time and place: ``move_date``; seats: ``change_capacity``; cancelling: ``cancel_date``),
which sends the calendar updates. What nobody needs to be told about (deadline, limit per
municipality, publishing) is changed here directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from startsmart import join_links
from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.catalog.staff_service import one_line
from startsmart.clock import NonexistentLocalTime, berlin_local_to_utc, berlin_wall_time
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_date
from startsmart.registrations import date_changes, seats
from startsmart.registrations.models import ACTIVE, Registration, RegistrationStatus
from startsmart.staff.models import StaffUser

EDITABLE_STATUSES = (EventDateStatus.DRAFT, EventDateStatus.PUBLISHED)


@dataclass(frozen=True)
class Deadline:
    """The registration deadline as entered; both empty means one day before the start."""

    day: date | None = None
    at: time | None = None


@dataclass(frozen=True)
class NewDate:
    day: date
    starts: time
    ends: time | None  # None: start plus the offering's duration
    online_url: str | None
    venue: str | None
    capacity: int | None  # None: the offering's default
    per_municipality_limit: int | None = None  # None: the offering's limit
    deadline: Deadline = Deadline()
    status: EventDateStatus = EventDateStatus.PUBLISHED
    note: str = ""  # optional, see ``note``
    note_en: str = ""


@dataclass(frozen=True)
class DateDetails:
    deadline: Deadline
    per_municipality_limit: int | None
    status: EventDateStatus
    # The note as staff left it: an empty one removes it.
    note: str
    note_en: str


def note(german: str | None, english: str | None) -> tuple[str, str]:
    """A date's note as stored, German and English: one line each, both empty for none. An
    English note needs its German one (German readers would get nothing)."""
    german, english = one_line(german), one_line(english)
    if english and not german:
        raise DomainError(_("Bitte schreiben Sie den Hinweis auch auf Deutsch."), "note")
    return german, english


def to_utc(day: date, at: time, field: str) -> datetime:
    """The UTC instant of a Berlin time typed into ``field``; a time that does not exist on
    that day (spring DST gap) is refused. In the repeated October hour, ``at.fold`` says which
    occurrence staff meant (``repeated_hour.settle`` asked them)."""
    try:
        return berlin_local_to_utc(day, at)
    except NonexistentLocalTime:
        raise DomainError(
            _(
                "%(time)s Uhr gibt es am %(day)s in Berlin nicht: Die Uhren springen um 2 Uhr "
                "auf 3 Uhr (Beginn der Sommerzeit). Bitte wählen Sie eine andere Uhrzeit.",
                time=at.strftime("%H:%M"),
                day=berlin_date(day, "medium"),
            ),
            field,
        ) from None


def _one_day_before(instant: datetime) -> datetime:
    """The same Berlin wall-clock time one day earlier (24 hours if that time does not exist)."""
    day, at = berlin_wall_time(instant)
    try:
        return berlin_local_to_utc(day - timedelta(days=1), at)
    except NonexistentLocalTime:
        return instant - timedelta(days=1)


def registration_deadline(deadline: Deadline, starts_at: datetime) -> datetime:
    """When registration closes: the deadline staff gave, or the day before the start."""
    if deadline.day is None and deadline.at is None:
        return _one_day_before(starts_at)
    if deadline.day is None or deadline.at is None:
        raise DomainError(
            _(
                "Bitte geben Sie Datum und Uhrzeit des Anmeldeschlusses an – oder lassen Sie beide "
                "Felder leer."
            ),
            "deadline_day" if deadline.day is None else "deadline_time",
        )
    closes_at = to_utc(deadline.day, deadline.at, "deadline_time")
    if closes_at > starts_at:
        raise DomainError(
            _("Der Anmeldeschluss darf nicht nach dem Beginn liegen."), "deadline_day"
        )
    return closes_at


def _place(
    online_url: str | None, venue: str | None, offering: Offering
) -> tuple[str | None, str | None]:
    url, venue = join_links.checked(online_url, "online_url"), one_line(venue) or None
    if not (url or venue or offering.default_join_url):
        raise DomainError(
            _("Bitte geben Sie einen Ort oder einen Link zur Online-Veranstaltung an."), "venue"
        )
    return url, venue


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit <= 0:
        raise DomainError(
            _("Mindestens eine Person je Kommune muss möglich sein."), "per_municipality_limit"
        )


def _not_in_the_past(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise DomainError(
            _("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie einen späteren."),
            "day",
        )


def _ends(day: date, ends: time, starts_at: datetime) -> datetime:
    ends_at = to_utc(day, ends, "ends")
    if ends_at <= starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "ends")
    return ends_at


def create_date(offering_id: int, data: NewDate, actor: StaffUser, now: datetime) -> EventDate:
    """A new date of the offering, as a draft or published at once."""
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        raise DomainError(_("Dieses Angebot gibt es nicht."))
    if offering.retired_at is not None:
        raise DomainError(
            _("Dieses Angebot ist eingestellt. Aktivieren Sie es, um neue Termine anzulegen.")
        )
    if offering.format is OfferingFormat.INITIAL_CONSULTATION:
        raise DomainError(
            _("Initialberatungen werden über Beratungszeiten gebucht, nicht über Termine.")
        )
    if data.status not in EDITABLE_STATUSES:
        raise DomainError(_("Bitte wählen Sie Entwurf oder veröffentlicht."), "status")
    starts_at = to_utc(data.day, data.starts, "starts")
    if data.ends is None:
        ends_at = starts_at + timedelta(minutes=offering.default_duration_minutes)
    else:
        ends_at = _ends(data.day, data.ends, starts_at)
    _not_in_the_past(starts_at, now)
    url, venue = _place(data.online_url, data.venue, offering)
    capacity = offering.default_capacity if data.capacity is None else data.capacity
    if capacity < 0:
        raise DomainError(_("Die Zahl der Plätze kann nicht negativ sein."), "capacity")
    _check_limit(data.per_municipality_limit)
    note_de, note_en = note(data.note, data.note_en)
    closes_at = registration_deadline(data.deadline, starts_at)
    if closes_at <= now and data.deadline == Deadline():
        raise DomainError(
            _(
                "Ein Tag vor Beginn ist schon vorbei. Bitte geben Sie einen Anmeldeschluss an "
                "(spätestens den Beginn)."
            ),
            "deadline_day",
        )
    if closes_at <= now:
        raise DomainError(
            _("Der Anmeldeschluss liegt in der Vergangenheit. Bitte geben Sie einen späteren an."),
            "deadline_day",
        )
    event_date = EventDate(
        offering=offering,
        starts_at=starts_at,
        ends_at=ends_at,
        online_url=url,
        venue=venue,
        capacity=capacity,
        per_municipality_limit=data.per_municipality_limit,
        registration_closes_at=closes_at,
        status=data.status,
        note=note_de,
        note_en=note_en,
        created_at=now,
        updated_at=now,
    )
    db.session.add(event_date)
    db.session.flush()
    audit.record(
        "date.created",
        actor,
        now,
        subject=f"event_date:{event_date.id}",
        offering=offering.title,
        starts_at=starts_at.isoformat(),
    )
    db.session.commit()
    return event_date


def move(
    date_id: int,
    day: date,
    starts: time,
    ends: time,
    online_url: str | None,
    venue: str | None,
    actor: StaffUser,
    now: datetime,
) -> int:
    """New time or place; everybody registered gets an update (see ``move_date``).
    Returns how many people were told."""
    event_date = db.session.get(EventDate, date_id)
    if event_date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    if event_date.starts_at <= now:
        raise DomainError(
            _("Dieser Termin hat schon begonnen; Zeit und Ort lassen sich nicht mehr ändern.")
        )
    starts_at = to_utc(day, starts, "starts")
    ends_at = _ends(day, ends, starts_at)
    _not_in_the_past(starts_at, now)
    url, venue = _place(online_url, venue, event_date.offering)
    place = date_changes.DatePlace(starts_at, ends_at, venue, url)
    return date_changes.move_date(date_id, place, actor, now)


def update_details(
    date_id: int, details: DateDetails, actor: StaffUser, now: datetime
) -> EventDate:
    """Deadline, limit per municipality, draft or published, the note: nobody needs a mail for
    these (a changed note shows on the pages and in the mails and calendar entries sent from
    then on).

    A deadline in the past closes the registration at once (on purpose, e.g. when the room is
    full). Back to draft only while nobody is registered.
    """
    event_date = seats.lock_date(date_id)
    if event_date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    if event_date.status is EventDateStatus.CANCELLED:
        raise DomainError(_("Ein abgesagter Termin kann nicht mehr geändert werden."))
    if details.status not in EDITABLE_STATUSES:
        raise DomainError(_("Bitte wählen Sie Entwurf oder veröffentlicht."), "status")
    _check_limit(details.per_municipality_limit)
    note_de, note_en = note(details.note, details.note_en)
    closes_at = registration_deadline(details.deadline, event_date.starts_at)
    if details.status is EventDateStatus.DRAFT and event_date.status is not details.status:
        if _active_registrations(event_date.id):
            raise DomainError(
                _("Für diesen Termin gibt es schon Anmeldungen; er kann kein Entwurf mehr sein."),
                "status",
            )
    event_date.registration_closes_at = closes_at
    event_date.per_municipality_limit = details.per_municipality_limit
    event_date.status = details.status
    event_date.note, event_date.note_en = note_de, note_en
    event_date.updated_at = now
    audit.record(
        "date.details",
        actor,
        now,
        subject=f"event_date:{event_date.id}",
        status=details.status.value,
        deadline=closes_at.isoformat(),
        limit=details.per_municipality_limit,
        note=note_de,
        note_en=note_en,
    )
    db.session.commit()
    return event_date


def _active_registrations(date_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_date_id == date_id, Registration.status.in_(ACTIVE)
        )
    ).scalar_one()


def dates_of(offering_id: int) -> list[EventDate]:
    """Every date of one offering, past ones too, the soonest first."""
    return list(
        db.session.execute(
            sa.select(EventDate)
            .where(EventDate.offering_id == offering_id)
            .order_by(EventDate.starts_at)
        ).scalars()
    )


def upcoming_dates(
    now: datetime, limit: int = 300, *, unconfirmed: bool = False
) -> list[EventDate]:
    """Dates that have not ended, in every status (drafts and cancelled ones too); with
    ``unconfirmed``, only those not cancelled where somebody has not confirmed their
    registration yet (the start page's figure)."""
    query = (
        sa.select(EventDate)
        .where(EventDate.ends_at > now)
        .options(selectinload(EventDate.offering))
        .order_by(EventDate.starts_at)
        .limit(limit)
    )
    if unconfirmed:
        query = query.where(
            EventDate.status != EventDateStatus.CANCELLED,
            sa.exists().where(
                Registration.event_date_id == EventDate.id,
                Registration.status == RegistrationStatus.PENDING,
            ),
        )
    return list(db.session.execute(query).scalars())


def resize(date_id: int, capacity: int, actor: StaffUser, now: datetime) -> int:
    """New number of seats (see ``change_capacity``); not on a cancelled date. Returns how many
    people moved up from the waiting list."""
    event_date = db.session.get(EventDate, date_id)
    if event_date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    if event_date.status is EventDateStatus.CANCELLED:
        raise DomainError(_("Ein abgesagter Termin kann nicht mehr geändert werden."))
    return date_changes.change_capacity(date_id, capacity, actor, now)
