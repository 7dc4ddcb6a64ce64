"""The public registration form: errors keep what was typed, bots and floods get nowhere,
and a mail-server outage loses nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart import clock
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.registrations.models import Registration, RegistrationStatus
from support import csrf_token, make_date, registration_form, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def count_registrations(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count(Registration.id))).scalar()


def test_errors_are_explained_next_to_the_fields_and_input_is_kept(app, client, smtp):
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    response = submit(
        client,
        page,
        registration_form(
            email="kein-at-zeichen",
            privacy="",
            name="Kim <b>Kommune</b>",
            municipality="Neuort",
            state="",
            municipality_kind="",
        ),
    )
    html = text(response)
    assert response.status_code == 200
    assert "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben." in html
    assert 'value="Kim &lt;b&gt;Kommune&lt;/b&gt;"' in html  # kept, and escaped
    assert 'value="kein-at-zeichen"' in html
    assert count_registrations(app) == 0
    response = submit(client, page, registration_form(email="kein-at-zeichen"))
    assert "gültige E-Mail-Adresse" in text(response)
    response = submit(
        client, page, registration_form(municipality="Neuort", state="BY", municipality_kind="")
    )
    assert "Diese Kommune kennen wir noch nicht" in text(response)
    assert 'value="Neuort"' in text(response)
    assert count_registrations(app) == 0


def test_a_value_no_list_offers_is_refused_next_to_its_field_and_the_rest_is_kept(
    app, client, smtp
):
    """A hand-made request with a Land or a kind of municipality that no list offers: the
    field says so, what was typed stays, nothing is stored; the offered values still pass."""
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    for field, forged in (("state", "XX"), ("municipality_kind", "metropolis")):
        response = submit(client, page, registration_form(name="Kim Kommune", **{field: forged}))
        html = text(response)
        assert response.status_code == 200
        assert "Bitte wählen Sie einen Eintrag aus der Liste." in html, field
        assert 'value="Kim Kommune"' in html
        assert count_registrations(app) == 0
    response = submit(client, page, registration_form(state="SN", municipality_kind="town"))
    assert response.status_code == 302 and count_registrations(app) == 1


def test_honeypot_stores_nothing_and_reveals_nothing(app, client, smtp):
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    response = submit(client, page, registration_form(website="https://spam.example"))
    assert response.status_code == 302
    assert "Ihre Angaben sind eingegangen." in text(client.get(response.headers["Location"]))
    assert count_registrations(app) == 0
    assert smtp.received == []


def test_registration_form_is_rate_limited(app, client, smtp):
    date_id = make_date(app, capacity=100, limit=100)
    page = f"/angebote/termine/{date_id}/anmeldung"
    token = csrf_token(client, page)
    codes = [
        client.post(
            page, data={"csrf_token": token, **registration_form(email=f"p{n}@flensburg.de")}
        ).status_code
        for n in range(10)
    ]
    refused = client.post(
        page, data={"csrf_token": token, **registration_form(email="p10@flensburg.de")}
    )
    assert codes == [302] * 10 and refused.status_code == 429
    assert "Zu viele Versuche" in text(refused)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60  # the window is a minute
    assert count_registrations(app) == 10


def test_mail_server_down_registration_is_kept_and_mail_follows(app, client, smtp):
    date_id = make_date(app)
    smtp.stop()
    response = submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form())
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Bitte bestätigen Sie Ihre Anmeldung bis dahin über den Link in der E-Mail" in page
    assert "kann einige Minuten brauchen" in page
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.status is RegistrationStatus.PENDING
        message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
        assert message.status is OutboxStatus.QUEUED and message.attempts == 1
    smtp.start()
    with app.app_context():
        deliver_at(clock.now() + timedelta(minutes=2))
    [mail] = smtp.to("kim@flensburg.de")
    assert mail["Subject"].startswith("Bitte bestätigen Sie Ihre Anmeldung")


def test_refused_mail_is_visible_to_staff_and_the_registration_stays(app, client, smtp):
    date_id = make_date(app)
    smtp.handler.refuse["kim@"] = "550 5.1.1 Mailbox unknown"
    submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form())
    with app.app_context():
        message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
        assert message.status is OutboxStatus.FAILED
        assert message.last_error == "550 5.1.1 Mailbox unknown"
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.status is RegistrationStatus.PENDING
