"""Choosing workshops: one session per time slot with a choice, seated or on its waiting list.

A time slot offers a choice where two or more of its sessions have limited places (workshops
and the World Café with a capacity). Registering for the conference picks one of them per such
slot; the person changes them through their manage link until the conference's "Workshopwahl
bis" (``deadline``). A full session puts the person on its waiting list, in the order of
``chosen_at``; a freed place goes to the first in line, exactly once, with one mail.

Places are decided under the session's row lock (``lock_sessions``: SELECT … FOR UPDATE OF
conference_session on PostgreSQL; on SQLite every transaction already began with BEGIN
IMMEDIATE, see database.py), as a date's seats are under ``registrations.seats.lock_date``.
Sessions are always locked in the order of their ids, after the date's lock where a caller
holds that one (registering, cancelling, an expired hold), so two transactions never wait
for each other in a circle.

Only choices of active registrations (pending, confirmed, waiting for the conference) count;
a registration that ends gives its places back (``release``, called by
``registrations.service`` and ``registrations.seats``).

This module must not import ``registrations.seats`` or ``registrations.service`` (they call it)
nor ``conferences.programme`` (which imports them through the catalogue).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.clock import berlin_local_to_utc, berlin_wall_time
from startsmart.conferences import session_calendar
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionChoice,
)
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.input_guard import database_int
from startsmart.registrations import mails
from startsmart.registrations.models import ACTIVE, Registration

# The default "Workshopwahl bis": the evening before the conference's first day, Berlin time,
# so the lists are final the morning the rooms are set up.
DEFAULT_DEADLINE_TIME = time(23, 59)
FIELD_PREFIX = "workshop_"


@dataclass(frozen=True)
class ChoiceSlot:
    """The sessions with places that start at one moment (two or more): one is chosen."""

    number: int  # 0 for the first slot of the day; the form field is ``field``
    starts_at: datetime
    sessions: list[ConferenceSession]

    @property
    def field(self) -> str:
        return f"{FIELD_PREFIX}{self.number}"


# -- pure rules ------------------------------------------------------------------------------


def choosable(session: ConferenceSession) -> bool:
    """A session somebody can choose: a workshop or World Café with a number of places."""
    return session.kind.has_places and session.capacity is not None


def choice_slots(sessions: Sequence[ConferenceSession]) -> list[ChoiceSlot]:
    """The slots of ``sessions`` (in programme order) that offer a choice."""
    by_start: dict[datetime, list[ConferenceSession]] = {}
    for session in sessions:
        if choosable(session):
            by_start.setdefault(session.starts_at, []).append(session)
    offered = [(start, group) for start, group in by_start.items() if len(group) >= 2]
    return [
        ChoiceSlot(number, start, group)
        for number, (start, group) in enumerate(sorted(offered, key=lambda pair: pair[0]))
    ]


def default_deadline(conference_starts_at: datetime) -> datetime:
    """23:59 Berlin time on the day before the conference."""
    first_day: date = berlin_wall_time(conference_starts_at)[0]
    return berlin_local_to_utc(first_day - timedelta(days=1), DEFAULT_DEADLINE_TIME)


def deadline(conference: Conference) -> datetime:
    """Until when people change their choices themselves (staff may move people later)."""
    return conference.choices_close_at or default_deadline(conference.starts_at)


def picks_by_slot(slots: Sequence[ChoiceSlot], raw: dict[str, str | None]) -> dict[int, int]:
    """The session chosen per slot (slot number → session id) from the form's values
    (``raw``: field name → the id as sent). Every slot needs one session of its own; anything
    else (no choice, an id of another slot or conference, not a number) is refused with a
    message for that slot's field."""
    picks: dict[int, int] = {}
    for slot in slots:
        value = (raw.get(slot.field) or "").strip()
        if not value:
            raise DomainError(_("Bitte wählen Sie einen der Programmpunkte."), slot.field)
        ids = {session.id for session in slot.sessions}
        try:
            session_id = database_int(value)
        except ValueError:
            session_id = -1  # "²", "1e3", too long: no session has it
        if session_id not in ids:
            raise DomainError(
                _(
                    "Diese Auswahl gibt es in diesem Zeitfenster nicht (mehr). Bitte wählen "
                    "Sie einen der angezeigten Programmpunkte."
                ),
                slot.field,
            )
        picks[slot.number] = session_id
    return picks


