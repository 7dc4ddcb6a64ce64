"""The iCalendar builder, read back by three independent parsers: icalendar, vobject and ical.js
(Thunderbird's), the last through node."""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icaljs import parse_with_icaljs
from startsmart.invitations.ical import (
    PRODID,
    Attendee,
    CalendarEvent,
    Method,
    Person,
    Role,
    build_calendar,
)

NOW = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)
ORGANIZER = Person("startsmart@kts.example", "KTS Start Smart")
ANNA = Attendee("anna.mueller@stadt.example", "Anna Müller")
UID = "registration-42@startsmart.example"

ALLOWED_PROPERTIES = {
    "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME",
    "TZID", "DTSTART", "RRULE", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO",
    "UID", "SEQUENCE", "DTSTAMP", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL",
    "STATUS", "ORGANIZER", "ATTENDEE",
}  # fmt: skip


def event(**changes) -> CalendarEvent:
    """A consultation-like event on a plain (non-DST) day; ``changes`` name what a test varies."""
    values = {
        "uid": UID,
        "sequence": 0,
        "starts_at": datetime(2026, 5, 12, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 5, 12, 9, 30, tzinfo=UTC),
        "summary": "Online-Einführung: Grundlagen der Smart City",
        "description": "Online-Raum: https://meet.example/abc\n"
        "Anmeldung verwalten: https://startsmart.example/m/tok",
        "location": "Online",
        "url": "https://startsmart.example/termine/7",
        "organizer": ORGANIZER,
        "attendees": (ANNA,),
    }
    values.update(changes)
    return CalendarEvent(**values)


def on(day: datetime, hours: float = 1) -> dict[str, datetime]:
    return {"starts_at": day, "ends_at": day + timedelta(hours=hours)}


# --- reading the wire format -----------------------------------------------------------------


def assert_wire_format(data: bytes) -> None:
    """CRLF everywhere, every physical line at most 75 octets and valid UTF-8 on its own (so a
    fold never split a character)."""
    assert data.endswith(b"\r\n")
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")


def content_lines(data: bytes) -> list[str]:
    """The unfolded content lines."""
    unfolded = re.sub(b"\r\n[ \t]", b"", data)
    return unfolded.decode("utf-8").split("\r\n")[:-1]


def property_names(data: bytes) -> list[str]:
    names = []
    for line in content_lines(data):
        match = re.match(r"[A-Za-z0-9-]+(?=[;:])", line)
        assert match, line
        names.append(match.group().upper() if not line.startswith(("BEGIN:", "END:")) else line)
    return names


def expected_text(value: str) -> str:
    """What a TEXT value should read back as: every line break is one LF, TAB stays, other
    control characters are gone."""
    value = value.replace("\r\n", "\n")
    kept = []
    for char in value:
        if char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            kept.append("\n")
        elif char == "\t" or unicodedata.category(char) not in ("Cc", "Cs"):
            kept.append(char)
    return "".join(kept)


def expected_line(value: str) -> str:
    """What the calendar name should read back as: one line, whitespace runs collapsed."""
    return " ".join(expected_text(value).replace("\n", " ").replace("\t", " ").split())


def expected_param(value: str) -> str:
    """What a CN should read back as: one line, no DQUOTE, no backslash."""
    return expected_line(value).replace('"', "'").replace("\\", "/")


