"""Read-only views of registrations: seats per date for the catalogue, lists for staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus
from startsmart.registrations.rules import free_seats


@dataclass(frozen=True)
class Seats:
    capacity: int
    holding: int
    waiting: int

    @property
    def free(self) -> int:
        return free_seats(self.capacity, self.holding)

    @property
    def full(self) -> bool:
        return self.free == 0 or self.waiting > 0


def seats_by_date(dates: Iterable[EventDate]) -> dict[int, Seats]:
    """Seat figures for many dates with one query (the catalogue must not query per date)."""
    dates = list(dates)
    if not dates:
        return {}
    holding = sa.func.count(Registration.id).filter(Registration.status.in_(HOLDING_A_SEAT))
    waiting = sa.func.count(Registration.id).filter(
        Registration.status == RegistrationStatus.WAITLISTED
    )
    rows = db.session.execute(
        sa.select(Registration.event_date_id, holding, waiting)
        .where(Registration.event_date_id.in_([d.id for d in dates]))
        .group_by(Registration.event_date_id)
    ).all()
    found = {date_id: (held, waits) for date_id, held, waits in rows}
    return {d.id: Seats(d.capacity, *found.get(d.id, (0, 0))) for d in dates}
