"""After the speed-dating: contact details go to those who met and both agreed.

Everyone who agreed (a contact-exchange consent from their registration, not revoked) gets one
mail with the partners they actually met, in the rounds that were played, who agreed too: name,
municipality, function, e-mail. Nobody else's details, and nothing to anyone who did not agree.
Walk-ins gave no e-mail address and take no part. Each person's mail has a dedupe key in the
outbox, so pressing the button again sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.audit import service as audit
from startsmart.conferences.registrants import contact_consents
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.models import OutboxMessage
from startsmart.invitations.outbox import queue_mail
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Registration
from startsmart.speed_dating.models import RunStatus, SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.planner import Plan
from startsmart.speed_dating.planning import current_plan, participant_ids, plan_from_json
from startsmart.speed_dating.service import locked_session, participants_of
from startsmart.staff.models import StaffUser

TEMPLATE = "speed_dating_contacts"


def dedupe_key(participant_id: int) -> str:
    return f"speed-dating-contacts:{participant_id}"


def met(plan: Plan, played: int) -> dict[int, set[int]]:
    """Per participant: whom they shared a table with in rounds 1..``played``."""
    partners: dict[int, set[int]] = {}
    for rnd in plan.rounds[:played]:
        for table in rnd.tables:
            people = participant_ids(table.members)
            for person in people:
                partners.setdefault(person, set()).update(m for m in people if m != person)
    return partners


@dataclass(frozen=True)
class Exchange:
    sent: int  # mails queued now
    earlier: int  # mails queued by an earlier click
    agreed: int  # participants who agreed


def exchange_contacts(conference_id: int, actor: StaffUser, now: datetime) -> Exchange:
    """Queue the contact mails (once per person, whatever the number of clicks)."""
    session = locked_session(conference_id)
    if session.status is not RunStatus.FINISHED:
        raise DomainError(
            _("Kontakte lassen sich erst austauschen, wenn das Speed-Dating beendet ist.")
        )
    stored = current_plan(session.id)
    if stored is None:
        raise DomainError(_("Es gab keinen Plan; niemand hat sich getroffen."))
    sent, earlier, agreed = _queue(session, stored.plan, now)
    session.contacts_exchanged_at = session.contacts_exchanged_at or now
    audit.record(
        "speed_dating.contacts",
        actor,
        now,
        subject=f"speed_dating_session:{session.id}",
        sent=sent,
        agreed=agreed,
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same click twice at once: the other one sent them
        db.session.rollback()
        return Exchange(0, sent, agreed)
    return Exchange(sent, earlier, agreed)


def requeue(session: SpeedDatingSession, participant_ids: set[int], now: datetime) -> None:
    """Compose the contact mails of ``participant_ids`` again, as they are now (their waiting
    mails were withdrawn because someone in them asked to be forgotten); part of the caller's
    transaction."""
    stored = current_plan(session.id)
    if stored is not None and participant_ids:
        _queue(session, stored.plan, now, only=participant_ids)


def _queue(
    session: SpeedDatingSession, plan: dict, now: datetime, only: set[int] | None = None
) -> tuple[int, int, int]:
    """Queue the contact mails not yet queued (of ``only``, if given): sent, earlier, agreed."""
    people, reachable, agreed = _who_agreed(session)
    keys = {pid: dedupe_key(pid) for pid in agreed}
    done = set(
        db.session.execute(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values()))
        ).scalars()
    )
    partners = met(plan_from_json(plan), session.current_round)
    sent = earlier = 0
    for pid in sorted(agreed):
        if only is not None and pid not in only:
            continue
        if keys[pid] in done:
            earlier += 1
            continue
        # Nobody they met agreed as well: they hear so (the phone view promised a mail).
        registration, person = reachable[pid]
        queue_mail(
            to=Recipient(email=person.email, name=person.name, locale=registration.locale),
            template=TEMPLATE,
            context={
                "conference": session.conference,
                "partners": _shared(pid, partners, people, reachable, agreed),
            },
            now=now,
            reference=f"speed_dating_session:{session.id}",
            dedupe_key=keys[pid],
        )
        sent += 1
    return sent, earlier, len(agreed)


def shared_with(session: SpeedDatingSession, participant_id: int) -> list[dict[str, str]]:
    """The contact details ``participant_id`` gets (or got) after the speed-dating: of those
    they met who agreed, if they agreed themselves; else none."""
    stored = current_plan(session.id)
    if stored is None or session.contacts_exchanged_at is None:
        return []
    people, reachable, agreed = _who_agreed(session)
    if participant_id not in agreed:
        return []
    partners = met(plan_from_json(stored.plan), session.current_round)
    return _shared(participant_id, partners, people, reachable, agreed)


def _shared(
    pid: int,
    partners: dict[int, set[int]],
    people: dict[int, SpeedDatingParticipant],
    reachable: dict[int, tuple[Registration, Person]],
    agreed: set[int],
) -> list[dict[str, str]]:
    shared = sorted(
        (people[q] for q in partners.get(pid, set()) if q in agreed),
        key=lambda p: p.name.casefold(),
    )
    return [_card(reachable[q.id][1], q) for q in shared]


def _who_agreed(
    session: SpeedDatingSession,
) -> tuple[dict[int, SpeedDatingParticipant], dict[int, tuple[Registration, Person]], set[int]]:
    """Participants with a registration; those still reachable (registration and person);
    those of them who agreed to the exchange."""
    people = {p.id: p for p in participants_of(session.id) if p.registration_id is not None}
    registrations = {
        r.id: r
        for r in db.session.execute(
            sa.select(Registration)
            .where(Registration.id.in_([p.registration_id for p in people.values()]))
            .options(joinedload(Registration.person))
        ).scalars()
    }
    # Registration and person per participant; someone whose data was deleted on request
    # (privacy) has no person any more and takes no part.
    reachable: dict[int, tuple[Registration, Person]] = {}
    for pid, p in people.items():
        registration = (
            registrations.get(p.registration_id) if p.registration_id is not None else None
        )
        if registration is not None and registration.person is not None:
            reachable[pid] = (registration, registration.person)
    agreed_registrations = contact_consents(r.id for r, _person in reachable.values())
    agreed = {pid for pid, (r, _person) in reachable.items() if r.id in agreed_registrations}
    return people, reachable, agreed


def _card(person: Person, participant: SpeedDatingParticipant) -> dict[str, str]:
    return {
        "name": person.name,
        "municipality": participant.municipality_name,
        "function": person.function or "",
        "email": person.email,
    }
