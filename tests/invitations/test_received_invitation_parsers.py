"""A registration's invitation as the SMTP server received it, read by three parsers:
icalendar, vobject and ical.js (Thunderbird's)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import icalendar
import pytest
import vobject

from icaljs import parse_with_icaljs
from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from support import make_date


def _invite(app, name: str, email: str) -> None:
    """Staff register somebody confirmed for a new date; the invitation is delivered."""
    date_id = make_date(app)
    applicant = service.Applicant(
        name=name,
        email=email,
        function="",
        municipality=MunicipalityInput(
            "Flensburg", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY
        ),
    )
    with app.app_context():
        service.register(date_id, applicant, clock.now(), by_staff=True)
        db.session.commit()
        deliver_due()


def test_received_invitation_parses_everywhere(app, smtp):
    _invite(app, "Jörg Müller; Kämmerer, \\Stadt", "joerg@flensburg.de")
    [mail] = smtp.to("joerg@flensburg.de")
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    data = part.get_content().encode()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    card = vobject.readOne(data.decode())
    thunderbird = parse_with_icaljs(data)
    uid = str(event["UID"])
    assert card.vevent.uid.value == uid == thunderbird["events"][0]["uid"]
    assert thunderbird["method"] == "REQUEST"
    assert card.vevent.dtstart.value == event.decoded("DTSTART")
    assert thunderbird["events"][0]["dtstart_tzid"] == "Europe/Berlin"
    attendee = thunderbird["events"][0]["attendees"][0]
    assert attendee["value"] == "mailto:joerg@flensburg.de"
    assert attendee["cn"] == "Jörg Müller; Kämmerer, /Stadt"


# Any character RFC 3986 does not allow in a URI (spaces, umlauts, "%" not followed by hex).
_NOT_IN_A_URI = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})")


@pytest.mark.parametrize(
    "typed, mailbox",
    [
        ("Kim@Städtle.de", "kim@xn--stdtle-cua.de"),
        ("anna+start-smart@flensburg.de", "anna+start-smart@flensburg.de"),
    ],
)
def test_attendee_and_organizer_are_the_mailboxes_of_to_and_from(
    app, smtp, monkeypatch, typed, mailbox
):
    """Clients match ATTENDEE against the recipient (and ORGANIZER against the sender) and hide
    Accept/Decline when they differ: both are valid mailto: URIs naming the header's mailbox,
    umlaut domains in punycode, whatever the sender's domain is."""
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Start Smart (KTS) <kts@smärt.de>")
    _invite(app, "Kim Schäfer", typed)
    [received] = smtp.received
    assert received.rcpt_tos == [mailbox]
    mail = received.message
    to = mail["To"].addresses[0].addr_spec
    sender = mail["From"].addresses[0].addr_spec
    assert (to, sender) == (mailbox, "kts@xn--smrt-moa.de")
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    data = part.get_content().encode()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    card = vobject.readOne(data.decode()).vevent
    thunderbird = parse_with_icaljs(data)["events"][0]
    attendees = {
        str(event["ATTENDEE"]),
        card.attendee.value,
        thunderbird["attendees"][0]["value"],
    }
    organizers = {str(event["ORGANIZER"]), card.organizer.value, thunderbird["organizer"]["value"]}
    assert attendees == {f"mailto:{to}"}
    assert organizers == {f"mailto:{sender}"}
    for uri in (*attendees, *organizers):
        assert not _NOT_IN_A_URI.search(uri), uri
        assert unquote(uri.removeprefix("mailto:")) in (to, sender)


JOIN = "https://video.example.org/angebot"


def test_join_link_in_location_url_and_conference_everywhere(app, smtp):
    """A confirmed participant's online date whose link is its offering's: LOCATION and URL
    are the link, and CONFERENCE (RFC 7986, FEATURE=VIDEO) gives calendars a join button."""
    date_id = make_date(app, online_url=None)
    applicant = service.Applicant(
        name="Jörg Müller",
        email="joerg@flensburg.de",
        function="",
        municipality=MunicipalityInput(
            "Flensburg", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY
        ),
    )
    with app.app_context():
        db.session.get_one(EventDate, date_id).offering.default_join_url = JOIN
        db.session.commit()
        service.register(date_id, applicant, clock.now(), by_staff=True)
        deliver_due()
    [mail] = smtp.to("joerg@flensburg.de")
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    data = part.get_content().encode()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == str(event["URL"]) == JOIN
    [conference] = event.conferences
    assert conference.uri == JOIN and conference.feature == "VIDEO" and conference.label
    card = vobject.readOne(data.decode()).vevent
    assert card.location.value == card.url.value == card.conference.value == JOIN
    assert card.conference.params["FEATURE"] == ["VIDEO"]
    assert card.conference.params["VALUE"] == ["URI"]
    [thunderbird] = parse_with_icaljs(data)["events"]
    assert thunderbird["location"] == thunderbird["url"] == JOIN
    assert thunderbird["conferences"] == [
        {"value": JOIN, "value_type": "uri", "feature": "VIDEO", "label": conference.label}
    ]
