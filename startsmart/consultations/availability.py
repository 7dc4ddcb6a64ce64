"""What an advisor offers: weekly hours, extra windows, absences, and the rules for slots.

Standard library only, like the slot calculator that consumes it (see ``slots.py``).

Instants are held as ``Micros``: integer microseconds since the Unix epoch, UTC. Integer
arithmetic on instants cannot pick up a wall clock by accident (``aware + timedelta`` in Python
adds wall time within the same tzinfo), and it keeps the calculator fast.

Weekly hours are Berlin wall-clock times, turned into instants per date:

* A window runs from the first instant the Berlin clock reads ``start`` or later to just after
  the last instant it reads earlier than ``end``: the shortest real span holding every instant
  whose reading lies in [start, end). When 02:00-03:00 happens twice (2026-10-25) a start in
  that hour takes the first occurrence (CEST, ``fold=0``) and an end the second (CET,
  ``fold=1``), so no wall-clock minute is lost: 01:00-04:00 lasts 4 real hours and 01:00-02:30
  lasts 2.5. An end at exactly 02:00 takes the first occurrence: after it the clock never again
  reads earlier than 02:00 that day, so 00:00-02:00 lasts 2 real hours, not 3.
* A wall time that does not exist (2026-03-29, 02:00-03:00 is skipped) resolves to the instant of
  the jump (03:00 CEST = 01:00 UTC), for both edges: 01:00-04:00 lasts 2 real hours, and
  02:15-02:45 is empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeAlias

from startsmart.clock import BERLIN

Micros: TypeAlias = int
Window: TypeAlias = tuple[Micros, Micros, frozenset[str]]  # [start, end) and its channels

VIDEO = "video"
PHONE = "phone"
ON_SITE = "on_site"
CHANNELS = frozenset({VIDEO, PHONE, ON_SITE})

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)


def micros(value: datetime) -> Micros:
    """The instant of an aware datetime as integer microseconds since the epoch."""
    return (value - EPOCH) // MICROSECOND


def instant(value: Micros) -> datetime:
    """The aware UTC datetime of an instant given in microseconds."""
    return EPOCH + timedelta(microseconds=value)


def require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC; a naive datetime is refused, its wall clock would be a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def require_channel(channel: str | None) -> None:
    """Refuse a channel name the calculator does not know (a typo would silently match nothing)."""
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {sorted(CHANNELS)}")


def _channels(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    channels = frozenset(value)
    if not channels:
        raise ValueError("channels must not be empty; use None for every channel")
    for channel in channels:
        require_channel(channel)
    return channels


def _span(owner: object, starts_at: datetime, ends_at: datetime) -> None:
    starts_at = require_aware(starts_at, "starts_at")
    ends_at = require_aware(ends_at, "ends_at")
    if not starts_at < ends_at:
        raise ValueError(f"starts_at must be before ends_at: {starts_at} >= {ends_at}")
    # Stored in UTC: equal instants compare equal anyway, and arithmetic stays on real time.
    object.__setattr__(owner, "starts_at", starts_at)
    object.__setattr__(owner, "ends_at", ends_at)


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Recurring consultation hours on one weekday, in Berlin wall-clock time."""

    weekday: int  # 0 = Monday, as date.weekday()
    start: time
    end: time  # exclusive; windows do not cross midnight
    channels: frozenset[str] | None = None  # None: every channel the rules allow

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("weekly hours are Berlin wall-clock times without tzinfo")
        if not self.start < self.end:
            raise ValueError(f"start must be before end: {self.start} >= {self.end}")
        object.__setattr__(self, "channels", _channels(self.channels))


@dataclass(frozen=True, slots=True)
class ExtraWindow:
    """A one-off window, e.g. at a regional conference, often restricted to on-site talks."""

    starts_at: datetime
    ends_at: datetime
    channels: frozenset[str] | None = None  # None: every channel the rules allow
    label: str | None = None  # shown to staff, e.g. the conference name

    def __post_init__(self) -> None:
        _span(self, self.starts_at, self.ends_at)
        object.__setattr__(self, "channels", _channels(self.channels))


