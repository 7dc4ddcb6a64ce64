"""The public slot picker (/initialberatung/): compact times, the channel named once when all
slots share it, the first free slot on top, the filter by channel and distinct page titles."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from consultation_support import make_advisor
from moments import working_day
from startsmart.clock import BERLIN
from support import text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

MORNINGS = [(day, "09:00", "12:00") for day in range(5)]
AFTERNOONS = [(day, "14:00", "16:00") for day in range(5)]
SLOT = re.compile(r'<a class="button-secondary slot-time" href="([^"]+)">([^<]*)<span')
FIRST_FREE = re.compile(r'<a class="button" href="([^"]+)">Diesen Termin buchen</a>')


def week_page(client, day: datetime, **query: str) -> str:
    params = "".join(f"&{key}={value}" for key, value in query.items())
    response = client.get(f"/initialberatung/?ab={day.astimezone(BERLIN).date()}{params}")
    assert response.status_code == 200
    return text(response)


def day_section(page: str, day: datetime) -> str:
    start = page.index(f'id="day-{day.astimezone(BERLIN).date().isoformat()}"')
    return page[start : page.index("</section>", start)]


def times(html: str) -> list[str]:
    return [shown for _href, shown in SLOT.findall(html)]


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(unescape(href)).query)


def title(page: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", page, re.S)[1]).strip()


def test_times_are_compact_and_a_shared_channel_is_named_once(app, client):
    make_advisor(app, "berta@kts.example", hours=MORNINGS, channels="video,phone")
    day = working_day(7)
    page = week_page(client, day)
    assert times(day_section(page, day)) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert page.count("Alle Termine dieser Woche: Videokonferenz, Telefon") == 1
    assert 'class="slot-channels"' not in page
    assert page.count('class="week-day"') == 5  # Monday to Friday, columns on a wide screen


def test_channels_are_named_once_per_run_of_slots_when_they_differ(app, client):
    make_advisor(app, "berta@kts.example", hours=MORNINGS, channels="video,phone")
    make_advisor(app, "paul@kts.example", name="Paul Telefon", hours=AFTERNOONS, channels="phone")
    day = working_day(7)
    section = day_section(week_page(client, day), day)
    assert "Alle Termine dieser Woche" not in section
    channels = re.findall(r'class="slot-channels">([^<]*)<', section)
    assert channels == ["Videokonferenz, Telefon", "Telefon"]
    morning, afternoon = section.split('class="slot-channels">')[1:]
    assert times(morning) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert times(afternoon) == ["14:00", "14:30", "15:00"]
    two = SLOT.findall(afternoon)[0][0]
    assert query_of(two)["kanal"] == ["phone"]  # the form asks for the one channel


def test_the_filter_by_channel_works_without_javascript(app, client):
    make_advisor(app, "berta@kts.example", hours=MORNINGS, channels="video")
    make_advisor(app, "paul@kts.example", name="Paul Telefon", hours=AFTERNOONS, channels="phone")
    day = working_day(7)
    page = week_page(client, day, kanal="phone")
    assert times(day_section(page, day)) == ["14:00", "14:30", "15:00"]
    assert "Alle Termine dieser Woche: Telefon" in page
    assert all(query_of(href)["kanal"] == ["phone"] for href, _shown in SLOT.findall(page))
    assert re.search(r'aria-current="page">Telefon</a>', page)
    for link in re.findall(r'class="week-(?:previous|following)" href="([^"]+)"', page):
        assert query_of(link)["kanal"] == ["phone"]  # the week navigation keeps the filter

    nothing = week_page(client, day, kanal="on_site")
    assert times(nothing) == [] and not FIRST_FREE.search(nothing)
    assert "In dieser Woche ist kein Termin frei." in nothing
    assert "In den nächsten Wochen ist kein Termin frei." in nothing
    assert times(day_section(week_page(client, day, kanal="fax"), day))[:1] == ["09:00"]


def test_the_first_free_slot_is_on_top_of_every_week(app, client):
    make_advisor(app, "berta@kts.example", hours=MORNINGS, channels="video")
    make_advisor(app, "paul@kts.example", name="Paul Telefon", hours=AFTERNOONS, channels="phone")
    page = text(client.get("/initialberatung/"))
    while not times(page):  # the week of the first bookable day may have none left
        following = re.search(r'class="week-following" href="([^"]+)"', page)[1]
        page = text(client.get(unescape(following)))
    soonest = SLOT.search(page)[1]
    later = working_day(20)
    assert FIRST_FREE.search(week_page(client, later))[1] == soonest
    assert FIRST_FREE.search(text(client.get("/initialberatung/")))[1] == soonest

    by_phone = FIRST_FREE.search(week_page(client, later, kanal="phone"))[1]
    start = datetime.fromisoformat(query_of(by_phone)["start"][0])
    assert start.astimezone(BERLIN).strftime("%H:%M") == "14:00"
    assert query_of(by_phone)["kanal"] == ["phone"]
    form = text(client.get(unescape(by_phone)))
    assert f'<option selected value="{start.isoformat()}"' in form


def test_overview_weeks_and_booking_form_have_titles_of_their_own(app, client):
    make_advisor(app, "berta@kts.example", hours=MORNINGS)
    day = working_day(7)
    monday = day.astimezone(BERLIN).date()
    monday = monday.fromordinal(monday.toordinal() - monday.weekday())
    overview = title(text(client.get("/initialberatung/")))
    week = title(week_page(client, day))
    filtered = title(week_page(client, day, kanal="video"))
    form = title(text(client.get("/initialberatung/buchen")))
    assert overview == "Initialberatung: freie Termine – Start Smart"
    assert week == f"Initialberatung: freie Termine – Woche vom {monday:%d.%m.} – Start Smart"
    assert filtered.startswith("Initialberatung: freie Termine (Videokonferenz) – Woche vom")
    assert form == "Initialberatung buchen: Ihre Angaben – Start Smart"
