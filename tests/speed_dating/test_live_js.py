"""The browser's clock and screen rules (static/js/speed-live.js) answer as the server's do
(round_clock, screens), on every case here: the presenter and the phones count on their
own while offline, so a difference would show a wrong round or second in the hall."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from environment import require
from startsmart.speed_dating import round_clock, screens
from startsmart.speed_dating.planner import HOST_ID

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "startsmart" / "static" / "js" / "speed-live.js"
RUNNER = Path(__file__).parent / "js" / "live.cjs"
START = datetime(2025, 3, 30, 11, 0, tzinfo=UTC)

TIMINGS = [
    round_clock.Timing(rounds, round_seconds, changeover)
    for rounds in (0, 1, 2, 4)
    for round_seconds, changeover in ((180, 60), (60, 0), (120, 30))
]
# Seconds after the stored round began: inside, at and just past every edge, and far beyond.
ELAPSED = [-5, 0, 0.5, 29.999, 30, 59.5, 60, 60.001, 119, 120, 149.25, 150, 179.999, 180, 200,
           239.5, 240, 241, 420, 599, 600, 900, 5000]  # fmt: skip


def run_js(cases: list[dict]) -> list:
    node = shutil.which("node")
    require(node is not None, "node is not on PATH; the browser clock is checked with it")
    result = subprocess.run(
        [node, str(RUNNER), str(SCRIPT)],
        input=json.dumps(cases).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return json.loads(result.stdout)


def clock_json(at: round_clock.Position) -> dict:
    answer = asdict(at)
    answer.pop("phase_ends_at")
    return answer


def states(timing: round_clock.Timing):
    yield round_clock.RunState()
    for current in range(1, timing.rounds + 1):
        yield round_clock.RunState(round_clock.RUNNING, current, START)
        for left in {1, timing.round_seconds, timing.length(current)}:
            yield round_clock.RunState(round_clock.PAUSED, current, None, left)
        yield round_clock.RunState(round_clock.FINISHED, current)


def positions() -> list[tuple[dict, dict]]:
    """(case for the script, the server's answer) for every timing, state and moment."""
    found = []
    for timing in TIMINGS:
        for state in states(timing):
            for elapsed in ELAPSED:
                now = START + timedelta(seconds=elapsed)
                run = {
                    "status": state.status,
                    "current_round": state.current_round,
                    "round_started_at": state.round_started_at.isoformat()
                    if state.round_started_at
                    else None,
                    "paused_remaining_seconds": state.paused_remaining,
                }
                case = {
                    "kind": "position",
                    "run": run,
                    "timing": asdict(timing),
                    "now": now.isoformat(),
                }
                found.append((case, clock_json(round_clock.position(state, timing, now))))
    return found


def test_the_browser_clock_counts_like_the_server():
    cases = positions()
    assert len(cases) > 1000
    answers = run_js([case for case, _expected in cases])
    wrong = [
        (case, expected, answer)
        for (case, expected), answer in zip(cases, answers, strict=True)
        if answer != expected
    ]
    assert wrong == [], wrong[:3]


def distinct_clocks() -> list[dict]:
    seen, clocks = set(), []
    for _case, clock in positions():
        key = json.dumps(clock, sort_keys=True)
        if key not in seen:
            seen.add(key)
            clocks.append(clock)
    return clocks


PARTNERS = [
    [{"name": "Ben", "municipality": "Kiel"}],
    [{"name": "Ben", "municipality": "Kiel"}, {"name": "Cem", "municipality": ""}],
    [{"name": "Ben", "municipality": "Kiel"}, {"name": "Cem", "municipality": "Eutin"},
     {"name": "Dana", "municipality": "Plön"}],
    [],
]  # fmt: skip
# Every phrase the phone needs, marked so that a wrong one shows in the comparison.
TEXTS = {
    key: f"<{key} {{round}} {{table}} {{partners}} {{first}}/{{last}}>"
    for key in ("headline_seat", "headline_table", "headline_sitting_out", "headline_absent",
                "lead_absent_later", "and")
} | {
    key: f"<{key}>"
    for key in ("host", "lead_sitting_out", "lead_absent_none", "headline_not_in_plan",
                "lead_not_in_plan", "headline_no_plan", "lead_no_plan", "headline_over",
                "lead_over", "headline_finished", "lead_finished")
}  # fmt: skip


def schedule(rounds: int, missing: set[int], sitting_out: set[int]) -> list[dict]:
    return [
        {
            "round": number,
            "table": None if number in sitting_out else number + 2,
            "sitting_out": number in sitting_out,
            "with_host": number == 3,
            "partners": [] if number in sitting_out else PARTNERS[number % len(PARTNERS)],
            "past": False,
        }
        for number in range(1, rounds + 1)
        if number not in missing
    ]


def test_the_phone_and_the_presenter_show_what_the_server_would():
    clocks = distinct_clocks()
    cases, expected = [], []
    for clock in clocks:
        cases.append({"kind": "seating_round", "clock": clock})
        expected.append(screens.seating_round(clock))
        cases.append({"kind": "presenter_phase", "clock": clock})
        expected.append(screens.presenter_phase(clock))
        for number in range(1, 6):
            cases.append({"kind": "seat_state", "number": number, "clock": clock})
            expected.append(screens.seat_state(number, clock))
            cases.append({"kind": "seating_label", "number": number, "clock": clock})
            expected.append(screens.seating_label(clock, number))
        for plan_version, in_plan, missing, sitting_out in (
            (None, False, set(), set()),
            (1, False, set(), set()),
            (1, True, set(), set()),
            (2, True, {1, 2}, {3}),  # a late arrival, sitting out round 3
            (2, True, {2, 3, 4}, set()),  # gone after round 1
        ):
            view = {
                "clock": clock,
                "plan_version": plan_version,
                "in_plan": in_plan,
                "schedule": schedule(4, missing, sitting_out) if in_plan else [],
            }
            cases.append({"kind": "phone_focus", "view": view})
            expected.append(screens.phone_focus(view))
            cases.append({"kind": "phone_headline", "view": view, "texts": TEXTS})
            expected.append(list(screens.phone_headline(expected[-1], TEXTS)))
    answer = {
        "host_id": HOST_ID,
        "participants": [
            {"id": 1, "name": "Anna", "municipality": "Kiel"},
            {"id": 2, "name": "Ben", "municipality": "Lübeck"},
            {"id": 3, "name": "Cem", "municipality": ""},
        ],
        "rounds": [
            {
                "number": 1,
                "tables": [
                    {"number": 2, "members": [3, HOST_ID]},
                    {"number": 1, "members": [1, 2]},
                ],
                "sitting_out": [],
            },
            {"number": 2, "tables": [{"number": 1, "members": [1, 3]}], "sitting_out": [2, 9]},
        ],
    }
    for number in (1, 2, 3, None):
        cases.append({"kind": "seating", "answer": answer, "number": number})
        expected.append(screens.seating(answer, number))
    answers = run_js(cases)
    wrong = [
        (case, want, got)
        for case, want, got in zip(cases, expected, answers, strict=True)
        if want != got
    ]
    assert wrong == [], wrong[:3]
    headlines = {
        tuple(e) for e, c in zip(expected, cases, strict=True) if c["kind"] == "phone_headline"
    }
    assert len(headlines) > 10
    kinds = {e["kind"] for e in expected if isinstance(e, dict) and "kind" in e}
    assert kinds == {
        "seat",
        "sitting_out",
        "absent",
        "not_in_plan",
        "no_plan",
        "over",
        "finished",
    }


def test_the_headline_names_every_partner_and_the_team():
    texts = {
        "headline_seat": "Runde {round} · Tisch {table} · mit {partners}",
        "and": "{first} und {last}",
        "host": "jemandem aus dem Team",
    }
    seat = {
        "table": 5,
        "with_host": True,
        "partners": [{"name": "Ben", "municipality": "Kiel"}, {"name": "Cem", "municipality": ""}],
    }
    focus = {"kind": "seat", "round": 3, "seat": seat}
    assert screens.phone_headline(focus, texts) == (
        "Runde 3 · Tisch 5 · mit Ben (Kiel), Cem und jemandem aus dem Team",
        "",
    )
