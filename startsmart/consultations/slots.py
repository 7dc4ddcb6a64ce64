"""Free initial-consultation slots: availability minus absences, bookings, notice and horizon.

A pure core (standard library only): the booking service lists choices with free_slots() and,
inside its transaction, re-checks the one start a municipality sent with check_slot(), so a
forged or just-taken slot is refused. The database's unique constraint on advisor and start time
stays the last line of defence.

Decisions, in the order they bite:

* Time: all arithmetic is on UTC instants (integer microseconds); weekly hours become instants
  per Berlin date, with the DST edge rules described in ``availability.py``. A slot is therefore
  always a real instant and never listed twice.
* Grid: starts are whole multiples of ``rules.step`` since the Unix epoch. Berlin offsets are
  whole hours and the step divides one hour, so with 30 minutes every start is at :00 or :30 on
  the Berlin clock, DST days included, and all advisors share one grid, which is what lets
  free_slots() merge them by start. A window opening at 09:15 offers its first start at 09:30.
* A slot [start, start + duration) must lie in the advisor's windows (touching windows join;
  the slot offers the channels every part of it offers), outside absences, and must keep
  ``rules.buffer`` clear of every booking on both sides. Absences remove extra windows too: a
  day off that covers a conference must stop where the conference window starts.
* Bounds: now + notice <= start <= now + horizon, both inclusive; ``start``/``end`` of a query
  select starts in [start, end), so a week's view owns a slot that begins on its last evening.
* Per-day limit: a booking counts on the Berlin date of its start; on a date with
  ``max_per_day`` bookings the advisor offers no slot that starts on that date.
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from startsmart.consultations.availability import (
    CHANNELS,
    MICROSECOND,
    ON_SITE,
    PHONE,
    VIDEO,
    Absence,
    AdvisorAvailability,
    Booking,
    ExtraWindow,
    Micros,
    SlotRules,
    WeeklyWindow,
    absence_days,
    berlin_date,
    berlin_day_span,
    instant,
    micros,
    require_aware,
    require_channel,
    windows_between,
)
from startsmart.consultations.intervals import (
    Span,
    covering_channels,
    merge_spans,
    subtract_spans,
    union_windows,
)

__all__ = [
    "CHANNELS",
    "ON_SITE",
    "PHONE",
    "VIDEO",
    "Absence",
    "AdvisorAvailability",
    "Booking",
    "ExtraWindow",
    "Slot",
    "SlotRefusal",
    "SlotRules",
    "WeeklyWindow",
    "absence_days",
    "advisor_slots",
    "check_slot",
    "free_slots",
    "is_slot_free",
]


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start: which advisors are free for it and over which channels."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC, starts_at + rules.duration
    advisor_ids: frozenset[int]
    channels: frozenset[str]  # any channel at least one of these advisors offers for the slot


class SlotRefusal(enum.StrEnum):
    """Why check_slot() refused a start; the booking service turns it into a message."""

    MISALIGNED = "misaligned"  # off the grid: a forged or stale form
    TOO_SOON = "too_soon"  # before now + notice
    BEYOND_HORIZON = "beyond_horizon"  # after now + horizon
    OUTSIDE_AVAILABILITY = "outside_availability"  # no hours then, or the advisor is absent
    CHANNEL_UNAVAILABLE = "channel_unavailable"  # hours exist, but not for this channel
    TAKEN = "taken"  # overlaps a booking or its buffer
    DAY_FULL = "day_full"  # the advisor has max_per_day bookings on that Berlin date


def free_slots(
    advisors: Iterable[AdvisorAvailability],
    bookings: Iterable[Booking],
    rules: SlotRules,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    channel: str | None = None,
) -> list[Slot]:
    """Free starts over all advisors, sorted, one Slot per distinct instant.

    ``start``/``end`` narrow the listing to starts in [start, end) (e.g. one week of the UI);
    ``channel`` keeps only advisors who offer it for the whole slot.
    """
    require_channel(channel)
    first, last = _start_bounds(rules, now, start, end)
    by_advisor: dict[int, list[Span]] = {}
    for booking in bookings:
        span = (micros(booking.starts_at), micros(booking.ends_at))
        by_advisor.setdefault(booking.advisor_id, []).append(span)
    merged: dict[Micros, tuple[list[int], set[str]]] = {}
    seen: set[int] = set()
    for advisor in advisors:
        if advisor.advisor_id in seen:
            raise ValueError(f"advisor {advisor.advisor_id} is listed twice")
        seen.add(advisor.advisor_id)
        own = by_advisor.get(advisor.advisor_id, [])
        for starts, channels in _advisor_starts(advisor, own, rules, first, last, channel):
            entry = merged.get(starts)
            if entry is None:
                merged[starts] = ([advisor.advisor_id], set(channels))
            else:
                entry[0].append(advisor.advisor_id)
                entry[1].update(channels)
    slots = []
    for starts in sorted(merged):
        advisor_ids, slot_channels = merged[starts]
        starts_at = instant(starts)
        slots.append(
            Slot(
                starts_at,
                starts_at + rules.duration,
                frozenset(advisor_ids),
                frozenset(slot_channels),
            )
        )
    return slots


def advisor_slots(
    advisor: AdvisorAvailability,
    bookings: Iterable[Booking],
    rules: SlotRules,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    channel: str | None = None,
) -> list[Slot]:
    """Free starts of one advisor, sorted; other advisors' bookings in ``bookings`` are ignored."""
    return free_slots([advisor], bookings, rules, now, start, end, channel)


