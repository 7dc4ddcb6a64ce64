"""What Start Smart holds about a person: export it, delete it, and purge it after retention.

Anonymising keeps the counts (a registration still counts for its date and municipality, a
consultation for its advisor and municipality) and removes everything that names a person:
the link to the person, free texts they wrote, tokens, mail bodies, and the person row itself
once nothing refers to it any more.
"""

from __future__ import annotations

import email
import email.policy
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from startsmart import clock, tokens
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
from startsmart.invitations.outbox import FORGET_ONCE_SENT
from startsmart.municipalities import notes
from startsmart.municipalities.models import Person
from startsmart.my_bookings import access as my_bookings
from startsmart.registrations import service as registrations_service
from startsmart.registrations.models import ACTIVE, Consent, Registration
from startsmart.speed_dating import contacts, payloads, planning
from startsmart.speed_dating import mails as code_mails
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.service import display_code

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
        "speed_dating": [_speed_dating(p) for p in _participants([r.id for r in registrations])],
        "mails": [_mail(m) for m in _mails_to(person.email)],
        # Staff notes on a municipality that name the person (blanked on deletion).
        "staff_notes": [
            {"written_at": iso_or_none(n.created_at), "text": n.text} for n in notes.naming(person)
        ],
    }


def _participants(registration_ids: list[int]) -> list[SpeedDatingParticipant]:
    if not registration_ids:
        return []
    return list(
        db.session.execute(
            sa.select(SpeedDatingParticipant)
            .where(SpeedDatingParticipant.registration_id.in_(registration_ids))
            .order_by(SpeedDatingParticipant.id)
        ).scalars()
    )


def _speed_dating(participant: SpeedDatingParticipant) -> dict[str, Any]:
    """Where they sat with whom, their code, and whose contact details they got."""
    session = db.session.get_one(SpeedDatingSession, participant.session_id)
    view = payloads.participant_payload(participant, clock.now())
    return {
        "conference": session.conference.title,
        "starts_at": iso_or_none(session.starts_at),
        "code": display_code(participant.code),
        "municipality": participant.municipality_name,
        "present": participant.present,
        "checked_in_at": iso_or_none(participant.checked_in_at),
        "departed_at": iso_or_none(participant.departed_at),
        "rounds": [
            {
                "round": seat["round"],
                "table": seat["table"],
                "with": [f"{p['name']} ({p['municipality']})" for p in seat["partners"]],
            }
            for seat in view.get("schedule", [])
        ],
        "contacts_exchanged_at": iso_or_none(session.contacts_exchanged_at),
        "contacts_received": contacts.shared_with(session, participant.id),
    }


def _mails_to(address: str) -> list[OutboxMessage]:
    if not address:
        return []
    return list(
        db.session.execute(
            sa.select(OutboxMessage)
            .where(sa.func.lower(OutboxMessage.recipient) == address.lower())
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        ).scalars()
    )


def _mail(message: OutboxMessage) -> dict[str, Any]:
    attempts = db.session.execute(
        sa.select(DeliveryAttempt)
        .where(DeliveryAttempt.message_id == message.id)
        .order_by(DeliveryAttempt.number)
    ).scalars()
    return {
        "created_at": iso_or_none(message.created_at),
        "sent_at": iso_or_none(message.sent_at),
        "subject": message.subject,
        "status": message.status.value,
        # The text while it is kept (it goes after OUTBOX_KEEP_DAYS); a mail still to be
        # composed has none yet.
        "text": _text_of(message.raw) if message.raw else None,
        "delivery_attempts": [
            {"at": iso_or_none(a.at), "outcome": a.outcome.value, "reply": a.reply}
            for a in attempts
        ],
    }


