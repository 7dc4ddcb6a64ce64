"""One week of the slot picker, decided without a page: which days, which channels named once,
the first free slot; days are Berlin days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from startsmart.consultations.slots import Slot
from startsmart.consultations.week_view import week

MONDAY = date(2027, 1, 18)  # winter: Berlin is UTC+1
BOTH = frozenset({"video", "phone"})
PHONE = frozenset({"phone"})


def slot(utc: datetime, channels: frozenset[str] = BOTH) -> Slot:
    return Slot(utc, utc + timedelta(hours=1), frozenset({1}), channels)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` UTC on January ``day`` of 2027."""
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)


def test_working_days_always_weekend_days_only_with_a_slot():
    shown = week([slot(at(19, 9)), slot(at(23, 9))], MONDAY)
    assert [d.day.isoformat() for d in shown.days] == [
        "2027-01-18", "2027-01-19", "2027-01-20", "2027-01-21", "2027-01-22", "2027-01-23",
    ]  # fmt: skip
    assert [len(d.slots) for d in shown.days] == [0, 1, 0, 0, 0, 1]


def test_days_are_berlin_days_and_the_first_free_slot_may_lie_in_another_week():
    earlier = slot(at(12, 9))
    sunday_night_utc = slot(at(17, 23, 30))  # 00:30 on Monday the 18th in Berlin
    last_evening = slot(at(24, 22, 30))  # 23:30 on Sunday the 24th: still this week
    following_monday = slot(at(24, 23, 0))  # 00:00 on Monday the 25th: the next week
    shown = week([earlier, sunday_night_utc, last_evening, following_monday], MONDAY)
    assert shown.days[0].slots == (sunday_night_utc,)
    assert shown.days[-1].day == date(2027, 1, 24) and shown.days[-1].slots == (last_evening,)
    assert shown.first_free == earlier
    assert week([], MONDAY).first_free is None and not week([], MONDAY).has_slots


def test_channels_are_named_once_for_the_week_or_once_per_run():
    same = week([slot(at(18, 8)), slot(at(19, 8))], MONDAY)
    assert same.shared_channels == BOTH
    mixed = [slot(at(18, 8)), slot(at(18, 9)), slot(at(18, 13), PHONE), slot(at(18, 14), BOTH)]
    differ = week(mixed, MONDAY)
    assert differ.shared_channels is None
    runs = differ.days[0].runs
    assert [(r.channels, len(r.slots)) for r in runs] == [(BOTH, 2), (PHONE, 1), (BOTH, 1)]
    assert week(mixed, MONDAY, channel="phone").shared_channels == PHONE
    assert week([], MONDAY, channel="phone").shared_channels is None
