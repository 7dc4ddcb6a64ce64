"""The advisor's private feed, consultation reminders and the expiry of unconfirmed bookings."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from outbox_support import deliver_at
from startsmart import clock
from startsmart.consultations import booking, reminders
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from support import csrf_token, login, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def slot(days: int = 7, hour: int = 10):
    return working_day(days, hour)


def test_advisor_feed_is_private_and_rotatable(app, client, smtp):
    make_advisor(app, "berta@kts.example", name="Berta")
    with app.app_context():
        booking.book(booking_request(slot(), 1), clock.now(), by_staff=True)
    login(client, "berta@kts.example")
    page = "/staff/beratungen/kalender-abo"
    response = client.post(
        page, data={"csrf_token": csrf_token(client, page)}, follow_redirects=True
    )
    first = re.search(
        r"https://startsmart\.test(/kalender/beratungen/[^<\s]+\.ics)", text(response)
    ).group(1)
    assert "wird nur jetzt angezeigt" in text(response)
    assert first not in text(client.get(page))  # shown once only
    feed = client.get(first)
    assert feed.status_code == 200
    calendar = icalendar.Calendar.from_ical(feed.data)
    [event] = calendar.walk("VEVENT")
    assert "Kleinstadt 1" in str(event["SUMMARY"]) and calendar["METHOD"] == "PUBLISH"
    client.post(page, data={"csrf_token": csrf_token(client, page)})
    assert client.get(first).status_code == 404  # the old link is revoked
    assert client.get("/kalender/beratungen/geraten.ics").status_code == 404


def test_consultation_reminder_once_the_day_before(app, smtp):
    make_advisor(app, "berta@kts.example", room_url="https://video.example.org/berta")
    start = slot()
    with app.app_context():
        booking.book(booking_request(start, 1), clock.now(), by_staff=True)
        assert reminders.send_due(start - timedelta(hours=25)) == 0
        assert reminders.send_due(start - timedelta(hours=23)) == 1
        assert reminders.send_due(start - timedelta(hours=2)) == 0
        deliver_at(start)
    subjects = [m["Subject"] for m in smtp.to("kim1@kleinstadt.de")]
    assert sum(s.startswith("Erinnerung") for s in subjects) == 1


def test_unconfirmed_booking_expires_and_frees_the_slot(app, smtp):
    make_advisor(app, "berta@kts.example")
    start = slot()
    now = clock.now()
    hold = timedelta(hours=app.config["CONSULTATION_HOLD_HOURS"])
    with app.app_context():
        first = booking.book(booking_request(start, 1), now)
        assert booking.expire_all(now + hold - timedelta(seconds=1)) == 0
        assert booking.expire_all(now + hold) == 1
        assert booking.expire_all(now + hold) == 0
        assert db.session.get(Consultation, first.consultation_id).status is (
            ConsultationStatus.EXPIRED
        )
        second = booking.book(booking_request(start, 2), now + hold)  # the slot is free again
        assert second.status is ConsultationStatus.PENDING
        statuses = db.session.execute(sa.select(Consultation.status)).scalars().all()
        assert sorted(statuses) == sorted([ConsultationStatus.EXPIRED, ConsultationStatus.PENDING])
