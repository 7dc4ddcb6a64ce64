"""The catalogue's test data and how to read its page: offerings in three formats with dates,
the titles the date list shows, the filter form's choices and the result count."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from moments import moment_of_this_run
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.clock import berlin_to_utc
from startsmart.extensions import db

YEAR = moment_of_this_run().year + 1  # always in the future, whatever the run's moment


def offerings(app) -> dict[str, int]:
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


def add_date(app, offering_id: int, berlin: datetime, **fields) -> int:
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


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute)


def listed(page: str) -> list[str]:
    """The offering titles of the listed dates, in order, as their rows' summaries show them."""
    return re.findall(r'<span class="date-row-title">([^<]+)</span>', page)


def select_of(page: str, name: str) -> str:
    select = re.search(rf'<select id="[^"]+" name="{name}">(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return select.group(1)


def options(page: str, name: str) -> list[tuple[str, str]]:
    """Value and label of each option of the filter select ``name``, "all" left out."""
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select_of(page, name))


def selected(page: str, name: str) -> str:
    """The value of the selected option of the filter select ``name``."""
    chosen = re.findall(r'<option value="([^"]*)" selected>', select_of(page, name))
    assert len(chosen) == 1, chosen
    return chosen[0]


def count(page: str) -> str:
    return re.search(r'<p class="result-count" role="status">([^<]+)</p>', page).group(1)


def offering_form(**overrides) -> dict:
    """What staff type into the new-offering form, with ``overrides``."""
    return {
        "format": "thematic_input",
        "title": "Monitoring und Evaluation für Anfänger",
        "summary": "Wie Kommunen Wirkung messen.",
        "description": "Erster Absatz.\r\n\r\nZweiter Absatz.",
        "default_capacity": "25",
        "default_duration_minutes": "120",
        "per_municipality_limit": "3",
        **overrides,
    }


def date_form(**overrides) -> dict:
    """What staff type into the new-date form (an online date in 2099), with ``overrides``."""
    return {
        "day": "2099-07-01",
        "starts": "10:00",
        "ends": "11:30",
        "online_url": "https://konferenz.example.org/raum-2",
        "venue": "",
        "capacity": "12",
        "per_municipality_limit": "",
        "deadline_day": "",
        "deadline_time": "",
        "status": "published",
        **overrides,
    }
