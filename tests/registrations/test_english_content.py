"""Content in the reader's language: a person who registers in English gets the offering's
English title and summary in mails and the calendar invitation, where staff wrote them, and
the German ones otherwise; the links of their mails open the pages in English whatever the
browser's language cookie says. Every mail is read back from a real SMTP server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.registrations import mails
from startsmart.registrations.models import Registration
from support import csrf_token, links_in, make_date, path_of, registration_form, submit, text


def english_texts(app, date_id: int, title: str = "Basics of the smart city") -> None:
    with app.app_context():
        offering = db.session.get_one(EventDate, date_id).offering
        offering.title_en = title
        offering.summary_en = "An overview."
        db.session.commit()


def register_in(client, language: str, date_id: int):
    client.get(f"/sprache/{language}")
    response = submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form())
    assert response.status_code == 302, text(response)


def confirm_link(mail) -> str:
    return next(u for u in links_in(mail) if urlsplit(u).path.endswith("/bestaetigen"))


def calendar_of(message) -> icalendar.Event:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]


def lang_of(page: str) -> str:
    return re.search(r'<html lang="(\w+)"', page)[1]


def test_an_english_registration_reads_english_and_its_links_open_in_english(app, client, smtp):
    date_id = make_date(app)
    english_texts(app, date_id)
    register_in(client, "en", date_id)
    [mail] = smtp.to("kim@flensburg.de")
    assert mail["Subject"] == "Please confirm your registration: Basics of the smart city"
    confirm = confirm_link(mail)
    assert parse_qs(urlsplit(confirm).query) == {"lang": ["en"]}
    html_body = mail.get_body(("html",)).get_content()
    assert "/bestaetigen?lang=en" in html_body

    client.get("/sprache/de")  # the browser remembers German: the link still opens in English
    page = text(client.get(path_of(confirm)))
    assert lang_of(page) == "en" and "Basics of the smart city" in page
    response = client.post(
        path_of(confirm), data={"csrf_token": csrf_token(client, path_of(confirm))}
    )
    assert response.status_code == 302

    invitation = smtp.to("kim@flensburg.de")[1]
    assert invitation["Subject"] == "Invitation: Basics of the smart city"
    event = calendar_of(invitation)
    assert str(event["SUMMARY"]) == "Start Smart: Basics of the smart city"
    description = str(event["DESCRIPTION"])
    assert description.startswith("An overview.")
    manage = re.search(r"https://\S+/anmeldung/\S+", description)[0]
    assert manage.endswith("?lang=en"), description
    assert "Grundlagen der Smart City" not in invitation.as_string()


def test_without_english_texts_an_english_reader_gets_the_german_ones(app, client, smtp):
    date_id = make_date(app)
    register_in(client, "en", date_id)
    [mail] = smtp.to("kim@flensburg.de")
    assert mail["Subject"] == "Please confirm your registration: Grundlagen der Smart City"
    page = text(client.get(path_of(confirm_link(mail))))
    assert '<span lang="de">Grundlagen der Smart City</span>' in page


def test_a_german_registration_stays_german_and_its_links_carry_no_language(app, client, smtp):
    date_id = make_date(app)
    english_texts(app, date_id)
    register_in(client, "de", date_id)
    [mail] = smtp.to("kim@flensburg.de")
    assert mail["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung: Grundlagen der Smart City"
    assert all("lang=" not in link for link in links_in(mail))
    assert "Basics of the smart city" not in mail.as_string()


def test_a_mail_queued_before_english_texts_existed_still_renders(app, client, smtp):
    """Outbox rows queued by the previous release have no English texts in their snapshot:
    the German ones stand in."""
    date_id = make_date(app)
    english_texts(app, date_id)
    register_in(client, "en", date_id)
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        facts = mails.snapshot(registration)
        for key in ("title_en", "summary_en"):
            del facts["date"]["offering"][key]
        old = mails.from_snapshot(facts)
        event = mails.calendar_event(old, "https://example.org/anmeldung/x")
    assert event.summary == "Start Smart: Grundlagen der Smart City"