def _text_of(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def export_json(person: Person) -> bytes:
    return json.dumps(export_person(person), ensure_ascii=False, indent=2).encode("utf-8")


def _anonymise_registration(registration: Registration, now: datetime) -> None:
    registration.person_id = None
    registration.question = None
    registration.pending_person = None  # a name and function typed, never confirmed
    registration.hold_client = None
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
    consultation.hold_client = None
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
    my_bookings.revoke(person_id)
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
    participants = _participants([r.id for r in registrations])
    notes.forget(person)
    for registration in registrations:
        _anonymise_registration(registration, now)
    for consultation in consultations:
        _anonymise_consultation(consultation, now)
    for participant in participants:
        _forget_participant(participant, now)
    _forget_audit_details(
        [f"registration:{r.id}" for r in registrations]
        + [f"consultation:{c.id}" for c in consultations]
        + [f"speed_dating_participant:{p.id}" for p in participants]
    )
    db.session.flush()
    _forget_speed_dating_mails(participants, now)
    # Everything else that went to their address (reminders, codes, contact details):
    # sent mail keeps its status, not who it went to or what it said.
    which = (
        sa.func.lower(OutboxMessage.recipient) == person.email.lower(),
        OutboxMessage.status.in_(SETTLED),
    )
    _forget_replies(*which)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(*which)
        .values(recipient="", subject="", raw=b"", payload=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    # Still on its way: the cancellations just queued (to them, and to the advisor naming
    # them). They go out as they are and are emptied once gone.
    references = [f"registration:{r.id}" for r in registrations] + [
        f"consultation:{c.id}" for c in consultations
    ]
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING)),
            sa.or_(
                OutboxMessage.reference.in_(references),
                sa.func.lower(OutboxMessage.recipient) == person.email.lower(),
            ),
        )
        .values(
            reference=sa.func.coalesce(FORGET_ONCE_SENT + OutboxMessage.reference, FORGET_ONCE_SENT)
        )
        .execution_options(synchronize_session=False)
    )
    _delete_if_unreferenced(person.id)
    db.session.commit()


def _forget_participant(participant: SpeedDatingParticipant, now: datetime) -> None:
    """The seat stays in the plan (the others' rounds do not change), shown as a deleted person
    everywhere; a fresh code that no one can type (not of the code alphabet's length), so the
    phone link answers like an unknown code."""
    participant.name = ""
    participant.registration_id = None
    participant.code = secrets.token_hex(8)
    db.session.get_one(SpeedDatingSession, participant.session_id).touch(now)


def _forget_audit_details(subjects: list[str]) -> None:
    """What the audit log noted about their records (an old and a new address, say); who did
    what when stays."""
    if subjects:
        db.session.execute(
            sa.update(AuditEvent)
            .where(AuditEvent.subject.in_(subjects))
            .values(details={})
            .execution_options(synchronize_session=False)
        )


def _forget_speed_dating_mails(participants: list[SpeedDatingParticipant], now: datetime) -> None:
    """Speed-dating mails that name the person: their own code and contact mails, and the
    contact mails of everyone who met them. Sent ones are emptied like other mail. Waiting ones
    are withdrawn (the code opens nothing any more); the others' contact mails are composed
    again without the person (they still get everyone else's details)."""
    for participant in participants:
        session = db.session.get_one(SpeedDatingSession, participant.session_id)
        stored = planning.current_plan(session.id)
        played = planning.plan_from_json(stored.plan) if stored else None
        met = contacts.met(played, session.current_round) if played else {}
        owners = {
            contacts.dedupe_key(participant.id): participant.id,
            code_mails.dedupe_key(participant.id): participant.id,
        }
        owners.update({contacts.dedupe_key(q): q for q in met.get(participant.id, set())})
        messages = db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.in_(owners))
        ).scalars()
        again = set()
        for message in messages:
            if message.status in SETTLED:
                _forget_replies(OutboxMessage.id == message.id)
                message.recipient = message.subject = ""
                message.raw = b""
                message.payload = None
                message.last_error = None
            elif message.status is OutboxStatus.QUEUED:
                # (one a worker is sending this very moment goes out as it is)
                owner = owners[message.dedupe_key or ""]
                if owner != participant.id:
                    again.add(owner)
                db.session.delete(message)
        db.session.flush()
        contacts.requeue(session, again, now)


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
