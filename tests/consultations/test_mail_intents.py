"""A consultation's mails are queued as intents, like a registration's: the booking stores what
each mail will say, the outbox worker composes it (and mints the manage link then), in the
language of whoever receives it, and a mail composed late still says what was true when it
was queued."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import moment_of_this_run, working_day
from outbox_support import deliver_at
from startsmart import tokens
from startsmart.consultations import booking
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import Channel
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.staff.models import StaffUser
from support import links_in, path_of, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def token_count() -> int:
    return db.session.execute(sa.select(sa.func.count(tokens.AccessToken.id))).scalar_one()


def calendar_of(mail) -> icalendar.Calendar:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


def staff_booking(app, advisor_id: int, start, **changes):
    with app.app_context():
        actor = db.session.get(StaffUser, advisor_id)
        request = booking_request(start, 1, **changes)
        booked = booking.book(request, NOW, by_staff=True, actor=actor)
        return booked.consultation_id


def test_a_booking_stores_facts_and_the_worker_composes_both_mails(app, client, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    staff_booking(app, advisor_id, working_day())
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        queued = list(rows)
        assert [(m.recipient, m.kind) for m in queued] == [
            ("kim1@kleinstadt.de", "consultation_invitation"),
            ("berta@kts.example", "consultation_advisor"),
        ]
        assert all(m.raw is None and m.payload["renderer"] == "consultation" for m in queued)
        assert token_count() == 0  # the manage link is minted when the mail is composed
        assert deliver_at(NOW + timedelta(minutes=1)).sent == 2
        assert token_count() == 1  # the municipality's link; the advisor's mail has none
        db.session.expire_all()
        assert {m.status for m in db.session.execute(sa.select(OutboxMessage)).scalars()} == {
            OutboxStatus.SENT
        }
    [to_municipality] = smtp.to("kim1@kleinstadt.de")
    [to_advisor] = smtp.to("berta@kts.example")
    assert (
        calendar_of(to_municipality).walk("VEVENT")[0]["UID"]
        == (calendar_of(to_advisor).walk("VEVENT")[0]["UID"])
    )
    manage = next(u for u in links_in(to_municipality) if "/beratung/" in u)
    assert "Ihre Initialberatung" in text(client.get(path_of(manage)))
    advisor_text = to_advisor.get_body(("plain",)).get_content()
    assert "Wir fangen gerade an." in advisor_text and "/staff/" in advisor_text


def test_an_invitation_composed_late_keeps_the_time_it_was_queued_with(app, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    first = working_day(7, 10)
    consultation_id = staff_booking(app, advisor_id, first, phone="0521 123456")  # SEQUENCE 0
    moved = working_day(8, 11)
    with app.app_context():
        token = tokens.mint(
            consultation_mails.TOKEN_PURPOSE, consultation_id, NOW, NOW + timedelta(days=30)
        )
        db.session.commit()
        booking.reschedule(token, moved, Channel.PHONE, NOW)  # REQUEST, SEQUENCE 1
        assert deliver_at(NOW + timedelta(minutes=1)).sent == 4
    events = [calendar_of(m).walk("VEVENT")[0] for m in smtp.to("kim1@kleinstadt.de")]
    assert [(e["SEQUENCE"], e.decoded("DTSTART")) for e in events] == [(0, first), (1, moved)]
    texts = [m.get_body(("plain",)).get_content() for m in smtp.to("kim1@kleinstadt.de")]
    assert "Videokonferenz" in texts[0] and "Telefon" in texts[1]


def test_each_party_reads_the_mail_in_their_own_language(app, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    with app.app_context():
        db.session.get(StaffUser, advisor_id).locale = "en"
        db.session.commit()
    staff_booking(app, advisor_id, working_day())  # booked in German
    with app.app_context():
        deliver_at(NOW + timedelta(minutes=1))
    [to_municipality] = smtp.to("kim1@kleinstadt.de")
    [to_advisor] = smtp.to("berta@kts.example")
    assert to_municipality["Subject"].startswith("Einladung: Initialberatung")
    assert to_advisor["Subject"].startswith("New initial consultation: Kleinstadt 1")
    body = to_advisor.get_body(("plain",)).get_content()
    assert "Video conference (we will send you the link" in body
