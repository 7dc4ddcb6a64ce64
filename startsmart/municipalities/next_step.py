"""The next sensible step with a Kommune, from what happened so far: simple rules, no database.

The staff page of a municipality shows one suggestion above its timeline. The rules are few on
purpose (staff should see at once why a step is suggested), checked in this order:

1. A consultation was held and its follow-up mail is not sent: send it (the advisor owes it).
2. A Modellprojekt Smart Cities is funded and has its own advice; Start Smart's exchanges
   are where it helps others: invite it to the moderated exchanges.
3. Somebody came to an online introduction a while ago (``SETTLE_DAYS``) and no consultation
   was booked since: offer one.
4. Otherwise none: nothing yet, or what happened is already followed by a step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

# How long after an online introduction a Kommune may book by itself before staff offer a
# consultation: a month leaves time to talk it over in the administration.
SETTLE_DAYS = 30


class Step(enum.Enum):
    SEND_FOLLOW_UP = "send_follow_up"
    POINT_TO_EXCHANGES = "point_to_exchanges"
    OFFER_CONSULTATION = "offer_consultation"


@dataclass(frozen=True)
class HeldConsultation:
    id: int
    ended_at: datetime
    follow_up_sent: bool


@dataclass(frozen=True)
class History:
    """What the rules look at, taken from the municipality's records by the page's service."""

    is_model_project: bool
    introductions_attended: tuple[datetime, ...] = ()  # start of each online intro attended
    consultations_booked: tuple[datetime, ...] = ()  # start of each one booked (not cancelled)
    held: tuple[HeldConsultation, ...] = ()  # confirmed and over


@dataclass(frozen=True)
class Suggestion:
    step: Step
    since: datetime | None = None  # the intro or consultation it follows from
    consultation_id: int | None = None  # for the follow-up


def next_step(history: History, now: datetime) -> Suggestion | None:
    owed = [c for c in history.held if not c.follow_up_sent and c.ended_at <= now]
    if owed:
        oldest = min(owed, key=lambda c: c.ended_at)
        return Suggestion(Step.SEND_FOLLOW_UP, oldest.ended_at, oldest.id)
    if history.is_model_project:
        return Suggestion(Step.POINT_TO_EXCHANGES)
    past = [at for at in history.introductions_attended if at <= now]
    if past:
        last = max(past)
        booked_since = any(at >= last for at in history.consultations_booked)
        if not booked_since and now - last >= timedelta(days=SETTLE_DAYS):
            return Suggestion(Step.OFFER_CONSULTATION, last)
    return None
