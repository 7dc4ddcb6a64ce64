"""After the consultation: internal notes, recommended next steps, the follow-up mail.

The follow-up is due a configurable number of working days (Monday to Friday; public holidays
are not counted out) after the consultation ended; the staff dashboard lists the overdue ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.consultations import mails
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.consultations.permissions import check_may_act
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import StaffUser


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days (Mon–Fri) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_on(consultation: Consultation) -> date:
    days = current_app.config["FOLLOW_UP_WORKING_DAYS"]
    return add_working_days(berlin_today(consultation.ends_at), days)


@dataclass(frozen=True)
class FollowUpState:
    """Where a held consultation's follow-up stands, for the staff lists."""

    sent_at: datetime | None
    due_on: date
    overdue: bool


def state(consultation: Consultation, now: datetime) -> FollowUpState:
    due = due_on(consultation)
    sent = consultation.follow_up_sent_at
    return FollowUpState(sent, due, sent is None and due < berlin_today(now))


def suggestions(consultation: Consultation, now: datetime) -> list[EventDate]:
    """Upcoming public dates worth recommending: thematic inputs on the consultation's topics,
    moderated exchanges, and the next online introduction."""
    topic_ids = [t.id for t in consultation.topics]
    dates = (
        db.session.execute(
            sa.select(EventDate)
            .join(Offering)
            .where(
                EventDate.status == EventDateStatus.PUBLISHED,
                EventDate.starts_at > now,
                Offering.retired_at.is_(None),
                Offering.format != OfferingFormat.INITIAL_CONSULTATION,
            )
            .options(selectinload(EventDate.offering).selectinload(Offering.topics))
            .order_by(EventDate.starts_at)
            .limit(60)
        )
        .scalars()
        .all()
    )
    picked, intro_seen = [], False
    for date_ in dates:
        fmt = date_.offering.format
        if fmt is OfferingFormat.ONLINE_INTRO:
            if not intro_seen:
                picked.append(date_)
                intro_seen = True
        elif (
            fmt is OfferingFormat.MODERATED_EXCHANGE
            or not topic_ids
            or any(t.id in topic_ids for t in date_.offering.topics)
        ):
            picked.append(date_)
    return picked


def record(
    consultation_id: int, notes: str, recommended: Iterable[int], actor: StaffUser, now: datetime
) -> Consultation:
    """Save the internal notes and the ticked recommendations (not sent yet)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise DomainError(_("Diese Beratung gibt es nicht."))
    check_may_act(actor, consultation)
    if len(notes) > 20000:
        raise DomainError(_("Die Notizen sind zu lang (höchstens 20.000 Zeichen)."), "notes")
    ids = list(recommended)
    chosen = (
        list(
            db.session.execute(
                sa.select(EventDate).where(
                    EventDate.id.in_(ids),
                    EventDate.starts_at > now,
                    EventDate.status == EventDateStatus.PUBLISHED,
                )
            ).scalars()
        )
        if ids
        else []
    )
    if len(chosen) != len(set(ids)):
        raise DomainError(
            _(
                "Mindestens ein empfohlener Termin ist nicht mehr buchbar. Bitte "
                "prüfen Sie die Auswahl."
            ),
            "recommended",
        )
    consultation.notes = notes.strip()
    consultation.recommendations = chosen
    audit.record(
        "consultation.follow_up",
        actor,
        now,
        subject=f"consultation:{consultation.id}",
        recorded=len(chosen),
    )
    db.session.commit()
    return consultation


def send(consultation_id: int, actor: StaffUser, now: datetime) -> Consultation:
    """Mail the municipality the recommended next steps with links to book them."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise DomainError(_("Diese Beratung gibt es nicht."))
    check_may_act(actor, consultation)
    if consultation.status is not ConsultationStatus.CONFIRMED or consultation.ends_at > now:
        raise DomainError(
            _("Das Follow-up kann erst nach einer stattgefundenen Beratung gesendet werden.")
        )
    if consultation.person is None:
        raise DomainError(_("Zu dieser Beratung gibt es keine Kontaktperson mehr."))
    mails.follow_up(consultation, now)
    consultation.follow_up_sent_at = now
    audit.record(
        "consultation.follow_up", actor, now, subject=f"consultation:{consultation.id}", sent=True
    )
    db.session.commit()
    return consultation


def overdue(now: datetime, advisor: StaffUser | None = None) -> list[Consultation]:
    """Held consultations without a follow-up whose due day has passed (Berlin time)."""
    query = (
        sa.select(Consultation)
        .where(is_overdue(now))
        .options(selectinload(Consultation.municipality), selectinload(Consultation.advisor))
        .order_by(Consultation.ends_at)
    )
    if advisor is not None:
        query = query.where(Consultation.advisor_id == advisor.id)
    return list(db.session.execute(query).scalars())


def overdue_before(now: datetime) -> datetime:
    """The instant before which a held consultation must have ended for its follow-up to be
    overdue now: the end of the last Berlin day whose due day (``due_on``) has passed. Adding
    working days never moves a later day before an earlier one, so one bound says it in SQL."""
    today = berlin_today(now)
    days = current_app.config["FOLLOW_UP_WORKING_DAYS"]
    last = today - timedelta(days=1)
    while add_working_days(last, days) >= today:
        last -= timedelta(days=1)
    return berlin_to_utc(last + timedelta(days=1), time(0))


def is_overdue(now: datetime) -> sa.ColumnElement[bool]:
    """SQL: a held consultation without a follow-up whose due day has passed."""
    return sa.and_(
        Consultation.status == ConsultationStatus.CONFIRMED,
        Consultation.follow_up_sent_at.is_(None),
        Consultation.ends_at < overdue_before(now),
    )
