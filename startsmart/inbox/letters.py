"""What a message in the KTS mailbox is: a calendar answer (iTIP REPLY, RFC 5546), a delivery
status notification (RFC 3464), an auto-reply (RFC 3834 and the usual vendor headers), or
something for a person. Pure: the standard library and icalendar, given the raw bytes.

Nothing here guesses: a message is a reply only with a text/calendar part whose METHOD is
REPLY, a bounce only as a multipart/report of report-type delivery-status; anything else is
``ForPeople`` and stays in the mailbox for the team.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message

from icalendar import Calendar

# PARTSTAT values of a REPLY the app acts on (RFC 5545 3.2.12); DELEGATED and the rest are
# left for the team.
ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")
# Subjects of out-of-office notes from servers that set no header (Outlook, Exchange, GMX …).
_OUT_OF_OFFICE = re.compile(
    r"^\s*(automatic reply|auto(matische)?[ -]?(antwort|reply)|out of (the )?office|"
    r"abwesenheit(snotiz)?|autoreply|automatische antwort)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"^\s*(?:rfc822\s*;\s*)?<?([^<>\s;]+@[^<>\s;]+?)>?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CalendarReply:
    """An attendee's answer to an invitation: which event (UID), who, what, when."""

    message_id: str
    uid: str
    attendee: str  # the mailto: address, without the scheme, as written
    answer: str  # one of ANSWERS
    stamp: datetime | None  # the REPLY's DTSTAMP (UTC), to keep the newest answer
    sequence: int


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification: mail to these addresses failed for good."""

    message_id: str
    recipients: tuple[str, ...]
    reason: str  # Status and Diagnostic-Code of the first failed recipient


@dataclass(frozen=True)
class AutoReply:
    message_id: str


@dataclass(frozen=True)
class ForPeople:
    """Anything the reader does not act on: a person's mail, a reply it cannot read."""

    message_id: str
    why: str


@dataclass(frozen=True)
class Broken:
    """A message that cannot be read at all (skipped with a log line)."""

    why: str


Letter = CalendarReply | Bounce | AutoReply | ForPeople | Broken


def read(raw: bytes) -> Letter:
    """What ``raw`` (one message as fetched) is. Never raises: what cannot be parsed is
    ``Broken``."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # the parser is lenient, but a reader must never stop
        return Broken(f"unparseable: {error!r}")
    message_id = _header(message, "Message-ID")
    if not message_id:
        return Broken("no Message-ID")
    try:
        return _classify(message, message_id)
    except Exception as error:
        return Broken(f"{message_id}: {error!r}")


def _classify(message: Message, message_id: str) -> Letter:
    # Bounces first: mail servers mark them Auto-Submitted too.
    if message.get_content_type() == "multipart/report":
        if str(message.get_param("report-type") or "").lower() == "delivery-status":
            return _bounce(message, message_id)
    if is_auto_reply(message):
        return AutoReply(message_id)
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return _calendar_reply(part, message_id)
    return ForPeople(message_id, "neither a calendar reply nor a delivery report")


def is_auto_reply(message: Message) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted.startswith("auto-replied"):
        return True
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return True
    if _header(message, "Precedence").lower() == "auto_reply":
        return True
    return bool(_OUT_OF_OFFICE.match(_header(message, "Subject")))


def _calendar_reply(part: Message, message_id: str) -> Letter:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes) or not data.strip():
        return Broken(f"{message_id}: empty text/calendar part")
    calendar = Calendar.from_ical(data)
    method = str(calendar.get("METHOD", "")).upper()
    if method != "REPLY":
        return ForPeople(message_id, f"text/calendar with METHOD {method or 'none'}")
    events = [c for c in calendar.walk("VEVENT")]
    if len(events) != 1:
        return ForPeople(message_id, f"REPLY with {len(events)} events")
    event = events[0]
    uid = str(event.get("UID", "")).strip()
    attendees = event.get("ATTENDEE")
    if not isinstance(attendees, list):
        attendees = [attendees] if attendees is not None else []
    if not uid or len(attendees) != 1:
        # iTIP: a REPLY names exactly the one attendee who answers.
        return ForPeople(message_id, f"REPLY with {len(attendees)} attendees or no UID")
    attendee = attendees[0]
    address = str(attendee)
    if not address.lower().startswith("mailto:"):
        return ForPeople(message_id, "ATTENDEE without mailto:")
    answer = str(attendee.params.get("PARTSTAT", "")).upper()
    if answer not in ANSWERS:
        return ForPeople(message_id, f"PARTSTAT {answer or 'missing'}")
    stamp = event.get("DTSTAMP")
    moment = stamp.dt if stamp is not None else None
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    else:
        moment = None
    sequence = int(event.get("SEQUENCE", 0))
    return CalendarReply(message_id, uid, address[len("mailto:") :], answer, moment, sequence)


def _bounce(message: Message, message_id: str) -> Letter:
    status_part = next(
        (p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        return Broken(f"{message_id}: delivery report without message/delivery-status")
    blocks = status_part.get_payload()
    if not isinstance(blocks, list) or len(blocks) < 2:
        return Broken(f"{message_id}: delivery report without a recipient block")
    failed: list[str] = []
    reason = ""
    # The first block is about the message, each further one about one recipient.
    for block in blocks[1:]:
        if not isinstance(block, Message):
            continue
        if _header(block, "Action").lower() != "failed":
            continue  # delayed, delivered, relayed, expanded: nothing failed for good
        recipient = _address(_header(block, "Original-Recipient")) or _address(
            _header(block, "Final-Recipient")
        )
        if recipient is None:
            continue
        failed.append(recipient)
        if not reason:
            reason = " ".join(
                v for v in (_header(block, "Status"), _header(block, "Diagnostic-Code")) if v
            )
    if not failed:
        return ForPeople(message_id, "delivery report without a failed recipient")
    return Bounce(message_id, tuple(failed), reason[:300])


def _address(field: str) -> str | None:
    """The address of a DSN recipient field (``rfc822; kim@town.de``); other address types
    (``x400; …``) are not mail addresses."""
    if not field:
        return None
    if ";" in field and not field.lower().lstrip().startswith("rfc822"):
        return None
    match = _ADDRESS.match(field)
    return match.group(1) if match else None


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    return " ".join(str(value).split())