def check_ids(slots: Sequence[ChoiceSlot], session_ids: Sequence[int]) -> dict[int, int]:
    """``session_ids`` (a service's caller, not a form) as slot number → session id: each a
    session of a slot with a choice, at most one per slot."""
    slot_of = {session.id: slot for slot in slots for session in slot.sessions}
    picks: dict[int, int] = {}
    for session_id in session_ids:
        slot = slot_of.get(session_id)
        if slot is None:
            raise DomainError(
                _("Dieser Programmpunkt gehört zu keiner Auswahl dieser Regionalkonferenz.")
            )
        if slot.number in picks and picks[slot.number] != session_id:
            raise DomainError(
                _("Bitte wählen Sie je Zeitfenster nur einen Programmpunkt."), slot.field
            )
        picks[slot.number] = session_id
    return picks


# -- reading ---------------------------------------------------------------------------------


def sessions_of(conference_id: int) -> list[ConferenceSession]:
    """The conference's programme in time order (as ``programme.sessions_of``)."""
    return list(
        db.session.execute(
            sa.select(ConferenceSession)
            .where(ConferenceSession.conference_id == conference_id)
            .order_by(ConferenceSession.starts_at, ConferenceSession.position, ConferenceSession.id)
        ).scalars()
    )


def offered(conference_id: int) -> list[ChoiceSlot]:
    """The conference's slots with a choice."""
    return choice_slots(sessions_of(conference_id))


_counted = sa.and_(
    SessionChoice.registration_id == Registration.id, Registration.status.in_(ACTIVE)
)


def seated_counts(session_ids: Sequence[int]) -> dict[int, int]:
    """Places taken per session (0 for none)."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        sa.select(SessionChoice.session_id, sa.func.count(SessionChoice.id))
        .join(Registration, _counted)
        .where(
            SessionChoice.session_id.in_(session_ids),
            SessionChoice.status == ChoiceStatus.SEATED,
        )
        .group_by(SessionChoice.session_id)
    ).all()
    counted = {session_id: 0 for session_id in session_ids}
    counted.update({session_id: taken for session_id, taken in rows})
    return counted


def held(session_id: int) -> tuple[int, int]:
    """How many active registrations have a place in the session, and how many wait for one."""
    rows = db.session.execute(
        sa.select(SessionChoice.status, sa.func.count(SessionChoice.id))
        .join(Registration, _counted)
        .where(SessionChoice.session_id == session_id)
        .group_by(SessionChoice.status)
    ).all()
    counted = {status: int(number) for status, number in rows}
    return counted.get(ChoiceStatus.SEATED, 0), counted.get(ChoiceStatus.WAITING, 0)


def free_places(slots: Sequence[ChoiceSlot]) -> dict[int, int]:
    """Free places per session of ``slots`` (0: the next one waits)."""
    sessions = [session for slot in slots for session in slot.sessions]
    taken = seated_counts([session.id for session in sessions])
    return {s.id: max((s.capacity or 0) - taken[s.id], 0) for s in sessions}


@dataclass(frozen=True)
class Chosen:
    """A registration's choice in one slot, as its manage page shows it."""

    slot: ChoiceSlot
    session: ConferenceSession
    status: ChoiceStatus
    position: int | None  # on the waiting list: 1 for the first in line


def of_registration(registration_id: int, slots: Sequence[ChoiceSlot]) -> list[Chosen]:
    """The registration's choices, slot by slot (slots without one are left out)."""
    slot_of = {session.id: slot for slot in slots for session in slot.sessions}
    rows = db.session.execute(
        sa.select(SessionChoice).where(SessionChoice.registration_id == registration_id)
    ).scalars()
    chosen = []
    for choice in rows:
        slot = slot_of.get(choice.session_id)
        if slot is None:
            continue  # the session left the choice (moved, or no longer limited)
        session = next(s for s in slot.sessions if s.id == choice.session_id)
        chosen.append(Chosen(slot, session, choice.status, waiting_position(choice)))
    return sorted(chosen, key=lambda c: c.slot.number)