@dataclass(frozen=True, slots=True)
class Absence:
    """Time an advisor is away; removes weekly hours and extra windows alike. End exclusive."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _span(self, self.starts_at, self.ends_at)


def absence_days(first: date, last: date) -> Absence:
    """Whole Berlin days ``first`` to ``last``, both included (holidays, sick leave)."""
    if last < first:
        raise ValueError(f"last day {last} is before first day {first}")
    return Absence(
        instant(wall_clock_micros(first, time(0), is_end=False)),
        instant(wall_clock_micros(last + _ONE_DAY, time(0), is_end=True)),
    )


@dataclass(frozen=True, slots=True)
class Booking:
    """An existing consultation that blocks its advisor; pass active ones only."""

    advisor_id: int
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _span(self, self.starts_at, self.ends_at)


@dataclass(frozen=True, slots=True)
class AdvisorAvailability:
    """Everything that decides when one advisor can be booked, apart from bookings."""

    advisor_id: int
    weekly: tuple[WeeklyWindow, ...] = ()
    extra: tuple[ExtraWindow, ...] = ()
    absences: tuple[Absence, ...] = ()

    def __post_init__(self) -> None:
        for name in ("weekly", "extra", "absences"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class SlotRules:
    """Office-wide settings for initial consultations."""

    duration: timedelta = timedelta(minutes=60)
    buffer: timedelta = timedelta(minutes=15)  # kept free before and after every booking
    notice: timedelta = timedelta(hours=48)  # earliest start: now + notice (inclusive)
    horizon: timedelta = timedelta(weeks=8)  # latest start: now + horizon (inclusive)
    max_per_day: int = 3  # bookings per advisor per Berlin calendar day
    step: timedelta = timedelta(minutes=30)  # grid of start times; must divide one hour
    channels: frozenset[str] = field(default=CHANNELS)

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.buffer < timedelta(0) or self.notice < timedelta(0):
            raise ValueError("buffer and notice must not be negative")
        if self.horizon <= self.notice:
            raise ValueError("horizon must be longer than notice")
        if self.max_per_day < 1:
            raise ValueError("max_per_day must be at least 1")
        # A divisor of the hour keeps starts on the same Berlin minutes every day (offsets are
        # whole hours), DST days included.
        if self.step <= timedelta(0) or timedelta(hours=1) % self.step:
            raise ValueError("step must divide one hour (e.g. 15, 20, 30 or 60 minutes)")
        object.__setattr__(self, "channels", _channels(self.channels))


@lru_cache(maxsize=8192)
def wall_clock_micros(day: date, wall: time, *, is_end: bool) -> Micros:
    """The instant of a Berlin wall time used as a window edge (rules in the module docstring)."""
    naive = datetime.combine(day, wall.replace(fold=0))
    first = naive.replace(tzinfo=BERLIN).astimezone(UTC)
    second = naive.replace(tzinfo=BERLIN, fold=1).astimezone(UTC)
    if first == second:
        return micros(first)
    if first.astimezone(BERLIN).replace(tzinfo=None) == naive:
        if not is_end:
            return micros(first)
        # Past the end only if the clock read earlier than ``wall`` just before the second pass.
        just_before = instant(micros(second) - 1).astimezone(BERLIN).replace(tzinfo=None)
        return micros(second if just_before < naive else first)
    # Skipped wall time: fold=1 reads it with the later offset, fold=0 with the earlier one, so
    # the jump lies in (second, first]. Bisect for the first instant on the new offset.
    low, high = micros(second), micros(first)
    after = first.astimezone(BERLIN).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if instant(middle).astimezone(BERLIN).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high


def berlin_date(value: Micros) -> date:
    """The Berlin calendar date of an instant: the unit of the per-day booking limit."""
    return instant(value).astimezone(BERLIN).date()


def berlin_day_span(day: date) -> tuple[Micros, Micros]:
    """A Berlin calendar day as the instants [its midnight, the next midnight)."""
    return (
        wall_clock_micros(day, time(0), is_end=False),
        wall_clock_micros(day + _ONE_DAY, time(0), is_end=True),
    )


def windows_between(
    advisor: AdvisorAvailability, rules: SlotRules, low: Micros, high: Micros
) -> list[Window]:
    """The advisor's weekly and extra windows that overlap [low, high), unsorted, unclipped.

    Each carries the channels it offers within ``rules.channels``; windows left with no channel
    are dropped.
    """
    found: list[Window] = []
    if advisor.weekly:
        by_weekday: dict[int, list[WeeklyWindow]] = {}
        for weekly in advisor.weekly:
            by_weekday.setdefault(weekly.weekday, []).append(weekly)
        # A day's windows lie within that Berlin day, so the Berlin dates of the bounds suffice;
        # one extra day each side costs nothing and spares reasoning about the edges.
        day = berlin_date(low) - _ONE_DAY
        last = berlin_date(high) + _ONE_DAY
        while day <= last:
            for weekly in by_weekday.get(day.weekday(), ()):
                starts = wall_clock_micros(day, weekly.start, is_end=False)
                ends = wall_clock_micros(day, weekly.end, is_end=True)
                channels = rules.channels & weekly.channels if weekly.channels else rules.channels
                if starts < ends and starts < high and ends > low and channels:
                    found.append((starts, ends, channels))
            day += _ONE_DAY
    for extra in advisor.extra:
        starts, ends = micros(extra.starts_at), micros(extra.ends_at)
        channels = rules.channels & extra.channels if extra.channels else rules.channels
        if starts < high and ends > low and channels:
            found.append((starts, ends, channels))
    return found
