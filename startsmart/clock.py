"""The one clock of the app, and Europe/Berlin, the one time zone people see.

Every "now" in the app (views, services, CLI commands, templates, model defaults) comes from
``now()``. Services take it as an argument, so a rule can be checked at any moment; the tests
move this clock (and every other reading of the system time) with time-machine, through one
fixture in ``tests/conftest.py``. The database holds UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def berlin_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Berlin wall-clock time (the first one, if a DST change doubles it)."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)


def berlin_today(now: datetime) -> date:
    return now.astimezone(BERLIN).date()


class NonexistentLocalTime(ValueError):
    """The wall-clock time does not exist in Berlin: skipped when summer time begins."""


def berlin_local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Berlin wall-clock time entered by a person, checked for DST gaps.

    On the last Sunday in March, 02:00–02:59 does not exist (clocks jump from 02:00 to 03:00):
    raises ``NonexistentLocalTime`` instead of guessing. On the last Sunday in October,
    02:00–02:59 happens twice: ``at.fold`` says which (PEP 495: 0 the first, still summer
    time; 1 the second); ``repeated_hour.settle`` asks staff and sets it.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None))
    instant = wall.replace(tzinfo=BERLIN).astimezone(UTC)
    if instant.astimezone(BERLIN).replace(tzinfo=None, fold=0) != wall.replace(fold=0):
        raise NonexistentLocalTime(f"{wall:%Y-%m-%d %H:%M} does not exist in Europe/Berlin")
    return instant


def berlin_time_is_ambiguous(day: date, at: time) -> bool:
    """True if the Berlin wall-clock time occurs twice (the hour repeated in October)."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=BERLIN)
    try:
        berlin_local_to_utc(day, at)
    except NonexistentLocalTime:
        return False
    return wall.utcoffset() != wall.replace(fold=1).utcoffset()


def berlin_wall_time(instant: datetime) -> tuple[date, time]:
    """Day and time of day in Berlin of a stored UTC instant, to fill a form with. In the
    repeated October hour the time's ``fold`` says which occurrence it is."""
    local = instant.astimezone(BERLIN)
    return local.date(), local.time()


def iso_or_none(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 text for JSON (a queued mail's snapshot), None kept."""
    return moment.isoformat() if moment is not None else None


def moment_or_none(text: str | None) -> datetime | None:
    """The inverse of ``iso_or_none``."""
    return datetime.fromisoformat(text) if text is not None else None
