"""The Datenschutzerklärung states what the app does: its retention periods follow the settings
and the offerings the privacy purge acts on, and it holds every element the GDPR asks for."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.privacy.service import purge
from startsmart.registrations import service
from startsmart.registrations.models import ConsentKind, Registration
from support import make_date, shown


def page(client) -> str:
    return shown(client.get("/datenschutz"))


def stated_registration_days(client) -> int:
    found = re.search(
        r"Anmeldung anonymisieren wir (?:in der Regel )?(\d+) Tage? nach dem Termin", page(client)
    )
    assert found, "the page states no retention period for registrations"
    return int(found.group(1))


def test_the_retention_period_is_the_configured_one(app, client, monkeypatch):
    assert stated_registration_days(client) == 180
    assert "Tage nach dem Versand" in page(client) and "30 Tage nach dem Versand" in page(client)
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 90)
    monkeypatch.setitem(app.config, "OUTBOX_KEEP_DAYS", 14)
    assert stated_registration_days(client) == 90
    assert "90 Tage nach dem Gespräch oder der Konferenz" in page(client)
    assert "14 Tage nach dem Versand" in page(client)
    assert "180" not in page(client) and "nach dem Termin anonymisiert" not in page(client)
    assert "in der Regel" not in page(client)


def test_offerings_with_their_own_period_are_named(app, client):
    date_id = make_date(app)
    with app.app_context():
        offering = db.session.get_one(EventDate, date_id).offering
        offering.retention_days = 30
        offering.title = "Datensparsamer Austausch"
        db.session.commit()
    words = page(client)
    assert "in der Regel 180 Tage nach dem Termin, bei einzelnen Angeboten abweichend" in words
    assert "Datensparsamer Austausch: 30 Tage nach dem Termin" in words


def test_an_offering_with_the_default_period_is_no_exception(app, client):
    date_id = make_date(app)
    with app.app_context():
        db.session.get_one(EventDate, date_id).offering.retention_days = 180
        db.session.commit()
    assert "abweichend" not in page(client)


@pytest.mark.parametrize("days", [1, 45])
def test_the_purge_keeps_data_exactly_as_long_as_the_page_says(app, client, monkeypatch, days):
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", days)
    stated = stated_registration_days(client)
    assert stated == days
    date_id = make_date(app)
    applicant = service.Applicant(
        name="Kim Beispiel",
        email="kim@kommune.de",
        function="Bauamt",
        municipality=MunicipalityInput("Kiel", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY),
    )
    with app.app_context():
        outcome = service.register(date_id, applicant, clock.now(), by_staff=True)
        ends_at = db.session.get_one(EventDate, date_id).ends_at
        assert purge(ends_at + timedelta(days=stated, minutes=-1)).registrations == 0
        assert purge(ends_at + timedelta(days=stated)).registrations == 1
        assert db.session.get_one(Registration, outcome.registration_id).person_id is None


def test_purposes_legal_bases_and_recipients_are_stated(app, client, monkeypatch):
    words = page(client)
    assert "Art. 6 Abs. 1 lit. e DSGVO" in words and "Art. 6 Abs. 1 lit. a DSGVO" in words
    for purpose in ("Anmeldung zu Terminen", "Initialberatung", "Speed-Dating", "Zweck"):
        assert purpose in words
    for kind in (ConsentKind.NEWS, ConsentKind.CONTACT_EXCHANGE):
        assert str(kind.label) in words
    assert str(ConsentKind.PHOTOS.label) not in words  # no form asks for it
    assert "Videokonferenzdienst statt, dessen Link in Ihrer Einladung steht" in words
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "Mailhaus GmbH, Postweg 1, 10115 Berlin")
    monkeypatch.setitem(app.config, "VIDEO_PROVIDER", "Bundes-Video, Kameraweg 2, 53113 Bonn")
    words = page(client)
    assert "über den Mailserver von Mailhaus GmbH, Postweg 1, 10115 Berlin" in words
    assert "über Bundes-Video, Kameraweg 2, 53113 Bonn statt" in words


def test_rights_withdrawal_and_the_supervisory_authority(app, client, monkeypatch):
    html = client.get("/datenschutz").get_data(as_text=True)
    words = page(client)
    for article in ("Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 77"):
        assert article in words
    assert "Art. 7 Abs. 3 DSGVO" in words and "„Widerrufen“" in words
    assert 'href="/meine-buchungen"' in html
    assert "Bundesbeauftragte für den Datenschutz und die Informationsfreiheit" in words
    assert "Graurheindorfer Straße 153, 53117 Bonn" in words
    assert 'href="https://www.bfdi.bund.de"' in html
    monkeypatch.setitem(app.config, "SUPERVISORY_AUTHORITY_NAME", "Landesdatenschutz Kiel")
    monkeypatch.setitem(app.config, "SUPERVISORY_AUTHORITY_ADDRESS", "Holstenstraße 98, Kiel")
    monkeypatch.setitem(app.config, "SUPERVISORY_AUTHORITY_URL", "https://www.datenschutz.example")
    words = page(client)
    assert "Landesdatenschutz Kiel Holstenstraße 98, Kiel" in words
    assert "Graurheindorfer" not in words


def test_the_authority_is_marked_as_german_on_the_english_page(client):
    client.get("/sprache/en")
    html = client.get("/datenschutz").get_data(as_text=True)
    assert '<html lang="en">' in html
    # the authority's name and address are German proper names, marked as such
    assert '<address lang="de">' in html
