"""Berlin wall-clock times typed by staff become UTC; DST gaps are refused, doubles resolved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from startsmart.clock import (
    NonexistentLocalTime,
    berlin_local_to_utc,
    berlin_time_is_ambiguous,
    berlin_wall_time,
)

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 7, 1), time(10, 0), datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # CEST
        (date(2026, 12, 1), time(10, 0), datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),  # CET
        (date(2026, 3, 29), time(1, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (date(2026, 3, 29), time(3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ],
)
def test_ordinary_times_convert(day, at, expected):
    assert berlin_local_to_utc(day, at) == expected
    assert not berlin_time_is_ambiguous(day, at)


@pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
def test_the_hour_skipped_in_march_does_not_exist(at):
    with pytest.raises(NonexistentLocalTime):
        berlin_local_to_utc(date(2026, 3, 29), at)
    assert not berlin_time_is_ambiguous(date(2026, 3, 29), at)


def test_the_hour_repeated_in_october_is_the_occurrence_its_fold_names():
    day, at = date(2026, 10, 25), time(2, 30)
    assert berlin_time_is_ambiguous(day, at)
    # fold 0: 02:30 summer time (UTC+2); fold 1: 02:30 winter time (UTC+1), an hour later.
    assert berlin_local_to_utc(day, at) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert berlin_local_to_utc(day, at.replace(fold=1)) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert berlin_local_to_utc(day, time(3, 0)) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_wall_time_round_trips_every_quarter_hour_of_a_year():
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    while instant.year == 2026:
        day, at = berlin_wall_time(instant)
        # exactly, the second 02:xx in October too: the wall time carries its fold
        assert berlin_local_to_utc(day, at) == instant
        instant += timedelta(minutes=15)
