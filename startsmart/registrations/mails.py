"""The mails of a registration's life, each with a fresh manage link and, where the person has
a seat, the calendar invitation (one UID per registration; SEQUENCE rises with each change).

They are queued as outbox intents: the request stores what the mail will say (a snapshot of the
registration, its date and the calendar METHOD and SEQUENCE, as they are at that moment) and the
outbox worker composes it (``render``), minting the manage link's token then. A mail rendered
late therefore still says what was true when it was queued: an invitation can never carry the
time of a later move or the SEQUENCE of a CANCEL queued after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from startsmart import tokens
from startsmart.bilingual import text_of
from startsmart.catalog.calendar import offering_url
from startsmart.catalog.models import OfferingFormat
from startsmart.clock import iso_or_none, moment_or_none
from startsmart.extensions import db
from startsmart.invitations import uids
from startsmart.invitations.compose import Draft, Invitation, Recipient, organizer
from startsmart.invitations.ical import Attendee, CalendarEvent, Method
from startsmart.invitations.outbox import Intent, queue_intent, renders
from startsmart.links import public_url
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Registration, RegistrationStatus

TOKEN_PURPOSE = "registration"
RENDERER = "registration"
# The kinds of mail staff may send again (the outbox rows' ``kind``).
CONFIRM_REQUEST = "registration_confirm"
INVITATION = "registration_invitation"
WAITLISTED = "registration_waitlisted"


def token_expiry(date_ends_at: datetime) -> datetime:
    """Manage links stay valid until the registration's personal data is deleted."""
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    return date_ends_at + timedelta(days=days)


def registration_uid(registration: Registration | Snapshot) -> str:
    return registration.ical_uid


def _person(registration: Registration | Snapshot) -> Person | PersonFacts:
    """Whom a mail about ``registration`` goes to; an anonymised one names nobody, and gets
    no mail."""
    if registration.person is None:
        raise ValueError(f"registration {registration.id} is anonymised: no mail to send")
    return registration.person


def calendar_event(
    registration: Registration | Snapshot, manage: str, cancelled: bool = False
) -> CalendarEvent:
    """The calendar entry of ``registration`` (a ``Registration``, or the ``Snapshot`` of one).
    A confirmed participant's online date carries its join link as LOCATION, URL and
    CONFERENCE, so calendars show a join button."""
    date = registration.event_date
    person = _person(registration)
    link = None if cancelled else join_link(registration)
    lines = [text_of(date.offering, "summary", registration.locale)]
    note = text_of(date, "note", registration.locale)
    if note:
        lines.append(_("Hinweis: %(note)s", note=note))
    if date.venue:
        lines.append(_("Ort: %(venue)s", venue=date.venue))
    if link:
        lines.append(_("Zugang zur Online-Veranstaltung: %(url)s", url=link))
    lines.append(_("Anmeldung ansehen oder stornieren: %(url)s", url=manage))
    return CalendarEvent(
        uid=registration_uid(registration),
        sequence=registration.ical_sequence,
        starts_at=date.starts_at,
        ends_at=date.ends_at,
        summary=f"Start Smart: {text_of(date.offering, 'title', registration.locale)}",
        description="\n\n".join(lines),
        location=date.venue or link or _("Online"),
        url=link if link and not date.venue else offering_url(date.offering),
        conference_url=link,
        conference_label=_("An der Online-Veranstaltung teilnehmen"),
        organizer=organizer(),
        attendees=(Attendee(person.email, person.name),),
        cancelled=cancelled,
    )


def join_link(registration: Registration | Snapshot) -> str | None:
    """The link to join the date, for confirmed participants only (None for anybody else)."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        return None
    return registration.event_date.join_link


class SessionFacts(Protocol):
    """What a mail says of a conference's session (a ``ConferenceSession``)."""

    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def room(self) -> str: ...


# -- the snapshot a queued mail is rendered from --------------------------------------------
# The attribute names are the models' (registration.event_date.offering.title, ...), so the
# mail templates and ``calendar_event`` take a snapshot as they take a registration.


@dataclass(frozen=True)
class OfferingFacts:
    title: str
    summary: str
    slug: str
    format: str | None = None  # absent from snapshots queued before conferences had it
    # Absent from snapshots queued before English texts: the German ones stand in.
    title_en: str = ""
    summary_en: str = ""


@dataclass(frozen=True)
class DateFacts:
    id: int
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_url: str | None
    # The link in effect (the date's or, online, its offering's; EventDate.join_link) when the
    # mail was queued; a snapshot keeps it only for a confirmed participant.
    join_link: str | None
    offering: OfferingFacts
    # The date's note, German and English (empty in snapshots queued before dates had one).
    note: str
    note_en: str


