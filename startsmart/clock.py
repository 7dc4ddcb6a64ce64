"""Europe/Berlin, the one time zone people see; the database holds UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Berlin wall-clock time (the first one, if a DST change doubles it)."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)


def berlin_today(now: datetime) -> date:
    return now.astimezone(BERLIN).date()
