"""What Start Smart holds about a person: export it, delete it, and purge it after retention.

Anonymising keeps the counts (a registration still counts for its date and municipality, a
consultation for its advisor and municipality) and removes everything that names a person:
the link to the person, free texts they wrote, tokens, mail bodies, and the person row itself
once nothing refers to it any more.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from startsmart import tokens
from startsmart.audit import service as audit
from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import EventDate, Offering
from startsmart.clock import iso_or_none
from startsmart.conferences.models import Conference
from startsmart.consultations import booking
from startsmart.consultations.models import BLOCKING, Consultation
from startsmart.database import rowcount
from startsmart.extensions import db
from startsmart.invitations.models import DeliveryAttempt, OutboxMessage, OutboxStatus
from startsmart.municipalities.models import Person
from startsmart.registrations import service as registrations_service
from startsmart.registrations.models import ACTIVE, Consent, Registration
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession

SETTLED = (OutboxStatus.SENT, OutboxStatus.FAILED)


def export_person(person: Person) -> dict[str, Any]:
    """Everything held about ``person`` (Art. 15 GDPR), as plain JSON-ready data."""
    registrations = (
        db.session.execute(
            sa.select(Registration)
            .where(Registration.person_id == person.id)
            .order_by(Registration.created_at)
        )
        .scalars()
        .all()
    )
    consultations = (
        db.session.execute(
            sa.select(Consultation)
            .where(Consultation.person_id == person.id)
            .order_by(Consultation.starts_at)
        )
        .scalars()
        .all()
    )
    consents = (
        db.session.execute(
            sa.select(Consent).where(Consent.person_id == person.id).order_by(Consent.given_at)
        )
        .scalars()
        .all()
    )
    municipality = person.municipality
    return {
        "person": {
            "name": person.name,
            "email": person.email,
            "function": person.function,
            "language": person.locale,
            "created_at": iso_or_none(person.created_at),
            "municipality": municipality.name if municipality else None,
        },
        "registrations": [
            {
                "offering": r.event_date.offering.title,
                "starts_at": iso_or_none(r.event_date.starts_at),
                "status": r.status.value,
                "question": r.question,
                "municipality": r.municipality.name if r.municipality else None,
                "created_at": iso_or_none(r.created_at),
                "confirmed_at": iso_or_none(r.confirmed_at),
                "cancelled_at": iso_or_none(r.cancelled_at),
                "attendance": r.attendance.value if r.attendance else None,
                "privacy_notice_version": r.privacy_notice_version,
                "privacy_acknowledged_at": iso_or_none(r.privacy_acknowledged_at),
            }
            for r in registrations
        ],
        "consultations": [
            {
                "starts_at": iso_or_none(c.starts_at),
                "channel": c.channel.value,
                "status": c.status.value,
                "advisor": c.advisor.name,
                "situation": c.situation,
                "goals": c.goals,
                "phone": c.phone,
                "topics": [t.name for t in c.topics],
                "notes_by_advisor": c.notes,
                "follow_up_sent_at": iso_or_none(c.follow_up_sent_at),
            }
            for c in consultations
        ],
        "consents": [
            {
                "kind": c.kind.value,
                "given_at": iso_or_none(c.given_at),
                "revoked_at": iso_or_none(c.revoked_at),
                "source": c.source,
            }
            for c in consents
        ],
    }


def export_json(person: Person) -> bytes:
    return json.dumps(export_person(person), ensure_ascii=False, indent=2).encode("utf-8")


def _anonymise_registration(registration: Registration, now: datetime) -> None:
    registration.person_id = None
    registration.question = None
    registration.pending_person = None  # a name and function typed, never confirmed
    registration.anonymised_at = now
    tokens.revoke_all("registration", registration.id)
    _forget_mail(f"registration:{registration.id}")


def _anonymise_consultation(consultation: Consultation, now: datetime) -> None:
    consultation.person_id = None
    consultation.situation = ""
    consultation.goals = ""
    consultation.notes = ""
    consultation.phone = None
    consultation.topics = []
    consultation.pending_person = None  # a name and function typed, never confirmed
    consultation.anonymised_at = now
    tokens.revoke_all("consultation", consultation.id)
    _forget_mail(f"consultation:{consultation.id}")


def _anonymise_speed_dating(cutoff: datetime) -> int:
    """Speed-dating participants of conferences that ended before ``cutoff``: no name, no link
    to a registration, and a fresh random code, so the old phone-view link opens nothing. The
    plan keeps its shape (who met whom, by number) for the counts."""
    rows = (
        db.session.execute(
            sa.select(SpeedDatingParticipant)
            .join(SpeedDatingSession, SpeedDatingParticipant.session_id == SpeedDatingSession.id)
            .join(Conference, SpeedDatingSession.conference_id == Conference.id)
            .where(Conference.ends_at <= cutoff, SpeedDatingParticipant.name != "")
        )
        .scalars()
        .all()
    )
    for participant in rows:
        participant.name = ""
        participant.registration_id = None
        participant.code = secrets.token_hex(8)
    return len(rows)


def _forget_mail(reference: str) -> None:
    """Sent (or failed) mail keeps its status for the counts; who it went to and what it
    said are gone. Mail still waiting is left alone: it is about to tell the person something."""
    which = (OutboxMessage.reference == reference, OutboxMessage.status.in_(SETTLED))
    _forget_replies(*which)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(*which)
        .values(recipient="", subject="", raw=b"", payload=None, last_error=None)
    )


def _forget_replies(*which: sa.ColumnElement[bool]) -> None:
    """The SMTP server's answers to the messages ``which`` selects: they often quote the
    address ("550 <kim@…>: no such user"), so they go with it. The attempts themselves stay
    (when, sent or failed, which worker), as the message's status does."""
    db.session.execute(
        sa.update(DeliveryAttempt)
        .where(
            DeliveryAttempt.message_id.in_(sa.select(OutboxMessage.id).where(*which)),
            DeliveryAttempt.reply != "",
        )
        .values(reply="")
        .execution_options(synchronize_session=False)
    )


