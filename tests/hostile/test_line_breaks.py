"""Line breaks (CR, LF, and every other kind) in texts that end up in a mail header or an
``.ics``: the mails as they arrive at the SMTP server, and the calendars, parsed with
icalendar, have no header, recipient, property or event nobody made."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from hostile.checks import check_calendar, check_mail, injection, name_injection
from hostile.pages import field_errors
from hostile.world import ADVISOR
from moments import working_day
from startsmart import clock
from startsmart.catalog.models import EventDate, Offering
from startsmart.clock import BERLIN, berlin_today
from startsmart.conferences.models import Conference
from startsmart.conferences.service import conference_date
from startsmart.extensions import db
from startsmart.form_fields import Form
from startsmart.invitations.imip import Mailbox, build_message
from startsmart.staff.models import Role, StaffUser
from support import DEFAULT_PASSWORD, links_in, login, make_staff, path_of, submit, text


def _problems(smtp, *calendars: bytes) -> list[str]:
    problems = [f"mail: {p}" for r in smtp.received for p in check_mail(r)]
    return problems + [f"ics: {p}" for data in calendars for p in check_calendar(data)]


def _link(message, contains: str) -> str:
    return path_of(next(u for u in links_in(message) if contains in u))


def _calendars(message) -> list:
    return [
        icalendar.Calendar.from_ical(part.get_content())
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def test_a_registration_full_of_line_breaks(app, world, smtp):
    visitor = app.test_client()
    page = f"/angebote/termine/{world.exchange_date_id}/anmeldung"
    typed = {
        "name": name_injection(0),
        "function": name_injection(1),
        "municipality": name_injection(2),
        "question": injection(3),
        "email": "kim@kiel.de",
        "state": "SH",
        "municipality_kind": "town",
        "privacy": "y",
    }
    assert submit(visitor, page, typed).status_code == 302
    confirm = _link(smtp.to("kim@kiel.de")[-1], "/bestaetigen")
    submit(visitor, confirm, {})
    invitation = smtp.to("kim@kiel.de")[-1]
    (calendar,) = _calendars(invitation)
    attendee = calendar.walk("VEVENT")[0]["ATTENDEE"]
    assert "Bcc: evil-mailbox" in attendee.params["CN"]  # the text is there, on one line
    manage = _link(invitation, "/anmeldung/")
    ics = visitor.get(manage.split("?")[0].rstrip("/") + "/kalender.ics")
    assert ics.status_code == 200
    assert not _problems(smtp, ics.data)
    # The name stays the display name of the one address (quoted), on one line.
    assert [a.addr_spec for a in invitation["To"].addresses] == ["kim@kiel.de"]


def test_a_consultation_full_of_line_breaks(app, world, smtp):
    visitor = app.test_client()
    start = working_day(14).isoformat()
    page = f"/initialberatung/buchen?start={start}"
    typed = {
        "starts_at": start,
        "channel": "phone",
        "name": name_injection(0),
        "email": "kim@kiel.de",
        "function": name_injection(1),
        "municipality": name_injection(2),
        "state": "SH",
        "municipality_kind": "town",
        "population_class": "5k_20k",
        "phone": "0431 12\r\nBcc: evil",
        "situation": injection(3),
        "goals": injection(4),
        "privacy": "y",
    }
    response = submit(visitor, page, typed)
    assert response.status_code == 200  # the phone number is refused: a number has no breaks
    assert "Telefonnummer" in text(response)
    typed["phone"] = "0431 123456"
    assert submit(visitor, page, typed).status_code == 302
    confirm = _link(smtp.to("kim@kiel.de")[-1], "/bestaetigen")
    submit(visitor, confirm, {})
    manage = _link(smtp.to("kim@kiel.de")[-1], "/beratung/")
    submit(visitor, manage.split("?")[0] + "/absagen", {"reason": injection(5)})
    to_advisor = smtp.to(ADVISOR)
    assert len(to_advisor) >= 2  # the invitation and the cancellation
    assert not _problems(smtp)


@pytest.fixture
def staff(app, client):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    login(client, "admin@kts.example")
    return client


def _newest(app, model):
    with app.app_context():
        return db.session.execute(sa.select(model).order_by(model.id.desc())).scalars().first()


def test_event_team_texts_full_of_line_breaks(app, staff, smtp):
    offering = {
        "format": "online_intro",
        "title": injection(0),
        "summary": injection(1),
        "description": injection(2),
        "new_topic": injection(3),
        "default_capacity": "20",
        "default_duration_minutes": "90",
        "per_municipality_limit": "2",
    }
    response = submit(staff, "/staff/angebote/neu", offering)
    assert response.status_code == 302, field_errors(text(response))
    offering_id = _newest(app, Offering).id
    day = (berlin_today(clock.now()) + timedelta(days=20)).isoformat()
    date = {
        "day": day,
        "starts": "10:00",
        "ends": "11:30",
        "online_url": "https://konferenz.example.org/raum\r\nATTENDEE:mailto:evil@evil.example",
        "venue": injection(4),
        "capacity": "20",
        "status": "published",
    }
    page = f"/staff/angebote/{offering_id}/termine/neu"
    refused = submit(staff, page, date)
    assert refused.status_code == 200 and "online_url" in field_errors(text(refused))
    date["online_url"] = "https://konferenz.example.org/raum-1"
    assert submit(staff, page, date).status_code == 302
    date_id = _newest(app, EventDate).id
    person = {
        "name": injection(5),
        "email": "kim@kiel.de",
        "function": injection(6),
        "municipality": injection(0),
        "state": "SH",
        "municipality_kind": "town",
        "locale": "de",
    }
    assert submit(staff, f"/staff/termine/{date_id}/anmeldungen/neu", person).status_code == 302
    message = {"subject": injection(1), "text": injection(2), "to_confirmed": "y"}
    assert submit(staff, f"/staff/termine/{date_id}/nachricht", message).status_code == 302
    place = f"/staff/termine/{date_id}/zeit-und-ort"
    moved = {"day": day, "starts": "12:00", "ends": "13:00", "venue": injection(3)}
    assert submit(staff, place, {**moved, "online_url": date["online_url"]}).status_code == 302
    feed = staff.get("/angebote/start-smart.ics").data
    one = staff.get(f"/angebote/termine/{date_id}.ics").data
    cancel = {"message": injection(4)}
    assert submit(staff, f"/staff/termine/{date_id}/absagen", cancel).status_code == 302
    kinds = [m["Subject"] for m in smtp.to("kim@kiel.de")]
    assert len(kinds) >= 4, kinds  # invitation, message, update, cancellation
    assert not _problems(smtp, feed, one)


def test_a_conference_full_of_line_breaks(app, staff, smtp):
    day = (berlin_today(clock.now()) + timedelta(days=30)).isoformat()
    conference = {
        "title": injection(0),
        "day": day,
        "starts": "09:00",
        "ends": "17:00",
        "city": injection(1),
        "venue": injection(2),
        "description": injection(3),
        "capacity": "80",
    }
    response = submit(staff, "/staff/regionalkonferenzen/neu", conference)
    assert response.status_code == 302, field_errors(text(response))
    with app.app_context():
        date_id = conference_date(_newest(app, Conference).id).id
    person = {
        "name": "Kim Kommune",
        "email": "kim@kiel.de",
        "municipality": "Kiel",
        "state": "SH",
        "municipality_kind": "town",
        "locale": "de",
    }
    assert submit(staff, f"/staff/termine/{date_id}/anmeldungen/neu", person).status_code == 302
    assert smtp.to("kim@kiel.de")
    feed = staff.get("/angebote/start-smart.ics").data
    assert not _problems(smtp, feed)


def test_consultation_texts_of_staff_full_of_line_breaks(app, staff, smtp):
    account = {
        "name": injection(0),
        "email": "neu@kts.example",
        "role": "advisor",
        "password": DEFAULT_PASSWORD,
    }
    assert submit(staff, "/staff/konten/neu", account).status_code == 302
    advisor = _newest(app, StaffUser)
    hours = {
        "weekly-weekday": str(working_day(14).astimezone(BERLIN).weekday()),
        "weekly-start": "09:00",
        "weekly-end": "12:00",
        "weekly-channels": "phone",
    }
    page = f"/staff/beratungszeiten/{advisor.id}"
    assert submit(staff, page, hours, action=f"{page}/wochenzeiten").status_code == 302
    start = working_day(14)
    booking = {
        "starts_at": start.isoformat(),
        "municipality": injection(1),
        "state": "SH",
        "municipality_kind": "town",
        "name": injection(2),
        "email": "kim@kiel.de",
        "phone": "0431 123456",
        "situation": injection(3),
    }
    new = f"/staff/beratungen/neu?kanal=phone&tag={start.astimezone(BERLIN).date()}"
    response = submit(staff, new, booking)
    assert response.status_code == 302, field_errors(text(response))
    detail = response.headers["Location"]
    assert submit(staff, f"{detail}/absagen", {"reason": injection(4)}).status_code == 302
    own = app.test_client()
    login(own, "neu@kts.example")
    submit(own, "/staff/beratungen/kalender-abo", {})
    feed_link = re.search(
        r"/kalender/beratungen/[\w-]+\.ics", text(own.get("/staff/beratungen/kalender-abo"))
    )
    feed = own.get(feed_link.group(0)).data
    assert len(smtp.to("neu@kts.example")) >= 2  # invitation and cancellation to the advisor
    assert not _problems(smtp, feed)


def test_the_checks_see_an_injection():
    """The checks above can fail: a header, a recipient, a second event, a property."""

    class Raw:
        rcpt_tos = ["kim@kiel.de", "evil@evil.example"]
        data = (
            b"From: a@b.de\r\nTo: kim@kiel.de\r\nBcc: evil@evil.example\r\nSubject: x\r\n"
            b"Content-Type: text/plain\r\n\r\nHallo\r\n"
        )

        @property
        def message(self):
            return email.message_from_bytes(self.data, policy=email.policy.default)

    assert len(check_mail(Raw())) == 2
    calendar = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Kim\r\n"
        b"ATTENDEE:mailto:evil@evil.example\r\nX-INJECTED:yes\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
        b"UID:2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert len(check_calendar(calendar, events=1)) == 3


@pytest.mark.parametrize(
    "name",
    [
        "Kim <x@evil.example>, other@evil.example, Bob Baumeister aus der Stadt mit langem Namen",
        "Mueller, Kim, Amt fuer Digitalisierung und Stadtentwicklung der Landeshauptstadt Kiel",
        "Kim Bcc: x@evil.example END:VEVENT BEGIN:VEVENT ATTENDEE:mailto:x@evil.example X-INJ",
        '.a) x@evil.example \\Kim], <x@evil.example>, :x@evil.example" b">Baaa und noch mehr',
        "Müller, Kim <x@evil.example>, Amt für Digitalisierung und Stadtentwicklung in Kiel",
    ],
)
def test_a_long_name_never_becomes_another_address(name):
    """CPython drops a display name's quotes when it folds a long header; the name must not
    turn into addresses of its own then."""
    raw = build_message(
        sender=Mailbox("startsmart@kts.example", "Start Smart"),
        recipient=Mailbox("kim@kiel.de", name),
        subject=name,
        text="Hallo",
        html="<p>Hallo</p>",
        message_id="<1@kts.example>",
        date=datetime(2026, 5, 4, 10, 0, tzinfo=UTC),
    )
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["kim@kiel.de"]
    assert "Kim" in parsed["To"].addresses[0].display_name


def test_a_short_name_keeps_its_comma():
    raw = build_message(
        sender=Mailbox("startsmart@kts.example", "Start Smart"),
        recipient=Mailbox("kim@kiel.de", "Müller, Kim"),
        subject="Hallo",
        text="Hallo",
        html="<p>Hallo</p>",
        message_id="<1@kts.example>",
        date=datetime(2026, 5, 4, 10, 0, tzinfo=UTC),
    )
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["To"].addresses[0].display_name == "Müller, Kim"


def test_every_form_with_a_one_line_field_keeps_it_one_line(app):
    """New forms too: each one with a one-line text field is built on ``form_fields.Form``."""

    def every_subclass(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every_subclass(sub)

    def one_line_fields(cls) -> list[str]:
        return [
            name
            for name in dir(cls)
            if isinstance(unbound := getattr(cls, name, None), UnboundField)
            and issubclass(unbound.field_class, StringField)
            and not issubclass(unbound.field_class, (TextAreaField, PasswordField))
        ]

    forms = [c for c in every_subclass(FlaskForm) if c.__module__.startswith("startsmart.")]
    assert len(forms) > 20
    outside = [c.__qualname__ for c in forms if one_line_fields(c) and not issubclass(c, Form)]
    assert outside == []
