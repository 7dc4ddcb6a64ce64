"""What staff do with the registrations of a date: record attendance, write to everybody.

(Adding a person by hand is ``service.register(..., by_staff=True)``; moving, resizing and
cancelling the date are in ``date_changes``.) Each function is one transaction it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_datetime
from startsmart.invitations.compose import Recipient
from startsmart.invitations.outbox import queue_mail
from startsmart.registrations.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    StaffMessage,
)
from startsmart.staff.models import StaffUser

# Who a message can go to: everybody still registered. Cancelled and expired are out.
MESSAGE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
)
MAX_SUBJECT = 200
MAX_TEXT = 5000


def _date(date_id: int) -> EventDate:
    event_date = db.session.get(EventDate, date_id)
    if event_date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    return event_date


def attendance_open(event_date: EventDate, now: datetime) -> bool:
    """Attendance is recorded once the date has begun (not for a cancelled date)."""
    return event_date.status is not EventDateStatus.CANCELLED and now >= event_date.starts_at


def record_attendance(
    date_id: int,
    marks: Mapping[int, Attendance | None],
    actor: StaffUser,
    now: datetime,
    opens_at: datetime | None = None,
    commit: bool = True,
) -> int:
    """Set attended / no-show (None: not recorded) per confirmed registration of the date,
    from ``opens_at`` on (default: the date's start; a conference's badge check-in opens
    earlier, at the door). Returns how many registrations changed. ``commit=False``: a step of
    the caller's unit of work (the badge check-in), not committed."""
    event_date = _date(date_id)
    if event_date.status is EventDateStatus.CANCELLED:
        raise DomainError(_("Dieser Termin wurde abgesagt; es gibt keine Teilnahme zu erfassen."))
    opens_at = opens_at or event_date.starts_at
    if now < opens_at:
        raise DomainError(
            _(
                "Die Teilnahme lässt sich erst ab Beginn des Termins erfassen "
                "(%(when)s Uhr Berliner Zeit).",
                when=berlin_datetime(opens_at, "short"),
            )
        )
    registrations = {
        r.id: r
        for r in db.session.execute(
            sa.select(Registration).where(
                Registration.event_date_id == event_date.id, Registration.id.in_(set(marks))
            )
        ).scalars()
    }
    if set(marks) - set(registrations):
        raise DomainError(_("Eine der Anmeldungen gehört nicht zu diesem Termin."))
    changed = 0
    for registration_id, mark in marks.items():
        registration = registrations[registration_id]
        if registration.status is not RegistrationStatus.CONFIRMED:
            raise DomainError(
                _("Die Teilnahme lässt sich nur für bestätigte Anmeldungen erfassen.")
            )
        if registration.attendance is not mark:
            registration.attendance = mark
            changed += 1
    audit.record(
        "registration.attendance",
        actor,
        now,
        subject=f"event_date:{event_date.id}",
        changed=changed,
    )
    if commit:
        db.session.commit()
    return changed


def send_message(
    date_id: int,
    subject: str,
    text: str,
    statuses: Iterable[RegistrationStatus],
    actor: StaffUser,
    now: datetime,
) -> StaffMessage:
    """One mail per registered person of the chosen statuses, all queued in one transaction
    (all or none), and a record of what was sent."""
    subject = " ".join((subject or "").split())  # one line: it becomes a mail header
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not subject:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), "subject")
    if len(subject) > MAX_SUBJECT:
        raise DomainError(_("Höchstens %(n)d Zeichen.", n=MAX_SUBJECT), "subject")
    if not text:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), "text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("Höchstens %(n)d Zeichen.", n=MAX_TEXT), "text")
    chosen = [s for s in MESSAGE_STATUSES if s in set(statuses)]
    if not chosen:
        raise DomainError(_("Bitte wählen Sie mindestens eine Gruppe aus."), "to_confirmed")
    event_date = _date(date_id)
    registrations = list(
        db.session.execute(
            sa.select(Registration)
            .where(
                Registration.event_date_id == event_date.id,
                Registration.status.in_(chosen),
                Registration.person_id.is_not(None),  # anonymised rows have nobody to write to
            )
            .options(joinedload(Registration.person))
            .order_by(Registration.id)
        ).scalars()
    )
    if not registrations:
        raise DomainError(
            _("In den gewählten Gruppen ist niemand angemeldet; es wurde nichts verschickt."),
            "to_confirmed",
        )
    for registration in registrations:
        person = registration.person
        assert person is not None  # the query leaves out anonymised rows
        queue_mail(
            to=Recipient(email=person.email, name=person.name, locale=registration.locale),
            template="staff_message",
            context={"subject": subject, "text": text},
            now=now,
            reference=f"registration:{registration.id}",
        )
    message = StaffMessage(
        event_date=event_date,
        sent_by_id=actor.id,
        subject=subject,
        text=text,
        recipients=len(registrations),
        statuses=",".join(s.value for s in chosen),
        created_at=now,
    )
    db.session.add(message)
    audit.record(
        "registrations.messaged",
        actor,
        now,
        subject=f"event_date:{event_date.id}",
        subject_line=subject,
        recipients=len(registrations),
    )
    db.session.commit()
    return message


def export_for(date_id: int, actor: StaffUser, now: datetime) -> EventDate:
    """Every export of personal data is in the audit log (the rows are read by the caller)."""
    event_date = _date(date_id)
    audit.record("registrations.exported", actor, now, subject=f"event_date:{event_date.id}")
    db.session.commit()
    return event_date
