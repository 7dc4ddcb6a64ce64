"""A registration's invitation as the SMTP server received it, read by three parsers:
icalendar, vobject and ical.js (Thunderbird's)."""

from __future__ import annotations

import icalendar
import vobject

from icaljs import parse_with_icaljs
from startsmart import clock
from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from support import make_date


def test_received_invitation_parses_everywhere(app, smtp):
    date_id = make_date(app)
    applicant = service.Applicant(
        name="Jörg Müller; Kämmerer, \\Stadt",
        email="joerg@flensburg.de",
        function="",
        municipality=MunicipalityInput(
            "Flensburg", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY
        ),
    )
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
