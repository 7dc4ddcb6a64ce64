"""The VTIMEZONE for Europe/Berlin, written as two yearly rules so that Outlook reads it right."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from startsmart.clock import BERLIN

TZID = BERLIN.key

_CET = timedelta(hours=1)
_CEST = timedelta(hours=2)


def berlin_vtimezone() -> Timezone:
    """Europe/Berlin as one STANDARD and one DAYLIGHT observance, each with a yearly RRULE.

    Written by hand rather than generated from the tz database (``add_missing_timezones()``),
    because the generated form lists each transition as an RDATE and Outlook then shows events
    an hour off. These rules (last Sunday of March 02:00 -> CEST, last Sunday of October
    03:00 -> CET) hold since 1996, so they are right for every date Start Smart books.
    """
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add_component(
        _observance(
            TimezoneDaylight(),
            starts=datetime(1970, 3, 29, 2, 0, 0),
            month=3,
            offset_from=_CET,
            offset_to=_CEST,
            name="CEST",
        )
    )
    timezone.add_component(
        _observance(
            TimezoneStandard(),
            starts=datetime(1970, 10, 25, 3, 0, 0),
            month=10,
            offset_from=_CEST,
            offset_to=_CET,
            name="CET",
        )
    )
    return timezone


def _observance(
    observance: TimezoneDaylight | TimezoneStandard,
    *,
    starts: datetime,
    month: int,
    offset_from: timedelta,
    offset_to: timedelta,
    name: str,
) -> TimezoneDaylight | TimezoneStandard:
    # DTSTART of an observance is local time without a TZID (RFC 5545 §3.6.5).
    observance.add("dtstart", starts)
    observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    observance.add("tzname", name)
    return observance
