"""Fixtures for the staff side of consultations: Berlin weekday slots, bookings made by staff
(also in the past, to have held consultations), conferences with on-site windows."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from consultation_support import booking_request
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences.models import Conference
from startsmart.consultations import booking
from startsmart.consultations.models import ExtraHours
from startsmart.database import utcnow
from startsmart.extensions import db


def weekday_at(days_ahead: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Berlin weekday (Mon–Fri) at ``hour``, ``days_ahead`` days from today or the next
    weekday after it; negative values lie in the past. As UTC."""
    day = berlin_today(utcnow()) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return berlin_to_utc(day, time(hour, minute))


@pytest.fixture
def slot():
    return weekday_at


@pytest.fixture
def staff_booking(app):
    """Book as staff (confirmed, invitations queued) at ``start``; ``now`` defaults to three
    days before, so a start in the past gives a consultation that has taken place."""

    def book(start: datetime, number: int = 1, now: datetime | None = None, **changes) -> int:
        with app.app_context():
            booked = booking.book(
                booking_request(start, number, **changes),
                now or start - timedelta(days=3),
                by_staff=True,
            )
            return booked.consultation_id

    return book


@pytest.fixture
def conference(app):
    """A conference with its on-site windows: ``windows`` maps advisor ids to (start, end)."""

    def make(
        starts_at: datetime,
        ends_at: datetime,
        windows: dict[int, tuple[datetime, datetime]] | None = None,
        slug: str = "regionalkonferenz-nord",
    ) -> int:
        with app.app_context():
            conf = Conference(
                title="Regionalkonferenz Nord",
                slug=slug,
                city="Flensburg",
                venue="Deutsches Haus, Flensburg",
                description="Fachimpulse und Beratung vor Ort.",
                starts_at=starts_at,
                ends_at=ends_at,
            )
            db.session.add(conf)
            for advisor_id, (start, end) in (windows or {}).items():
                db.session.add(
                    ExtraHours(
                        advisor_id=advisor_id,
                        conference=conf,
                        starts_at=start,
                        ends_at=end,
                        channels="on_site",
                        label=conf.title,
                    )
                )
            db.session.commit()
            return conf.id

    return make
