"""A conference's programme: its sessions (plenary, workshops, breaks …), what staff may enter
and how the public page groups them.

Staff type Berlin wall-clock times on one of the conference's days; they are stored in UTC.
Sessions that start at the same moment run in parallel and form one time slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from startsmart.audit import service as audit
from startsmart.catalog.staff_dates import to_utc
from startsmart.catalog.staff_service import one_line, plain_text
from startsmart.clock import NonexistentLocalTime, berlin_local_to_utc, berlin_wall_time
from startsmart.conferences import choices, session_calendar, slot_changes, workshop_staff
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionKind,
)
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_date
from startsmart.registrations import mails
from startsmart.staff.models import StaffUser

MAX_CAPACITY = 10_000


@dataclass(frozen=True)
class SessionInput:
    """What staff entered; times are Berlin wall-clock times on ``day``."""

    kind: SessionKind
    title: str
    day: date
    starts: time
    ends: time
    title_en: str = ""
    room: str = ""
    description: str = ""
    description_en: str = ""
    speakers: str = ""
    capacity: int | None = None
    position: int = 0


@dataclass(frozen=True)
class TimeSlot:
    """Sessions starting at one moment: side by side on the public page."""

    starts_at: datetime
    sessions: list[ConferenceSession]


def sessions_of(conference_id: int) -> list[ConferenceSession]:
    """The programme in time order; parallel sessions by their position."""
    return list(
        db.session.execute(
            sa.select(ConferenceSession)
            .where(ConferenceSession.conference_id == conference_id)
            .order_by(ConferenceSession.starts_at, ConferenceSession.position, ConferenceSession.id)
        ).scalars()
    )


def with_programme(conference_ids: list[int]) -> set[int]:
    """Which of these conferences have at least one session."""
    if not conference_ids:
        return set()
    return set(
        db.session.execute(
            sa.select(ConferenceSession.conference_id)
            .where(ConferenceSession.conference_id.in_(conference_ids))
            .distinct()
        ).scalars()
    )


def time_slots(sessions: list[ConferenceSession]) -> list[TimeSlot]:
    """``sessions`` (in time order) grouped by their start."""
    slots: list[TimeSlot] = []
    for session in sessions:
        if slots and slots[-1].starts_at == session.starts_at:
            slots[-1].sessions.append(session)
        else:
            slots.append(TimeSlot(session.starts_at, [session]))
    return slots


def conference_days(conference: Conference) -> tuple[date, date]:
    """The first and last Berlin day of the conference."""
    return berlin_wall_time(conference.starts_at)[0], berlin_wall_time(conference.ends_at)[0]


def speaker_text(value: str) -> str:
    """One speaker a line, each line on its own, no empty lines."""
    lines = (one_line(line) for line in plain_text(value).split("\n"))
    return "\n".join(line for line in lines if line)


def _check(conference: Conference, data: SessionInput) -> dict:
    title = one_line(data.title)
    if not title:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), "title")
    first, last = conference_days(conference)
    if not first <= data.day <= last:
        raise DomainError(
            _(
                "Der Programmpunkt muss am Tag der Konferenz liegen (%(day)s).",
                day=berlin_date(first, "medium"),
            )
            if first == last
            else _(
                "Der Programmpunkt muss an einem Tag der Konferenz liegen (%(first)s bis "
                "%(last)s).",
                first=berlin_date(first, "medium"),
                last=berlin_date(last, "medium"),
            ),
            "day",
        )
    starts_at = to_utc(data.day, data.starts, "starts")
    ends_at = to_utc(data.day, data.ends, "ends")
    if ends_at <= starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "ends")
    if data.capacity is not None:
        if not data.kind.has_places:
            raise DomainError(
                _(
                    "Begrenzte Plätze gibt es nur bei Workshops und beim World Café. Bitte "
                    "lassen Sie das Feld leer."
                ),
                "capacity",
            )
        if not 1 <= data.capacity <= MAX_CAPACITY:
            raise DomainError(
                _("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=1, max=MAX_CAPACITY),
                "capacity",
            )
    return {
        "kind": data.kind,
        "title": title,
        "title_en": one_line(data.title_en),
        "room": one_line(data.room),
        "description": plain_text(data.description),
        "description_en": plain_text(data.description_en),
        "speakers": speaker_text(data.speakers),
        "capacity": data.capacity,
        "position": data.position,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }


def _record(
    action: str,
    session: ConferenceSession,
    actor: StaffUser,
    now: datetime,
    choices_dropped: int | None = None,
    **extra: Any,
) -> None:
    if choices_dropped is not None:
        extra["choices_dropped"] = choices_dropped
    audit.record(
        action,
        actor,
        now,
        subject=f"conference:{session.conference_id}",
        session=session.id,
        title=session.title,
        kind=session.kind.value,
        starts_at=session.starts_at.isoformat(),
        **extra,
    )


def add_session(
    conference_id: int, data: SessionInput, actor: StaffUser, now: datetime
) -> ConferenceSession:
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        raise DomainError(_("Diese Regionalkonferenz gibt es nicht."))
    session = ConferenceSession(conference_id=conference.id, **_check(conference, data))
    db.session.add(session)
    db.session.flush()
    _record("conference.session_added", session, actor, now)
    db.session.commit()
    return session


def change_session(
    session_id: int, data: SessionInput, actor: StaffUser, now: datetime
) -> ConferenceSession:
    """Change a session. Its places and waiting list stay with it wherever it moves; a person
    who then holds two choices in one time slot keeps one (``slot_changes``), and every
    calendar follows."""
    found = db.session.get(ConferenceSession, session_id)
    if found is None:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."))
    # Places are decided under the sessions' locks; a move can touch any slot of the day, so
    # all of the programme is locked, in the order of the ids like every other locker.
    locked = choices.lock_sessions([item.id for item in sessions_of(found.conference_id)])
    session = locked.get(session_id)
    if session is None:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."))
    conference = db.session.get(Conference, session.conference_id)
    assert conference is not None  # the foreign key cascades
    checked = _check(conference, data)
    taken = choices.seated_counts([session.id])[session.id]
    if taken and (checked["capacity"] or 0) < taken:
        raise DomainError(
            ngettext(
                "%(num)d Platz ist schon vergeben; weniger Plätze sind nicht möglich.",
                "%(num)d Plätze sind schon vergeben; weniger Plätze sind nicht möglich.",
                taken,
            ),
            "capacity",
        )
    for name, value in checked.items():
        setattr(session, name, value)
    db.session.flush()
    dropped = slot_changes.one_choice_per_slot(session.conference_id, session.id, locked, now)
    choices.settle(session, now)  # more places: the first in line move up
    _record("conference.session_changed", session, actor, now, choices_dropped=len(dropped))
    session_calendar.session_changed(session.id, now)  # calendars follow a move
    db.session.commit()
    return session


def delete_session(session_id: int, actor: StaffUser, now: datetime) -> None:
    """Delete a session nobody holds a place in or waits for. People with a place or on its
    waiting list are moved first (their choice is theirs: it is not lost silently); the
    message says how many there are."""
    # Counted under the session's lock: a choice made meanwhile is seen, not cascaded away.
    session = choices.lock_sessions([session_id]).get(session_id)
    if session is None:
        return  # deleted already (a second click): nothing left to do
    seated, waiting = choices.held(session.id)
    if seated or waiting:
        raise DomainError(still_held(session, seated, waiting))
    _delete(session, actor, now)
    db.session.commit()


@dataclass(frozen=True)
class Moved:
    """What ``move_all_and_delete`` did: how many got a place in ``target``, how many wait."""

    target: ConferenceSession
    seated: int
    waiting: int


def move_all_and_delete(
    session_id: int, target_id: int, actor: StaffUser, now: datetime, override: bool = False
) -> Moved:
    """Move everybody of a session into ``target_id`` (another session of its slot), then
    delete it, in one transaction. They go in the order they chose (those with a place first,
    then the waiting list in its order), each as a staff move (``workshop_staff.relocate``):
    a place while ``target`` has one (or beyond its places with ``override``), else the end of
    its waiting list. Calendars follow as for a move; the deleted session is cancelled."""
    found = db.session.get(ConferenceSession, session_id)
    if found is None:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."))
    if target_id == session_id:
        raise DomainError(
            _("Bitte wählen Sie einen anderen Programmpunkt desselben Zeitfensters."), "target"
        )
    locked = choices.lock_sessions([session_id, target_id])
    if session_id not in locked:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."))
    source, target = workshop_staff.check_same_slot(locked[session_id], locked.get(target_id))
    # Read under the locks; the source is not settled between the moves: a place freed in a
    # session about to go must not promote (and mail) anybody.
    moving = workshop_staff.participants(source.id)
    placed = [
        workshop_staff.relocate(
            row.choice, source, target, actor, now, override=override, queue_when_full=True
        )
        for row in moving
    ]
    choices.calendars_follow([row.registration.id for row in moving], now)
    for row, status in zip(moving, placed, strict=True):
        # Who waited and still waits has no calendar entry to follow: told by a mail of its own.
        place = choices.waiting_position(row.choice)
        if row.position is not None and status is ChoiceStatus.WAITING and place is not None:
            mails.workshop_waiting_moved(row.registration, source, target, place, now)
    seated = sum(1 for status in placed if status is ChoiceStatus.SEATED)
    _delete(source, actor, now, target=target.id, seated=seated, waiting=len(placed) - seated)
    db.session.commit()
    return Moved(target, seated, len(placed) - seated)


def _delete(session: ConferenceSession, actor: StaffUser, now: datetime, **moved: Any) -> None:
    _record("conference.session_deleted", session, actor, now, **moved)
    session_calendar.session_dropped(session.id, now)  # out of every calendar, by name
    db.session.delete(session)


def move_targets(session: ConferenceSession) -> list[ConferenceSession]:
    """The other sessions of the session's slot with a choice: where its people may go."""
    slot = workshop_staff.slot_holding(session)
    return [other for other in slot.sessions if other.id != session.id] if slot else []


