"""An advisor's private calendar feed of their consultations, behind a rotatable token.

The feed URL is a secret the advisor pastes into their calendar app; a calendar app cannot log
in. Only the token's hash is stored; rotating it revokes every earlier URL at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart import tokens
from startsmart.consultations import mails
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.invitations.ical import Method, build_calendar
from startsmart.links import public_url
from startsmart.staff.models import StaffUser

TOKEN_PURPOSE = "advisor_feed"
VALID_FOR = timedelta(days=3650)  # until rotated; a calendar subscription should not lapse


def rotate(advisor: StaffUser, now: datetime) -> str:
    """Revoke the advisor's old feed URL and return a new one (shown once)."""
    tokens.revoke_all(TOKEN_PURPOSE, advisor.id)
    token = tokens.mint(TOKEN_PURPOSE, advisor.id, now, now + VALID_FOR)
    db.session.commit()
    return public_url("consultations.advisor_feed", token=token)


def has_feed(advisor: StaffUser, now: datetime) -> bool:
    return db.session.execute(
        sa.select(
            sa.exists().where(
                tokens.AccessToken.purpose == TOKEN_PURPOSE,
                tokens.AccessToken.subject_id == advisor.id,
                tokens.AccessToken.expires_at > now,
            )
        )
    ).scalar_one()


def feed_for_token(token: str, now: datetime) -> bytes | None:
    advisor_id = tokens.resolve(TOKEN_PURPOSE, token, now)
    advisor = db.session.get(StaffUser, advisor_id) if advisor_id else None
    if advisor is None or not advisor.active:
        return None
    consultations = (
        db.session.execute(
            sa.select(Consultation)
            .where(
                Consultation.advisor_id == advisor.id,
                Consultation.status.in_(
                    (
                        ConsultationStatus.CONFIRMED,
                        ConsultationStatus.PENDING,
                        ConsultationStatus.CANCELLED,
                    )
                ),
                Consultation.ends_at > now - timedelta(days=30),
            )
            .order_by(Consultation.starts_at)
        )
        .scalars()
        .all()
    )
    events = []
    for consultation in consultations:
        event = mails.calendar_event(
            consultation,
            (advisor,),
            None,
            cancelled=consultation.status is ConsultationStatus.CANCELLED,
            for_advisor=True,
        )
        staff_link = public_url("consultations_staff.detail", consultation_id=consultation.id)
        summary = event.summary
        if consultation.status is ConsultationStatus.PENDING:
            summary = _("(unbestätigt) %(summary)s", summary=summary)
        events.append(replace(event, summary=summary, organizer=None, attendees=(), url=staff_link))
    return build_calendar(Method.PUBLISH, events, now, name=_("Start Smart – meine Beratungen"))
