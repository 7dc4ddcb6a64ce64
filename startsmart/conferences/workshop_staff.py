"""What staff do with the workshop choices of a conference: move people within a time slot,
enter a person who chose nothing in a slot, record who is there, and the participant list of
one session (seated, then waiting, in order) with its CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate
from startsmart.clock import berlin_wall_time
from startsmart.conferences.choices import (
    ChoiceSlot,
    active_registration,
    calendars_follow,
    end_of_queue,
    lock_sessions,
    offered,
    seated_counts,
    settle,
)
from startsmart.conferences.models import ChoiceStatus, ConferenceSession, SessionChoice
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.registrations.export import Cell
from startsmart.registrations.models import ACTIVE, Registration
from startsmart.staff.models import StaffUser


def move(
    choice_id: int, target_id: int, actor: StaffUser, now: datetime, override: bool = False
) -> SessionChoice:
    """Staff move a person to another session of the same slot. A full session takes them
    only with ``override`` (then beyond its places: staff decide on the spot, e.g. a bigger
    room); otherwise they are refused. The freed place goes to the next in line. Audited."""
    choice = db.session.get(SessionChoice, choice_id)
    if choice is None:
        raise DomainError(_("Diese Wahl gibt es nicht mehr."))
    source_id = choice.session_id
    if target_id == source_id:
        raise DomainError(_("Die Person ist schon in diesem Programmpunkt."), "target")
    locked = lock_sessions([source_id, target_id])
    source, target = check_same_slot(locked.get(source_id), locked.get(target_id))
    db.session.refresh(choice)
    relocate(choice, source, target, actor, now, override=override)
    settle(source, now)
    calendars_follow([choice.registration_id], now)
    db.session.commit()
    return choice


def check_same_slot(
    source: ConferenceSession | None, target: ConferenceSession | None
) -> tuple[ConferenceSession, ConferenceSession]:
    """``source`` and ``target`` (locked), if they are two sessions of one slot with a choice;
    else a message for the ``target`` field."""
    if source is None or target is None or target.conference_id != source.conference_id:
        raise DomainError(_("Diesen Programmpunkt gibt es in dieser Konferenz nicht."), "target")
    slots = offered(source.conference_id)
    slot = next((s for s in slots if any(x.id == source.id for x in s.sessions)), None)
    if slot is None or target.id == source.id or not any(x.id == target.id for x in slot.sessions):
        raise DomainError(
            _("Verschieben geht nur in einen anderen Programmpunkt desselben Zeitfensters."),
            "target",
        )
    return source, target


def relocate(
    choice: SessionChoice,
    source: ConferenceSession,
    target: ConferenceSession,
    actor: StaffUser,
    now: datetime,
    override: bool = False,
    queue_when_full: bool = False,
) -> ChoiceStatus:
    """One person's choice from ``source`` into ``target`` (both locked, of one slot: see
    ``check_same_slot``), at the end of its queue. A free place seats them; a full session
    seats them only with ``override`` (beyond its places), else puts them at the end of its
    waiting list with ``queue_when_full`` or refuses. Audited. Not committed, and neither the
    freed place (``settle``) nor the calendar (``calendars_follow``) is seen to: the caller's
    unit of work (``move``, ``programme.move_all_and_delete``). Returns the new status."""
    active_registration(choice.registration_id)
    settle(target, now)
    full = seated_counts([target.id])[target.id] >= (target.capacity or 0)
    if full and not override and not queue_when_full:
        raise DomainError(
            _(
                "„%(title)s“ ist voll. Wählen Sie „Auch über die Platzzahl hinaus“, wenn die "
                "Person trotzdem teilnehmen soll.",
                title=target.title,
            ),
            "target",
        )
    was = choice.status
    choice.session_id = target.id
    choice.status = ChoiceStatus.WAITING if full and not override else ChoiceStatus.SEATED
    choice.chosen_at = end_of_queue(target.id, now)
    choice.checked_in_at = None
    db.session.flush()
    audit.record(
        "conference.choice_moved",
        actor,
        now,
        subject=f"registration:{choice.registration_id}",
        source=source.id,
        target=target.id,
        was=was.value,
        status=choice.status.value,
        beyond_capacity=full and override,
    )
    return choice.status


def slot_holding(session: ConferenceSession) -> ChoiceSlot | None:
    """The slot with a choice ``session`` belongs to (None: nothing to choose at its time)."""
    return next((slot for slot in offered(session.conference_id) if session in slot.sessions), None)


def without_choice(session: ConferenceSession) -> list[Registration]:
    """The active registrations of the session's conference that chose nothing in its slot,
    by name: the people staff may enter here."""
    slot = slot_holding(session)
    if slot is None:
        return []
    in_slot = sa.select(SessionChoice.registration_id).where(
        SessionChoice.session_id.in_([item.id for item in slot.sessions])
    )
    rows = db.session.execute(
        sa.select(Registration)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .options(joinedload(Registration.person), joinedload(Registration.municipality))
        .where(
            EventDate.conference_id == session.conference_id,
            Registration.status.in_(ACTIVE),
            Registration.id.not_in(in_slot),
        )
    ).scalars()
    named = [registration for registration in rows if registration.person is not None]
    return sorted(named, key=lambda r: (r.person.name.casefold() if r.person else "", r.id))


def assign(
    session_id: int, registration_id: int, actor: StaffUser, now: datetime, override: bool = False
) -> SessionChoice:
    """Staff enter a person who chose nothing in the session's slot (registered by phone,
    before the programme had a choice, …), under the same locks as choosing. A free place
    seats them; a full session puts them at the end of its waiting list, as if they had chosen
    now (fair to those already waiting), unless ``override`` seats them beyond its places
    (staff decide on the spot, as when moving). Audited; the calendar follows."""
    found = db.session.get(ConferenceSession, session_id)
    slot = slot_holding(found) if found is not None else None
    if found is None or slot is None:
        raise DomainError(
            _("In diesen Programmpunkt lässt sich niemand eintragen: es gibt keine Auswahl."),
            "registration",
        )
    # The whole slot: a choice the person makes meanwhile in another of its sessions counts.
    locked = lock_sessions([item.id for item in slot.sessions])
    session = locked[found.id]
    registration = active_registration(registration_id)
    if registration.event_date.conference_id != session.conference_id:
        raise DomainError(
            _("Diese Anmeldung gehört nicht zu dieser Regionalkonferenz."), "registration"
        )
    chosen = db.session.execute(
        sa.select(ConferenceSession.title)
        .join(SessionChoice, SessionChoice.session_id == ConferenceSession.id)
        .where(SessionChoice.registration_id == registration.id, ConferenceSession.id.in_(locked))
    ).scalar()
    if chosen is not None:
        raise DomainError(
            _(
                "Die Person hat in diesem Zeitfenster schon „%(title)s“ gewählt. Verschieben "
                "Sie sie dort, wenn sie wechseln soll.",
                title=chosen,
            ),
            "registration",
        )
    settle(session, now)
    full = seated_counts([session.id])[session.id] >= (session.capacity or 0)
    choice = SessionChoice(
        registration_id=registration.id,
        session_id=session.id,
        status=ChoiceStatus.WAITING if full and not override else ChoiceStatus.SEATED,
        chosen_at=end_of_queue(session.id, now),
    )
    db.session.add(choice)
    db.session.flush()
    calendars_follow([registration.id], now)
    audit.record(
        "conference.choice_assigned",
        actor,
        now,
        subject=f"registration:{registration.id}",
        session=session.id,
        status=choice.status.value,
        beyond_capacity=full and override,
    )
    db.session.commit()
    return choice


def check_in(session_id: int, present: set[int], actor: StaffUser, now: datetime) -> int:
    """Mark who of the session's seated people is there (``present``: choice ids); the others
    are not. From the session's day on (Berlin time). Returns how many changed."""
    session = db.session.get(ConferenceSession, session_id)
    if session is None:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."))
    if berlin_wall_time(now)[0] < berlin_wall_time(session.starts_at)[0]:
        raise DomainError(_("Die Anwesenheit lässt sich erst am Tag des Programmpunkts erfassen."))
    seated = {
        choice.id: choice
        for choice in db.session.execute(
            sa.select(SessionChoice).where(
                SessionChoice.session_id == session_id,
                SessionChoice.status == ChoiceStatus.SEATED,
            )
        ).scalars()
    }
    if present - set(seated):
        raise DomainError(_("Eine der Personen hat in diesem Programmpunkt keinen Platz."))
    changed = 0
    for choice_id, choice in seated.items():
        if (choice_id in present) != (choice.checked_in_at is not None):
            choice.checked_in_at = now if choice_id in present else None
            changed += 1
    audit.record(
        "conference.check_in",
        actor,
        now,
        subject=f"conference:{session.conference_id}",
        session=session.id,
        changed=changed,
    )
    db.session.commit()
    return changed


