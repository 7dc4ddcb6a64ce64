"""A registration's invitation as the SMTP server received it, read by three parsers:
icalendar, vobject and ical.js (Thunderbird's)."""

from __future__ import annotations

import icalendar
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

JOIN = "https://video.example.org/angebot"


def joerg(name: str) -> service.Applicant:
    return service.Applicant(
        name=name,
        email="joerg@flensburg.de",
        function="",
        municipality=MunicipalityInput(
            "Flensburg", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY
        ),
    )


def test_received_invitation_parses_everywhere(app, smtp):
    date_id = make_date(app)
    applicant = joerg("Jörg Müller; Kämmerer, \\Stadt")
    with app.app_context():
        service.register(date_id, applicant, clock.now(), by_staff=True)
        db.session.commit()
        deliver_due()
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


def test_join_link_in_location_url_and_conference_everywhere(app, smtp):
    """A confirmed participant's online date whose link is its offering's: LOCATION and URL
    are the link, and CONFERENCE (RFC 7986, FEATURE=VIDEO) gives calendars a join button."""
    date_id = make_date(app, online_url=None)
    applicant = joerg("Jörg Müller")
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
