"""Public calendar files: one date, and the subscribable feed of all upcoming dates."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.extensions import db

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def _dates(app) -> list[int]:
    with app.app_context():
        offering = Offering(
            slug="einfuehrung",
            format=OfferingFormat.ONLINE_INTRO,
            title="Grundlagen der Smart City",
            summary="Überblick.",
            description="Text.",
        )
        soon = clock.now() + timedelta(days=7)
        rows = [
            EventDate(
                offering=offering,
                starts_at=soon + timedelta(days=n),
                ends_at=soon + timedelta(days=n, hours=1),
                capacity=10,
                status=status,
                online_url="https://konferenz.example.org/x",
            )
            for n, status in enumerate(
                [EventDateStatus.PUBLISHED, EventDateStatus.PUBLISHED, EventDateStatus.DRAFT]
            )
        ]
        past = EventDate(
            offering=offering,
            starts_at=clock.now() - timedelta(days=3),
            ends_at=clock.now() - timedelta(days=3, hours=-1),
            capacity=10,
            venue="Rathaus",
        )
        db.session.add_all([*rows, past])
        db.session.commit()
        return [r.id for r in rows]


def test_feed_lists_upcoming_published_dates_for_subscription(app, client):
    published, second, draft = _dates(app)
    response = client.get("/angebote/start-smart.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == [
        f"event-date-{published}@startsmart.test",
        f"event-date-{second}@startsmart.test",
    ]
    assert not any("ATTENDEE" in e for e in calendar.walk("VEVENT"))
    assert "webcal://startsmart.test/angebote/start-smart.ics" in client.get("/angebote/").text


def test_single_date_download_and_draft_is_hidden(app, client):
    published, _second, draft = _dates(app)
    response = client.get(f"/angebote/termine/{published}.ics")
    event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["SUMMARY"] == "Start Smart: Grundlagen der Smart City"
    assert "https://startsmart.test/angebote/einfuehrung" in str(event["DESCRIPTION"])
    assert client.get(f"/angebote/termine/{draft}.ics").status_code == 404
    assert client.get("/angebote/termine/999999.ics").status_code == 404
