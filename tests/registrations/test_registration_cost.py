"""What one registration costs the database, and the waiting list's order under the lock."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import sqlalchemy as sa

from moments import moment_of_this_run
from outbox_support import deliver_at
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from startsmart.registrations.models import (
    Consent,
    ConsentKind,
    Registration,
    RegistrationStatus,
)
from support import counted_statements, links_in, make_date

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def applicant(number: int, town: str = "Gemeinde 1") -> service.Applicant:
    return service.Applicant(
        name=f"Person {number}",
        email=f"person{number}@kommune.de",
        function="Digitalisierung",
        municipality=MunicipalityInput(town, FederalState.ST, MunicipalityKind.TOWN),
    )


def test_a_registration_is_five_statements_on_postgresql_and_six_on_sqlite(app, smtp):
    """Lock the date (with its offering and the municipality's id); write the person and
    count the date's registrations; count the unconfirmed requests of the client, the mail
    domain and unverified municipalities (a public form's caps); insert the registration;
    insert its mail. SQLite has no INSERT inside WITH: the person is a statement of its own
    there. Composing the mail is the outbox worker's job."""
    date_id = make_date(app, capacity=5)
    with app.app_context():
        db.session.add(
            Municipality(name="Halle", kind=MunicipalityKind.TOWN, state=FederalState.ST)
        )
        db.session.commit()
        service.register(date_id, applicant(0, "Halle"), NOW)  # warm: nothing to settle after
        with counted_statements() as statements:
            outcome = service.register(date_id, applicant(1, "Halle"), NOW)
        assert outcome.status is RegistrationStatus.PENDING
        if db.engine.dialect.name == "postgresql":
            expected = [
                "SELECT",  # the date, locked, with its offering and the municipality
                "WITH",  # the person (upsert) and the count
                "SELECT",  # the unconfirmed requests (startsmart.unconfirmed)
                "INSERT",  # the registration
                "INSERT",  # its mail
            ]
        else:
            expected = ["SELECT", "INSERT", "SELECT", "SELECT", "INSERT", "INSERT"]
        assert [s.split()[0] for s in statements] == expected, "\n".join(statements)
        with counted_statements() as statements:
            again = service.register(date_id, applicant(1, "Halle"), NOW)
        assert again.repeated and again.registration_id == outcome.registration_id
        assert len(statements) <= 5, "\n".join(statements)


def test_the_registration_its_mail_and_its_consents_are_written_together(app, smtp):
    """The rows written are complete: the registration under the id its mail names, the mail
    with its defaults (queued, no attempts), one consent per tick."""
    date_id = make_date(app, capacity=5)
    with app.app_context():
        outcome = service.register(
            date_id,
            dataclasses.replace(applicant(1), news_consent=True),
            NOW,
        )
        registration = db.session.get(Registration, outcome.registration_id)
        assert registration.person.email == "person1@kommune.de"
        assert registration.created_at == NOW and registration.attendance is None
        message = db.session.execute(
            sa.select(OutboxMessage).where(
                OutboxMessage.reference == f"registration:{registration.id}"
            )
        ).scalar_one()
        assert message.status is OutboxStatus.QUEUED and message.attempts == 0
        assert message.created_at == NOW and message.kind == "registration_confirm"
        assert message.payload["facts"]["registration"]["id"] == registration.id
        consents = db.session.execute(sa.select(Consent)).scalars().all()
        assert [(c.kind, c.source) for c in consents] == [
            (ConsentKind.NEWS, f"registration:{registration.id}")
        ]
        second = service.register(date_id, applicant(2, "Gemeinde 2"), NOW)
        assert second.registration_id > registration.id
        deliver_at(NOW)
        assert len(smtp.to("person1@kommune.de")) == 1


def test_an_overdue_hold_is_still_settled_by_the_next_registration(app, smtp):
    date_id = make_date(app, capacity=1)
    with app.app_context():
        held = service.register(date_id, applicant(1), NOW)
        hours = app.config["REGISTRATION_HOLD_HOURS"]
        after = NOW + timedelta(hours=hours, minutes=1)
        newcomer = service.register(date_id, applicant(2, "Gemeinde 2"), after)
        assert newcomer.status is RegistrationStatus.PENDING
        db.session.expire_all()
        assert db.session.get(Registration, held.registration_id).status is (
            RegistrationStatus.EXPIRED
        )


def test_who_gets_the_lock_later_joins_the_list_later_whatever_their_clock_said(app, smtp):
    """``now`` is read before the lock is granted: a request that waited for the lock can carry
    an earlier time than the one before it. It must still queue behind it, so that the place
    each was told stays their place."""
    date_id = make_date(app, capacity=1, limit=10)
    with app.app_context():
        service.register(date_id, applicant(1), NOW)  # takes the seat
        second = service.register(date_id, applicant(2), NOW + timedelta(seconds=2))
        third = service.register(date_id, applicant(3), NOW + timedelta(seconds=1))
        fourth = service.register(date_id, applicant(4), NOW + timedelta(seconds=1))
        assert [second.position, third.position, fourth.position] == [1, 2, 3]
        queued = [
            db.session.get(Registration, o.registration_id).queued_at
            for o in (second, third, fourth)
        ]
        assert queued == sorted(queued) and len(set(queued)) == 3
        deliver_at(NOW + timedelta(days=1))
        link = next(
            u for u in links_in(smtp.to("person1@kommune.de")[0]) if u.endswith("/bestaetigen")
        )
        token = link.split("/anmeldung/")[1].split("/")[0]
        service.cancel(token, NOW + timedelta(minutes=5))
        db.session.expire_all()
        assert db.session.get(Registration, second.registration_id).status is (
            RegistrationStatus.PENDING
        )
        assert db.session.get(Registration, third.registration_id).status is (
            RegistrationStatus.WAITLISTED
        )
