"""A conference's programme: staff add, change and delete sessions (Berlin times, the
conference's day, places only for workshops and World Cafés); the public page shows them by
time slot, parallel ones side by side, in German or English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from conference_support import make_conference
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.clock import berlin_today
from startsmart.conferences import programme, service
from startsmart.conferences.models import Conference, ConferenceSession, SessionKind
from startsmart.extensions import db
from startsmart.staff.models import StaffUser
from support import submit, text


@pytest.fixture
def conference(app, team):
    return make_conference(app, berlin_today(clock.now()) + timedelta(days=30))


def _form(day: date, **changes) -> dict:
    return {
        "kind": "workshop",
        "title": "Daten in der Kommune",
        "title_en": "",
        "day": day.isoformat(),
        "starts": "10:45",
        "ends": "12:15",
        "room": "Raum 1",
        "speakers": "Dr. Jana Beispiel, Stadt Ulm\r\n\r\n  Kai Muster  ",
        "description": "",
        "description_en": "",
        "capacity": "25",
        "position": "",
        **changes,
    }


def _day(conference: Conference) -> date:
    return programme.conference_days(conference)[0]


def _new(conference: Conference) -> str:
    return f"/staff/regionalkonferenzen/{conference.id}/programm/neu"


def _sessions(app) -> list[ConferenceSession]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(ConferenceSession).order_by(ConferenceSession.id)
        ).scalars()
        rows = list(rows)
        for row in rows:
            db.session.expunge(row)
        return rows


def _actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
        )


def test_staff_add_change_and_delete_a_session(app, team, conference):
    day = _day(conference)
    staff_page = f"/staff/regionalkonferenzen/{conference.id}"
    assert "Programmpunkt hinzufügen" in text(team.get(staff_page))
    response = submit(team, _new(conference), _form(day))
    assert response.status_code == 302, text(response)
    (added,) = _sessions(app)
    assert added.kind is SessionKind.WORKSHOP and added.capacity == 25
    assert added.speakers == "Dr. Jana Beispiel, Stadt Ulm\nKai Muster"
    assert added.starts_at == datetime.combine(day, time(10, 45), tzinfo=clock.BERLIN)
    page = text(team.get(staff_page))
    assert "Daten in der Kommune" in page and "Raum 1" in page

    edit = f"/staff/regionalkonferenzen/{conference.id}/programm/{added.id}/bearbeiten"
    assert 'value="Daten in der Kommune"' in text(team.get(edit))  # the form is filled
    response = submit(team, edit, _form(day, kind="world_cafe", title="Offene Daten", ends="12:30"))
    assert response.status_code == 302, text(response)
    (changed,) = _sessions(app)
    assert changed.title == "Offene Daten" and changed.kind is SessionKind.WORLD_CAFE
    assert changed.ends_at == datetime.combine(day, time(12, 30), tzinfo=clock.BERLIN)

    delete = f"/staff/regionalkonferenzen/{conference.id}/programm/{added.id}/loeschen"
    confirm = text(team.get(delete))
    assert "Offene Daten" in confirm and "Ja, Programmpunkt löschen" in confirm
    assert _sessions(app)  # asking deletes nothing
    response = submit(team, delete, {})
    assert response.status_code == 302
    assert _sessions(app) == []
    assert _actions(app)[-3:] == [
        "conference.session_added",
        "conference.session_changed",
        "conference.session_deleted",
    ]
    assert team.get(delete).status_code == 404


def test_mistakes_are_shown_at_their_field_and_nothing_is_stored(app, team, conference):
    day = _day(conference)
    cases = [
        ({"ends": "10:00"}, "Das Ende muss nach dem Beginn liegen."),
        ({"kind": "plenary"}, "Begrenzte Plätze gibt es nur bei Workshops"),
        ({"capacity": "0"}, "Bitte geben Sie eine Zahl von 1 bis 10000 an."),
        ({"title": " "}, "Bitte füllen Sie dieses Feld aus."),
        ({"speakers": "Jana Beispiel, www.ulm.de"}, "keine Internet- oder E-Mail-Adresse"),
        ({"kind": "party"}, "Bitte wählen Sie einen Eintrag aus der Liste."),
    ]
    for changes, message in cases:
        response = submit(team, _new(conference), _form(day, room="Raum Blau", **changes))
        page = text(response)
        assert response.status_code == 200, changes
        assert message in page, (changes, page)
        assert 'value="Raum Blau"' in page  # what was typed stays
    response = submit(
        team, _new(conference), {**_form(day), "day": (day + timedelta(1)).isoformat()}
    )
    assert "am Tag der Konferenz liegen" in text(response)
    assert _sessions(app) == []


def test_a_session_in_the_hour_repeated_in_october_asks_which_one(app, team):
    day = _last_sunday(10)
    conference = make_conference(app, day, "Regionalkonferenz Herbst")
    form = _form(day, starts="02:30", ends="03:15", kind="break", capacity="")
    response = submit(team, _new(conference), form)
    assert "Welche dieser Uhrzeiten ist gemeint?" in text(response)
    assert _sessions(app) == []
    response = submit(team, _new(conference), {**form, "repeated_hour": "second"})
    assert response.status_code == 302, text(response)
    (added,) = _sessions(app)
    # The second 02:30 is winter time (UTC+1): 45 minutes to 03:15, not an hour and 45.
    assert added.starts_at == datetime.combine(day, time(1, 30), tzinfo=UTC)
    assert added.ends_at - added.starts_at == timedelta(minutes=45)


def test_a_time_that_does_not_exist_in_march_is_refused(app, team):
    day = _last_sunday(3)
    conference = make_conference(app, day, "Regionalkonferenz Frühling")
    response = submit(team, _new(conference), _form(day, starts="02:30", ends="03:30"))
    assert "in Berlin nicht" in text(response)
    assert _sessions(app) == []


def _last_sunday(month: int) -> date:
    """The last Sunday of ``month`` in the coming year (some weeks ahead of the run)."""
    year = berlin_today(clock.now()).year + 1
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def test_the_public_programme_groups_parallel_sessions(app, team, conference):
    day = _day(conference)
    for changes in (
        {"kind": "world_cafe", "title": "Bürgerbeteiligung", "position": "2", "capacity": ""},
        {
            "kind": "plenary",
            "title": "Begrüßung",
            "starts": "09:30",
            "ends": "10:30",
            "capacity": "",
        },
        {"title": "Daten in der Kommune", "position": "1"},
    ):
        assert submit(team, _new(conference), _form(day, **changes)).status_code == 302
    visitor = app.test_client()
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/programm"))
    assert (
        page.index("Begrüßung")
        < page.index("Daten in der Kommune")
        < page.index("Bürgerbeteiligung")
    )
    slots = re.findall(r'<section class="programme-slot".*?</section>', page, re.S)
    assert len(slots) == 2
    assert "Begrüßung" in slots[0] and "2 Programmpunkte parallel" in slots[1]
    assert "Daten in der Kommune" in slots[1] and "Bürgerbeteiligung" in slots[1]
    assert "<h2" in slots[1] and "<li>Dr. Jana Beispiel, Stadt Ulm</li>" in slots[1]
    start = datetime.combine(day, time(10, 45), tzinfo=clock.BERLIN).astimezone(UTC)
    assert f'<time datetime="{start.isoformat()}">10:45</time>' in page
    # Places are limited, but the page shows no number of them (25 here): only what a reader
    # sees counts, not the markup, whose ISO times may hold a 25 of their own.
    shown = " ".join(re.sub(r"<[^>]+>", " ", slots[1]).split())
    assert "begrenzte Plätze" in shown and not re.search(r"\b25\b", shown)
    assert "Workshop" in slots[1] and "World Café" in slots[1]  # kind as text
    # Linked from the conference's page and from the list of conferences
    link = f"/regionalkonferenzen/{conference.slug}/programm"
    assert link in text(visitor.get(f"/regionalkonferenzen/{conference.slug}"))
    assert link in text(visitor.get("/regionalkonferenzen/"))


def test_the_english_page_marks_german_fallbacks(app, team, conference):
    day = _day(conference)
    submit(
        team,
        _new(conference),
        _form(
            day, title_en="Data in the municipality", description="Auf Deutsch.", description_en=""
        ),
    )
    visitor = app.test_client()
    visitor.get("/sprache/en")
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/programm"))
    assert "<h3><span>Data in the municipality</span></h3>" in page
    assert '<div lang="de">' in page and "Auf Deutsch." in page
    assert "limited places" in page or "begrenzte Plätze" in page  # translated by the lead
    assert "Daten in der Kommune" not in page


def test_the_english_page_shows_the_german_title_marked_when_no_english_one(app, team, conference):
    submit(team, _new(conference), _form(_day(conference)))
    visitor = app.test_client()
    visitor.get("/sprache/en")
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/programm"))
    assert '<h3><span lang="de">Daten in der Kommune</span></h3>' in page


def test_no_programme_and_unknown_conferences(app, team, conference):
    visitor = app.test_client()
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/programm"))
    assert "Das Programm wird hier bald veröffentlicht." in page
    assert "/programm" not in text(visitor.get(f"/regionalkonferenzen/{conference.slug}"))
    assert visitor.get("/regionalkonferenzen/gibt-es-nicht/programm").status_code == 404


def test_a_session_of_another_conference_is_not_found_here(app, team, conference):
    other = make_conference(app, _day(conference) + timedelta(days=7), "Regionalkonferenz Ost")
    submit(team, _new(other), _form(_day(other)))
    (session,) = _sessions(app)
    wrong = f"/staff/regionalkonferenzen/{conference.id}/programm/{session.id}/bearbeiten"
    assert team.get(wrong).status_code == 404


def test_moving_the_conference_to_another_day_moves_its_programme(app, team, conference):
    day = _day(conference)
    submit(team, _new(conference), _form(day))
    with app.app_context():
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        service.update_conference(
            conference.id,
            service.ConferenceInput(
                title=conference.title,
                day=day + timedelta(days=2),
                starts=time(9),
                ends=time(17),
                city="Ulm",
                venue="Stadthaus Ulm",
                description="",
                capacity=100,
            ),
            actor,
            clock.now(),
        )
    (moved,) = _sessions(app)
    assert moved.starts_at == datetime.combine(
        day + timedelta(days=2), time(10, 45), tzinfo=clock.BERLIN
    )


def test_the_staff_pages_are_for_staff_only(app, conference):
    response = app.test_client().get(_new(conference))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
