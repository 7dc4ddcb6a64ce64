"""The speed-dating clock (pure): rounds follow by the clock; pause, resume, next, back, finish."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from startsmart.speed_dating.round_clock import (
    CHANGEOVER,
    OVER,
    PAUSED,
    RUNNING,
    TALKING,
    WAITING,
    ClockError,
    RunState,
    Timing,
    finish,
    next_round,
    pause,
    position,
    previous_round,
    resume,
    rounds_played,
    start,
)

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

T0 = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
FOUR = Timing(rounds=4, round_seconds=180, changeover_seconds=60)  # 4 rounds of 3 + 1 minutes


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_before_the_start_everyone_waits_for_round_one():
    where = position(RunState(), FOUR, T0)
    assert (where.round, where.phase, where.next_round) == (0, WAITING, 1)


def test_rounds_follow_by_the_clock_talking_then_changeover():
    state = start(RunState(), FOUR, T0)
    assert (position(state, FOUR, at(0)).round, position(state, FOUR, at(0)).phase) == (1, TALKING)
    early = position(state, FOUR, at(10))
    assert early.seconds_left == 170 and early.phase_ends_at == at(180)
    change = position(state, FOUR, at(200))
    assert (change.round, change.phase, change.seconds_left, change.next_round) == (
        1,
        CHANGEOVER,
        40,
        2,
    )
    second = position(state, FOUR, at(240))
    assert (second.round, second.phase, second.seconds_left) == (2, TALKING, 180)


def test_the_last_round_has_no_changeover_and_then_time_is_up():
    state = start(RunState(), FOUR, T0)
    last_start = 3 * 240
    last = position(state, FOUR, at(last_start + 100))
    assert (last.round, last.phase, last.seconds_left, last.next_round) == (4, TALKING, 80, None)
    over = position(state, FOUR, at(last_start + 180))
    assert (over.round, over.phase, over.seconds_left) == (4, OVER, 0)
    assert position(state, FOUR, at(10_000)).phase == OVER


def test_pause_keeps_the_seconds_left_and_resume_goes_on_from_there():
    state = start(RunState(), FOUR, T0)
    held = pause(state, FOUR, at(250))  # round 2, 10 s in
    assert held.status == PAUSED and held.current_round == 2 and held.paused_remaining == 230
    still = position(held, FOUR, at(5_000))  # time passes, nothing moves
    assert (still.round, still.phase, still.seconds_left, still.phase_ends_at) == (
        2,
        TALKING,
        170,
        None,
    )
    again = resume(held, FOUR, at(5_000))
    assert again.status == RUNNING
    moving = position(again, FOUR, at(5_000 + 20))
    assert (moving.round, moving.phase, moving.seconds_left) == (2, TALKING, 150)


def test_pause_in_the_changeover_and_in_the_last_round():
    state = start(RunState(), FOUR, T0)
    held = pause(state, FOUR, at(190))
    assert position(held, FOUR, at(999)).phase == CHANGEOVER
    assert position(held, FOUR, at(999)).seconds_left == 50
    late = pause(state, FOUR, at(3 * 240 + 170))
    where = position(late, FOUR, at(99_999))
    assert (where.round, where.phase, where.seconds_left) == (4, TALKING, 10)
    assert position(resume(late, FOUR, at(0)), FOUR, at(10)).phase == OVER


def test_next_and_back_begin_a_round_now_also_while_paused():
    state = start(RunState(), FOUR, T0)
    skipped = next_round(state, FOUR, at(30))
    assert position(skipped, FOUR, at(30)).round == 2
    assert position(skipped, FOUR, at(30)).seconds_left == 180
    back = previous_round(skipped, FOUR, at(60))
    assert (position(back, FOUR, at(60)).round, position(back, FOUR, at(60)).seconds_left) == (
        1,
        180,
    )
    assert previous_round(back, FOUR, at(61)).current_round == 1  # round 1 begins again
    held = pause(state, FOUR, at(30))
    moved = next_round(held, FOUR, at(40))
    assert moved.status == PAUSED and moved.current_round == 2 and moved.paused_remaining == 240
    with pytest.raises(ClockError) as error:
        next_round(start(RunState(), FOUR, T0), FOUR, at(3 * 240 + 5))
    assert error.value.reason == "last_round"
    after_the_end = previous_round(state, FOUR, at(10_000))
    assert after_the_end.current_round == 4  # back into the last round


def test_finish_counts_the_round_under_way_as_played():
    state = start(RunState(), FOUR, T0)
    done = finish(state, FOUR, at(500))  # round 3 began at 480
    assert done.current_round == 3 and rounds_played(done, FOUR, at(9_999)) == 3
    assert position(done, FOUR, at(600)).phase == OVER
    assert rounds_played(RunState(), FOUR, T0) == 0


@pytest.mark.parametrize(
    ("step", "state", "reason"),
    [
        (start, RunState(RUNNING, 1, T0), "already_started"),
        (pause, RunState(), "not_running"),
        (resume, RunState(RUNNING, 1, T0), "not_paused"),
        (next_round, RunState(), "not_running"),
        (finish, RunState(), "not_running"),
        (finish, RunState("finished", 2), "finished"),
    ],
)
def test_steps_that_make_no_sense_say_why(step, state, reason):
    with pytest.raises(ClockError) as error:
        step(state, FOUR, T0)
    assert error.value.reason == reason


def test_no_plan_no_start():
    with pytest.raises(ClockError):
        start(RunState(), Timing(0, 180, 60), T0)


def test_the_clock_imports_without_flask_or_sqlalchemy():
    root = Path(__file__).resolve().parents[2]
    forbidden = ["flask", "flask_sqlalchemy", "flask_babel", "sqlalchemy", "werkzeug"]
    code = "import sys\n" + "".join(f"sys.modules[{n!r}] = None\n" for n in forbidden)
    code += "import startsmart.speed_dating.round_clock\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
