"""Build iCalendar messages (RFC 5545/5546): invitations, updates, cancellations and feeds.

A pure core: no Flask, no database. The caller passes plain values and ``now``; the result is the
bytes of one ``text/calendar`` object, CRLF line ends, folded at 75 octets.

Everything a user typed (names, titles, places, descriptions) is cleaned here, so that no
character can end a content line early and start a property or component of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from icalendar import Calendar, Conference, Event, vCalAddress, vDuration, vText

from startsmart.clock import BERLIN
from startsmart.invitations.addresses import mailto_uri
from startsmart.invitations.vtimezone import berlin_vtimezone

PRODID = "-//KTS Modellprojekte Smart Cities//Start Smart//DE"


class Method(StrEnum):
    """The iTIP method of a calendar object."""

    REQUEST = "REQUEST"  # invitation, and every update of it
    CANCEL = "CANCEL"  # cancellation
    PUBLISH = "PUBLISH"  # feeds and downloads: no replies expected


class Role(StrEnum):
    """The ROLE of an attendee (RFC 5545 §3.2.16)."""

    CHAIR = "CHAIR"
    REQ_PARTICIPANT = "REQ-PARTICIPANT"
    OPT_PARTICIPANT = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


@dataclass(frozen=True)
class Person:
    """Somebody with an e-mail address: the organizer, or the base of an attendee."""

    email: str
    name: str

    def __post_init__(self) -> None:
        _check_email(self.email)


@dataclass(frozen=True)
class Attendee(Person):
    """Somebody invited to the event; replies (RSVP) are asked for."""

    role: Role = Role.REQ_PARTICIPANT

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "role", Role(self.role))


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. ``uid`` stays the same for the life of the event; ``sequence`` rises with
    each change the attendees should see (new time, new place, cancellation)."""

    uid: str
    sequence: int
    starts_at: datetime  # timezone-aware; written in Europe/Berlin
    ends_at: datetime  # timezone-aware, after starts_at
    summary: str
    description: str = ""  # the caller includes the online link and the manage link
    location: str | None = None
    url: str | None = None  # http(s) only
    # RFC 7986 CONFERENCE (FEATURE=VIDEO): the link calendars show as a join button; https.
    conference_url: str | None = None
    conference_label: str = ""
    organizer: Person | None = None  # required for REQUEST and CANCEL
    attendees: tuple[Attendee, ...] = field(default=())
    cancelled: bool = False

    def __post_init__(self) -> None:
        if not self.uid or _has_control(self.uid):
            raise ValueError("uid must be non-empty and free of control characters")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise ValueError("sequence must be an int")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        _require_aware(self.starts_at, "starts_at")
        _require_aware(self.ends_at, "ends_at")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.url is not None:
            _check_url(self.url)
        if self.conference_url is not None:
            _check_url(self.conference_url)
        object.__setattr__(self, "attendees", tuple(self.attendees))


