"""Staff review the municipalities that public forms invented (``verified_at`` NULL): accept a
real new one, so the forms suggest it, or merge a misspelt one into the verified municipality
it means (``merging.merge``). Each action is one transaction with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality
from startsmart.municipalities.service import verify
from startsmart.registrations.models import Registration, RegistrationStatus
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


def _existing(municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        raise DomainError(_("Diese Kommune gibt es nicht mehr (schon zusammengeführt?)."))
    return municipality
