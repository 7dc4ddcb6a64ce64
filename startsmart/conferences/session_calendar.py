"""A participant's personal conference calendar: each session they are seated in (a chosen
workshop) is its own calendar entry, sent as its own iTIP REQUEST mail through the outbox.

RFC 5546 allows one UID per REQUEST message (and Outlook needs it), so the conference day stays
the registration's own invitation (``registrations.mails``) and every seated session gets a
``SessionInvitation``: its own UID, chosen once, and a SEQUENCE that rises with each mail about
it. A session that moves (time, room or title) is sent again with the same UID and SEQUENCE+1;
a session dropped from the programme, a choice changed away from it or a cancelled
registration is taken out of the calendar with a CANCEL, SEQUENCE+1. The entry keeps what its
last mail said (title, times, room): a move is noticed by comparing, and a CANCEL of a deleted
session still names it.

Mails are queued as outbox intents with a snapshot, like ``registrations.mails``: a mail
rendered late says what was true when it was queued.

Where these must be called (inside the caller's transaction; the caller commits):

- ``sync(registration, wanted_session_ids, now)``: whenever the set of sessions a registration
  is seated in may have changed. The choice service after every choice, change of choice,
  promotion from a session's waiting list and staff move between workshops (with the sessions
  the registration is now seated in; a waiting-list place is not a seat). The registration
  services after the registration is confirmed (its seated sessions), and after it is cancelled
  or expires, by the person or by staff, and when its whole date is cancelled
  (``registrations.service.cancel``, ``registrations.staff_actions``,
  ``registrations.date_changes.cancel_date``; any wanted set: a registration that is not
  confirmed gets everything cancelled). Call it with the registration row locked (the choice
  service holds that lock already); a unique index catches two writers that race anyway.
- ``session_changed(session_id, now)``: after staff changed a session (wired into
  ``programme.change_session``); ``conference_changed(conference_id, now)`` after the whole
  conference moved or changed its place (wired into ``service.update_conference``).
- ``session_dropped(session_id, now)``: before a session is deleted (wired into
  ``programme.delete_session`` and ``programme.move_all_and_delete``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from startsmart.bilingual import text_of
from startsmart.catalog.calendar import offering_url
from startsmart.clock import iso_or_none
from startsmart.conferences.models import (
    ConferenceSession,
    SessionInvitation,
    SessionInvitationState,
    SessionKind,
)
from startsmart.extensions import db
from startsmart.invitations.compose import Draft, Invitation, Recipient, organizer
from startsmart.invitations.ical import Attendee, CalendarEvent, Method
from startsmart.invitations.outbox import Intent, queue_intent, renders
from startsmart.registrations import mails
from startsmart.registrations.models import Registration, RegistrationStatus

RENDERER = "session_calendar"
TEMPLATE = "conference_session"
# The outbox rows' ``kind`` of the three mails.
INVITATION = "conference_session_invitation"
UPDATE = "conference_session_update"
CANCELLED = "conference_session_cancelled"


def sync(
    registration: Registration,
    wanted_session_ids: Iterable[int],
    now: datetime,
    waiting: Sequence[tuple[ConferenceSession, int]] = (),
) -> int:
    """Bring the calendar entries of ``registration`` in line with the sessions it is seated in
    (``wanted_session_ids``): a REQUEST for each new one (SEQUENCE 0, or the old UID with
    SEQUENCE+1 if it was cancelled before), an update for one whose snapshot is out of date, a
    CANCEL (SEQUENCE+1) for each entry no longer wanted. Sessions of other conferences are
    ignored. A registration that is not confirmed, or names nobody, keeps no entry. A CANCEL
    says which session of the same start the person now waits for (``waiting``: session and
    place in its line), as after a staff move onto a full workshop. Idempotent; returns how
    many mails were queued."""
    entries = {
        entry.session_id: entry
        for entry in db.session.execute(
            sa.select(SessionInvitation).where(SessionInvitation.registration_id == registration.id)
        ).scalars()
    }
    seated = registration.status is RegistrationStatus.CONFIRMED and registration.person is not None
    wanted = _sessions(registration, set(wanted_session_ids)) if seated else []
    queued = 0
    # What leaves the calendar first: a changed choice reads "removed", then "added".
    kept = {session.id for session in wanted}
    for session_id, held in entries.items():
        if held.state is SessionInvitationState.ACTIVE and session_id not in kept:
            gone = db.session.get(ConferenceSession, session_id) if session_id else None
            instead = next((w for w in waiting if w[0].starts_at == held.starts_at), None)
            queued += _cancel(registration, held, gone, now, instead)
    for session in wanted:
        known = entries.get(session.id)
        if known is None:
            entry = SessionInvitation(
                registration_id=registration.id,
                session_id=session.id,
                ical_sequence=0,
                state=SessionInvitationState.ACTIVE,
            )
            _take(entry, session, now)
            db.session.add(entry)
            db.session.flush()  # its UID
            queued += _send(registration, entry, session, INVITATION, now)
        elif known.state is SessionInvitationState.CANCELLED:
            known.ical_sequence += 1
            known.state = SessionInvitationState.ACTIVE
            _take(known, session, now)
            queued += _send(registration, known, session, INVITATION, now)
        elif _moved(known, session):
            queued += _update(registration, known, session, now)
    return queued


def session_changed(session_id: int, now: datetime) -> int:
    """After staff changed a session: everybody whose entry no longer says its time, room or
    title gets the entry again, same UID, SEQUENCE+1. Returns how many mails were queued."""
    session = db.session.get(ConferenceSession, session_id)
    if session is None:
        return 0
    db.session.flush()
    return sum(
        _follow(registration, entry, session, now, _moved(entry, session))
        for entry, registration in _holders(session_id)
    )


def conference_changed(conference_id: int, now: datetime, venue_changed: bool) -> int:
    """After the conference moved or changed its place (``service.update_conference``, in
    the transaction that moves the date): every entry whose session moved along, or all of them if
    the venue changed (it is part of their LOCATION), is sent again, SEQUENCE+1. Returns how
    many mails were queued."""
    sessions = db.session.execute(
        sa.select(ConferenceSession).where(ConferenceSession.conference_id == conference_id)
    ).scalars()
    return sum(
        _follow(registration, entry, session, now, venue_changed or _moved(entry, session))
        for session in list(sessions)
        for entry, registration in _holders(session.id)
    )


def _follow(
    registration: Registration,
    entry: SessionInvitation,
    session: ConferenceSession,
    now: datetime,
    changed: bool,
) -> int:
    """An active entry after a change: sent again if ``changed``; cancelled if its
    registration no longer holds a confirmed seat (a ``sync`` that was missed)."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        return _cancel(registration, entry, session, now)
    return _update(registration, entry, session, now) if changed else 0


