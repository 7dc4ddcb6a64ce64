"""One reminder before each confirmed consultation, to the municipality, exactly once; a
video consultation's waits for its link."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.consultations import mails, video_links
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.database import rowcount
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.staff.models import StaffUser


def send_due(now: datetime) -> int:
    """Claim each due reminder with a conditional UPDATE, so parallel runs never double up."""
    window = timedelta(hours=current_app.config["REMINDER_HOURS_BEFORE"])
    candidates = db.session.execute(
        sa.select(Consultation.id, Consultation.confirmed_at, Consultation.starts_at)
        .join(Person, Consultation.person_id == Person.id)
        .join(StaffUser, StaffUser.id == Consultation.advisor_id)
        .where(
            Consultation.status == ConsultationStatus.CONFIRMED,
            # A bounce said the address fails: no reminder until an address is confirmed again.
            Person.undeliverable_at.is_(None),
            Consultation.reminder_queued_at.is_(None),
            Consultation.starts_at > now,
            Consultation.starts_at <= now + window,
            # A video consultation without a link waits: the reminder must carry it.
            sa.not_(video_links.lacks_link()),
        )
    ).all()
    db.session.commit()
    queued = 0
    for consultation_id, confirmed_at, starts_at in candidates:
        claimed = rowcount(
            db.session.execute(
                sa.update(Consultation)
                .where(
                    Consultation.id == consultation_id,
                    Consultation.reminder_queued_at.is_(None),
                )
                .values(reminder_queued_at=now)
            )
        )
        # Booked (walk-in) or confirmed inside the window: the invitation is fresh, no reminder.
        if claimed and confirmed_at is not None and confirmed_at <= starts_at - window:
            mails.reminder(db.session.get_one(Consultation, consultation_id), now)
            queued += 1
        db.session.commit()
    return queued
