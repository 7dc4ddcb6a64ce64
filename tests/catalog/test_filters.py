"""Finding dates in the catalogue: by format, topic and month (Berlin time), and in pages."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from catalogue_support import (
    YEAR,
    add_date,
    at,
    count,
    listed,
    offerings,
    options,
    selected,
)
from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.catalog.service import PAGE_SIZE
from startsmart.clock import BERLIN, berlin_to_utc
from startsmart.extensions import db
from support import text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


@pytest.fixture
def catalogue(app):
    """Dates in January, February and March of next year, across the three dated formats."""
    ids = offerings(app)
    add_date(app, ids["einfuehrung"], at(1, 12))
    add_date(app, ids["input-monitoring"], at(1, 20))
    add_date(app, ids["input-beteiligung"], at(2, 3))
    add_date(app, ids["austausch"], at(2, 17))
    add_date(app, ids["input-monitoring"], at(3, 10))
    return ids


def test_without_filter_every_upcoming_date_is_listed_and_all_is_selected(catalogue, client):
    page = text(client.get("/angebote/"))
    assert listed(page) == [
        "Titel einfuehrung",
        "Titel input-monitoring",
        "Titel input-beteiligung",
        "Titel austausch",
        "Titel input-monitoring",
    ]
    assert count(page) == "5 Termine"
    assert selected(page, "format") == selected(page, "thema") == selected(page, "monat") == ""
    assert "Filter zurücksetzen" not in page


def test_filter_by_format(catalogue, client):
    page = text(client.get("/angebote/?format=thematic_input"))
    assert listed(page) == [
        "Titel input-monitoring",
        "Titel input-beteiligung",
        "Titel input-monitoring",
    ]
    assert count(page) == "3 Termine für Ihre Auswahl"
    assert selected(page, "format") == "thematic_input"
    assert "Filter zurücksetzen" in page


def test_filter_by_topic(catalogue, client):
    page = text(client.get("/angebote/?thema=kommunikation"))
    assert listed(page) == ["Titel input-beteiligung", "Titel austausch"]
    assert selected(page, "thema") == "kommunikation"


def test_filter_by_month(catalogue, client):
    page = text(client.get(f"/angebote/?monat={YEAR}-02"))
    assert listed(page) == ["Titel input-beteiligung", "Titel austausch"]
    assert selected(page, "monat") == f"{YEAR}-02"


def test_filters_combine(catalogue, client):
    page = text(client.get(f"/angebote/?format=thematic_input&thema=monitoring&monat={YEAR}-01"))
    assert listed(page) == ["Titel input-monitoring"]
    assert count(page) == "1 Termin für Ihre Auswahl"
    assert (selected(page, "format"), selected(page, "thema"), selected(page, "monat")) == (
        "thematic_input",
        "monitoring",
        f"{YEAR}-01",
    )


def test_no_match_says_so_and_offers_to_reset(catalogue, client):
    page = text(client.get(f"/angebote/?format=online_intro&monat={YEAR}-03"))
    assert listed(page) == []
    assert count(page) == "0 Termine für Ihre Auswahl"
    assert "Für diese Auswahl gibt es zurzeit keine Termine." in page
    assert 'href="/angebote/#termine">Filter zurücksetzen und alle Termine zeigen</a>' in page


@pytest.mark.parametrize(
    "query",
    [
        "format=gibt-es-nicht&thema=gibt-es-nicht&monat=gibt-es-nicht",
        "format=initial_consultation",  # no dates of its own: not a choice
        "format=&thema=&monat=&seite=",
        f"monat={YEAR}-13&seite=abc",
        f"monat={YEAR}-1",
        "monat=2001-01",  # a well-formed month without upcoming dates
        f"monat={YEAR}-04",
        "thema=%3Cscript%3E&seite=-3",
        "format=thematic_input&format=x&seite=99999999999999999999",
        "seite=%EF%BC%92",  # a full-width digit two
    ],
)
def test_invalid_values_are_ignored_and_shown_as_all(catalogue, client, query):
    response = client.get(f"/angebote/?{query}")
    assert response.status_code == 200
    page = text(response)
    assert len(listed(page)) >= 3
    if "format=thematic_input" not in query:
        assert listed(page) and count(page) == "5 Termine"
        assert selected(page, "format") == ""
    assert selected(page, "thema") == selected(page, "monat") == ""
    assert "<script>" not in page.split("<main", 1)[1]


def test_month_choices_are_the_months_with_upcoming_dates(catalogue, client):
    page = text(client.get("/angebote/"))
    assert options(page, "monat") == [
        (f"{YEAR}-01", f"Januar {YEAR}"),
        (f"{YEAR}-02", f"Februar {YEAR}"),
        (f"{YEAR}-03", f"März {YEAR}"),
    ]
    assert [value for value, _label in options(page, "format")] == [
        "online_intro",
        "thematic_input",
        "moderated_exchange",
    ]
    assert options(page, "thema") == [
        ("kommunikation", "Kommunikation und Partizipation"),
        ("monitoring", "Monitoring und Evaluation"),
    ]


def test_month_labels_follow_the_language(catalogue, client):
    client.get("/sprache/en")
    page = text(client.get("/angebote/"))
    assert f">January {YEAR}</option>" in page
    assert f">March {YEAR}</option>" in page
    assert not re.search(r"\bJanuar\b", page)


@pytest.mark.parametrize(
    ("berlin", "utc", "month"),
    [
        # winter time (UTC+1): late on the last evening of January is still January in Berlin
        (at(1, 31, 23, 30), datetime(YEAR, 1, 31, 22, 30), 1),
        # ... and just after midnight on 1 March is March, though still February in UTC
        (at(3, 1, 0, 30), datetime(YEAR, 2, 28 if YEAR % 4 else 29, 23, 30), 3),
        # summer time (UTC+2)
        (at(6, 30, 23, 30), datetime(YEAR, 6, 30, 21, 30), 6),
        (at(7, 1, 0, 30), datetime(YEAR, 6, 30, 22, 30), 7),
        (at(3, 31, 23, 30), datetime(YEAR, 3, 31, 21, 30), 3),
        (at(4, 1, 1, 30), datetime(YEAR, 3, 31, 23, 30), 4),
        (at(10, 31, 23, 30), datetime(YEAR, 10, 31, 22, 30), 10),
        (at(11, 1, 0, 30), datetime(YEAR, 10, 31, 23, 30), 11),
    ],
)
def test_months_are_berlin_months(app, client, berlin, utc, month):
    ids = offerings(app)
    date_id = add_date(app, ids["einfuehrung"], berlin)
    with app.app_context():
        stored = db.session.get(EventDate, date_id).starts_at
    assert stored.replace(tzinfo=None) == utc  # the case really straddles a UTC month end

    page = text(client.get("/angebote/"))
    assert [v for v, _label in options(page, "monat")] == [f"{YEAR}-{month:02d}"]
    assert listed(text(client.get(f"/angebote/?monat={YEAR}-{month:02d}"))) == ["Titel einfuehrung"]


def test_month_boundaries_select_the_right_dates(app, client):
    ids = offerings(app)
    add_date(app, ids["einfuehrung"], at(1, 31, 23, 30))
    add_date(app, ids["austausch"], at(2, 1, 0, 0))
    add_date(app, ids["input-monitoring"], at(2, 28, 23, 59))
    add_date(app, ids["input-beteiligung"], at(3, 1, 0, 30))
    january = listed(text(client.get(f"/angebote/?monat={YEAR}-01")))
    february = listed(text(client.get(f"/angebote/?monat={YEAR}-02")))
    march = listed(text(client.get(f"/angebote/?monat={YEAR}-03")))
    assert january == ["Titel einfuehrung"]
    assert february == ["Titel austausch", "Titel input-monitoring"]
    assert march == ["Titel input-beteiligung"]


def test_past_draft_cancelled_and_consultation_dates_are_not_listed(app, client):
    ids = offerings(app)
    now = clock.now().astimezone(BERLIN).replace(tzinfo=None, second=0, microsecond=0)
    add_date(app, ids["einfuehrung"], now - timedelta(days=2))
    add_date(app, ids["einfuehrung"], at(5, 5), status=EventDateStatus.DRAFT)
    add_date(app, ids["einfuehrung"], at(5, 6), status=EventDateStatus.CANCELLED)
    add_date(app, ids["initialberatung"], at(5, 7))
    add_date(app, ids["austausch"], at(5, 8))
    page = text(client.get("/angebote/"))
    assert listed(page) == ["Titel austausch"]
    assert [v for v, _label in options(page, "monat")] == [f"{YEAR}-05"]


def test_each_listed_date_keeps_its_facts(app, client):
    ids = offerings(app)
    closes = berlin_to_utc(date(YEAR, 2, 1), time(12, 0))
    date_id = add_date(
        app, ids["austausch"], at(2, 17, 14), registration_closes_at=closes, capacity=5
    )
    add_date(app, ids["input-monitoring"], at(3, 2), venue="Rathaus Kiel", capacity=0)
    page = text(client.get("/angebote/?format=moderated_exchange"))
    assert f"17. Februar {YEAR}, 14:00" in page
    assert "Online (den Link erhalten Sie mit der Bestätigung)" in page
    assert "noch 5 Plätze" in page
    assert f"Anmeldung bis 01.02.{YEAR}, 12:00 Uhr" in page
    assert f'href="/angebote/termine/{date_id}.ics"' in page
    assert f'href="/angebote/termine/{date_id}/anmeldung"' in page
    full = text(client.get("/angebote/?format=thematic_input"))
    assert "Rathaus Kiel" in full and "ausgebucht – Warteliste" in full


def test_long_lists_come_in_pages_that_keep_the_filter(app, client):
    ids = offerings(app)
    for day in range(PAGE_SIZE + 5):
        add_date(app, ids["einfuehrung"], at(1, 1) + timedelta(days=day))
    add_date(app, ids["austausch"], at(1, 2))
    first = text(client.get("/angebote/?format=online_intro"))
    assert len(listed(first)) == PAGE_SIZE
    assert count(first) == f"{PAGE_SIZE + 5} Termine für Ihre Auswahl"
    assert "Seite 1 von 2" in first
    assert 'href="/angebote/?seite=2&amp;format=online_intro#termine" rel="next"' in first
    second = text(client.get("/angebote/?seite=2&format=online_intro"))
    assert len(listed(second)) == 5
    assert 'href="/angebote/?seite=1&amp;format=online_intro#termine" rel="prev"' in second
    beyond = text(client.get("/angebote/?seite=3&format=online_intro"))
    assert len(listed(beyond)) == PAGE_SIZE and "Seite 1 von 2" in beyond


def test_consultation_page_leads_to_booking_instead_of_dates(app, client):
    offerings(app)
    page = text(client.get("/angebote/initialberatung"))
    assert "Beratungstermin vereinbaren" in page
    assert 'href="/initialberatung/"' in page
    assert 'class="date-list"' not in page
