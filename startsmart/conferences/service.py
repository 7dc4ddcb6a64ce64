"""Staff create and change regional conferences; each one's registration is kept in step.

A conference owns one internal offering (format ``CONFERENCE``, the same slug as the
conference, so links in mails lead to the conference page) and one date (``conference_id``
set). Time and place of that date change through ``registrations.date_changes.move_date``, so
everybody registered gets a calendar update; its seats through ``change_capacity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.catalog.slugs import slugify, unique_slug
from startsmart.catalog.staff_dates import Deadline, note, registration_deadline, to_utc
from startsmart.catalog.staff_service import one_line, plain_text
from startsmart.clock import berlin_wall_time
from startsmart.conferences import programme, session_calendar
from startsmart.conferences.models import Conference
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.registrations import date_changes, seats
from startsmart.staff.models import StaffUser

MAX_CAPACITY = 10_000
# People of one municipality per conference; the date's page lets staff change it.
MUNICIPALITY_LIMIT = 5


@dataclass(frozen=True)
class ConferenceInput:
    """What staff entered; times are Berlin wall-clock times."""

    title: str
    day: date
    starts: time
    ends: time
    city: str
    venue: str
    description: str
    capacity: int
    deadline: Deadline = Deadline()
    # "Workshopwahl bis"; both empty: the default (``choices.default_deadline``).
    choices_close: Deadline = Deadline()
    title_en: str = ""  # optional: English pages show the German text where empty
    description_en: str = ""
    # The note of the conference's date (``EventDate.note``), as on any date.
    note: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class _Checked:
    title: str
    city: str
    venue: str
    description: str
    starts_at: datetime
    ends_at: datetime
    closes_at: datetime
    choices_close_at: datetime | None
    title_en: str = ""
    description_en: str = ""
    note: str = ""
    note_en: str = ""


def upcoming(now: datetime) -> list[Conference]:
    """Conferences that have not ended, the soonest first."""
    return list(
        db.session.execute(
            sa.select(Conference).where(Conference.ends_at > now).order_by(Conference.starts_at)
        ).scalars()
    )


def all_conferences(now: datetime) -> tuple[list[Conference], list[Conference]]:
    """Coming conferences (soonest first) and past ones (latest first)."""
    rows = list(db.session.execute(sa.select(Conference).order_by(Conference.starts_at)).scalars())
    return [c for c in rows if c.ends_at > now], [c for c in reversed(rows) if c.ends_at <= now]


def by_slug(slug: str) -> Conference | None:
    return db.session.execute(
        sa.select(Conference).where(Conference.slug == slug)
    ).scalar_one_or_none()


def conference_date(conference_id: int) -> EventDate | None:
    """The date people register for (None for a conference made before registration existed)."""
    return db.session.execute(
        sa.select(EventDate)
        .join(EventDate.offering)
        .where(
            EventDate.conference_id == conference_id,
            Offering.format == OfferingFormat.CONFERENCE,
        )
        .order_by(EventDate.id)
        .limit(1)
    ).scalar_one_or_none()


def venue_line(venue: str, city: str) -> str:
    """The place as calendars show it: the venue, with the city unless it names it already."""
    return venue if city.casefold() in venue.casefold() else f"{venue}, {city}"


def _required(value: str, field: str) -> str:
    if not value:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), field)
    return value


def _check(data: ConferenceInput) -> _Checked:
    title = _required(one_line(data.title), "title")
    city = _required(one_line(data.city), "city")
    venue = _required(one_line(data.venue), "venue")
    starts_at = to_utc(data.day, data.starts, "starts")
    ends_at = to_utc(data.day, data.ends, "ends")
    if ends_at <= starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "ends")
    if not 0 <= data.capacity <= MAX_CAPACITY:
        raise DomainError(
            _("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=0, max=MAX_CAPACITY),
            "capacity",
        )
    deadline = registration_deadline(data.deadline, starts_at)
    choices_close_at = _choices_close(data.choices_close, starts_at)
    note_de, note_en = note(data.note, data.note_en)
    return _Checked(
        title,
        city,
        venue,
        plain_text(data.description),
        starts_at,
        ends_at,
        deadline,
        choices_close_at,
        one_line(data.title_en),
        plain_text(data.description_en),
        note_de,
        note_en,
    )


def _choices_close(given: Deadline, starts_at: datetime) -> datetime | None:
    """ "Workshopwahl bis" as entered (None: the default), at the latest the conference's start."""
    if given.day is None and given.at is None:
        return None
    if given.day is None or given.at is None:
        raise DomainError(
            _(
                "Bitte geben Sie Datum und Uhrzeit für das Ende der Workshopwahl an – oder "
                "lassen Sie beide Felder leer."
            ),
            "choices_day" if given.day is None else "choices_time",
        )
    closes_at = to_utc(given.day, given.at, "choices_time")
    if closes_at > starts_at:
        raise DomainError(
            _("Die Workshopwahl muss spätestens mit Beginn der Konferenz enden."), "choices_day"
        )
    return closes_at


