"""A conference's calendar entry points to the conference page, not to the catalogue."""

from __future__ import annotations

import icalendar

from startsmart.conferences.models import Conference
from startsmart.extensions import db


def test_conference_date_ics_links_the_conference_page(app, client, event):
    with app.app_context():
        slug = db.session.get(Conference, event.conference_id).slug
    response = client.get(f"/angebote/termine/{event.date_id}.ics")
    assert response.status_code == 200
    entry = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(entry["URL"]) == f"https://startsmart.test/regionalkonferenzen/{slug}"
    assert client.get(f"/regionalkonferenzen/{slug}").status_code == 200
