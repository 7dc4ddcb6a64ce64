"""Advisors keep their consultation hours: weekly hours, absences and extra windows.

Weekly hours are Berlin wall-clock times and repeat; an extra window is one day's Berlin times,
turned into UTC here (a time the spring clock change skips is refused). Each change is one
transaction; the slot calculator picks it up with the next query, nothing is cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from startsmart.audit import service as audit
from startsmart.clock import BERLIN, NonexistentLocalTime, berlin_local_to_utc, berlin_today
from startsmart.conferences.models import Conference
from startsmart.consultations import schedule, slots
from startsmart.consultations.models import (
    AdvisorAbsence,
    Channel,
    Consultation,
    ExtraHours,
    WeeklyHours,
)
from startsmart.consultations.permissions import check_may_edit_availability
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_date
from startsmart.staff.models import Role, StaffUser

WEEKDAYS = (
    _l("Montag"),
    _l("Dienstag"),
    _l("Mittwoch"),
    _l("Donnerstag"),
    _l("Freitag"),
    _l("Samstag"),
    _l("Sonntag"),
)
MAX_NOTE = 200


@dataclass(frozen=True)
class ExtraWindowInput:
    """A one-off window as typed: one Berlin day with start and end time."""

    day: date
    start: time
    end: time
    channels: tuple[str, ...] = (Channel.ON_SITE.value,)
    conference_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Availability:
    """An advisor's hours as the staff page shows them: weekly, coming absences and windows."""

    advisor: StaffUser
    weekly: list[WeeklyHours]
    absences: list[AdvisorAbsence]
    extra: list[ExtraHours]


def advisor_or_none(advisor_id: int) -> StaffUser | None:
    """The staff account if it is an advisor (active or not)."""
    user = db.session.get(StaffUser, advisor_id)
    return user if user is not None and user.role is Role.ADVISOR else None


def _editable(advisor_id: int, actor: StaffUser) -> StaffUser:
    check_may_edit_availability(actor, advisor_id)
    advisor = advisor_or_none(advisor_id)
    if advisor is None:
        raise DomainError(_("Diese Beraterin oder diesen Berater gibt es nicht."))
    return advisor


def availability_of(advisor: StaffUser, now: datetime) -> Availability:
    """Weekly hours by day and time; absences and windows that are not over yet."""
    weekly = db.session.execute(
        sa.select(WeeklyHours)
        .where(WeeklyHours.advisor_id == advisor.id)
        .order_by(WeeklyHours.weekday, WeeklyHours.start_time)
    ).scalars()
    absences = db.session.execute(
        sa.select(AdvisorAbsence)
        .where(
            AdvisorAbsence.advisor_id == advisor.id,
            AdvisorAbsence.last_day >= berlin_today(now),
        )
        .order_by(AdvisorAbsence.first_day)
    ).scalars()
    extra = db.session.execute(
        sa.select(ExtraHours)
        .where(ExtraHours.advisor_id == advisor.id, ExtraHours.ends_at > now)
        .order_by(ExtraHours.starts_at)
    ).scalars()
    return Availability(advisor, list(weekly), list(absences), list(extra))


def preview(advisor_id: int, now: datetime, count: int = 10) -> list[slots.Slot]:
    """The advisor's next free slots as a municipality would see them (with notice)."""
    found = schedule.advisors([advisor_id])
    if not found:
        return []
    free = slots.advisor_slots(
        found[0], schedule.bookings(now, [advisor_id]), schedule.rules(), now
    )
    return free[:count]


def upcoming_conferences(now: datetime) -> list[Conference]:
    """Conferences an extra window can be linked to."""
    return list(
        db.session.execute(
            sa.select(Conference).where(Conference.ends_at > now).order_by(Conference.starts_at)
        ).scalars()
    )


def _channels(chosen: Iterable[str]) -> str:
    known = [c.value for c in Channel]
    picked = [value for value in known if value in set(chosen)]
    if not picked or len(set(chosen)) != len(picked):
        raise DomainError(_("Bitte wählen Sie mindestens eine Art des Gesprächs."), "channels")
    return ",".join(picked)


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def _berlin(instant: datetime) -> datetime:
    return instant.astimezone(BERLIN)


def add_weekly_hours(
    advisor_id: int,
    weekday: int,
    start: time,
    end: time,
    channels: Iterable[str],
    actor: StaffUser,
    now: datetime,
) -> WeeklyHours:
    """A recurring window; it must not overlap another one on the same weekday."""
    advisor = _editable(advisor_id, actor)
    if weekday not in range(7):
        raise DomainError(_("Bitte wählen Sie einen Wochentag."), "weekday")
    start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    if end <= start:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "end")
    channel_text = _channels(channels)
    clash = db.session.execute(
        sa.select(WeeklyHours)
        .where(
            WeeklyHours.advisor_id == advisor.id,
            WeeklyHours.weekday == weekday,
            WeeklyHours.start_time < end,
            WeeklyHours.end_time > start,
        )
        .limit(1)
    ).scalar_one_or_none()
    if clash is not None:
        raise DomainError(
            _(
                "Diese Zeit überschneidet sich mit den Sprechzeiten am %(weekday)s, "
                "%(start)s–%(end)s Uhr. Bitte ändern Sie die Zeit oder entfernen Sie zuerst "
                "die bestehenden Sprechzeiten.",
                weekday=WEEKDAYS[weekday],
                start=_hhmm(clash.start_time),
                end=_hhmm(clash.end_time),
            ),
            "start",
        )
    hours = WeeklyHours(
        advisor_id=advisor.id,
        weekday=weekday,
        start_time=start,
        end_time=end,
        channels=channel_text,
    )
    db.session.add(hours)
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor.id}")
    db.session.commit()
    return hours


