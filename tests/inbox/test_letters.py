"""What the reader takes a message for (inbox.letters, pure): only what is unmistakably a
calendar answer or a bounce is acted on."""

from __future__ import annotations

import icalendar

import inbox_letters as letters
from startsmart.inbox.letters import AutoReply, Bounce, Broken, CalendarReply, ForPeople, read
from startsmart.inbox.service import same_address


def an_invitation(attendees=("kim@kommune.de",)) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", "registration-7@startsmart.example")
    event.add("sequence", 2)
    for address in attendees:
        event.add("attendee", f"mailto:{address}")
    calendar.add_component(event)
    return calendar


def test_a_reply_names_event_person_and_answer(app):
    with app.app_context():
        raw = letters.reply(an_invitation(), "DECLINED", "Kim@Kommune.de")
    found = read(raw)
    assert isinstance(found, CalendarReply)
    assert (found.uid, found.attendee, found.answer, found.sequence) == (
        "registration-7@startsmart.example",
        "Kim@Kommune.de",
        "DECLINED",
        2,
    )
    assert found.stamp is not None and found.stamp.tzinfo is not None


def test_answers_the_app_does_not_act_on_are_for_people(app):
    with app.app_context():
        delegated = letters.reply(an_invitation(), "DELEGATED", "kim@kommune.de")
    assert isinstance(read(delegated), ForPeople)
    request = delegated.replace(b"METHOD:REPLY", b"METHOD:COUNTER")
    assert isinstance(read(request), ForPeople)


def test_bounces_failed_for_good_only():
    found = read(letters.bounce("kim@xn--stdtle-cua.de"))
    assert isinstance(found, Bounce)
    assert found.recipients == ("kim@xn--stdtle-cua.de",)
    assert found.reason.startswith("5.1.1 smtp; 550")
    assert isinstance(read(letters.bounce("kim@kommune.de", action="delayed")), ForPeople)


def test_auto_replies_by_header_or_subject():
    assert isinstance(read(letters.out_of_office("kim@kommune.de")), AutoReply)
    plain = b"Message-ID: <1@x>\r\nSubject: Abwesenheitsnotiz: Einladung\r\n\r\nBin weg.\r\n"
    assert isinstance(read(plain), AutoReply)
    person = b"Message-ID: <2@x>\r\nSubject: Frage zum Termin\r\n\r\nHallo!\r\n"
    assert isinstance(read(person), ForPeople)


def test_what_cannot_be_read_is_broken_not_an_error():
    assert isinstance(read(letters.broken_reply("kim@kommune.de")), Broken)
    assert isinstance(read(b"Subject: no id\r\n\r\n"), Broken)
    assert isinstance(read(b"\x00\xff\xfe"), Broken)


def test_addresses_match_in_punycode_and_unicode():
    assert same_address("kim@städtle.de", "KIM@xn--stdtle-cua.de")
    assert same_address("kim@kommune.de", "Kim@Kommune.DE")
    assert not same_address("kim@kommune.de", "kim@kommune.de.example")