def waiting_position(choice: SessionChoice) -> int | None:
    if choice.status is not ChoiceStatus.WAITING:
        return None
    ahead = db.session.execute(
        sa.select(sa.func.count(SessionChoice.id))
        .join(Registration, _counted)
        .where(
            SessionChoice.session_id == choice.session_id,
            SessionChoice.status == ChoiceStatus.WAITING,
            sa.or_(
                SessionChoice.chosen_at < choice.chosen_at,
                sa.and_(SessionChoice.chosen_at == choice.chosen_at, SessionChoice.id < choice.id),
            ),
        )
    ).scalar_one()
    return int(ahead) + 1


# -- under the session's lock ----------------------------------------------------------------


def lock_sessions(session_ids: Sequence[int]) -> dict[int, ConferenceSession]:
    """Lock the sessions' rows for the rest of the transaction, in the order of their ids."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        sa.select(ConferenceSession)
        .where(ConferenceSession.id.in_(sorted(set(session_ids))))
        .order_by(ConferenceSession.id)
        .execution_options(populate_existing=True)
        .with_for_update(of=ConferenceSession)
    ).scalars()
    return {session.id: session for session in rows}


def end_of_queue(session_id: int, now: datetime) -> datetime:
    """``chosen_at`` for a choice made now: after every choice of the session already made.
    ``now`` was read before the lock was granted; the queue keeps the order of the lock."""
    last = db.session.execute(
        sa.select(sa.func.max(SessionChoice.chosen_at)).where(
            SessionChoice.session_id == session_id
        )
    ).scalar_one()
    if last is None or now > last:
        return now
    moment: datetime = last + timedelta(microseconds=1)
    return moment


def settle(session: ConferenceSession, now: datetime) -> list[SessionChoice]:
    """Give every free place of ``session`` (locked) to the first in line, exactly once: the
    promoted row is SEATED from now on and gets its one mail."""
    free = (session.capacity or 0) - seated_counts([session.id])[session.id]
    if free <= 0 or now >= session.starts_at:
        return []
    promoted = list(
        db.session.execute(
            sa.select(SessionChoice)
            .join(Registration, _counted)
            .where(
                SessionChoice.session_id == session.id,
                SessionChoice.status == ChoiceStatus.WAITING,
            )
            .order_by(SessionChoice.chosen_at, SessionChoice.id)
            .limit(free)
        ).scalars()
    )
    for choice in promoted:
        choice.status = ChoiceStatus.SEATED
        choice.promoted_at = now
        registration = db.session.get_one(Registration, choice.registration_id)
        if registration.person is not None:
            mails.workshop_promoted(registration, session, now)
    db.session.flush()
    calendars_follow([choice.registration_id for choice in promoted], now)
    return promoted


def seated_in(registration_id: int) -> list[int]:
    """The sessions ``registration_id`` has a place in (not those it waits for)."""
    return list(
        db.session.execute(
            sa.select(SessionChoice.session_id).where(
                SessionChoice.registration_id == registration_id,
                SessionChoice.status == ChoiceStatus.SEATED,
            )
        ).scalars()
    )


def waiting_for(registration_id: int) -> list[tuple[ConferenceSession, int]]:
    """The sessions this registration waits for, each with its place in the line."""
    waiting = db.session.execute(
        sa.select(SessionChoice).where(
            SessionChoice.registration_id == registration_id,
            SessionChoice.status == ChoiceStatus.WAITING,
        )
    ).scalars()
    return [
        (db.session.get_one(ConferenceSession, choice.session_id), waiting_position(choice) or 1)
        for choice in waiting
    ]


def calendars_follow(registration_ids: Iterable[int], now: datetime) -> None:
    """The personal calendars of these registrations follow their places: a REQUEST for a new
    place, a CANCEL for one given up (``session_calendar.sync``; nothing for a registration
    whose places did not change). Called wherever places change: choosing, changing,
    promotion, release, staff moves, and when a registration's seat is confirmed. A CANCEL
    names the waiting list the person is on instead, if any, so nobody wonders where they
    went."""
    for registration_id in sorted(set(registration_ids)):
        registration = db.session.get_one(Registration, registration_id)
        session_calendar.sync(
            registration, seated_in(registration_id), now, waiting_for(registration_id)
        )


def _place(registration_id: int, session: ConferenceSession, now: datetime) -> SessionChoice:
    """A new choice of ``session`` (locked, settled): a place while one is free, else the end
    of its waiting list."""
    taken = seated_counts([session.id])[session.id]
    status = ChoiceStatus.SEATED if taken < (session.capacity or 0) else ChoiceStatus.WAITING
    choice = SessionChoice(
        registration_id=registration_id,
        session_id=session.id,
        status=status,
        chosen_at=end_of_queue(session.id, now),
    )
    db.session.add(choice)
    db.session.flush()
    return choice


def active_registration(registration_id: int) -> Registration:
    registration = db.session.execute(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if registration is None or registration.status not in ACTIVE:
        raise DomainError(
            _("Diese Anmeldung ist nicht mehr aktiv; eine Workshopwahl ist nicht möglich.")
        )
    return registration


def apply(
    registration_id: int, slots: Sequence[ChoiceSlot], picks: dict[int, int], now: datetime
) -> list[SessionChoice]:
    """Make ``picks`` (slot number → session id, checked against ``slots``) the registration's
    choices: a slot chosen as before keeps its place; a changed one gives the old place to the
    next in line and queues for the new session. Not committed — the caller's unit of work
    (registering, ``change``)."""
    slot_of = {session.id: slot for slot in slots for session in slot.sessions}
    current = {
        choice.session_id: choice
        for choice in db.session.execute(
            sa.select(SessionChoice).where(SessionChoice.registration_id == registration_id)
        ).scalars()
    }
    chosen = set(picks.values())
    dropped = [
        choice
        for session_id, choice in current.items()
        if session_id in slot_of
        and slot_of[session_id].number in picks
        and session_id not in chosen
    ]
    new = [session_id for session_id in chosen if session_id not in current]
    locked = lock_sessions([choice.session_id for choice in dropped] + new)
    # Read after the lock: a cancellation committed meanwhile counts.
    active_registration(registration_id)
    for choice in dropped:
        db.session.delete(choice)
    db.session.flush()
    placed = []
    for session_id in sorted(new):
        session = locked[session_id]
        settle(session, now)
        placed.append(_place(registration_id, session, now))
    for choice in dropped:
        settle(locked[choice.session_id], now)
    calendars_follow([registration_id], now)
    return placed


def choose(
    registration_id: int, session_ids: Sequence[int], now: datetime
) -> list[tuple[int, ChoiceStatus]]:
    """Choose ``session_ids`` for the registration and commit (the sessions of one conference,
    at most one per slot). Returns (session id, seated or waiting) of each new choice."""
    registration = active_registration(registration_id)
    conference_id = _conference_of(registration)
    slots = offered(conference_id)
    placed = apply(registration_id, slots, check_ids(slots, session_ids), now)
    outcome = [(choice.session_id, choice.status) for choice in placed]
    db.session.commit()
    return outcome


def _conference_of(registration: Registration) -> int:
    conference_id = registration.event_date.conference_id
    if conference_id is None:
        raise DomainError(_("Diese Anmeldung gehört zu keiner Regionalkonferenz."))
    return conference_id


def change(registration: Registration, raw: dict[str, str | None], now: datetime) -> int:
    """The person changes their choices through the manage link, until the deadline.
    ``raw``: the form's values, field name → session id as sent. Returns how many slots
    changed; commits."""
    conference = db.session.get_one(Conference, _conference_of(registration))
    if now >= deadline(conference):
        raise DomainError(
            _(
                "Die Workshopwahl ist geschlossen. Wenn Sie etwas ändern möchten, schreiben Sie "
                "uns bitte."
            )
        )
    slots = offered(conference.id)
    picks = picks_by_slot(slots, raw)
    placed = apply(registration.id, slots, picks, now)
    db.session.commit()
    return len(placed)


def release(registration_id: int, now: datetime) -> None:
    """The registration ended (cancelled, expired): its places and queue positions go, each
    freed place to the next in line. Not committed — the caller's unit of work."""
    choices = list(
        db.session.execute(
            sa.select(SessionChoice).where(SessionChoice.registration_id == registration_id)
        ).scalars()
    )
    if not choices:
        return
    locked = lock_sessions([choice.session_id for choice in choices])
    for choice in choices:
        db.session.delete(choice)
    db.session.flush()
    for choice in choices:
        settle(locked[choice.session_id], now)
    calendars_follow([registration_id], now)
