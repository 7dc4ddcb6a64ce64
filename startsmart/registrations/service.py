"""Registering for a date, confirming, cancelling: each one transaction under the date's lock.

lock the date → settle expired holds → check the rules → write → queue the mails → commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from startsmart import mail_budget, tokens, unconfirmed
from startsmart.catalog.models import EventDate, EventDateStatus, OfferingFormat
from startsmart.conferences import choices
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.service import (
    MunicipalityInput,
    adopt_municipality,
    apply_pending,
    checked_name,
    pending_values,
    person_values,
    verify,
)
from startsmart.registrations import intake, mails, seats
from startsmart.registrations.models import (
    ACTIVE,
    ConsentKind,
    Registration,
    RegistrationStatus,
)
from startsmart.registrations.rules import Closed, Window, closed_reason, gets_a_seat

MAX_QUESTION = 2000


@dataclass(frozen=True)
class Applicant:
    """What somebody entered in the registration form."""

    name: str
    email: str
    function: str
    municipality: MunicipalityInput
    question: str | None = None
    news_consent: bool = False
    locale: str = "de"
    # Regional conferences only (ignored elsewhere): take part in the speed-dating, and share
    # contact details afterwards with the partners met there.
    speed_dating: bool = False
    contact_exchange: bool = False
    client: str | None = None  # the form's client (``unconfirmed.client_key``)
    # Regional conferences with a choice of workshops: the form's values, field name → the
    # chosen session's id as sent (``conferences.choices.picks_by_slot`` checks them). None:
    # not asked (staff register people without a choice; they move them later).
    workshops: dict[str, str | None] | None = None


@dataclass(frozen=True)
class Outcome:
    registration_id: int
    status: RegistrationStatus
    position: int | None  # on the waiting list
    repeated: bool  # nothing new happened: registered, or confirmed, before
    held_until: datetime | None = None  # a pending seat waits this long for the confirmation


def closed_message(reason: Closed) -> str:
    return {
        Closed.NOT_PUBLISHED: _("Für diesen Termin ist keine Anmeldung möglich."),
        Closed.CANCELLED: _("Dieser Termin wurde abgesagt. Eine Anmeldung ist nicht möglich."),
        Closed.STARTED: _("Dieser Termin hat bereits begonnen oder ist vorbei."),
        Closed.NOT_YET_OPEN: _("Die Anmeldung für diesen Termin ist noch nicht geöffnet."),
        Closed.DEADLINE_PASSED: _("Die Anmeldefrist für diesen Termin ist abgelaufen."),
    }[reason]


def window(date: EventDate | intake.LockedDate) -> Window:
    return Window(
        published=date.status is EventDateStatus.PUBLISHED,
        cancelled=date.status is EventDateStatus.CANCELLED,
        starts_at=date.starts_at,
        opens_at=date.registration_opens_at,
        closes_at=date.registration_closes_at,
    )


def closed_reason_for(date: EventDate, now: datetime) -> Closed | None:
    """Why the public may not register for ``date`` now, or None."""
    return closed_reason(window(date), now)


def register(date_id: int, applicant: Applicant, now: datetime, by_staff: bool = False) -> Outcome:
    """Register ``applicant`` for the date: a held seat (pending), or the waiting list.

    Registering twice yields the first registration again (double click, reload, back and
    resubmit). Staff may register people outside the registration window; their entries
    need no e-mail confirmation.

    The busiest write of the service: ``intake`` locks, counts and writes with few statements
    and no ORM objects (see there); confirming, cancelling and promoting stay with the ORM.
    """
    municipality = checked_name(applicant.municipality)
    if not by_staff and (refusal := mail_budget.refusal(applicant.email)):
        raise DomainError(refusal, "email")
    date, known_municipality_id = intake.lock(date_id, municipality)
    if date is None:
        raise DomainError(_("Diesen Termin gibt es nicht."))
    reason = closed_reason(window(date), now, by_staff)
    if reason is not None:
        raise DomainError(closed_message(reason))
    question = _checked_question(date, applicant.question)
    municipality_id = adopt_municipality(
        applicant.municipality, municipality, known_municipality_id, by_staff, now
    )
    person = person_values(
        name=applicant.name,
        email=applicant.email,
        function=applicant.function,
        municipality_id=municipality_id,
        locale=applicant.locale,
        now=now,
    )
    newcomer = intake.count(date.id, now, person, overwrite=by_staff)
    counted = newcomer.tally
    if seats.settle(date, now, counted):
        counted = seats.tally(date.id, now, municipality_id, newcomer.person.id)

    if counted.mine is not None:
        existing = db.session.get_one(Registration, counted.mine)
        outcome = Outcome(
            existing.id,
            existing.status,
            seats.waitlist_position(existing),
            True,
            existing.hold_expires_at,
        )
        db.session.commit()
        return outcome

    _check_municipality_limit(date, counted.from_municipality)
    conference = date.offering.format is OfferingFormat.CONFERENCE
    slots, picks = _workshop_picks(date.id, applicant) if conference else ([], {})
    if not by_staff:
        unconfirmed.check_registration(
            date.id,
            municipality_id,
            date.municipality_limit,
            newcomer.person.email,
            applicant.client,
            now,
        )
    if gets_a_seat(date.capacity, counted.holding, counted.waiting):
        state = seats.seat_state(email_confirmed=by_staff, now=now, starts_at=date.starts_at)
        position = None
    else:
        state = {"status": RegistrationStatus.WAITLISTED, "queued_at": counted.end_of_queue(now)}
        position = counted.waiting + 1  # the end of the list: nobody joins while we hold the lock
    consents = [ConsentKind.NEWS] if applicant.news_consent else []
    if conference and applicant.contact_exchange:
        consents.append(ConsentKind.CONTACT_EXCHANGE)
    registration = intake.write(
        date,
        newcomer.person,
        {
            **state,
            "municipality_id": municipality_id,
            "locale": applicant.locale,
            "question": question,
            "speed_dating": conference and applicant.speed_dating,
            "added_by_staff": by_staff,
            # Staff are trusted (the person was written above); a public form's values wait
            # for the mailbox owner's confirmation.
            "pending_person": None if by_staff else pending_values(person),
            "hold_client": None if by_staff else applicant.client,
            "created_at": now,
            "email_confirmed_at": now if by_staff else None,
            "invitation_sent": state["status"] is RegistrationStatus.CONFIRMED,
            "privacy_notice_version": current_app.config["PRIVACY_NOTICE_VERSION"],
            "privacy_acknowledged_at": now,
        },
        now,
        position,
        consents,
    )
    if picks:
        choices.apply(registration.id, slots, picks, now)
    db.session.commit()
    if not by_staff:
        mail_budget.spend(applicant.email)
    return Outcome(
        registration.id, registration.status, position, False, registration.hold_expires_at
    )


def _workshop_picks(
    date_id: int, applicant: Applicant
) -> tuple[list[choices.ChoiceSlot], dict[int, int]]:
    """A conference's slots with a choice and the sessions picked in them (checked before
    anything is written); none where the conference offers no choice or staff register."""
    if applicant.workshops is None:
        return [], {}
    conference_id = db.session.execute(
        sa.select(EventDate.conference_id).where(EventDate.id == date_id)
    ).scalar_one()
    slots = choices.offered(conference_id) if conference_id is not None else []
    return slots, choices.picks_by_slot(slots, applicant.workshops)


def _checked_question(date: EventDate | intake.LockedDate, question: str | None) -> str | None:
    """The question for a moderated exchange (required there); other formats ask none."""
    if date.offering.format is not OfferingFormat.MODERATED_EXCHANGE:
        return None
    question = (question or "").strip()
    if not question:
        raise DomainError(
            _(
                "Bitte schreiben Sie Ihre Frage für den Austausch auf, damit die Moderation sie "
                "vorbereiten kann."
            ),
            "question",
        )
    if len(question) > MAX_QUESTION:
        raise DomainError(
            _("Ihre Frage ist zu lang (höchstens %(n)d Zeichen).", n=MAX_QUESTION), "question"
        )
    return question or None


def _check_municipality_limit(date: intake.LockedDate, taken: int) -> None:
    """``taken``: the municipality's active registrations for the date, counted under its lock."""
    limit = date.municipality_limit
    if taken >= limit:
        raise DomainError(
            ngettext(
                "Aus Ihrer Kommune ist für diesen Termin schon %(num)d Person angemeldet; mehr "
                "Plätze je Kommune gibt es nicht, damit viele Kommunen teilnehmen können. "
                "Schreiben Sie uns, wenn Sie trotzdem dabei sein möchten.",
                "Aus Ihrer Kommune sind für diesen Termin schon %(num)d Personen angemeldet; mehr "
                "Plätze je Kommune gibt es nicht, damit viele Kommunen teilnehmen können. "
                "Schreiben Sie uns, wenn Sie trotzdem dabei sein möchten.",
                limit,
            ),
            "municipality",
        )


