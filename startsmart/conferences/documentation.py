"""The one mail after a conference: "the documentation is online", with the link to the public
documentation page.

Who gets it: every confirmed registrant of the conference whom staff did not mark as "nicht
erschienen". Check-in at a conference of a hundred people is rarely complete, and people
who registered expect the slides whether or not somebody ticked them off at the door; the
page is public anyway, so nothing is given to somebody who should not see it. Not: cancelled
or waitlisted registrations, bounced addresses, anonymised or deleted people.

When: once the conference has ended, it has at least one material, and no material was added
for ``DOCUMENTATION_MAIL_DELAY_HOURS`` (staff usually upload several files one after another;
the mail waits until they are done), up to ``DOCUMENTATION_MAIL_MAX_AGE_DAYS`` after the end.
A material added after the mail went out sends nothing more: one mail per person.

Exactly once, as ``feedback.sending``: each mail is claimed by inserting its
``DocumentationMail`` (unique per registration, an INSERT that does nothing on a conflict) in
the transaction that queues it; a parallel or repeated run finds the row and sends nothing,
and the outbox's unique dedupe key is the last line of defence.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.conferences.models import Conference, ConferenceMaterial, DocumentationMail
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.outbox import queue_mail
from startsmart.links import public_url
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus

TEMPLATE = "conference_documentation"


def due_conferences(now: datetime) -> list[Conference]:
    """Conferences whose documentation mail may go out now."""
    config = current_app.config
    quiet_since = now - timedelta(hours=config["DOCUMENTATION_MAIL_DELAY_HOURS"])
    earliest_end = now - timedelta(days=config["DOCUMENTATION_MAIL_MAX_AGE_DAYS"])
    newest = (
        sa.select(sa.func.max(ConferenceMaterial.created_at))
        .where(ConferenceMaterial.conference_id == Conference.id)
        .scalar_subquery()
    )
    return list(
        db.session.execute(
            sa.select(Conference)
            .where(
                Conference.ends_at <= now,
                Conference.ends_at > earliest_end,
                newest <= quiet_since,
            )
            .order_by(Conference.ends_at, Conference.id)
        ).scalars()
    )


def _recipients(conference_id: int) -> list[Registration]:
    mailed = sa.select(DocumentationMail.id).where(
        DocumentationMail.registration_id == Registration.id
    )
    return list(
        db.session.execute(
            sa.select(Registration)
            .join(EventDate, Registration.event_date_id == EventDate.id)
            .join(Person, Registration.person_id == Person.id)
            .where(
                EventDate.conference_id == conference_id,
                EventDate.status != EventDateStatus.CANCELLED,
                Registration.status == RegistrationStatus.CONFIRMED,
                sa.or_(
                    Registration.attendance.is_(None),
                    Registration.attendance != Attendance.NO_SHOW,
                ),
                Person.undeliverable_at.is_(None),
                ~sa.exists(mailed),
            )
            .order_by(Registration.id)
        ).scalars()
    )


@functools.cache
def _claim(dialect_name: str) -> sa.Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = DocumentationMail.__table__
    insert: sa.Insert = dialect.insert(table).on_conflict_do_nothing().returning(table.c.id)
    return insert


def send_due(now: datetime) -> int:
    """Queue the documentation mails whose time has come; returns how many were queued."""
    queued = 0
    for conference in due_conferences(now):
        url = public_url("conferences.documentation", slug=conference.slug)
        title, starts_at = conference.title, conference.starts_at
        registrations = [(r.id, r.person_id, r.locale) for r in _recipients(conference.id)]
        db.session.commit()
        for registration_id, person_id, locale in registrations:
            claimed = db.session.execute(
                _claim(db.engine.dialect.name),
                {
                    "conference_id": conference.id,
                    "registration_id": registration_id,
                    "sent_at": now,
                },
            ).scalar_one_or_none()
            if claimed is not None:  # None: a parallel run claimed it first
                person = db.session.get_one(Person, person_id)
                queue_mail(
                    to=Recipient(
                        email=person.email,
                        name=person.name,
                        locale=locale if locale in ("de", "en") else "de",
                    ),
                    template=TEMPLATE,
                    context={"title": title, "starts_at": starts_at, "documentation_url": url},
                    now=now,
                    # As every mail about a registration: the privacy purge finds it by this.
                    reference=f"registration:{registration_id}",
                    dedupe_key=f"documentation:{registration_id}",
                )
                queued += 1
            db.session.commit()
    return queued
