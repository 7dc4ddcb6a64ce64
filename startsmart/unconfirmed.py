"""How much an unconfirmed request may hold: seats and consultation slots that nobody has
confirmed by mail yet.

Anybody can fill in a public form with any address, and until the mailbox owner confirms,
the request holds a seat or a slot that others need. So an unconfirmed hold is short
(``REGISTRATION_HOLD_HOURS``, ``CONSULTATION_HOLD_HOURS``, within ``config.HOLD_HOURS``, never
past the start, and never extended by moving the request), and few may wait at once:

- from one client address, ``UNCONFIRMED_PER_CLIENT`` in all (registrations and
  consultations; the address is kept only as a keyed hash, and only until confirmed);
- for addresses of one mail domain, ``UNCONFIRMED_PER_DOMAIN`` per date, and as many
  consultation bookings in all;
- from municipalities nobody has vouched for yet (a name a form invented: no staff entry, no
  confirmed registration), together no more than one municipality may have of a date
  (``per_municipality_limit``): otherwise inventing names gets round that limit.

Staff entries are trusted and counted nowhere here.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address

from startsmart.catalog.models import EventDate
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, Person
from startsmart.registrations.models import ACTIVE, Registration, RegistrationStatus


def hold_until(setting: str, now: datetime, starts_at: datetime) -> datetime:
    """The end of an unconfirmed hold that begins ``now``: the configured hours, never past
    the start (the mail and the page name this time)."""
    return min(now + timedelta(hours=current_app.config[setting]), starts_at)


def client_key() -> str:
    """The requesting client's address as a keyed hash (the database never holds the address
    itself). Call it inside a request; behind a proxy it is the address ProxyFix found."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, get_remote_address().encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _unconfirmed_registration(now: datetime) -> sa.ColumnElement[bool]:
    """A registration whose address nobody confirmed yet that still counts: a seat held, or a
    place on the waiting list, for a date still ahead."""
    return sa.and_(
        Registration.email_confirmed_at.is_(None),
        sa.or_(
            sa.and_(
                Registration.status == RegistrationStatus.PENDING,
                Registration.hold_expires_at > now,
            ),
            sa.and_(
                Registration.status == RegistrationStatus.WAITLISTED,
                Registration.event_date_id.in_(
                    sa.select(EventDate.id).where(EventDate.starts_at > now)
                ),
            ),
        ),
    )


def _pending_consultation(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Consultation.status == ConsultationStatus.PENDING, Consultation.hold_expires_at > now
    )


def _from_client(client: str | None, now: datetime) -> sa.ColumnElement[int]:
    """How many unconfirmed requests ``client`` has (none if unknown: the service called
    without a request, as the demo data does)."""
    if client is None:
        return sa.literal(0)
    registrations = sa.select(sa.func.count(Registration.id)).where(
        Registration.hold_client == client, _unconfirmed_registration(now)
    )
    consultations = sa.select(sa.func.count(Consultation.id)).where(
        Consultation.hold_client == client, _pending_consultation(now)
    )
    return registrations.scalar_subquery() + consultations.scalar_subquery()


def _check_client(waiting: int) -> None:
    if waiting >= current_app.config["UNCONFIRMED_PER_CLIENT"]:
        raise DomainError(
            ngettext(
                "Von Ihrem Netzwerk aus wartet schon %(num)d Anmeldung oder Buchung auf die "
                "Bestätigung per E-Mail. Bitte bestätigen Sie zuerst über den Link in der "
                "E-Mail, die wir geschickt haben, und versuchen Sie es dann noch einmal.",
                "Von Ihrem Netzwerk aus warten schon %(num)d Anmeldungen oder Buchungen auf die "
                "Bestätigung per E-Mail. Bitte bestätigen Sie zuerst über die Links in den "
                "E-Mails, die wir geschickt haben, und versuchen Sie es dann noch einmal.",
                waiting,
            ),
            "email",
        )


def _domain_condition(email: str) -> sa.ColumnElement[bool]:
    domain = email.rpartition("@")[2]
    return Person.email.endswith("@" + domain, autoescape=True)


def _domain_refusal(waiting: int, email: str) -> DomainError:
    return DomainError(
        ngettext(
            "Für Adressen von %(domain)s wartet schon %(num)d Anfrage auf die Bestätigung per "
            "E-Mail. Bitte bestätigen Sie zuerst über den Link in der E-Mail und versuchen Sie "
            "es dann noch einmal, oder schreiben Sie uns.",
            "Für Adressen von %(domain)s warten schon %(num)d Anfragen auf die Bestätigung per "
            "E-Mail. Bitte bestätigen Sie zuerst über die Links in den E-Mails und versuchen Sie "
            "es dann noch einmal, oder schreiben Sie uns.",
            waiting,
            domain=email.rpartition("@")[2],
        ),
        "email",
    )


def check_registration(
    date_id: int,
    municipality_id: int,
    municipality_limit: int,
    email: str,
    client: str | None,
    now: datetime,
) -> None:
    """Refuse a public registration (DomainError) if its unconfirmed request would be one too
    many; under the date's lock, after its holds were settled. ``email``: normalised. One
    statement: it runs with every public registration (see docs/performance.md)."""
    from_domain = (
        sa.select(sa.func.count(Registration.id))
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.event_date_id == date_id,
            _unconfirmed_registration(now),
            _domain_condition(email),
        )
    )
    unvouched = (
        sa.select(sa.func.count(Registration.id))
        .join(Municipality, Municipality.id == Registration.municipality_id)
        .where(
            Registration.event_date_id == date_id,
            Registration.status.in_(ACTIVE),
            Municipality.verified_at.is_(None),
        )
    )
    ours_unvouched = sa.select(Municipality.verified_at.is_(None)).where(
        Municipality.id == municipality_id
    )
    counted = db.session.execute(
        sa.select(
            _from_client(client, now),
            from_domain.scalar_subquery(),
            ours_unvouched.scalar_subquery(),
            unvouched.scalar_subquery(),
        )
    ).one()
    _check_client(counted[0])
    if counted[1] >= current_app.config["UNCONFIRMED_PER_DOMAIN"]:
        raise _domain_refusal(counted[1], email)
    # A municipality nobody vouched for: together with all the others like it, no more
    # than one municipality may have (a verified one has its own limit, in the service).
    if counted[2] and counted[3] >= municipality_limit:
        raise DomainError(
            _(
                "Ihre Kommune steht noch nicht in unserem Verzeichnis, und für diesen Termin "
                "warten schon Anmeldungen aus noch nicht bestätigten Kommunen. Bitte wählen Sie "
                "Ihre Kommune aus der Vorschlagsliste, wenn sie dort steht, oder versuchen Sie es "
                "später noch einmal; gern können Sie uns auch schreiben."
            ),
            "municipality",
        )


def check_booking(email: str, client: str | None, now: datetime) -> None:
    """Refuse a public consultation booking (DomainError) if its unconfirmed request would be
    one too many. ``email``: normalised."""
    from_domain = (
        sa.select(sa.func.count(Consultation.id))
        .join(Person, Person.id == Consultation.person_id)
        .where(_pending_consultation(now), _domain_condition(email))
    )
    counted = db.session.execute(
        sa.select(_from_client(client, now), from_domain.scalar_subquery())
    ).one()
    _check_client(counted[0])
    if counted[1] >= current_app.config["UNCONFIRMED_PER_DOMAIN"]:
        raise _domain_refusal(counted[1], email)
