"""Messages as they arrive in the KTS mailbox: calendar replies built from the invitation the
app really sent (as Outlook or Thunderbird answer it), bounces, auto-replies."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import format_datetime

import icalendar

from startsmart import clock

KTS = "startsmart@kts.example"


def message_id() -> str:
    return f"<{uuid.uuid4().hex}@mail.kommune.example>"


def invitation_in(messages) -> icalendar.Calendar:
    """The newest calendar REQUEST among ``messages`` (an SMTP sink's mails to someone)."""
    for message in reversed(messages):
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = icalendar.Calendar.from_ical(part.get_content())
                if str(calendar.get("METHOD")) == "REQUEST":
                    return calendar
    raise AssertionError("no invitation among the mails")


def reply(
    invitation: icalendar.Calendar,
    answer: str,
    address: str,
    *,
    attendee: str | None = None,
    uid: str | None = None,
    mid: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """What a calendar client mails back when ``address`` answers ``invitation``."""
    event = invitation.walk("VEVENT")[0]
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    answered = icalendar.Event()
    for key in ("SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER"):
        if key in event:
            answered[key] = event[key]
    answered.add("uid", uid or str(event["UID"]))
    answered.add("dtstamp", clock.now())
    who = icalendar.vCalAddress(f"mailto:{attendee or address}")
    who.params["PARTSTAT"] = answer
    answered.add("attendee", who)
    calendar.add_component(answered)
    message = EmailMessage()
    message["From"] = address
    message["To"] = KTS
    message["Subject"] = f"{answer.title()}: {event.get('SUMMARY')}"
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = mid or message_id()
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(f"{address} hat mit {answer} geantwortet.")
    message.add_alternative(
        calendar.to_ical().decode(), subtype="calendar", params={"method": "REPLY"}
    )
    return bytes(message)


def bounce(address: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A Postfix non-delivery report for ``address``."""
    boundary = uuid.uuid4().hex
    return (
        f"From: MAILER-DAEMON@mail.kommune.example (Mail Delivery System)\r\n"
        f"To: {KTS}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(clock.now())}\r\n"
        f"Message-ID: {message_id()}\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        f"\r\n--{boundary}\r\n"
        f"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n"
        f"\r\n--{boundary}\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mail.kommune.example\r\n"
        f"X-Postfix-Queue-ID: 4Q1\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\n"
        f"Original-Recipient: rfc822;{address}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{address}>: Recipient address rejected: "
        f"User unknown in local recipient table\r\n"
        f"\r\n--{boundary}\r\n"
        f"Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: {KTS}\r\nTo: {address}\r\nSubject: Erinnerung\r\n"
        f"\r\n--{boundary}--\r\n"
    ).encode()


def _mail(address: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = address
    message["To"] = KTS
    message["Subject"] = subject
    message["Message-ID"] = message_id()
    return message


def out_of_office(address: str) -> bytes:
    message = _mail(address, "Automatische Antwort: Einladung: Start Smart")
    message["Auto-Submitted"] = "auto-replied"
    message["X-Autoreply"] = "yes"
    message.set_content("Ich bin bis Montag nicht im Büro.")
    return bytes(message)


def broken_reply(address: str) -> bytes:
    """A text/calendar part that is no calendar at all."""
    message = _mail(address, "Abgelehnt")
    message.set_content("siehe Anhang")
    message.add_alternative(
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTAMP:kaputt\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:x\r\nEND:VCALENDAR\r\n",
        subtype="calendar",
        params={"method": "REPLY"},
    )
    return bytes(message)
