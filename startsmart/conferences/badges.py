"""What a conference looks like on paper: name badges with a check-in QR code, room signs and
the day's programme, and the check-in that the badge's code opens.

The badge's code is a staff address (``conferences_staff.check_in``) that names the
registration and carries a token (``badge_tokens``: reissuing one badge voids its earlier
codes). Checking in records attendance exactly as the date's attendance list does
(``registrations.staff_service.record_attendance``) and, for a person who takes part in the
conference's speed-dating, ticks them present there too (``speed_dating.service``), in one
transaction: scanning twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import segno
import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup

from startsmart.clock import berlin_to_utc, berlin_wall_time
from startsmart.conferences import programme, registrants
from startsmart.conferences.badge_tokens import check_in_url, generations
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionChoice,
)
from startsmart.conferences.service import conference_date
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.registrations import staff_service
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.speed_dating import service as speed_dating
from startsmart.staff.models import StaffUser


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


def _badge(registration: Registration, generation: int, workshops: list[str]) -> Badge:
    url = check_in_url(registration.id, generation)
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
    ids = [registration.id for registration in chosen]
    places = _workshop_places(ids)
    issued = generations(ids)
    return [
        _badge(registration, issued[registration.id], places.get(registration.id, []))
        for registration in chosen
    ]


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


def check_in_opens(starts_at: datetime) -> datetime:
    """People arrive before the first session: the badge check-in opens at 6 h Berlin time on
    the conference's first day (never later than its start)."""
    day = berlin_wall_time(starts_at)[0]
    return min(berlin_to_utc(day, time(6)), starts_at)


@dataclass(frozen=True)
class Arrival:
    """What a scan changed: the conference's attendance, the speed-dating's presence."""

    attended: bool
    speed_dating: bool

    @property
    def changed(self) -> bool:
        return self.attended or self.speed_dating


def check_in(registration: Registration, actor: StaffUser, now: datetime) -> Arrival:
    """Mark the person as attended (the date's attendance, recorded the usual way) and, if
    they take part in the conference's speed-dating, present there (once: somebody staff
    have since marked gone stays gone). A second scan changes nothing. Commits."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise DomainError(_("Diese Anmeldung ist nicht bestätigt; ein Check-in ist nicht möglich."))
    attended = False
    if registration.attendance is not Attendance.ATTENDED:
        attended = (
            staff_service.record_attendance(
                registration.event_date_id,
                {registration.id: Attendance.ATTENDED},
                actor,
                now,
                opens_at=check_in_opens(registration.event_date.starts_at),
                commit=False,
            )
            > 0
        )
    conference_id = registration.event_date.conference_id
    assert conference_id is not None  # the check-in address names a conference's registration
    present = speed_dating.arrived_by_badge(conference_id, registration, actor, now)
    db.session.commit()
    return Arrival(attended, present)
