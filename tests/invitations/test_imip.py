"""Invitation mails as the SMTP server receives them: structure, headers, language, injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from outbox_support import deliver_at
from startsmart.extensions import db
from startsmart.invitations.compose import Invitation, Recipient
from startsmart.invitations.ical import Attendee, CalendarEvent, Method, Person
from startsmart.invitations.outbox import queue_mail

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KTS = Person("startsmart@kts.example", "Start Smart (KTS)")


def event(attendee: Recipient, cancelled: bool = False) -> CalendarEvent:
    return CalendarEvent(
        uid="registration-42@startsmart.test",
        sequence=1 if cancelled else 0,
        starts_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 7, 10, 30, tzinfo=UTC),
        summary="Online-Einführung: Grundlagen der Smart City",
        description="Link: https://konferenz.example.org/x",
        organizer=KTS,
        attendees=(Attendee(attendee.email, attendee.name),),
        cancelled=cancelled,
    )


def send(app, to: Recipient, method: Method = Method.REQUEST, subject: str = "Einladung"):
    with app.app_context():
        queue_mail(
            to=to,
            template="staff_message",
            now=NOW,
            context={"subject": subject, "text": "Alle Angaben stehen hier im Text."},
            invitation=Invitation(method, event(to, cancelled=method is Method.CANCEL)),
        )
        db.session.commit()
        assert deliver_at(NOW).sent == 1


def structure(part, depth: int = 0) -> list[str]:
    lines = [f"{'  ' * depth}{part.get_content_type()}"]
    for child in part.iter_parts() if part.is_multipart() else []:
        lines += structure(child, depth + 1)
    return lines


@pytest.mark.parametrize("method", [Method.REQUEST, Method.CANCEL])
def test_invitation_is_shaped_for_outlook_gmail_apple_and_thunderbird(app, smtp, method):
    to = Recipient("kim@beispielstadt.de", "Kim Kommune")
    send(app, to, method)
    [received] = smtp.received
    assert received.rcpt_tos == ["kim@beispielstadt.de"]
    message = received.message
    assert structure(message) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    text/html",
        "    text/calendar",
        "  application/ics",
    ]
    alternative = next(message.iter_parts())
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == method.value
    assert calendar_part.get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == method.value
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["ORGANIZER"]) == "mailto:startsmart@kts.example"
    assert str(vevent["ATTENDEE"]) == "mailto:kim@beispielstadt.de"
    attachment = list(message.iter_parts())[1]
    assert attachment.get_filename() == "einladung.ics"
    assert attachment.get_content() == calendar_part.get_content().encode()
    assert message["From"].addresses[0].addr_spec == "startsmart@kts.example"
    assert message["To"].addresses[0].display_name == "Kim Kommune"
    assert message["Content-Language"] == "de"
    plain = message.get_body(("plain",)).get_content()
    assert "Alle Angaben stehen hier im Text." in plain and "Guten Tag Kim Kommune," in plain


def test_reply_to_is_configurable(app, smtp):
    app.config["MAIL_REPLY_TO"] = "Start-Smart-Team <team@kts.example>"
    try:
        send(app, Recipient("kim@beispielstadt.de", "Kim"))
    finally:
        app.config["MAIL_REPLY_TO"] = None
    assert smtp.received[0].message["Reply-To"].addresses[0].addr_spec == "team@kts.example"


def test_english_recipient_gets_english_text_and_file_name(app, smtp):
    send(app, Recipient("kim@example.org", "Kim", locale="en"))
    message = smtp.received[0].message
    assert "Dear Kim," in message.get_body(("plain",)).get_content()
    assert message["Content-Language"] == "en"
    assert list(message.iter_parts())[1].get_filename() == "invite.ics"


@pytest.mark.parametrize(
    "hostile",
    [
        "Kim\r\nBcc: opfer@evil.example",
        "Kim\nX-Injected: yes",
        '"Kim" <evil@evil.example>, Mallory',
        "K" * 2000,
        "Ümläut;,\\ Kommune\r\n\r\n--boundary",
    ],
)
def test_names_and_subjects_never_add_a_header_or_recipient(app, smtp, hostile):
    send(app, Recipient("kim@beispielstadt.de", hostile), subject=f"Einladung {hostile}")
    [received] = smtp.received
    assert received.rcpt_tos == ["kim@beispielstadt.de"]
    message = received.message
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["kim@beispielstadt.de"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    header_block = received.data.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 998 for line in header_block.split(b"\r\n"))


def test_dst_days_carry_the_right_offsets_in_the_received_calendar(app, smtp):
    to = Recipient("kim@beispielstadt.de", "Kim")
    for day, utc_hour in (
        (datetime(2026, 3, 29, tzinfo=UTC), 8),
        (datetime(2026, 10, 25, tzinfo=UTC), 9),
    ):
        starts = day + timedelta(hours=utc_hour)  # 10:00 in Berlin on both days
        with app.app_context():
            queue_mail(
                to=to,
                template="staff_message",
                now=NOW,
                context={"subject": "S", "text": "T"},
                invitation=Invitation(
                    Method.REQUEST,
                    CalendarEvent(
                        uid=f"dst-{day:%m%d}@startsmart.test",
                        sequence=0,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=1),
                        summary="DST",
                        organizer=KTS,
                        attendees=(Attendee(to.email, to.name),),
                    ),
                ),
            )
            db.session.commit()
            deliver_at(NOW)
    for received in smtp.received:
        part = list(next(received.message.iter_parts()).iter_parts())[2]
        vevent = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        start = vevent.decoded("DTSTART")
        assert (start.hour, start.minute) == (10, 0)
        assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Berlin"
