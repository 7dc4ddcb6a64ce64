"""When staff change a session of the programme (its start above all), its choices go with it,
and every registration keeps at most one choice per time slot.

A time slot is not stored: it is the common start of two or more sessions with places
(``choices.choice_slots``). A choice belongs to its session, so when the session moves to
another start its places and its waiting list move along, whatever slot that puts them in.
Where that gives a person two choices in one slot (they had chosen the moved workshop and
another one at its new time), they keep one: a place before a waiting-list place, then the
session that was already at that time (they chose it for that time), then the earlier choice.
The other choice goes, its place to the next in line, and the calendar takes it out (a CANCEL;
the moved session itself is sent again by ``session_calendar.session_changed``). The old slot
loses nothing else: choices of other sessions stay where they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from startsmart.conferences import choices
from startsmart.conferences.models import ChoiceStatus, ConferenceSession, SessionChoice
from startsmart.extensions import db
from startsmart.registrations.models import ACTIVE, Registration


def _preference(choice: SessionChoice, moved_id: int) -> tuple[bool, bool, datetime, int]:
    """Sorts the choice a person keeps in a slot first."""
    return (
        choice.status is not ChoiceStatus.SEATED,
        choice.session_id == moved_id,
        choice.chosen_at,
        choice.id,
    )


def one_choice_per_slot(
    conference_id: int,
    moved_id: int,
    locked: Mapping[int, ConferenceSession],
    now: datetime,
) -> list[SessionChoice]:
    """After session ``moved_id`` changed: drop every second choice a registration holds in
    one slot (see the module's docstring), give the freed places to the next in line and let
    the calendars follow. ``locked``: every session of the conference, locked by the caller.
    Returns the dropped choices; not committed — the caller's unit of work."""
    slot_of = {
        session.id: slot.number
        for slot in choices.offered(conference_id)
        for session in slot.sessions
    }
    rows = db.session.execute(
        sa.select(SessionChoice)
        .join(Registration, SessionChoice.registration_id == Registration.id)
        .where(SessionChoice.session_id.in_(slot_of), Registration.status.in_(ACTIVE))
        .order_by(SessionChoice.id)
    ).scalars()
    held: dict[tuple[int, int], list[SessionChoice]] = {}
    for choice in rows:
        held.setdefault((choice.registration_id, slot_of[choice.session_id]), []).append(choice)
    dropped = [
        choice
        for group in held.values()
        if len(group) > 1
        for choice in sorted(group, key=lambda c: _preference(c, moved_id))[1:]
    ]
    for choice in dropped:
        db.session.delete(choice)
    db.session.flush()
    for session_id in sorted({choice.session_id for choice in dropped}):
        choices.settle(locked[session_id], now)
    choices.calendars_follow([choice.registration_id for choice in dropped], now)
    return dropped