def build_calendar(
    method: Method,
    events: Sequence[CalendarEvent],
    now: datetime,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """The iCalendar object for ``events``, sent or published with ``method``.

    REQUEST and CANCEL carry exactly one event (iTIP: one UID per message) with an organizer
    and at least one attendee; a CANCEL's event must be ``cancelled``, a REQUEST's must not.
    PUBLISH carries any number of events and no attendees (RFC 5546 §3.2.1, and a feed must
    not list who else comes). ``now`` becomes every DTSTAMP; ``name`` the X-WR-CALNAME;
    ``refresh`` how often a subscribed calendar should fetch a feed again (RFC 7986
    REFRESH-INTERVAL, and X-PUBLISHED-TTL for Outlook).
    Raises ValueError for anything that breaks these rules.
    """
    method = Method(method)
    events = tuple(events)
    _require_aware(now, "now")
    _check_method_rules(method, events)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    if name is not None and _single_line(name):
        calendar.add("x-wr-calname", _Text(_single_line(name)))
    if refresh is not None:
        if refresh <= timedelta(0):
            raise ValueError("refresh must be positive")
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add_component(berlin_vtimezone())
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    ical: bytes = calendar.to_ical()
    return ical


def _check_method_rules(method: Method, events: tuple[CalendarEvent, ...]) -> None:
    if method is Method.PUBLISH:
        if any(event.attendees for event in events):
            raise ValueError("PUBLISH must not carry attendees")
        if len({event.uid for event in events}) != len(events):
            raise ValueError("each event in a feed needs its own uid")
        return
    if len(events) != 1:
        raise ValueError(f"{method} carries exactly one event, not {len(events)}")
    (event,) = events
    if event.organizer is None or not event.attendees:
        raise ValueError(f"{method} needs an organizer and at least one attendee")
    if method is Method.CANCEL and not event.cancelled:
        raise ValueError("CANCEL is only for a cancelled event")
    if method is Method.REQUEST and event.cancelled:
        raise ValueError("a cancelled event goes out as CANCEL, not REQUEST")


def _vevent(event: CalendarEvent, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", _Text(event.uid))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    # astimezone(BERLIN) makes icalendar write TZID=Europe/Berlin and the local wall time,
    # matching the VTIMEZONE of the same name.
    vevent.add("dtstart", _berlin(event.starts_at))
    vevent.add("dtend", _berlin(event.ends_at))
    vevent.add("summary", _Text(_text(event.summary)))
    location = _text(event.location or "")
    if location:
        vevent.add("location", _Text(location))
    description = _text(event.description)
    if description:
        vevent.add("description", _Text(description))
    if event.url:
        vevent.add("url", event.url)
    if event.conference_url:
        label = _parameter(event.conference_label) or None
        vevent.conferences = [Conference(event.conference_url, feature="VIDEO", label=label)]
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        vevent.add(
            "attendee",
            _address(
                attendee,
                ROLE=attendee.role.value,
                PARTSTAT="NEEDS-ACTION",
                RSVP="TRUE",
            ),
        )
    return vevent


def _address(person: Person, **params: str) -> vCalAddress:
    # The same mailbox the To or From header names (punycode domain), as a valid URI: clients
    # match ATTENDEE against the recipient and hide Accept/Decline when they differ.
    address = vCalAddress(mailto_uri(person.email))
    name = _parameter(person.name)
    if name:
        address.params["CN"] = name
    for key, value in params.items():
        address.params[key] = value
    return address


def _berlin(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN).replace(microsecond=0)


# Everything Python's str.splitlines() breaks on: parsers differ in what they treat as a line
# end, so each of these becomes an escaped newline (TEXT) or a space (parameters).
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# The remaining C0/C1 controls (TAB excepted) and lone surrogates: dropped. RFC 5545 does not
# allow them in TEXT, and a lone surrogate cannot be encoded as UTF-8.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _text(value: str) -> str:
    """``value`` as it will read in a TEXT property: line breaks become a plain LF (icalendar
    escapes it as ``\\n``), other control characters are dropped."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def _single_line(value: str) -> str:
    """``value`` as it will read in a one-line TEXT (the calendar name): no control characters,
    whitespace runs collapsed to one space."""
    return " ".join(_CONTROLS.sub("", _LINE_BREAKS.sub(" ", value)).split())


def _parameter(value: str) -> str:
    """``value`` as it will read in a parameter (CN): one line, and neither DQUOTE nor backslash.

    RFC 5545 parameter values cannot hold DQUOTE (and Outlook does not decode RFC 6868's
    ``^'``), so ``"`` becomes ``'``. They have no backslash escapes either, but readers disagree:
    icalendar reads ``CN=\\;PARTSTAT=...`` as one parameter. So ``\\`` becomes ``/``.
    """
    return _single_line(value).replace('"', "'").replace("\\", "/")


class _Text(vText):
    """A TEXT value escaped as RFC 5545 §3.3.11 says and no more. icalendar's own escaping first
    turns a literal backslash-N (``C:\\Nutzer``) into a line break."""

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return escaped.encode("utf-8")


def _has_control(value: str) -> bool:
    return _ANY_CONTROL.search(value) is not None


def _check_email(email: str) -> None:
    # Addresses reach us validated; this guards the content line, not the address syntax.
    if not email or _has_control(email) or any(ch.isspace() for ch in email) or "@" not in email:
        raise ValueError("not a usable e-mail address for a calendar")


def _check_url(url: str) -> None:
    if _has_control(url) or any(ch.isspace() for ch in url):
        raise ValueError("url must not contain whitespace or control characters")
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("url must be http or https")


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
