"""After a date has begun, staff record who took part; before, they are told to wait."""

from __future__ import annotations

from datetime import timedelta

import pytest

from staff_support import as_event_team, register_person
from startsmart import clock
from startsmart.extensions import db
from startsmart.registrations.models import Attendance, Registration
from support import csrf_token, make_date, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def attendance_of(app, registration_id: int) -> Attendance | None:
    with app.app_context():
        return db.session.get(Registration, registration_id).attendance


def test_before_the_start_attendance_is_refused(app, client):
    as_event_team(app, client)
    date_id = make_date(app)
    registration_id = register_person(app, date_id, 1)
    page = f"/staff/termine/{date_id}/anwesenheit"
    assert "erst ab Beginn des Termins" in text(client.get(page))
    response = client.post(
        page,
        data={"csrf_token": csrf_token(client, page), f"attendance-{registration_id}": "attended"},
    )
    assert response.status_code == 200
    assert "erst ab Beginn des Termins" in text(response)
    assert attendance_of(app, registration_id) is None


def test_after_the_start_attended_and_no_show_are_recorded(app, client):
    as_event_team(app, client)
    date_id = make_date(app, starts_in=timedelta(minutes=-30))
    earlier = clock.now() - timedelta(days=2)
    came = register_person(app, date_id, 1, now=earlier)
    missed = register_person(app, date_id, 2, now=earlier)
    page = f"/staff/termine/{date_id}/anwesenheit"
    form = text(client.get(page))
    assert "Person 1" in form and f'name="attendance-{came}"' in form
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            f"attendance-{came}": "attended",
            f"attendance-{missed}": "no_show",
        },
    )
    assert response.status_code == 302
    assert "Teilnahme gespeichert (2 Änderungen)." in text(client.get(response.headers["Location"]))
    assert attendance_of(app, came) is Attendance.ATTENDED
    assert attendance_of(app, missed) is Attendance.NO_SHOW
    listing = text(client.get(f"/staff/termine/{date_id}"))
    assert "teilgenommen" in listing and "nicht erschienen" in listing
    # Back to "open", and a forged value counts as open too.
    client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            f"attendance-{came}": "",
            f"attendance-{missed}": "<script>",
        },
    )
    assert attendance_of(app, came) is None and attendance_of(app, missed) is None


def test_registrations_of_other_dates_or_unconfirmed_ones_are_refused(app, client):
    as_event_team(app, client)
    date_id = make_date(app, starts_in=timedelta(minutes=-30))
    other_id = make_date(app, starts_in=timedelta(minutes=-30))
    earlier = clock.now() - timedelta(days=2)
    stranger = register_person(app, other_id, 1, now=earlier)
    pending = register_person(app, date_id, 2, now=earlier, by_staff=False)
    page = f"/staff/termine/{date_id}/anwesenheit"
    for registration_id, message in (
        (stranger, "gehört nicht zu diesem Termin"),
        (pending, "nur für bestätigte Anmeldungen"),
        (99999, "gehört nicht zu diesem Termin"),
    ):
        response = client.post(
            page,
            data={
                "csrf_token": csrf_token(client, page),
                f"attendance-{registration_id}": "attended",
            },
        )
        assert response.status_code == 200 and message in text(response)
    assert attendance_of(app, stranger) is None and attendance_of(app, pending) is None


def test_unknown_date_is_404(app, client):
    as_event_team(app, client)
    assert client.get("/staff/termine/999/anwesenheit").status_code == 404
