"""Staff change a date that people registered for: move it, change its capacity, cancel it.

Each function is one transaction under the date's lock, and tells every registered person
what changed: confirmed participants get a calendar update (same UID, SEQUENCE + 1) or a
CANCEL; the others a plain mail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.registrations import mails, seats
from startsmart.registrations.models import ACTIVE, Registration, RegistrationStatus
from startsmart.staff.models import StaffUser


@dataclass(frozen=True)
class DatePlace:
    """When and where a date takes place."""

    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_url: str | None


def _locked(date_id: int) -> EventDate:
    date = seats.lock_date(date_id)
    if date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    return date


def _active(date: EventDate) -> list[Registration]:
    return list(
        db.session.execute(
            sa.select(Registration)
            .where(Registration.event_date_id == date.id, Registration.status.in_(ACTIVE))
            .order_by(Registration.id)
        ).scalars()
    )


def _check_place(place: DatePlace) -> None:
    if place.ends_at <= place.starts_at:
        raise DomainError(_("Das Ende muss nach dem Beginn liegen."), "ends_at")


def _check_link(date: EventDate, place: DatePlace) -> None:
    # An online date may use its offering's link (join_link); on-site dates need a venue.
    if not (place.venue or place.online_url or date.offering.default_join_url):
        raise DomainError(
            _("Bitte geben Sie einen Ort oder einen Link zur Online-Veranstaltung an."), "venue"
        )


def move_date(
    date_id: int, place: DatePlace, actor: StaffUser, now: datetime, commit: bool = True
) -> int:
    """Change time or place; everybody registered hears of it. Returns how many were told.
    ``commit=False``: a step of the caller's unit of work (a conference moving with its
    programme), which commits."""
    _check_place(place)
    date = _locked(date_id)
    if date.status is EventDateStatus.CANCELLED:
        raise DomainError(_("Ein abgesagter Termin kann nicht verschoben werden."))
    _check_link(date, place)
    changes = _describe_changes(date, place)
    if not changes:
        if commit:
            db.session.commit()
        return 0
    closes_at = date.registration_closes_at
    if closes_at is not None and closes_at > place.starts_at:
        # Moved before its own deadline: the deadline keeps its lead on the start, as it
        # would have if staff had set it now (never after the start).
        lead = max(date.starts_at - closes_at, timedelta(0))
        date.registration_closes_at = place.starts_at - lead
    date.starts_at, date.ends_at = place.starts_at, place.ends_at
    date.venue, date.online_url = place.venue, place.online_url
    date.ical_sequence += 1
    registrations = _active(date)
    audit.record(
        "date.moved",
        actor,
        now,
        subject=f"event_date:{date.id}",
        starts_at=place.starts_at.isoformat(),
        venue=place.venue,
        online=bool(place.online_url),
        told=len(registrations),
    )
    if changes == [_new_link]:
        # Only the link changed: it is news only to those who have it (confirmed, invited).
        registrations = [r for r in registrations if r.invitation_sent]
    _tell(registrations, changes, now)
    if commit:
        db.session.commit()
    return len(registrations)


def _tell(
    registrations: list[Registration], changes: list[Callable[[], str]], now: datetime
) -> None:
    for registration in registrations:
        with force_locale(registration.locale):
            described = [str(change()) for change in changes]
        mails.update(registration, now, described)


def _new_link() -> str:
    return str(_("Neuer Zugang zur Online-Veranstaltung"))


def dates_using_offering_link(offering_id: int, now: datetime) -> list[int]:
    """The offering's online dates still to come that have no link of their own."""
    return list(
        db.session.execute(
            sa.select(EventDate.id)
            .where(
                EventDate.offering_id == offering_id,
                EventDate.online_url.is_(None),
                EventDate.venue.is_(None),
                EventDate.status != EventDateStatus.CANCELLED,
                EventDate.ends_at > now,
            )
            .order_by(EventDate.id)
        ).scalars()
    )


def offering_link_changed(offering_id: int, now: datetime) -> int:
    """The offering's default link changed: its coming online dates without a link of their own
    send an update (same UID, SEQUENCE + 1) to those who had the invitation. A step of the
    caller's unit of work (not committed). Returns how many were told."""
    told = 0
    for date_id in dates_using_offering_link(offering_id, now):
        date = _locked(date_id)  # in id order, as every other writer of several dates
        date.ical_sequence += 1
        invited = [r for r in _active(date) if r.invitation_sent]
        _tell(invited, [_new_link], now)
        told += len(invited)
    return told


def _describe_changes(date: EventDate, place: DatePlace) -> list[Callable[[], str]]:
    # Lazily worded, so each person reads them in their own language.
    changes: list[Callable[[], str]] = []
    if (date.starts_at, date.ends_at) != (place.starts_at, place.ends_at):
        changes.append(lambda: _("Neue Zeit"))
    if date.venue != place.venue:
        changes.append(lambda: _("Neuer Ort: %(venue)s", venue=place.venue or _("online")))
    if date.online_url != place.online_url:
        changes.append(_new_link)
    return changes


def change_capacity(date_id: int, capacity: int, actor: StaffUser, now: datetime) -> int:
    """Set the number of seats. Lowering below the seats already taken is refused; raising
    gives the new seats to the waiting list at once. Returns how many moved up."""
    date = _locked(date_id)
    if capacity < 0:
        raise DomainError(_("Die Zahl der Plätze kann nicht negativ sein."), "capacity")
    taken = seats.holding(date.id)
    if capacity < taken:
        raise DomainError(
            ngettext(
                "%(num)d Platz ist schon vergeben; weniger Plätze sind nicht möglich. Stornieren "
                "Sie zuerst einzelne Anmeldungen, wenn es wirklich weniger werden müssen.",
                "%(num)d Plätze sind schon vergeben; weniger Plätze sind nicht möglich. Stornieren "
                "Sie zuerst einzelne Anmeldungen, wenn es wirklich weniger werden müssen.",
                taken,
            ),
            "capacity",
        )
    audit.record(
        "date.capacity",
        actor,
        now,
        subject=f"event_date:{date.id}",
        capacity=f"{date.capacity} -> {capacity}",
    )
    date.capacity = capacity
    db.session.flush()
    promoted = seats.promote(date, now)
    db.session.commit()
    return len(promoted)


def cancel_date(date_id: int, message: str, actor: StaffUser, now: datetime) -> int:
    """Cancel the whole date: every active registration is cancelled, with a CANCEL for those
    who had the invitation and the staff's message for everybody. Returns how many were told."""
    message = message.strip()
    if not message:
        raise DomainError(
            _("Bitte schreiben Sie den Angemeldeten kurz, warum der Termin ausfällt."), "message"
        )
    date = _locked(date_id)
    if date.status is EventDateStatus.CANCELLED:
        raise DomainError(_("Dieser Termin ist bereits abgesagt."))
    date.status = EventDateStatus.CANCELLED
    date.ical_sequence += 1
    registrations = _active(date)
    audit.record(
        "date.cancelled", actor, now, subject=f"event_date:{date.id}", told=len(registrations)
    )
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.hold_expires_at = None
        registration.queued_at = None
        mails.cancelled(registration, now, by_staff=message)
    db.session.commit()
    return len(registrations)