def still_held(session: ConferenceSession, seated: int, waiting: int) -> str:
    """Why ``session`` cannot be deleted yet."""
    return _(
        "„%(title)s“ lässt sich noch nicht löschen: Plätze vergeben: %(seated)d, auf der "
        "Warteliste: %(waiting)d. Bitte verschieben Sie diese Personen zuerst in einen "
        "anderen Programmpunkt.",
        title=session.title,
        seated=seated,
        waiting=waiting,
    )


def follow_conference_day(conference_id: int, old_day: date, new_day: date) -> None:
    """When a conference moves to another day its programme moves along, each session at the
    same Berlin wall-clock time (by whole days if that time does not exist on the new day).
    Not committed: the caller moves the date and tells the calendars
    (``session_calendar.conference_changed``) in the same transaction."""
    if old_day == new_day:
        return
    shift = new_day - old_day
    for session in sessions_of(conference_id):
        session.starts_at = _moved(session.starts_at, shift)
        session.ends_at = max(
            _moved(session.ends_at, shift), session.starts_at + timedelta(minutes=1)
        )


def _moved(instant: datetime, shift: timedelta) -> datetime:
    day, at = berlin_wall_time(instant)
    try:
        return berlin_local_to_utc(day + shift, at)
    except NonexistentLocalTime:
        return instant + shift
