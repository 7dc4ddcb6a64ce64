"""From the manage link: my data as JSON, delete everything, revoke a consent."""

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Consent, Registration, RegistrationStatus
from support import csrf_token, links_in, make_date, path_of, registration_form, submit, text


def registered(app, client, smtp, **form) -> str:
    """Register and confirm through the pages; return the manage path from the invitation."""
    date_id = make_date(app, capacity=5, starts_in=timedelta(days=10))
    submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form(news="y", **form))
    confirm = path_of(
        next(u for u in links_in(smtp.to("kim@flensburg.de")[0]) if u.endswith("/bestaetigen"))
    )
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    invitation = smtp.to("kim@flensburg.de")[1]
    return path_of(next(u for u in links_in(invitation) if "/anmeldung/" in u))


def test_download_everything_held_about_me(app, client, smtp):
    manage = registered(app, client, smtp)
    response = client.get(f"{manage}/meine-daten")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["person"]["email"] == "kim@flensburg.de"
    assert data["registrations"][0]["status"] == "confirmed"
    assert data["consents"][0]["kind"] == "news"
    assert client.get("/anmeldung/falsch/meine-daten").status_code == 410


def test_delete_my_data_cancels_first_and_forgets_me(app, client, smtp):
    manage = registered(app, client, smtp)
    page = f"{manage}/daten-loeschen"
    assert "Meine Daten löschen" in text(client.get(page))
    response = client.post(page, data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert "Ihre Daten sind gelöscht" in text(client.get(response.headers["Location"]))
    cancel = smtp.to("kim@flensburg.de")[-1]
    part = next(p for p in cancel.walk() if p.get_content_type() == "text/calendar")
    assert icalendar.Calendar.from_ical(part.get_content())["METHOD"] == "CANCEL"
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.status is RegistrationStatus.CANCELLED
        assert registration.person_id is None and registration.anonymised_at is not None
        assert db.session.execute(sa.select(sa.func.count(Person.id))).scalar() == 0
        assert db.session.execute(sa.select(sa.func.count(Consent.id))).scalar() == 0
    assert client.get(manage).status_code == 410


def test_revoke_a_consent(app, client, smtp):
    manage = registered(app, client, smtp)
    page = text(client.get(manage))
    assert "Informationen über neue Start-Smart-Termine per E-Mail" in page
    with app.app_context():
        consent_id = db.session.execute(sa.select(Consent.id)).scalar_one()
    action = f"{manage}/einwilligung/{consent_id}/widerrufen"
    client.post(action, data={"csrf_token": csrf_token(client, f"{manage}/daten-loeschen")})
    with app.app_context():
        assert db.session.get(Consent, consent_id).revoked_at is not None
    assert "widerrufen am" in text(client.get(manage))
