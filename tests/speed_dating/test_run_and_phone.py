"""Running the session (start, pause, next, back, finish) and the per-person JSON by code."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.speed_dating.models import SpeedDatingSession
from support import csrf_token, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def session_row(app) -> SpeedDatingSession:
    with app.app_context():
        row = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        db.session.expunge(row)
        return row


def control(client, base, action, status, number, **headers):
    token = csrf_token(client, base)
    return client.post(
        f"{base}/ablauf/{action}",
        data={"csrf_token": token, "status": status, "round": str(number)},
        headers=headers,
    )


def test_run_state_transitions_are_stored(app, event):
    event.everyone_here(6)
    event.plan()
    version = session_row(app).version
    event.run("start", event.at(13, 0))
    started = session_row(app)
    assert (started.status.value, started.current_round) == ("running", 1)
    assert started.round_started_at == event.at(13, 0) and started.version > version
    held = event.run("pause", event.at(13, 5, 30))  # round 2, 90 s in
    assert (held.round, held.phase, held.seconds_left) == (2, "talking", 90)
    assert session_row(app).paused_remaining_seconds == 150
    again = event.run("resume", event.at(14, 0))
    assert (again.round, again.seconds_left) == (2, 90)
    later = event.run("next", event.at(14, 0, 10))
    assert (later.round, later.seconds_left) == (3, 180)
    back = event.run("back", event.at(14, 1))
    assert back.round == 2
    done = event.run("finish", event.at(14, 2))
    assert (done.status, done.round) == ("finished", 2)
    assert session_row(app).finished_at == event.at(14, 2)


def test_buttons_on_the_page_do_not_skip_a_round_when_pressed_twice(app, team_client, event, base):
    event.everyone_here(6)
    event.plan()
    page = text(team_client.get(base))
    assert "Speed-Dating starten (Runde 1)" in page
    assert control(team_client, base, "start", "not_started", 0).status_code == 302
    assert control(team_client, base, "start", "not_started", 0).status_code == 302  # again
    page = text(team_client.get(base))
    assert "Anhalten" in page and "Nächste Runde" in page
    control(team_client, base, "next", "running", 1)
    response = control(team_client, base, "next", "running", 1)  # the double click
    page = text(team_client.get(response.headers["Location"]))
    assert "Der Ablauf hat sich inzwischen geändert" in page
    assert session_row(app).current_round == 2


def test_scripts_get_the_state_as_json(team_client, event, base):
    event.everyone_here(4)
    event.plan()
    response = control(team_client, base, "start", "", 0, Accept="application/json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["run"]["status"] == "running" and data["clock"]["round"] == 1
    response = control(team_client, base, "resume", "", 0, Accept="application/json")
    assert response.status_code == 409 and "nicht angehalten" in response.get_json()["error"]
    assert control(team_client, base, "explode", "", 0).status_code == 404


def test_starting_without_a_plan_says_so(team_client, event, base):
    response = control(team_client, base, "start", "not_started", 0)
    assert "zuerst einen Plan" in text(team_client.get(response.headers["Location"]))


def test_the_phone_json_shows_where_and_with_whom_but_no_addresses(
    app, client, team_client, event, base
):
    ids = event.everyone_here(4, funded=1)
    plan = event.plan()["plan"]
    control(team_client, base, "start", "not_started", 0)
    anna = event.participant(ids[0])
    data = client.get(f"/sd/{anna.code}.json").get_json()
    assert data["participant"] == {"name": "Person 00", "municipality": "Ort00"}
    table = next(t for t in plan["rounds"][0]["tables"] if ids[0] in t["members"])
    partner = event.participant(next(m for m in table["members"] if m != ids[0]))
    assert data["clock"]["round"] == 1 and data["clock"]["phase"] == "talking"
    assert data["current"]["table"] == table["number"]
    assert data["current"]["partners"] == [
        {"name": partner.name, "municipality": partner.municipality_name}
    ]
    assert len(data["schedule"]) == len(plan["rounds"]) and data["in_plan"] is True
    assert len(data["questions"]) == 3
    body = client.get(f"/sd/{anna.code}.json").get_data(as_text=True)
    assert "@" not in body
    assert all(event.participant(i).code not in body for i in ids)
    spaced = f"{anna.code[:4].lower()}-{anna.code[4:].lower()}"
    assert client.get(f"/sd/{spaced}.json").status_code == 200
    short = client.get(f"/sd/{anna.code}.json?version={data['version']}").get_json()
    assert short["changed"] is False and "schedule" not in short


def test_unknown_codes_are_404_and_guessing_is_rate_limited(client, event):
    response = client.get("/sd/AAAAAAAA.json")
    assert response.status_code == 404 and response.get_json() == {"error": "unknown code"}
    assert client.get("/sd/kein-code.json").status_code == 404
    statuses = [client.get(f"/sd/CCCC{n:04d}.json").status_code for n in range(40)]
    assert 429 in statuses
    assert statuses.index(429) <= 30


def test_a_late_arrival_sees_the_new_plan_after_the_replan(app, client, event):
    event.everyone_here(6)
    event.plan()
    late = event.walk_in("Lea Later", "Spätdorf")
    code = event.participant(late).code
    before = client.get(f"/sd/{code}.json").get_json()
    assert before["in_plan"] is False and before["current"] is None
    event.plan(from_round=2)
    after = client.get(f"/sd/{code}.json?version={before['version']}").get_json()
    assert after["changed"] is True and after["in_plan"] is True
    assert after["schedule"][0]["round"] == 2
    assert re.fullmatch(r"\d+", str(after["plan_version"]))
