"""The one question staff are asked when a Berlin time they typed happens twice.

On the last Sunday in October the clock reads 02:00–02:59 twice: first in summer time (MESZ),
then, an hour later, in winter time (MEZ). Guessing stored a date from 02:30 to 03:30 as two
hours, so every staff form that takes a time asks instead: the form carries a
``RepeatedHourField``, shown only when one of its times is in doubt, and the view calls
``settle`` before handing the times to a service. The answer travels with the time itself as
its ``fold`` (PEP 495: 0 the first occurrence, 1 the second), which
``clock.berlin_local_to_utc`` honours. (A time that does not exist, in March, is refused by
the services with a message instead.)
"""

from __future__ import annotations

from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField
from wtforms.validators import Optional

from startsmart.clock import berlin_time_is_ambiguous
from startsmart.forms import choices
from startsmart.i18n import berlin_date

FIRST, SECOND = "first", "second"

# The hint under the first time field of each form, before anybody is asked.
DST_HINT = _l(
    "Berliner Ortszeit. Am letzten Sonntag im März gibt es 2:00–2:59 Uhr nicht; am letzten "
    "Sonntag im Oktober gibt es diese Stunde zweimal – dann fragen wir, welche gemeint ist."
)


class RepeatedHourField(RadioField):
    """Which occurrence of the repeated hour is meant; rendered only once it was asked."""

    asked = False

    def __init__(self, **kwargs):
        super().__init__(
            _l("Welche dieser Uhrzeiten ist gemeint?"),
            choices=lambda: choices(
                [
                    (FIRST, _l("Die erste – noch Sommerzeit (MESZ, UTC+2)")),
                    (SECOND, _l("Die zweite – schon Winterzeit (MEZ, UTC+1), eine Stunde später")),
                ]
            ),
            validators=[Optional()],
            validate_choice=False,  # settle() reads the answer and asks again if it is neither
            **kwargs,
        )


def settle(question: RepeatedHourField, *times: tuple[date | Field | None, Field]) -> bool:
    """Give each typed (day, time) in the repeated hour the occurrence staff chose.

    ``times`` pairs a day (a date or a day field) with a time field. If one of them happens
    twice and the question has no answer yet, the question is shown, the time field says why,
    and False is returned: the view shows the form again and stores nothing."""
    in_doubt = []
    for day, field in times:
        typed_day = day.data if isinstance(day, Field) else day
        at: time | None = field.data
        if typed_day is not None and at is not None and berlin_time_is_ambiguous(typed_day, at):
            in_doubt.append((typed_day, field))
    question.asked = bool(in_doubt)
    if not in_doubt:
        return True
    if question.data not in (FIRST, SECOND):
        for typed_day, field in in_doubt:
            field.errors = [
                *field.errors,
                _(
                    "%(time)s Uhr gibt es am %(day)s zweimal (Ende der Sommerzeit). Bitte wählen "
                    "Sie unten, welche gemeint ist.",
                    time=field.data.strftime("%H:%M"),
                    day=berlin_date(typed_day, "medium"),
                ),
            ]
        return False
    for _day, field in in_doubt:
        field.data = field.data.replace(fold=1 if question.data == SECOND else 0)
    return True
