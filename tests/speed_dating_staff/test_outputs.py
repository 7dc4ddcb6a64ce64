"""Printed cards and table sheets, the CSV, and the staff plan.json."""

from __future__ import annotations

import re

import sqlalchemy as sa

from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.speed_dating.planner import HOST_ID
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


def seats_of(plan: dict) -> dict[int, list[tuple]]:
    """Per person, what their card shows: table, partners and host, or a pause, per round."""
    seats: dict[int, list[tuple]] = {}
    for rnd in plan["rounds"]:
        for table in rnd["tables"]:
            humans = {m for m in table["members"] if m != HOST_ID}
            for member in humans:
                seat = (table["number"], humans - {member}, HOST_ID in table["members"])
                seats.setdefault(member, []).append((rnd["number"], *seat))
        for member in rnd["sitting_out"]:
            seats.setdefault(member, []).append((rnd["number"], None, set(), False))
    return seats


def card_ids(page: str) -> set[int]:
    found = re.findall(r'<article class="sd-card" aria-labelledby="card-(\d+)"', page)
    return {int(i) for i in found}


def test_after_a_replan_cards_say_their_version_and_only_changed_ones_reprint(
    team_client, event, base
):
    here = event.everyone_here(12)
    first = event.plan()["plan"]
    printed = text(team_client.get(f"{base}/karten"))
    assert printed.count("Plan-Version 1<") == 12 and "Seit Version" not in printed
    assert "Plan-Version 1" in text(team_client.get(f"{base}/tische"))

    late = event.walk_in("Lea Later", "Spätdorf")
    event.presence(here[0], False)  # left after round 3
    second = event.plan(from_round=4)["plan"]
    before, after = seats_of(first), seats_of(second)
    changed = {pid for pid, seats in after.items() if before.get(pid) != seats}
    assert late in changed and here[0] in changed and len(changed) < 13

    presenter = text(team_client.get(f"{base}/praesentation"))
    assert "Plan-Version 2" in presenter  # the printed cards said 1
    page = text(team_client.get(f"{base}/karten"))
    assert f"Seit Version 1 haben sich die Karten von {len(changed)} Personen geändert" in page
    assert page.count("Plan-Version 2<") == len(card_ids(page))
    only = text(team_client.get(f"{base}/karten?nur=geaendert"))
    assert card_ids(only) == changed
    assert "Lea Later" in only and "Alle Karten zeigen" in only
    assert "Plan-Version 2" in text(team_client.get(f"{base}/tische"))
