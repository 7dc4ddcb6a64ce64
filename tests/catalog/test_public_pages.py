"""The public start page and catalogue: the four formats, upcoming dates in Berlin time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.clock import berlin_to_utc
from startsmart.extensions import db
from support import text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def _offering(slug="einfuehrung", fmt=OfferingFormat.ONLINE_INTRO) -> Offering:
    return Offering(
        slug=slug,
        format=fmt,
        title=f"Titel {slug}",
        summary="Kurz.",
        description="Absatz eins.\n\nAbsatz zwei.",
    )


def test_start_page_explains_the_four_formats(client):
    page = text(client.get("/"))
    for label in ("Online-Einführung", "Themen-Input", "Initialberatung", "Moderierter Austausch"):
        assert label in page


def test_upcoming_dates_in_berlin_time_and_past_or_draft_dates_hidden(app, client):
    from datetime import date, time

    with app.app_context():
        offering = _offering()
        summer = berlin_to_utc(date(2099, 7, 1), time(10, 0))  # CEST: 08:00 UTC
        winter = berlin_to_utc(date(2099, 12, 1), time(10, 0))  # CET: 09:00 UTC
        past = clock.now() - timedelta(days=1)
        for starts, status in [
            (summer, EventDateStatus.PUBLISHED),
            (winter, EventDateStatus.PUBLISHED),
            (past, EventDateStatus.PUBLISHED),
            (winter + timedelta(days=1), EventDateStatus.DRAFT),
        ]:
            db.session.add(
                EventDate(
                    offering=offering,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    online_url="https://konferenz.example.org/x",
                    capacity=10,
                    status=status,
                )
            )
        db.session.commit()
    page = text(client.get("/angebote/einfuehrung"))
    assert page.count('class="date-item"') == 2
    assert "Mittwoch, 1. Juli 2099, 10:00" in page
    assert "Dienstag, 1. Dezember 2099, 10:00" in page
    assert "Absatz zwei." in page


def test_unknown_offering_is_a_404(client):
    assert client.get("/angebote/gibt-es-nicht").status_code == 404
