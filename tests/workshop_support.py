"""A regional conference with workshops to choose, and people who register for it.

``make_workshops`` builds a conference ``days`` ahead with one time slot of parallel workshops
(10:30 Berlin time) and a plenary before it (no choice there); ``people`` registers town
people through the service, each choosing a workshop."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from startsmart import clock
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import berlin_today
from startsmart.conferences import programme, service, session_calendar
from startsmart.conferences.models import (
    ChoiceStatus,
    SessionChoice,
    SessionInvitation,
    SessionInvitationState,
    SessionKind,
)
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role, StaffUser
from support import known_towns, make_staff, town_applicant

applicant = functools.partial(town_applicant, state=FederalState.NI)


@dataclass(frozen=True)
class Workshops:
    conference_id: int
    slug: str
    date_id: int
    plenary_id: int
    session_ids: list[int]  # the parallel workshops at 10:30, in their order
    day: date


def _staff() -> StaffUser:
    staff = db.session.execute(sa.select(StaffUser)).scalars().first()
    assert staff is not None, "make_workshops needs a staff member (it makes one if none)"
    return staff


def make_workshops(
    app, capacities=(3, 3), days: int = 30, capacity: int = 200, towns: int = 60
) -> Workshops:
    """A conference with workshops of ``capacities`` places at 10:30 (and a plenary at 9:00);
    "Gemeinde 1" … "Gemeinde ``towns``" are known municipalities."""
    known_towns(app, FederalState.NI, [f"Gemeinde {n}" for n in range(1, towns + 1)])
    with app.app_context():
        no_staff = db.session.execute(sa.select(StaffUser.id)).first() is None
    if no_staff:
        make_staff(app, email="workshops@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        actor = _staff()
        day = berlin_today(clock.now()) + timedelta(days=days)
        now = clock.now()
        conference = service.create_conference(
            service.ConferenceInput(
                title="Regionalkonferenz Süd",
                day=day,
                starts=time(9),
                ends=time(17),
                city="Ulm",
                venue="Stadthaus Ulm",
                description="",
                capacity=capacity,
                deadline=Deadline(),
            ),
            actor,
            now,
        )
        plenary = programme.add_session(
            conference.id,
            programme.SessionInput(SessionKind.PLENARY, "Begrüßung", day, time(9), time(10)),
            actor,
            now,
        )
        ids = [
            programme.add_session(
                conference.id,
                programme.SessionInput(
                    SessionKind.WORKSHOP,
                    f"Workshop {number + 1}",
                    day,
                    time(10, 30),
                    time(12),
                    room=f"Raum {number + 1}",
                    capacity=places,
                    position=number,
                ),
                actor,
                now,
            ).id
            for number, places in enumerate(capacities)
        ]
        date_id = service.conference_date(conference.id).id
        return Workshops(conference.id, conference.slug, date_id, plenary.id, ids, day)


def register(
    date_id: int, number: int, session_id: int | None, now=None, by_staff: bool = False
) -> int:
    """Person ``number`` registers (in an app context), choosing ``session_id`` in the first
    slot with a choice (None: choosing nothing); returns the registration's id. ``by_staff``:
    entered by staff, so confirmed at once."""
    picks = None if session_id is None else {"workshop_0": str(session_id)}
    outcome = registrations.register(
        date_id,
        registrations.Applicant(**{**applicant(number).__dict__, "workshops": picks}),
        now or clock.now(),
        by_staff=by_staff,
    )
    return outcome.registration_id


def calendar_of(registration_id: int) -> dict[int | None, tuple[SessionInvitationState, int]]:
    """Session id → (state, SEQUENCE) of the registration's calendar entries."""
    rows = db.session.execute(
        sa.select(SessionInvitation).where(SessionInvitation.registration_id == registration_id)
    ).scalars()
    return {row.session_id: (row.state, row.ical_sequence) for row in rows}


def calendar_mails(registration_id: int) -> list[str]:
    """The kinds of session-calendar mails queued for the registration, in order."""
    kinds = (session_calendar.INVITATION, session_calendar.UPDATE, session_calendar.CANCELLED)
    return list(
        db.session.execute(
            sa.select(OutboxMessage.kind)
            .where(
                OutboxMessage.reference == f"registration:{registration_id}",
                OutboxMessage.kind.in_(kinds),
            )
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def choices_of(session_id: int) -> list[tuple[int, ChoiceStatus]]:
    """(registration id, status) of the session's choices, in queue order."""
    rows = db.session.execute(
        sa.select(SessionChoice.registration_id, SessionChoice.status)
        .where(SessionChoice.session_id == session_id)
        .order_by(SessionChoice.chosen_at, SessionChoice.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def person_name(registration_id: int) -> str:
    registration = db.session.get_one(Registration, registration_id)
    assert registration.person is not None
    return registration.person.name
