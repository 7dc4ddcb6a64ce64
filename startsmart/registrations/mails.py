"""The mails of a registration's life, each with a fresh manage link and, where the person has
a seat, the calendar invitation (one UID per registration; SEQUENCE rises with each change)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from startsmart import tokens
from startsmart.catalog.calendar import uid_domain
from startsmart.invitations.compose import Invitation, Recipient, organizer
from startsmart.invitations.ical import Attendee, CalendarEvent, Method
from startsmart.invitations.outbox import queue_mail
from startsmart.links import public_url
from startsmart.registrations.models import Registration

TOKEN_PURPOSE = "registration"


def manage_url(registration: Registration, now: datetime) -> str:
    """A fresh link to the registration's own page; valid until its data is deleted."""
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    expires = registration.event_date.ends_at + timedelta(days=days)
    token = tokens.mint(TOKEN_PURPOSE, registration.id, now, expires)
    return public_url("registrations.manage", token=token)


def registration_uid(registration: Registration) -> str:
    return f"registration-{registration.id}@{uid_domain()}"


def calendar_event(registration: Registration, manage: str, cancelled: bool = False):
    date = registration.event_date
    person = registration.person
    lines = [date.offering.summary]
    if date.venue:
        lines.append(_("Ort: %(venue)s", venue=date.venue))
    if date.online_url and not cancelled:
        lines.append(_("Zugang zur Online-Veranstaltung: %(url)s", url=date.online_url))
    lines.append(_("Anmeldung ansehen oder stornieren: %(url)s", url=manage))
    return CalendarEvent(
        uid=registration_uid(registration),
        sequence=registration.ical_sequence,
        starts_at=date.starts_at,
        ends_at=date.ends_at,
        summary=f"Start Smart: {date.offering.title}",
        description="\n\n".join(lines),
        location=date.venue or _("Online"),
        url=public_url("catalog.offering", slug=date.offering.slug),
        organizer=organizer(),
        attendees=(Attendee(person.email, person.name),),
        cancelled=cancelled,
    )


def _send(
    registration: Registration,
    template: str,
    now: datetime,
    method: Method | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> None:
    person = registration.person
    to = Recipient(email=person.email, name=person.name, locale=registration.locale)
    manage = manage_url(registration, now)
    invitation = None
    if method is not None:
        with force_locale(to.locale):  # the calendar text in the person's language, too
            event = calendar_event(registration, manage, cancelled=method is Method.CANCEL)
        invitation = Invitation(method, event)
    queue_mail(
        to=to,
        template=template,
        context={
            "registration": registration,
            "date": registration.event_date,
            "manage_url": manage,
            **context,
        },
        now=now,
        reference=f"registration:{registration.id}",
        invitation=invitation,
        dedupe_key=dedupe_key,
    )


def confirm_request(registration: Registration, now: datetime) -> None:
    """Pending: please confirm your address (double opt-in) before the hold runs out."""
    _send(registration, "registration_confirm", now)


def waitlisted(registration: Registration, now: datetime, position: int) -> None:
    _send(registration, "registration_waitlisted", now, position=position)


def invitation(registration: Registration, now: datetime, promoted: bool = False) -> None:
    """Confirmed: the calendar invitation (REQUEST)."""
    registration.invitation_sent = True
    _send(registration, "registration_invitation", now, Method.REQUEST, promoted=promoted)


def promoted_please_confirm(registration: Registration, now: datetime) -> None:
    """Moved up from the waiting list, address not yet confirmed: confirm to keep the seat."""
    _send(registration, "registration_promoted", now)


def update(registration: Registration, now: datetime, changes: list[str]) -> None:
    """The date moved or its place changed: the same UID with a higher SEQUENCE."""
    if registration.invitation_sent:
        registration.ical_sequence += 1
        _send(registration, "registration_update", now, Method.REQUEST, changes=changes)
    else:
        _send(registration, "registration_update", now, changes=changes)


def cancelled(registration: Registration, now: datetime, by_staff: str | None = None) -> None:
    """Cancelled by the person, or with the whole date (``by_staff`` is the staff's message)."""
    method = None
    if registration.invitation_sent:
        registration.ical_sequence += 1
        method = Method.CANCEL
    _send(registration, "registration_cancelled", now, method, staff_message=by_staff)


def expired(registration: Registration, now: datetime) -> None:
    _send(registration, "registration_expired", now)


def reminder(registration: Registration, now: datetime) -> None:
    """The day before: time, place and the online link once more."""
    _send(registration, "registration_reminder", now,
          dedupe_key=f"reminder:registration:{registration.id}")
