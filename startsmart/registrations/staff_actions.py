"""What staff do with one registration: cancel it at the person's request, send its mail again,
correct the e-mail address after a typo.

Each function is one unit of work under the date's lock (``service.relocked``: the same lock
and the same settling as a change from the person's own link), records the audit entry and
commits. Mails go through the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from startsmart import tokens
from startsmart.audit import service as audit
from startsmart.consultations.models import Consultation
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_datetime
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import Person
from startsmart.my_bookings import access as my_bookings
from startsmart.registrations import mails, service
from startsmart.registrations.models import (
    ACTIVE,
    Consent,
    Registration,
    RegistrationStatus,
)
from startsmart.staff.models import StaffUser

MAX_REASON = 1000
# A second mail of the same kind to the same address within this time is refused: a double
# click, or two colleagues answering the same call, must not send the person two mails.
RESEND_PAUSE = timedelta(minutes=5)


def _registration(registration_id: int, now: datetime) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise DomainError(_("Diese Anmeldung gibt es nicht."))
    registration = service.relocked(registration, now)
    if registration.person is None:
        db.session.commit()
        raise DomainError(
            _(
                "Diese Anmeldung ist anonymisiert; sie nennt niemanden mehr, an den wir "
                "schreiben könnten."
            )
        )
    return registration


def _inactive(registration: Registration) -> DomainError:
    """The message for an action on a registration that is no longer active."""
    if registration.status is RegistrationStatus.CANCELLED and registration.cancelled_at:
        return DomainError(
            _(
                "Diese Anmeldung ist bereits storniert (am %(when)s Uhr); es wurde nichts "
                "geändert und keine E-Mail verschickt.",
                when=berlin_datetime(registration.cancelled_at, "short"),
            )
        )
    return DomainError(
        _(
            "Diese Anmeldung ist nicht mehr aktiv (%(status)s); es wurde nichts geändert und "
            "keine E-Mail verschickt.",
            status=registration.status.label,
        )
    )


# -- cancel ----------------------------------------------------------------------------------


def cancel_on_request(
    registration_id: int, reason: str, notify: bool, actor: StaffUser, now: datetime
) -> Registration:
    """The person asked us to cancel: the same change as their own cancellation (the CANCEL
    for their calendar, the freed seat to the first in line, once), with ``reason`` in the
    audit log. ``notify`` False: no mail (they were told on the phone)."""
    reason = (reason or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not reason:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), "reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Höchstens %(n)d Zeichen.", n=MAX_REASON), "reason")
    registration = _registration(registration_id, now)
    if registration.status not in ACTIVE:
        db.session.commit()  # what settling the date changed
        raise _inactive(registration)
    if now >= registration.event_date.starts_at:
        db.session.commit()
        raise DomainError(
            _(
                "Der Termin hat bereits begonnen; eine Stornierung ist nicht mehr möglich. "
                "Wer nicht gekommen ist, wird unter „Teilnahme erfassen“ als nicht erschienen "
                "vermerkt."
            )
        )
    service.cancel_locked(registration, now, notify=notify)
    audit.record(
        "registration.cancelled",
        actor,
        now,
        subject=f"registration:{registration.id}",
        reason=reason,
        notified=notify,
    )
    db.session.commit()
    return registration


# -- send again -------------------------------------------------------------------------------


KIND_NAMES: dict[str, Callable[[], str]] = {
    mails.CONFIRM_REQUEST: lambda: _("Bestätigungslink"),
    mails.INVITATION: lambda: _("Einladung"),
    mails.WAITLISTED: lambda: _("Wartelisten-Bestätigung"),
}


@dataclass(frozen=True)
class Sent:
    kind: str  # the mail's kind, a key of KIND_NAMES
    recipient: str

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]()


def _kind_for(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.PENDING: mails.CONFIRM_REQUEST,
        RegistrationStatus.CONFIRMED: mails.INVITATION,
    }.get(status, mails.WAITLISTED)


def _last_sent(registration: Registration, kind: str, email: str) -> datetime | None:
    """When a mail of ``kind`` to ``email`` was last queued for the registration."""
    return db.session.execute(
        sa.select(sa.func.max(OutboxMessage.created_at)).where(
            OutboxMessage.reference == f"registration:{registration.id}",
            OutboxMessage.kind == kind,
            OutboxMessage.recipient == email,
        )
    ).scalar_one()


def resend(registration_id: int, actor: StaffUser, now: datetime) -> Sent:
    """Send the mail of where the registration stands once more (``service.mail_where_it_stands``:
    the invitation with the same UID, a fresh confirmation link, or the waiting-list mail);
    links from earlier mails keep working. Refused within ``RESEND_PAUSE`` of the last one."""
    registration = _registration(registration_id, now)
    if registration.status not in ACTIVE:
        db.session.commit()
        raise _inactive(registration)
    date = registration.event_date
    over = date.ends_at if registration.status is RegistrationStatus.CONFIRMED else date.starts_at
    if now >= over:
        db.session.commit()
        raise DomainError(_("Der Termin hat bereits begonnen; es wurde keine E-Mail verschickt."))
    person = registration.person
    assert person is not None  # _registration refuses anonymised ones
    kind = _kind_for(registration.status)
    last = _last_sent(registration, kind, person.email)
    if last is not None and now < last + RESEND_PAUSE:
        db.session.commit()
        raise DomainError(
            _(
                "%(what)s ging erst um %(when)s Uhr an %(to)s; es wurde keine weitere E-Mail "
                "verschickt. Erneut senden lässt sie sich ab %(next)s Uhr.",
                what=KIND_NAMES[kind](),
                when=berlin_datetime(last, "HH:mm"),
                to=person.email,
                next=berlin_datetime(last + RESEND_PAUSE, "HH:mm"),
            )
        )
    sent = service.mail_where_it_stands(registration, now)
    audit.record(
        "registration.resent",
        actor,
        now,
        subject=f"registration:{registration.id}",
        kind=sent,
        to=person.email,
    )
    db.session.commit()
    return Sent(sent, person.email)


# -- change the address ----------------------------------------------------------------------


@dataclass(frozen=True)
class Others:
    """What else the person row behind a registration is used for: the change of its address
    touches these only if they are none (then the row itself is corrected)."""

    registrations: list[Registration]
    consultations: int

    @property
    def any(self) -> bool:
        return bool(self.registrations) or self.consultations > 0


def others_of(registration: Registration) -> Others:
    """The person's other registrations (any date, any status) and consultations."""
    if registration.person_id is None:
        return Others([], 0)
    rows = db.session.execute(
        sa.select(Registration)
        .where(
            Registration.person_id == registration.person_id,
            Registration.id != registration.id,
        )
        .order_by(Registration.created_at, Registration.id)
    ).scalars()
    consultations = db.session.execute(
        sa.select(sa.func.count(Consultation.id)).where(
            Consultation.person_id == registration.person_id
        )
    ).scalar_one()
    return Others(list(rows), consultations)


