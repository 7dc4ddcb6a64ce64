"""The one clock the tests control, and the moments the suite runs at.

Every test runs with the system time moved (time-machine: ``datetime.now``, ``time.time`` and
their C-level calls alike) to the moment of the run, and time ticks on from there, so the app,
its live server thread and the test read the same clock. The whole suite runs at
``DEFAULT_MOMENT``; ``.ci/test`` runs the tests marked ``time_sensitive`` again at each of
``MOMENTS`` (``STARTSMART_TEST_MOMENT=<name>``), where calendars, holds and feeds break when
they break at all.

The moments lie ahead of the day they were written, in fixed years, so that a run does not
depend on the day it happens: browsers keep cookies by their own clock, and a cookie set "for
an hour" from a moment in the past would be expired on arrival.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

from startsmart.clock import BERLIN, berlin_to_utc, berlin_today, now

# An ordinary working morning: Wednesday, 10:00 in Berlin.
DEFAULT_MOMENT = datetime(2027, 1, 13, 10, 0, tzinfo=BERLIN)

MOMENTS: dict[str, datetime] = {
    # Late on a Friday: "tomorrow" is a Saturday, and in an hour it is the weekend in Berlin
    # while UTC is still on Friday.
    "friday-2330": datetime(2027, 1, 15, 23, 30, tzinfo=BERLIN),
    # Sunday before dawn: the next weekday and the first day of the shown week are one Monday.
    "sunday-0550": datetime(2027, 1, 17, 5, 50, tzinfo=BERLIN),
    # The night the clocks go back: 02:30 happens twice; this is the first (summer time).
    "october-change-0230": datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN),
    # The last minute of the year: Berlin is in the new year one minute later, UTC an hour on.
    "new-years-eve-2359": datetime(2027, 12, 31, 23, 59, tzinfo=BERLIN),
    # A day that exists only every four years.
    "leap-day-1200": datetime(2028, 2, 29, 12, 0, tzinfo=BERLIN),
    # One minute before the clocks spring forward: 02:00–02:59 does not exist tonight.
    "march-change-0159": datetime(2028, 3, 26, 1, 59, tzinfo=BERLIN),
}


def moment_of_this_run() -> datetime:
    """The moment every test starts at: ``STARTSMART_TEST_MOMENT`` (a name of ``MOMENTS`` or
    an ISO 8601 time with offset), else ``DEFAULT_MOMENT``."""
    wanted = os.environ.get("STARTSMART_TEST_MOMENT", "").strip()
    if not wanted or wanted == "default":
        return DEFAULT_MOMENT
    if wanted in MOMENTS:
        return MOMENTS[wanted]
    moment = datetime.fromisoformat(wanted)
    if moment.tzinfo is None:
        raise ValueError(f"STARTSMART_TEST_MOMENT={wanted!r}: give a name or a time with offset")
    return moment


def today() -> date:
    """Today in Berlin, by the tests' clock."""
    return berlin_today(now())


def working_day(days_ahead: int = 7, hour: int = 10, minute: int = 0) -> datetime:
    """``hour:minute`` in Berlin on the ``days_ahead``-th Monday-to-Thursday after today, as UTC;
    a negative ``days_ahead`` counts back into the past the same way.

    Counting only Monday to Thursday keeps the day after a working day too (tests move a
    booking by a day), and gives different offsets different days whatever weekday the run
    starts on: counting calendar days, a Friday start moved onto a Saturday, and 7 and 9 days
    ahead could both land on the same Monday.
    """
    day = today()
    step = timedelta(days=1 if days_ahead >= 0 else -1)
    counted = 0
    while counted < abs(days_ahead):
        day += step
        if day.weekday() <= 3:
            counted += 1
    return berlin_to_utc(day, time(hour, minute))


def next_clock_change(month: int) -> date:
    """The next last Sunday of ``month`` in Berlin at least two days after today: 3 for the
    night the clocks spring forward (02:00–02:59 does not exist), 10 for the night they go
    back (02:00–02:59 happens twice)."""
    year = today().year
    while True:
        last = date(year, month + 1, 1) - timedelta(days=1)
        sunday = last - timedelta(days=(last.weekday() - 6) % 7)
        if sunday >= today() + timedelta(days=2):
            return sunday
        year += 1
