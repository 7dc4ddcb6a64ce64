"""Recording staff actions, and reading them back for admins.

``record`` adds the event to the caller's transaction: the service that changes something
records it and commits once. Failed logins have no other change, so they commit on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.staff.models import StaffUser

# The actions, with how the log page names them.
ACTIONS = {
    "staff.login": _l("Anmeldung im internen Bereich"),
    "staff.login_failed": _l("Anmeldung im internen Bereich fehlgeschlagen"),
    "staff.logout": _l("Abmeldung"),
    "staff.created": _l("Konto angelegt"),
    "staff.updated": _l("Konto geändert"),
    "staff.password_changed": _l("Passwort geändert"),
    "staff.second_factor_set_up": _l("Zweiter Faktor eingerichtet"),
    "staff.second_factor_failed": _l("Falscher Code für den zweiten Faktor"),
    "staff.second_factor_reset": _l("Zweiter Faktor zurückgesetzt"),
    "staff.recovery_code_used": _l("Wiederherstellungscode verwendet"),
    "staff.room_url": _l("Persönlichen Videoraum geändert"),
    "offering.created": _l("Angebot angelegt"),
    "offering.updated": _l("Angebot geändert"),
    "offering.retired": _l("Angebot eingestellt"),
    "offering.reactivated": _l("Angebot reaktiviert"),
    "topic.updated": _l("Thema geändert"),
    "topic.deleted": _l("Thema gelöscht"),
    "date.created": _l("Termin angelegt"),
    "date.moved": _l("Termin verschoben"),
    "date.capacity": _l("Plätze geändert"),
    "date.details": _l("Termin-Angaben geändert"),
    "date.cancelled": _l("Termin abgesagt"),
    "registration.added": _l("Person angemeldet (durch Team)"),
    "registration.attendance": _l("Anwesenheit erfasst"),
    "registration.cancelled": _l("Anmeldung storniert (durch Team, auf Wunsch)"),
    "registration.resent": _l("E-Mail zur Anmeldung erneut gesendet"),
    "registration.email_changed": _l("E-Mail-Adresse einer Anmeldung geändert"),
    "registration.declined": _l("Anmeldung storniert (Absage aus dem Kalender)"),
    "registrations.exported": _l("Anmeldungen exportiert"),
    "registrations.messaged": _l("Nachricht an Angemeldete"),
    "outbox.resent": _l("E-Mail erneut gesendet"),
    "consultation.booked": _l("Beratung gebucht (durch Team)"),
    "consultation.reassigned": _l("Beratung übergeben"),
    "consultation.join_link": _l("Link zur Videoberatung geändert"),
    "consultation.cancelled": _l("Beratung abgesagt (durch Team)"),
    "consultation.follow_up": _l("Follow-up bearbeitet oder gesendet"),
    "consultation.declined": _l("Beratung im Kalender abgelehnt"),
    "person.undeliverable": _l("E-Mail-Adresse unzustellbar"),
    "availability.changed": _l("Beratungszeiten geändert"),
    "conference.created": _l("Regionalkonferenz angelegt"),
    "conference.updated": _l("Regionalkonferenz geändert"),
    "conference.session_added": _l("Programmpunkt einer Regionalkonferenz angelegt"),
    "conference.session_changed": _l("Programmpunkt einer Regionalkonferenz geändert"),
    "conference.session_deleted": _l("Programmpunkt einer Regionalkonferenz gelöscht"),
    "conference.choice_moved": _l("Person in einen anderen Workshop verschoben"),
    "conference.choice_assigned": _l("Person ohne Wahl in einen Workshop eingetragen"),
    "conference.check_in": _l("Anwesenheit in einem Workshop erfasst"),
    "conference.material_added": _l("Material einer Regionalkonferenz veröffentlicht"),
    "conference.material_changed": _l("Material einer Regionalkonferenz geändert"),
    "conference.material_deleted": _l("Material einer Regionalkonferenz gelöscht"),
    "conference.badge_reissued": _l("Namensschild einer Regionalkonferenz neu ausgegeben"),
    "speed_dating.changed": _l("Speed-Dating geändert"),
    "speed_dating.check_in": _l("Speed-Dating: Anwesenheit erfasst"),
    "speed_dating.walk_in": _l("Speed-Dating: Person ohne Anmeldung aufgenommen"),
    "speed_dating.planned": _l("Speed-Dating: Plan erstellt"),
    "speed_dating.replanned": _l("Speed-Dating: neu geplant"),
    "speed_dating.run": _l("Speed-Dating: Ablauf gesteuert"),
    "speed_dating.exported": _l("Speed-Dating-Plan exportiert"),
    "speed_dating.contacts": _l("Speed-Dating: Kontakte ausgetauscht"),
    "municipality.verified": _l("Neue Kommune angenommen"),
    "municipality.merged": _l("Kommune mit einer bekannten zusammengeführt"),
    "municipality.matched": _l("Eingetippte Kommune ihrem Eintrag im Verzeichnis zugeordnet"),
    "municipality.kept": _l("Eingetippte Kommune als eigene Kommune behalten"),
    "municipality.note_added": _l("Notiz zu einer Kommune geschrieben"),
    "municipality.note_deleted": _l("Notiz zu einer Kommune gelöscht"),
    "model_project.member_added": _l("Kommune einem Modellprojekt hinzugefügt"),
    "model_project.member_removed": _l("Kommune aus einem Modellprojekt entfernt"),
    "privacy.purged": _l("Personenbezogene Daten gelöscht"),
    "feedback.question_added": _l("Frage der Feedback-Umfrage angelegt"),
    "feedback.question_changed": _l("Frage der Feedback-Umfrage geändert"),
}


def record(
    action: str,
    actor: StaffUser | None,
    now: datetime,
    subject: str | None = None,
    actor_name: str | None = None,
    **details: Any,
) -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.session.add(
        AuditEvent(
            at=now,
            actor_id=actor.id if actor else None,
            actor_name=actor_name or (actor.email if actor else "–"),
            action=action,
            subject=subject,
            details={k: v for k, v in details.items() if v is not None},
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # an action, or a prefix such as "date."
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


PAGE_SIZE = 100


def events(chosen: AuditFilter, page: int = 1) -> tuple[list[AuditEvent], int]:
    """A page of events, newest first, and the number of matching events."""
    query = sa.select(AuditEvent)
    if chosen.action:
        if chosen.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(chosen.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == chosen.action)
    if chosen.actor_id:
        query = query.where(AuditEvent.actor_id == chosen.actor_id)
    if chosen.since:
        query = query.where(AuditEvent.at >= chosen.since)
    if chosen.until:
        query = query.where(AuditEvent.at < chosen.until)
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())
    ).scalar_one()
    rows = (
        db.session.execute(
            query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
        )
        .scalars()
        .all()
    )
    return list(rows), total