def only_vevent(data: bytes) -> icalendar.Event:
    (vevent,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return vevent


# --- what an invitation carries ---------------------------------------------------------------


def test_request_carries_what_outlook_needs():
    data = build_calendar(Method.REQUEST, [event()], NOW)
    assert_wire_format(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert "X-WR-CALNAME" not in calendar

    vevent = only_vevent(data)
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("SEQUENCE") == 0
    assert vevent.decoded("DTSTAMP") == NOW
    assert "DTSTAMP:20260301T120005Z" in content_lines(data)
    assert "DTSTART;TZID=Europe/Berlin:20260512T100000" in content_lines(data)
    assert "DTEND;TZID=Europe/Berlin:20260512T113000" in content_lines(data)
    assert str(vevent["SUMMARY"]) == "Online-Einführung: Grundlagen der Smart City"
    assert str(vevent["LOCATION"]) == "Online"
    assert "https://meet.example/abc" in str(vevent["DESCRIPTION"])
    assert "https://startsmart.example/m/tok" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]) == "https://startsmart.example/termine/7"
    assert str(vevent["STATUS"]) == "CONFIRMED"

    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:startsmart@kts.example"
    assert organizer.params["CN"] == "KTS Start Smart"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:anna.mueller@stadt.example"
    assert dict(attendee.params) == {
        "CN": "Anna Müller",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert set(property_names(data)) <= ALLOWED_PROPERTIES | {
        f"{edge}:{name}"
        for edge in ("BEGIN", "END")
        for name in ("VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT")
    }
    assert not re.search(rb"VALARM|RDATE", data)


def test_invitation_update_and_cancellation_share_the_uid():
    moved = on(datetime(2026, 5, 19, 12, 0, tzinfo=UTC))
    messages = [
        build_calendar(Method.REQUEST, [event()], NOW),
        build_calendar(Method.REQUEST, [event(sequence=1, **moved)], NOW + timedelta(days=1)),
        build_calendar(
            Method.CANCEL, [event(sequence=2, cancelled=True, **moved)], NOW + timedelta(days=2)
        ),
    ]
    seen = []
    for data in messages:
        assert_wire_format(data)
        parsed = vobject.readOne(data.decode("utf-8"))
        vevent = parsed.vevent
        seen.append(
            (
                parsed.method.value,
                vevent.uid.value,
                int(vevent.sequence.value),
                vevent.status.value,
                vevent.dtstart.value.astimezone(UTC),
                vevent.dtstamp.value,
            )
        )
    assert seen == [
        ("REQUEST", UID, 0, "CONFIRMED", datetime(2026, 5, 12, 8, 0, tzinfo=UTC), NOW),
        ("REQUEST", UID, 1, "CONFIRMED", moved["starts_at"], NOW + timedelta(days=1)),
        ("CANCEL", UID, 2, "CANCELLED", moved["starts_at"], NOW + timedelta(days=2)),
    ]


# Berlin switches to CEST on 2026-03-29 and back to CET on 2026-10-25.
DST_DAYS = [
    pytest.param(datetime(2026, 3, 29, 8, 0, tzinfo=UTC), "20260329T100000", id="spring-cest"),
    pytest.param(datetime(2026, 10, 25, 9, 0, tzinfo=UTC), "20261025T100000", id="autumn-cet"),
]


@pytest.mark.parametrize(("instant", "wall_time"), DST_DAYS)
def test_dst_days_keep_wall_time_and_instant(instant, wall_time):
    data = build_calendar(Method.REQUEST, [event(**on(instant))], NOW)
    assert f"DTSTART;TZID=Europe/Berlin:{wall_time}" in content_lines(data)

    # vobject builds the tzinfo from the VTIMEZONE in the message, not from a tz database.
    vevent = vobject.readOne(data.decode("utf-8")).vevent
    assert vevent.dtstart.value.strftime("%Y%m%dT%H%M%S") == wall_time
    assert vevent.dtstart.value.astimezone(UTC) == instant
    assert vevent.dtend.value.astimezone(UTC) == instant + timedelta(hours=1)


def test_vtimezone_is_two_yearly_rules():
    data = build_calendar(Method.REQUEST, [event()], NOW)
    (vtimezone,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    observances = {sub.name: sub for sub in vtimezone.subcomponents}
    assert [sub.name for sub in vtimezone.subcomponents].count("STANDARD") == 1
    assert [sub.name for sub in vtimezone.subcomponents].count("DAYLIGHT") == 1
    assert len(vtimezone.subcomponents) == 2
    for name, month, starts, offset_from, offset_to in [
        ("DAYLIGHT", 3, "19700329T020000", "+0100", "+0200"),
        ("STANDARD", 10, "19701025T030000", "+0200", "+0100"),
    ]:
        observance = observances[name]
        assert "RDATE" not in observance
        assert dict(observance["RRULE"]) == {
            "FREQ": ["YEARLY"],
            "BYMONTH": [month],
            "BYDAY": ["-1SU"],
        }
        assert observance["DTSTART"].to_ical().decode() == starts
        assert observance["TZOFFSETFROM"].to_ical() == offset_from
        assert observance["TZOFFSETTO"].to_ical() == offset_to
    assert b"RDATE" not in data

    # Resolved from the component alone, the rules switch at the right moment.
    tzinfo = vobject.readOne(data.decode("utf-8")).vtimezone.gettzinfo()
    for local, offset in [
        (datetime(2026, 3, 29, 1, 59), 1),
        (datetime(2026, 3, 29, 3, 0), 2),
        (datetime(2026, 10, 25, 1, 59), 2),
        (datetime(2026, 10, 25, 3, 0), 1),
        (datetime(2030, 3, 31, 3, 0), 2),
    ]:
        assert local.replace(tzinfo=tzinfo).utcoffset() == timedelta(hours=offset), local


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    pytest.param("Anna\r\nATTENDEE:mailto:evil@example.org", id="crlf-attendee"),
    pytest.param("x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil", id="lf-vevent"),
    pytest.param("\r\rBEGIN:VALARM\rACTION:DISPLAY\r", id="cr-valarm"),
    pytest.param("a;b,c\\d:e\"f^g'h \\n \\, \\; \\N \\", id="separators"),
    pytest.param("\\", id="lone-backslash"),
    pytest.param("C:\\Nutzer\\\\N\\", id="backslash-capital-n"),
    pytest.param("a\u2028BEGIN:VEVENT\x85END:VCALENDAR\x0b\x0c\x1cX", id="unicode-breaks"),
    pytest.param("\x00\x07\x1b[31mrot\x7f\x9b\t.", id="controls"),
    pytest.param("ä" * 2000, id="umlauts"),
    pytest.param("😀" * 2000, id="emoji"),
    pytest.param("Grüße; ,\\: 😀\r\nDTSTART:19990101T000000\r\n" * 100, id="mixed-long"),
]
FIELDS = ["summary", "location", "description", "organizer", "attendee", "calendar"]


def build_with(field: str, value: str, method: Method = Method.REQUEST) -> bytes:
    changes: dict[str, object] = {}
    name = "Start Smart"
    if field == "organizer":
        changes["organizer"] = Person(ORGANIZER.email, value)
    elif field == "attendee":
        changes["attendees"] = (Attendee(ANNA.email, value),)
    elif field == "calendar":
        name = value
    else:
        changes[field] = value
    return build_calendar(method, [event(**changes)], NOW, name=name)


def vobject_cn(address) -> str:
    # vobject does not decode RFC 6868 (^^ for ^); icalendar and ical.js do.
    return address.params["CN"][0].replace("^^", "^")


def readings(data: bytes, field: str, value: str) -> list[tuple[str, str]]:
    """(what a parser read, what it should have read) for icalendar and vobject."""
    vevent = only_vevent(data)
    parsed = vobject.readOne(data.decode("utf-8"))
    if field in ("organizer", "attendee"):
        expected = expected_param(value)
        return [
            (vobject_cn(getattr(parsed.vevent, field)), expected),
            (vevent[field.upper()].params["CN"], expected),
        ]
    if field == "calendar":
        # Neither parser types X-WR-CALNAME as TEXT; decode its raw value as TEXT here.
        (raw,) = [line for line in content_lines(data) if line.startswith("X-WR-CALNAME:")]
        unescaped = re.sub(
            r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw.partition(":")[2]
        )
        return [(unescaped, expected_line(value))]
    expected = expected_text(value)
    return [(str(vevent[field.upper()]), expected), (getattr(parsed.vevent, field).value, expected)]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_stays_inside_its_property(field, value):
    data = build_with(field, value)
    assert_wire_format(data)
    assert property_names(data) == property_names(build_with(field, "harmless"))
    assert content_lines(data).count("BEGIN:VEVENT") == 1
    assert data.count(b"\r\nBEGIN:") == 4  # VTIMEZONE, DAYLIGHT, STANDARD, VEVENT
    for read, expected in readings(data, field, value):
        assert read == expected


def test_double_quotes_and_newlines_never_reach_a_parameter():
    data = build_with("attendee", 'Anna "die Erste"\r\nMüller\x00')
    (line,) = [line for line in content_lines(data) if line.startswith("ATTENDEE")]
    cn = re.match(r'ATTENDEE;CN="([^"]*)";', line)
    assert cn and cn.group(1) == "Anna 'die Erste' Müller"


hostile_text = st.lists(
    st.one_of(
        st.text(),
        st.sampled_from(
            ["\r\n", "\r", "\n", "\x85", "\u2028", "\x00", "\t", '"', "^", "\\", ";", ",", ":",
             "\r\nBEGIN:VEVENT\r\n", "\nATTENDEE:mailto:evil@example.org", "😀", "ä" * 40]
        ),
    ),
    max_size=12,
).map("".join)  # fmt: skip


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(summary=hostile_text, location=hostile_text, description=hostile_text, cn=hostile_text)
def test_any_text_round_trips_without_adding_properties(summary, location, description, cn):
    hostile = event(
        summary=summary,
        location=location,
        description=description,
        attendees=(Attendee(ANNA.email, cn),),
    )
    data = build_calendar(Method.REQUEST, [hostile], NOW)
    assert_wire_format(data)
    harmless = replace(
        hostile,
        summary="x",
        location="x" if expected_text(location) else None,
        description="x" if expected_text(description) else "",
        attendees=(Attendee(ANNA.email, "x"),),
    )
    assert property_names(data) == property_names(build_calendar(Method.REQUEST, [harmless], NOW))

    vevent = only_vevent(data)
    parsed = vobject.readOne(data.decode("utf-8")).vevent
    assert str(vevent["SUMMARY"]) == parsed.summary.value == expected_text(summary)
    if expected_text(location):
        assert str(vevent["LOCATION"]) == parsed.location.value == expected_text(location)
    if expected_text(description):
        assert str(vevent["DESCRIPTION"]) == parsed.description.value == expected_text(description)
    if expected_param(cn):
        assert vobject_cn(parsed.attendee) == expected_param(cn)
        assert vevent["ATTENDEE"].params["CN"] == expected_param(cn)
    else:
        assert "CN" not in vevent["ATTENDEE"].params


# --- refused input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["anna@stadt.example\r\nATTENDEE:mailto:x@y", "anna@stadt.example\n", "a\r@b", ""]
)
def test_email_with_line_break_is_refused(email):
    with pytest.raises(ValueError):
        Person(email, "Anna")
    with pytest.raises(ValueError):
        Attendee(email, "Anna")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"starts_at": datetime(2026, 5, 12, 10, 0)}, id="naive-start"),
        pytest.param({"ends_at": datetime(2026, 5, 12, 11, 0)}, id="naive-end"),
        pytest.param(on(datetime(2026, 5, 12, 8, 0, tzinfo=UTC), hours=-1), id="ends-first"),
        pytest.param({"uid": "a\r\nUID:b"}, id="uid-crlf"),
        pytest.param({"uid": ""}, id="uid-empty"),
        pytest.param({"sequence": -1}, id="sequence-negative"),
        pytest.param({"url": "https://x.example/\r\nSTATUS:CANCELLED"}, id="url-crlf"),
        pytest.param({"url": "javascript:alert(1)"}, id="url-scheme"),
    ],
)
def test_invalid_event_is_refused(changes):
    with pytest.raises(ValueError):
        event(**changes)


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="now"):
        build_calendar(Method.REQUEST, [event()], datetime(2026, 3, 1, 12, 0))


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        Attendee(ANNA.email, "Anna", role="BOSS")
    assert Attendee(ANNA.email, "Anna", role="CHAIR").role is Role.CHAIR


