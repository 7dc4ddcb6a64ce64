"""What a refused or hostile request must leave behind: mails and calendars without anything
injected, an unchanged database, the same amount of database work for look-alike answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import icalendar
import sqlalchemy as sa
from flask import Flask

from startsmart.extensions import db


def mail_texts(smtp) -> list[str]:
    """The plain and HTML bodies of every mail received, decoded."""
    texts = []
    for received in smtp.received:
        for part in received.message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                texts.append(part.get_content())
    return texts


# -- mails and calendars that must stay whole -------------------------------------------------

# Every line break Python, mail and calendar readers know, each starting something of its own.
BREAKS = ["\r\n", "\n", "\r", "\u2028", "\x85", "\x0b", "\x0c"]
# Under 120 characters, the shortest limit of a field that reaches a calendar (a city).
INJECTION = (
    "Kim{0}Bcc: x@evil.example{0}{0}END:VEVENT{0}BEGIN:VEVENT"
    "{0}ATTENDEE:mailto:x@evil.example{0}X-INJECTED:y"
)


def injection(number: int = 0) -> str:
    """A text that would add a header, a calendar property and an event if a line break in it
    ever reached a mail header or a calendar line; ``number`` picks the kind of line break."""
    return INJECTION.format(BREAKS[number % len(BREAKS)])


def name_injection(number: int = 0) -> str:
    """``injection`` without its e-mail address, for a name, function or municipality: those
    refuse any address anyway (``form_fields.NoLinks``), and the line breaks must still hold."""
    return injection(number).replace("x@evil.example", "evil-mailbox")


MAIL_HEADERS = {
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "auto-submitted",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-language",
}


def check_mail(received) -> list[str]:
    """What is wrong with one received mail: a header or recipient nobody wrote, a calendar
    part that is not exactly one invitation with its known people."""
    problems = []
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    names = [line.split(":", 1)[0].lower() for line in head.split("\r\n") if line[:1] not in " \t"]
    if unknown := set(names) - MAIL_HEADERS:
        problems.append(f"headers {sorted(unknown)}")
    if any("evil" in address for address in received.rcpt_tos):
        problems.append(f"recipients {received.rcpt_tos}")
    message = received.message
    for name in ("To", "From", "Subject"):
        value = str(message[name] or "")
        if any(ch in value for ch in "\r\n\u2028\x85\x0b\x0c"):
            problems.append(f"a line break in {name}")
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            problems += check_calendar(part.get_payload(decode=True), events=1)
    return problems


CALENDAR_COMPONENTS = {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT"}


def check_calendar(data: bytes, events: int | None = None) -> list[str]:
    """What is wrong with an iCalendar object: more than one calendar, components or events
    nobody made, an injected property, an attendee from the injected text."""
    problems = []
    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    if len(calendars) != 1:
        return [f"{len(calendars)} calendars"]
    components = list(calendars[0].walk())
    if unknown := {c.name for c in components} - CALENDAR_COMPONENTS:
        problems.append(f"components {sorted(unknown)}")
    found = sum(c.name == "VEVENT" for c in components)
    if events is not None and found != events:
        problems.append(f"{found} events")
    for component in components:
        for name, value in component.property_items(recursive=False):
            if "INJECTED" in name.upper():
                problems.append(f"property {name}")
            if name in ("ATTENDEE", "ORGANIZER") and "evil" in str(value):
                problems.append(f"{name} {value}")
    return problems


# -- the database -------------------------------------------------------------------------------


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    with app.app_context():
        state = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                rows = connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                ).all()
                state[table.name] = [tuple(row) for row in rows]
        return state


@dataclass
class StatementCounter:
    """How many SQL statements ran: a deterministic stand-in for "as long as"."""

    count: int = 0

    def __call__(self, *args) -> None:
        self.count += 1


@contextmanager
def counting_statements(app: Flask) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