@dataclass(frozen=True)
class PersonFacts:
    name: str
    email: str


@dataclass(frozen=True)
class Snapshot:
    """A registration as it was when a mail about it was queued."""

    id: int
    status: RegistrationStatus
    locale: str
    ical_uid: str
    ical_sequence: int
    hold_expires_at: datetime | None
    email_confirmed_at: datetime | None
    token_expires_at: datetime
    event_date: DateFacts
    person: PersonFacts


def snapshot(registration: Registration | Snapshot) -> dict[str, Any]:
    """The facts of ``registration`` a mail may show, as JSON."""
    date = registration.event_date
    offering = date.offering
    person = _person(registration)
    return {
        "id": registration.id,
        "status": registration.status.value,
        "locale": registration.locale,
        "ical_uid": registration.ical_uid,
        "ical_sequence": registration.ical_sequence,
        "hold_expires_at": iso_or_none(registration.hold_expires_at),
        "email_confirmed_at": iso_or_none(registration.email_confirmed_at),
        "token_expires_at": iso_or_none(token_expiry(date.ends_at)),
        "date": {
            "id": date.id,
            "starts_at": iso_or_none(date.starts_at),
            "ends_at": iso_or_none(date.ends_at),
            "venue": date.venue,
            "online_url": date.online_url,
            "join_link": join_link(registration),
            "note": date.note,
            "note_en": date.note_en,
            "offering": {
                "title": offering.title,
                "title_en": offering.title_en,
                "summary": offering.summary,
                "summary_en": offering.summary_en,
                "slug": offering.slug,
                # A snapshot read back carries the value already.
                "format": (
                    offering.format.value
                    if isinstance(offering.format, OfferingFormat)
                    else offering.format
                ),
            },
        },
        "person": {"name": person.name, "email": person.email},
    }


def from_snapshot(facts: Mapping[str, Any]) -> Snapshot:
    date = facts["date"]
    return Snapshot(
        id=facts["id"],
        status=RegistrationStatus(facts["status"]),
        locale=facts["locale"],
        # Mails queued before UIDs were stored: the rule their invitations were built by.
        ical_uid=facts.get("ical_uid")
        or uids.legacy_uid(uids.REGISTRATION, facts["id"], uids.legacy_domain()),
        ical_sequence=facts["ical_sequence"],
        hold_expires_at=moment_or_none(facts["hold_expires_at"]),
        email_confirmed_at=moment_or_none(facts["email_confirmed_at"]),
        token_expires_at=datetime.fromisoformat(facts["token_expires_at"]),
        event_date=DateFacts(
            id=date["id"],
            starts_at=datetime.fromisoformat(date["starts_at"]),
            ends_at=datetime.fromisoformat(date["ends_at"]),
            venue=date["venue"],
            online_url=date["online_url"],
            # Snapshots queued before join links: the date's own link, as they showed then.
            join_link=date.get("join_link", date["online_url"]),
            offering=OfferingFacts(**date["offering"]),
            note=date.get("note", ""),
            note_en=date.get("note_en", ""),
        ),
        person=PersonFacts(**facts["person"]),
    )


