"""Public calendar files: one date, and the subscribable feed of all dates, which keeps ended
dates for a while, shows cancelled ones as cancelled and lists the regional conferences."""

from __future__ import annotations

from datetime import time, timedelta

import icalendar
import pytest
import vobject

from icaljs import parse_with_icaljs
from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import berlin_today
from startsmart.conferences import service as conferences
from startsmart.extensions import db
from startsmart.registrations import date_changes
from startsmart.staff.models import Role, StaffUser
from support import make_staff

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

FEED = "/angebote/start-smart.ics"


def _dates(app) -> list[int]:
    """Two published dates ahead, a draft, and one that ended three days ago."""
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
            starts_at=clock.now() - timedelta(days=3, hours=1),
            ends_at=clock.now() - timedelta(days=3),
            capacity=10,
            venue="Rathaus",
        )
        db.session.add_all([*rows, past])
        db.session.commit()
        return [r.id for r in rows] + [past.id]


def _uid(app, date_id: int) -> str:
    with app.app_context():
        return db.session.get(EventDate, date_id).ical_uid


def _events(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_feed_lists_published_dates_for_subscription(app, client):
    published, second, draft, past = _dates(app)
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response)
    assert list(events) == [_uid(app, past), _uid(app, published), _uid(app, second)]
    assert all(uid.endswith("@startsmart.test") for uid in events)
    assert not any("ATTENDEE" in e for e in events.values())
    assert "webcal://startsmart.test/angebote/start-smart.ics" in client.get("/angebote/").text


def test_feed_asks_for_hourly_refresh_and_answers_304_while_unchanged(app, client, travel):
    _dates(app)
    first = client.get(FEED)
    calendar = icalendar.Calendar.from_ical(first.data)
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "X-PUBLISHED-TTL:PT1H" in first.text.splitlines()
    etag = first.headers["ETag"]
    travel.shift(timedelta(minutes=10))
    again = client.get(FEED, headers={"If-None-Match": etag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)
    assert client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_ended_date_stays_for_the_configured_days_then_goes(app, client, travel, monkeypatch):
    *_, past = _dates(app)
    monkeypatch.setitem(app.config, "CALENDAR_FEED_PAST_DAYS", 5)
    etag = client.get(FEED).headers["ETag"]
    assert _uid(app, past) in _events(client.get(FEED))
    travel.shift(timedelta(days=2, hours=1))  # ended 5 days and an hour ago
    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 200  # the content changed, so did the ETag
    assert _uid(app, past) not in _events(response)


def test_a_cancelled_date_stays_as_cancelled_with_a_higher_sequence(app, client):
    published, *_ = _dates(app)
    before = _events(client.get(FEED))[_uid(app, published)]
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        actor = db.session.get(StaffUser, staff_id)
        date_changes.cancel_date(published, "Die Referentin ist erkrankt.", actor, clock.now())
    response = client.get(FEED)
    after = _events(response)[_uid(app, published)]
    assert after["STATUS"] == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["SUMMARY"]).startswith("Abgesagt: ")
    assert "Bestätigung" not in str(after["DESCRIPTION"])  # no access promised for it
    # the same for Thunderbird and vobject
    [card] = [
        e for e in vobject.readOne(response.text).vevent_list if e.status.value == "CANCELLED"
    ]
    assert card.uid.value == _uid(app, published)
    thunderbird = parse_with_icaljs(response.data)
    cancelled = [e for e in thunderbird["events"] if e["status"] == "CANCELLED"]
    assert [e["uid"] for e in cancelled] == [_uid(app, published)]


def test_regional_conferences_are_in_the_feed(app, client):
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        actor = db.session.get(StaffUser, staff_id)
        conference = conferences.create_conference(
            conferences.ConferenceInput(
                title="Regionalkonferenz Nord",
                day=berlin_today(clock.now()) + timedelta(days=20),
                starts=time(9),
                ends=time(17),
                city="Flensburg",
                venue="Deutsches Haus",
                description="Fachimpulse und Beratung.",
                capacity=100,
                deadline=Deadline(),
            ),
            actor,
            clock.now(),
        )
        slug = conference.slug
    [event] = _events(client.get(FEED)).values()
    assert str(event["SUMMARY"]) == "Start Smart: Regionalkonferenz Nord"
    assert "Deutsches Haus" in str(event["LOCATION"])
    assert str(event["URL"]) == f"https://startsmart.test/regionalkonferenzen/{slug}"


def test_single_date_download_and_draft_is_hidden(app, client):
    published, _second, draft, _past = _dates(app)
    response = client.get(f"/angebote/termine/{published}.ics")
    event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["SUMMARY"] == "Start Smart: Grundlagen der Smart City"
    assert "https://startsmart.test/angebote/einfuehrung" in str(event["DESCRIPTION"])
    assert client.get(f"/angebote/termine/{draft}.ics").status_code == 404
    assert client.get("/angebote/termine/999999.ics").status_code == 404
