"""Each copy of a consultation's mail speaks to its reader: the advisor's copy tells the
advisor to call or to send the link (not that somebody will call them), and a cancellation
promises no access to a consultation that will not take place."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from consultation_support import booking_request, make_advisor
from moments import moment_of_this_run, working_day
from outbox_support import deliver_at
from startsmart.consultations import booking
from startsmart.consultations.models import Channel
from startsmart.extensions import db
from startsmart.staff.models import StaffUser

pytestmark = pytest.mark.time_sensitive  # bookings are days ahead

NOW = moment_of_this_run()


def _body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def _calendar_text(mail) -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    # unfolded, and the text's escaped commas and semicolons as written
    return part.get_content().replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")


def _book(app, channel: Channel, **changes) -> tuple[int, int]:
    advisor_id = make_advisor(app, "berta@kts.example")
    with app.app_context():
        actor = db.session.get(StaffUser, advisor_id)
        request = booking_request(working_day(), 1, channel=channel, **changes)
        booked = booking.book(request, NOW, by_staff=True, actor=actor)
        deliver_at(NOW + timedelta(minutes=1))
        return advisor_id, booked.consultation_id


@pytest.mark.parametrize(
    "channel, advisor_words, municipality_words",
    [
        (
            Channel.PHONE,
            "Telefon: Sie rufen Kim 1 unter 0461 123456 an",
            "Ihre Beraterin oder Ihr Berater ruft Sie unter 0461 123456 an",
        ),
        (
            Channel.VIDEO,
            "Videokonferenz (Sie schicken den Link vor dem Termin)",
            "Videokonferenz (den Link schicken wir Ihnen, sobald er feststeht)",
        ),
    ],
)
def test_the_advisors_copy_is_worded_for_the_advisor(
    app, smtp, channel, advisor_words, municipality_words
):
    _book(app, channel, phone="0461 123456")
    [to_advisor] = smtp.to("berta@kts.example")
    [to_municipality] = smtp.to("kim1@kleinstadt.de")
    for text in (_body(to_advisor), _calendar_text(to_advisor)):
        assert advisor_words in text
        assert "ruft Sie" not in text and "erhalten Sie" not in text
    for text in (_body(to_municipality), _calendar_text(to_municipality)):
        assert municipality_words in text
    # one random UID for both copies, with this instance's host (not the consultation's id)
    uids = {re.search(r"^UID:(.*)$", _calendar_text(m), re.M).group(1).strip()
            for m in (to_advisor, to_municipality)}  # fmt: skip
    [uid] = uids
    assert re.fullmatch(r"consultation-[0-9a-f]{32}@startsmart\.test", uid)


def test_cancellations_promise_no_link(app, smtp):
    advisor_id, consultation_id = _book(app, Channel.VIDEO)
    smtp.clear()
    with app.app_context():
        actor = db.session.get(StaffUser, advisor_id)
        booking.cancel_by_staff(consultation_id, actor, "Krankheit", NOW)
        deliver_at(NOW + timedelta(minutes=2))
    [to_advisor] = smtp.to("berta@kts.example")
    [to_municipality] = smtp.to("kim1@kleinstadt.de")
    for mail in (to_advisor, to_municipality):
        for text in (_body(mail), _calendar_text(mail)):
            assert "Link" not in text and "Bestätigung" not in text, text
            assert "Videokonferenz" in text
