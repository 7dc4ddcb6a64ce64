"""Staff move, resize and cancel dates; the calendars of the registered follow."""

from __future__ import annotations

import functools
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from moments import moment_of_this_run
from outbox_support import deliver_at
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState
from startsmart.registrations import date_changes, service
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import Role, StaffUser
from support import known_towns, make_date, make_staff, town_applicant

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


applicant = functools.partial(town_applicant, state=FederalState.HE)


@pytest.fixture(autouse=True)
def towns(app):
    """ "Gemeinde 1" to "Gemeinde 60" are known (the people of these tests come from them)."""
    known_towns(app, FederalState.HE, [f"Gemeinde {number}" for number in range(1, 61)])


def calendars(smtp, address: str) -> list[icalendar.Calendar]:
    deliver_at(NOW + timedelta(days=1))
    found = []
    for message in smtp.to(address):
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append(icalendar.Calendar.from_ical(part.get_content()))
    return found


@pytest.fixture
def staff(app) -> StaffUser:
    user_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        return db.session.get(StaffUser, user_id)


def test_invitation_update_cancel_series_for_a_participant(app, smtp, staff):
    date_id = make_date(app, capacity=5)
    with app.app_context():
        service.register(date_id, applicant(1), NOW, by_staff=True)  # confirmed at once
        date = db.session.get(EventDate, date_id)
        later = date.starts_at + timedelta(days=7)
        place = date_changes.DatePlace(later, later + timedelta(hours=2), "Rathaus Kiel", None)
        assert date_changes.move_date(date_id, place, staff, NOW) == 1
        assert date_changes.cancel_date(date_id, "Die Referentin ist erkrankt.", staff, NOW) == 1
        series = calendars(smtp, "person1@kommune.de")
    methods = [str(c["METHOD"]) for c in series]
    events = [c.walk("VEVENT")[0] for c in series]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert str(events[1]["LOCATION"]) == "Rathaus Kiel"
    assert events[1].decoded("DTSTART") == later
    with app.app_context():
        deliver_at(NOW + timedelta(days=1))
    update, cancel = smtp.to("person1@kommune.de")[1:]
    assert "Neuer Ort: Rathaus Kiel" in update.get_body(("plain",)).get_content()
    assert "Die Referentin ist erkrankt." in cancel.get_body(("plain",)).get_content()


def test_unconfirmed_people_hear_of_a_move_without_a_calendar_entry(app, smtp, staff):
    date_id = make_date(app, capacity=5)
    with app.app_context():
        service.register(date_id, applicant(1), NOW)  # pending: no invitation yet
        date = db.session.get(EventDate, date_id)
        place = date_changes.DatePlace(
            date.starts_at + timedelta(hours=1),
            date.ends_at + timedelta(hours=1),
            None,
            date.online_url,
        )
        date_changes.move_date(date_id, place, staff, NOW)
        assert calendars(smtp, "person1@kommune.de") == []
    assert smtp.to("person1@kommune.de")[-1]["Subject"].startswith("Geändert")


def test_capacity_cannot_drop_below_taken_seats_and_raising_promotes(app, smtp, staff):
    date_id = make_date(app, capacity=2)
    with app.app_context():
        for number in range(4):
            service.register(date_id, applicant(number), NOW)
        with pytest.raises(DomainError, match="2 Plätze sind schon vergeben"):
            date_changes.change_capacity(date_id, 1, staff, NOW)
        db.session.rollback()
        assert date_changes.change_capacity(date_id, 3, staff, NOW) == 1
        statuses = (
            db.session.execute(sa.select(Registration.status).order_by(Registration.id))
            .scalars()
            .all()
        )
        assert statuses == [RegistrationStatus.PENDING] * 3 + [RegistrationStatus.WAITLISTED]
        assert db.session.get(EventDate, date_id).capacity == 3


def test_cancelled_date_takes_no_registrations(app, smtp, staff):
    date_id = make_date(app)
    with app.app_context():
        with pytest.raises(DomainError, match="warum der Termin ausfällt"):
            date_changes.cancel_date(date_id, "  ", staff, NOW)
        db.session.rollback()
        date_changes.cancel_date(date_id, "Ausfall.", staff, NOW)
        assert db.session.get(EventDate, date_id).status is EventDateStatus.CANCELLED
        with pytest.raises(DomainError, match="abgesagt"):
            service.register(date_id, applicant(9), NOW)


def test_a_date_moved_before_its_deadline_takes_the_deadline_along(app, smtp, staff):
    date_id = make_date(app, starts_in=timedelta(days=20), closes_before=timedelta(days=2))
    with app.app_context():
        date = db.session.get(EventDate, date_id)
        earlier = date.starts_at - timedelta(days=10)
        place = date_changes.DatePlace(earlier, earlier + timedelta(hours=2), "Rathaus Kiel", None)
        date_changes.move_date(date_id, place, staff, NOW)
        date = db.session.get(EventDate, date_id)
        assert date.registration_closes_at == earlier - timedelta(days=2)
        later = earlier + timedelta(days=30)  # moving later leaves a set deadline alone
        place = date_changes.DatePlace(later, later + timedelta(hours=2), "Rathaus Kiel", None)
        date_changes.move_date(date_id, place, staff, NOW)
        assert db.session.get(EventDate, date_id).registration_closes_at == earlier - timedelta(
            days=2
        )