def session_dropped(session_id: int, now: datetime) -> int:
    """Before staff delete a session: a CANCEL (SEQUENCE+1) for everybody who has it in their
    calendar, naming it as their calendar shows it. Returns how many mails were queued."""
    session = db.session.get(ConferenceSession, session_id)
    queued = 0
    for entry, registration in _holders(session_id):
        queued += _cancel(registration, entry, session, now)
    return queued


def active_entries(
    registration: Registration,
) -> list[tuple[SessionInvitation, ConferenceSession | None]]:
    """The entries in the person's calendar, in time order, each with its session (None if the
    session is gone; then it is no longer active either)."""
    rows = db.session.execute(
        sa.select(SessionInvitation, ConferenceSession)
        .outerjoin(ConferenceSession, ConferenceSession.id == SessionInvitation.session_id)
        .where(
            SessionInvitation.registration_id == registration.id,
            SessionInvitation.state == SessionInvitationState.ACTIVE,
        )
        .order_by(SessionInvitation.starts_at, SessionInvitation.id)
    ).all()
    return [(entry, session) for entry, session in rows]


def _sessions(registration: Registration, ids: set[int]) -> list[ConferenceSession]:
    conference_id = registration.event_date.conference_id
    if not ids or conference_id is None:
        return []
    return list(
        db.session.execute(
            sa.select(ConferenceSession)
            .where(
                ConferenceSession.id.in_(ids),
                ConferenceSession.conference_id == conference_id,
            )
            .order_by(ConferenceSession.starts_at, ConferenceSession.id)
        ).scalars()
    )


def _holders(session_id: int) -> list[tuple[SessionInvitation, Registration]]:
    rows = db.session.execute(
        sa.select(SessionInvitation, Registration)
        .join(Registration, Registration.id == SessionInvitation.registration_id)
        .where(
            SessionInvitation.session_id == session_id,
            SessionInvitation.state == SessionInvitationState.ACTIVE,
        )
        .order_by(SessionInvitation.id)
    ).all()
    return [(entry, registration) for entry, registration in rows]


def _moved(entry: SessionInvitation, session: ConferenceSession) -> bool:
    return (entry.title, entry.starts_at, entry.ends_at, entry.room) != (
        session.title,
        session.starts_at,
        session.ends_at,
        session.room,
    )


def _take(entry: SessionInvitation, session: ConferenceSession, now: datetime) -> None:
    """Note in ``entry`` what the mail about to be queued says."""
    entry.title = session.title
    entry.starts_at = session.starts_at
    entry.ends_at = session.ends_at
    entry.room = session.room
    entry.updated_at = now


def _update(
    registration: Registration,
    entry: SessionInvitation,
    session: ConferenceSession,
    now: datetime,
) -> int:
    entry.ical_sequence += 1
    _take(entry, session, now)
    return _send(registration, entry, session, UPDATE, now)


def _cancel(
    registration: Registration,
    entry: SessionInvitation,
    session: ConferenceSession | None,
    now: datetime,
    instead: tuple[ConferenceSession, int] | None = None,
) -> int:
    entry.ical_sequence += 1
    entry.state = SessionInvitationState.CANCELLED
    entry.updated_at = now
    return _send(registration, entry, session, CANCELLED, now, instead)