def registration_for_token(token: str, now: datetime) -> Registration | None:
    registration_id = tokens.resolve(mails.TOKEN_PURPOSE, token, now)
    return db.session.get(Registration, registration_id) if registration_id else None


def _locked(token: str, now: datetime) -> Registration:
    """The registration behind ``token``, re-read under its date's lock."""
    registration = registration_for_token(token, now)
    if registration is None:
        raise DomainError(_("Dieser Link ist ungültig oder abgelaufen."))
    return relocked(registration, now)


def relocked(registration: Registration, now: datetime) -> Registration:
    """``registration`` re-read under its date's lock, with the date brought up to date first
    (lapsed holds freed, free seats given): what every change to one registration starts
    with, from a link or from the staff pages."""
    date = seats.lock_date(registration.event_date_id)
    db.session.refresh(registration)
    if seats.settle(date, now):
        db.session.flush()
        db.session.refresh(registration)
    return registration


def nothing_to_confirm(registration: Registration, now: datetime) -> str | None:
    """What the confirmation page says instead of its button, or None while confirming still
    does something (a cancelled registration must not look as if a click could revive it)."""
    if registration.status is RegistrationStatus.CANCELLED:
        return _("Diese Anmeldung wurde storniert.")
    if now >= registration.event_date.starts_at:
        return closed_message(Closed.STARTED)
    if registration.email_confirmed_at is not None and registration.status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ):
        return _("Ihre Anmeldung ist bereits bestätigt.")
    return None


