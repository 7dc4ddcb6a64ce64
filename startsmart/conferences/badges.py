"""What a conference looks like on paper: name badges with a check-in QR code, room signs and
the day's programme, and the check-in that the badge's code opens.

The badge's code is a staff address (``conferences_staff.check_in``) that names the
registration and carries a token: an HMAC of the registration id under the app's
``SECRET_KEY``, so nobody can reach another person's check-in by counting ids, and nothing
needs to be stored. Checking in records attendance exactly as the date's attendance list does
(``registrations.staff_service.record_attendance``), so marking twice changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time

import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from startsmart.clock import berlin_to_utc, berlin_wall_time
from startsmart.conferences import programme, registrants
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionChoice,
)
from startsmart.conferences.service import conference_date
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.links import public_url
from startsmart.registrations import staff_service
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.staff.models import StaffUser

TOKEN_PURPOSE = b"conference-badge-check-in:"


def check_in_token(registration_id: int) -> str:
    """The unguessable part of a badge's check-in address (22 characters, URL-safe)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, TOKEN_PURPOSE + str(registration_id).encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def token_matches(registration_id: int, token: str) -> bool:
    return hmac.compare_digest(check_in_token(registration_id), token)


def check_in_url(registration_id: int) -> str:
    return public_url(
        "conferences_staff.check_in",
        registration_id=registration_id,
        token=check_in_token(registration_id),
    )


def qr_svg(url: str) -> Markup:
    """The address as a QR code, inline SVG: no script, no image request."""
    return Markup(
        segno.make(url, error="m").svg_inline(
            scale=3, border=2, svgclass="qr", lineclass=None, omitsize=True
        )
    )


def name_size(text: str) -> str:
    """How large a name or Kommune may be printed so that it fits its badge (a CSS class)."""
    if len(text) <= 24:
        return "fits-large"
    if len(text) <= 48:
        return "fits-medium"
    if len(text) <= 100:
        return "fits-small"
    return "fits-tiny"


@dataclass(frozen=True)
class Badge:
    registration_id: int
    name: str
    municipality: str  # the registration's Kommune (the directory's name once matched)
    check_in_url: str
    qr: Markup
    # The workshops the person has a place in, in time order ("10:30 Offene Daten"): where to
    # be when, and for the workshop's check-in at the door.
    workshops: list[str] = field(default_factory=list)

    @property
    def name_size(self) -> str:
        return name_size(self.name)

    @property
    def municipality_size(self) -> str:
        return name_size(self.municipality)


def _badge(registration: Registration, workshops: list[str]) -> Badge:
    url = check_in_url(registration.id)
    municipality = registration.municipality
    return Badge(
        registration_id=registration.id,
        name=registration.person.name if registration.person else "",
        municipality=municipality.name if municipality else "",
        check_in_url=url,
        qr=qr_svg(url),
        workshops=workshops,
    )


def badges(
    conference: Conference, since: datetime | None = None, registration_id: int | None = None
) -> list[Badge]:
    """A badge for every confirmed registration of the conference (registered at or after
    ``since``, or only ``registration_id``), in the order of the registrations list."""
    event_date = conference_date(conference.id)
    if event_date is None:
        return []
    rows = registrants.registrants(event_date.id, RegistrationStatus.CONFIRMED)
    chosen = [
        r.registration
        for r in rows
        if r.registration.person is not None
        and (since is None or r.registration.created_at >= since)
        and (registration_id is None or r.registration.id == registration_id)
    ]
    places = _workshop_places([registration.id for registration in chosen])
    return [_badge(registration, places.get(registration.id, [])) for registration in chosen]


def _workshop_places(registration_ids: list[int]) -> dict[int, list[str]]:
    """Registration id → its seated workshops as "10:30 Title", in time order (one query)."""
    if not registration_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            SessionChoice.registration_id, ConferenceSession.starts_at, ConferenceSession.title
        )
        .join(ConferenceSession, ConferenceSession.id == SessionChoice.session_id)
        .where(
            SessionChoice.registration_id.in_(registration_ids),
            SessionChoice.status == ChoiceStatus.SEATED,
        )
        .order_by(ConferenceSession.starts_at, ConferenceSession.position)
    ).all()
    places: dict[int, list[str]] = {}
    for registration_id, starts_at, title in rows:
        places.setdefault(registration_id, []).append(
            f"{berlin_wall_time(starts_at)[1]:%H:%M} {title}"
        )
    return places


@dataclass(frozen=True)
class Sign:
    """One printed page: a room's sessions on one day, or (room None) the day's programme."""

    day: date
    room: str | None
    sessions: list[ConferenceSession]


def signs(conference: Conference) -> list[Sign]:
    """Per day of the conference: the whole programme first, then one sign per room (in the
    order rooms are first used) with the sessions held there. Sessions without a room appear
    only on the day's programme."""
    by_day: dict[date, list[ConferenceSession]] = {}
    for session in programme.sessions_of(conference.id):
        by_day.setdefault(berlin_wall_time(session.starts_at)[0], []).append(session)
    pages = []
    for day, sessions in by_day.items():
        pages.append(Sign(day, None, sessions))
        rooms: dict[str, list[ConferenceSession]] = {}
        for session in sessions:
            if session.room.strip():
                rooms.setdefault(session.room.strip(), []).append(session)
        pages.extend(Sign(day, room, held) for room, held in rooms.items())
    return pages


def registration_for_check_in(registration_id: int, token: str) -> tuple[Registration, Conference]:
    """The registration a badge names and its conference, or ``LookupError`` when the token
    does not fit or the registration is not a conference's."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not token_matches(registration_id, token):
        raise LookupError(registration_id)
    conference_id = registration.event_date.conference_id
    conference = db.session.get(Conference, conference_id) if conference_id else None
    if conference is None:
        raise LookupError(registration_id)
    return registration, conference


def check_in_opens(starts_at: datetime) -> datetime:
    """People arrive before the first session: the badge check-in opens at 6 h Berlin time on
    the conference's first day (never later than its start)."""
    day = berlin_wall_time(starts_at)[0]
    return min(berlin_to_utc(day, time(6)), starts_at)


def check_in(registration: Registration, actor: StaffUser, now: datetime) -> bool:
    """Mark the person as attended (the date's attendance, recorded the usual way). Returns
    whether anything changed: a second scan changes nothing. Commits."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise DomainError(_("Diese Anmeldung ist nicht bestätigt; ein Check-in ist nicht möglich."))
    if registration.attendance is Attendance.ATTENDED:
        return False
    changed = staff_service.record_attendance(
        registration.event_date_id,
        {registration.id: Attendance.ATTENDED},
        actor,
        now,
        opens_at=check_in_opens(registration.event_date.starts_at),
    )
    return changed > 0
