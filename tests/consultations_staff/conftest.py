"""Fixtures for the staff side of consultations: Berlin weekday slots, bookings made by staff
(also in the past, to have held consultations), conferences with on-site windows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consultation_support import booking_request
from moments import working_day
from startsmart.conferences.models import Conference
from startsmart.consultations import booking
from startsmart.consultations.models import ExtraHours
from startsmart.extensions import db


@pytest.fixture
def slot():
    """``slot(n, hour)``: the n-th Monday-to-Thursday from today at ``hour`` (negative: past)."""
    return working_day


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
