"""Planning from who is present, re-planning from round k, and the quality report."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from startsmart.audit.models import AuditEvent
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.speed_dating import planning
from startsmart.speed_dating.models import SpeedDatingPlan
from startsmart.speed_dating.planner import HOST_ID
from support import submit, text


def pairs(rounds) -> list[frozenset]:
    found = []
    for rnd in rounds:
        for table in rnd["tables"]:
            people = [m for m in table["members"] if m != HOST_ID]
            found += [frozenset(p) for p in itertools.combinations(people, 2)]
    return found


def in_round(rnd) -> set:
    return {m for t in rnd["tables"] for m in t["members"]} | set(rnd["sitting_out"])


def test_the_plan_takes_only_who_is_present(app, team_client, event, base):
    here = event.everyone_here(4)
    absent = event.register("Zoe Zu-Hause", "Kiel")
    event.check_in(absent)
    gone = event.check_in(absent, present=False)
    response = submit(
        team_client, base, {"from_round": "1", "plan_version": "0"}, action=f"{base}/plan"
    )
    assert response.status_code == 302
    page = text(team_client.get(base))
    assert "Plan (Version 1) erstellt: 4 Personen, 3 Runden." in page
    # four people in pairs: nobody sits out; the settings line counts in words that fit
    assert "Aussetzen: 4 Personen nie." in page
    assert "Runden zu 3 Minuten" in page and "1 Minute Wechsel" in page
    with app.app_context():
        stored = db.session.execute(sa.select(SpeedDatingPlan)).scalar_one()
        everyone = set().union(*(in_round(r) for r in stored.plan["rounds"]))
        assert everyone == set(here) and gone not in everyone
        assert stored.seed and stored.created_by_id == event.actor_id
        assert len(pairs(stored.plan["rounds"])) == len(set(pairs(stored.plan["rounds"]))) == 6
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
        assert "speed_dating.planned" in actions


def test_a_plan_needs_two_people(team_client, event, base):
    event.everyone_here(1)
    response = submit(
        team_client, base, {"from_round": "1", "plan_version": "0"}, action=f"{base}/plan"
    )
    page = text(team_client.get(response.headers["Location"]))
    assert "mindestens zwei Personen" in page


def test_a_stale_form_or_second_click_plans_nothing(app, team_client, event, base):
    event.everyone_here(4)
    data = {"from_round": "1", "plan_version": "0"}
    submit(team_client, base, data, action=f"{base}/plan")
    response = submit(team_client, base, data, action=f"{base}/plan")
    assert "Der Plan wurde inzwischen geändert (jetzt Version 1)" in text(
        team_client.get(response.headers["Location"])
    )
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(SpeedDatingPlan.id))).scalar_one() == 1


def test_replan_from_round_k_keeps_earlier_rounds_adds_and_drops(app, event):
    here = event.everyone_here(12, funded=4)
    first = event.plan()["plan"]
    late = event.walk_in("Lea Later", "Spätdorf")
    event.presence(here[0], False)  # left after round 3
    second = event.plan(from_round=4)
    assert second["version"] == 2
    kept, new = second["plan"]["rounds"][:3], second["plan"]["rounds"][3:]
    assert kept == first["rounds"][:3]
    assert all(late in in_round(r) for r in new) and not any(late in in_round(r) for r in kept)
    assert not any(here[0] in in_round(r) for r in new)
    everyone = pairs(second["plan"]["rounds"])
    assert len(everyone) == len(set(everyone))  # nobody meets anyone twice
    with app.app_context():
        stored = planning.current_plan(
            db.session.execute(sa.select(SpeedDatingPlan.session_id)).scalars().first()
        )
        assert stored.from_round == 4 and stored.report["repeated_pairs"] == 0
        assert stored.report["valid"] is True
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
        assert "speed_dating.replanned" in actions


def test_while_running_rounds_under_way_stay(app, team_client, event, base):
    event.everyone_here(6)
    event.plan()
    event.run("start", event.at(13, 0))
    with app.app_context(), pytest.raises(DomainError) as error:
        from startsmart.speed_dating.models import SpeedDatingSession
        from startsmart.staff.models import StaffUser

        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        planning.make_plan(
            session.conference_id, db.session.get(StaffUser, event.actor_id), event.at(13, 9), 2
        )  # round 3 began at 13:08
    assert error.value.field == "from_round"
    assert "ab Runde 3" in error.value.message
    assert event.plan(from_round=4, now=event.at(13, 9))["version"] == 2


def test_quality_report_figures_are_shown(app, team_client, event, base):
    event.everyone_here(4, funded=2)
    event.plan()
    with app.app_context():
        report = db.session.execute(sa.select(SpeedDatingPlan.report)).scalar_one()
    # Two funded, two unfunded, three rounds: each funded person meets both unfunded ones.
    assert report["repeated_pairs"] == 0
    assert report["same_municipality_tables"] == 0
    assert (report["cross_group_meetings"], report["cross_group_bound"]) == (4, 4)
    assert report["cross_group_share"] == 1.0
    assert report["sit_out_spread"] == 0 and report["sit_out_counts"] == {"0": 4}
    page = text(team_client.get(base))
    assert "Wiederholte Paare" in page and "4 / 4" in page and "100 %" in page
    assert "Tische mit zwei Personen einer Kommune" in page


def test_colleagues_apart_and_odd_numbers_sit_out_fairly(app, event):
    event.settings(total_minutes=15)  # 4 rounds
    for number in range(3):
        event.check_in(event.register(f"Kiel {number}", "Kiel"))
    for number in range(8):
        event.check_in(event.register(f"Ort {number}", f"Ort{number}"))
    stored = event.plan()["plan"]
    with app.app_context():
        report = db.session.execute(sa.select(SpeedDatingPlan.report)).scalar_one()
    assert len(stored["rounds"]) == 4
    assert report["same_municipality_tables"] == 0 and report["sit_out_spread"] <= 1
    assert all(len(r["sitting_out"]) == 1 for r in stored["rounds"])  # 11 people, pairs
