"""The registration rules that need no database: is the date open, is there a seat.

Pure: no Flask, no SQLAlchemy. The service applies them under the date's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Closed(StrEnum):
    """Why nobody (or only staff) may register now."""

    NOT_PUBLISHED = "not_published"
    CANCELLED = "cancelled"
    STARTED = "started"  # not even staff: the date has begun
    NOT_YET_OPEN = "not_yet_open"
    DEADLINE_PASSED = "deadline_passed"


@dataclass(frozen=True)
class Window:
    published: bool
    cancelled: bool
    starts_at: datetime
    opens_at: datetime | None
    closes_at: datetime | None


def closed_reason(window: Window, now: datetime, by_staff: bool = False) -> Closed | None:
    """None if a registration may be made now; staff may add people outside the window."""
    if window.cancelled:
        return Closed.CANCELLED
    if not window.published and not by_staff:
        return Closed.NOT_PUBLISHED
    if now >= window.starts_at:
        return Closed.STARTED
    if by_staff:
        return None
    if window.opens_at is not None and now < window.opens_at:
        return Closed.NOT_YET_OPEN
    if window.closes_at is not None and now >= window.closes_at:
        return Closed.DEADLINE_PASSED
    return None


def free_seats(capacity: int, holding: int) -> int:
    """Seats left; never negative, even if capacity was lowered by hand in the database."""
    return max(capacity - holding, 0)


def gets_a_seat(capacity: int, holding: int, waiting: int) -> bool:
    """A newcomer gets a seat only if one is free and nobody is waiting for it already."""
    return free_seats(capacity, holding) > 0 and waiting == 0
