"""A date's note travels with the registration: in the mails and the calendar invitation in the
registrant's language (English where staff wrote it), and in the date's public calendar entry.
Every mail is read back from a real SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.registrations import mails
from startsmart.registrations.models import Registration
from support import csrf_token, links_in, make_date, path_of, registration_form, submit, text

CAMERA = "Bitte halten Sie eine Kamera bereit."
IN_ENGLISH = "This date is held in English."


def date_with_note(app, note_en: str = IN_ENGLISH) -> int:
    date_id = make_date(app)
    with app.app_context():
        event_date = db.session.get_one(EventDate, date_id)
        event_date.note, event_date.note_en = CAMERA, note_en
        db.session.commit()
    return date_id


def register_and_confirm(client, smtp, language: str, date_id: int):
    """The confirmation request and the invitation the person receives."""
    client.get(f"/sprache/{language}")
    response = submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form())
    assert response.status_code == 302, text(response)
    [request] = smtp.to("kim@flensburg.de")
    confirm = path_of(
        next(u for u in links_in(request) if urlsplit(u).path.endswith("/bestaetigen"))
    )
    response = client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    assert response.status_code == 302
    return request, smtp.to("kim@flensburg.de")[1]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def description_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    return str(event["DESCRIPTION"])


def test_an_english_registrant_gets_the_english_note(app, client, smtp):
    request, invitation = register_and_confirm(client, smtp, "en", date_with_note(app))
    assert f"Note: {IN_ENGLISH}" in body(request)
    assert f"Note: {IN_ENGLISH}" in body(invitation)
    assert f"Note: {IN_ENGLISH}" in description_of(invitation)
    assert CAMERA not in invitation.as_string()


def test_a_german_registrant_gets_the_german_note(app, client, smtp):
    request, invitation = register_and_confirm(client, smtp, "de", date_with_note(app))
    assert f"Hinweis: {CAMERA}" in body(request)
    assert f"Hinweis: {CAMERA}" in description_of(invitation)
    assert IN_ENGLISH not in invitation.as_string()


def test_an_english_registrant_gets_a_german_only_note_in_german(app, client, smtp):
    _request, invitation = register_and_confirm(client, smtp, "en", date_with_note(app, ""))
    assert f"Note: {CAMERA}" in description_of(invitation)


def test_the_public_calendar_entry_carries_the_note(app, client):
    date_id = date_with_note(app)
    entry = icalendar.Calendar.from_ical(client.get(f"/angebote/termine/{date_id}.ics").data)
    assert f"Hinweis: {CAMERA}" in str(entry.walk("VEVENT")[0]["DESCRIPTION"])


def test_a_mail_queued_before_dates_had_notes_still_renders(app, client, smtp):
    """Outbox rows queued by the previous release have no note in their snapshot."""
    request, _invitation = register_and_confirm(client, smtp, "de", date_with_note(app))
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        facts = mails.snapshot(registration)
        del facts["date"]["note"], facts["date"]["note_en"]
        old = mails.from_snapshot(facts)
        event = mails.calendar_event(old, "https://example.org/anmeldung/x")
    assert "Hinweis" not in event.description
