"""Who registered for a date, as staff see it: lists, counts, questions, the CSV table."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.extensions import db
from startsmart.registrations.export import Cell
from startsmart.registrations.models import (
    ACTIVE,
    Registration,
    RegistrationStatus,
    StaffMessage,
)

# The order of the filters and of the list: who comes, who might, who is out.
STATUS_ORDER = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.EXPIRED,
)


@dataclass(frozen=True)
class Participant:
    registration: Registration
    position: int | None  # on the waiting list, 1 = next to move up


def participants(date_id: int, status: RegistrationStatus | None = None) -> list[Participant]:
    """The registrations of a date (of one status, or all) with person and municipality loaded
    in the same query, confirmed first, the waiting list in its order."""
    query = (
        sa.select(Registration)
        .where(Registration.event_date_id == date_id)
        .options(joinedload(Registration.person), joinedload(Registration.municipality))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    registrations = list(db.session.execute(query).scalars())
    waiting = sorted(
        (r for r in registrations if r.status is RegistrationStatus.WAITLISTED),
        key=lambda r: (r.queued_at, r.id),
    )
    positions = {r.id: number for number, r in enumerate(waiting, start=1)}
    registrations.sort(
        key=lambda r: (STATUS_ORDER.index(r.status), positions.get(r.id, 0), r.created_at, r.id)
    )
    return [Participant(r, positions.get(r.id)) for r in registrations]


def status_counts(date_id: int) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count(Registration.id))
        .where(Registration.event_date_id == date_id)
        .group_by(Registration.status)
    ).all()
    return dict(rows)


def questions(date_id: int) -> list[Registration]:
    """The questions people sent in for a moderated exchange (active registrations only)."""
    return list(
        db.session.execute(
            sa.select(Registration)
            .where(
                Registration.event_date_id == date_id,
                Registration.status.in_(ACTIVE),
                Registration.question.is_not(None),
            )
            .options(joinedload(Registration.municipality))
            .order_by(Registration.created_at, Registration.id)
        ).scalars()
    )


def staff_messages(date_id: int) -> list[StaffMessage]:
    return list(
        db.session.execute(
            sa.select(StaffMessage)
            .where(StaffMessage.event_date_id == date_id)
            .options(joinedload(StaffMessage.sent_by))
            .order_by(StaffMessage.created_at.desc(), StaffMessage.id.desc())
        ).scalars()
    )


def csv_table(rows: list[Participant]) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows for the export; plain values, formatted by ``export.write_csv``."""
    with_question = any(p.registration.question for p in rows)
    header = [
        _("Name"),
        _("E-Mail-Adresse"),
        _("Kommune"),
        _("Modellprojekt (MPSC)"),
        _("Bundesland"),
        _("Funktion"),
        _("Status"),
        _("Wartelistenplatz"),
        _("Angemeldet am"),
        _("Vom Team eingetragen"),
        _("Teilnahme"),
    ]
    if with_question:
        header.append(_("Frage"))
    table: list[list[Cell]] = []
    for participant in rows:
        r = participant.registration
        municipality = r.municipality
        person = r.person  # None after anonymisation: the row still counts
        line: list[Cell] = [
            person.name if person else _("(anonymisiert)"),
            person.email if person else None,
            municipality.name if municipality else None,
            municipality.is_model_project if municipality else None,
            municipality.state.label if municipality else None,
            person.function if person else None,
            r.status.label,
            participant.position,
            r.created_at,
            r.added_by_staff,
            r.attendance.label if r.attendance else None,
        ]
        if with_question:
            line.append(r.question)
        table.append(line)
    return header, table
