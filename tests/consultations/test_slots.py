"""The consultation slot calculator: examples, then properties checked by a brute-force oracle."""

from __future__ import annotations

import ast
import sys
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from startsmart.consultations.slots import (
    CHANNELS,
    ON_SITE,
    PHONE,
    VIDEO,
    Absence,
    AdvisorAvailability,
    Booking,
    ExtraWindow,
    SlotRefusal,
    SlotRules,
    WeeklyWindow,
    absence_days,
    advisor_slots,
    check_slot,
    free_slots,
    is_slot_free,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, SATURDAY, SUNDAY = 0, 1, 2, 3, 5, 6
# Monday 2 March 2026, 08:00 in Berlin: with 48 h notice, the first bookable Monday is 9 March.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)


def berlin(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    # In UTC: Python never finds an aware datetime with fold=1 equal to one of another zone.
    local = datetime.combine(day, time(hour, minute), tzinfo=BERLIN).replace(fold=fold)
    return local.astimezone(UTC)


def hours(weekday: int, start: int, end: int, channels: set[str] | None = None) -> WeeklyWindow:
    return WeeklyWindow(weekday, time(start), time(end), frozenset(channels) if channels else None)


def advisor(*weekly: WeeklyWindow, advisor_id: int = 1, extra=(), absences=()):
    return AdvisorAvailability(advisor_id, weekly, extra, absences)


def booked(day: date, hour: int, minute: int = 0, length: int = 60, advisor_id: int = 1):
    starts = berlin(day, hour, minute)
    return Booking(advisor_id, starts.astimezone(UTC), starts + timedelta(minutes=length))


def wall_times(slots, day: date | None = None) -> list[str]:
    """Starts as Berlin wall clock "HH:MM", optionally only those on one Berlin date."""
    local = [slot.starts_at.astimezone(BERLIN) for slot in slots]
    return [f"{at:%H:%M}" for at in local if day is None or at.date() == day]


def one_day(day: date) -> dict:
    return {"start": berlin(day, 0), "end": berlin(day + timedelta(days=1), 0)}


RULES = SlotRules()
MON_9 = date(2026, 3, 9)
MORNING = ["09:00", "09:30", "10:00", "10:30", "11:00"]
AFTERNOON = ["13:00", "13:30", "14:00", "14:30", "15:00"]


# --- examples ---------------------------------------------------------------------------------


def test_basic_week_of_office_hours():
    weekly = [hours(d, 9, 12) for d in range(4)] + [hours(d, 13, 16) for d in range(4)]
    week = {"start": berlin(MON_9, 0), "end": berlin(MON_9 + timedelta(days=7), 0)}
    slots = free_slots([advisor(*weekly)], [], RULES, NOW, **week)
    assert len(slots) == 4 * 10
    assert wall_times(slots, MON_9) == MORNING + AFTERNOON
    first = slots[0]
    assert first.starts_at == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert first.ends_at - first.starts_at == timedelta(minutes=60)
    assert first.advisor_ids == {1}
    assert first.channels == CHANNELS
    assert advisor_slots(advisor(*weekly), [], RULES, NOW, **week) == slots


def test_grid_is_the_berlin_half_hour_not_the_window_start():
    window = WeeklyWindow(MONDAY, time(9, 15), time(12))
    slots = free_slots([advisor(window)], [], RULES, NOW, **one_day(MON_9))
    assert wall_times(slots) == ["09:30", "10:00", "10:30", "11:00"]


def test_buffer_keeps_a_quarter_hour_clear_on_both_sides():
    adv = advisor(hours(MONDAY, 8, 13))
    meeting = booked(MON_9, 10)
    slots = free_slots([adv], [meeting], RULES, NOW, **one_day(MON_9))
    assert wall_times(slots) == ["08:00", "08:30", "11:30", "12:00"]
    no_buffer = SlotRules(buffer=timedelta(0))
    slots = free_slots([adv], [meeting], no_buffer, NOW, **one_day(MON_9))
    assert wall_times(slots) == ["08:00", "08:30", "09:00", "11:00", "11:30", "12:00"]


def test_other_advisors_bookings_do_not_block():
    slots = free_slots(
        [advisor(hours(MONDAY, 9, 12))], [booked(MON_9, 10, advisor_id=2)], RULES, NOW
    )
    assert wall_times(slots, MON_9) == MORNING


def test_notice_is_inclusive_and_rounds_up_to_the_grid():
    adv = advisor(hours(MONDAY, 9, 12))
    at_nine = berlin(date(2026, 3, 7), 9)  # Saturday; 48 h later is Monday 09:00
    assert wall_times(free_slots([adv], [], RULES, at_nine), MON_9) == MORNING
    later = at_nine + timedelta(minutes=10, seconds=1)
    assert wall_times(free_slots([adv], [], RULES, later), MON_9) == MORNING[1:]


def test_horizon_is_eight_weeks_of_real_time():
    now = berlin(date(2026, 5, 4), 10)  # a Monday; the horizon ends Monday 29 June, 10:00
    slots = free_slots([advisor(hours(MONDAY, 9, 12))], [], RULES, now)
    assert slots[-1].starts_at == berlin(date(2026, 6, 29), 10)
    assert wall_times(slots, date(2026, 6, 29)) == ["09:00", "09:30", "10:00"]
    assert all(slot.starts_at <= now + RULES.horizon for slot in slots)


def test_per_day_limit_counts_the_berlin_day_not_the_utc_day():
    adv = advisor(hours(MONDAY, 9, 12), hours(TUESDAY, 9, 12))
    tuesday = MON_9 + timedelta(days=1)
    late = [booked(MON_9, 16), booked(MON_9, 17)]
    just_after_midnight = booked(tuesday, 0, 30)  # Monday 23:30 UTC
    assert just_after_midnight.starts_at.date() == MON_9
    slots = free_slots([adv], [*late, just_after_midnight], RULES, NOW)
    assert wall_times(slots, MON_9) == MORNING  # two bookings on the Berlin Monday
    assert wall_times(slots, tuesday) == MORNING

    more = [booked(tuesday, 14), booked(tuesday, 15, 30)]
    slots = free_slots([adv], [*late, just_after_midnight, *more], RULES, NOW)
    assert wall_times(slots, MON_9) == MORNING
    assert wall_times(slots, tuesday) == []


def test_absences_by_day_and_by_time():
    weekly = [hours(d, 9, 12) for d in range(4)]
    away = absence_days(MON_9 + timedelta(days=1), MON_9 + timedelta(days=2))
    dentist = Absence(berlin(MON_9, 10), berlin(MON_9, 10, 45))
    slots = free_slots([advisor(*weekly, absences=[away, dentist])], [], RULES, NOW)
    assert wall_times(slots, MON_9) == ["09:00", "11:00"]
    assert wall_times(slots, MON_9 + timedelta(days=1)) == []
    assert wall_times(slots, MON_9 + timedelta(days=2)) == []
    assert wall_times(slots, MON_9 + timedelta(days=3)) == MORNING
    assert away.starts_at == berlin(MON_9 + timedelta(days=1), 0)
    assert away.ends_at == berlin(MON_9 + timedelta(days=3), 0)


def test_extra_window_at_a_conference_and_the_channel_filter():
    saturday = date(2026, 3, 14)
    conference = ExtraWindow(
        berlin(saturday, 10), berlin(saturday, 12), frozenset({ON_SITE}), "Regionalkonferenz"
    )
    adv = advisor(hours(MONDAY, 9, 12, {VIDEO, PHONE}), extra=[conference])
    slots = free_slots([adv], [], RULES, NOW)
    assert wall_times(slots, saturday) == ["10:00", "10:30", "11:00"]
    assert {s.channels for s in slots if s.starts_at.date() == saturday} == {frozenset({ON_SITE})}

    on_site = free_slots([adv], [], RULES, NOW, channel=ON_SITE)
    assert {s.starts_at.date() for s in on_site} == {saturday}
    video = free_slots([adv], [], RULES, NOW, channel=VIDEO)
    assert saturday not in {s.starts_at.date() for s in video}
    assert wall_times(video, MON_9) == MORNING
    with pytest.raises(ValueError, match="unknown channel"):
        free_slots([adv], [], RULES, NOW, channel="carrier pigeon")


def test_a_slot_may_cross_touching_windows_and_offers_what_both_offer():
    adv = advisor(hours(MONDAY, 9, 10, {VIDEO}), hours(MONDAY, 10, 11, {VIDEO, PHONE}))
    slots = free_slots([adv], [], RULES, NOW, **one_day(MON_9))
    assert wall_times(slots) == ["09:00", "09:30", "10:00"]
    assert [s.channels for s in slots] == [{VIDEO}, {VIDEO}, {VIDEO, PHONE}]
    phone = free_slots([adv], [], RULES, NOW, channel=PHONE, **one_day(MON_9))
    assert wall_times(phone) == ["10:00"]


def test_merged_over_advisors():
    anna = advisor(hours(MONDAY, 9, 12, {VIDEO}), advisor_id=1)
    ben = advisor(hours(MONDAY, 10, 13, {PHONE}), advisor_id=2)
    slots = free_slots([anna, ben], [], RULES, NOW, **one_day(MON_9))
    assert wall_times(slots) == [f"{h:02d}:{m:02d}" for h in (9, 10, 11) for m in (0, 30)] + [
        "12:00"
    ]
    by_time = dict(zip(wall_times(slots), slots, strict=True))
    assert by_time["09:30"].advisor_ids == {1}
    assert by_time["10:00"].advisor_ids == {1, 2}
    assert by_time["10:00"].channels == {VIDEO, PHONE}
    assert by_time["12:00"].advisor_ids == {2}
    video = free_slots([anna, ben], [], RULES, NOW, channel=VIDEO, **one_day(MON_9))
    assert all(slot.advisor_ids == {1} for slot in video)
    with pytest.raises(ValueError, match="listed twice"):
        free_slots([anna, anna], [], RULES, NOW)


SPRING = date(2026, 3, 29)  # 02:00 CET jumps to 03:00 CEST
AUTUMN = date(2026, 10, 25)  # 03:00 CEST falls back to 02:00 CET


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        (date(2026, 3, 22), ["00:00", "00:30", "01:00", "01:30", "02:00"]),
        (SPRING, ["00:00", "00:30", "01:00"]),
        (AUTUMN, ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30", "02:00"]),
    ],
)
def test_night_window_on_dst_days(day, expected_utc):
    """01:00-04:00 Berlin is 3 real hours usually, 2 in spring and 4 in autumn."""
    slots = free_slots(
        [advisor(hours(SUNDAY, 1, 4))], [], RULES, berlin(day, 0) - timedelta(days=3)
    )
    on_day = [s for s in slots if berlin(day, 0) <= s.starts_at < berlin(day + timedelta(1), 0)]
    assert [f"{s.starts_at:%H:%M}" for s in on_day] == expected_utc
    assert len({s.starts_at for s in on_day}) == len(on_day)
    for slot in on_day:
        assert slot.starts_at.astimezone(BERLIN).minute in (0, 30)
        # A real instant: its Berlin reading maps back to the same instant.
        local = slot.starts_at.astimezone(BERLIN)
        again = local.replace(tzinfo=None).replace(tzinfo=BERLIN, fold=local.fold)
        assert again.astimezone(UTC) == slot.starts_at


def test_dst_slots_are_exactly_the_expected_instants():
    spring = free_slots([advisor(hours(SUNDAY, 1, 4))], [], RULES, berlin(SPRING, 0) - timedelta(3))
    assert [s.starts_at for s in spring[:3]] == [
        berlin(SPRING, 1),
        berlin(SPRING, 1, 30),
        berlin(SPRING, 3),
    ]
    autumn = free_slots([advisor(hours(SUNDAY, 1, 4))], [], RULES, berlin(AUTUMN, 0) - timedelta(3))
    assert [s.starts_at for s in autumn[:7]] == [
        berlin(AUTUMN, 1),
        berlin(AUTUMN, 1, 30),
        berlin(AUTUMN, 2, 0, fold=0),
        berlin(AUTUMN, 2, 30, fold=0),
        berlin(AUTUMN, 2, 0, fold=1),
        berlin(AUTUMN, 2, 30, fold=1),
        berlin(AUTUMN, 3),
    ]


def test_window_edges_inside_the_skipped_or_doubled_hour():
    # Starts at 02:30, which does not exist in spring: the window opens at the jump (03:00).
    spring = free_slots(
        [advisor(WeeklyWindow(SUNDAY, time(2, 30), time(4, 30)))],
        [],
        RULES,
        berlin(SPRING, 0) - timedelta(3),
        **one_day(SPRING),
    )
    assert wall_times(spring) == ["03:00", "03:30"]
    # Ends at 02:30, which happens twice in autumn: the window runs to the second one.
    autumn = free_slots(
        [advisor(WeeklyWindow(SUNDAY, time(1), time(2, 30)))],
        [],
        RULES,
        berlin(AUTUMN, 0) - timedelta(3),
        **one_day(AUTUMN),
    )
    assert autumn[-1].ends_at == berlin(AUTUMN, 2, 30, fold=1)
    assert len(autumn) == 4  # 2.5 real hours: starts 01:00 .. 02:30 CEST
    # Ends at 02:00: once the clock first reads 02:00 it never reads earlier again that night.
    until_two = free_slots(
        [advisor(hours(SUNDAY, 0, 2))],
        [],
        RULES,
        berlin(AUTUMN, 0) - timedelta(3),
        **one_day(AUTUMN),
    )
    assert until_two[-1].ends_at == berlin(AUTUMN, 2, 0, fold=0)
    assert wall_times(until_two) == ["00:00", "00:30", "01:00"]


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 9, 9)
    adv = advisor(hours(MONDAY, 9, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        Booking(1, naive, naive + timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        Absence(naive, NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        ExtraWindow(naive, naive + timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots([adv], [], RULES, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots([adv], [], RULES, NOW, start=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        check_slot(adv, [], RULES, NOW, naive)
    with pytest.raises(ValueError, match="without tzinfo"):
        WeeklyWindow(MONDAY, time(9, tzinfo=UTC), time(12))


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError, match="step"):
        SlotRules(step=timedelta(minutes=45))
    with pytest.raises(ValueError, match="before"):
        WeeklyWindow(MONDAY, time(12), time(9))
    with pytest.raises(ValueError, match="unknown channel"):
        WeeklyWindow(MONDAY, time(9), time(12), frozenset({"fax"}))
    with pytest.raises(ValueError, match="before"):
        Booking(1, berlin(MON_9, 10), berlin(MON_9, 10))


class TestCheckSlot:
    adv = advisor(
        hours(MONDAY, 9, 12, {VIDEO, PHONE}),
        hours(TUESDAY, 9, 12),
        absences=[absence_days(MON_9 + timedelta(days=1), MON_9 + timedelta(days=1))],
    )

    def check(self, starts_at, bookings=(), channel=None, now=NOW):
        return check_slot(self.adv, bookings, RULES, now, starts_at, channel)

    def test_a_listed_slot_is_free(self):
        assert self.check(berlin(MON_9, 10)) is None
        assert is_slot_free(self.adv, [], RULES, NOW, berlin(MON_9, 10), VIDEO)

    def test_just_taken(self):
        taken = booked(MON_9, 10)
        assert self.check(berlin(MON_9, 10), [taken]) is SlotRefusal.TAKEN
        assert self.check(berlin(MON_9, 11), [taken]) is SlotRefusal.TAKEN  # inside the buffer
        assert not is_slot_free(self.adv, [taken], RULES, NOW, berlin(MON_9, 10))

    def test_outside_availability_or_absent(self):
        assert self.check(berlin(MON_9, 13)) is SlotRefusal.OUTSIDE_AVAILABILITY
        assert self.check(berlin(MON_9, 11, 30)) is SlotRefusal.OUTSIDE_AVAILABILITY
        tuesday_away = MON_9 + timedelta(days=1)
        assert self.check(berlin(tuesday_away, 10)) is SlotRefusal.OUTSIDE_AVAILABILITY
        assert self.check(berlin(tuesday_away + timedelta(days=7), 10)) is None

    def test_in_the_past_or_too_far(self):
        assert self.check(berlin(date(2026, 2, 23), 10)) is SlotRefusal.TOO_SOON
        assert self.check(berlin(date(2026, 3, 2), 10)) is SlotRefusal.TOO_SOON
        assert self.check(berlin(date(2026, 3, 3), 10)) is SlotRefusal.TOO_SOON
        assert self.check(berlin(date(2026, 6, 1), 10)) is SlotRefusal.BEYOND_HORIZON

    def test_forged_start_off_the_grid(self):
        assert self.check(berlin(MON_9, 9, 10)) is SlotRefusal.MISALIGNED
        forged = berlin(MON_9, 10) + timedelta(microseconds=1)
        assert self.check(forged) is SlotRefusal.MISALIGNED

    def test_channel_and_day_limit(self):
        assert self.check(berlin(MON_9, 10), channel=ON_SITE) is SlotRefusal.CHANNEL_UNAVAILABLE
        day_full = [booked(MON_9, 7), booked(MON_9, 13), booked(MON_9, 15)]
        assert self.check(berlin(MON_9, 10), day_full) is SlotRefusal.DAY_FULL


PURE_MODULES = ("slots.py", "availability.py", "intervals.py")


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_core_imports_only_the_standard_library(name):
    package = Path(__file__).parents[2] / "startsmart"
    tree = ast.parse((package / "consultations" / name).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    roots = {module.split(".")[0] for module in imported}
    assert not roots & {"flask", "sqlalchemy", "flask_sqlalchemy"}
    ours = {"startsmart.clock"} | {m for m in imported if m.startswith("startsmart.consultations.")}
    outside = {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names} - ours
    assert outside == set()


# --- properties against a brute-force oracle --------------------------------------------------
#
# The oracle walks a 5-minute grid of real instants and reads the Berlin clock at each. Every
# edge the strategies produce lies on that grid, so sampling it decides coverage exactly. A
# weekly window on date D covers [first instant of D whose clock reads >= start, last instant
# whose clock reads < end], the rule the module documents, found here without zoneinfo folds.

TICK = timedelta(minutes=5)
# Early enough that with at most 2 days' offset and 48 h notice the DST Sunday (29 March,
# 25 October) is bookable, and a horizon of at least 5 days reaches past it.
ANCHORS = [
    datetime(2026, 3, 25, tzinfo=UTC),
    datetime(2026, 10, 21, tzinfo=UTC),
    datetime(2026, 6, 10, tzinfo=UTC),
]


@cache
def ticks_of(day: date) -> tuple[tuple[datetime, time], ...]:
    moment = datetime.combine(day, time(0), tzinfo=BERLIN).astimezone(UTC)
    ticks = []
    while moment.astimezone(BERLIN).date() == day:
        ticks.append((moment, moment.astimezone(BERLIN).time()))
        moment += TICK
    return tuple(ticks)


@cache
def oracle_window(day: date, start: time, end: time) -> tuple[datetime, datetime] | None:
    ticks = ticks_of(day)
    opens = next((moment for moment, wall in ticks if wall >= start), None)
    before_end = [moment for moment, wall in ticks if wall < end]
    if opens is None or not before_end or opens >= before_end[-1] + TICK:
        return None
    return opens, before_end[-1] + TICK


def channels_at(adv: AdvisorAvailability, rules: SlotRules, moment: datetime) -> frozenset[str]:
    if any(a.starts_at <= moment < a.ends_at for a in adv.absences):
        return frozenset()
    day = moment.astimezone(BERLIN).date()
    offered: set[str] = set()
    for window in adv.weekly:
        span = (
            oracle_window(day, window.start, window.end)
            if window.weekday == day.weekday()
            else None
        )
        if span and span[0] <= moment < span[1]:
            offered |= window.channels or CHANNELS
    for extra in adv.extra:
        if extra.starts_at <= moment < extra.ends_at:
            offered |= extra.channels or CHANNELS
    return frozenset(offered) & rules.channels


def oracle_free(adv, bookings, rules, moment, cache) -> frozenset[str]:
    """Channels ``adv`` offers for a slot at ``moment``; empty if it is not free."""
    ends = moment + rules.duration
    offered = None
    tick = moment
    while tick < ends:
        if (adv.advisor_id, tick) not in cache:
            cache[adv.advisor_id, tick] = channels_at(adv, rules, tick)
        offered = (
            cache[adv.advisor_id, tick]
            if offered is None
            else offered & cache[adv.advisor_id, tick]
        )
        if not offered:
            return frozenset()
        tick += TICK
    own = [b for b in bookings if b.advisor_id == adv.advisor_id]
    if any(b.starts_at - rules.buffer < ends and b.ends_at + rules.buffer > moment for b in own):
        return frozenset()
    day = moment.astimezone(BERLIN).date()
    if sum(b.starts_at.astimezone(BERLIN).date() == day for b in own) >= rules.max_per_day:
        return frozenset()
    return offered


minutes_5 = st.integers(0, 286).map(lambda n: time(n // 12, n % 12 * 5))
night = st.integers(12, 47).map(lambda n: time(n // 12, n % 12 * 5))  # 01:00-03:55, the DST hours


@st.composite
def weekly_windows(draw):
    start = draw(st.one_of(minutes_5, night))
    length = draw(st.integers(3, 48)) * 5
    end_minutes = min(start.hour * 60 + start.minute + length, 23 * 60 + 55)
    channels = draw(st.sampled_from([None, frozenset({VIDEO}), frozenset({PHONE, ON_SITE})]))
    weekday = draw(st.sampled_from([SUNDAY, SUNDAY, MONDAY, TUESDAY, SATURDAY, WEDNESDAY]))
    return WeeklyWindow(weekday, start, time(end_minutes // 60, end_minutes % 60), channels)


@st.composite
def scenarios(draw):
    # Now sometimes on the 5-minute grid, so that now + horizon can be a bookable start.
    offset = draw(st.one_of(st.integers(0, 2 * 86400), st.integers(0, 576).map(lambda n: n * 300)))
    now = draw(st.sampled_from(ANCHORS)) + timedelta(seconds=offset)
    rules = SlotRules(
        duration=timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90]))),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 10, 15]))),
        notice=timedelta(hours=draw(st.sampled_from([0, 5, 48]))),
        horizon=timedelta(days=draw(st.integers(5, 7))),
        max_per_day=draw(st.integers(1, 3)),
        step=timedelta(minutes=draw(st.sampled_from([15, 30, 60]))),
    )
    base = now.replace(minute=0, second=0, microsecond=0)
    last_tick = rules.horizon // TICK + 12

    def moment(low_ticks, high_ticks):
        return st.integers(low_ticks, high_ticks).map(lambda n: base + n * TICK)

    advisors = []
    for advisor_id in range(1, draw(st.integers(1, 3)) + 1):
        weekly = draw(st.lists(weekly_windows(), max_size=5))
        if draw(st.booleans()):  # office hours every day, so bookings and buffers meet slots
            weekly += [WeeklyWindow(day, time(8), time(18)) for day in range(7)]
        extra = [
            ExtraWindow(s, s + timedelta(minutes=draw(st.integers(6, 36)) * 5), channels)
            for s, channels in draw(
                st.lists(
                    st.tuples(moment(0, last_tick), st.sampled_from([None, frozenset({ON_SITE})])),
                    max_size=2,
                )
            )
        ]
        absences = [
            Absence(s, s + timedelta(minutes=draw(st.integers(1, 300)) * 5))
            for s in draw(st.lists(moment(-100, last_tick), max_size=2))
        ]
        advisors.append(
            AdvisorAvailability(advisor_id, tuple(weekly), tuple(extra), tuple(absences))
        )
    bookings = [
        Booking(a, s.astimezone(UTC), s + timedelta(minutes=draw(st.integers(3, 24)) * 5))
        for a, s in draw(
            st.lists(st.tuples(st.integers(1, 3), moment(-100, last_tick)), max_size=16)
        )
    ]
    channel = draw(st.sampled_from([None, None, VIDEO, ON_SITE]))
    return now, rules, advisors, bookings, channel


def grid_starts(now: datetime, rules: SlotRules):
    """Every grid instant from now + notice to now + horizon."""
    step = rules.step
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    moment = epoch + -(-(now + rules.notice - epoch) // step) * step
    while moment <= now + rules.horizon:
        yield moment
        moment += step


# No example database: it would write .hypothesis/ into the shared checkout.
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(
    st.sampled_from([SPRING, AUTUMN, date(2026, 6, 14)]),
    st.integers(0, 60).map(lambda n: time(n // 12, n % 12 * 5)),
    st.integers(1, 48),
)
def test_night_window_edges_follow_the_wall_clock(day, start, length):
    """With a 5-minute grid and slot, the listing shows exactly the window's real extent."""
    end_minutes = start.hour * 60 + start.minute + length * 5
    window = WeeklyWindow(SUNDAY, start, time(end_minutes // 60, end_minutes % 60))
    fine = SlotRules(
        duration=TICK, buffer=timedelta(0), notice=timedelta(0), step=TICK, max_per_day=1
    )
    now = berlin(day, 0) - timedelta(days=1)
    slots = free_slots([advisor(window)], [], fine, now, **one_day(day))
    span = oracle_window(day, window.start, window.end)
    expected = []
    while span and span[0] + len(expected) * TICK < span[1]:
        expected.append(span[0] + len(expected) * TICK)
    assert [slot.starts_at for slot in slots] == expected


@PROPERTY
@given(scenarios())
def test_listing_matches_the_oracle_and_keeps_every_rule(scenario):
    now, rules, advisors, bookings, channel = scenario
    slots = free_slots(advisors, bookings, rules, now, channel=channel)

    starts = [slot.starts_at for slot in slots]
    assert starts == sorted(set(starts)), "sorted, no instant twice"
    for slot in slots:
        assert now + rules.notice <= slot.starts_at <= now + rules.horizon
        assert slot.ends_at == slot.starts_at + rules.duration
        for b in bookings:
            if b.advisor_id in slot.advisor_ids:
                assert not (
                    b.starts_at - rules.buffer < slot.ends_at
                    and slot.starts_at < b.ends_at + rules.buffer
                )
        for advisor_id in slot.advisor_ids:
            day = slot.starts_at.astimezone(BERLIN).date()
            own = [b for b in bookings if b.advisor_id == advisor_id]
            assert (
                sum(b.starts_at.astimezone(BERLIN).date() == day for b in own) < rules.max_per_day
            )

    cache: dict = {}
    expected = {}
    for moment in grid_starts(now, rules):
        free = {}
        for adv in advisors:
            offered = oracle_free(adv, bookings, rules, moment, cache)
            if offered and (channel is None or channel in offered):
                free[adv.advisor_id] = offered
        if free:
            expected[moment] = (set(free), frozenset().union(*free.values()))
    assert {s.starts_at: (set(s.advisor_ids), s.channels) for s in slots} == expected


@PROPERTY
@given(scenarios())
def test_check_slot_agrees_with_the_listing(scenario):
    now, rules, advisors, bookings, channel = scenario
    for adv in advisors:
        listed = {s.starts_at for s in advisor_slots(adv, bookings, rules, now, channel=channel)}
        for moment in grid_starts(now, rules):
            refusal = check_slot(adv, bookings, rules, now, moment, channel)
            assert (refusal is None) == (moment in listed), (moment, refusal)