@dataclass(frozen=True)
class Participant:
    """One line of a session's list."""

    choice: SessionChoice
    registration: Registration
    position: int | None  # on the waiting list: 1 for the first in line


def session_of(conference_id: int, session_id: int) -> ConferenceSession | None:
    """The session, if it belongs to the conference."""
    session = db.session.get(ConferenceSession, session_id)
    return session if session is not None and session.conference_id == conference_id else None


def participants(session_id: int) -> list[Participant]:
    """Who has a place (in the order they got it), then who waits (in queue order); only
    active registrations."""
    rows = db.session.execute(
        sa.select(SessionChoice, Registration)
        .join(Registration, SessionChoice.registration_id == Registration.id)
        .options(joinedload(Registration.person), joinedload(Registration.municipality))
        .where(SessionChoice.session_id == session_id, Registration.status.in_(ACTIVE))
        .order_by(
            SessionChoice.status != ChoiceStatus.SEATED,
            SessionChoice.chosen_at,
            SessionChoice.id,
        )
    ).all()
    listed = []
    waiting = 0
    for choice, registration in rows:
        if choice.status is ChoiceStatus.WAITING:
            waiting += 1
        position = waiting if choice.status is ChoiceStatus.WAITING else None
        listed.append(Participant(choice, registration, position))
    return listed


def csv_table(rows: list[Participant]) -> tuple[list[str], list[list[Cell]]]:
    """The list as CSV rows: place or waiting position, person, municipality, status."""
    header = [
        _("Platz"),
        _("Name"),
        _("E-Mail"),
        _("Funktion"),
        _("Kommune"),
        _("Anmeldung"),
        _("Gewählt am"),
        _("Nachgerückt am"),
        _("Anwesend"),
    ]
    table: list[list[Cell]] = []
    for row in rows:
        person = row.registration.person
        municipality = row.registration.municipality
        table.append(
            [
                _("Warteliste %(n)d", n=row.position) if row.position else _("Platz"),
                person.name if person else _("(anonymisiert)"),
                person.email if person else "",
                person.function if person else "",
                municipality.name if municipality else "",
                row.registration.status.label,
                row.choice.chosen_at,
                row.choice.promoted_at,
                row.choice.checked_in_at is not None,
            ]
        )
    return header, table
