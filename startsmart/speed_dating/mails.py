"""The mail that brings participants to their phone view: the link with their personal code.

It is queued when a plan first includes someone (the first plan, or the re-plan that takes in a
late arrival), once per participant however often staff re-plan: the outbox's dedupe key says
whether it went out already. Only registrants get it, in the language they registered in;
walk-ins gave no e-mail address and have their printed card. The worker composes it from the
facts stored at queue time (``render``), so planning 200 people writes rows and composes none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from startsmart.extensions import db
from startsmart.invitations.compose import Draft, Recipient
from startsmart.invitations.models import OutboxMessage
from startsmart.invitations.outbox import Intent, queue_intent, renders
from startsmart.links import public_url
from startsmart.registrations.models import Registration
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.service import display_code

TEMPLATE = RENDERER = "speed_dating_code"


def dedupe_key(participant_id: int) -> str:
    return f"speed-dating-code:{participant_id}"


def queue_code_mails(
    session: SpeedDatingSession, people: Iterable[SpeedDatingParticipant], now: datetime
) -> int:
    """Queue the code mail for each of ``people`` who registered and has not had it yet, in
    the caller's transaction; returns how many were queued."""
    registered = {p.id: p for p in people if p.registration_id is not None}
    if not registered:
        return 0
    keys = {pid: dedupe_key(pid) for pid in registered}
    done = set(
        db.session.execute(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values()))
        ).scalars()
    )
    registrations = {
        r.id: r
        for r in db.session.execute(
            sa.select(Registration)
            .where(Registration.id.in_([p.registration_id for p in registered.values()]))
            .options(joinedload(Registration.person))
        ).scalars()
    }
    conference = session.conference
    queued = 0
    for pid, person in sorted(registered.items()):
        registration_id = person.registration_id
        registration = registrations.get(registration_id) if registration_id is not None else None
        if keys[pid] in done or registration is None or registration.person is None:
            continue  # sent before, or the person's data was deleted
        queue_intent(
            Intent(
                recipient=registration.person.email,
                kind=TEMPLATE,
                renderer=RENDERER,
                facts={
                    "name": registration.person.name,
                    "email": registration.person.email,
                    "locale": registration.locale,
                    "conference": conference.title,
                    "city": conference.city,
                    "starts_at": session.starts_at.isoformat(),
                    "code": person.code,
                },
                now=now,
                reference=f"speed_dating_session:{session.id}",
                dedupe_key=keys[pid],
            )
        )
        queued += 1
    return queued


@renders(RENDERER)
def render(facts: Mapping[str, Any], now: datetime) -> Draft:
    return Draft(
        template=TEMPLATE,
        to=Recipient(email=facts["email"], name=facts["name"], locale=facts["locale"]),
        context={
            "conference": facts["conference"],
            "city": facts["city"],
            "starts_at": datetime.fromisoformat(facts["starts_at"]),
            "url": public_url("speed_dating.phone", code=facts["code"]),
            "code": display_code(facts["code"]),
            "entry_url": public_url("speed_dating.enter"),
        },
    )
