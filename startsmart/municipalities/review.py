"""Staff review the municipalities that public forms invented (``verified_at`` NULL): accept a
real new one, so the forms suggest it, or merge a misspelt one into the verified municipality
it means. Each action is one transaction with its audit entry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.database import rowcount
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, MunicipalityNote, Person
from startsmart.municipalities.service import verify
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.search.fold import fold
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import StaffUser

# A form flood could invent thousands; the page shows the newest and says how many wait.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Uses:
    """How many registrations or consultations name the municipality, by where they stand."""

    pending: int = 0  # the mailbox owner has not confirmed yet
    confirmed: int = 0
    total: int = 0  # with waiting, cancelled and expired ones


@dataclass(frozen=True)
class Unverified:
    """One row of the review list."""

    municipality: Municipality
    registrations: Uses
    consultations: Uses


@dataclass(frozen=True)
class UnverifiedPage:
    rows: list[Unverified]
    total: int  # all unverified ones, also those beyond the page


def is_unverified() -> sa.ColumnElement[bool]:
    """SQL: a municipality a public form invented that staff have not accepted yet."""
    return Municipality.verified_at.is_(None)


def waiting() -> int:
    """How many municipalities wait for staff to accept or merge them."""
    total: int = db.session.execute(
        sa.select(sa.func.count()).select_from(Municipality).where(is_unverified())
    ).scalar_one()
    return total


def unverified() -> UnverifiedPage:
    """The unverified municipalities, newest first, each with what points to it."""
    total = waiting()
    municipalities = list(
        db.session.execute(
            sa.select(Municipality)
            .where(is_unverified())
            .order_by(Municipality.created_at.desc(), Municipality.id.desc())
            .limit(PAGE_SIZE)
        ).scalars()
    )
    ids = [m.id for m in municipalities]
    registrations = _uses(Registration, RegistrationStatus, ids)
    consultations = _uses(Consultation, ConsultationStatus, ids)
    rows = [
        Unverified(m, registrations.get(m.id, Uses()), consultations.get(m.id, Uses()))
        for m in municipalities
    ]
    return UnverifiedPage(rows, total)


def _uses(model: Any, statuses: Any, ids: list[int]) -> dict[int, Uses]:
    """Counts per municipality of ``model`` (Registration or Consultation), one query."""
    counts: dict[int, dict[Any, int]] = {}
    if ids:
        for municipality_id, status, number in db.session.execute(
            sa.select(model.municipality_id, model.status, sa.func.count())
            .where(model.municipality_id.in_(ids))
            .group_by(model.municipality_id, model.status)
        ):
            counts.setdefault(municipality_id, {})[status] = number
    return {
        municipality_id: Uses(
            pending=by_status.get(statuses.PENDING, 0),
            confirmed=by_status.get(statuses.CONFIRMED, 0),
            total=sum(by_status.values()),
        )
        for municipality_id, by_status in counts.items()
    }


def uses_of(municipality_id: int) -> tuple[Uses, Uses]:
    """Registrations and consultations of one municipality (the merge page shows them)."""
    return (
        _uses(Registration, RegistrationStatus, [municipality_id]).get(municipality_id, Uses()),
        _uses(Consultation, ConsultationStatus, [municipality_id]).get(municipality_id, Uses()),
    )


def accept(municipality_id: int, actor: StaffUser, now: datetime) -> Municipality:
    """Staff vouch for a municipality a form invented: the forms suggest it from now on.
    Accepting it again changes nothing and records nothing."""
    municipality = _existing(municipality_id)
    if verify(municipality.id, now):
        audit.record(
            "municipality.verified",
            actor,
            now,
            subject=f"municipality:{municipality.id}",
            name=municipality.name,
            state=municipality.state.value,
        )
    db.session.commit()
    db.session.refresh(municipality)
    return municipality


def merge_targets(municipality: Municipality) -> list[Municipality]:
    """The verified municipalities of the same Land, by name: what a misspelling can mean."""
    return list(
        db.session.execute(
            sa.select(Municipality)
            .where(
                Municipality.verified_at.is_not(None),
                Municipality.state == municipality.state,
                Municipality.id != municipality.id,
            )
            .order_by(Municipality.name, Municipality.id)
        ).scalars()
    )


def closest(name: str, candidates: list[Municipality], limit: int = 3) -> list[Municipality]:
    """The candidates spelt most like ``name`` (umlauts and case folded as the search does),
    for a hint beside the choice; staff still choose themselves."""
    by_folded: dict[str, Municipality] = {}
    for candidate in candidates:
        by_folded.setdefault(fold(candidate.name), candidate)
    matches = difflib.get_close_matches(fold(name), list(by_folded), n=limit, cutoff=0.6)
    return [by_folded[match] for match in matches]


@dataclass(frozen=True)
class Merged:
    """What moved from the invented municipality to the verified one."""

    name: str  # the invented name, gone now
    into: Municipality
    registrations: int
    consultations: int
    people: int


def merge(invented_id: int, into_id: int | None, actor: StaffUser, now: datetime) -> Merged:
    """Move everything that names the invented municipality (registrations, consultations,
    people, speed-dating participants, and what unconfirmed forms typed) to the verified
    municipality ``into_id`` of the same Land, then delete the invented one. One transaction.

    Both rows are locked first: a booking locks its municipality row too, so one for the
    invented municipality either finishes before (and is moved) or waits."""
    invented = _existing(invented_id, lock=True)
    if invented.verified_at is not None:
        raise DomainError(
            _(
                "„%(name)s“ ist inzwischen geprüft. Nur ungeprüfte Kommunen lassen sich hier "
                "zusammenführen.",
                name=invented.name,
            )
        )
    into = (
        db.session.get(Municipality, into_id, with_for_update=True, populate_existing=True)
        if into_id is not None and into_id != invented.id
        else None
    )
    if into is None or into.verified_at is None or into.state is not invented.state:
        raise DomainError(
            _("Bitte wählen Sie eine geprüfte Kommune aus demselben Bundesland."), "into"
        )
    moved = {
        model: rowcount(
            db.session.execute(
                sa.update(model)
                .where(model.municipality_id == invented.id)
                .values(municipality_id=into.id)
                .execution_options(synchronize_session=False)
            )
        )
        # Notes too: staff wrote them about the same Kommune under its misspelt name.
        for model in (Registration, Consultation, Person, MunicipalityNote)
    }
    # The check-in keeps the name as it was then; a corrected name belongs on the cards too.
    db.session.execute(
        sa.update(SpeedDatingParticipant)
        .where(SpeedDatingParticipant.municipality_id == invented.id)
        .values(municipality_id=into.id, municipality_name=into.name)
        .execution_options(synchronize_session=False)
    )
    for model in (Registration, Consultation):
        _move_pending(model, invented.id, into.id)
    name = invented.name
    audit.record(
        "municipality.merged",
        actor,
        now,
        subject=f"municipality:{into.id}",
        merged=name,
        merged_id=invented.id,
        into=into.name,
        state=into.state.value,
        registrations=moved[Registration],
        consultations=moved[Consultation],
        people=moved[Person],
    )
    db.session.execute(
        sa.delete(Municipality)
        .where(Municipality.id == invented.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(invented)
    db.session.commit()
    return Merged(name, into, moved[Registration], moved[Consultation], moved[Person])


def _move_pending(model: Any, invented_id: int, into_id: int) -> None:
    """Unconfirmed forms typed the invented municipality (``pending_person``): confirming one
    later must apply the verified municipality, not an id that no longer exists."""
    typed = model.pending_person["municipality_id"].as_integer()
    for row in db.session.execute(sa.select(model).where(typed == invented_id)).scalars():
        # A new dict: the JSON column does not notice changes inside the old one.
        row.pending_person = {**row.pending_person, "municipality_id": into_id}


def _existing(municipality_id: int, lock: bool = False) -> Municipality:
    municipality = db.session.get(
        Municipality, municipality_id, with_for_update=lock, populate_existing=lock
    )
    if municipality is None:
        raise DomainError(_("Diese Kommune gibt es nicht mehr (schon zusammengeführt?)."))
    return municipality
