"""Printed cards and table sheets, the CSV, and the staff plan.json."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from support import text


def names(event, ids) -> dict[int, str]:
    return {i: event.participant(i).name for i in ids}


def test_cards_show_rounds_tables_partners_code_and_qr(team_client, event, base):
    ids = event.everyone_here(4, funded=1)
    plan = event.plan()["plan"]
    page = text(team_client.get(f"{base}/karten"))
    who = names(event, ids)
    anna = event.participant(ids[0])
    for name in who.values():
        assert name in page
    first = plan["rounds"][0]
    table = next(t for t in first["tables"] if ids[0] in t["members"])
    partner = who[next(m for m in table["members"] if m != ids[0])]
    assert partner in page and f"<td>{table['number']}</td>" in page
    assert f"https://startsmart.test/sd/{anna.code}" in page
    assert f"{anna.code[:4]} {anna.code[4:]}" in page
    assert page.count('class="qr"') == 4 and "<svg" in page
    assert "@" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'class="sd-card"' in page and "Woran arbeiten Sie gerade" in page


def test_table_sheets_list_each_round(team_client, event, base):
    ids = event.everyone_here(4)
    event.plan()
    page = text(team_client.get(f"{base}/tische"))
    assert "Tisch 1" in page and "Tisch 2" in page and "Tisch 3" not in page
    assert page.count('class="sd-sheet"') == 2
    for name in names(event, ids).values():
        assert page.count(name) == 3  # three rounds, always at one of the two tables


def test_csv_for_excel_one_line_per_person_and_round(app, team_client, event, base):
    ids = event.everyone_here(5)
    plan = event.plan()["plan"]
    response = team_client.get(f"{base}/plan.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")[:-1]
    assert lines[0] == "Runde;Tisch;Name;Kommune;Modellprojekt (MPSC);Gesprächspartner/innen"
    assert len(lines) - 1 == 5 * len(plan["rounds"])  # everyone in every round
    assert sum(";Pause;" in line for line in lines) == sum(
        len(r["sitting_out"]) for r in plan["rounds"]
    )
    assert "@" not in raw.decode("utf-8-sig")
    assert any(line.startswith("1;1;") for line in lines)
    assert names(event, ids)[ids[0]] in raw.decode("utf-8-sig")
    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
        assert "speed_dating.exported" in actions


def test_plan_json_has_plan_questions_timing_and_no_personal_secrets(team_client, event, base):
    ids = event.everyone_here(4, funded=2)
    event.plan()
    data = team_client.get(f"{base}/plan.json").get_json()
    assert data["changed"] is True and data["plan_version"] == 1
    assert data["questions"][0] == "Woran arbeiten Sie gerade beim Thema Smart City?"
    assert data["timing"]["round_seconds"] == 180 and data["timing"]["rounds"] == 3
    assert data["run"]["status"] == "not_started" and data["clock"]["phase"] == "waiting"
    assert {p["id"] for p in data["participants"]} == set(ids)
    assert len(data["rounds"]) == 3 and data["rounds"][0]["tables"][0]["members"]
    body = team_client.get(f"{base}/plan.json").get_data(as_text=True)
    assert "@" not in body and "code" not in body
    assert all(event.participant(i).code not in body for i in ids)
    again = team_client.get(f"{base}/plan.json?version={data['version']}").get_json()
    assert again["changed"] is False and "rounds" not in again and again["clock"]


def test_outputs_without_a_plan_lead_back(team_client, event, base):
    for page in ("karten", "tische", "plan.csv"):
        response = team_client.get(f"{base}/{page}")
        assert response.status_code == 302 and response.headers["Location"].endswith(base)
    assert team_client.get(f"{base}/plan.json").get_json()["rounds"] == []