def _delete_if_unreferenced(person_id: int) -> bool:
    still_used = db.session.execute(
        sa.select(
            sa.exists().where(Registration.person_id == person_id)
            | sa.exists().where(Consultation.person_id == person_id)
        )
    ).scalar()
    if still_used:
        return False
    db.session.execute(sa.delete(Consent).where(Consent.person_id == person_id))
    db.session.execute(sa.delete(Person).where(Person.id == person_id))
    return True


@dataclass
class PurgeReport:
    registrations: int = 0
    consultations: int = 0
    people: int = 0
    speed_dating: int = 0
    mail_bodies: int = 0
    mail_files: int = 0
    audit_events: int = 0
    person_ids: set[int] = field(default_factory=set)

    def lines(self) -> list[str]:
        return [
            f"registrations anonymised: {self.registrations}",
            f"consultations anonymised: {self.consultations}",
            f"people deleted: {self.people}",
            f"speed-dating participants anonymised: {self.speed_dating}",
            f"mail bodies cleared: {self.mail_bodies}",
            f"mail files deleted: {self.mail_files}",
            f"audit events cleared: {self.audit_events}",
        ]


def purge(now: datetime) -> PurgeReport:
    """Anonymise what is past its retention period. Idempotent: a second run finds nothing."""
    default_days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    report = PurgeReport()
    days = sa.func.coalesce(Offering.retention_days, default_days)
    registrations = db.session.execute(
        sa.select(Registration, EventDate.ends_at, days)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(Registration.anonymised_at.is_(None))
    ).all()
    for registration, ends_at, keep_days in registrations:
        if ends_at + timedelta(days=keep_days) <= now:
            if registration.person_id is not None:
                report.person_ids.add(registration.person_id)
            _anonymise_registration(registration, now)
            report.registrations += 1
    cutoff = now - timedelta(days=default_days)
    consultations = (
        db.session.execute(
            sa.select(Consultation).where(
                Consultation.anonymised_at.is_(None), Consultation.ends_at <= cutoff
            )
        )
        .scalars()
        .all()
    )
    for consultation in consultations:
        if consultation.person_id is not None:
            report.person_ids.add(consultation.person_id)
        _anonymise_consultation(consultation, now)
        report.consultations += 1
    report.speed_dating = _anonymise_speed_dating(now - timedelta(days=default_days))
    db.session.flush()
    report.people = sum(_delete_if_unreferenced(pid) for pid in sorted(report.person_ids))
    # Mail bodies are needed only while a message is on its way (and to look into a failure).
    mail_cutoff = now - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    old_mail = (
        OutboxMessage.status.in_(SETTLED),
        OutboxMessage.created_at <= mail_cutoff,
        OutboxMessage.recipient != "",
    )
    _forget_replies(*old_mail)  # first: afterwards the recipient no longer tells them apart
    report.mail_bodies = rowcount(
        db.session.execute(
            sa.update(OutboxMessage)
            .where(*old_mail)
            .values(recipient="", subject="", raw=b"", last_error=None)
        )
    )
    report.audit_events = rowcount(
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.at <= cutoff, sa.cast(AuditEvent.details, sa.Text) != "{}")
            .values(details={})
        )
    )
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.at <= cutoff, AuditEvent.action == "staff.login_failed")
        .values(actor_name="–")
    )
    if report.registrations or report.consultations or report.people or report.speed_dating:
        audit.record(
            "privacy.purged",
            None,
            now,
            actor_name="flask privacy purge",
            registrations=report.registrations,
            consultations=report.consultations,
            people=report.people,
        )
    db.session.commit()
    report.mail_files = _delete_old_mail_files(now, default_days)
    return report


def _delete_old_mail_files(now: datetime, days: int) -> int:
    folder = Path(current_app.instance_path) / "mail"
    if not folder.is_dir():
        return 0
    cutoff = (now - timedelta(days=days)).timestamp()
    deleted = 0
    for path in folder.glob("*.eml"):
        if path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def delete_person(person: Person, now: datetime) -> None:
    """The person asked to be forgotten: open registrations and bookings are cancelled first
    (the usual calendar CANCEL is queued while the address is still known), then everything is
    anonymised at once and the person row deleted — one transaction."""
    registrations = (
        db.session.execute(sa.select(Registration).where(Registration.person_id == person.id))
        .scalars()
        .all()
    )
    consultations = (
        db.session.execute(sa.select(Consultation).where(Consultation.person_id == person.id))
        .scalars()
        .all()
    )
    for registration in registrations:
        if registration.status in ACTIVE and registration.event_date.starts_at > now:
            registrations_service.withdraw(registration.id, now)
    for consultation in consultations:
        if consultation.status in BLOCKING and consultation.starts_at > now:
            booking.withdraw(consultation.id, now)
    for registration in registrations:
        _anonymise_registration(registration, now)
    for consultation in consultations:
        _anonymise_consultation(consultation, now)
    db.session.flush()
    _delete_if_unreferenced(person.id)
    db.session.commit()


def consents_of(person: Person) -> list[Consent]:
    return list(
        db.session.execute(
            sa.select(Consent).where(Consent.person_id == person.id).order_by(Consent.given_at)
        ).scalars()
    )


def revoke_consent(person: Person, consent_id: int, now: datetime) -> bool:
    """Revoke one of the person's own consents; False if it is not theirs or already revoked."""
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.person_id != person.id or consent.revoked_at is not None:
        return False
    consent.revoked_at = now
    return True
