"""The presenter screen (staff only): what it shows as its first state, and who may see it.
The phone view is in tests/speed_dating/test_screens.py."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from speed_dating_support import embedded, partner_of
from startsmart import clock
from startsmart.extensions import db
from startsmart.speed_dating.models import SpeedDatingSession
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


# -- presenter --------------------------------------------------------------------------------


def test_the_presenter_screen_is_for_the_event_team_only(app, client, event, base):
    event.everyone_here(2)
    event.plan()
    assert client.get(f"{base}/praesentation").status_code == 302  # to the login
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    advisor = app.test_client()
    login(advisor, "bea@kts.example")
    assert advisor.get(f"{base}/praesentation").status_code == 403
    make_staff(app, email="ada@kts.example", role=Role.ADMIN)
    admin = app.test_client()
    login(admin, "ada@kts.example")
    assert admin.get(f"{base}/praesentation").status_code == 200
    assert admin.get("/staff/regionalkonferenzen/999/speed-dating/praesentation").status_code == 404


def test_before_the_start_it_shows_round_one_the_questions_and_the_seating(
    team_client, event, base
):
    ids = event.everyone_here(4, funded=1)
    plan = event.plan()["plan"]
    response = team_client.get(f"{base}/praesentation")
    page = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Gleich geht es los" in page and "Runde 1 von 3" in page
    assert re.search(r'id="pr-countdown" role="timer">3:00<', page)
    assert "Woran arbeiten Sie gerade beim Thema Smart City?" in page
    assert "Sitzplan Runde 1" in page
    number, partner = partner_of(event, plan, ids[0])
    row = re.search(rf"Tisch {number}</span> <span class=\"pr-people\">([^<]*)<", page).group(1)
    assert "Person 00 (Ort00)" in row and f"{partner.name} ({partner.municipality_name})" in row
    # Only the button that fits is shown; the page carries the plan for the script.
    assert re.search(r'data-action="start">', page)
    assert re.search(r'data-action="pause" hidden', page)
    data = embedded(page, "presenter-data")
    assert data["rounds"] == plan["rounds"] and data["run"]["status"] == "not_started"
    assert "@" not in json.dumps(data)
    assert "js/speed-presenter.js" in page and "js/speed-live.js" in page
    assert "Leertaste" in page and "Bild ab" in page


def test_while_a_round_runs_it_shows_the_next_rounds_seating_and_the_changeover(
    app, team_client, event, base
):
    ids = event.everyone_here(4)
    plan = event.plan()["plan"]
    event.run("start", event.at(13, 0))
    with app.app_context():
        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        session.round_started_at = session.round_started_at.replace(year=2000)
        db.session.commit()
    page = text(team_client.get(f"{base}/praesentation"))
    assert "Die Zeit ist um" in page  # started long ago: every round is over
    assert "Kein Sitzplan mehr" in page
    with app.app_context():
        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        session.round_started_at = clock.now() - timedelta(seconds=200)  # changeover of round 1
        db.session.commit()
    page = text(team_client.get(f"{base}/praesentation"))
    assert 'class="presenter phase-changeover"' in page
    assert "Tischwechsel" in page and "Gleich: Runde 2 von 3" in page
    assert "Sitzplan Runde 2" in page
    number, partner = partner_of(event, plan, ids[0], 2)
    assert re.search(rf"Tisch {number}</span> <span class=\"pr-people\">[^<]*{partner.name}", page)
    with app.app_context():
        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        session.round_started_at = clock.now() - timedelta(seconds=30)  # round 1 talks
        db.session.commit()
    page = text(team_client.get(f"{base}/praesentation"))
    assert "Runde 1 von 3" in page and "Als Nächstes: Sitzplan Runde 2" in page


def test_buttons_without_javascript_come_back_to_the_presenter(app, team_client, event, base):
    event.everyone_here(4)
    event.plan()
    token = csrf_token(team_client, f"{base}/praesentation")
    response = team_client.post(
        f"{base}/ablauf/start",
        data={"csrf_token": token, "status": "not_started", "round": "0", "screen": "presenter"},
    )
    assert response.headers["Location"].endswith(f"{base}/praesentation")
    page = text(team_client.get(f"{base}/praesentation"))
    assert "Gespräch" in page and re.search(r'data-action="pause">', page)
    response = team_client.post(
        f"{base}/ablauf/resume",
        data={"csrf_token": token, "screen": "presenter"},
    )
    page = text(team_client.get(response.headers["Location"]))
    assert "nicht angehalten" in page  # the error is shown on the presenter


def test_a_control_from_an_outdated_screen_changes_nothing_and_says_so(team_client, event, base):
    event.everyone_here(4)
    event.plan()
    token = csrf_token(team_client, f"{base}/praesentation")
    first = team_client.post(
        f"{base}/ablauf/start",
        data={"csrf_token": token, "status": "not_started", "round": "0"},
        headers={"Accept": "application/json"},
    ).get_json()
    assert first["applied"] is True and first["run"]["status"] == "running"
    twice = team_client.post(
        f"{base}/ablauf/next",
        data={"csrf_token": token, "status": "not_started", "round": "0"},
        headers={"Accept": "application/json"},
    ).get_json()
    assert twice["applied"] is False and twice["clock"]["round"] == 1