def _send(
    registration: Registration,
    entry: SessionInvitation,
    session: ConferenceSession | None,
    kind: str,
    now: datetime,
    waiting: tuple[ConferenceSession, int] | None = None,
) -> int:
    """Queue the mail about ``entry``; none for an anonymised registration (nobody to tell)."""
    if registration.person is None:
        return 0
    method = Method.CANCEL if kind == CANCELLED else Method.REQUEST
    facts: dict[str, Any] = {
        "kind": kind,
        "method": method.value,
        "registration": mails.snapshot(registration),
        "session": session_snapshot(entry, session),
    }
    if waiting is not None:
        line, place = waiting
        facts["waiting"] = {"title": line.title, "title_en": line.title_en, "place": place}
    queue_intent(
        Intent(
            recipient=registration.person.email,
            kind=kind,
            renderer=RENDERER,
            facts=facts,
            now=now,
            reference=f"registration:{registration.id}",
        )
    )
    return 1


# -- the snapshot a queued mail is rendered from --------------------------------------------


@dataclass(frozen=True)
class SessionFacts:
    """A calendar entry of a session as a mail or the download shows it. Title and times are
    the entry's (what the calendar holds); the rest comes from the session, if it still
    exists."""

    uid: str
    sequence: int
    kind: str
    title: str
    title_en: str
    description: str
    description_en: str
    starts_at: datetime
    ends_at: datetime
    room: str

    def title_in(self, locale: str) -> str:
        return text_of(self, "title", locale)

    def description_in(self, locale: str) -> str:
        return text_of(self, "description", locale)

    @property
    def is_workshop(self) -> bool:
        return self.kind == SessionKind.WORKSHOP.value


def session_snapshot(entry: SessionInvitation, session: ConferenceSession | None) -> dict:
    """What a mail about ``entry`` will say, as JSON."""
    return {
        "uid": entry.ical_uid,
        "sequence": entry.ical_sequence,
        "kind": session.kind.value if session is not None else "",
        "title": entry.title,
        "title_en": session.title_en if session is not None else "",
        "description": session.description if session is not None else "",
        "description_en": session.description_en if session is not None else "",
        "starts_at": iso_or_none(entry.starts_at),
        "ends_at": iso_or_none(entry.ends_at),
        "room": entry.room,
    }


def from_snapshot(facts: Mapping[str, Any]) -> SessionFacts:
    return SessionFacts(
        **{
            **facts,
            "starts_at": datetime.fromisoformat(facts["starts_at"]),
            "ends_at": datetime.fromisoformat(facts["ends_at"]),
        }
    )


def calendar_event(
    registration: Registration | mails.Snapshot,
    session: SessionFacts,
    manage: str,
    cancelled: bool = False,
) -> CalendarEvent:
    """The calendar entry of ``session`` for the person of ``registration``, in the language
    in force (the caller forces the person's)."""
    locale = registration.locale
    date = registration.event_date
    person = registration.person
    if person is None:
        raise ValueError(f"registration {registration.id} is anonymised: no calendar entry")
    lines = [
        part
        for part in (
            session.description_in(locale),
            _("Regionalkonferenz: %(title)s", title=date.offering.title),
            _("Raum: %(room)s", room=session.room) if session.room else "",
            _("Anmeldung und Programm ansehen oder ändern: %(url)s", url=manage),
        )
        if part
    ]
    return CalendarEvent(
        uid=session.uid,
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Start Smart: {session.title_in(locale)}",
        description="\n\n".join(lines),
        location=", ".join(part for part in (session.room, date.venue) if part) or None,
        url=offering_url(date.offering),
        organizer=organizer(),
        attendees=(Attendee(person.email, person.name),),
        cancelled=cancelled,
    )


@renders(RENDERER)
def render(facts: Mapping[str, Any], now: datetime) -> Draft:
    """Turn a queued session mail into what ``compose`` needs; mints its manage link."""
    registration = mails.from_snapshot(facts["registration"])
    session = from_snapshot(facts["session"])
    person = registration.person
    to = Recipient(email=person.email, name=person.name, locale=registration.locale)
    manage = mails.manage_url(registration, now)
    method = Method(facts["method"])
    with force_locale(to.locale):
        event = calendar_event(registration, session, manage, cancelled=method is Method.CANCEL)
    context = {
        "change": facts["kind"],
        "registration": registration,
        "date": registration.event_date,
        "session": session,
        "title": session.title_in(to.locale),
        "description": session.description_in(to.locale),
        "manage_url": manage,
        "waiting": facts.get("waiting"),
        "waiting_title": text_of(facts["waiting"], "title", to.locale)
        if facts.get("waiting")
        else "",
    }
    return Draft(TEMPLATE, to, context, Invitation(method, event))


def published_events(registration: Registration, manage: str) -> list[CalendarEvent]:
    """The personal conference programme as a file: the conference day (the registration's own
    entry) and every session in the person's calendar, with the UIDs of their invitations, so
    importing it updates those entries instead of adding copies."""
    events = [mails.calendar_event(registration, manage)]
    for entry, session in active_entries(registration):
        facts = from_snapshot(session_snapshot(entry, session))
        events.append(calendar_event(registration, facts, manage))
    return events
