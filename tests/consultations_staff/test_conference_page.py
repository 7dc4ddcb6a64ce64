"""The public page of a regional conference lists the consultations bookable on site there; a
booking from it records the conference."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation_support import booking_form, make_advisor
from startsmart import clock
from startsmart.consultations.models import Consultation, ExtraHours
from startsmart.extensions import db
from support import shown, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def only_consultation(app) -> Consultation:
    with app.app_context():
        return db.session.execute(sa.select(Consultation)).scalar_one()


def test_conference_page_lists_its_on_site_slots_only(app, client, slot, conference):
    linked = make_advisor(app, "a@kts.example", hours=[])
    elsewhere = make_advisor(app, "b@kts.example", hours=[])
    nine = slot(10, 9)
    conference_id = conference(
        nine,
        nine + timedelta(hours=7),
        {linked: (nine + timedelta(hours=4), nine + timedelta(hours=6))},
    )
    with app.app_context():  # on site the same morning, but not at the conference
        db.session.add(
            ExtraHours(
                advisor_id=elsewhere,
                starts_at=nine,
                ends_at=nine + timedelta(hours=2),
                channels="on_site",
            )
        )
        db.session.commit()
    page = text(client.get("/regionalkonferenzen/regionalkonferenz-nord"))
    assert "Regionalkonferenz Nord" in page and "Deutsches Haus, Flensburg" in page
    assert "Fachimpulse und Beratung vor Ort." in page
    times = re.findall(r">(\d\d:\d\d) Uhr<span", page)
    assert times == ["13:00", "13:30", "14:00"]
    links = [
        html_lib.unescape(u) for u in re.findall(r'href="(/initialberatung/buchen[^"]+)"', page)
    ]
    assert len(links) == 3
    assert "kanal=on_site" in links[0] and f"konferenz={conference_id}" in links[0]


def test_booking_from_the_conference_page_records_the_conference(
    app, client, smtp, slot, conference
):
    linked = make_advisor(app, "a@kts.example", hours=[])
    make_advisor(app, "b@kts.example")  # video and phone only, never on site
    nine = slot(10, 9)
    conference_id = conference(
        nine, nine + timedelta(hours=7), {linked: (nine, nine + timedelta(hours=3))}
    )
    page = text(client.get("/regionalkonferenzen/regionalkonferenz-nord"))
    link = html_lib.unescape(re.search(r'href="(/initialberatung/buchen[^"]+)"', page).group(1))
    form = client.get(link)
    form_page = text(form)
    assert "Vor Ort auf der Regionalkonferenz Nord" in shown(form)
    assert '<option selected value="on_site">' in form_page
    response = submit(client, link, booking_form(nine, channel="on_site"))
    assert response.status_code == 302, text(response)
    booked = only_consultation(app)
    assert booked.conference_id == conference_id and booked.advisor_id == linked


def test_on_site_booking_in_a_conference_window_records_it_without_the_link(
    app, client, smtp, slot, conference
):
    linked = make_advisor(app, "a@kts.example", hours=[])
    nine = slot(10, 9)
    conference_id = conference(
        nine, nine + timedelta(hours=7), {linked: (nine, nine + timedelta(hours=3))}
    )
    page = f"/initialberatung/buchen?start={nine.isoformat()}&kanal=on_site"
    assert submit(client, page, booking_form(nine, channel="on_site")).status_code == 302
    assert only_consultation(app).conference_id == conference_id


def test_conference_list_shows_upcoming_ones_and_the_start_page_links_it(app, client, conference):
    now = clock.now()
    conference(now + timedelta(days=20), now + timedelta(days=20, hours=6), slug="kommend")
    conference(now - timedelta(days=20), now - timedelta(days=20, hours=-6), slug="vorbei")
    assert 'href="/regionalkonferenzen/"' in text(client.get("/"))
    page = text(client.get("/regionalkonferenzen/"))
    assert 'href="/regionalkonferenzen/kommend"' in page
    assert "/regionalkonferenzen/vorbei" not in page
    assert "bereits stattgefunden" in text(client.get("/regionalkonferenzen/vorbei"))
    assert client.get("/regionalkonferenzen/gibt-es-nicht").status_code == 404


def test_conference_without_free_slots_says_so(app, client, slot, conference):
    nine = slot(10, 9)
    conference(nine, nine + timedelta(hours=7))
    page = text(client.get("/regionalkonferenzen/regionalkonferenz-nord"))
    assert "Zurzeit ist vorab kein Beratungstermin vor Ort frei." in page
    assert "spontan vor Ort buchen" not in page  # the staff link only for staff
