"""The check-in address on a name badge, and reissuing one badge.

The address names the registration and carries a token: an HMAC under the app's ``SECRET_KEY``
of the registration id and the badge's generation, so nobody reaches another person's check-in
by counting ids. Generation 0 is the first badge (its token is that of the badges printed
before badges could be reissued); each reissue raises the generation (``ConferenceBadge``), and
from then on an earlier badge's code is recognised as replaced, never accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.conferences.models import Conference, ConferenceBadge
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.links import public_url
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import StaffUser

TOKEN_PURPOSE = b"conference-badge-check-in:"


def check_in_token(registration_id: int, generation: int = 0) -> str:
    """The unguessable part of a badge's check-in address (22 characters, URL-safe)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = TOKEN_PURPOSE + str(registration_id).encode()
    if generation:
        message += b":" + str(generation).encode()
    digest = hmac.new(key, message, hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def generations(registration_ids: Iterable[int]) -> dict[int, int]:
    """Registration id → its badge's current generation (0 unless reissued), one query."""
    wanted = set(registration_ids)
    found: dict[int, int] = dict.fromkeys(wanted, 0)
    if wanted:
        rows = db.session.execute(
            sa.select(ConferenceBadge.registration_id, ConferenceBadge.generation).where(
                ConferenceBadge.registration_id.in_(wanted)
            )
        ).all()
        found.update({registration_id: generation for registration_id, generation in rows})
    return found


def check_in_url(registration_id: int, generation: int | None = None) -> str:
    """The address printed as the badge's QR code (by default that of the current badge)."""
    if generation is None:
        generation = generations([registration_id])[registration_id]
    return public_url(
        "conferences_staff.check_in",
        registration_id=registration_id,
        token=check_in_token(registration_id, generation),
    )


class BadgeReplaced(LookupError):
    """The code of a badge that staff have since reissued."""

    def __init__(self, registration: Registration, conference: Conference, when: datetime):
        super().__init__(registration.id)
        self.registration = registration
        self.conference = conference
        self.when = when  # the latest reissue


def registration_for_check_in(registration_id: int, token: str) -> tuple[Registration, Conference]:
    """The registration a badge names and its conference. ``BadgeReplaced`` for the code of an
    earlier badge of the registration, ``LookupError`` when the token fits no badge of it or
    the registration is not a conference's."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise LookupError(registration_id)
    conference_id = registration.event_date.conference_id
    conference = db.session.get(Conference, conference_id) if conference_id else None
    if conference is None:
        raise LookupError(registration_id)
    badge = db.session.get(ConferenceBadge, registration_id)
    current = badge.generation if badge else 0
    if hmac.compare_digest(check_in_token(registration_id, current), token):
        return registration, conference
    if badge is not None and any(
        hmac.compare_digest(check_in_token(registration_id, earlier), token)
        for earlier in range(current)
    ):
        raise BadgeReplaced(registration, conference, badge.reissued_at)
    raise LookupError(registration_id)


@dataclass(frozen=True)
class Reissued:
    generation: int
    check_in_url: str


def reissue(registration_id: int, actor: StaffUser, now: datetime) -> Reissued:
    """A new badge for one confirmed registration: its code from now on, every earlier badge
    of the registration refused as replaced. Audit-logged; commits."""
    registration = db.session.execute(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .with_for_update()  # two clicks at once raise the generation once each, in turn
    ).scalar_one_or_none()
    if registration is None or registration.event_date.conference_id is None:
        raise DomainError(_("Diese Anmeldung gehört zu keiner Regionalkonferenz."))
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise DomainError(_("Diese Anmeldung ist nicht bestätigt; sie bekommt kein Namensschild."))
    badge = db.session.get(ConferenceBadge, registration.id, populate_existing=True)
    if badge is None:
        badge = ConferenceBadge(registration_id=registration.id, generation=0)
        db.session.add(badge)
    badge.generation += 1
    badge.reissued_at = now
    audit.record(
        "conference.badge_reissued",
        actor,
        now,
        subject=f"registration:{registration.id}",
        generation=badge.generation,
    )
    db.session.commit()
    return Reissued(badge.generation, check_in_url(registration.id, badge.generation))