@pytest.mark.parametrize(
    ("method", "events", "message"),
    [
        (Method.REQUEST, [event(), event(uid="other@x")], "exactly one"),
        (Method.CANCEL, [], "exactly one"),
        (Method.REQUEST, [event(organizer=None)], "organizer"),
        (Method.REQUEST, [event(attendees=())], "attendee"),
        (Method.REQUEST, [event(cancelled=True)], "CANCEL"),
        (Method.CANCEL, [event()], "cancelled"),
        (Method.PUBLISH, [event()], "attendees"),
        (Method.PUBLISH, [event(attendees=()), event(attendees=(), sequence=1)], "own uid"),
    ],
)
def test_method_rules(method, events, message):
    with pytest.raises(ValueError, match=message):
        build_calendar(method, events, NOW)


def test_feed_publishes_many_events_without_people():
    events = [
        event(organizer=None, attendees=()),
        event(uid="date-8@startsmart.example", sequence=3, organizer=None, attendees=(),
              cancelled=True, location=None, url=None, description=""),
    ]  # fmt: skip
    data = build_calendar(Method.PUBLISH, events, NOW, name="Start Smart – Termine\r\nX:y")
    assert_wire_format(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "X-WR-CALNAME:Start Smart – Termine X:y" in content_lines(data)
    assert [str(vevent["STATUS"]) for vevent in calendar.walk("VEVENT")] == [
        "CONFIRMED",
        "CANCELLED",
    ]
    names = property_names(data)
    assert "ORGANIZER" not in names and "ATTENDEE" not in names
    assert names.count("BEGIN:VEVENT") == 2 and names.count("BEGIN:VTIMEZONE") == 1
    assert names.count("LOCATION") == 1 and names.count("URL") == 1


def test_empty_feed_is_still_a_calendar():
    data = build_calendar(Method.PUBLISH, [], NOW, name="\r\n\x00 ")
    assert "X-WR-CALNAME" not in property_names(data)
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []
    assert vobject.readOne(data.decode("utf-8")).vtimezone.tzid.value == "Europe/Berlin"


def test_builder_imports_neither_flask_nor_a_database():
    allowed = {"__future__", "collections", "dataclasses", "datetime", "enum", "re", "urllib",
               "zoneinfo", "icalendar", "startsmart"}  # fmt: skip
    package = Path(__file__).parents[2] / "startsmart" / "invitations"
    for module in ("ical.py", "vtimezone.py"):
        for node in ast.walk(ast.parse((package / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
                if roots == ["startsmart"]:
                    assert (node.module or "").startswith(
                        ("startsmart.invitations.", "startsmart.clock")
                    ), node.module
            else:
                continue
            assert set(roots) <= allowed, (module, roots)


# --- Thunderbird's parser ---------------------------------------------------------------------


@pytest.mark.parametrize(("instant", "wall_time"), DST_DAYS)
def test_icaljs_reads_invitation_on_dst_days(instant, wall_time):
    data = build_calendar(Method.REQUEST, [event(sequence=1, **on(instant))], NOW)
    parsed = parse_with_icaljs(data)
    assert parsed["method"] == "REQUEST"
    assert parsed["timezones"] == [{"tzid": "Europe/Berlin", "standard": 1, "daylight": 1}]
    (vevent,) = parsed["events"]
    assert vevent["uid"] == UID and vevent["sequence"] == 1 and vevent["status"] == "CONFIRMED"
    assert vevent["dtstart"] == datetime.strptime(wall_time, "%Y%m%dT%H%M%S").isoformat()
    assert vevent["dtstart_tzid"] == vevent["dtstart_zone"] == "Europe/Berlin"
    assert vevent["dtstart_utc"] == instant.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert vevent["organizer"]["value"] == "mailto:startsmart@kts.example"
    assert vevent["attendees"] == [
        {
            "value": "mailto:anna.mueller@stadt.example",
            "cn": "Anna Müller",
            "role": "REQ-PARTICIPANT",
            "partstat": "NEEDS-ACTION",
            "rsvp": "TRUE",
        }
    ]


def test_icaljs_reads_hostile_cancellation():
    hostile = 'Grüße; ,\\: "C:\\Nutzer" ^ 😀\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\n' * 40
    data = build_calendar(
        Method.CANCEL,
        [
            event(
                sequence=2,
                cancelled=True,
                summary=hostile,
                location=hostile,
                description=hostile,
                attendees=(Attendee(ANNA.email, hostile),),
            )
        ],
        NOW,
    )
    parsed = parse_with_icaljs(data)
    assert parsed["method"] == "CANCEL"
    (vevent,) = parsed["events"]
    assert (vevent["uid"], vevent["sequence"], vevent["status"]) == (UID, 2, "CANCELLED")
    texts = {vevent[field] for field in ("summary", "location", "description")}
    assert texts == {expected_text(hostile)}
    (attendee,) = vevent["attendees"]
    assert attendee["cn"] == expected_param(hostile)


def test_feed_with_refresh_and_a_cancelled_date_reads_alike_in_every_parser():
    events = [
        event(organizer=None, attendees=()),
        event(uid="event-date-9f3c@startsmart.example", sequence=2, organizer=None,
              attendees=(), cancelled=True, summary="Abgesagt: Start Smart: Austausch"),
    ]  # fmt: skip
    data = build_calendar(Method.PUBLISH, events, NOW, name="Feed", refresh=timedelta(hours=1))
    assert_wire_format(data)
    lines = content_lines(data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines and "X-PUBLISHED-TTL:PT1H" in lines
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    cards = vobject.readOne(data.decode("utf-8")).vevent_list
    thunderbird = parse_with_icaljs(data)["events"]
    for parsed in (
        [(str(e["UID"]), e["SEQUENCE"], str(e["STATUS"])) for e in calendar.walk("VEVENT")],
        [(c.uid.value, int(c.sequence.value), c.status.value) for c in cards],
        [(e["uid"], e["sequence"], e["status"]) for e in thunderbird],
    ):
        assert parsed == [
            (UID, 0, "CONFIRMED"),
            ("event-date-9f3c@startsmart.example", 2, "CANCELLED"),
        ]


@pytest.mark.parametrize(
    "email, uri",
    [
        ("kim@städtle.de", "mailto:kim@xn--stdtle-cua.de"),
        ("anna+start@stadt.example", "mailto:anna+start@stadt.example"),
        ("o'neil&co=1@stadt.example", "mailto:o'neil%26co%3D1@stadt.example"),
    ],
)
def test_addresses_are_mailto_uris_of_the_header_mailbox(email, uri):
    data = build_calendar(
        Method.REQUEST,
        [event(organizer=Person("kts@smärt.de", "KTS"), attendees=(Attendee(email, "Kim"),))],
        NOW,
    )
    vevent = only_vevent(data)
    card = vobject.readOne(data.decode("utf-8")).vevent
    (thunderbird,) = parse_with_icaljs(data)["events"]
    assert {str(vevent["ATTENDEE"]), card.attendee.value, thunderbird["attendees"][0]["value"]} == {
        uri
    }
    assert {str(vevent["ORGANIZER"]), card.organizer.value, thunderbird["organizer"]["value"]} == {
        "mailto:kts@xn--smrt-moa.de"
    }
