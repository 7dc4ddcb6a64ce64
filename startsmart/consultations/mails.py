"""Mails of a consultation: to the municipality and to the advisor, one calendar UID for both."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from startsmart import tokens
from startsmart.catalog.calendar import uid_domain
from startsmart.consultations.models import Channel, Consultation
from startsmart.invitations.compose import Invitation, Recipient, organizer
from startsmart.invitations.ical import Attendee, CalendarEvent, Method
from startsmart.invitations.outbox import queue_mail
from startsmart.links import public_url
from startsmart.staff.models import StaffUser

TOKEN_PURPOSE = "consultation"


def manage_url(consultation: Consultation, now: datetime) -> str:
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    token = tokens.mint(
        TOKEN_PURPOSE, consultation.id, now, consultation.ends_at + timedelta(days=days)
    )
    return public_url("consultations.manage", token=token)


def uid(consultation: Consultation) -> str:
    return f"consultation-{consultation.id}@{uid_domain()}"


def where(consultation: Consultation) -> str:
    if consultation.channel is Channel.ON_SITE:
        if consultation.conference is not None:
            conference = consultation.conference
            return _(
                "vor Ort: %(venue)s (%(title)s)", venue=conference.venue, title=conference.title
            )
        return _("vor Ort")
    if consultation.channel is Channel.PHONE:
        return _(
            "Telefon: Ihre Beraterin oder Ihr Berater ruft Sie unter %(phone)s an",
            phone=consultation.phone or "–",
        )
    return _("Videokonferenz (den Link erhalten Sie vor dem Termin)")


def calendar_event(
    consultation: Consultation,
    advisors: tuple[StaffUser, ...],
    manage: str | None,
    cancelled: bool = False,
) -> CalendarEvent:
    person = consultation.person
    municipality = consultation.municipality.name if consultation.municipality else ""
    lines = [
        _("Initialberatung von Start Smart für %(municipality)s", municipality=municipality),
        where(consultation),
    ]
    if manage:
        lines.append(_("Termin ansehen, verschieben oder absagen: %(url)s", url=manage))
    attendees = [Attendee(person.email, person.name)] + [
        Attendee(advisor.email, advisor.name) for advisor in advisors
    ]
    return CalendarEvent(
        uid=uid(consultation),
        sequence=consultation.ical_sequence,
        starts_at=consultation.starts_at,
        ends_at=consultation.ends_at,
        summary=_("Start Smart: Initialberatung %(municipality)s", municipality=municipality),
        description="\n\n".join(lines),
        location=where(consultation),
        organizer=organizer(),
        attendees=tuple(attendees),
        cancelled=cancelled,
    )


def to_municipality(
    consultation: Consultation,
    template: str,
    now: datetime,
    method: Method | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> None:
    person = consultation.person
    to = Recipient(person.email, person.name, consultation.locale)
    manage = manage_url(consultation, now)
    invitation = None
    if method is not None:
        with force_locale(to.locale):
            event = calendar_event(
                consultation, (consultation.advisor,), manage, cancelled=method is Method.CANCEL
            )
        invitation = Invitation(method, event)
    queue_mail(
        to=to,
        template=template,
        now=now,
        invitation=invitation,
        reference=f"consultation:{consultation.id}",
        dedupe_key=dedupe_key,
        context={
            "consultation": consultation,
            "manage_url": manage,
            "where": where(consultation),
            **context,
        },
    )


def to_advisor(
    consultation: Consultation,
    advisor: StaffUser,
    template: str,
    now: datetime,
    method: Method,
    **context: Any,
) -> None:
    """The advisor's copy: the same UID; a CANCEL names only the advisor who is removed."""
    to = Recipient(advisor.email, advisor.name, advisor.locale)
    with force_locale(to.locale):
        event = calendar_event(consultation, (advisor,), None, cancelled=method is Method.CANCEL)
    queue_mail(
        to=to,
        template=template,
        now=now,
        invitation=Invitation(method, event),
        reference=f"consultation:{consultation.id}",
        context={
            "consultation": consultation,
            "advisor": advisor,
            "where": where(consultation),
            "staff_url": public_url("consultations_staff.detail", consultation_id=consultation.id),
            **context,
        },
    )


def confirm_request(consultation: Consultation, now: datetime) -> None:
    to_municipality(consultation, "consultation_confirm", now)


def invitations(consultation: Consultation, now: datetime, changed: bool = False) -> None:
    """REQUEST to the municipality and the advisor (a first invitation, or an update)."""
    if changed and consultation.invitation_sent:
        consultation.ical_sequence += 1
    consultation.invitation_sent = True
    template = "consultation_update" if changed else "consultation_invitation"
    to_municipality(consultation, template, now, Method.REQUEST)
    to_advisor(
        consultation,
        consultation.advisor,
        "consultation_advisor",
        now,
        Method.REQUEST,
        changed=changed,
    )


def cancellations(consultation: Consultation, now: datetime, reason: str | None = None) -> None:
    """CANCEL to both (if they had the invitation), or a plain note to the municipality."""
    if consultation.invitation_sent:
        consultation.ical_sequence += 1
        to_municipality(consultation, "consultation_cancelled", now, Method.CANCEL, reason=reason)
        to_advisor(
            consultation,
            consultation.advisor,
            "consultation_advisor_cancelled",
            now,
            Method.CANCEL,
            reason=reason,
        )
    else:
        to_municipality(consultation, "consultation_cancelled", now, reason=reason)


def reassigned(consultation: Consultation, previous: StaffUser, now: datetime) -> None:
    """The new advisor gets a REQUEST, the previous one a CANCEL, the municipality an update."""
    consultation.ical_sequence += 1
    to_advisor(
        consultation,
        previous,
        "consultation_advisor_cancelled",
        now,
        Method.CANCEL,
        reason=_("Die Beratung wurde einer Kollegin oder einem Kollegen übergeben."),
    )
    to_advisor(
        consultation,
        consultation.advisor,
        "consultation_advisor",
        now,
        Method.REQUEST,
        changed=False,
    )
    to_municipality(consultation, "consultation_update", now, Method.REQUEST)


def expired(consultation: Consultation, now: datetime) -> None:
    to_municipality(consultation, "consultation_expired", now)


def reminder(consultation: Consultation, now: datetime) -> None:
    to_municipality(
        consultation,
        "consultation_reminder",
        now,
        dedupe_key=f"reminder:consultation:{consultation.id}",
    )
