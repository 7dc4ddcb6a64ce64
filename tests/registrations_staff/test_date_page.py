"""The date page: seats at a glance, registrations by status, questions, escaped names."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from staff_support import as_event_team, register_person
from startsmart import clock
from startsmart.extensions import db
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import Role
from support import login, make_date, make_staff, text


def test_seat_summary_and_status_filters(app, client):
    as_event_team(app, client)
    date_id = make_date(app, capacity=2)
    register_person(app, date_id, 1, model_project=True, municipality="Ulm")
    register_person(app, date_id, 2, by_staff=False)  # pending: holds a seat
    register_person(app, date_id, 3)  # waiting list, place 1
    register_person(app, date_id, 4)  # waiting list, place 2
    page = text(client.get(f"/staff/termine/{date_id}"))
    figures = page.split('class="figures"')[1].split("</dl>")[0]
    assert [f.split("</dd>")[0] for f in figures.split("<dd>")[1:]] == ["2", "2", "0", "2"]
    assert "alle (4)" in page and "bestätigt (1)" in page and "Warteliste (2)" in page
    assert "Ulm" in page and ">MPSC</abbr>" in page
    assert "person1@kommune.de" in page and "Digitalisierung" in page
    waiting = text(client.get(f"/staff/termine/{date_id}?status=waitlisted"))
    assert "Person 3" in waiting and "Person 4" in waiting and "Person 1" not in waiting
    rows = waiting.split("<tbody>")[1].split("</tr>")
    assert "<td>1</td>" in rows[0] and "<td>2</td>" in rows[1]  # positions
    # An unknown filter shows everything rather than failing.
    assert "Person 1" in text(client.get(f"/staff/termine/{date_id}?status=<x>"))


def test_cancelled_and_expired_are_listed_under_their_filter(app, client):
    as_event_team(app, client)
    date_id = make_date(app)
    first = register_person(app, date_id, 1)
    register_person(app, date_id, 2)
    with app.app_context():
        registration = db.session.get(Registration, first)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = clock.now()
        db.session.commit()
    page = text(client.get(f"/staff/termine/{date_id}?status=cancelled"))
    assert "Person 1" in page and "Person 2" not in page
    assert "Keine Anmeldungen in dieser Auswahl." in text(
        client.get(f"/staff/termine/{date_id}?status=expired")
    )


def test_html_in_names_is_shown_escaped(app, client):
    as_event_team(app, client)
    date_id = make_date(app)
    register_person(app, date_id, 1, name="<script>alert('x')</script>", municipality="<b>Ort</b>")
    page = text(client.get(f"/staff/termine/{date_id}"))
    assert "<script>alert(" not in page and "<b>Ort</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Ort&lt;/b&gt;" in page


def test_questions_of_a_moderated_exchange_at_a_glance(app, client):
    as_event_team(app, client)
    date_id = make_date(app, fmt="moderated_exchange")
    register_person(
        app,
        date_id,
        1,
        municipality="Bamberg",
        question="Wie finanziert ihr\nSensorik?",
        model_project=True,
    )
    register_person(app, date_id, 2, municipality="Coburg", question="Open Data – womit anfangen?")
    page = text(client.get(f"/staff/termine/{date_id}"))
    section = page.split("Fragen für den Austausch")[1]
    assert "Wie finanziert ihr\nSensorik?" in section and "Bamberg" in section
    assert "Open Data – womit anfangen?" in section and "Coburg" in section
    plain = make_date(app)
    assert "Fragen für den Austausch" not in text(client.get(f"/staff/termine/{plain}"))


def test_a_started_date_offers_attendance_but_no_more_changes_of_time(app, client):
    as_event_team(app, client)
    date_id = make_date(app, starts_in=timedelta(minutes=-10))
    page = text(client.get(f"/staff/termine/{date_id}"))
    assert "Teilnahme erfassen" in page and "Zeit oder Ort ändern" not in page
    assert "Person anmelden" not in page


def test_unknown_date_is_404_and_advisors_get_403(app, client):
    as_event_team(app, client)
    assert client.get("/staff/termine/999").status_code == 404
    assert client.get("/staff/termine/999/anmeldungen.csv").status_code == 404
    date_id = make_date(app)
    other = app.test_client()
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(other, "bea@kts.example")
    assert other.get(f"/staff/termine/{date_id}").status_code == 403
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar() == 0
