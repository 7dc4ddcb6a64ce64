"""Answering the survey from the mailed link: once per invitation, stored without the person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart import clock, tokens
from startsmart.catalog.models import EventDate
from startsmart.conferences.models import Conference
from startsmart.consultations.models import Consultation
from startsmart.database import rowcount
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.feedback import questions
from startsmart.feedback.models import (
    EVENT_DATE,
    FeedbackInvitation,
    FeedbackRating,
    FeedbackResponse,
)
from startsmart.feedback.sending import TOKEN_PURPOSE

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Subject:
    """What the survey asks about, as the page names it."""

    title: str
    starts_at: datetime
    title_en: str = ""  # empty: English pages show the German title


def invitation_for(token: str, now: datetime) -> FeedbackInvitation | None:
    """The invitation a valid link opens; None for an unknown or expired one."""
    invitation_id = tokens.resolve(TOKEN_PURPOSE, token, now)
    return db.session.get(FeedbackInvitation, invitation_id) if invitation_id else None


def subject_of(invitation: FeedbackInvitation) -> Subject:
    if invitation.subject_kind == EVENT_DATE:
        event_date = db.session.get_one(EventDate, invitation.subject_id)
        conference = (
            db.session.get(Conference, event_date.conference_id)
            if event_date.conference_id
            else None
        )
        named = conference or event_date.offering
        return Subject(named.title, event_date.starts_at, named.title_en)
    consultation = db.session.get_one(Consultation, invitation.subject_id)
    return Subject(_("Initialberatung"), consultation.starts_at)


def answer(
    invitation_id: int, ratings: Mapping[int, int | None], comment: str, now: datetime
) -> None:
    """Store one anonymous response for the invitation, or refuse a second one.

    The invitation is marked answered by a conditional UPDATE in the same transaction, so two
    parallel submits store one response. The response itself carries no invitation, person or
    time finer than the day."""
    asked = {q.id for q in questions.active()}
    values = {qid: value for qid, value in ratings.items() if value is not None}
    if set(values) - asked or any(not 1 <= v <= 5 for v in values.values()):
        raise DomainError(_("Bitte wählen Sie je Frage einen Wert von 1 bis 5."))
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("Bitte fassen Sie sich kürzer (höchstens %(n)d Zeichen).", n=MAX_COMMENT), "comment"
        )
    if not values and not text:
        raise DomainError(_("Bitte beantworten Sie mindestens eine Frage."))
    claimed = rowcount(
        db.session.execute(
            sa.update(FeedbackInvitation)
            .where(FeedbackInvitation.id == invitation_id, FeedbackInvitation.answered.is_(False))
            .values(answered=True)
        )
    )
    if not claimed:
        db.session.rollback()
        raise DomainError(_("Sie haben diese Umfrage bereits beantwortet. Vielen Dank!"))
    invitation = db.session.get_one(FeedbackInvitation, invitation_id)
    response = FeedbackResponse(
        subject_kind=invitation.subject_kind,
        subject_id=invitation.subject_id,
        offering_id=invitation.offering_id,
        answered_on=clock.berlin_today(now),
        comment=text or None,
        ratings=[FeedbackRating(question_id=qid, value=v) for qid, v in sorted(values.items())],
    )
    db.session.add(response)
    db.session.commit()
