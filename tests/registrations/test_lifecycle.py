"""A municipality registers, confirms from the mail, downloads the invitation and cancels —
with every mail read back from a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.clock import BERLIN
from startsmart.extensions import db
from startsmart.registrations.models import Registration, RegistrationStatus
from support import csrf_token, links_in, make_date, path_of, registration_form, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def calendar_of(message) -> icalendar.Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return icalendar.Calendar.from_ical(part.get_content())


def the_registration(app) -> Registration:
    with app.app_context():
        return db.session.execute(sa.select(Registration)).scalar_one()


def register(client, date_id, **overrides):
    page = f"/angebote/termine/{date_id}/anmeldung"
    return submit(client, page, registration_form(**overrides))


def test_register_confirm_download_and_cancel(app, client, smtp):
    date_id = make_date(app, capacity=5)
    response = register(client, date_id)
    assert response.status_code == 302
    received = text(client.get(response.headers["Location"]))
    assert "Bitte bestätigen Sie Ihre Anmeldung" in received
    assert the_registration(app).status is RegistrationStatus.PENDING

    [confirm_mail] = smtp.to("kim@flensburg.de")
    assert confirm_mail["Subject"].startswith("Bitte bestätigen Sie Ihre Anmeldung")
    assert not any(p.get_content_type() == "text/calendar" for p in confirm_mail.walk())
    confirm_url = next(u for u in links_in(confirm_mail) if u.endswith("/bestaetigen"))
    page = client.get(path_of(confirm_url))  # a mail scanner's GET changes nothing
    assert page.status_code == 200
    assert the_registration(app).status is RegistrationStatus.PENDING
    response = client.post(
        path_of(confirm_url), data={"csrf_token": csrf_token(client, path_of(confirm_url))}
    )
    assert response.status_code == 302
    assert "Ihre Anmeldung ist bestätigt" in text(client.get(response.headers["Location"]))
    assert the_registration(app).status is RegistrationStatus.CONFIRMED

    invitation = smtp.to("kim@flensburg.de")[1]
    assert invitation["Subject"].startswith("Einladung: ")
    request = calendar_of(invitation)
    event = request.walk("VEVENT")[0]
    assert request["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    uid = str(event["UID"])
    assert "https://konferenz.example.org/raum-1" in invitation.get_body(("plain",)).get_content()

    manage = path_of(next(u for u in links_in(invitation) if "/anmeldung/" in u))
    download = client.get(f"{manage}/kalender.ics")
    assert download.status_code == 200
    assert str(icalendar.Calendar.from_ical(download.data).walk("VEVENT")[0]["UID"]) == uid

    assert "Möchten Sie Ihre Anmeldung wirklich stornieren?" in text(
        client.get(f"{manage}/stornieren")
    )
    assert the_registration(app).status is RegistrationStatus.CONFIRMED  # GET changed nothing
    client.post(
        f"{manage}/stornieren", data={"csrf_token": csrf_token(client, f"{manage}/stornieren")}
    )
    assert the_registration(app).status is RegistrationStatus.CANCELLED
    cancel = smtp.to("kim@flensburg.de")[2]
    cancellation = calendar_of(cancel)
    event = cancellation.walk("VEVENT")[0]
    assert cancellation["METHOD"] == "CANCEL"
    assert (str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == (uid, 1, "CANCELLED")
    # a cancelled seat promises no access any more
    body = cancel.get_body(("plain",)).get_content()
    assert "Wo: online\r\n" in body and "Bestätigung" not in body

    again = client.post(
        f"{manage}/stornieren", data={"csrf_token": csrf_token(client, f"{manage}/stornieren")}
    )
    assert "nicht mehr aktiv" in text(client.get(again.headers["Location"]))
    assert len(smtp.to("kim@flensburg.de")) == 3  # cancelling twice sent nothing more


def test_resubmitting_the_form_keeps_one_registration(app, client, smtp):
    date_id = make_date(app)
    first = register(client, date_id)
    second = register(client, date_id, name="Kim  Kommune ")
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar() == 1
    assert len(smtp.to("kim@flensburg.de")) == 1  # no second confirmation mail


def test_unknown_or_forged_manage_link_is_gone(client):
    for token in ("nicht-echt", "x" * 43, "a" * 500):
        response = client.get(f"/anmeldung/{token}")
        assert response.status_code == 410
        assert "Dieser Link ist abgelaufen oder wurde bereits verwendet." in text(response)
    response = client.post(
        "/anmeldung/nicht-echt/stornieren", data={"csrf_token": csrf_token(client, "/staff/login")}
    )
    assert response.status_code == 410


def test_a_seat_is_never_held_past_the_start(app, client, smtp):
    """Hours to confirm, but the date starts sooner: the mail names the start."""
    hold = timedelta(hours=app.config["REGISTRATION_HOLD_HOURS"])
    date_id = make_date(app, starts_in=hold - timedelta(minutes=30), closes_before=None)
    assert register(client, date_id).status_code == 302
    registration = the_registration(app)
    with app.app_context():
        starts_at = db.session.get(EventDate, date_id).starts_at
    assert registration.hold_expires_at == starts_at
    [mail] = smtp.to("kim@flensburg.de")
    shown = f"{starts_at.astimezone(BERLIN):%d.%m.%Y, %H:%M}"
    assert f"frei bis {shown} Uhr" in mail.get_body(("plain",)).get_content()


def test_the_confirm_link_offers_no_button_once_there_is_nothing_to_confirm(app, client, smtp):
    date_id = make_date(app, capacity=5)
    register(client, date_id)
    [confirm_mail] = smtp.to("kim@flensburg.de")
    confirm = path_of(next(u for u in links_in(confirm_mail) if u.endswith("/bestaetigen")))
    assert "Ja, ich bestätige meine Anmeldung" in text(client.get(confirm))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    again = text(client.get(confirm))
    assert "Ihre Anmeldung ist bereits bestätigt." in again
    assert "Ja, ich bestätige" not in again
    manage = confirm.removesuffix("/bestaetigen")
    cancel = f"{manage}/stornieren"
    client.post(cancel, data={"csrf_token": csrf_token(client, cancel)})
    assert the_registration(app).status is RegistrationStatus.CANCELLED
    after = text(client.get(confirm))
    assert "Diese Anmeldung wurde storniert." in after
    assert "Ja, ich bestätige" not in after and '<form method="post"' not in after
