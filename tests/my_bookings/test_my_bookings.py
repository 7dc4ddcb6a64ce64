"""Meine Buchungen: the link by mail (the same answer for every address), the list behind it,
its expiry and its rate limits, against the real database and SMTP server."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.consultations import booking
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import Person
from startsmart.registrations import staff_actions
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role, StaffUser
from startsmart.tokens import AccessToken
from support import (
    csrf_token,
    links_in,
    make_date,
    make_staff,
    path_of,
    registration_form,
    submit,
    text,
)

ASK = "/meine-buchungen"


def _title(app, date_id: int, title: str) -> None:
    with app.app_context():
        db.session.get(EventDate, date_id).offering.title = title
        db.session.commit()


def _registered(app, client, smtp, title: str, fmt: str = "online_intro", **form) -> None:
    """Register and confirm through the pages, as the person would."""
    date_id = make_date(app, capacity=5, starts_in=timedelta(days=10), fmt=fmt)
    _title(app, date_id, title)
    email = form.get("email", "kim@flensburg.de")
    before = len(smtp.to(email))
    submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form(**form))
    mail = smtp.to(email)[before]
    confirm = path_of(next(u for u in links_in(mail) if u.endswith("/bestaetigen")))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})


def _consultation(app, email: str) -> None:
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        booking.book(booking_request(working_day(7, 9), 1, email=email), clock.now(), by_staff=True)
        deliver_due()  # its invitation, so that the link's mail is the next one


def _ask(client, email: str):
    return submit(client, ASK, {"email": email})


def _link(smtp, email: str) -> str:
    mail = smtp.to(email)[-1]
    return path_of(next(u for u in links_in(mail) if "/meine-buchungen/" in u))


def test_known_address_gets_one_mail_listing_exactly_their_bookings(app, client, smtp):
    _registered(app, client, smtp, "Online-Einführung Kim")
    _registered(app, client, smtp, "Regionalkonferenz Nord", fmt="conference")
    _registered(app, client, smtp, "Termin von Alex", email="alex@kiel.de", name="Alex")
    _consultation(app, "kim@flensburg.de")
    before = len(smtp.to("kim@flensburg.de"))
    response = _ask(client, "Kim@Flensburg.de")
    assert response.status_code == 302 and response.headers["Location"].endswith("/gesendet")
    assert len(smtp.to("kim@flensburg.de")) == before + 1
    assert smtp.to("kim@flensburg.de")[-1]["Subject"] == "Ihr Link zu „Meine Buchungen“"
    link = _link(smtp, "kim@flensburg.de")
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    html = text(page)
    assert "Online-Einführung Kim" in html and "Regionalkonferenz Nord" in html
    assert "Initialberatung" in html and "Kleinstadt 1" in html
    assert "Termin von Alex" not in html and "alex@kiel.de" not in html
    # every entry links to its manage page and .ics; the data links work for this person
    manage = [path_of(u) for u in _hrefs(html) if "/anmeldung/" in u or "/beratung/" in u]
    pages = [u for u in manage if u.count("/") == 2]
    assert len(pages) == 3
    for path in pages:
        assert client.get(path).status_code == 200
    calendars = [u for u in manage if u.endswith("/kalender.ics")]
    assert len(calendars) == 3
    for path in calendars:
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "text/calendar"
        assert b"BEGIN:VEVENT" in answer.data
    export = next(u for u in manage if u.endswith("/meine-daten"))
    data = json.loads(client.get(export).data)
    assert data["person"]["email"] == "kim@flensburg.de"
    delete = next(u for u in manage if u.endswith("/daten-loeschen"))
    assert "Meine Daten löschen" in text(client.get(delete))
    # the link can be opened again
    assert client.get(link).status_code == 200


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, smtp):
    _registered(app, client, smtp, "Online-Einführung Kim")
    known = _ask(client, "kim@flensburg.de")
    unknown = _ask(client, "niemand@flensburg.de")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert text(client.get(known.headers["Location"])) == text(
        client.get(unknown.headers["Location"])
    )
    assert smtp.to("niemand@flensburg.de") == []


def test_bot_filling_the_honeypot_gets_the_same_answer_and_no_mail(app, client, smtp):
    _registered(app, client, smtp, "Online-Einführung Kim")
    before = len(smtp.received)
    response = submit(client, ASK, {"email": "kim@flensburg.de", "website": "http://spam"})
    assert response.headers["Location"].endswith("/meine-buchungen/gesendet")
    assert len(smtp.received) == before


def test_the_link_expires(app, client, smtp, travel, monkeypatch):
    _registered(app, client, smtp, "Online-Einführung Kim")
    _ask(client, "kim@flensburg.de")
    link = _link(smtp, "kim@flensburg.de")
    travel.shift(timedelta(hours=23, minutes=50))
    assert client.get(link).status_code == 200
    travel.shift(timedelta(minutes=20))
    assert client.get(link).status_code == 410
    monkeypatch.setitem(app.config, "MY_BOOKINGS_LINK_HOURS", 2)
    _ask(client, "kim@flensburg.de")
    second = _link(smtp, "kim@flensburg.de")
    assert "2 Stunden" in text(client.get(f"{ASK}/gesendet"))
    travel.shift(timedelta(hours=1, minutes=50))
    assert client.get(second).status_code == 200
    travel.shift(timedelta(minutes=20))
    assert client.get(second).status_code == 410
    assert client.get(f"{ASK}/erfunden").status_code == 410


def test_requests_are_limited_per_client(app, client, smtp):
    page = csrf_token(client, ASK)
    codes = [
        client.post(ASK, data={"csrf_token": page, "email": f"p{n}@flensburg.de"}).status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]


def test_mails_are_limited_per_recipient_known_or_not(app, client, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MY_BOOKINGS_RATE_LIMIT", "1000 per minute")
    monkeypatch.setitem(app.config, "FORM_MAILS_PER_ADDRESS", "3 per hour")
    _registered(app, client, smtp, "Online-Einführung Kim")
    # the registration's confirm request counted one; two more links fit into the hour
    before = len(smtp.to("kim@flensburg.de"))
    answers = [_ask(client, "kim@flensburg.de") for _ in range(4)]
    assert {a.headers["Location"] for a in answers} == {"/meine-buchungen/gesendet"}
    assert len(smtp.to("kim@flensburg.de")) - before == 2
    with app.app_context():
        kinds = db.session.execute(
            sa.select(OutboxMessage.kind).where(OutboxMessage.kind == "my_bookings_link")
        ).scalars()
        assert len(list(kinds)) == 2


def test_deleting_my_data_ends_the_link(app, client, smtp):
    _registered(app, client, smtp, "Online-Einführung Kim")
    _ask(client, "kim@flensburg.de")
    link = _link(smtp, "kim@flensburg.de")
    delete = next(u for u in _hrefs(text(client.get(link))) if u.endswith("/daten-loeschen"))
    response = client.post(
        path_of(delete), data={"csrf_token": csrf_token(client, path_of(delete))}
    )
    assert response.status_code == 302
    assert client.get(link).status_code == 410
    with app.app_context():
        purposes = db.session.execute(sa.select(AccessToken.purpose)).scalars().all()
        assert "my_bookings" not in purposes


def test_the_pages_speak_english(app, client, smtp):
    _registered(app, client, smtp, "Online-Einführung Kim")
    client.get("/sprache/en?next=/")
    assert "Request link" in text(client.get(ASK))
    _ask(client, "kim@flensburg.de")
    mail = smtp.to("kim@flensburg.de")[-1]
    assert "My bookings" in mail["Subject"]
    html = text(client.get(_link(smtp, "kim@flensburg.de")))
    assert "Upcoming" in html and "Download my data (JSON)" in html


def test_staff_correcting_the_address_ends_the_link_to_the_old_one(app, client, smtp):
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    _registered(app, client, smtp, "Online-Einführung Kim", email="kim@flensbrug.de")
    _ask(client, "kim@flensbrug.de")
    link = _link(smtp, "kim@flensbrug.de")
    assert client.get(link).status_code == 200
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        staff = db.session.execute(sa.select(StaffUser)).scalars().first()
        staff_actions.change_email(registration.id, "kim@flensburg.de", False, staff, clock.now())
        assert db.session.execute(sa.select(Person.email)).scalar_one() == "kim@flensburg.de"
    assert client.get(link).status_code == 410
