"""Finding dates by place (online or on site) and by free seats, and the compact date rows."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from catalogue_support import YEAR, add_date, at, count, listed, offerings, selected
from startsmart import clock
from startsmart.catalog.service import PAGE_SIZE
from startsmart.clock import berlin_to_utc
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, Person
from startsmart.registrations.models import Registration, RegistrationStatus
from support import text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def _registered(app, date_id: int, *statuses: RegistrationStatus) -> None:
    """One registration per status, each of another person, as the seats count them."""
    with app.app_context():
        town = Municipality(
            name="Kiel", kind=MunicipalityKind.INDEPENDENT_CITY, state=FederalState.SH
        )
        now = clock.now()
        for number, status in enumerate(statuses):
            person = Person(
                name=f"P{number}", email=f"p{number}-{date_id}@kiel.de", municipality=town
            )
            db.session.add(
                Registration(
                    event_date_id=date_id,
                    person=person,
                    municipality=town,
                    status=status,
                    created_at=now,
                    queued_at=now if status is RegistrationStatus.WAITLISTED else None,
                    privacy_notice_version="t",
                    privacy_acknowledged_at=now,
                )
            )
        db.session.commit()


def _checked(page: str) -> bool:
    box = re.search(
        r'<input type="checkbox" id="filter-free" name="frei" value="1"( checked)?>', page
    )
    assert box, "no checkbox for free seats"
    return box.group(1) is not None


@pytest.fixture
def places(app):
    """Two online dates and two on site, in January and February of next year."""
    ids = offerings(app)
    add_date(app, ids["einfuehrung"], at(1, 12))
    add_date(app, ids["austausch"], at(1, 20), venue="Rathaus Kiel, Fleethörn 9")
    add_date(app, ids["input-monitoring"], at(2, 3))
    add_date(app, ids["input-beteiligung"], at(2, 17), venue="KTS, Berlin")
    return ids


def test_only_online_dates(places, client):
    page = text(client.get("/angebote/?ort=online"))
    assert listed(page) == ["Titel einfuehrung", "Titel input-monitoring"]
    assert count(page) == "2 Termine für Ihre Auswahl"
    assert selected(page, "ort") == "online"
    assert "Rathaus Kiel" not in page


def test_only_dates_on_site(places, client):
    page = text(client.get("/angebote/?ort=vor-ort"))
    assert listed(page) == ["Titel austausch", "Titel input-beteiligung"]
    assert selected(page, "ort") == "vor-ort"
    assert "Moderierter Austausch vor Ort" in page and "Themen-Input vor Ort" in page


def test_place_combines_with_the_other_filters(places, client):
    page = text(client.get(f"/angebote/?ort=vor-ort&monat={YEAR}-02&format=thematic_input"))
    assert listed(page) == ["Titel input-beteiligung"]
    assert (
        text(client.get(f"/angebote/?ort=online&monat={YEAR}-01&format=thematic_input")).count(
            'class="date-row-title"'
        )
        == 0
    )


def test_only_dates_with_free_seats(app, client):
    ids = offerings(app)
    closes_passed = clock.now() - timedelta(minutes=1)
    opens_later = clock.now() + timedelta(days=3)
    free = add_date(app, ids["einfuehrung"], at(1, 5), capacity=2)
    booked_out = add_date(app, ids["austausch"], at(1, 6), capacity=2)
    queue = add_date(app, ids["input-monitoring"], at(1, 7), capacity=3)
    freed = add_date(app, ids["input-beteiligung"], at(1, 8), capacity=1)
    add_date(app, ids["einfuehrung"], at(1, 9), registration_closes_at=closes_passed)
    add_date(app, ids["austausch"], at(1, 10), registration_opens_at=opens_later)
    _registered(app, free, RegistrationStatus.CONFIRMED)
    _registered(app, booked_out, RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
    # A seat is free again, but the person waiting gets it: nothing for a newcomer.
    _registered(app, queue, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    _registered(app, freed, RegistrationStatus.CANCELLED)

    everything = text(client.get("/angebote/"))
    assert len(listed(everything)) == 6 and not _checked(everything)
    page = text(client.get("/angebote/?frei=1"))
    assert listed(page) == ["Titel einfuehrung", "Titel input-beteiligung", "Titel austausch"]
    assert count(page) == "3 Termine für Ihre Auswahl"
    assert _checked(page)
    assert "noch 1 Platz" in page and "ausgebucht" not in page
    assert "Anmeldefrist abgelaufen" not in page


def test_free_seats_combines_with_place(app, client):
    ids = offerings(app)
    booked_out = add_date(app, ids["austausch"], at(1, 6), capacity=1, venue="KTS, Berlin")
    add_date(app, ids["input-beteiligung"], at(1, 7), venue="Rathaus Kiel")
    add_date(app, ids["einfuehrung"], at(1, 8))
    _registered(app, booked_out, RegistrationStatus.CONFIRMED)
    page = text(client.get("/angebote/?frei=1&ort=vor-ort"))
    assert listed(page) == ["Titel input-beteiligung"]


@pytest.mark.parametrize("query", ["ort=irgendwo", "ort=ONLINE", "frei=ja", "frei=", "frei=11"])
def test_odd_place_or_seat_values_count_as_all(places, client, query):
    response = client.get(f"/angebote/?{query}")
    assert response.status_code == 200
    page = text(response)
    assert len(listed(page)) == 4 and count(page) == "4 Termine"
    assert selected(page, "ort") == "" and not _checked(page)


def test_page_links_keep_place_and_free_seats(app, client):
    ids = offerings(app)
    for day in range(PAGE_SIZE + 2):
        add_date(app, ids["einfuehrung"], at(1, 1) + timedelta(days=day))
    first = text(client.get("/angebote/?ort=online&frei=1"))
    assert len(listed(first)) == PAGE_SIZE
    assert 'href="/angebote/?seite=2&amp;ort=online&amp;frei=1#termine" rel="next"' in first
    second = text(client.get("/angebote/?seite=2&ort=online&frei=1"))
    assert len(listed(second)) == 2 and _checked(second)


def test_a_filtered_page_says_the_count_in_its_title(places, client):
    filtered = text(client.get("/angebote/?ort=vor-ort"))
    assert (
        "<title>2 Termine für Ihre Auswahl – Angebote und Termine – Start Smart</title>" in filtered
    )
    plain = text(client.get("/angebote/"))
    assert "<title>Angebote und Termine – Start Smart</title>" in plain


def test_a_row_sums_up_the_date_and_opens_to_the_details(app, client):
    ids = offerings(app)
    closes = berlin_to_utc(date(YEAR, 2, 1), time(12, 0))
    date_id = add_date(
        app, ids["austausch"], at(2, 17, 14), registration_closes_at=closes, capacity=5
    )
    page = text(client.get("/angebote/"))
    row = re.search(r"<summary>(.*?)</summary>\s*(.*?)</details>", page, re.S)
    assert row, "no date row"
    summary = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    weekday = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."][date(YEAR, 2, 17).weekday()]
    assert summary == (
        f"{weekday}, 17.02. 14:00 Titel austausch Moderierter Austausch online · noch 5 Plätze"
    )
    assert "<a" not in row.group(1)  # nothing to click inside the summary but the summary
    details = row.group(2)
    assert "17. Februar" in details and "14:00 bis 15:00 Uhr" in details
    assert f"Anmeldung bis 01.02.{YEAR}, 12:00 Uhr" in details
    assert f'href="/angebote/termine/{date_id}/anmeldung"' in details
    assert f'href="/angebote/termine/{date_id}.ics"' in details
    assert 'href="/angebote/austausch"' in details
