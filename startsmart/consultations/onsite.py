"""Consultations on site at a regional conference: the advisors' windows linked to it.

A slot belongs to a conference when an advisor free at that start has an extra window linked to
the conference that holds the whole slot and offers on-site talks.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from startsmart.conferences.models import Conference
from startsmart.consultations import schedule
from startsmart.consultations.models import Channel, ExtraHours
from startsmart.consultations.slots import Slot
from startsmart.extensions import db


def _offers_on_site(window: ExtraHours) -> bool:
    return Channel.ON_SITE.value in window.channels.split(",")


def windows(conference_id: int) -> list[ExtraHours]:
    """The on-site windows advisors keep at the conference."""
    rows = db.session.execute(
        sa.select(ExtraHours)
        .where(ExtraHours.conference_id == conference_id)
        .order_by(ExtraHours.starts_at)
    ).scalars()
    return [row for row in rows if _offers_on_site(row)]


def _covering(rows: list[ExtraHours], starts_at: datetime, ends_at: datetime) -> set[int]:
    return {w.advisor_id for w in rows if w.starts_at <= starts_at and ends_at <= w.ends_at}


def advisors_at(conference_id: int, starts_at: datetime, ends_at: datetime) -> tuple[int, ...]:
    """Advisors whose window at the conference holds [starts_at, ends_at)."""
    return tuple(sorted(_covering(windows(conference_id), starts_at, ends_at)))


def conference_of(advisor_id: int, starts_at: datetime, ends_at: datetime) -> int | None:
    """The conference whose window of this advisor holds the slot, if any."""
    return db.session.execute(
        sa.select(ExtraHours.conference_id)
        .where(
            ExtraHours.advisor_id == advisor_id,
            ExtraHours.conference_id.is_not(None),
            ExtraHours.starts_at <= starts_at,
            ExtraHours.ends_at >= ends_at,
            ExtraHours.channels.contains(Channel.ON_SITE.value),
        )
        .order_by(ExtraHours.id)
        .limit(1)
    ).scalar_one_or_none()


def conference_slots(conference: Conference, now: datetime, walk_in: bool = False) -> list[Slot]:
    """Free on-site slots at the conference; ``walk_in``: staff booking on the day, no notice."""
    rows = windows(conference.id)
    if not rows:
        return []
    start = min(w.starts_at for w in rows)
    end = max(w.ends_at for w in rows)
    free = schedule.free(now, start, end, Channel.ON_SITE.value, walk_in=walk_in)
    return [
        slot
        for slot in free
        if _covering(rows, slot.starts_at, slot.ends_at) & set(slot.advisor_ids)
    ]
