"""The JSON the live parts poll: the whole plan for staff screens, one person's view by code.

Both carry the session's ``version``: a client that sends the version it has (``?version=``)
and is up to date gets only the clock back. Times are ISO 8601 in UTC. No e-mail address,
and no other person's code, is ever part of an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from startsmart.clock import iso_or_none
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.speed_dating import round_clock
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.outputs import Seat
from startsmart.speed_dating.planner import HOST_ID
from startsmart.speed_dating.planning import current_plan, plan_from_json, run_state, timing
from startsmart.speed_dating.service import CODE_ALPHABET, CODE_LENGTH, participants_of


def _clock(session: SpeedDatingSession, rounds: int, now: datetime) -> dict[str, Any]:
    at = round_clock.position(run_state(session), timing(session, rounds), now)
    return {
        "status": at.status,
        "round": at.round,
        "phase": at.phase,
        "seconds_left": at.seconds_left,
        "phase_ends_at": iso_or_none(at.phase_ends_at),
        "next_round": at.next_round,
    }


def _common(session: SpeedDatingSession, rounds: int, now: datetime) -> dict[str, Any]:
    return {
        "version": session.version,
        "server_time": now.isoformat(),
        "clock": _clock(session, rounds, now),
    }


def _full(
    conference: Conference, session: SpeedDatingSession, rounds: int, plan_version: int | None
) -> dict[str, Any]:
    return {
        "changed": True,
        "conference": {
            "title": conference.title,
            "title_en": conference.title_en,
            "city": conference.city,
        },
        "plan_version": plan_version,
        "questions": session.questions,
        "timing": {
            "starts_at": session.starts_at.isoformat(),
            "total_minutes": session.total_minutes,
            "round_seconds": session.round_minutes * 60,
            "changeover_seconds": session.changeover_minutes * 60,
            "rounds": rounds,
        },
        "run": {
            "status": session.status.value,
            "current_round": session.current_round,
            "round_started_at": iso_or_none(session.round_started_at),
            "paused_remaining_seconds": session.paused_remaining_seconds,
        },
    }


def staff_payload(
    session: SpeedDatingSession, now: datetime, known_version: int | None = None
) -> dict[str, Any]:
    """Everything a presenter screen needs: plan, names, questions, timing and run state."""
    stored = current_plan(session.id)
    plan = plan_from_json(stored.plan) if stored else None
    rounds = len(plan.rounds) if plan else 0
    answer = _common(session, rounds, now)
    if known_version == session.version:
        return {**answer, "changed": False}
    people = participants_of(session.id)
    answer.update(_full(session.conference, session, rounds, stored.version if stored else None))
    answer["host_id"] = HOST_ID
    answer["settings"] = {
        "table_size": session.table_size,
        "tables_available": session.tables_available,
        "host_fills_gap": session.host_fills_gap,
    }
    answer["participants"] = [
        {
            "id": p.id,
            "name": p.shown_name,
            "municipality": p.municipality_name,
            "model_project": p.is_model_project,
            "present": p.present,
        }
        for p in people
    ]
    answer["rounds"] = stored.plan["rounds"] if stored else []
    return answer


def normalise_code(text: str) -> str | None:
    """A code as people type it (lower case, spaces, hyphens) in canonical form, or None."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def participant_by_code(text: str) -> SpeedDatingParticipant | None:
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.execute(
        sa.select(SpeedDatingParticipant).where(SpeedDatingParticipant.code == code)
    ).scalar_one_or_none()


def _seat(seat: Seat, current: int) -> dict[str, Any]:
    return {
        "round": seat.round,
        "table": seat.table,
        "sitting_out": seat.sitting_out,
        "with_host": seat.with_host,
        "partners": [
            {"name": p.shown_name, "municipality": p.municipality_name} for p in seat.partners
        ],
        "past": seat.round < current,
    }


def _schedule(plan: dict[str, Any], person_id: int) -> list[Seat]:
    """``person_id``'s seat in each round of the stored plan, partners loaded for these seats
    only (a phone asks every few seconds; the whole hall's schedules would cost 100 times more)."""
    found: list[tuple[int, int | None, list[int], bool]] = []
    for rnd in plan["rounds"]:
        table = next((t for t in rnd["tables"] if person_id in t["members"]), None)
        if table is not None:
            others = [m for m in table["members"] if m not in (person_id, HOST_ID)]
            found.append((rnd["number"], table["number"], others, HOST_ID in table["members"]))
        elif person_id in rnd["sitting_out"]:
            found.append((rnd["number"], None, [], False))
    wanted = {m for _round, _table, others, _host in found for m in others}
    people = {
        p.id: p
        for p in db.session.execute(
            sa.select(SpeedDatingParticipant).where(SpeedDatingParticipant.id.in_(wanted))
        ).scalars()
    }
    return [
        Seat(number, table, tuple(people[m] for m in others if m in people), host)
        for number, table, others, host in found
    ]


def participant_payload(
    person: SpeedDatingParticipant, now: datetime, known_version: int | None = None
) -> dict[str, Any]:
    """One person's view: where they sit now and in the rounds to come, with whom."""
    # get_one: the participant's session exists (foreign key, deleted with its participants).
    session = db.session.get_one(SpeedDatingSession, person.session_id)
    stored = current_plan(session.id)
    rounds = len(stored.plan["rounds"]) if stored else 0
    answer = _common(session, rounds, now)
    if known_version == session.version:
        return {**answer, "changed": False}
    answer.update(_full(session.conference, session, rounds, stored.version if stored else None))
    answer["participant"] = {"name": person.shown_name, "municipality": person.municipality_name}
    seats = _schedule(stored.plan, person.id) if stored else []
    current_round = answer["clock"]["round"]
    answer["in_plan"] = bool(seats)
    answer["schedule"] = [_seat(seat, current_round) for seat in seats]
    answer["current"] = next(
        (_seat(seat, current_round) for seat in seats if seat.round == current_round), None
    )
    return answer
