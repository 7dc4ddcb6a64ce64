"""The one message staff see when a Berlin time they typed happens twice.

On the last Sunday in October the clock reads 02:00–02:59 twice. Every staff form takes the
first occurrence, still summer time (``clock.berlin_local_to_utc``); the forms' hints say so
beforehand, and this notice says so afterwards, for whichever of the typed times it concerned.
(A time that does not exist, in March, is refused by the services with a message instead.)
"""

from __future__ import annotations

from datetime import date, time

from flask import flash
from flask_babel import gettext as _

from startsmart.clock import berlin_time_is_ambiguous
from startsmart.i18n import berlin_date


def flash_if_ambiguous(*moments: tuple[date | None, time | None]) -> None:
    """Flash the notice once if any (day, time) typed happens twice in Berlin."""
    days = sorted(
        day
        for day, at in moments
        if day is not None and at is not None and berlin_time_is_ambiguous(day, at)
    )
    if days:
        flash(
            _(
                "Hinweis: Diese Uhrzeit gibt es am %(day)s zweimal (Ende der Sommerzeit). "
                "Gespeichert ist die erste, also noch Sommerzeit (MESZ).",
                day=berlin_date(days[0], "medium"),
            ),
            "info",
        )
