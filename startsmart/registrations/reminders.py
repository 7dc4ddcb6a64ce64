"""One reminder before each date to every confirmed participant, exactly once.

``send_due`` may run every minute, from several hosts at once: a reminder is claimed by a
conditional UPDATE (``… WHERE reminder_queued_at IS NULL``), so only one run gets each row,
and the outbox's unique dedupe key is the last line of defence.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.database import rowcount
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.registrations import mails
from startsmart.registrations.models import Registration, RegistrationStatus


def send_due(now: datetime) -> int:
    """Queue the reminders whose time has come; returns how many were queued."""
    window = timedelta(hours=current_app.config["REMINDER_HOURS_BEFORE"])
    candidates = db.session.execute(
        sa.select(Registration.id, Registration.confirmed_at, EventDate.starts_at)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Person, Registration.person_id == Person.id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            # A bounce said the address fails: no reminder until an address is confirmed again
            # (left unclaimed, so it still goes out if that happens in time).
            Person.undeliverable_at.is_(None),
            Registration.reminder_queued_at.is_(None),
            EventDate.status == EventDateStatus.PUBLISHED,
            EventDate.starts_at > now,
            EventDate.starts_at <= now + window,
        )
        .order_by(EventDate.starts_at)
    ).all()
    db.session.commit()
    queued = 0
    for registration_id, confirmed_at, starts_at in candidates:
        claimed = rowcount(
            db.session.execute(
                sa.update(Registration)
                .where(
                    Registration.id == registration_id,
                    Registration.reminder_queued_at.is_(None),
                )
                .values(reminder_queued_at=now)
            )
        )
        # Somebody who confirmed inside the window has just had the invitation: no reminder.
        if claimed and confirmed_at is not None and confirmed_at <= starts_at - window:
            mails.reminder(db.session.get_one(Registration, registration_id), now)
            queued += 1
        db.session.commit()
    return queued
