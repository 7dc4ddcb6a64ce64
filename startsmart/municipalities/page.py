"""Staff: one municipality on one page — its facts, a timeline of everything it did with
Start Smart (newest first), staff notes and the next sensible step (``next_step``).

The page costs a fixed number of queries however long the history: one each for the
municipality, its people, its registrations (with date and offering), its consultations (with
advisor and person), its speed-dating participations (with session and conference), its
notes (with author) and its model projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from startsmart.catalog.models import EventDate, OfferingFormat
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.municipalities import next_step, project_members
from startsmart.municipalities.models import (
    ModelProject,
    Municipality,
    MunicipalityNote,
    Person,
)
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession


@dataclass(frozen=True)
class Entry:
    """One line of the timeline; ``kind`` chooses how the template shows ``item``."""

    at: datetime
    kind: str  # person, registration, conference, consultation, speed_dating, note
    item: Any


@dataclass(frozen=True)
class Page:
    municipality: Municipality
    people: list[Person]
    timeline: list[Entry]
    suggestion: next_step.Suggestion | None
    projects: list[ModelProject]  # the Modellprojekte Smart Cities it is a member of


def _all(statement: sa.Select) -> list[Any]:
    return list(db.session.execute(statement).unique().scalars())


def page(municipality_id: int, now: datetime) -> Page | None:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        return None
    people = _all(
        sa.select(Person).where(Person.municipality_id == municipality_id).order_by(Person.name)
    )
    registrations = _all(
        sa.select(Registration)
        .where(Registration.municipality_id == municipality_id)
        .options(
            joinedload(Registration.event_date).joinedload(EventDate.offering),
            joinedload(Registration.person),
        )
    )
    consultations = _all(
        sa.select(Consultation)
        .where(Consultation.municipality_id == municipality_id)
        .options(joinedload(Consultation.advisor), joinedload(Consultation.person))
    )
    participations = list(
        db.session.execute(
            sa.select(SpeedDatingParticipant, SpeedDatingSession)
            .join(SpeedDatingSession, SpeedDatingParticipant.session_id == SpeedDatingSession.id)
            .where(SpeedDatingParticipant.municipality_id == municipality_id)
            .options(joinedload(SpeedDatingSession.conference))
        ).all()
    )
    notes = _all(
        sa.select(MunicipalityNote)
        .where(MunicipalityNote.municipality_id == municipality_id)
        .options(joinedload(MunicipalityNote.author))
    )
    timeline = (
        [Entry(p.created_at, "person", p) for p in people]
        + [Entry(r.event_date.starts_at, _registration_kind(r), r) for r in registrations]
        + [Entry(c.starts_at, "consultation", c) for c in consultations]
        + [Entry(s.starts_at, "speed_dating", (p, s)) for p, s in participations]
        + [Entry(n.created_at, "note", n) for n in notes]
    )
    timeline.sort(key=lambda e: (e.at, e.kind), reverse=True)
    history = _history(municipality, registrations, consultations, now)
    return Page(
        municipality,
        people,
        timeline,
        next_step.next_step(history, now),
        project_members.projects_of(municipality_id),
    )


def _registration_kind(registration: Registration) -> str:
    if registration.event_date.offering.format is OfferingFormat.CONFERENCE:
        return "conference"
    return "registration"


def _history(
    municipality: Municipality,
    registrations: list[Registration],
    consultations: list[Consultation],
    now: datetime,
) -> next_step.History:
    intros = tuple(
        r.event_date.starts_at
        for r in registrations
        if r.event_date.offering.format is OfferingFormat.ONLINE_INTRO
        and r.status is RegistrationStatus.CONFIRMED
        and r.attendance is not Attendance.NO_SHOW
    )
    booked = tuple(
        c.starts_at
        for c in consultations
        if c.status in (ConsultationStatus.PENDING, ConsultationStatus.CONFIRMED)
    )
    held = tuple(
        next_step.HeldConsultation(c.id, c.ends_at, c.follow_up_sent_at is not None)
        for c in consultations
        if c.status is ConsultationStatus.CONFIRMED and c.ends_at <= now
    )
    return next_step.History(municipality.is_model_project, intros, booked, held)
