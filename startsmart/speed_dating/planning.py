"""Planning the rounds: the rotation planner on the people present, stored as plan versions.

A plan is made from everyone checked in and present; a re-plan from round k keeps rounds
1..k-1 exactly (the planner guarantees it), adds late arrivals and drops departures. Each is a
new ``SpeedDatingPlan`` row with its seed, author and quality figures, and raises the
session's version so the screens and phones pick it up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.speed_dating import mails, round_clock
from startsmart.speed_dating.models import (
    RunStatus,
    SpeedDatingParticipant,
    SpeedDatingPlan,
    SpeedDatingSession,
)
from startsmart.speed_dating.planner import (
    Participant,
    ParticipantId,
    Plan,
    QualityReport,
    Round,
    Table,
    plan_rounds,
    quality,
    replan,
)
from startsmart.speed_dating.service import locked_session, participants_of, rounds_for
from startsmart.staff.models import StaffUser


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {
        "table_size": plan.table_size,
        "tables_available": plan.tables_available,
        "host_fills_gap": plan.host_fills_gap,
        "colleagues_apart": plan.colleagues_apart,
        "rounds": [
            {
                "number": r.number,
                "tables": [{"number": t.number, "members": list(t.members)} for t in r.tables],
                "sitting_out": list(r.sitting_out),
            }
            for r in plan.rounds
        ],
    }


def plan_from_json(data: dict[str, Any]) -> Plan:
    return Plan(
        rounds=tuple(
            Round(
                number=r["number"],
                tables=tuple(Table(t["number"], tuple(t["members"])) for t in r["tables"]),
                sitting_out=tuple(r["sitting_out"]),
            )
            for r in data["rounds"]
        ),
        table_size=data["table_size"],
        tables_available=data["tables_available"],
        host_fills_gap=data["host_fills_gap"],
        colleagues_apart=data.get("colleagues_apart", False),  # plans stored before 0025
    )


def current_plan(session_id: int) -> SpeedDatingPlan | None:
    """The plan in force: the newest version."""
    return db.session.execute(
        sa.select(SpeedDatingPlan)
        .where(SpeedDatingPlan.session_id == session_id)
        .order_by(SpeedDatingPlan.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def plan_version(session_id: int, version: int) -> SpeedDatingPlan | None:
    return db.session.execute(
        sa.select(SpeedDatingPlan).where(
            SpeedDatingPlan.session_id == session_id, SpeedDatingPlan.version == version
        )
    ).scalar_one_or_none()


def plan_versions(session_id: int) -> list[SpeedDatingPlan]:
    return list(
        db.session.execute(
            sa.select(SpeedDatingPlan)
            .where(SpeedDatingPlan.session_id == session_id)
            .order_by(SpeedDatingPlan.version.desc())
        ).scalars()
    )


def as_planner(person: SpeedDatingParticipant) -> Participant:
    return Participant(person.id, person.municipality_key, person.is_model_project)


def participant_ids(members: Iterable[ParticipantId]) -> list[int]:
    """The participants among a table's or a round's ``members``: in a stored plan they are
    ``SpeedDatingParticipant`` ids; the only other member is the staff host, ``HOST_ID``."""
    return [m for m in members if isinstance(m, int)]


def members(plan: Plan) -> set[int]:
    """Everybody in the plan (the host is not a participant)."""
    seated = {m for r in plan.rounds for t in r.tables for m in participant_ids(t.members)}
    return seated | {m for r in plan.rounds for m in participant_ids(r.sitting_out)}


def report_of(plan: Plan, people: list[SpeedDatingParticipant]) -> dict[str, Any]:
    """The quality figures of ``plan``; ``people`` must include everyone who took part."""
    wanted = members(plan)
    report: QualityReport = quality(plan, [as_planner(p) for p in people if p.id in wanted])
    spread = Counter(report.sit_outs[p] for p in wanted)
    return {
        "repeated_pairs": report.repeated_pairs,
        "double_bookings": report.double_bookings,
        "bad_table_sizes": report.bad_table_sizes,
        "same_municipality_tables": report.same_municipality_tables,
        "cross_group_meetings": report.cross_group_meetings,
        "cross_group_bound": report.cross_group_bound,
        "cross_group_share": round(report.cross_group_share, 4),
        "sit_out_spread": report.sit_out_spread,
        "sit_outs_beyond_capacity": report.sit_outs_beyond_capacity,
        "avoidable_sit_outs": report.avoidable_sit_outs,
        "host_tables": report.host_tables,
        "colleague_sit_outs": report.colleague_sit_outs,
        # How many people sat out how often, e.g. {"0": 20, "1": 4}.
        "sit_out_counts": {str(k): spread[k] for k in sorted(spread)},
        "valid": report.valid,
    }


def useful_rounds(count: int, session: SpeedDatingSession) -> int:
    """Rounds in which ``count`` people can still meet someone new. For pairs, a round-robin
    needs count - 1 rounds (count when odd): asked for more, the planner fills the early rounds
    less evenly (e.g. 5 people over 11 rounds take 6 rounds instead of 5)."""
    if session.table_size == 2:
        return count if count % 2 else count - 1
    return count  # tables of 3 or 4: empty rounds at the end are trimmed


def _trim(plan: Plan, keep: int) -> Plan:
    """Drop empty rounds at the end (everyone has met everyone), never the first ``keep``."""
    rounds = list(plan.rounds)
    while len(rounds) > keep and not rounds[-1].tables:
        rounds.pop()
    return replace(plan, rounds=tuple(rounds))


def _stale(session: SpeedDatingSession, expected_version: int | None) -> None:
    plan = current_plan(session.id)
    version = plan.version if plan else 0
    if expected_version is not None and expected_version != version:
        raise DomainError(
            _(
                "Der Plan wurde inzwischen geändert (jetzt Version %(n)d). Bitte prüfen Sie ihn "
                "und entscheiden Sie dann erneut.",
                n=version,
            )
        )


@dataclass(frozen=True)
class Planned:
    plan: SpeedDatingPlan
    arrivals: int  # present now, not in the plan before
    departures: int  # in the plan before, gone now
    code_mails: int = 0  # participants sent the link to their phone view just now


def make_plan(
    conference_id: int,
    actor: StaffUser,
    now: datetime,
    from_round: int = 1,
    expected_version: int | None = None,
) -> Planned:
    """Plan the rounds for everyone present (``from_round`` 1), or re-plan from round
    ``from_round``: earlier rounds stay, late arrivals join, who left is dropped.

    ``expected_version`` is the plan version the form showed (0: none); a different one means
    the page was stale (or the button was pressed twice) and nothing happens.
    """
    session = locked_session(conference_id)
    _stale(session, expected_version)
    if session.status is RunStatus.FINISHED:
        raise DomainError(_("Das Speed-Dating ist beendet; es gibt nichts mehr zu planen."))
    people = participants_of(session.id)
    present = [p for p in people if p.present]
    if len(present) < 2:
        raise DomainError(
            _("Für einen Plan müssen mindestens zwei Personen als anwesend markiert sein.")
        )
    total = min(rounds_for(session), from_round - 1 + useful_rounds(len(present), session))
    previous = current_plan(session.id)
    old = plan_from_json(previous.plan) if previous else None
    _check_from_round(session, old, from_round, total, now)
    version = (previous.version if previous else 0) + 1
    seed = session.id * 1000 + version  # deterministic: the same input gives the same plan
    planner_people = [as_planner(p) for p in present]
    if old is None or from_round == 1:
        plan = plan_rounds(
            planner_people,
            total,
            table_size=session.table_size,
            tables_available=session.tables_available,
            seed=seed,
            host_fills_gap=session.host_fills_gap,
            colleagues_apart=session.colleagues_apart,
        )
    else:
        settings = replace(
            old,
            tables_available=session.tables_available,
            host_fills_gap=session.host_fills_gap,
            colleagues_apart=session.colleagues_apart,
        )
        plan = replan(settings, from_round, planner_people, seed=seed, rounds=total)
    plan = _trim(plan, from_round - 1)
    before = members(old) if old else set()
    after = {p.id for p in present}
    stored = SpeedDatingPlan(
        session_id=session.id,
        version=version,
        from_round=from_round,
        seed=seed,
        plan=plan_to_json(plan),
        report=report_of(plan, people),
        participants=len(present),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(stored)
    session.touch(now)
    mailed = mails.queue_code_mails(session, present, now)
    audit.record(
        "speed_dating.planned" if from_round == 1 else "speed_dating.replanned",
        actor,
        now,
        subject=f"speed_dating_session:{session.id}",
        version=version,
        from_round=from_round,
        participants=len(present),
        rounds=len(plan.rounds),
        repeated_pairs=stored.report["repeated_pairs"],
        code_mails=mailed,
    )
    db.session.commit()
    return Planned(stored, len(after - before) if old else 0, len(before - after), mailed)


def earliest_replan_round(session: SpeedDatingSession, now: datetime) -> int:
    """Rounds under way or played stay: before the start round 1, then the current round."""
    if session.status is RunStatus.NOT_STARTED:
        return 1
    plan = current_plan(session.id)
    rounds = len(plan.plan["rounds"]) if plan else 0
    at = round_clock.position(run_state(session), timing(session, rounds), now)
    return max(at.round, 1)


def suggested_replan_round(session: SpeedDatingSession, now: datetime) -> int:
    """The next round that has not begun."""
    if session.status is RunStatus.NOT_STARTED:
        return 1
    return earliest_replan_round(session, now) + 1


def _check_from_round(
    session: SpeedDatingSession, old: Plan | None, from_round: int, total: int, now: datetime
) -> None:
    if old is None:
        if from_round != 1:
            raise DomainError(_("Der erste Plan beginnt mit Runde 1."), "from_round")
        return
    earliest = earliest_replan_round(session, now)
    latest = min(len(old.rounds) + 1, total)
    if not earliest <= from_round <= latest:
        raise DomainError(
            _(
                "Neu planen lässt sich ab Runde %(first)d bis Runde %(last)d.",
                first=earliest,
                last=max(latest, earliest),
            ),
            "from_round",
        )
    if from_round > 1 and old.table_size != session.table_size:
        raise DomainError(
            _("Die Tischgröße lässt sich nur für einen neuen Plan ab Runde 1 ändern."),
            "from_round",
        )


def run_state(session: SpeedDatingSession) -> round_clock.RunState:
    return round_clock.RunState(
        session.status.value,
        session.current_round,
        session.round_started_at,
        session.paused_remaining_seconds,
    )


def timing(session: SpeedDatingSession, rounds: int) -> round_clock.Timing:
    return round_clock.Timing(rounds, session.round_minutes * 60, session.changeover_minutes * 60)


def record_export(session: SpeedDatingSession, actor: StaffUser, now: datetime) -> None:
    """The plan with names leaves the system: that goes into the audit log."""
    audit.record("speed_dating.exported", actor, now, subject=f"speed_dating_session:{session.id}")
    db.session.commit()
