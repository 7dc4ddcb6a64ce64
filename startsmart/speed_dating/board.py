"""What the staff overview of a speed-dating shows: plan, quality, run, who came and went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.speed_dating import round_clock
from startsmart.speed_dating.contacts import dedupe_key
from startsmart.speed_dating.models import (
    SpeedDatingParticipant,
    SpeedDatingPlan,
    SpeedDatingSession,
)
from startsmart.speed_dating.planner import Plan
from startsmart.speed_dating.planning import (
    current_plan,
    earliest_replan_round,
    members,
    plan_from_json,
    plan_versions,
    run_state,
    suggested_replan_round,
    timing,
)
from startsmart.speed_dating.service import participants_of, rounds_for


@dataclass(frozen=True)
class Board:
    stored: SpeedDatingPlan | None  # the plan in force
    plan: Plan | None
    people: dict[int, SpeedDatingParticipant]
    present: int
    arrivals: list[SpeedDatingParticipant]  # present, but not in the plan
    departures: list[SpeedDatingParticipant]  # planned from the next round on, but gone
    position: round_clock.Position
    earliest_round: int  # a re-plan may start here at the earliest
    suggested_round: int
    rounds_fit: int  # what the timing allows
    versions: list[SpeedDatingPlan]
    contact_mails: int  # contact mails queued so far

    @property
    def can_replan(self) -> bool:
        return self.plan is not None and self.position.status != round_clock.FINISHED


def board(session: SpeedDatingSession, now: datetime) -> Board:
    people = participants_of(session.id)
    by_id = {p.id: p for p in people}
    stored = current_plan(session.id)
    plan = plan_from_json(stored.plan) if stored else None
    rounds = len(plan.rounds) if plan else 0
    at = round_clock.position(run_state(session), timing(session, rounds), now)
    suggested = suggested_replan_round(session, now)
    arrivals, departures = [], []
    if plan is not None:
        planned = members(plan)
        upcoming = {
            m
            for r in plan.rounds[suggested - 1 :]
            for m in [*(m for t in r.tables for m in t.members), *r.sitting_out]
        }
        arrivals = [p for p in people if p.present and p.id not in planned]
        departures = [p for p in people if not p.present and p.id in upcoming]
    mails = 0
    if session.contacts_exchanged_at is not None:
        mails = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.dedupe_key.in_([dedupe_key(p.id) for p in people])
            )
        ).scalar_one()
    return Board(
        stored=stored,
        plan=plan,
        people=by_id,
        present=sum(1 for p in people if p.present),
        arrivals=sorted(arrivals, key=lambda p: p.shown_name.casefold()),
        departures=sorted(departures, key=lambda p: p.shown_name.casefold()),
        position=at,
        earliest_round=earliest_replan_round(session, now),
        suggested_round=suggested,
        rounds_fit=rounds_for(session),
        versions=plan_versions(session.id),
        contact_mails=mails,
    )