def _slug_free(slug: str) -> bool:
    """Free for a conference and for its offering (they share it)."""
    taken = db.session.execute(
        sa.select(
            sa.or_(
                sa.exists().where(Conference.slug == slug),
                sa.exists().where(Offering.slug == slug),
            )
        )
    ).scalar_one()
    return not taken


def _summary(city: str) -> str:
    return _("Regionalkonferenz der Modellprojekte Smart Cities in %(city)s", city=city)


def _keep_offering_in_step(offering: Offering, checked: _Checked) -> None:
    """The conference's offering says what the conference says, in both languages (its
    summary in each whatever language the staff page is in)."""
    offering.title, offering.title_en = checked.title, checked.title_en
    with force_locale("de"):
        offering.summary = _summary(checked.city)
    with force_locale("en"):
        offering.summary_en = _summary(checked.city)
    offering.description = checked.description or checked.title
    offering.description_en = checked.description_en or checked.title_en


def create_conference(data: ConferenceInput, actor: StaffUser, now: datetime) -> Conference:
    """A new conference, published at once, with its offering and date for registration."""
    checked = _check(data)
    if checked.starts_at <= now:
        raise DomainError(
            _("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie einen späteren."),
            "day",
        )
    if checked.closes_at <= now:
        raise DomainError(
            _("Der Anmeldeschluss liegt in der Vergangenheit. Bitte geben Sie einen späteren an."),
            "deadline_day",
        )
    base = slugify(checked.title, fallback="regionalkonferenz")
    slug = unique_slug(base, lambda candidate: not _slug_free(candidate))
    conference = Conference(
        title=checked.title,
        slug=slug,
        city=checked.city,
        venue=checked.venue,
        description=checked.description,
        title_en=checked.title_en,
        description_en=checked.description_en,
        starts_at=checked.starts_at,
        ends_at=checked.ends_at,
        choices_close_at=checked.choices_close_at,
        created_at=now,
    )
    db.session.add(conference)
    db.session.flush()
    _add_date(conference, checked, data.capacity, now)
    audit.record(
        "conference.created",
        actor,
        now,
        subject=f"conference:{conference.id}",
        title=conference.title,
        starts_at=conference.starts_at.isoformat(),
    )
    _commit()
    return conference


