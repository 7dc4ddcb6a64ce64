"""The speed-dating clock: which round, which phase, how many seconds left (pure: stdlib only).

A round is talking time followed by a changeover; the last round has no changeover. Rounds
follow each other by the clock: the stored state names one round and when it began (or, when
paused, how much of it is left), and everything else is computed from that and ``now``. So the
presenter screen and the phones compute the same countdown, and nothing is written while the
session simply runs. Staff move the state on with ``start``, ``pause``, ``resume``,
``next_round``, ``previous_round`` and ``finish``; each returns the new state or raises
``ClockError`` when the step makes no sense (pausing what does not run, going past the end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

NOT_STARTED, RUNNING, PAUSED, FINISHED = "not_started", "running", "paused", "finished"
WAITING, TALKING, CHANGEOVER, OVER = "waiting", "talking", "changeover", "over"


class ClockError(ValueError):
    """The step does not fit the state; ``reason`` names why (for a message to staff)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "not_started", "not_running", "not_paused", "finished", ...


@dataclass(frozen=True)
class Timing:
    rounds: int  # rounds in the plan
    round_seconds: int  # talking time
    changeover_seconds: int  # between two rounds

    def length(self, number: int) -> int:
        """Seconds from the start of round ``number`` to the start of the next (or the end)."""
        return self.round_seconds + (self.changeover_seconds if number < self.rounds else 0)


@dataclass(frozen=True)
class RunState:
    status: str = NOT_STARTED
    current_round: int = 0  # the round that began at round_started_at, or that is held
    round_started_at: datetime | None = None  # running only
    paused_remaining: int | None = None  # paused only: seconds left of the round and changeover


@dataclass(frozen=True)
class Position:
    """Where the session stands at one moment."""

    status: str
    round: int  # 0 before the start
    phase: str  # waiting, talking, changeover, over (the last round's time is up, or finished)
    seconds_left: int  # of this phase
    phase_ends_at: datetime | None  # running only
    next_round: int | None  # the round after this one, if there is one

    @property
    def paused(self) -> bool:
        return self.status == PAUSED


def _started_at(state: RunState) -> datetime:
    """When the running round began; a running state without it is broken, not "not started"."""
    if state.round_started_at is None:
        raise ValueError("a running speed-dating needs round_started_at")
    return state.round_started_at


def _where(timing: Timing, state: RunState, elapsed: float) -> tuple[int, float] | None:
    """Round and seconds into it, ``elapsed`` seconds after ``current_round`` began; None
    once the last round's talking time is over."""
    number, into = max(state.current_round, 1), max(elapsed, 0.0)
    while number <= timing.rounds:
        length = timing.length(number)
        if into < length:
            if number == timing.rounds and into >= timing.round_seconds:
                return None
            return number, into
        into -= length
        number += 1
    return None


def position(state: RunState, timing: Timing, now: datetime) -> Position:
    """The round, phase and seconds left at ``now``."""
    if state.status == NOT_STARTED:
        return Position(NOT_STARTED, 0, WAITING, 0, None, 1 if timing.rounds else None)
    if state.status == FINISHED or timing.rounds == 0:
        return Position(state.status, state.current_round, OVER, 0, None, None)
    if state.status == PAUSED:
        number = min(max(state.current_round, 1), timing.rounds)
        held = state.paused_remaining or 0
        found = _where(timing, replace(state, current_round=number), timing.length(number) - held)
    else:
        elapsed = (now - _started_at(state)).total_seconds()
        found = _where(timing, state, elapsed)
    if found is None:
        return Position(state.status, timing.rounds, OVER, 0, None, None)
    number, into = found
    next_round = number + 1 if number < timing.rounds else None
    if into < timing.round_seconds:
        phase, left = TALKING, timing.round_seconds - into
    else:
        phase, left = CHANGEOVER, timing.length(number) - into
    ends_at = None if state.status == PAUSED else now + timedelta(seconds=left)
    return Position(state.status, number, phase, math.ceil(left - 1e-9), ends_at, next_round)


def start(state: RunState, timing: Timing, now: datetime) -> RunState:
    """Round 1 begins now."""
    if state.status != NOT_STARTED:
        raise ClockError("already_started")
    if timing.rounds < 1:
        raise ClockError("no_rounds")
    return RunState(RUNNING, 1, now, None)


def pause(state: RunState, timing: Timing, now: datetime) -> RunState:
    """Hold the clock; the seconds left are kept."""
    if state.status != RUNNING:
        raise ClockError("not_running")
    at = position(state, timing, now)
    if at.phase == OVER:
        raise ClockError("over")
    into = (now - _started_at(state)).total_seconds()
    for number in range(state.current_round, at.round):
        into -= timing.length(number)
    left = max(math.ceil(timing.length(at.round) - into - 1e-9), 1)
    return RunState(PAUSED, at.round, None, left)


def resume(state: RunState, timing: Timing, now: datetime) -> RunState:
    """Go on where the pause began."""
    if state.status != PAUSED:
        raise ClockError("not_paused")
    number = min(max(state.current_round, 1), timing.rounds)
    done = timing.length(number) - (state.paused_remaining or 0)
    return RunState(RUNNING, number, now - timedelta(seconds=max(done, 0)), None)


def _jump(state: RunState, timing: Timing, number: int, now: datetime) -> RunState:
    if state.status == PAUSED:
        return RunState(PAUSED, number, None, timing.length(number))
    return RunState(RUNNING, number, now, None)


def next_round(state: RunState, timing: Timing, now: datetime) -> RunState:
    """The next round begins now (skipping what is left of this one and the changeover)."""
    if state.status not in (RUNNING, PAUSED):
        raise ClockError("not_running")
    at = position(state, timing, now)
    if at.next_round is None:
        raise ClockError("last_round")
    return _jump(state, timing, at.next_round, now)


def previous_round(state: RunState, timing: Timing, now: datetime) -> RunState:
    """The round before this one begins now; in round 1, round 1 begins again; after the last
    round's time is up, the last round begins again."""
    if state.status not in (RUNNING, PAUSED):
        raise ClockError("not_running")
    at = position(state, timing, now)
    if at.phase == OVER:  # after the last round: back into it
        return _jump(state, timing, timing.rounds, now)
    return _jump(state, timing, max(at.round - 1, 1), now)


def finish(state: RunState, timing: Timing, now: datetime) -> RunState:
    """The end: the round under way counts as played."""
    if state.status not in (RUNNING, PAUSED):
        raise ClockError("not_running" if state.status == NOT_STARTED else "finished")
    at = position(state, timing, now)
    return RunState(FINISHED, at.round, None, None)


def rounds_played(state: RunState, timing: Timing, now: datetime) -> int:
    """Rounds that have begun (and so count as having taken place)."""
    if state.status == NOT_STARTED:
        return 0
    return position(state, timing, now).round
