"""Umlaut domains get their mail (as punycode); umlauts before the @ are refused up front."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.municipalities.models import Person
from support import make_date, registration_form, submit, text


def test_umlaut_domain_receives_its_confirmation(app, client, smtp):
    date_id = make_date(app)
    response = submit(
        client, f"/angebote/termine/{date_id}/anmeldung", registration_form(email="Kim@Lübeck.de")
    )
    assert response.status_code == 302
    [received] = smtp.received
    assert received.rcpt_tos == ["kim@xn--lbeck-kva.de"]
    assert received.message["To"].addresses[0].domain == "xn--lbeck-kva.de"
    with app.app_context():
        stored = db.session.execute(sa.select(Person.email)).scalar_one()
        assert stored == "kim@lübeck.de"  # shown as typed, with the umlaut


def test_umlaut_before_the_at_is_refused_with_the_reason(app, client, smtp):
    date_id = make_date(app)
    response = submit(
        client, f"/angebote/termine/{date_id}/anmeldung", registration_form(email="jörg@kiel.de")
    )
    assert response.status_code == 200
    assert "gültige E-Mail-Adresse" in text(response)
    assert smtp.received == []
