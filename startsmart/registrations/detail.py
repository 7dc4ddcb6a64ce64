"""What staff read about one registration: its history and the mails sent about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit.models import AuditEvent
from startsmart.audit.service import ACTIONS
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.registrations.models import Registration

# The mails of a registration as staff call them (the outbox rows' ``kind``).
MAIL_KINDS = {
    "registration_confirm": lambda: _("Bitte bestätigen"),
    "registration_invitation": lambda: _("Einladung"),
    "registration_waitlisted": lambda: _("Warteliste"),
    "registration_promoted": lambda: _("Nachgerückt, bitte bestätigen"),
    "registration_update": lambda: _("Aktualisierung"),
    "registration_cancelled": lambda: _("Stornierung"),
    "registration_expired": lambda: _("Verfallen"),
    "registration_reminder": lambda: _("Erinnerung"),
    "workshop_promoted": lambda: _("Workshopplatz frei geworden"),
    "workshop_waiting_moved": lambda: _("Warteliste in anderem Workshop"),
    "staff_message": lambda: _("Nachricht des Teams"),
    "conference_session_invitation": lambda: _("Programmpunkt: Einladung"),
    "conference_session_update": lambda: _("Programmpunkt: Aktualisierung"),
    "conference_session_cancelled": lambda: _("Programmpunkt: entfernt"),
}


def mail_kind(kind: str) -> str:
    name = MAIL_KINDS.get(kind)
    return name() if name else kind


@dataclass(frozen=True)
class Step:
    """One line of a registration's history."""

    at: datetime
    what: str
    who: str | None = None  # the staff member, for steps from the audit log
    note: str | None = None  # what staff typed or the data changed: reason, old → new address
    remark: str | None = None  # what the app adds to it, in the reader's language


def _step(event: AuditEvent) -> Step:
    details = event.details or {}
    what = str(ACTIONS.get(event.action, event.action))
    if event.action == "registration.cancelled":
        if details.get("notified"):
            told: str = _("Person per E-Mail informiert")
        else:
            told = _("ohne E-Mail an die Person")
        return Step(event.at, what, event.actor_name, details.get("reason"), told)
    if event.action == "registration.email_changed":
        change = f"{details.get('old', '–')} → {details.get('new', '–')}"
        return Step(event.at, what, event.actor_name, change)
    if event.action == "registration.resent":
        sent: str = _(
            "%(what)s an %(to)s", what=mail_kind(details.get("kind", "")), to=details.get("to", "–")
        )
        return Step(event.at, what, event.actor_name, remark=sent)
    return Step(event.at, what, event.actor_name)


def history(registration: Registration) -> list[Step]:
    """What happened to the registration, oldest first: its own moments and the staff's
    actions on it from the audit log (with reason, or old and new address)."""
    events = list(
        db.session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.subject == f"registration:{registration.id}")
            .order_by(AuditEvent.at, AuditEvent.id)
        ).scalars()
    )
    # Cancelled by staff or by a decline from the calendar: that step says it, with who.
    staff_cancelled = any(
        e.action in ("registration.cancelled", "registration.declined") for e in events
    )
    moments = [
        (
            registration.created_at,
            _("vom Team eingetragen") if registration.added_by_staff else _("angemeldet"),
        ),
        # Staff entries count as confirmed from the start: no step of their own then.
        (
            None
            if registration.email_confirmed_at == registration.created_at
            else registration.email_confirmed_at,
            _("E-Mail-Adresse bestätigt"),
        ),
        (registration.promoted_at, _("von der Warteliste nachgerückt")),
        (registration.confirmed_at, _("Platz bestätigt")),
        (registration.expired_at, _("verfallen (nicht rechtzeitig bestätigt)")),
        (None if staff_cancelled else registration.cancelled_at, _("storniert")),
    ]
    steps = [Step(at, what) for at, what in moments if at is not None]
    steps += [_step(e) for e in events]
    return sorted(steps, key=lambda step: step.at)


def mails_of(registration: Registration) -> list[OutboxMessage]:
    """Every mail about the registration in the outbox, newest first."""
    return list(
        db.session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.reference == f"registration:{registration.id}")
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        ).scalars()
    )
