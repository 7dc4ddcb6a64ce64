"""iMIP (RFC 6047): an e-mail that carries a calendar object, shaped so Outlook, Thunderbird,
Apple Mail and Gmail each show it as an invitation.

multipart/mixed
├── multipart/alternative
│   ├── text/plain                                  (all facts: Outlook shows the body)
│   ├── text/html
│   └── text/calendar; method=REQUEST; charset=UTF-8 (last, inline: the part clients act on)
└── application/ics; name="einladung.ics"           (attachment, for clients that want a file)

This is the structure Google Calendar sends. The attachment is application/ics rather than a
second text/calendar so that no client sees two invitations. Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from startsmart.invitations.addresses import ascii_domain

# Names come from forms; a control character must never reach a header. The email package
# would refuse CR/LF anyway, but refusing would lose the message, so they become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# RFC 5322 specials that give an unquoted display name a structure of its own ("." does not).
_ADDRESS_SPECIALS = re.compile(r'[()<>\[\]:;@\\,"]+')
FOLD_AT = 78  # the line length at which the SMTP policy folds a header


@dataclass(frozen=True)
class Mailbox:
    """An address with a display name, for From, To and Reply-To."""

    email: str
    name: str = ""

    def header(self) -> Address:
        username, _, domain = self.email.rpartition("@")
        if not username or _CONTROL.search(self.email) or " " in self.email:
            raise ValueError("not a usable e-mail address for a header")
        domain = ascii_domain(domain)  # an umlaut domain travels as punycode
        name = one_line(self.name, MAX_NAME)
        address = Address(display_name=name, username=username, domain=domain)
        if len(f"Reply-To: {address}") > FOLD_AT:
            # CPython drops the quotes around a display name when it folds the header, so
            # "Kim <x@y.example>, …" in a long name would read as more addresses. A name that
            # fits on the line keeps its commas; a longer one loses the characters that need
            # quotes, and a leading dot (the body still has the name as typed).
            name = " ".join(_ADDRESS_SPECIALS.sub(" ", name).split()).lstrip(". ")
            address = Address(display_name=name, username=username, domain=domain)
        return address


@dataclass(frozen=True)
class CalendarPart:
    """The iCalendar bytes (from ical.build_calendar) and the method written inside them."""

    data: bytes
    method: str  # REQUEST, CANCEL or PUBLISH: must equal the METHOD property in ``data``
    filename: str = "einladung.ics"


# An unbroken word cannot be folded, and SMTP refuses lines over 998 octets: long names and
# subjects are shortened (the body still carries every fact in full).
MAX_NAME = 120
MAX_SUBJECT = 200


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` without control characters or line breaks, whitespace collapsed, at most
    ``limit`` characters (an ellipsis marks a cut)."""
    line = " ".join(_CONTROL.sub(" ", text).split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def build_message(
    *,
    sender: Mailbox,
    recipient: Mailbox,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: datetime,
    reply_to: Mailbox | None = None,
    calendar: CalendarPart | None = None,
    language: str = "de",
) -> bytes:
    """The complete message as bytes, ready for SMTP (CRLF line ends)."""
    method = f"METHOD:{calendar.method}".encode() if calendar else None
    if calendar and method not in calendar.data.replace(b"\r\n ", b"").split(b"\r\n"):
        raise ValueError("the calendar's METHOD differs from the MIME method parameter")

    message = EmailMessage(policy=SMTP)
    message["From"] = sender.header()
    message["To"] = recipient.header()
    if reply_to is not None:
        message["Reply-To"] = reply_to.header()
    message["Subject"] = one_line(subject, MAX_SUBJECT)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a robot
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if calendar is not None:
        # base64 keeps the CRLF line ends and the 75-octet folding exactly as built.
        message.add_alternative(
            calendar.data.decode("utf-8"),
            subtype="calendar",
            charset="utf-8",
            cte="base64",
            params={"method": calendar.method},
        )
        # Turns the message into multipart/mixed with the alternative part first.
        message.add_attachment(
            calendar.data,
            maintype="application",
            subtype="ics",
            filename=calendar.filename,
            params={"name": calendar.filename},
        )
    # Added last: make_mixed() moves Content-* headers into the first sub-part.
    message["Content-Language"] = language
    return message.as_bytes()
