"""The presenter screen (staff only) and the phone view by code (public, rate-limited): what
each shows as its first state, and who may see it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock
from startsmart.conferences.models import SpeedDatingSession
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def embedded(page: str, element_id: str) -> dict:
    pattern = rf'<script type="application/json" id="{element_id}">(.*?)</script>'
    found = re.search(pattern, page, re.S)
    return json.loads(found.group(1))


def headline(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="sd-headline">(.*?)</h1>', page, re.S).group(1))


def partner_of(event, plan: dict, person_id: int, number: int = 1):
    table = next(t for t in plan["rounds"][number - 1]["tables"] if person_id in t["members"])
    return table["number"], event.participant(next(m for m in table["members"] if m != person_id))


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


# -- phone ------------------------------------------------------------------------------------


def test_the_phone_shows_round_table_and_partner_and_the_schedule(client, team_client, event, base):
    ids = event.everyone_here(4, funded=1)
    plan = event.plan()["plan"]
    anna = event.participant(ids[0])
    response = client.get(f"/sd/{anna.code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = text(response)
    number, partner = partner_of(event, plan, ids[0])
    assert headline(page) == (
        f"Runde 1 · Tisch {number} · mit {partner.name} ({partner.municipality_name})"
    )
    assert "Geplanter Beginn: 13:00 Uhr" in page
    assert page.count('<tr class="sd-') == len(plan["rounds"])
    assert '<tr class="sd-next">' in page and "als Nächstes" in page
    assert "Wobei könnten wir voneinander lernen?" in page
    data = embedded(page, "sd-data")
    assert "@" not in json.dumps(data)
    assert all(event.participant(i).code not in json.dumps(data) for i in ids)

    token = csrf_token(team_client, base)
    team_client.post(f"{base}/ablauf/start", data={"csrf_token": token})
    team_client.post(f"{base}/ablauf/next", data={"csrf_token": token})
    page = text(client.get(f"/sd/{anna.code}"))
    number, partner = partner_of(event, plan, ids[0], 2)
    assert headline(page).startswith(f"Runde 2 · Tisch {number} · mit {partner.name}")
    assert "Gespräch: noch" in page and re.search(r'role="timer">3:00<', page)
    assert '<tr class="sd-past">' in page and '<tr class="sd-now">' in page


def test_codes_are_typable_in_any_case_with_spaces_and_hyphens(client, event):
    ids = event.everyone_here(2)
    event.plan()
    code = event.participant(ids[0]).code
    typed = f" {code[:4].lower()} - {code[4:]} "
    response = client.get("/sd", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"] == f"/sd/{code}"
    response = client.get(f"/sd/{code[:4].lower()}-{code[4:].lower()}")
    assert response.headers["Location"] == f"/sd/{code}"
    assert client.get(f"/sd/{code}").status_code == 200
    page = text(client.get("/sd"))
    assert "Ihr persönlicher Code" in page and 'name="code"' in page
    wrong = client.get("/sd", query_string={"code": "ABC"})
    assert wrong.status_code == 422
    assert "Ein Code hat 8 Zeichen" in text(wrong) and 'value="ABC"' in text(wrong)


def test_a_person_not_in_the_plan_is_told_kindly(client, event):
    early = event.everyone_here(4)[0]
    page = text(client.get(f"/sd/{event.participant(early).code}"))
    assert headline(page) == "Ihr Plan kommt gleich"
    event.plan()
    late = event.walk_in("Lea Later", "Spätdorf")
    page = text(client.get(f"/sd/{event.participant(late).code}"))
    assert headline(page) == "Sie sind noch nicht im Plan"
    assert "Sagen Sie bitte am Check-in Bescheid" in page
    assert "Sobald Sie im Plan sind" in page and 'id="sd-schedule" hidden' in page


def test_an_unknown_code_gets_a_kind_404_that_reveals_nothing(client, event):
    ids = event.everyone_here(2)
    event.plan()
    real = event.participant(ids[0]).code
    wrong = ("X" if real[0] != "X" else "Y") + real[1:]
    response = client.get(f"/sd/{wrong}")
    assert response.status_code == 404
    page = text(response)
    assert "Zu diesem Code finden wir keinen Plan" in page
    assert "Person" not in page and "Regionalkonferenz Nord" not in page
    assert f'value="{wrong}"' in page  # to correct the typo
    never = text(client.get("/sd/AAAAAAAA"))
    assert never.replace("AAAAAAAA", wrong) == page


def test_page_and_json_share_the_budget_for_unknown_codes(client, event):
    ids = event.everyone_here(2)
    event.plan()
    code = event.participant(ids[0]).code
    statuses = []
    for n in range(20):
        statuses.append(client.get(f"/sd/CCCC{n:04d}").status_code)
        statuses.append(client.get(f"/sd/DDDD{n:04d}.json").status_code)
    assert statuses[:30] == [404] * 30
    assert set(statuses[30:]) == {429}
    # The venue shares one address: its typos must not stop the phones that poll a real code.
    assert client.get(f"/sd/{code}").status_code == 200
    assert client.get(f"/sd/{code}.json").status_code == 200
    assert client.get("/sd").status_code == 200
    assert client.get("/sd/EEEE0000").status_code == 429


def test_polling_a_known_code_has_its_own_budget(client, event):
    ids = event.everyone_here(2)
    event.plan()
    code = event.participant(ids[0]).code
    statuses = [client.get(f"/sd/{code}.json?version=1").status_code for _n in range(125)]
    assert statuses[:120] == [200] * 120 and statuses[120:] == [429] * 5
    other = event.participant(ids[1]).code
    assert client.get(f"/sd/{other}").status_code == 200


def test_sitting_out_is_worded_kindly_and_the_next_seat_is_listed(client, event):
    ids = event.everyone_here(3)  # pairs: one person waits each round
    plan = event.plan()["plan"]
    waiting = plan["rounds"][0]["sitting_out"][0]
    page = text(client.get(f"/sd/{event.participant(waiting).code}"))
    assert headline(page) == "Runde 1 · Pause"
    assert "Sie setzen diese Runde aus" in page
    assert re.search(r'<th scope="row">1 <span class="sd-state">als Nächstes</span></th>\s*'
                     r"<td>–</td>\s*<td>Pause</td>", page)  # fmt: skip
    assert waiting in ids