def _add_date(conference: Conference, checked: _Checked, capacity: int, now: datetime) -> None:
    offering = Offering(
        format=OfferingFormat.CONFERENCE,
        slug=conference.slug,
        default_capacity=capacity,
        default_duration_minutes=max(
            int((checked.ends_at - checked.starts_at).total_seconds() // 60), 1
        ),
        per_municipality_limit=MUNICIPALITY_LIMIT,
        created_at=now,
    )
    _keep_offering_in_step(offering, checked)
    db.session.add(
        EventDate(
            offering=offering,
            conference_id=conference.id,
            starts_at=checked.starts_at,
            ends_at=checked.ends_at,
            venue=venue_line(checked.venue, checked.city),
            capacity=capacity,
            registration_closes_at=checked.closes_at,
            status=EventDateStatus.PUBLISHED,
            note=checked.note,
            note_en=checked.note_en,
            created_at=now,
            updated_at=now,
        )
    )


def _commit() -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DomainError(
            _(
                "Gleichzeitig wurde eine Konferenz mit demselben Namen gespeichert. Bitte senden "
                "Sie das Formular noch einmal."
            ),
            "title",
        ) from None


def update_conference(
    conference_id: int, data: ConferenceInput, actor: StaffUser, now: datetime
) -> int:
    """Change the conference and its registration date. Returns how many registered people were
    told of a new time or place (calendar updates, see ``move_date``).

    Every rule is checked before anything is written. Texts, deadline, time/place, the
    programme moving along and every calendar update about it are saved in one transaction; a
    new number of seats, which may move people up from the waiting list, in a second one right
    after.
    """
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        raise DomainError(_("Diese Regionalkonferenz gibt es nicht."))
    checked = _check(data)
    event_date = conference_date(conference.id)
    if event_date is not None:
        event_date = seats.lock_date(event_date.id)
    moved = (checked.starts_at, checked.ends_at) != (conference.starts_at, conference.ends_at)
    venue_changed = (checked.venue, checked.city) != (conference.venue, conference.city)
    place_changed = moved or venue_changed
    if place_changed and conference.starts_at <= now:
        raise DomainError(
            _("Die Konferenz hat schon begonnen; Zeit und Ort lassen sich nicht mehr ändern."),
            "day",
        )
    if moved and checked.starts_at <= now:
        raise DomainError(
            _("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie einen späteren."),
            "day",
        )
    resize = event_date is not None and data.capacity != event_date.capacity
    if event_date is not None and resize:
        if event_date.status is EventDateStatus.CANCELLED:
            raise DomainError(
                _("Die Anmeldung zu dieser Konferenz ist abgesagt; die Plätze bleiben."),
                "capacity",
            )
        taken = seats.holding(event_date.id)
        if data.capacity < taken:
            raise DomainError(
                ngettext(
                    "%(num)d Platz ist schon vergeben; weniger Plätze sind nicht möglich.",
                    "%(num)d Plätze sind schon vergeben; weniger Plätze sind nicht möglich.",
                    taken,
                ),
                "capacity",
            )
    if place_changed and event_date is not None:
        if event_date.status is EventDateStatus.CANCELLED:
            raise DomainError(
                _("Die Anmeldung zu dieser Konferenz ist abgesagt; Zeit und Ort bleiben."), "day"
            )

    programme.follow_conference_day(
        conference.id, berlin_wall_time(conference.starts_at)[0], data.day
    )
    conference.title, conference.title_en = checked.title, checked.title_en
    conference.city, conference.venue = checked.city, checked.venue
    conference.description, conference.description_en = checked.description, checked.description_en
    conference.starts_at, conference.ends_at = checked.starts_at, checked.ends_at
    conference.choices_close_at = checked.choices_close_at
    if event_date is None:
        _add_date(conference, checked, data.capacity, now)
    else:
        _keep_offering_in_step(event_date.offering, checked)
        event_date.registration_closes_at = checked.closes_at
        # Like a date's details: a changed note shows from now on, nobody is sent a mail.
        event_date.note, event_date.note_en = checked.note, checked.note_en
        event_date.updated_at = now
    audit.record(
        "conference.updated",
        actor,
        now,
        subject=f"conference:{conference.id}",
        title=conference.title,
        starts_at=conference.starts_at.isoformat(),
        note=checked.note,
        note_en=checked.note_en,
    )
    told = 0
    if event_date is not None and place_changed:
        place = date_changes.DatePlace(
            checked.starts_at, checked.ends_at, venue_line(checked.venue, checked.city), None
        )
        told = date_changes.move_date(event_date.id, place, actor, now, commit=False)
        # The sessions' calendar entries follow, with the date's new place, in the same
        # transaction: a failure leaves neither the date moved nor any calendar behind.
        session_calendar.conference_changed(conference_id, now, venue_changed)
    db.session.commit()
    if event_date is not None and resize:
        date_changes.change_capacity(event_date.id, data.capacity, actor, now)
    return told