def check_slot(
    advisor: AdvisorAvailability,
    bookings: Iterable[Booking],
    rules: SlotRules,
    now: datetime,
    starts_at: datetime,
    channel: str | None = None,
) -> SlotRefusal | None:
    """Re-check one requested start for one advisor: None if free, else the first reason not.

    Agrees with advisor_slots(): a start is free here exactly when that listing contains it.
    """
    require_channel(channel)
    starts = micros(require_aware(starts_at, "starts_at"))
    first, last = _start_bounds(rules, now, None, None)
    if starts % (rules.step // MICROSECOND):
        return SlotRefusal.MISALIGNED
    if starts < first:
        return SlotRefusal.TOO_SOON
    if starts > last:
        return SlotRefusal.BEYOND_HORIZON
    ends = starts + rules.duration // MICROSECOND
    available = union_windows(windows_between(advisor, rules, starts, ends))
    segments = subtract_spans(available, merge_spans(_absence_spans(advisor)))
    channels = covering_channels(segments, starts, ends)
    if not channels:
        return SlotRefusal.OUTSIDE_AVAILABILITY
    if channel is not None and channel not in channels:
        return SlotRefusal.CHANNEL_UNAVAILABLE
    own = [
        (micros(booking.starts_at), micros(booking.ends_at))
        for booking in bookings
        if booking.advisor_id == advisor.advisor_id
    ]
    if any(block[0] < ends and block[1] > starts for block in _booking_spans(own, rules)):
        return SlotRefusal.TAKEN
    day = berlin_date(starts)
    if sum(berlin_date(booked[0]) == day for booked in own) >= rules.max_per_day:
        return SlotRefusal.DAY_FULL
    return None


def is_slot_free(
    advisor: AdvisorAvailability,
    bookings: Iterable[Booking],
    rules: SlotRules,
    now: datetime,
    starts_at: datetime,
    channel: str | None = None,
) -> bool:
    """Whether one advisor can take a consultation at ``starts_at`` (see check_slot())."""
    return check_slot(advisor, bookings, rules, now, starts_at, channel) is None


def _start_bounds(
    rules: SlotRules, now: datetime, start: datetime | None, end: datetime | None
) -> Span:
    """First and last allowed start, both inclusive."""
    now_micros = micros(require_aware(now, "now"))
    first = now_micros + rules.notice // MICROSECOND
    last = now_micros + rules.horizon // MICROSECOND
    if start is not None:
        first = max(first, micros(require_aware(start, "start")))
    if end is not None:
        last = min(last, micros(require_aware(end, "end")) - 1)
    return first, last


def _advisor_starts(
    advisor: AdvisorAvailability,
    bookings: list[Span],
    rules: SlotRules,
    first: Micros,
    last: Micros,
    channel: str | None,
) -> list[tuple[Micros, frozenset[str]]]:
    if first > last:
        return []
    step = rules.step // MICROSECOND
    duration = rules.duration // MICROSECOND
    segments = union_windows(windows_between(advisor, rules, first, last + duration))
    blocked = merge_spans(_absence_spans(advisor) + _booking_spans(bookings, rules))
    segments = subtract_spans(segments, blocked)
    full_days = _full_days(bookings, rules.max_per_day)
    full_starts = [span[0] for span in full_days]
    found: list[tuple[Micros, frozenset[str]]] = []
    index = 0
    while index < len(segments):
        # A run of touching segments: a slot may cross from one window into the next.
        stop = index + 1
        while stop < len(segments) and segments[stop][0] == segments[stop - 1][1]:
            stop += 1
        run = segments[index:stop]
        index = stop
        lowest = -(-max(run[0][0], first) // step) * step
        highest = min(run[-1][1] - duration, last)
        for starts in range(lowest, highest + 1, step):
            channels: frozenset[str] | None
            if len(run) == 1:
                channels = run[0][2]
            else:
                channels = covering_channels(run, starts, starts + duration)
            if not channels or (channel is not None and channel not in channels):
                continue
            if full_days:
                day = bisect_right(full_starts, starts) - 1
                if day >= 0 and starts < full_days[day][1]:
                    continue
            found.append((starts, channels))
    return found


def _absence_spans(advisor: AdvisorAvailability) -> list[Span]:
    return [(micros(absence.starts_at), micros(absence.ends_at)) for absence in advisor.absences]


def _booking_spans(bookings: list[Span], rules: SlotRules) -> list[Span]:
    """Each booking widened by the buffer on both sides: a slot must not overlap any of these."""
    buffer = rules.buffer // MICROSECOND
    return [(starts - buffer, ends + buffer) for starts, ends in bookings]


def _full_days(bookings: list[Span], max_per_day: int) -> list[Span]:
    if len(bookings) < max_per_day:
        return []
    per_day = Counter(berlin_date(starts) for starts, _ in bookings)
    return sorted(
        berlin_day_span(booking_day)
        for booking_day, count in per_day.items()
        if count >= max_per_day
    )