def confirm(token: str, now: datetime) -> Outcome:
    """Double opt-in: the address is confirmed. A held seat becomes a confirmed one (with the
    invitation); on the waiting list the person keeps their place, now confirmed."""
    registration = _locked(token, now)
    date = registration.event_date
    status = registration.status
    if status in (RegistrationStatus.CANCELLED,):
        db.session.commit()
        raise DomainError(_("Diese Anmeldung wurde storniert."))
    if now >= date.starts_at:
        db.session.commit()
        raise DomainError(closed_message(Closed.STARTED))
    was_confirmed = registration.email_confirmed_at is not None
    if not was_confirmed:
        registration.email_confirmed_at = now
    # The mailbox owner confirmed: what their form typed now applies, before any mail is
    # written, and their municipality is suggested from now on.
    apply_pending(registration.person, registration.pending_person)
    registration.pending_person = None
    registration.hold_client = None
    verify(registration.municipality_id, now)
    if status is RegistrationStatus.PENDING:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.hold_expires_at = None
        mails.invitation(registration, now)
        choices.calendars_follow([registration.id], now)  # its workshops, now confirmed
    elif status is RegistrationStatus.EXPIRED:
        # Confirmed too late: the seat is gone, but a free one (or the list) is still an option.
        counted = seats.tally(date.id, now)
        seat = gets_a_seat(date.capacity, counted.holding, counted.waiting)
        registration.expired_at = None
        registration.status = RegistrationStatus.WAITLISTED
        registration.queued_at = counted.end_of_queue(now)
        db.session.flush()
        if seat:
            seats.give_seat(registration, now)
        else:
            mails.waitlisted(registration, now, seats.waitlist_position(registration))
    db.session.commit()
    repeated = status is registration.status and (
        status is not RegistrationStatus.WAITLISTED or was_confirmed
    )
    return Outcome(
        registration.id, registration.status, seats.waitlist_position(registration), repeated
    )


