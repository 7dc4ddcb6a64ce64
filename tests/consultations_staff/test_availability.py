"""Advisors keep their consultation hours; the public slots follow at once. Advisors edit only
their own, admins anyone's, the event team looks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

import moments
from consultation_support import make_advisor
from startsmart import clock
from startsmart.clock import BERLIN, berlin_to_utc
from startsmart.consultations import availability_service, schedule
from startsmart.consultations.models import AdvisorAbsence, ExtraHours, WeeklyHours
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

PAGE = "/staff/beratungszeiten"


def post(client, url: str, data: dict, **kwargs):
    token = csrf_token(client, "/staff/")
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def weekly(weekday: int, start: str, end: str, *channels: str) -> dict:
    return {
        "weekly-weekday": str(weekday),
        "weekly-start": start,
        "weekly-end": end,
        "weekly-channels": list(channels or ("video",)),
    }


def starts_on(app, day: date, channel: str | None = None) -> list[str]:
    """The public free starts on a Berlin day, as HH:MM."""
    with app.app_context():
        free = schedule.free(
            clock.now(),
            berlin_to_utc(day, time(0)),
            berlin_to_utc(day + timedelta(days=1), time(0)),
            channel,
        )
    return [s.starts_at.astimezone(BERLIN).strftime("%H:%M") for s in free]


def rows(app, model) -> list:
    with app.app_context():
        return list(db.session.execute(sa.select(model)).scalars())


def last_sunday_of_march(year: int) -> date:
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_advisor_adds_and_removes_weekly_hours_and_the_public_slots_follow(app, client, slot):
    advisor_id = make_advisor(app, "berta@kts.example", hours=[])
    login(client, "berta@kts.example")
    response = client.get(f"{PAGE}/")
    assert response.headers["Location"] == f"{PAGE}/{advisor_id}"
    page = text(client.get(f"{PAGE}/{advisor_id}"))
    assert "Ihre Beratungszeiten" in page and "Zurzeit ist kein Termin frei." in page
    day = slot(7).astimezone(BERLIN).date()
    assert starts_on(app, day) == []

    response = post(
        client, f"{PAGE}/{advisor_id}/wochenzeiten", weekly(day.weekday(), "09:15", "11:30")
    )
    assert response.status_code == 302
    assert starts_on(app, day) == ["09:30", "10:00", "10:30"]  # on the grid, inside the window
    assert starts_on(app, day, "phone") == []  # video only
    page = text(client.get(f"{PAGE}/{advisor_id}"))
    assert "Die Sprechzeiten wurden hinzugefügt." in page
    assert "Ihre nächsten freien Termine" in page and "Zurzeit ist kein Termin frei." not in page
    assert page.count("<time datetime=") == 10  # the preview: the next ten slots

    [hours] = rows(app, WeeklyHours)
    response = post(client, f"{PAGE}/wochenzeiten/{hours.id}/entfernen", {})
    assert response.status_code == 302
    assert rows(app, WeeklyHours) == [] and starts_on(app, day) == []


def test_mistakes_are_explained_next_to_the_field_and_the_input_is_kept(app, client, slot):
    advisor_id = make_advisor(app, "berta@kts.example", hours=[(0, "09:00", "12:00")])
    login(client, "berta@kts.example")
    url = f"{PAGE}/{advisor_id}/wochenzeiten"

    page = text(post(client, url, weekly(1, "11:00", "10:00")))
    assert "Das Ende muss nach dem Beginn liegen." in page
    assert 'id="weekly-end-error"' in page and 'value="11:00"' in page

    page = text(post(client, url, weekly(0, "11:00", "13:00")))
    assert "überschneidet sich mit den Sprechzeiten am Montag, 09:00–12:00 Uhr" in page
    assert 'id="weekly-start-error"' in page

    page = text(post(client, url, {**weekly(1, "09:00", "10:00"), "weekly-channels": []}))
    assert "Bitte wählen Sie mindestens eine Art des Gesprächs." in page

    page = text(post(client, url, {**weekly(1, "09:00", "10:00"), "weekly-weekday": "x"}))
    assert "Bitte wählen Sie einen Wochentag." in page

    assert post(client, url, weekly(0, "12:00", "13:00")).status_code == 302  # touching is fine
    assert len(rows(app, WeeklyHours)) == 2

    spring = last_sunday_of_march(clock.now().year + 1)
    page = text(
        post(
            client,
            f"{PAGE}/{advisor_id}/zusatzzeiten",
            {
                "extra-day": spring.isoformat(),
                "extra-start": "02:30",
                "extra-end": "05:00",
                "extra-channels": ["on_site"],
            },
        )
    )
    assert "02:30 Uhr gibt es am" in page and "Beginn der Sommerzeit" in page
    assert 'id="extra-start-error"' in page

    day = slot(10).astimezone(BERLIN).date()
    page = text(
        post(
            client,
            f"{PAGE}/{advisor_id}/abwesenheiten",
            {
                "absence-first_day": day.isoformat(),
                "absence-last_day": (day - timedelta(days=2)).isoformat(),
                "absence-note": "Urlaub",
            },
        )
    )
    assert "Der letzte Tag darf nicht vor dem ersten Tag liegen." in page
    assert 'value="Urlaub"' in page
    page = text(post(client, f"{PAGE}/{advisor_id}/abwesenheiten", {"absence-first_day": "kaputt"}))
    assert "Bitte geben Sie ein gültiges Datum an" in page
    assert rows(app, AdvisorAbsence) == [] and rows(app, ExtraHours) == []


def test_absence_removes_the_slots_and_warns_about_booked_consultations(
    app, client, slot, staff_booking
):
    advisor_id = make_advisor(app, "berta@kts.example")
    start = slot(8, 9)
    staff_booking(start, now=clock.now())
    day = start.astimezone(BERLIN).date()
    assert starts_on(app, day) != []
    login(client, "berta@kts.example")
    response = post(
        client,
        f"{PAGE}/{advisor_id}/abwesenheiten",
        {"absence-first_day": day.strftime("%d.%m.%Y"), "absence-last_day": day.isoformat()},
        follow_redirects=True,
    )
    page = text(response)
    assert "Die Abwesenheit wurde eingetragen." in page
    assert "In dieser Zeit liegt 1 gebuchte Beratung" in page
    assert starts_on(app, day) == []
    [absence] = rows(app, AdvisorAbsence)
    post(client, f"{PAGE}/abwesenheiten/{absence.id}/entfernen", {})
    assert starts_on(app, day) != []


def test_past_absences_are_hidden(app, client):
    advisor_id = make_advisor(app, "berta@kts.example")
    with app.app_context():
        today = moments.today()
        db.session.add_all(
            [
                AdvisorAbsence(
                    advisor_id=advisor_id,
                    first_day=today - timedelta(days=9),
                    last_day=today - timedelta(days=2),
                    note="Vorbei",
                ),
                AdvisorAbsence(
                    advisor_id=advisor_id,
                    first_day=today - timedelta(days=1),
                    last_day=today + timedelta(days=1),
                    note="Gerade",
                ),
            ]
        )
        db.session.commit()
    login(client, "berta@kts.example")
    page = text(client.get(f"{PAGE}/{advisor_id}"))
    assert "Gerade" in page and "Vorbei" not in page


def test_extra_window_at_a_conference_must_lie_within_it(app, client, slot, conference):
    advisor_id = make_advisor(app, "berta@kts.example", hours=[])
    day_start = slot(10, 9)
    conference_id = conference(day_start, day_start + timedelta(hours=7))
    day = day_start.astimezone(BERLIN).date()
    login(client, "berta@kts.example")
    url = f"{PAGE}/{advisor_id}/zusatzzeiten"
    window = {
        "extra-day": day.isoformat(),
        "extra-start": "08:00",
        "extra-end": "10:00",
        "extra-channels": ["on_site"],
        "extra-conference": str(conference_id),
    }
    page = text(post(client, url, window))
    assert "Das Zeitfenster muss innerhalb der Konferenz liegen" in page
    assert "09:00–16:00 Uhr" in page
    assert (
        post(client, url, {**window, "extra-start": "13:00", "extra-end": "15:00"}).status_code
        == 302
    )
    [extra] = rows(app, ExtraHours)
    assert extra.conference_id == conference_id and extra.label == "Regionalkonferenz Nord"
    assert starts_on(app, day, "on_site") == ["13:00", "13:30", "14:00"]
    page = text(client.get(f"{PAGE}/{advisor_id}"))
    assert "Regionalkonferenz Nord" in page
    assert "13:00" in text(client.get("/regionalkonferenzen/regionalkonferenz-nord"))


def test_advisor_cannot_change_a_colleagues_hours_but_an_admin_can(app, client):
    make_advisor(app, "berta@kts.example")
    colleague = make_advisor(app, "carl@kts.example", name="Carl", hours=[(2, "09:00", "12:00")])
    with app.app_context():
        [hours] = db.session.execute(
            sa.select(WeeklyHours.id).where(WeeklyHours.advisor_id == colleague)
        ).scalars()
    login(client, "berta@kts.example")
    assert client.get(f"{PAGE}/{colleague}").status_code == 403
    assert (
        post(client, f"{PAGE}/{colleague}/wochenzeiten", weekly(3, "09:00", "10:00")).status_code
        == 403
    )
    assert post(client, f"{PAGE}/wochenzeiten/{hours}/entfernen", {}).status_code == 403
    assert post(client, f"{PAGE}/{colleague}/abwesenheiten", {}).status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})

    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada")
    login(client, "admin@kts.example")
    assert (
        post(client, f"{PAGE}/{colleague}/wochenzeiten", weekly(3, "09:00", "10:00")).status_code
        == 302
    )
    assert post(client, f"{PAGE}/wochenzeiten/{hours}/entfernen", {}).status_code == 302
    with app.app_context():
        kept = (
            db.session.execute(
                sa.select(WeeklyHours.weekday).where(WeeklyHours.advisor_id == colleague)
            )
            .scalars()
            .all()
        )
    assert kept == [3]
    page = text(client.get(f"{PAGE}/{colleague}"))
    assert "Beratungszeiten von Carl" in page and 'name="berater"' in page


def test_event_team_sees_the_hours_but_changes_nothing(app, client):
    advisor_id = make_advisor(app, "berta@kts.example")
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")
    response = client.get(f"{PAGE}/")
    assert response.headers["Location"] == f"{PAGE}/{advisor_id}"
    page = text(client.get(f"{PAGE}/{advisor_id}"))
    assert "Sie sehen diese Zeiten nur an." in page and "09:00–12:00 Uhr" in page
    assert "weekly-start" not in page and "Entfernen" not in page
    assert (
        post(client, f"{PAGE}/{advisor_id}/wochenzeiten", weekly(5, "09:00", "10:00")).status_code
        == 403
    )


def test_unknown_ids_are_404(app, client):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada")
    not_an_advisor = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "admin@kts.example")
    assert client.get(f"{PAGE}/999").status_code == 404
    assert client.get(f"{PAGE}/{not_an_advisor}").status_code == 404
    assert "noch keine aktiven Konten" in text(client.get(f"{PAGE}/"))
    for kind in ("wochenzeiten", "abwesenheiten", "zusatzzeiten"):
        assert post(client, f"{PAGE}/{kind}/999/entfernen", {}).status_code == 404
    assert post(client, f"{PAGE}/999/wochenzeiten", weekly(1, "09:00", "10:00")).status_code == 404


def test_service_refuses_and_checks_who_acts(app):
    advisor_id = make_advisor(app, "berta@kts.example", hours=[])
    other_id = make_advisor(app, "carl@kts.example", hours=[])
    now = datetime(2030, 1, 7, 12, tzinfo=UTC)
    with app.app_context():
        advisor = db.session.get(StaffUser, advisor_id)
        availability_service.add_weekly_hours(
            advisor_id, 0, time(9), time(12), ["video"], advisor, now
        )
        with pytest.raises(DomainError, match="überschneidet") as refused:
            availability_service.add_weekly_hours(
                advisor_id, 0, time(8), time(9, 30), ["phone"], advisor, now
            )
        assert refused.value.field == "start"
        with pytest.raises(DomainError, match="selbst ändern"):
            availability_service.add_weekly_hours(
                other_id, 1, time(9), time(12), ["video"], advisor, now
            )
        with pytest.raises(DomainError, match="gibt es am 30.03.2031 in Berlin nicht"):
            availability_service.add_extra_hours(
                advisor_id,
                availability_service.ExtraWindowInput(date(2031, 3, 30), time(2), time(4)),
                advisor,
                now,
            )
        with pytest.raises(DomainError, match="Vergangenheit"):
            availability_service.add_extra_hours(
                advisor_id,
                availability_service.ExtraWindowInput(date(2030, 1, 6), time(9), time(12)),
                advisor,
                now,
            )
        db.session.rollback()
        assert len(list(db.session.execute(sa.select(WeeklyHours)).scalars())) == 1


def test_blanks_in_a_day_or_time_are_refused_next_to_the_field(app, client):
    # A day or time field reads blanks as no value; they used to pass the required check and
    # reach the service as None (a server error).
    advisor_id = make_advisor(app, "berta@kts.example", hours=[])
    login(client, "berta@kts.example")
    sent = {
        "wochenzeiten": weekly(1, "   ", "10:00"),
        "abwesenheiten": {"absence-first_day": " ", "absence-last_day": " "},
        "zusatzzeiten": {
            "extra-day": " ",
            "extra-start": " ",
            "extra-end": "\t",
            "extra-channels": ["on_site"],
        },
    }
    for kind, data in sent.items():
        response = post(client, f"{PAGE}/{advisor_id}/{kind}", data)
        assert response.status_code == 200, kind
        assert "Bitte füllen Sie dieses Feld aus." in text(response), kind
    assert rows(app, WeeklyHours) == [] and rows(app, AdvisorAbsence) == []
    assert rows(app, ExtraHours) == []
