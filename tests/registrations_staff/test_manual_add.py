"""Staff add a person by hand: confirmed at once, after the deadline too, invitation sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from staff_support import as_event_team, calendars, register_person
from startsmart.extensions import db
from startsmart.registrations.models import Registration, RegistrationStatus
from support import make_date, registration_form, submit, text


def manual_form(**overrides) -> dict:
    data = registration_form(**overrides)
    data.pop("privacy")
    return {"locale": "de", **data}


def registrations(app) -> list[Registration]:
    with app.app_context():
        found = db.session.execute(sa.select(Registration).order_by(Registration.id)).scalars()
        return [r for r in found if r.person is not None]  # loaded while the session is open


def test_after_the_deadline_a_person_is_confirmed_and_invited(app, client, smtp):
    as_event_team(app, client)
    # The public deadline passed yesterday; the date is tomorrow.
    date_id = make_date(app, starts_in=timedelta(days=1), closes_before=timedelta(days=2))
    page = f"/staff/termine/{date_id}/anmeldungen/neu"
    assert "privacy" not in text(client.get(page))
    response = submit(client, page, manual_form())
    assert response.status_code == 302
    assert "Kim Kommune ist angemeldet (bestätigt)" in text(
        client.get(response.headers["Location"])
    )
    [registration] = registrations(app)
    assert registration.status is RegistrationStatus.CONFIRMED
    assert registration.added_by_staff and registration.email_confirmed_at is not None
    [invitation] = smtp.to("kim@flensburg.de")  # no double opt-in mail first
    assert str(calendars(invitation)[0]["METHOD"]) == "REQUEST"
    assert "vom Team eingetragen" in text(client.get(f"/staff/termine/{date_id}"))


def test_a_full_date_puts_the_person_on_the_waiting_list(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app, capacity=1)
    register_person(app, date_id, 1)
    response = submit(client, f"/staff/termine/{date_id}/anmeldungen/neu", manual_form())
    assert "Platz 1 der Warteliste" in text(client.get(response.headers["Location"]))
    assert registrations(app)[-1].status is RegistrationStatus.WAITLISTED
    assert "Warteliste" in smtp.to("kim@flensburg.de")[0]["Subject"]


def test_adding_twice_reports_the_existing_registration(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    page = f"/staff/termine/{date_id}/anmeldungen/neu"
    submit(client, page, manual_form())
    response = submit(client, page, manual_form())
    assert "ist für diesen Termin schon angemeldet (bestätigt)" in text(
        client.get(response.headers["Location"])
    )
    assert len(registrations(app)) == 1 and len(smtp.to("kim@flensburg.de")) == 1


def test_a_started_date_takes_nobody(app, client):
    as_event_team(app, client)
    date_id = make_date(app, starts_in=timedelta(minutes=-1))
    page = f"/staff/termine/{date_id}/anmeldungen/neu"
    assert "bereits begonnen" in text(client.get(page))
    response = submit(client, page, manual_form())
    assert response.status_code == 200 and registrations(app) == []


def test_the_question_is_required_for_a_moderated_exchange(app, client):
    as_event_team(app, client)
    date_id = make_date(app, fmt="moderated_exchange")
    page = f"/staff/termine/{date_id}/anmeldungen/neu"
    response = submit(client, page, manual_form(question=""))
    assert 'id="question-error"' in text(response) and registrations(app) == []
    submit(client, page, manual_form(question="Wie starten wir mit Open Data?"))
    assert registrations(app)[0].question == "Wie starten wir mit Open Data?"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Bitte füllen Sie dieses Feld aus."),
        ({"name": "   "}, "name", "Bitte geben Sie Ihren Namen an."),
        ({"name": "x" * 10_000}, "name", "200"),
        ({"email": "kein-at-zeichen"}, "email", "E-Mail"),
        ({"email": ""}, "email", "Bitte füllen Sie dieses Feld aus."),
        (
            {"municipality": "Neustadt am Nirgendwo", "municipality_kind": ""},
            "municipality_kind",
            "kennen wir noch nicht",
        ),
        ({"state": ""}, "state", "Bitte wählen Sie das Bundesland Ihrer Kommune."),
        ({"locale": "fr"}, "locale", "Auswahl"),
    ],
)
def test_bad_input_is_explained_and_kept(app, client, overrides, field, message):
    as_event_team(app, client)
    date_id = make_date(app)
    response = submit(client, f"/staff/termine/{date_id}/anmeldungen/neu", manual_form(**overrides))
    page = text(response)
    assert response.status_code == 200
    assert message in page and f'id="{field}-error"' in page
    assert 'value="Digitalisierung"' in page  # what was typed is still there
    assert registrations(app) == []


def test_the_municipality_limit_applies_to_staff_too(app, client):
    as_event_team(app, client)
    date_id = make_date(app, limit=1)
    register_person(app, date_id, 1, municipality="Flensburg")
    with app.app_context():
        # register_person's municipality is in Hessen; move it to Schleswig-Holstein.
        from startsmart.municipalities.models import FederalState, Municipality

        found = db.session.execute(sa.select(Municipality)).scalar_one()
        found.state = FederalState.SH
        db.session.commit()
    response = submit(client, f"/staff/termine/{date_id}/anmeldungen/neu", manual_form())
    assert 'id="municipality-error"' in text(response)
    assert len(registrations(app)) == 1


def test_the_chosen_mail_language_is_kept_for_later_mails(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    submit(client, f"/staff/termine/{date_id}/anmeldungen/neu", manual_form(locale="en"))
    [invitation] = smtp.to("kim@flensburg.de")
    assert invitation["Content-Language"] == "en"
    assert registrations(app)[0].locale == "en"
