"""The event team creates dates in Berlin time and changes them; the registered hear of it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from catalogue_support import date_form
from moments import next_clock_change
from staff_support import (
    as_event_team,
    body,
    calendars,
    deliver,
    make_offering,
    register_person,
    the_date,
)
from startsmart import clock
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.clock import berlin_wall_time
from startsmart.extensions import db
from startsmart.registrations.models import Registration, RegistrationStatus
from support import csrf_token, make_date, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

# The next nights the clocks change in Berlin, seen from the run's moment.
SPRING, AUTUMN = next_clock_change(3), next_clock_change(10)


def only_date(app) -> EventDate:
    with app.app_context():
        event_date = db.session.execute(sa.select(EventDate)).scalar_one()
        event_date.offering  # noqa: B018
        return event_date


def date_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count(EventDate.id))).scalar()


def test_new_date_in_berlin_summer_time_with_defaults(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app, default_capacity=20)
    page = f"/staff/angebote/{offering_id}/termine/neu"
    assert 'value="20"' in text(client.get(page))  # capacity prefilled from the offering
    response = submit(client, page, date_form(capacity="20"))
    assert response.status_code == 302
    event_date = only_date(app)
    assert event_date.starts_at == datetime(2099, 7, 1, 8, 0, tzinfo=UTC)
    assert event_date.ends_at == datetime(2099, 7, 1, 9, 30, tzinfo=UTC)
    # One day before, at the same Berlin time.
    assert event_date.registration_closes_at == datetime(2099, 6, 30, 8, 0, tzinfo=UTC)
    assert (event_date.capacity, event_date.status) == (20, EventDateStatus.PUBLISHED)
    assert response.headers["Location"] == f"/staff/termine/{event_date.id}"
    assert "Der Termin wurde angelegt." in text(client.get(response.headers["Location"]))
    assert "Mittwoch, 1. Juli 2099, 10:00" in text(client.get("/angebote/"))


def test_new_draft_in_winter_without_end_time_and_with_own_deadline(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app, default_duration_minutes=45)
    submit(
        client,
        f"/staff/angebote/{offering_id}/termine/neu",
        date_form(
            day="01.12.2099",
            starts="9:15",
            ends="",
            venue="Rathaus Kiel, Fleethörn 9",
            online_url="",
            per_municipality_limit="1",
            deadline_day="2099-11-20",
            deadline_time="12:00",
            status="draft",
        ),
    )
    event_date = only_date(app)
    assert event_date.starts_at == datetime(2099, 12, 1, 8, 15, tzinfo=UTC)
    assert event_date.ends_at == event_date.starts_at + timedelta(minutes=45)
    assert event_date.registration_closes_at == datetime(2099, 11, 20, 11, 0, tzinfo=UTC)
    assert event_date.venue == "Rathaus Kiel, Fleethörn 9" and event_date.online_url is None
    assert event_date.per_municipality_limit == 1
    assert event_date.status is EventDateStatus.DRAFT
    assert "Dezember 2099" not in text(client.get("/angebote/"))  # drafts are not public
    overview = text(client.get("/staff/termine"))
    assert "01.12.2099, 09:15" in overview and "Entwurf" in overview


def test_a_time_that_does_not_exist_in_berlin_is_refused(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app)
    page = f"/staff/angebote/{offering_id}/termine/neu"
    for day in ("2026-03-29", SPRING.isoformat()):  # one past, one to come
        response = submit(client, page, date_form(day=day, starts="02:30", ends="04:00"))
        assert response.status_code == 200
        page_text = text(response)
        assert "02:30 Uhr gibt es am" in page_text and "Beginn der Sommerzeit" in page_text
        assert 'id="starts-error"' in page_text and 'value="02:30"' in page_text
    response = submit(client, page, date_form(day=SPRING.isoformat(), starts="01:00", ends="02:15"))
    assert 'id="ends-error"' in text(response)
    assert date_count(app) == 0


def test_a_time_that_exists_twice_is_asked_about_then_stored_as_answered(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app)
    page = f"/staff/angebote/{offering_id}/termine/neu"
    data = date_form(day=AUTUMN.isoformat(), starts="02:30", ends="03:30")
    response = submit(client, page, data)
    html = text(response)
    assert response.status_code == 200 and date_count(app) == 0
    assert f"02:30 Uhr gibt es am {AUTUMN:%d.%m.%Y} zweimal" in html
    assert "Welche dieser Uhrzeiten ist gemeint?" in html
    assert 'value="02:30"' in html and 'value="03:30"' in html  # input kept
    response = submit(client, page, {**data, "repeated_hour": "second"})
    assert response.status_code == 302
    event_date = only_date(app)
    assert event_date.starts_at == datetime.combine(AUTUMN, time(1, 30), UTC)  # 02:30 CET
    assert event_date.ends_at == datetime.combine(AUTUMN, time(2, 30), UTC)  # 03:30 CET
    hint = text(client.get(page))
    assert "dann fragen wir, welche gemeint ist" in hint


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day": ""}, "day", "Bitte füllen Sie dieses Feld aus."),
        ({"day": "31.02.2099"}, "day", "gültiges Datum"),
        ({"starts": "25:00"}, "starts", "gültige Uhrzeit"),
        ({"ends": "09:00"}, "ends", "Das Ende muss nach dem Beginn liegen."),
        ({"day": "2020-01-01"}, "day", "liegt in der Vergangenheit"),
        ({"online_url": "", "venue": ""}, "venue", "Ort oder einen Link"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"online_url": "https://x.example/ a"}, "online_url", "https://"),
        ({"venue": "x" * 10_000}, "venue", "300"),
        ({"capacity": "-1"}, "capacity", "Zahl von 0 bis 10000"),
        ({"capacity": "zwölf"}, "capacity", "ganze Zahl"),
        ({"capacity": ""}, "capacity", "Bitte füllen Sie dieses Feld aus."),
        # Blanks only: a day or time field reads them as no value (they used to pass as None).
        ({"day": "  "}, "day", "Bitte füllen Sie dieses Feld aus."),
        ({"starts": " "}, "starts", "Bitte füllen Sie dieses Feld aus."),
        ({"per_municipality_limit": "0"}, "per_municipality_limit", "1 bis 1000"),
        ({"deadline_day": "2099-07-02", "deadline_time": "09:00"}, "deadline_day", "nach dem"),
        ({"deadline_day": "2099-06-20"}, "deadline_time", "Datum und Uhrzeit"),
        ({"deadline_day": "2020-06-20", "deadline_time": "09:00"}, "deadline_day", "Vergangenheit"),
        ({"status": "cancelled"}, "status", "Auswahl"),
        (
            {
                "day": (SPRING + timedelta(days=4)).isoformat(),
                "deadline_day": SPRING.isoformat(),
                "deadline_time": "02:30",
            },
            "deadline_time",
            f"02:30 Uhr gibt es am {SPRING:%d.%m.%Y}",
        ),
    ],
)
def test_bad_input_is_explained_and_kept(app, client, overrides, field, message):
    as_event_team(app, client)
    offering_id = make_offering(app)
    response = submit(client, f"/staff/angebote/{offering_id}/termine/neu", date_form(**overrides))
    page = text(response)
    assert response.status_code == 200
    assert message in page and f'id="{field}-error"' in page
    assert "Bitte prüfen Sie Ihre Angaben" in page  # the error summary
    if "online_url" not in overrides:
        assert 'value="https://konferenz.example.org/raum-2"' in page  # input kept
    assert date_count(app) == 0


def test_a_date_within_a_day_needs_its_own_deadline(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app)
    day, starts = berlin_wall_time(clock.now() + timedelta(hours=3))
    data = date_form(day=day.isoformat(), starts=f"{starts:%H:%M}", ends="")
    page = f"/staff/angebote/{offering_id}/termine/neu"
    response = submit(client, page, data)
    assert "Ein Tag vor Beginn ist schon vorbei" in text(response) and date_count(app) == 0
    # two hours on, an hour before the start; in the night the clocks go back, the form asks
    # which of the repeated hour's times is meant, and the answer is the one two hours on
    close_day, close_at = berlin_wall_time(clock.now() + timedelta(hours=2))
    deadline = {
        "deadline_day": close_day.isoformat(),
        "deadline_time": f"{close_at:%H:%M}",
        "repeated_hour": "second" if close_at.fold else "first",
    }
    response = submit(client, page, {**data, **deadline})
    assert response.status_code == 302 and date_count(app) == 1


def test_no_new_dates_for_retired_offerings_or_consultations(app, client):
    as_event_team(app, client)
    retired = make_offering(app, retired_at=clock.now())
    consultation = make_offering(app, fmt="initial_consultation")
    response = submit(client, f"/staff/angebote/{retired}/termine/neu", date_form())
    assert "Dieses Angebot ist eingestellt" in text(response)
    response = submit(client, f"/staff/angebote/{consultation}/termine/neu", date_form())
    assert "über Beratungszeiten gebucht" in text(response)
    assert date_count(app) == 0


def test_moving_a_date_sends_calendar_updates_with_a_higher_sequence(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app, capacity=5)
    register_person(app, date_id, 1)  # confirmed, invitation SEQUENCE 0
    register_person(app, date_id, 2)
    deliver(app)
    [invitation] = smtp.to("person1@kommune.de")
    uid = str(calendars(invitation)[0].walk("VEVENT")[0]["UID"])
    page = f"/staff/termine/{date_id}/zeit-und-ort"
    form_page = text(client.get(page))
    assert 'value="https://konferenz.example.org/raum-1"' in form_page
    assert "2 angemeldete Personen erhalten eine Aktualisierung" in form_page

    response = submit(
        client,
        page,
        {
            "day": "2099-09-15",
            "starts": "14:00",
            "ends": "15:30",
            "online_url": "",
            "venue": "Rathaus Kiel",
        },
    )
    assert response.status_code == 302
    assert "2 angemeldete Personen haben eine Aktualisierung" in text(
        client.get(response.headers["Location"])
    )
    event_date = the_date(app, date_id)
    assert event_date.starts_at == datetime(2099, 9, 15, 12, 0, tzinfo=UTC)
    assert event_date.ical_sequence == 1
    for address in ("person1@kommune.de", "person2@kommune.de"):
        update = smtp.to(address)[-1]
        [calendar] = calendars(update)
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART").astimezone(UTC) == datetime(2099, 9, 15, 12, tzinfo=UTC)
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert str(event["LOCATION"]) == "Rathaus Kiel"
        assert "Neuer Ort: Rathaus Kiel" in body(update)
    assert str(calendars(smtp.to("person1@kommune.de")[-1])[0].walk("VEVENT")[0]["UID"]) == uid


def test_saving_time_and_place_unchanged_sends_nothing(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    register_person(app, date_id, 1)
    deliver(app)
    smtp.clear()
    page = f"/staff/termine/{date_id}/zeit-und-ort"
    event_date = the_date(app, date_id)
    day, starts = berlin_wall_time(event_date.starts_at)
    form_page = text(client.get(page))
    assert f'value="{day.isoformat()}"' in form_page and f'value="{starts:%H:%M}"' in form_page
    values = {
        "day": day.isoformat(),
        "starts": f"{starts:%H:%M}",
        "ends": f"{berlin_wall_time(event_date.ends_at)[1]:%H:%M}",
        "online_url": event_date.online_url,
    }
    response = submit(client, page, {**values, "venue": ""})
    assert response.status_code == 302
    assert "0 angemeldete Personen" in text(client.get(response.headers["Location"]))
    assert smtp.received == []
    assert the_date(app, date_id).ical_sequence == 0


def test_moving_into_a_gap_the_past_or_after_the_start_is_refused(app, client):
    as_event_team(app, client)
    date_id = make_date(app)
    page = f"/staff/termine/{date_id}/zeit-und-ort"
    place = {"online_url": "https://konferenz.example.org/raum-1", "venue": ""}
    response = submit(
        client, page, {"day": SPRING.isoformat(), "starts": "02:15", "ends": "03:30", **place}
    )
    assert f"02:15 Uhr gibt es am {SPRING:%d.%m.%Y}" in text(response)
    response = submit(
        client, page, {"day": "2021-03-01", "starts": "10:00", "ends": "11:00", **place}
    )
    assert "liegt in der Vergangenheit" in text(response)
    started = make_date(app, starts_in=timedelta(minutes=-5))
    response = submit(
        client,
        f"/staff/termine/{started}/zeit-und-ort",
        {"day": "2099-01-01", "starts": "10:00", "ends": "11:00", **place},
        follow_redirects=False,
    )
    assert "hat schon begonnen" in text(response)
    assert the_date(app, date_id).ical_sequence == 0


def test_one_seat_is_counted_in_the_singular(app, client):
    as_event_team(app, client)
    date_id = make_date(app, capacity=2)
    register_person(app, date_id, 1)
    page = f"/staff/termine/{date_id}/plaetze"
    refused = text(submit(client, page, {"capacity": "0"}))
    assert "1 Platz ist schon vergeben; weniger Plätze sind nicht möglich." in refused
    response = submit(client, page, {"capacity": "1"})
    assert "Der Termin hat jetzt 1 Platz." in text(client.get(response.headers["Location"]))
    assert "Belegt: 1 von 1 Platz; auf der Warteliste: 0." in text(client.get(page))


def test_capacity_cannot_go_below_taken_seats_and_raising_promotes(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app, capacity=2)
    for number in (1, 2, 3):
        register_person(app, date_id, number)  # two seats, one on the waiting list
    page = f"/staff/termine/{date_id}/plaetze"
    response = submit(client, page, {"capacity": "1"})
    assert response.status_code == 200
    assert "2 Plätze sind schon vergeben" in text(response) and 'value="1"' in text(response)
    for bad in ("-3", "drei", "", "1" * 30):
        assert 'id="capacity-error"' in text(submit(client, page, {"capacity": bad}))
    assert the_date(app, date_id).capacity == 2
    smtp.clear()
    response = submit(client, page, {"capacity": "3"})
    assert response.status_code == 302
    flashed = text(client.get(response.headers["Location"]))
    assert "Der Termin hat jetzt 3 Plätze." in flashed
    assert "1 Person ist von der Warteliste nachgerückt." in flashed
    with app.app_context():
        statuses = (
            db.session.execute(sa.select(Registration.status).order_by(Registration.id))
            .scalars()
            .all()
        )
    assert statuses == [RegistrationStatus.CONFIRMED] * 3
    assert "Einladung" in smtp.to("person3@kommune.de")[-1]["Subject"]


def test_details_deadline_limit_and_publishing(app, client):
    as_event_team(app, client)
    date_id = make_date(app, status=EventDateStatus.DRAFT)
    page = f"/staff/termine/{date_id}/angaben"
    event_date = the_date(app, date_id)
    assert '<option selected value="draft">' in text(client.get(page))
    day = (event_date.starts_at - timedelta(days=3)).astimezone(UTC).date().isoformat()
    response = submit(
        client,
        page,
        {
            "deadline_day": day,
            "deadline_time": "18:00",
            "per_municipality_limit": "4",
            "status": "published",
        },
    )
    assert response.status_code == 302
    changed = the_date(app, date_id)
    assert changed.status is EventDateStatus.PUBLISHED and changed.per_municipality_limit == 4
    assert changed.registration_closes_at.astimezone(UTC).date().isoformat() == day
    assert changed.ical_sequence == 0  # nothing for the calendars

    register_person(app, date_id, 1)
    response = submit(
        client,
        page,
        {"deadline_day": "", "deadline_time": "", "per_municipality_limit": "", "status": "draft"},
    )
    assert "kann kein Entwurf mehr sein" in text(response)
    response = submit(
        client,
        page,
        {
            "deadline_day": "2099-12-31",
            "deadline_time": "10:00",
            "per_municipality_limit": "",
            "status": "published",
        },
    )
    assert "darf nicht nach dem Beginn liegen" in text(response)
    assert the_date(app, date_id).per_municipality_limit == 4


def test_cancel_asks_first_then_cancels_with_the_message(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    register_person(app, date_id, 1)
    deliver(app)
    page = f"/staff/termine/{date_id}/absagen"
    confirm = text(client.get(page))
    assert "1 Person ist angemeldet oder wartet" in confirm
    assert the_date(app, date_id).status is EventDateStatus.PUBLISHED  # GET changed nothing
    response = submit(client, page, {"message": "   "})
    assert 'id="message-error"' in text(response)
    assert the_date(app, date_id).status is EventDateStatus.PUBLISHED
    assert 'id="message-error"' in text(submit(client, page, {"message": "x" * 10_000}))
    response = submit(client, page, {"message": "Die Referentin ist erkrankt.\r\nErsatz folgt."})
    assert response.status_code == 302
    assert "1 Person wurde benachrichtigt" in text(client.get(response.headers["Location"]))
    assert the_date(app, date_id).status is EventDateStatus.CANCELLED
    cancel = smtp.to("person1@kommune.de")[-1]
    assert str(calendars(cancel)[0]["METHOD"]) == "CANCEL"
    assert "Die Referentin ist erkrankt." in body(cancel)
    again = submit(client, page, {"message": "Noch einmal."})
    assert "ist abgesagt und kann nicht mehr geändert werden" in text(again)
    assert "nicht mehr geändert werden" in text(client.get(f"/staff/termine/{date_id}/plaetze"))


def test_dates_of_an_offering_and_the_overview(app, client):
    as_event_team(app, client)
    date_id = make_date(app, capacity=7)
    past_id = make_date(app, starts_in=timedelta(days=-30))
    register_person(app, date_id, 1)
    offering_id = the_date(app, date_id).offering_id
    page = text(client.get(f"/staff/angebote/{offering_id}/termine"))
    assert f'href="/staff/termine/{date_id}"' in page and "1 / 7" in page
    overview = text(client.get("/staff/termine"))
    assert f'href="/staff/termine/{date_id}"' in overview
    assert f'href="/staff/termine/{past_id}"' not in overview


@pytest.mark.parametrize("suffix", ["zeit-und-ort", "plaetze", "angaben", "absagen"])
def test_unknown_date_is_404(app, client, suffix):
    as_event_team(app, client)
    assert client.get(f"/staff/termine/999/{suffix}").status_code == 404
    token = csrf_token(client, "/staff/angebote/neu")
    assert (
        client.post(f"/staff/termine/999/{suffix}", data={"csrf_token": token}).status_code == 404
    )