def _send(
    registration: Registration | Snapshot,
    template: str,
    now: datetime,
    method: Method | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> None:
    """Queue ``template`` for the person; ``context`` must be JSON (numbers, text, lists)."""
    if registration.id is None:
        db.session.flush()  # a new registration: the mail names it by its id
    queue_intent(_intent(registration, template, now, method, dedupe_key, **context))


def _intent(
    registration: Registration | Snapshot,
    template: str,
    now: datetime,
    method: Method | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> Intent:
    return Intent(
        recipient=_person(registration).email,
        kind=template,
        renderer=RENDERER,
        facts={
            "template": template,
            "method": method.value if method is not None else None,
            "registration": snapshot(registration),
            "context": context,
        },
        now=now,
        reference=f"registration:{registration.id}",
        dedupe_key=dedupe_key,
    )


def manage_url(registration: Snapshot, now: datetime) -> str:
    """A fresh manage link for a mail rendered at ``now`` (the catalogue for a registration
    anonymised since the mail was queued: no way back in)."""
    row = db.session.get(Registration, registration.id)
    if row is None or row.anonymised_at is not None:
        return public_url("catalog.index")
    token = tokens.mint(TOKEN_PURPOSE, registration.id, now, registration.token_expires_at)
    return public_url("registrations.manage", token=token)


@renders(RENDERER)
def render(facts: Mapping[str, Any], now: datetime) -> Draft:
    """Turn a queued registration mail into what ``compose`` needs; mints its manage link."""
    registration = from_snapshot(facts["registration"])
    person = _person(registration)
    to = Recipient(email=person.email, name=person.name, locale=registration.locale)
    manage = manage_url(registration, now)
    invitation = None
    if facts["method"] is not None:
        method = Method(facts["method"])
        with force_locale(to.locale):  # the calendar text in the person's language, too
            event = calendar_event(registration, manage, cancelled=method is Method.CANCEL)
        invitation = Invitation(method, event)
    context = {
        "registration": registration,
        "date": registration.event_date,
        "manage_url": manage,
        "join_url": join_link(registration),  # named *url: compose.links_of makes it a link
        **facts["context"],
    }
    return Draft(facts["template"], to, context, invitation)


def welcome(registration: Snapshot, now: datetime, position: int | None) -> Intent:
    """The first mail of a registration just taken in, by where it stands: please confirm (a
    seat is held), the invitation (staff entered somebody confirmed), or the waiting list.
    Not queued yet: ``intake.write`` queues it right after the registration's row."""
    if registration.status is RegistrationStatus.CONFIRMED:
        return _intent(registration, INVITATION, now, Method.REQUEST, promoted=False)
    if registration.status is RegistrationStatus.PENDING:
        return _intent(registration, CONFIRM_REQUEST, now)
    return _intent(registration, WAITLISTED, now, position=position)


def confirm_request(registration: Registration | Snapshot, now: datetime) -> None:
    """Pending: please confirm your address (double opt-in) before the hold runs out."""
    _send(registration, CONFIRM_REQUEST, now)


def waitlisted(registration: Registration | Snapshot, now: datetime, position: int | None) -> None:
    _send(registration, WAITLISTED, now, position=position)


def invitation(registration: Registration, now: datetime, promoted: bool = False) -> None:
    """Confirmed: the calendar invitation (REQUEST)."""
    registration.invitation_sent = True
    _send(registration, INVITATION, now, Method.REQUEST, promoted=promoted)


def promoted_please_confirm(registration: Registration, now: datetime) -> None:
    """Moved up from the waiting list, address not yet confirmed: confirm to keep the seat."""
    _send(registration, "registration_promoted", now)


WORKSHOP_PROMOTED = "workshop_promoted"


def workshop_promoted(registration: Registration, session: SessionFacts, now: datetime) -> None:
    """A place in the workshop the person waited for (``conferences.choices``): one mail per
    promotion, which happens once per choice."""
    _send(
        registration,
        WORKSHOP_PROMOTED,
        now,
        session_title=session.title,
        session_title_en=session.title_en,
        session_starts_at=iso_or_none(session.starts_at),
        session_ends_at=iso_or_none(session.ends_at),
        session_room=session.room,
    )


WORKSHOP_WAITING_MOVED = "workshop_waiting_moved"


def workshop_waiting_moved(
    registration: Registration,
    gone: SessionFacts,
    session: SessionFacts,
    place: int,
    now: datetime,
) -> None:
    """The workshop the person waited for was deleted and its waiting list moved to
    ``session`` (same time): where they wait now. No calendar entry changes; a waiting place
    has none."""
    _send(
        registration,
        WORKSHOP_WAITING_MOVED,
        now,
        gone={"title": gone.title, "title_en": gone.title_en},
        session={"title": session.title, "title_en": session.title_en, "room": session.room},
        session_starts_at=iso_or_none(session.starts_at),
        session_ends_at=iso_or_none(session.ends_at),
        place=place,
    )


def update(registration: Registration, now: datetime, changes: list[str]) -> None:
    """The date moved or its place changed: the same UID with a higher SEQUENCE."""
    if registration.invitation_sent:
        registration.ical_sequence += 1
        _send(registration, "registration_update", now, Method.REQUEST, changes=changes)
    else:
        _send(registration, "registration_update", now, changes=changes)


def cancelled(
    registration: Registration,
    now: datetime,
    by_staff: str | None = None,
    on_request: bool = False,
) -> None:
    """Cancelled by the person, by staff at their request (``on_request``), or with the whole
    date (``by_staff`` is the staff's message)."""
    method = None
    if registration.invitation_sent:
        registration.ical_sequence += 1
        method = Method.CANCEL
    _send(
        registration,
        "registration_cancelled",
        now,
        method,
        staff_message=by_staff,
        on_request=on_request,
    )


def expired(registration: Registration, now: datetime) -> None:
    _send(registration, "registration_expired", now)


def reminder(registration: Registration, now: datetime) -> None:
    """The day before: time, place and the online link once more."""
    _send(
        registration,
        "registration_reminder",
        now,
        dedupe_key=f"reminder:registration:{registration.id}",
    )
