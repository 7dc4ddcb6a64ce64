"""Meine Buchungen: the mailed link to one person's list, and what the list shows.

Anybody can type anybody's address, so asking for the link must not tell whether the address
is known: the view answers the same in every case, the budget of form mails to the address
(``mail_budget``) is spent whether or not a person has it, and the mail itself is an outbox
intent (one INSERT), composed and sent later by the outbox worker. The link is a token of
purpose ``my_bookings`` for the person (``tokens``: stored hashed), valid for
``MY_BOOKINGS_LINK_HOURS`` from when the mail is composed, and may be opened any number of
times until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from startsmart import mail_budget, tokens
from startsmart.catalog.models import EventDate, OfferingFormat
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.extensions import db
from startsmart.invitations.compose import Draft, Recipient
from startsmart.invitations.outbox import Intent, queue_intent, renders
from startsmart.links import public_url
from startsmart.municipalities.models import Person
from startsmart.my_bookings.access import TOKEN_PURPOSE
from startsmart.registrations import mails as registration_mails
from startsmart.registrations.models import Registration, RegistrationStatus

RENDERER = "my_bookings"
KIND = "my_bookings_link"


def request_link(address: str, locale: str, now: datetime) -> None:
    """Queue the link to the list for ``address`` if a person has it and the address's mail
    budget allows; otherwise do nothing. Says nothing either way, on purpose."""
    try:
        normal = normalise_email(address)
    except InvalidEmail:
        return
    if mail_budget.refusal(normal) is not None:
        return
    # Spent for unknown addresses too: a budget that ran out only for known ones would tell.
    mail_budget.spend(normal)
    found = sa.select(Person).where(Person.email == normal)
    person = db.session.execute(found).scalar_one_or_none()
    if person is not None:
        _queue(person, locale, now)
    db.session.commit()  # in both cases, so the two take much the same way through the database


def _queue(person: Person, locale: str, now: datetime) -> None:
    queue_intent(
        Intent(
            recipient=person.email,
            kind=KIND,
            renderer=RENDERER,
            facts={"person_id": person.id, "email": person.email, "locale": locale},
            now=now,
            reference=f"person:{person.id}",
        )
    )


def link_hours() -> int:
    return int(current_app.config["MY_BOOKINGS_LINK_HOURS"])


@renders(RENDERER)
def render(facts: Mapping[str, Any], now: datetime) -> Draft:
    """The mail with the link; its token is minted now, so the link lives from when it is
    composed. A person deleted meanwhile gets the start page instead."""
    person = db.session.get(Person, facts["person_id"])
    locale = facts.get("locale") or "de"
    if person is None:
        to = Recipient(email=facts["email"], name="", locale=locale)
        return Draft(KIND, to, {"link": public_url("pages.start")})
    expires_at = now + timedelta(hours=link_hours())
    token = tokens.mint(TOKEN_PURPOSE, person.id, now, expires_at)
    to = Recipient(email=person.email, name=person.name, locale=locale)
    context = {
        "link": public_url("my_bookings.overview", token=token),
        "expires_at": expires_at,
    }
    return Draft(KIND, to, context)


def person_for_token(token: str, now: datetime) -> Person | None:
    person_id = tokens.resolve(TOKEN_PURPOSE, token, now)
    return db.session.get(Person, person_id) if person_id else None


@dataclass(frozen=True)
class Entry:
    """One line of the list: what, when, its status and where to manage it."""

    kind: str  # "registration", "conference" or "consultation"
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str  # the status's label, translated
    manage_url: str
    ics_url: str | None  # only where a calendar entry exists (confirmed)
    export_url: str
    delete_url: str
    title_en: str = ""  # empty: English pages show the German title

    def past(self, now: datetime) -> bool:
        return self.ends_at <= now


def entries(person: Person, now: datetime) -> list[Entry]:
    """Every registration (conferences marked as such) and consultation of ``person``, newest
    first, each with a fresh manage link. Tokens cannot be read back from their hashes, so each
    view mints new ones, living exactly as long as the manage links the mails carry."""
    found = [_registration_entry(r, now) for r in _registrations(person)]
    found += [_consultation_entry(c, now) for c in _consultations(person)]
    found.sort(key=lambda entry: entry.starts_at, reverse=True)
    return found


def _registrations(person: Person) -> list[Registration]:
    return list(
        db.session.execute(
            sa.select(Registration)
            .where(Registration.person_id == person.id)
            .options(joinedload(Registration.event_date).joinedload(EventDate.offering))
        ).scalars()
    )


def _consultations(person: Person) -> list[Consultation]:
    return list(
        db.session.execute(
            sa.select(Consultation)
            .where(Consultation.person_id == person.id)
            .options(joinedload(Consultation.municipality))
        ).scalars()
    )


def _registration_entry(registration: Registration, now: datetime) -> Entry:
    date = registration.event_date
    token = tokens.mint(
        registration_mails.TOKEN_PURPOSE,
        registration.id,
        now,
        registration_mails.token_expiry(date.ends_at),
    )
    conference = date.offering.format is OfferingFormat.CONFERENCE
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    return Entry(
        kind="conference" if conference else "registration",
        title=date.offering.title,
        title_en=date.offering.title_en,
        starts_at=date.starts_at,
        ends_at=date.ends_at,
        status=str(registration.status.label),
        manage_url=public_url("registrations.manage", token=token),
        ics_url=public_url("registrations.calendar_file", token=token) if confirmed else None,
        export_url=public_url("privacy.export", kind="anmeldung", token=token),
        delete_url=public_url("privacy.delete", kind="anmeldung", token=token),
    )


def _consultation_entry(consultation: Consultation, now: datetime) -> Entry:
    manage = consultation_mails.manage_url(consultation, now)
    token = manage.rsplit("/", 1)[1]
    confirmed = consultation.status is ConsultationStatus.CONFIRMED
    municipality = consultation.municipality.name if consultation.municipality else ""
    return Entry(
        kind="consultation",
        title=municipality,
        starts_at=consultation.starts_at,
        ends_at=consultation.ends_at,
        status=str(consultation.status.label),
        manage_url=manage,
        ics_url=public_url("consultations.calendar_file", token=token) if confirmed else None,
        export_url=public_url("privacy.export", kind="beratung", token=token),
        delete_url=public_url("privacy.delete", kind="beratung", token=token),
    )
