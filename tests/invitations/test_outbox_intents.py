"""Mails queued as intents: the request stores what the mail will say, the worker composes it
once, stores it before sending, and a retry sends the very same bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import icalendar
import pytest
import sqlalchemy as sa

from moments import moment_of_this_run
from outbox_support import deliver_at
from startsmart import tokens
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.invitations.compose import Draft, Recipient
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import Intent, queue_intent, queue_mail, renders
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import date_changes, service
from startsmart.staff.models import Role, StaffUser
from support import login, make_date, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def applicant(number: int) -> service.Applicant:
    return service.Applicant(
        name=f"Person {number}",
        email=f"person{number}@kommune.de",
        function="",
        municipality=MunicipalityInput(
            f"Gemeinde {number}", FederalState.BB, MunicipalityKind.TOWN
        ),
    )


def later(days: float = 1):
    return NOW + timedelta(days=days)


def token_count() -> int:
    return db.session.execute(sa.select(sa.func.count(tokens.AccessToken.id))).scalar_one()


def the_row() -> OutboxMessage:
    db.session.expire_all()
    return db.session.execute(sa.select(OutboxMessage)).scalar_one()


def test_the_request_stores_facts_and_the_worker_composes_them(app, smtp):
    date_id = make_date(app)
    with app.app_context():
        service.register(date_id, applicant(1), NOW)
        queued = the_row()
        assert queued.raw is None and queued.payload["renderer"] == "registration"
        assert queued.subject == queued.kind == "registration_confirm"  # the staff list's text
        assert token_count() == 0  # the manage link is minted when the mail is composed
        message_id = queued.message_id

        assert deliver_at(later()).sent == 1
        sent = the_row()
        assert sent.status is OutboxStatus.SENT
        assert sent.subject.startswith("Bitte bestätigen Sie Ihre Anmeldung")
        assert sent.payload is None  # the bytes carry it all; no second copy of the data
        assert token_count() == 1
    [mail] = smtp.to("person1@kommune.de")
    assert mail["Message-ID"] == message_id
    assert mail["Date"] is not None and mail["Subject"] == sent.subject


def test_mails_rendered_late_say_what_was_true_when_they_were_queued(app, smtp):
    """A REQUEST composed after a move and a CANCEL still carries its own time, place and
    SEQUENCE: the calendar can never see an old invitation that outranks the cancellation."""
    date_id = make_date(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        staff = db.session.get(StaffUser, staff_id)
        service.register(date_id, applicant(1), NOW, by_staff=True)  # REQUEST, SEQUENCE 0
        first_start = db.session.get(EventDate, date_id).starts_at
        moved = first_start + timedelta(days=7)
        place = date_changes.DatePlace(moved, moved + timedelta(hours=2), "Rathaus Cottbus", None)
        date_changes.move_date(date_id, place, staff, NOW)  # REQUEST, SEQUENCE 1
        date_changes.cancel_date(date_id, "Fällt aus.", staff, NOW)  # CANCEL, SEQUENCE 2
        assert token_count() == 0  # nothing composed yet
        assert deliver_at(later()).sent == 3
    events = []
    for mail in smtp.to("person1@kommune.de"):
        part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(part.get_content())
        events.append((str(calendar["METHOD"]), calendar.walk("VEVENT")[0]))
    assert [(method, event["SEQUENCE"]) for method, event in events] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
    ]
    assert events[0][1].decoded("DTSTART") == first_start
    assert "Rathaus Cottbus" not in str(events[0][1].get("LOCATION"))
    assert events[1][1].decoded("DTSTART") == moved
    assert str(events[1][1]["LOCATION"]) == "Rathaus Cottbus"


def test_a_retry_sends_the_bytes_stored_before_the_first_attempt(app, smtp):
    date_id = make_date(app)
    smtp.stop()
    with app.app_context():
        service.register(date_id, applicant(1), NOW)
        assert deliver_at(later()).retrying == 1
        stored = the_row()
        assert stored.status is OutboxStatus.QUEUED and stored.raw is not None
        raw = stored.raw
        smtp.start()
        assert deliver_at(later(2)).sent == 1
        assert the_row().raw == raw
        assert token_count() == 1  # composed once, not again for the retry
    [received] = smtp.received
    original = message_from_bytes(raw, policy=policy.SMTP)
    assert received.message["Message-ID"] == original["Message-ID"]
    assert received.message.get_body(("plain",)).get_content() == (
        original.get_body(("plain",)).get_content()
    )


@renders("test-broken")
def _broken(facts, now):
    tokens.mint("registration", facts["id"], now, now + timedelta(days=1))
    raise KeyError("what the template needs")


@renders("test-note")
def _note(facts, now):
    return Draft(
        "staff_message",
        Recipient(facts["email"], "Kim"),
        {"subject": facts["subject"], "text": "Text."},
    )


def test_a_mail_that_cannot_be_composed_fails_alone_and_leaves_nothing_behind(app, smtp):
    when = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with app.app_context():
        broken_id = queue_intent(
            Intent(
                recipient="a@kommune.de",
                kind="test",
                renderer="test-broken",
                facts={"id": 1},
                now=when,
            )
        )
        unknown_id = queue_intent(
            Intent(recipient="b@kommune.de", kind="test", renderer="nobody", facts={}, now=when)
        )
        queue_intent(
            Intent(
                recipient="c@kommune.de",
                kind="test",
                renderer="test-note",
                facts={"email": "c@kommune.de", "subject": "Hallo"},
                now=when,
            )
        )
        queue_mail(
            to=Recipient("d@kommune.de", "D"),
            template="staff_message",
            context={"subject": "Sofort", "text": "Gleich gebaut."},
            now=when,
        )
        db.session.commit()
        report = deliver_at(when)
        assert (report.sent, report.failed) == (2, 2)
        for message_id in (broken_id, unknown_id):
            row = db.session.get(OutboxMessage, message_id)
            assert row.status is OutboxStatus.FAILED and row.raw is None
            assert "could not be composed" in row.last_error
        assert token_count() == 0  # the savepoint took the broken renderer's token back
    assert len(smtp.received) == 2
    assert [m["Subject"] for m in smtp.to("c@kommune.de")] == ["Hallo"]
    assert [m["Subject"] for m in smtp.to("d@kommune.de")] == ["Sofort"]


def test_staff_see_the_kind_until_a_mail_is_composed(app, client):
    date_id = make_date(app)
    with app.app_context():
        service.register(date_id, applicant(1), NOW)
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get("/staff/postausgang/"))
    assert "person1@kommune.de" in page and "registration_confirm" in page
