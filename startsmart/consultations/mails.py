"""Mails of a consultation: to the municipality and to the advisor, one calendar UID for both.

Queued as outbox intents, like a registration's mails (``registrations.mails``): the request
stores a snapshot of what each mail will say (time, channel, place, SEQUENCE, METHOD); the
outbox worker composes it in the recipient's language and mints the municipality's manage
link then. Only the follow-up, which names catalogue dates, is composed at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from startsmart import tokens
from startsmart.clock import iso_or_none, moment_or_none
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.i18n import localized
from startsmart.invitations import uids
from startsmart.invitations.compose import Draft, Invitation, Recipient, organizer
from startsmart.invitations.ical import Attendee, CalendarEvent, Method
from startsmart.invitations.outbox import Intent, queue_intent, queue_mail, renders
from startsmart.links import public_url
from startsmart.municipalities.models import Person
from startsmart.staff.models import StaffUser

TOKEN_PURPOSE = "consultation"
RENDERER = "consultation"
# Mails about a consultation that will not take place (with or without a calendar CANCEL).
CALLED_OFF = frozenset({"consultation_cancelled", "consultation_advisor_cancelled"})


def manage_url(consultation: Consultation | Snapshot, now: datetime) -> str:
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    token = tokens.mint(
        TOKEN_PURPOSE, consultation.id, now, consultation.ends_at + timedelta(days=days)
    )
    return public_url("consultations.manage", token=token)


def uid(consultation: Consultation | Snapshot) -> str:
    return consultation.ical_uid


def where(
    consultation: Consultation | Snapshot, for_advisor: bool = False, cancelled: bool = False
) -> str:
    """How the consultation takes place, in words for its reader: the municipality is called
    and gets the link, the advisor calls and sends it; a cancelled one promises neither."""
    if consultation.channel is Channel.ON_SITE:
        if consultation.conference is not None:
            conference = consultation.conference
            return _(
                "vor Ort: %(venue)s (%(title)s)",
                venue=conference.venue,
                title=localized(conference, "title"),
            )
        return _("vor Ort")
    if consultation.channel is Channel.PHONE:
        if cancelled:
            return _("Telefon")
        if for_advisor:
            return _(
                "Telefon: Sie rufen %(name)s unter %(phone)s an",
                name=_person(consultation).name,
                phone=consultation.phone or "–",
            )
        return _(
            "Telefon: Ihre Beraterin oder Ihr Berater ruft Sie unter %(phone)s an",
            phone=consultation.phone or "–",
        )
    if cancelled:
        return _("Videokonferenz")
    link = join_link(consultation)
    if link:
        return _("Videokonferenz: %(url)s", url=link)
    if for_advisor:
        return _("Videokonferenz (Sie schicken den Link vor dem Termin)")
    return _("Videokonferenz (den Link schicken wir Ihnen, sobald er feststeht)")


def join_link(consultation: Consultation | Snapshot) -> str | None:
    """The video link, for a confirmed consultation only (None for anything else)."""
    if isinstance(consultation, Snapshot):
        return consultation.join_link
    if consultation.status is not ConsultationStatus.CONFIRMED:
        return None
    return consultation.join_link


def _person(consultation: Consultation | Snapshot) -> Person | PersonFacts:
    # Only a consultation anonymised after the retention period has no person, and it gets no
    # more mail.
    person = consultation.person
    assert person is not None, "a mail about an anonymised consultation"
    return person


def calendar_event(
    consultation: Consultation | Snapshot,
    advisors: tuple[StaffUser | AdvisorFacts, ...],
    manage: str | None,
    cancelled: bool = False,
    for_advisor: bool = False,
) -> CalendarEvent:
    """The calendar entry of ``consultation``; ``for_advisor``: the advisor's copy, worded for
    them (``where``)."""
    person = _person(consultation)
    municipality = consultation.municipality.name if consultation.municipality else ""
    lines = [
        _("Initialberatung von Start Smart für %(municipality)s", municipality=municipality),
        where(consultation, for_advisor, cancelled),
    ]
    if manage:
        lines.append(_("Termin ansehen, verschieben oder absagen: %(url)s", url=manage))
    link = None if cancelled else join_link(consultation)
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
        location=link or where(consultation, for_advisor, cancelled),
        url=link,
        conference_url=link,
        conference_label=_("An der Videokonferenz teilnehmen"),
        organizer=organizer(),
        attendees=tuple(attendees),
        cancelled=cancelled,
    )


# -- the snapshot a queued mail is rendered from --------------------------------------------
# As for registrations (``registrations.mails``): the request stores what the mail will say,
# the outbox worker composes it and mints the manage link's token. Composing two mails with
# their invitations cost a booking more CPU than the rest of it, under the advisor's lock.
# The attribute names are the model's, so the templates, ``where`` and ``calendar_event``
# take a snapshot as they take a consultation.


@dataclass(frozen=True)
class PersonFacts:
    name: str
    email: str
    function: str | None


@dataclass(frozen=True)
class AdvisorFacts:
    name: str
    email: str
    locale: str


@dataclass(frozen=True)
class PlaceFacts:
    """A municipality (``name``) or a conference (``title`` and ``venue``)."""

    name: str = ""
    title: str = ""
    venue: str = ""
    title_en: str = ""  # absent from snapshots queued before English texts


@dataclass(frozen=True)
class Snapshot:
    """A consultation as it was when a mail about it was queued."""

    id: int
    locale: str
    ical_uid: str
    ical_sequence: int
    starts_at: datetime
    ends_at: datetime
    hold_expires_at: datetime | None
    channel: Channel
    phone: str | None
    situation: str
    goals: str
    person: PersonFacts
    advisor: AdvisorFacts
    municipality: PlaceFacts | None
    conference: PlaceFacts | None
    # The video link in effect when the mail was queued; kept only once confirmed.
    join_link: str | None = None


def _advisor(advisor: StaffUser) -> dict[str, str]:
    return {"name": advisor.name, "email": advisor.email, "locale": advisor.locale}


def snapshot(consultation: Consultation) -> dict[str, Any]:
    """The facts of ``consultation`` a mail may show, as JSON."""
    person = _person(consultation)
    municipality = consultation.municipality
    conference = consultation.conference
    return {
        "id": consultation.id,
        "locale": consultation.locale,
        "ical_uid": consultation.ical_uid,
        "ical_sequence": consultation.ical_sequence,
        "starts_at": iso_or_none(consultation.starts_at),
        "ends_at": iso_or_none(consultation.ends_at),
        "hold_expires_at": iso_or_none(consultation.hold_expires_at),
        "channel": consultation.channel.value,
        "phone": consultation.phone,
        "situation": consultation.situation,
        "goals": consultation.goals,
        "person": {"name": person.name, "email": person.email, "function": person.function},
        "advisor": _advisor(consultation.advisor),
        "municipality": {"name": municipality.name} if municipality else None,
        "conference": (
            {"title": conference.title, "title_en": conference.title_en, "venue": conference.venue}
            if conference
            else None
        ),
        "join_link": join_link(consultation),
    }


def from_snapshot(facts: Mapping[str, Any]) -> Snapshot:
    return Snapshot(
        id=facts["id"],
        locale=facts["locale"],
        # Mails queued before UIDs were stored: the rule their invitations were built by.
        ical_uid=facts.get("ical_uid")
        or uids.legacy_uid(uids.CONSULTATION, facts["id"], uids.legacy_domain()),
        ical_sequence=facts["ical_sequence"],
        starts_at=datetime.fromisoformat(facts["starts_at"]),
        ends_at=datetime.fromisoformat(facts["ends_at"]),
        hold_expires_at=moment_or_none(facts["hold_expires_at"]),
        channel=Channel(facts["channel"]),
        phone=facts["phone"],
        situation=facts["situation"],
        goals=facts["goals"],
        person=PersonFacts(**facts["person"]),
        advisor=AdvisorFacts(**facts["advisor"]),
        municipality=PlaceFacts(**facts["municipality"]) if facts["municipality"] else None,
        conference=PlaceFacts(**facts["conference"]) if facts["conference"] else None,
        join_link=facts.get("join_link"),  # absent from snapshots queued before join links
    )


def _queue(
    consultation: Consultation,
    template: str,
    now: datetime,
    method: Method | None,
    advisor: StaffUser | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> None:
    """Queue ``template`` for the municipality, or for ``advisor``; ``context`` must be JSON."""
    queue_intent(
        Intent(
            recipient=advisor.email if advisor is not None else _person(consultation).email,
            kind=template,
            renderer=RENDERER,
            facts={
                "template": template,
                "method": method.value if method is not None else None,
                "advisor": _advisor(advisor) if advisor is not None else None,
                "consultation": snapshot(consultation),
                "context": context,
            },
            now=now,
            reference=f"consultation:{consultation.id}",
            dedupe_key=dedupe_key,
        )
    )


@renders(RENDERER)
def render(facts: Mapping[str, Any], now: datetime) -> Draft:
    """Turn a queued consultation mail into what ``compose`` needs; the municipality's mails
    get a fresh manage link (none once the person's data has been deleted)."""
    consultation = from_snapshot(facts["consultation"])
    method = Method(facts["method"]) if facts["method"] is not None else None
    cancelled = method is Method.CANCEL
    called_off = cancelled or facts["template"] in CALLED_OFF
    if facts["advisor"] is not None:
        advisor = AdvisorFacts(**facts["advisor"])
        to = Recipient(advisor.email, advisor.name, advisor.locale)
        with force_locale(to.locale):
            event = calendar_event(
                consultation, (advisor,), None, cancelled=cancelled, for_advisor=True
            )
            where_ = where(consultation, for_advisor=True, cancelled=called_off)
        context = {
            "consultation": consultation,
            "advisor": advisor,
            "where": where_,
            "staff_url": public_url("consultations_staff.detail", consultation_id=consultation.id),
            "join_url": None if cancelled else consultation.join_link,
        }
    else:
        person = consultation.person
        to = Recipient(person.email, person.name, consultation.locale)
        row = db.session.get(Consultation, consultation.id)
        if row is None or row.anonymised_at is not None:
            manage = public_url("consultations.book")
        else:
            manage = manage_url(consultation, now)
        with force_locale(to.locale):
            event = calendar_event(
                consultation, (consultation.advisor,), manage, cancelled=cancelled
            )
            where_ = where(consultation, cancelled=called_off)
        context = {
            "consultation": consultation,
            "manage_url": manage,
            "where": where_,
            "join_url": None if cancelled else consultation.join_link,
        }
    invitation = Invitation(method, event) if method is not None else None
    return Draft(facts["template"], to, {**context, **facts["context"]}, invitation)


def to_municipality(
    consultation: Consultation,
    template: str,
    now: datetime,
    method: Method | None = None,
    dedupe_key: str | None = None,
    **context: Any,
) -> None:
    _queue(consultation, template, now, method, dedupe_key=dedupe_key, **context)


def to_advisor(
    consultation: Consultation,
    advisor: StaffUser,
    template: str,
    now: datetime,
    method: Method,
    **context: Any,
) -> None:
    """The advisor's copy: the same UID; a CANCEL names only the advisor who is removed."""
    _queue(consultation, template, now, method, advisor=advisor, **context)


def follow_up(consultation: Consultation, now: datetime) -> None:
    """The recommended next steps, composed at once: they name dates of the catalogue, and
    staff send it by hand, one at a time."""
    person = _person(consultation)
    to = Recipient(person.email, person.name, consultation.locale)
    with force_locale(to.locale):
        where_ = where(consultation)
    queue_mail(
        to=to,
        template="consultation_follow_up",
        now=now,
        reference=f"consultation:{consultation.id}",
        context={
            "consultation": consultation,
            "manage_url": manage_url(consultation, now),
            "where": where_,
            "recommendations": list(consultation.recommendations),
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
