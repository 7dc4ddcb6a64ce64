"""Finding dates in the catalogue: by format, topic and month (Berlin time), and in pages."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from moments import moment_of_this_run
from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.catalog.service import PAGE_SIZE
from startsmart.clock import BERLIN, berlin_to_utc
from startsmart.extensions import db
from support import text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

YEAR = moment_of_this_run().year + 1  # always in the future, whatever the run's moment


def _offerings(app) -> dict[str, int]:
    """Three offerings with dates formats and topics, and the initial consultation."""
    with app.app_context():
        monitoring = Topic(name="Monitoring und Evaluation", slug="monitoring")
        participation = Topic(name="Kommunikation und Partizipation", slug="kommunikation")
        specs = [
            ("einfuehrung", OfferingFormat.ONLINE_INTRO, []),
            ("input-monitoring", OfferingFormat.THEMATIC_INPUT, [monitoring]),
            ("input-beteiligung", OfferingFormat.THEMATIC_INPUT, [participation]),
            ("austausch", OfferingFormat.MODERATED_EXCHANGE, [monitoring, participation]),
            ("initialberatung", OfferingFormat.INITIAL_CONSULTATION, [monitoring]),
        ]
        offerings = {
            slug: Offering(
                slug=slug,
                format=fmt,
                title=f"Titel {slug}",
                summary="Kurz.",
                description="Text.",
                topics=topics,
            )
            for slug, fmt, topics in specs
        }
        db.session.add_all(offerings.values())
        db.session.commit()
        return {slug: o.id for slug, o in offerings.items()}


def _date(app, offering_id: int, berlin: datetime, **fields) -> int:
    """A published date starting at the Berlin wall-clock time ``berlin``."""
    starts = berlin_to_utc(berlin.date(), berlin.time())
    with app.app_context():
        fields.setdefault("status", EventDateStatus.PUBLISHED)
        fields.setdefault("capacity", 10)
        event_date = EventDate(
            offering_id=offering_id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            online_url="https://konferenz.example.org/x",
            **fields,
        )
        db.session.add(event_date)
        db.session.commit()
        return event_date.id


def _at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute)


def _listed(page: str) -> list[str]:
    """The offering titles of the listed dates, in order."""
    return re.findall(r'class="date-what"><a href="[^"]+">([^<]+)</a>', page)


def _select(page: str, name: str) -> str:
    select = re.search(rf'<select id="[^"]+" name="{name}">(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return select.group(1)


def _options(page: str, name: str) -> list[tuple[str, str]]:
    """Value and label of each option of the filter select ``name``, "all" left out."""
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', _select(page, name))


def _selected(page: str, name: str) -> str:
    """The value of the selected option of the filter select ``name``."""
    chosen = re.findall(r'<option value="([^"]*)" selected>', _select(page, name))
    assert len(chosen) == 1, chosen
    return chosen[0]


def _count(page: str) -> str:
    return re.search(r'<p class="result-count" role="status">([^<]+)</p>', page).group(1)


@pytest.fixture
def catalogue(app):
    """Dates in January, February and March of next year, across the three dated formats."""
    ids = _offerings(app)
    _date(app, ids["einfuehrung"], _at(1, 12))
    _date(app, ids["input-monitoring"], _at(1, 20))
    _date(app, ids["input-beteiligung"], _at(2, 3))
    _date(app, ids["austausch"], _at(2, 17))
    _date(app, ids["input-monitoring"], _at(3, 10))
    return ids


def test_without_filter_every_upcoming_date_is_listed_and_all_is_selected(catalogue, client):
    page = text(client.get("/angebote/"))
    assert _listed(page) == [
        "Titel einfuehrung",
        "Titel input-monitoring",
        "Titel input-beteiligung",
        "Titel austausch",
        "Titel input-monitoring",
    ]
    assert _count(page) == "5 Termine"
    assert _selected(page, "format") == _selected(page, "thema") == _selected(page, "monat") == ""
    assert "Filter zurücksetzen" not in page


def test_filter_by_format(catalogue, client):
    page = text(client.get("/angebote/?format=thematic_input"))
    assert _listed(page) == [
        "Titel input-monitoring",
        "Titel input-beteiligung",
        "Titel input-monitoring",
    ]
    assert _count(page) == "3 Termine"
    assert _selected(page, "format") == "thematic_input"
    assert "Filter zurücksetzen" in page


def test_filter_by_topic(catalogue, client):
    page = text(client.get("/angebote/?thema=kommunikation"))
    assert _listed(page) == ["Titel input-beteiligung", "Titel austausch"]
    assert _selected(page, "thema") == "kommunikation"


def test_filter_by_month(catalogue, client):
    page = text(client.get(f"/angebote/?monat={YEAR}-02"))
    assert _listed(page) == ["Titel input-beteiligung", "Titel austausch"]
    assert _selected(page, "monat") == f"{YEAR}-02"


def test_filters_combine(catalogue, client):
    page = text(client.get(f"/angebote/?format=thematic_input&thema=monitoring&monat={YEAR}-01"))
    assert _listed(page) == ["Titel input-monitoring"]
    assert _count(page) == "1 Termin"
    assert (_selected(page, "format"), _selected(page, "thema"), _selected(page, "monat")) == (
        "thematic_input",
        "monitoring",
        f"{YEAR}-01",
    )


def test_no_match_says_so_and_offers_to_reset(catalogue, client):
    page = text(client.get(f"/angebote/?format=online_intro&monat={YEAR}-03"))
    assert _listed(page) == []
    assert _count(page) == "0 Termine"
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
    assert len(_listed(page)) >= 3
    if "format=thematic_input" not in query:
        assert _listed(page) and _count(page) == "5 Termine"
        assert _selected(page, "format") == ""
    assert _selected(page, "thema") == _selected(page, "monat") == ""
    assert "<script>" not in page.split("<main", 1)[1]


def test_month_choices_are_the_months_with_upcoming_dates(catalogue, client):
    page = text(client.get("/angebote/"))
    assert _options(page, "monat") == [
        (f"{YEAR}-01", f"Januar {YEAR}"),
        (f"{YEAR}-02", f"Februar {YEAR}"),
        (f"{YEAR}-03", f"März {YEAR}"),
    ]
    assert [value for value, _label in _options(page, "format")] == [
        "online_intro",
        "thematic_input",
        "moderated_exchange",
    ]
    assert _options(page, "thema") == [
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
        (_at(1, 31, 23, 30), datetime(YEAR, 1, 31, 22, 30), 1),
        # ... and just after midnight on 1 March is March, though still February in UTC
        (_at(3, 1, 0, 30), datetime(YEAR, 2, 28 if YEAR % 4 else 29, 23, 30), 3),
        # summer time (UTC+2)
        (_at(6, 30, 23, 30), datetime(YEAR, 6, 30, 21, 30), 6),
        (_at(7, 1, 0, 30), datetime(YEAR, 6, 30, 22, 30), 7),
        (_at(3, 31, 23, 30), datetime(YEAR, 3, 31, 21, 30), 3),
        (_at(4, 1, 1, 30), datetime(YEAR, 3, 31, 23, 30), 4),
        (_at(10, 31, 23, 30), datetime(YEAR, 10, 31, 22, 30), 10),
        (_at(11, 1, 0, 30), datetime(YEAR, 10, 31, 23, 30), 11),
    ],
)
def test_months_are_berlin_months(app, client, berlin, utc, month):
    ids = _offerings(app)
    date_id = _date(app, ids["einfuehrung"], berlin)
    with app.app_context():
        stored = db.session.get(EventDate, date_id).starts_at
    assert stored.replace(tzinfo=None) == utc  # the case really straddles a UTC month end

    page = text(client.get("/angebote/"))
    assert [v for v, _label in _options(page, "monat")] == [f"{YEAR}-{month:02d}"]
    assert _listed(text(client.get(f"/angebote/?monat={YEAR}-{month:02d}"))) == [
        "Titel einfuehrung"
    ]


def test_month_boundaries_select_the_right_dates(app, client):
    ids = _offerings(app)
    _date(app, ids["einfuehrung"], _at(1, 31, 23, 30))
    _date(app, ids["austausch"], _at(2, 1, 0, 0))
    _date(app, ids["input-monitoring"], _at(2, 28, 23, 59))
    _date(app, ids["input-beteiligung"], _at(3, 1, 0, 30))
    january = _listed(text(client.get(f"/angebote/?monat={YEAR}-01")))
    february = _listed(text(client.get(f"/angebote/?monat={YEAR}-02")))
    march = _listed(text(client.get(f"/angebote/?monat={YEAR}-03")))
    assert january == ["Titel einfuehrung"]
    assert february == ["Titel austausch", "Titel input-monitoring"]
    assert march == ["Titel input-beteiligung"]


def test_past_draft_cancelled_and_consultation_dates_are_not_listed(app, client):
    ids = _offerings(app)
    now = clock.now().astimezone(BERLIN).replace(tzinfo=None, second=0, microsecond=0)
    _date(app, ids["einfuehrung"], now - timedelta(days=2))
    _date(app, ids["einfuehrung"], _at(5, 5), status=EventDateStatus.DRAFT)
    _date(app, ids["einfuehrung"], _at(5, 6), status=EventDateStatus.CANCELLED)
    _date(app, ids["initialberatung"], _at(5, 7))
    _date(app, ids["austausch"], _at(5, 8))
    page = text(client.get("/angebote/"))
    assert _listed(page) == ["Titel austausch"]
    assert [v for v, _label in _options(page, "monat")] == [f"{YEAR}-05"]


def test_each_listed_date_keeps_its_facts(app, client):
    ids = _offerings(app)
    closes = berlin_to_utc(date(YEAR, 2, 1), time(12, 0))
    date_id = _date(
        app, ids["austausch"], _at(2, 17, 14), registration_closes_at=closes, capacity=5
    )
    _date(app, ids["input-monitoring"], _at(3, 2), venue="Rathaus Kiel", capacity=0)
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
    ids = _offerings(app)
    for day in range(PAGE_SIZE + 5):
        _date(app, ids["einfuehrung"], _at(1, 1) + timedelta(days=day))
    _date(app, ids["austausch"], _at(1, 2))
    first = text(client.get("/angebote/?format=online_intro"))
    assert len(_listed(first)) == PAGE_SIZE
    assert _count(first) == f"{PAGE_SIZE + 5} Termine"
    assert "Seite 1 von 2" in first
    assert 'href="/angebote/?seite=2&amp;format=online_intro#termine" rel="next"' in first
    second = text(client.get("/angebote/?seite=2&format=online_intro"))
    assert len(_listed(second)) == 5
    assert 'href="/angebote/?seite=1&amp;format=online_intro#termine" rel="prev"' in second
    beyond = text(client.get("/angebote/?seite=3&format=online_intro"))
    assert len(_listed(beyond)) == PAGE_SIZE and "Seite 1 von 2" in beyond


def test_consultation_page_leads_to_booking_instead_of_dates(app, client):
    _offerings(app)
    page = text(client.get("/angebote/initialberatung"))
    assert "Beratungstermin vereinbaren" in page
    assert 'href="/initialberatung/"' in page
    assert 'class="date-list"' not in page