def cancel(token: str, now: datetime) -> Outcome:
    """The person cancels: a CANCEL for their calendar, the seat to the next in line."""
    return _cancel(_locked(token, now), now)


def withdraw(registration_id: int, now: datetime) -> None:
    """Cancel on the person's behalf without a token (they asked for their data to be deleted):
    the same CANCEL and promotion as ``cancel``; not committed — the caller's unit of work."""
    registration = relocked(db.session.get_one(Registration, registration_id), now)
    if registration.status in ACTIVE and now < registration.event_date.starts_at:
        _cancel(registration, now, commit=False)


def cancel_locked(registration: Registration, now: datetime, notify: bool) -> None:
    """Staff cancel on the person's request (``registration`` from ``relocked``): the same
    change, CANCEL and promotion as ``cancel``; with ``notify`` False no mail goes to the
    person (they know already). Not committed — the caller's unit of work, which records it."""
    _cancel(registration, now, commit=False, mail=notify, on_request=True)


def decline(registration: Registration, now: datetime) -> None:
    """The person declined the invitation in their calendar (``registration`` from
    ``relocked``): the same change, CANCEL mail and promotion as ``cancel``. Not committed —
    the caller's unit of work (``inbox.service``), which records it."""
    _cancel(registration, now, commit=False)


def _cancel(
    registration: Registration,
    now: datetime,
    commit: bool = True,
    mail: bool = True,
    on_request: bool = False,
) -> Outcome:
    if registration.status not in ACTIVE:
        db.session.commit()
        raise DomainError(
            _(
                "Diese Anmeldung ist nicht mehr aktiv (%(status)s); es gibt nichts zu stornieren.",
                status=registration.status.label,
            )
        )
    if now >= registration.event_date.starts_at:
        db.session.commit()
        raise DomainError(
            _("Der Termin hat bereits begonnen; eine Stornierung ist nicht mehr möglich.")
        )
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.hold_expires_at = None
    registration.queued_at = None
    if mail:
        mails.cancelled(registration, now, on_request=on_request)
    db.session.flush()
    choices.release(registration.id, now)
    seats.promote(registration.event_date, now)
    if commit:
        db.session.commit()
    return Outcome(registration.id, registration.status, None, False)


def resend_link(registration_id: int, now: datetime) -> str | None:
    """Mail the person a fresh manage link (they lost the first mail). Goes only to the address
    on the registration, so it reveals nothing to whoever asks. Returns why it was not sent
    (the address's budget of form mails is spent), or None."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status not in ACTIVE or registration.person is None:
        return None
    refusal = mail_budget.refusal(registration.person.email)
    if refusal:
        return refusal
    mail_where_it_stands(registration, now)
    db.session.commit()
    mail_budget.spend(registration.person.email)
    return None


def mail_where_it_stands(registration: Registration, now: datetime) -> str:
    """Queue the mail that says where an active registration stands, with a fresh manage link:
    please confirm (pending), the calendar invitation with the same UID and SEQUENCE, so the
    calendar updates its entry instead of adding one (confirmed), or the place on the waiting
    list. Returns the mail's kind. Not committed — the caller's unit of work."""
    if registration.status is RegistrationStatus.PENDING:
        mails.confirm_request(registration, now)
        return mails.CONFIRM_REQUEST
    if registration.status is RegistrationStatus.CONFIRMED:
        mails.invitation(registration, now)
        return mails.INVITATION
    mails.waitlisted(registration, now, seats.waitlist_position(registration))
    return mails.WAITLISTED


def expire_all(now: datetime) -> int:
    """Free every hold that ran out, on every date, and promote (cron: every few minutes)."""
    date_ids = (
        db.session.execute(
            sa.select(Registration.event_date_id)
            .distinct()
            .where(
                Registration.status == RegistrationStatus.PENDING,
                Registration.hold_expires_at <= now,
            )
        )
        .scalars()
        .all()
    )
    db.session.commit()
    expired = 0
    for date_id in date_ids:
        date = seats.lock_date(date_id)
        expired += len(seats.expire_overdue(date, now))
        db.session.flush()
        seats.promote(date, now)
        db.session.commit()
    return expired
