"""One address cannot be flooded with mails from the KTS sender through the public forms, from
however many client addresses (issue 15, item 8): each address has a budget of form-triggered
mails per hour and per day; beyond it the form says so at the e-mail field, keeps the input
and stores nothing. Mistyped forms cost nothing; the budget is spent again after an hour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consultation_support import booking_form, make_advisor
from hostile.checks import snapshot
from hostile.pages import field_errors
from moments import working_day
from support import make_date, registration_form, submit, text

pytestmark = pytest.mark.time_sensitive

SPENT = "An diese Adresse haben wir in letzter Zeit schon mehrere E-Mails geschickt."


def _register(app, date_id: int, number: int, **typed):
    visitor = app.test_client()
    visitor.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"  # somebody else each time
    return submit(visitor, f"/angebote/termine/{date_id}/anmeldung", registration_form(**typed))


def test_seven_strangers_send_six_mails_to_one_address_and_no_seventh(app, smtp, travel):
    dates = [make_date(app, capacity=5) for _ in range(7)]
    for number, date_id in enumerate(dates[:6]):
        email = "Kim@Flensburg.de" if number % 2 else "kim@flensburg.de"  # one address
        assert _register(app, date_id, number, email=email).status_code == 302
    before = snapshot(app)
    response = _register(app, dates[6], 7, name="Kim Siebte")
    html = text(response)
    assert response.status_code == 200
    assert SPENT in field_errors(html)["email"]
    assert 'value="Kim Siebte"' in html  # what was typed stays
    assert snapshot(app) == before and len(smtp.to("kim@flensburg.de")) == 6
    travel.shift(timedelta(minutes=61))
    assert _register(app, dates[6], 8).status_code == 302
    assert len(smtp.to("kim@flensburg.de")) == 7


def test_a_form_shown_again_costs_nothing_and_other_addresses_are_untouched(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_MAILS_PER_ADDRESS", "1 per hour")
    date_id, other = make_date(app, capacity=5), make_date(app, capacity=5)
    for number in range(3):  # refused by the form itself: no mail, nothing spent
        assert _register(app, date_id, number, municipality="").status_code == 200
    assert _register(app, date_id, 3).status_code == 302
    assert SPENT in field_errors(text(_register(app, other, 4)))["email"]
    assert _register(app, other, 5, email="lea@flensburg.de").status_code == 302


def test_the_day_budget_holds_when_the_hours_pass(app, smtp, travel, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_MAILS_PER_ADDRESS", "2 per hour;3 per day")
    dates = [make_date(app, capacity=5, starts_in=timedelta(days=20)) for _ in range(4)]
    for number, date_id in enumerate(dates[:3]):
        assert _register(app, date_id, number).status_code == 302
        travel.shift(timedelta(hours=2))
    assert SPENT in field_errors(text(_register(app, dates[3], 9)))["email"]
    travel.shift(timedelta(hours=24))
    assert _register(app, dates[3], 10).status_code == 302


def test_consultation_bookings_share_the_budget(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_MAILS_PER_ADDRESS", "1 per hour")
    make_advisor(app, "berta@kts.example")
    assert (
        _register(app, make_date(app, capacity=5), 1, email="kim@kleinstadt.de").status_code == 302
    )
    start = working_day()
    visitor = app.test_client()
    response = submit(
        visitor, f"/initialberatung/buchen?start={start.isoformat()}", booking_form(start)
    )
    assert response.status_code == 200
    assert SPENT in field_errors(text(response))["email"]
    assert len(smtp.to("kim@kleinstadt.de")) == 1
