"""Booking an initial consultation: pick the least-loaded free advisor, hold the slot, confirm,
reschedule, cancel, reassign. Each function is one transaction.

Double booking is prevented in three layers: the slot is re-checked for the chosen advisor
after that advisor's row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions
begin immediate), buffers and day limits are part of that check, and a partial unique index
on (advisor, start) refuses whatever still slips through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from startsmart import mail_budget, tokens, unconfirmed
from startsmart.audit import service as audit
from startsmart.catalog.models import Topic
from startsmart.consultations import mails, onsite, schedule
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.consultations.permissions import check_may_act
from startsmart.consultations.slots import SlotRefusal, check_slot
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, Person
from startsmart.municipalities.service import (
    MunicipalityInput,
    apply_pending,
    pending_values,
    person_values,
    resolve_municipality,
    verify,
    write_person,
)
from startsmart.staff.models import Role, StaffUser


class SlotTaken(DomainError):
    """The chosen slot is no longer free; the view shows fresh slots with this message."""


class NotEligible(DomainError):
    """The one-per-year rule, or a funded model project; staff may override."""


@dataclass(frozen=True)
class BookingRequest:
    starts_at: datetime
    channel: Channel
    municipality: MunicipalityInput
    name: str
    email: str
    function: str = ""
    phone: str = ""
    situation: str = ""
    goals: str = ""
    topic_ids: tuple[int, ...] = field(default=())
    locale: str = "de"
    client: str | None = None  # the form's client (``unconfirmed.client_key``)


@dataclass(frozen=True)
class Booked:
    consultation_id: int
    status: ConsultationStatus
    advisor_name: str
    held_until: datetime | None = None  # a pending booking waits this long for the confirmation


MAX_TEXT = 4000


def _refusal(refusals: list[SlotRefusal], channel: Channel) -> SlotTaken:
    """The one reason to tell, from each advisor's: a time that exists, but not for the chosen
    way of talking, is said as such (changing the channel helps); else taken before the rest."""
    if SlotRefusal.CHANNEL_UNAVAILABLE in refusals:
        return SlotTaken(
            _(
                "Zu diesem Termin ist „%(channel)s“ nicht möglich. Bitte wählen Sie eine andere "
                "Gesprächsform oder einen anderen Termin.",
                channel=channel.label,
            ),
            "channel",
        )
    worst = SlotRefusal.TAKEN if not refusals or SlotRefusal.TAKEN in refusals else refusals[0]
    return SlotTaken(_refusal_message(worst), "starts_at")


def _refusal_message(refusal: SlotRefusal) -> str:
    message: str  # gettext is untyped (Flask-Babel has no stubs)
    if refusal in (SlotRefusal.TOO_SOON, SlotRefusal.BEYOND_HORIZON):
        message = _(
            "Dieser Zeitpunkt kann nicht (mehr) gebucht werden. Bitte wählen Sie einen der "
            "angezeigten freien Termine."
        )
    elif refusal is SlotRefusal.MISALIGNED:
        message = _(
            "Diesen Zeitpunkt bieten wir nicht an. Bitte wählen Sie einen der angezeigten "
            "freien Termine."
        )
    else:
        message = _(
            "Dieser Termin ist leider gerade vergeben worden. Bitte wählen Sie einen anderen "
            "freien Termin."
        )
    return message


def check_eligibility(
    municipality: Municipality, now: datetime, exclude: int | None = None
) -> None:
    """Start Smart advises unfunded municipalities, each once a year (configurable)."""
    if municipality.is_model_project:
        raise NotEligible(
            _(
                "%(name)s ist ein gefördertes Modellprojekt Smart Cities. Die Initialberatung von "
                "Start Smart richtet sich an Kommunen ohne Förderung. Als Modellprojekt wenden Sie "
                "sich bitte an Ihre Ansprechperson in der Koordinierungs- und Transferstelle (KTS) "
                "oder beim Projektträger; im Austausch mit anderen Kommunen sind Sie bei den "
                "Moderierten Austauschen und Regionalkonferenzen herzlich willkommen.",
                name=municipality.name,
            ),
            "municipality",
        )
    months = current_app.config["CONSULTATION_ELIGIBILITY_MONTHS"]
    query = sa.select(Consultation.starts_at).where(
        Consultation.municipality_id == municipality.id,
        schedule.blocking_condition(now),
        Consultation.starts_at > now - timedelta(days=round(months * 30.44)),
    )
    if exclude is not None:
        query = query.where(Consultation.id != exclude)
    earlier = db.session.execute(query.limit(1)).scalar_one_or_none()
    if earlier is not None:
        raise NotEligible(
            ngettext(
                "Für %(name)s ist bereits eine Initialberatung gebucht oder hat im letzten "
                "Monat stattgefunden. Für weitere Fragen schreiben Sie uns gern – "
                "oder besuchen Sie einen Themen-Input oder Moderierten Austausch.",
                "Für %(name)s ist bereits eine Initialberatung gebucht oder hat in den letzten "
                "%(num)d Monaten stattgefunden. Für weitere Fragen schreiben Sie uns gern – "
                "oder besuchen Sie einen Themen-Input oder Moderierten Austausch.",
                months,
                name=municipality.name,
            ),
            "municipality",
        )


def lock_advisor(advisor_id: int) -> StaffUser | None:
    return db.session.execute(
        sa.select(StaffUser)
        .where(StaffUser.id == advisor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _free_advisor(
    starts_at: datetime,
    channel: Channel,
    now: datetime,
    walk_in: bool,
    exclude_consultation: int | None = None,
    only: tuple[int, ...] | None = None,
) -> StaffUser:
    """Lock and return the least-loaded advisor free at ``starts_at`` (ties: longest idle)."""
    rules = schedule.rules(walk_in)
    availability = schedule.advisors(only)
    refusals: list[SlotRefusal] = []
    candidates = []
    bookings = schedule.bookings(now, exclude=exclude_consultation)
    for advisor in availability:
        refusal = check_slot(advisor, bookings, rules, now, starts_at, channel.value)
        if refusal is None:
            candidates.append(advisor)
        else:
            refusals.append(refusal)
    ids = [a.advisor_id for a in candidates]
    load = schedule.load(ids, now)
    idle = schedule.last_assigned(ids)
    never = datetime.min.replace(tzinfo=now.tzinfo)
    candidates.sort(key=lambda a: (load[a.advisor_id], idle[a.advisor_id] or never, a.advisor_id))
    for candidate in candidates:
        locked = lock_advisor(candidate.advisor_id)
        # Under the lock, with the bookings as they are now: still free?
        fresh = schedule.bookings(now, [candidate.advisor_id], exclude=exclude_consultation)
        refusal = check_slot(candidate, fresh, rules, now, starts_at, channel.value)
        if locked is not None and locked.active and refusal is None:
            return locked
        refusals.append(refusal or SlotRefusal.TAKEN)
    raise _refusal(refusals, channel)


def _text(value: str, label: str, field_name: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise DomainError(
            _("%(label)s: höchstens %(n)d Zeichen.", label=label, n=MAX_TEXT), field_name
        )
    return value


def book(
    request: BookingRequest,
    now: datetime,
    by_staff: bool = False,
    override: bool = False,
    conference_id: int | None = None,
    actor: StaffUser | None = None,
) -> Booked:
    """Book the slot for the municipality: held until the address is confirmed (staff bookings
    are confirmed at once and both parties get the invitation).

    ``override`` (staff only) books despite the eligibility rules; the consultation records it
    if a rule was in fact set aside. An on-site booking records the conference whose window it
    lies in; with ``conference_id`` only that conference's advisors are considered.
    """
    situation = _text(request.situation, _("Ausgangslage"), "situation")
    goals = _text(request.goals, _("Ziele und Fragen"), "goals")
    if not by_staff and (refusal := mail_budget.refusal(request.email)):
        raise DomainError(refusal, "email")
    if request.channel is Channel.PHONE and not request.phone.strip():
        raise DomainError(_("Für ein Telefongespräch brauchen wir Ihre Telefonnummer."), "phone")
    municipality_id = resolve_municipality(request.municipality, by_staff, now)
    # One booking per municipality at a time: two colleagues booking at once queue up here.
    municipality = db.session.get_one(
        Municipality, municipality_id, with_for_update=True, populate_existing=True
    )
    # The override is recorded only where it was needed, so the flag marks real exceptions.
    overridden = False
    try:
        check_eligibility(municipality, now)
    except NotEligible:
        if not override:
            raise
        overridden = True
    typed = person_values(
        name=request.name,
        email=request.email,
        function=request.function,
        municipality_id=municipality.id,
        locale=request.locale,
        now=now,
    )
    if not by_staff:
        unconfirmed.check_booking(typed["email"], request.client, now)
    # Staff are trusted; a public form changes a stored person only once confirmed by mail.
    written = write_person(typed, overwrite=by_staff)
    person = db.session.get(Person, written.id, populate_existing=True)
    walk_in = by_staff and request.channel is Channel.ON_SITE
    duration = timedelta(minutes=current_app.config["CONSULTATION_DURATION_MINUTES"])
    ends_at = request.starts_at + duration
    only = None
    if request.channel is not Channel.ON_SITE:
        conference_id = None
    elif conference_id is not None:
        # Booked from the conference's page: only its advisors, in their windows there.
        only = onsite.advisors_at(conference_id, request.starts_at, ends_at)
    advisor = _free_advisor(request.starts_at, request.channel, now, walk_in, only=only)
    if request.channel is Channel.ON_SITE and conference_id is None:
        conference_id = onsite.conference_of(advisor.id, request.starts_at, ends_at)
    topics = (
        list(db.session.execute(sa.select(Topic).where(Topic.id.in_(request.topic_ids))).scalars())
        if request.topic_ids
        else []
    )
    consultation = Consultation(
        advisor=advisor,
        municipality=municipality,
        person=person,
        starts_at=request.starts_at,
        ends_at=ends_at,
        channel=request.channel,
        situation=situation,
        goals=goals,
        phone=request.phone.strip() or None,
        locale=request.locale,
        topics=topics,
        booked_by_staff=by_staff,
        eligibility_overridden=overridden,
        created_at=now,
        conference_id=conference_id,
        privacy_notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        privacy_acknowledged_at=now,
        pending_person=None if by_staff else pending_values(typed),
        hold_client=None if by_staff else request.client,
    )
    if by_staff:
        consultation.status = ConsultationStatus.CONFIRMED
        consultation.confirmed_at = now
    else:
        consultation.status = ConsultationStatus.PENDING
        consultation.hold_expires_at = unconfirmed.hold_until(
            "CONSULTATION_HOLD_HOURS", now, request.starts_at
        )
    db.session.add(consultation)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:  # the unique index: someone was faster after all
        db.session.rollback()
        raise SlotTaken(_refusal_message(SlotRefusal.TAKEN), "starts_at") from error
    if by_staff:
        mails.invitations(consultation, now)
        audit.record(
            "consultation.booked",
            actor,
            now,
            subject=f"consultation:{consultation.id}",
            starts_at=request.starts_at.isoformat(),
            channel=request.channel.value,
            override=consultation.eligibility_overridden or None,
        )
    else:
        mails.confirm_request(consultation, now)
    db.session.commit()
    if not by_staff:
        mail_budget.spend(request.email)
    return Booked(consultation.id, consultation.status, advisor.name, consultation.hold_expires_at)


def consultation_for_token(token: str, now: datetime) -> Consultation | None:
    consultation_id = tokens.resolve(mails.TOKEN_PURPOSE, token, now)
    return db.session.get(Consultation, consultation_id) if consultation_id else None


def _locked(token: str, now: datetime) -> Consultation:
    consultation = consultation_for_token(token, now)
    if consultation is None:
        raise DomainError(_("Dieser Link ist ungültig oder abgelaufen."))
    lock_advisor(consultation.advisor_id)
    db.session.refresh(consultation)
    return consultation


def nothing_to_confirm(consultation: Consultation, now: datetime) -> str | None:
    """What the confirmation page says instead of its button, or None while confirming still
    does something."""
    if consultation.status is ConsultationStatus.CANCELLED:
        return str(_("Diese Beratung wurde abgesagt."))
    if now >= consultation.starts_at:
        return str(_("Dieser Termin liegt in der Vergangenheit."))
    if consultation.status is ConsultationStatus.CONFIRMED:
        return str(_("Ihre Initialberatung ist bereits bestätigt."))
    return None


def confirm(token: str, now: datetime) -> Consultation:
    """Double opt-in done: the consultation is confirmed, both parties get the invitation."""
    consultation = _locked(token, now)
    if consultation.status is ConsultationStatus.CONFIRMED:
        db.session.commit()
        return consultation
    if consultation.status is ConsultationStatus.CANCELLED:
        raise DomainError(_("Diese Beratung wurde abgesagt."))
    if now >= consultation.starts_at:
        raise DomainError(_("Dieser Termin liegt in der Vergangenheit."))
    hold = consultation.hold_expires_at  # set with every pending booking
    if consultation.status is ConsultationStatus.EXPIRED or (hold is not None and hold <= now):
        # Too late: take the slot again only if it is still free for the same advisor.
        fresh = schedule.bookings(now, [consultation.advisor_id], exclude=consultation.id)
        availability = schedule.advisors([consultation.advisor_id])
        refusal = (
            check_slot(
                availability[0],
                fresh,
                schedule.rules(),
                now,
                consultation.starts_at,
                consultation.channel.value,
            )
            if availability
            else SlotRefusal.OUTSIDE_AVAILABILITY
        )
        if refusal is not None:
            consultation.status = ConsultationStatus.EXPIRED
            consultation.expired_at = consultation.expired_at or now
            db.session.commit()
            raise SlotTaken(
                _(
                    "Die Bestätigung kam zu spät, der Termin ist inzwischen vergeben. "
                    "Bitte buchen Sie einen neuen Termin."
                )
            )
    consultation.status = ConsultationStatus.CONFIRMED
    consultation.confirmed_at = now
    consultation.expired_at = None
    consultation.hold_expires_at = None
    # The mailbox owner confirmed: what their form typed now applies (before the invitations
    # are written), and their municipality is suggested from now on.
    apply_pending(consultation.person, consultation.pending_person)
    consultation.pending_person = None
    consultation.hold_client = None
    verify(consultation.municipality_id, now)
    mails.invitations(consultation, now)
    db.session.commit()
    return consultation


def cancel(token: str, now: datetime, reason: str | None = None) -> Consultation:
    consultation = _locked(token, now)
    return _cancel(consultation, now, reason)


def _cancel(
    consultation: Consultation, now: datetime, reason: str | None, commit: bool = True
) -> Consultation:
    if not consultation.is_active:
        raise DomainError(_("Diese Beratung ist nicht mehr aktiv; es gibt nichts abzusagen."))
    if now >= consultation.starts_at:
        raise DomainError(_("Der Termin hat bereits begonnen."))
    consultation.status = ConsultationStatus.CANCELLED
    consultation.cancelled_at = now
    consultation.hold_expires_at = None
    mails.cancellations(consultation, now, reason)
    if commit:
        db.session.commit()
    return consultation


def withdraw(consultation_id: int, now: datetime) -> None:
    """Cancel on the person's behalf (they asked for their data to be deleted): CANCEL to both
    parties; not committed — the caller's unit of work."""
    consultation = db.session.get_one(Consultation, consultation_id)
    lock_advisor(consultation.advisor_id)
    db.session.refresh(consultation)
    if consultation.is_active and now < consultation.starts_at:
        _cancel(consultation, now, None, commit=False)


