"""The write path of a registration (``registrations.intake``) stores exactly the rows the ORM
would: the registration with every column, defaults included, and its first mail in the outbox.

Each case registers once through ``service.register``, takes the rows back, and writes the same
registration again the plain way (an ORM object, flushed; its first mail queued by ``mails``
as for any registration object), with the same inputs at the same moment. A column added to the
model, with a default or without, is compared without touching this test.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import pytest
import sqlalchemy as sa
from flask import current_app

from moments import moment_of_this_run
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import mails, seats, service
from startsmart.registrations.models import Registration, RegistrationStatus
from support import make_date

NOW = moment_of_this_run().astimezone(UTC)  # as the database gives it back
_registrations, _outbox = Registration.__table__, OutboxMessage.__table__
MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")
UID = re.compile(r"registration-[0-9a-f]{32}@startsmart\.test")

APPLICANT = service.Applicant(
    name="Jana Beispiel",
    email="jana.beispiel@kommune.de",
    function="Digitalisierung",
    municipality=MunicipalityInput("Gemeinde 1", FederalState.ST, MunicipalityKind.TOWN),
)


def stored(registration_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every column of the registration's row and of its one outbox row."""
    registration = db.session.execute(
        sa.select(_registrations).where(_registrations.c.id == registration_id)
    ).one()
    message = db.session.execute(
        sa.select(_outbox).where(_outbox.c.reference == f"registration:{registration_id}")
    ).one()
    return registration._asdict(), message._asdict()


def comparable(registration: dict[str, Any], message: dict[str, Any]) -> tuple[dict, dict]:
    """The rows without what differs by nature (ids, the random Message-ID and calendar UID),
    after checking that each is there and has its shape."""
    registration, message = dict(registration), dict(message)
    registration_id = registration.pop("id")
    assert isinstance(registration_id, int)
    assert isinstance(message.pop("id"), int)
    assert MESSAGE_ID.fullmatch(message.pop("message_id"))
    assert message.pop("reference") == f"registration:{registration_id}"
    facts = message["payload"]["facts"]["registration"]
    assert facts.pop("id") == registration_id
    uid = registration.pop("ical_uid")
    assert UID.fullmatch(uid)
    assert facts.pop("ical_uid") == uid
    return registration, message


def plain_orm_registration(fast: dict[str, Any], by_staff: bool) -> Registration:
    """The registration the way any code that has a model would write it: the columns the
    inputs decide, everything else left to the model."""
    registration = Registration(
        event_date_id=fast["event_date_id"],
        person_id=fast["person_id"],
        municipality_id=fast["municipality_id"],
        privacy_notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        privacy_acknowledged_at=NOW,
    )
    if by_staff:
        registration.status = RegistrationStatus.CONFIRMED
        registration.added_by_staff = True
        registration.email_confirmed_at = NOW
        registration.confirmed_at = NOW
    else:
        registration.status = RegistrationStatus.PENDING
        starts_at = db.session.get_one(EventDate, fast["event_date_id"]).starts_at
        registration.hold_expires_at = seats.hold_until(NOW, starts_at)
        # What the public form typed waits for the mailbox owner's confirmation.
        registration.pending_person = {
            "name": APPLICANT.name,
            "function": APPLICANT.function,
            "locale": APPLICANT.locale,
            "municipality_id": fast["municipality_id"],
        }
    db.session.add(registration)
    db.session.flush()
    if by_staff:
        mails.invitation(registration, NOW)
    else:
        mails.confirm_request(registration, NOW)
    return registration


@pytest.mark.parametrize("by_staff", [False, True], ids=["public-pending", "staff-confirmed"])
def test_the_write_path_stores_the_rows_the_orm_would(app, smtp, travel, by_staff):
    travel.move_to(NOW, tick=False)  # the same clock for both, and for the models' defaults
    date_id = make_date(app, capacity=5)
    with app.app_context():
        outcome = service.register(date_id, APPLICANT, NOW, by_staff=by_staff)
        fast = stored(outcome.registration_id)
        # Take it back, so that the same person can be registered for the same date again.
        db.session.execute(sa.delete(_outbox).where(_outbox.c.id == fast[1]["id"]))
        db.session.execute(sa.delete(_registrations).where(_registrations.c.id == fast[0]["id"]))
        db.session.commit()

        registration = plain_orm_registration(fast[0], by_staff)
        db.session.commit()
        plain = stored(registration.id)

    assert set(fast[0]) == {column.key for column in _registrations.columns}
    fast_registration, fast_message = comparable(*fast)
    plain_registration, plain_message = comparable(*plain)
    assert fast_registration == plain_registration
    assert fast_message.pop("payload") == plain_message.pop("payload")
    assert fast_message == plain_message
