"""Berlin times that do not exist (the hour skipped when summer time begins) or exist twice
(the hour repeated when it ends) in every staff form that takes a time. The one that does not
exist is refused next to its field and nothing is stored; for the one that exists twice the
form asks which is meant (summer or winter time) and stores nothing until it is answered.

Dates must lie ahead, so the next such Sundays are used (for 2026: 29 March and 25 October).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from hostile.checks import snapshot
from hostile.pages import field_errors, flashes, forms_on
from startsmart import clock
from startsmart.clock import BERLIN, berlin_today
from support import make_date, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _next(month: int) -> date:
    today = berlin_today(clock.now())
    day = _last_sunday(today.year, month)
    return day if day > today + timedelta(days=2) else _last_sunday(today.year + 1, month)


SPRING = _next(3)  # 02:00–02:59 does not exist
AUTUMN = _next(10)  # 02:00–02:59 happens twice


@dataclass(frozen=True)
class TimeForm:
    name: str
    page: str  # may hold {date}, {offering}, {conference}, {advisor}
    action: str | None
    data: dict  # "{day}" is the DST day, "{before}" the day before, "{after}" the day after
    field: str  # the field given 02:30


FORMS = [
    TimeForm(
        "new date: start",
        "/staff/angebote/{offering}/termine/neu",
        None,
        {
            "day": "{day}",
            "starts": "02:30",
            "ends": "04:00",
            "venue": "Rathaus",
            "capacity": "9",
            "status": "published",
        },
        "starts",
    ),
    TimeForm(
        "new date: end",
        "/staff/angebote/{offering}/termine/neu",
        None,
        {
            "day": "{day}",
            "starts": "01:00",
            "ends": "02:30",
            "venue": "Rathaus",
            "capacity": "9",
            "status": "published",
        },
        "ends",
    ),
    TimeForm(
        "new date: deadline",
        "/staff/angebote/{offering}/termine/neu",
        None,
        {
            "day": "{after}",
            "starts": "10:00",
            "venue": "Rathaus",
            "capacity": "9",
            "deadline_day": "{day}",
            "deadline_time": "02:30",
            "status": "published",
        },
        "deadline_time",
    ),
    TimeForm(
        "date moved",
        "/staff/termine/{date}/zeit-und-ort",
        None,
        {"day": "{day}", "starts": "02:30", "ends": "04:00", "venue": "Rathaus"},
        "starts",
    ),
    TimeForm(
        "date's deadline",
        "/staff/termine/{date}/angaben",
        None,
        {"deadline_day": "{day}", "deadline_time": "02:30", "status": "published"},
        "deadline_time",
    ),
    TimeForm(
        "new conference: start",
        "/staff/regionalkonferenzen/neu",
        None,
        {
            "title": "Nachtkonferenz",
            "day": "{day}",
            "starts": "02:30",
            "ends": "05:00",
            "city": "Kiel",
            "venue": "Rathaus",
            "capacity": "50",
        },
        "starts",
    ),
    TimeForm(
        "new conference: deadline",
        "/staff/regionalkonferenzen/neu",
        None,
        {
            "title": "Nachtkonferenz",
            "day": "{after}",
            "starts": "09:00",
            "ends": "17:00",
            "city": "Kiel",
            "venue": "Rathaus",
            "capacity": "50",
            "deadline_day": "{day}",
            "deadline_time": "02:30",
        },
        "deadline_time",
    ),
    TimeForm(
        "conference edited: end",
        "/staff/regionalkonferenzen/{conference}/bearbeiten",
        None,
        {
            "title": "Regionalkonferenz Nord",
            "day": "{day}",
            "starts": "01:00",
            "ends": "02:30",
            "city": "Flensburg",
            "venue": "Deutsches Haus",
            "capacity": "200",
        },
        "ends",
    ),
    TimeForm(
        "speed-dating start",
        "/staff/regionalkonferenzen/{conference}/speed-dating/einstellungen",
        None,
        {"starts": "02:30", "total_minutes": "30", "round_minutes": "3"},
        "starts",
    ),
    TimeForm(
        "extra consultation window: start",
        "/staff/beratungszeiten/{advisor}",
        "/staff/beratungszeiten/{advisor}/zusatzzeiten",
        {
            "extra-day": "{day}",
            "extra-start": "02:30",
            "extra-end": "04:00",
            "extra-channels": "video",
            "extra-conference": "",
        },
        "extra-start",
    ),
    TimeForm(
        "extra consultation window: end",
        "/staff/beratungszeiten/{advisor}",
        "/staff/beratungszeiten/{advisor}/zusatzzeiten",
        {
            "extra-day": "{day}",
            "extra-start": "01:00",
            "extra-end": "02:30",
            "extra-channels": "video",
            "extra-conference": "",
        },
        "extra-end",
    ),
]


def _fill(form: TimeForm, day: date, ids: dict) -> tuple[str, str | None, dict]:
    values = {"day": day, "before": day - timedelta(days=1), "after": day + timedelta(days=1)}
    data = {
        k: v.format(**{n: d.isoformat() for n, d in values.items()}) for k, v in form.data.items()
    }
    page = form.page.format(**ids)
    return page, form.action.format(**ids) if form.action else None, data


def _ids(app, admin, world, day: date) -> dict:
    """A date, and the conference moved, to the DST day, so both can be edited there."""
    starts_in = datetime.combine(day + timedelta(days=3), time(10), tzinfo=BERLIN) - clock.now()
    date_id = make_date(app, starts_in=starts_in, slug=f"dst-{day}")
    conference_page = f"/staff/regionalkonferenzen/{world.conference_id}/bearbeiten"
    moved = {
        "title": "Regionalkonferenz Nord",
        "day": day.isoformat(),
        "starts": "00:30",
        "ends": "05:00",
        "city": "Flensburg",
        "venue": "Deutsches Haus",
        "capacity": "200",
    }
    assert submit(admin, conference_page, moved).status_code == 302
    return {
        "date": date_id,
        "offering": world.offering_id,
        "conference": world.conference_id,
        "advisor": world.advisor_id,
    }


def _send(client, page: str, action: str | None, data: dict):
    """The form on ``page`` as shown (its other fields as they are), with ``data`` typed in."""
    forms = forms_on(page, text(client.get(page)))
    form = next(f for f in forms if f.action == (action or page))
    return client.post(form.action, data=form.data(**data))


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_time_that_does_not_exist_is_refused(app, admin, world, form):
    ids = _ids(app, admin, world, SPRING)
    page, action, data = _fill(form, SPRING, ids)
    before = snapshot(app)
    response = _send(admin, page, action, data)
    html = text(response)
    assert response.status_code == 200, flashes(html)
    message = field_errors(html).get(form.field, "")
    assert "02:30" in message and "nicht" in message, field_errors(html)
    assert snapshot(app) == before


def _question(form: TimeForm) -> str:
    prefix = form.field.split("-")[0] + "-" if "-" in form.field else ""
    return f"{prefix}repeated_hour"


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_time_that_exists_twice_is_asked_about_and_nothing_is_stored(app, admin, world, form):
    ids = _ids(app, admin, world, AUTUMN)
    page, action, data = _fill(form, AUTUMN, ids)
    before = snapshot(app)
    response = _send(admin, page, action, data)
    html = text(response)
    assert response.status_code == 200, flashes(html)
    message = field_errors(html).get(form.field, "")
    assert "02:30" in message and "zweimal" in message, field_errors(html)
    assert f'name="{_question(form)}" type="radio" value="second"' in html
    assert "Die zweite – schon Winterzeit (MEZ" in html
    assert snapshot(app) == before


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@pytest.mark.parametrize(
    ("answer", "utc_hour"), [("first", 0), ("second", 1)], ids=["summer time", "winter time"]
)
def test_the_answer_decides_which_0230_is_stored(app, admin, world, form, answer, utc_hour):
    ids = _ids(app, admin, world, AUTUMN)
    page, action, data = _fill(form, AUTUMN, ids)
    response = _send(admin, page, action, {**data, _question(form): answer})
    assert response.status_code == 302, field_errors(text(response))
    stored = [cell for rows in snapshot(app).values() for row in rows for cell in row]
    assert datetime.combine(AUTUMN, time(utc_hour, 30), tzinfo=UTC) in stored
    other = datetime.combine(AUTUMN, time(1 - utc_hour, 30), tzinfo=UTC)
    assert other not in stored
