"""What the public slot picker shows for one week: its days, the channels all of its slots
share, and the first free slot of all.

A pure core (standard library only), given the free slots from ``schedule.free``: the template
only lays out what is decided here, so the decisions can be tested without a page.

* Days: Monday to Friday always (a working day without a free slot says so, so that the
  columns of a week always mean the same weekdays); Saturday and Sunday only when one has a
  slot (extra hours at a weekend conference).
* Channels: a line per slot repeating "Videokonferenz, Telefon" thirty times is noise, so when
  every slot of the week offers the same channels, they are named once. A channel chosen in the
  filter is the one the booking link asks for, so then that channel is the shared one. Where
  they differ, each day's slots come in runs of the same channels, named once per run.
* First free slot: the soonest of all the slots given (the whole bookable horizon), whichever
  week is shown, so one tap books the earliest consultation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from startsmart.clock import BERLIN
from startsmart.consultations.slots import Slot

WORKING_DAYS = 5


@dataclass(frozen=True, slots=True)
class Run:
    """Slots following each other on one day that offer the same channels."""

    channels: frozenset[str]
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the week and its free slots, in Berlin time order."""

    day: date
    slots: tuple[Slot, ...]

    @property
    def runs(self) -> tuple[Run, ...]:
        runs: list[Run] = []
        for slot in self.slots:
            if runs and runs[-1].channels == slot.channels:
                runs[-1] = Run(slot.channels, (*runs[-1].slots, slot))
            else:
                runs.append(Run(slot.channels, (slot,)))
        return tuple(runs)


@dataclass(frozen=True, slots=True)
class Week:
    """One week of the slot picker."""

    monday: date
    days: tuple[Day, ...]
    # The channels every slot of the week offers, or None when they differ (shown per slot).
    shared_channels: frozenset[str] | None
    first_free: Slot | None  # the soonest free slot of all, in any week

    @property
    def has_slots(self) -> bool:
        return any(day.slots for day in self.days)


def berlin_day(moment: datetime) -> date:
    return moment.astimezone(BERLIN).date()


def week(slots: Sequence[Slot], monday: date, channel: str | None = None) -> Week:
    """The week from ``monday`` (a Berlin date) out of ``slots``, sorted free slots over any
    span; ``channel`` is the channel the person filtered by, if any."""
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        day = berlin_day(slot.starts_at)
        if monday <= day < monday + timedelta(days=7):
            by_day.setdefault(day, []).append(slot)
    days = tuple(
        Day(day, tuple(by_day.get(day, ())))
        for day in (monday + timedelta(days=n) for n in range(7))
        if day.weekday() < WORKING_DAYS or day in by_day
    )
    return Week(monday, days, _shared(by_day, channel), slots[0] if slots else None)


def _shared(by_day: dict[date, list[Slot]], channel: str | None) -> frozenset[str] | None:
    offered = {slot.channels for day in by_day.values() for slot in day}
    if channel is not None and offered:
        return frozenset({channel})
    return offered.pop() if len(offered) == 1 else None