_Owned = TypeVar("_Owned", WeeklyHours, AdvisorAbsence, ExtraHours)


def _owned(model: type[_Owned], row_id: int, actor: StaffUser, missing: str) -> _Owned:
    row = db.session.get(model, row_id)
    if row is None:
        raise DomainError(missing)
    _editable(row.advisor_id, actor)
    return row


def remove_weekly_hours(hours_id: int, actor: StaffUser, now: datetime) -> int:
    """Remove weekly hours; consultations already booked in them stay. Returns the advisor."""
    hours = _owned(WeeklyHours, hours_id, actor, _("Diese Sprechzeiten gibt es nicht mehr."))
    advisor_id = hours.advisor_id
    db.session.delete(hours)
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor_id}")
    db.session.commit()
    return advisor_id


def add_absence(
    advisor_id: int,
    first_day: date,
    last_day: date,
    note: str,
    actor: StaffUser,
    now: datetime,
) -> tuple[AdvisorAbsence, list[Consultation]]:
    """Whole days away. Returns the absence and the active consultations in it, which stay
    booked: the advisor hands them over or calls them off."""
    advisor = _editable(advisor_id, actor)
    if last_day < first_day:
        raise DomainError(_("Der letzte Tag darf nicht vor dem ersten Tag liegen."), "last_day")
    if last_day < berlin_today(now):
        raise DomainError(_("Diese Abwesenheit liegt ganz in der Vergangenheit."), "last_day")
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise DomainError(_("Höchstens %(n)d Zeichen.", n=MAX_NOTE), "note")
    absence = AdvisorAbsence(
        advisor_id=advisor.id, first_day=first_day, last_day=last_day, note=note
    )
    db.session.add(absence)
    days = slots.absence_days(first_day, last_day)
    clashes = list(
        db.session.execute(
            sa.select(Consultation)
            .where(
                Consultation.advisor_id == advisor.id,
                schedule.blocking_condition(now),
                Consultation.starts_at < days.ends_at,
                Consultation.ends_at > days.starts_at,
                Consultation.ends_at > now,
            )
            .order_by(Consultation.starts_at)
        ).scalars()
    )
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor.id}")
    db.session.commit()
    return absence, clashes


def remove_absence(absence_id: int, actor: StaffUser, now: datetime) -> int:
    """The advisor is available again on those days. Returns the advisor."""
    absence = _owned(AdvisorAbsence, absence_id, actor, _("Diese Abwesenheit gibt es nicht mehr."))
    advisor_id = absence.advisor_id
    db.session.delete(absence)
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor_id}")
    db.session.commit()
    return advisor_id


def _to_utc(day: date, at: time, field: str) -> datetime:
    try:
        return berlin_local_to_utc(day, at)
    except NonexistentLocalTime:
        raise DomainError(
            _(
                "%(time)s Uhr gibt es am %(day)s in Berlin nicht: Die Uhren springen um 2 Uhr "
                "auf 3 Uhr (Beginn der Sommerzeit). Bitte wählen Sie eine andere Uhrzeit.",
                time=_hhmm(at),
                day=berlin_date(day, "medium"),
            ),
            field,
        ) from None


def add_extra_hours(
    advisor_id: int, window: ExtraWindowInput, actor: StaffUser, now: datetime
) -> ExtraHours:
    """A one-off window, e.g. on site at a regional conference (then inside its hours)."""
    advisor = _editable(advisor_id, actor)
    starts_at = _to_utc(window.day, window.start, "start")
    ends_at = _to_utc(window.day, window.end, "end")
    if ends_at <= starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "end")
    if ends_at <= now:
        raise DomainError(_("Dieses Zeitfenster liegt in der Vergangenheit."), "day")
    channel_text = _channels(window.channels)
    label = " ".join(window.label.split())
    if len(label) > MAX_NOTE:
        raise DomainError(_("Höchstens %(n)d Zeichen.", n=MAX_NOTE), "label")
    conference = None
    if window.conference_id is not None:
        conference = db.session.get(Conference, window.conference_id)
        if conference is None:
            raise DomainError(_("Diese Regionalkonferenz gibt es nicht."), "conference")
        if starts_at < conference.starts_at or ends_at > conference.ends_at:
            raise DomainError(
                _(
                    "Das Zeitfenster muss innerhalb der Konferenz liegen: %(title)s, "
                    "%(day)s, %(start)s–%(end)s Uhr.",
                    title=conference.title,
                    day=berlin_date(conference.starts_at, "medium"),
                    start=_hhmm(_berlin(conference.starts_at).time()),
                    end=_hhmm(_berlin(conference.ends_at).time()),
                ),
                "start",
            )
    extra = ExtraHours(
        advisor_id=advisor.id,
        starts_at=starts_at,
        ends_at=ends_at,
        channels=channel_text,
        conference=conference,
        label=label or (conference.title if conference else ""),
    )
    db.session.add(extra)
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor.id}")
    db.session.commit()
    return extra


def remove_extra_hours(extra_id: int, actor: StaffUser, now: datetime) -> int:
    """Remove a one-off window; consultations booked in it stay. Returns the advisor."""
    extra = _owned(ExtraHours, extra_id, actor, _("Dieses Zeitfenster gibt es nicht mehr."))
    advisor_id = extra.advisor_id
    db.session.delete(extra)
    audit.record("availability.changed", actor, now, subject=f"staff_user:{advisor_id}")
    db.session.commit()
    return advisor_id
