"""The survey mail, once to each participant who attended, some hours after the end.

``send_due`` may run every minute, from several hosts at once: each mail is claimed by
inserting its ``FeedbackInvitation`` (unique per registration and per consultation, an INSERT
that does nothing on a conflict), and the mail is queued in the same transaction, so a
parallel or repeated run finds the row and sends nothing; the outbox's unique dedupe key is
the last line of defence. Who attended: a registration staff marked "teilgenommen" (dates and
conferences alike: a conference's registration is a date of its internal offering), and a
consultation that was held (confirmed, and its end has passed). Nobody whose address bounced,
nobody whose data was deleted or anonymised (no person any more).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from startsmart import tokens
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.conferences.models import Conference
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.feedback import questions
from startsmart.feedback.models import CONSULTATION, EVENT_DATE, FeedbackInvitation
from startsmart.invitations.compose import Recipient
from startsmart.invitations.outbox import queue_mail
from startsmart.links import public_url
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus

TOKEN_PURPOSE = "feedback"
TEMPLATE = "feedback_survey"


@dataclass(frozen=True)
class _Due:
    """One survey mail to queue: for a registration or a consultation."""

    subject_kind: str
    subject_id: int
    offering_id: int | None
    registration_id: int | None
    consultation_id: int | None
    person_id: int
    locale: str
    starts_at: datetime
    title: str | None  # None: a consultation (its title is translated into the mail's language)


def window(now: datetime) -> tuple[datetime, datetime]:
    """Ends between these two moments are due (the later one: at least the delay ago)."""
    config = current_app.config
    return (
        now - timedelta(days=config["FEEDBACK_MAX_AGE_DAYS"]),
        now - timedelta(hours=config["FEEDBACK_DELAY_HOURS"]),
    )


def _registrations(now: datetime) -> Iterator[_Due]:
    earliest, latest = window(now)
    answered = sa.select(FeedbackInvitation.id).where(
        FeedbackInvitation.registration_id == Registration.id
    )
    rows = db.session.execute(
        sa.select(Registration, EventDate, Conference.title)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Person, Registration.person_id == Person.id)
        .outerjoin(Conference, EventDate.conference_id == Conference.id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attendance == Attendance.ATTENDED,
            Person.undeliverable_at.is_(None),
            EventDate.status != EventDateStatus.CANCELLED,
            EventDate.ends_at > earliest,
            EventDate.ends_at <= latest,
            ~sa.exists(answered),
        )
        .order_by(EventDate.ends_at, Registration.id)
    ).all()
    for registration, event_date, conference_title in rows:
        assert registration.person_id is not None  # joined to its person above
        yield _Due(
            EVENT_DATE,
            event_date.id,
            event_date.offering_id,
            registration.id,
            None,
            registration.person_id,
            registration.locale,
            event_date.starts_at,
            conference_title or event_date.offering.title,
        )


def _consultations(now: datetime) -> Iterator[_Due]:
    earliest, latest = window(now)
    answered = sa.select(FeedbackInvitation.id).where(
        FeedbackInvitation.consultation_id == Consultation.id
    )
    rows = db.session.execute(
        sa.select(Consultation)
        .join(Person, Consultation.person_id == Person.id)
        .where(
            Consultation.status == ConsultationStatus.CONFIRMED,
            Person.undeliverable_at.is_(None),
            Consultation.ends_at > earliest,
            Consultation.ends_at <= latest,
            ~sa.exists(answered),
        )
        .order_by(Consultation.ends_at, Consultation.id)
    ).scalars()
    for consultation in rows:
        assert consultation.person_id is not None
        yield _Due(
            CONSULTATION,
            consultation.id,
            None,
            None,
            consultation.id,
            consultation.person_id,
            consultation.locale,
            consultation.starts_at,
            None,
        )


@functools.cache
def _claim(dialect_name: str) -> sa.Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = FeedbackInvitation.__table__
    insert: sa.Insert = dialect.insert(table).on_conflict_do_nothing().returning(table.c.id)
    return insert


def send_due(now: datetime) -> int:
    """Queue the survey mails whose time has come; returns how many were queued."""
    questions.ensure_defaults(now)
    db.session.commit()
    due = [*_registrations(now), *_consultations(now)]
    db.session.commit()
    asked = len(questions.active())
    queued = 0
    for item in due:
        invitation_id = db.session.execute(
            _claim(db.engine.dialect.name),
            {
                "subject_kind": item.subject_kind,
                "subject_id": item.subject_id,
                "offering_id": item.offering_id,
                "registration_id": item.registration_id,
                "consultation_id": item.consultation_id,
                "sent_at": now,
                "answered": False,
            },
        ).scalar_one_or_none()
        if invitation_id is not None:  # None: a parallel run claimed it first
            _queue(item, invitation_id, asked, now)
            queued += 1
        db.session.commit()
    return queued


def _queue(item: _Due, invitation_id: int, asked: int, now: datetime) -> None:
    person = db.session.get_one(Person, item.person_id)
    expires_at = now + timedelta(days=current_app.config["FEEDBACK_LINK_DAYS"])
    token = tokens.mint(TOKEN_PURPOSE, invitation_id, now, expires_at)
    locale = item.locale if item.locale in ("de", "en") else "de"
    with force_locale(locale):
        title = item.title or _("Initialberatung")
    queue_mail(
        to=Recipient(email=person.email, name=person.name, locale=locale),
        template=TEMPLATE,
        context={
            "title": title,
            "starts_at": item.starts_at,
            "survey_url": public_url("feedback.survey_page", token=token),
            "expires_at": expires_at,
            "questions": asked + 1,  # and the free text
        },
        now=now,
        # As the other mails about the registration or consultation: the privacy purge and
        # deletion find it by this reference.
        reference=(
            f"registration:{item.registration_id}"
            if item.registration_id is not None
            else f"consultation:{item.consultation_id}"
        ),
        dedupe_key=f"feedback:{invitation_id}",
    )