@dataclass(frozen=True)
class AddressChange:
    old: str
    new: str
    known_as: str | None  # the new address was already somebody's: their name
    sent: Sent | None  # the mail to the new address, if asked for


def change_email(
    registration_id: int, address: str, notify: bool, actor: StaffUser, now: datetime
) -> AddressChange:
    """Correct the address of one registration (a typo), nothing else of anybody's.

    A person is one address (``Person.email`` is unique), so: if the person has nothing else
    here, their row is corrected; otherwise this registration moves to a person of the new
    address (the one already known, or a copy of this one) and the rest keeps the old address.
    The consents given with this registration move with it. Links mailed to the old address
    stop working (it may be somebody else's mailbox); ``notify`` sends the mail of where the
    registration stands to the new one."""
    try:
        new = normalise_email(address or "")
    except InvalidEmail as error:
        raise DomainError(str(error), "email") from error
    registration = _registration(registration_id, now)
    if registration.status not in ACTIVE:
        db.session.commit()
        raise _inactive(registration)
    person = registration.person
    assert person is not None  # _registration refuses anonymised ones
    old = person.email
    if new == old:
        db.session.commit()
        raise DomainError(_("Das ist schon die Adresse dieser Anmeldung."), "email")
    taken = db.session.execute(
        sa.select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.event_date_id == registration.event_date_id,
            Registration.status.in_(ACTIVE),
            Person.email == new,
        )
    ).scalar_one_or_none()
    if taken is not None:
        db.session.commit()
        raise DomainError(
            _(
                "Mit dieser Adresse ist schon jemand für diesen Termin angemeldet "
                "(%(name)s, %(status)s). Eine Adresse kann nur einmal je Termin angemeldet sein.",
                name=taken.person.name if taken.person else "–",
                status=taken.status.label,
            ),
            "email",
        )
    known = db.session.execute(sa.select(Person).where(Person.email == new)).scalar_one_or_none()
    try:
        if known is None and not others_of(registration).any:
            person.email = new
            my_bookings.revoke(person.id)  # a list link mailed to the old address ends
            person.undeliverable_at = None  # a bounce was about the old address
            person.undeliverable_reason = None
        else:
            target = known or _copy(person, new, now)
            registration.person = target
            db.session.flush()
            _move_consents(registration.id, person.id, target.id)
            if not _still_used(person.id):
                _delete_person(person, target.id)
        tokens.revoke_all(mails.TOKEN_PURPOSE, registration.id)
        sent = None
        if notify:
            db.session.flush()
            sent = Sent(service.mail_where_it_stands(registration, now), new)
        audit.record(
            "registration.email_changed",
            actor,
            now,
            subject=f"registration:{registration.id}",
            old=old,
            new=new,
            mail=sent.kind if sent else None,
        )
        db.session.commit()
    except IntegrityError as error:  # another request gave the address to a new person just now
        db.session.rollback()
        raise DomainError(
            _(
                "Die Adresse wurde gerade anderweitig eingetragen. Bitte versuchen Sie es noch "
                "einmal."
            ),
            "email",
        ) from error
    return AddressChange(old, new, known.name if known else None, sent)


def _copy(person: Person, email: str, now: datetime) -> Person:
    copy = Person(
        name=person.name,
        email=email,
        function=person.function,
        municipality_id=person.municipality_id,
        locale=person.locale,
        created_at=now,
    )
    db.session.add(copy)
    return copy


def _move_consents(registration_id: int, old_person: int, new_person: int) -> None:
    db.session.execute(
        sa.update(Consent)
        .where(
            Consent.person_id == old_person,
            Consent.source == f"registration:{registration_id}",
        )
        .values(person_id=new_person)
    )


def _still_used(person_id: int) -> bool:
    """Whether a registration or consultation still refers to the person row."""
    return bool(
        db.session.execute(
            sa.select(
                sa.exists().where(Registration.person_id == person_id)
                | sa.exists().where(Consultation.person_id == person_id)
            )
        ).scalar()
    )


def _delete_person(person: Person, heir_id: int) -> None:
    """The row of the mistyped address, used by nothing any more: gone, its remaining consents
    (given with registrations moved before) passed on to the person of the right address."""
    db.session.execute(
        sa.update(Consent).where(Consent.person_id == person.id).values(person_id=heir_id)
    )
    db.session.delete(person)
    my_bookings.revoke(person.id)