def cancel_by_staff(
    consultation_id: int, actor: StaffUser, reason: str, now: datetime
) -> Consultation:
    """Staff call a consultation off; both parties get the CANCEL with the reason."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise DomainError(_("Diese Beratung gibt es nicht."))
    check_may_act(actor, consultation)
    lock_advisor(consultation.advisor_id)
    db.session.refresh(consultation)
    audit.record(
        "consultation.cancelled",
        actor,
        now,
        subject=f"consultation:{consultation.id}",
        reason=reason.strip() or None,
    )
    return _cancel(consultation, now, reason.strip() or None)


def reschedule(
    token: str, starts_at: datetime, channel: Channel, now: datetime, phone: str = ""
) -> Consultation:
    """A new time (and channel): the same UID, SEQUENCE + 1, both parties updated. The current
    advisor keeps the consultation if free then; otherwise a free colleague takes it over.
    A phone number given here replaces the one on record."""
    consultation = _locked(token, now)
    if not consultation.is_active:
        raise DomainError(_("Diese Beratung ist nicht mehr aktiv."))
    if now >= consultation.starts_at:
        raise DomainError(_("Der Termin hat bereits begonnen und kann nicht verschoben werden."))
    phone = phone.strip() or (consultation.phone or "")
    if len(phone) > 40:
        raise DomainError(_("Telefonnummer: höchstens %(n)d Zeichen.", n=40), "phone")
    if channel is Channel.PHONE and not phone:
        raise DomainError(_("Für ein Telefongespräch brauchen wir Ihre Telefonnummer."), "phone")
    previous = consultation.advisor
    try:
        advisor = _free_advisor(
            starts_at, channel, now, False, consultation.id, only=(previous.id,)
        )
    except SlotTaken:
        advisor = _free_advisor(starts_at, channel, now, False, consultation.id)
    duration = consultation.ends_at - consultation.starts_at
    consultation.starts_at, consultation.ends_at = starts_at, starts_at + duration
    consultation.channel = channel
    consultation.phone = phone or None
    consultation.conference_id = (
        onsite.conference_of(advisor.id, starts_at, starts_at + duration)
        if channel is Channel.ON_SITE
        else None
    )
    consultation.reminder_queued_at = None
    if advisor.id != previous.id:
        consultation.advisor = advisor
        if consultation.invitation_sent:
            mails.reassigned(consultation, previous, now)
    elif consultation.invitation_sent:
        mails.invitations(consultation, now, changed=True)
    if consultation.status is ConsultationStatus.PENDING:
        # Counted from the booking, not from the move: moving an unconfirmed booking again
        # and again must not hold a slot for longer.
        consultation.hold_expires_at = unconfirmed.hold_until(
            "CONSULTATION_HOLD_HOURS", consultation.created_at, starts_at
        )
        mails.confirm_request(consultation, now)
    db.session.commit()
    return consultation


def reassign(
    consultation_id: int, advisor_id: int, actor: StaffUser, now: datetime
) -> Consultation:
    """Staff hand a consultation to another advisor (who must be free then). No notice
    applies: handing over tomorrow's consultation because of illness is the usual case."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise DomainError(_("Diese Beratung gibt es nicht."))
    check_may_act(actor, consultation)
    if not consultation.is_active:
        raise DomainError(_("Diese Beratung ist nicht mehr aktiv."))
    if now >= consultation.starts_at:
        raise DomainError(_("Der Termin hat bereits begonnen."))
    if advisor_id == consultation.advisor_id:
        raise DomainError(_("Die Beratung liegt bereits bei dieser Person."), "advisor")
    target = db.session.get(StaffUser, advisor_id)
    if target is None or not target.active or target.role is not Role.ADVISOR:
        raise DomainError(
            _("Bitte wählen Sie eine aktive Beraterin oder einen aktiven Berater."), "advisor"
        )
    previous = consultation.advisor
    try:
        advisor = _free_advisor(
            consultation.starts_at,
            consultation.channel,
            now,
            True,
            consultation.id,
            only=(advisor_id,),
        )
    except SlotTaken:
        raise DomainError(
            _(
                "%(name)s ist zu dieser Zeit nicht frei (keine passende Beratungszeit, "
                "abwesend oder schon gebucht).",
                name=target.name,
            ),
            "advisor",
        ) from None
    consultation.advisor = advisor
    if consultation.invitation_sent:
        mails.reassigned(consultation, previous, now)
    audit.record(
        "consultation.reassigned",
        actor,
        now,
        subject=f"consultation:{consultation.id}",
        advisor=f"{previous.email} -> {advisor.email}",
    )
    db.session.commit()
    return consultation


def expire_all(now: datetime) -> int:
    """Pending consultations whose hold ran out: marked expired, the municipality told."""
    overdue = (
        db.session.execute(
            sa.select(Consultation).where(
                Consultation.status == ConsultationStatus.PENDING,
                Consultation.hold_expires_at <= now,
            )
        )
        .scalars()
        .all()
    )
    for consultation in overdue:
        consultation.status = ConsultationStatus.EXPIRED
        consultation.expired_at = now
        mails.expired(consultation, now)
    db.session.commit()
    return len(overdue)
