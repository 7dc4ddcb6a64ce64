"""Retention: personal data goes after its time; counts stay; a second run finds nothing."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from moments import moment_of_this_run, working_day
from outbox_support import deliver_at
from startsmart import clock, tokens
from startsmart.audit import service as audit
from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import EventDate, Offering
from startsmart.extensions import db
from startsmart.invitations.models import (
    AttemptOutcome,
    DeliveryAttempt,
    OutboxMessage,
    OutboxStatus,
)
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, MunicipalityKind, Person
from startsmart.municipalities.service import MunicipalityInput
from startsmart.privacy.service import purge
from startsmart.registrations import service
from startsmart.registrations.models import Consent, Registration, RegistrationStatus
from startsmart.staff.models import Role
from support import login, make_date, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def register(app, date_id: int, number: int, **changes) -> int:
    applicant = service.Applicant(
        name=f"Person {number}",
        email=f"p{number}@kommune.de",
        function="Bauamt",
        municipality=MunicipalityInput("Kiel", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY),
        news_consent=True,
        **changes,
    )
    with app.app_context():
        outcome = service.register(date_id, applicant, clock.now(), by_staff=True)
        deliver_due()
        return outcome.registration_id


def age_date(app, date_id: int, days_ago: int) -> None:
    """Move a date into the past (after people registered for it)."""
    with app.app_context():
        date = db.session.get(EventDate, date_id)
        date.starts_at = NOW - timedelta(days=days_ago, hours=2)
        date.ends_at = NOW - timedelta(days=days_ago)
        db.session.commit()


def test_registrations_past_retention_are_anonymised_and_counts_stay(app, smtp):
    old = make_date(app, fmt="moderated_exchange", capacity=5)
    recent = make_date(app, capacity=5)
    first = register(app, old, 1, question="Wie finanzieren wir das?")
    second = register(app, recent, 2)
    age_date(app, old, 181)
    age_date(app, recent, 179)
    with app.app_context():
        report = purge(NOW)
        assert (report.registrations, report.people) == (1, 1)
        gone = db.session.get(Registration, first)
        assert gone.person_id is None and gone.question is None
        assert gone.anonymised_at is not None
        assert gone.status is RegistrationStatus.CONFIRMED  # still counts for the date
        assert (
            db.session.execute(
                sa.select(Person).where(Person.email == "p1@kommune.de")
            ).scalar_one_or_none()
            is None
        )
        assert db.session.execute(sa.select(sa.func.count(Consent.id))).scalar() == 1
        mails = (
            db.session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.reference == f"registration:{first}")
            )
            .scalars()
            .all()
        )
        assert mails and all(m.recipient == "" and m.raw == b"" for m in mails)
        assert all(m.status is OutboxStatus.SENT for m in mails)
        assert (
            db.session.execute(
                sa.select(sa.func.count(tokens.AccessToken.id)).where(
                    tokens.AccessToken.purpose == "registration",
                    tokens.AccessToken.subject_id == first,
                )
            ).scalar()
            == 0
        )
        kept = db.session.get(Registration, second)
        assert kept.person.email == "p2@kommune.de"
        again = purge(NOW)
        assert (again.registrations, again.consultations, again.people) == (0, 0, 0)


def test_an_offering_may_keep_data_for_a_shorter_time(app, smtp):
    date_id = make_date(app)
    registration_id = register(app, date_id, 1)
    age_date(app, date_id, 31)
    with app.app_context():
        assert purge(NOW).registrations == 0
        offering = db.session.get(EventDate, date_id).offering
        offering.retention_days = 30
        db.session.commit()
        assert purge(NOW).registrations == 1
        assert db.session.get(Registration, registration_id).person_id is None
        assert isinstance(offering, Offering)


def test_person_with_a_newer_registration_is_kept(app, smtp):
    old, new = make_date(app), make_date(app)
    register(app, old, 1)
    register(app, new, 1)
    age_date(app, old, 200)
    with app.app_context():
        report = purge(NOW)
        assert (report.registrations, report.people) == (1, 0)
        assert (
            db.session.execute(sa.select(Person).where(Person.email == "p1@kommune.de"))
            .scalar_one()
            .name
            == "Person 1"
        )


def test_old_audit_details_mail_bodies_and_mail_files_go(app, smtp):
    mail_dir = Path(app.instance_path) / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    old_file, new_file = mail_dir / "old.eml", mail_dir / "new.eml"
    old_file.write_bytes(b"Subject: alt")
    new_file.write_bytes(b"Subject: neu")
    # the file system stamps files by the real clock, not the tests': both stamped by hand
    fresh, ancient = NOW.timestamp(), (NOW - timedelta(days=200)).timestamp()
    os.utime(old_file, (ancient, ancient))
    os.utime(new_file, (fresh, fresh))
    with app.app_context():
        audit.record(
            "staff.login_failed",
            None,
            NOW - timedelta(days=200),
            actor_name="jemand@kts.example",
            known_account=False,
        )
        audit.record("staff.login_failed", None, NOW, actor_name="heute@kts.example")
        db.session.commit()
        report = purge(NOW)
        events = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.at)).scalars().all()
        assert events[0].actor_name == "–" and events[0].details == {}
        assert events[1].actor_name == "heute@kts.example"
    assert report.mail_files == 1 and not old_file.exists() and new_file.exists()


def test_cli_reports_what_it_did(app, runner):
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    assert "registrations anonymised: 0" in result.output


def test_staff_still_see_the_anonymised_row_counted(app, client, smtp):
    date_id = make_date(app)
    register(app, date_id, 1)
    age_date(app, date_id, 181)
    with app.app_context():
        purge(NOW)
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get(f"/staff/termine/{date_id}"))
    assert "(anonymisiert)" in page and "p1@kommune.de" not in page
    csv = client.get(f"/staff/termine/{date_id}/anmeldungen.csv").data.decode("utf-8-sig")
    assert "(anonymisiert)" in csv


def test_consultations_past_retention_lose_their_texts_and_person(app, smtp):
    from consultation_support import booking_request, make_advisor
    from startsmart.consultations import booking
    from startsmart.consultations.models import Consultation

    make_advisor(app, "berta@kts.example")
    with app.app_context():
        booked = booking.book(booking_request(working_day(7), 1), NOW, by_staff=True)
        consultation = db.session.get(Consultation, booked.consultation_id)
        consultation.notes = "vertraulich"
        db.session.commit()
        later = consultation.ends_at + timedelta(days=181)
        report = purge(later)
        assert report.consultations == 1
        db.session.expire_all()
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert consultation.person_id is None and consultation.phone is None
        assert (consultation.situation, consultation.goals, consultation.notes) == ("", "", "")
        assert consultation.municipality is not None  # counts per municipality stay


def _attempts_of(reference: str) -> list[DeliveryAttempt]:
    return list(
        db.session.execute(
            sa.select(DeliveryAttempt)
            .join(OutboxMessage, DeliveryAttempt.message_id == OutboxMessage.id)
            .where(OutboxMessage.reference == reference)
            .order_by(DeliveryAttempt.id)
        ).scalars()
    )


def test_the_servers_answers_that_quote_the_address_go_with_the_registration(app, smtp):
    """Delivery attempts are anonymised as their mails are: when, outcome and worker stay for
    the counts, the answer (which names the address) goes."""
    old, recent = make_date(app), make_date(app)
    smtp.handler.refuse["p"] = "451 4.2.0 <p@kommune.de>: mailbox busy"
    first = register(app, old, 1)
    second = register(app, recent, 2)
    smtp.handler.refuse.clear()
    with app.app_context():
        deliver_at(clock.now() + timedelta(minutes=2))
    age_date(app, old, 181)
    age_date(app, recent, 10)
    with app.app_context():
        assert purge(NOW).registrations == 1
        gone = _attempts_of(f"registration:{first}")
        assert [a.outcome for a in gone] == [AttemptOutcome.TEMPORARY, AttemptOutcome.SENT]
        assert all(a.reply == "" and a.worker for a in gone)
        message = db.session.get(OutboxMessage, gone[0].message_id)
        assert message.recipient == "" and message.last_error is None
        kept = _attempts_of(f"registration:{second}")
        assert "mailbox busy" in kept[0].reply and kept[1].reply.startswith("250 ")


def test_answers_go_with_the_mail_bodies_after_the_keep_days(app, smtp):
    smtp.handler.refuse["p1"] = "550 5.1.1 <p1@kommune.de>: no such user"
    register(app, make_date(app), 1)
    with app.app_context():
        [attempt] = db.session.execute(sa.select(DeliveryAttempt)).scalars().all()
        assert "<p1@kommune.de>" in attempt.reply
        purge(NOW + timedelta(days=29))
        assert "<p1@kommune.de>" in db.session.get(DeliveryAttempt, attempt.id).reply
        assert purge(NOW + timedelta(days=31)).mail_bodies == 1
        cleared = db.session.get(DeliveryAttempt, attempt.id)
        assert cleared.reply == "" and cleared.outcome is AttemptOutcome.PERMANENT
