"""The phone view by code (public, rate-limited): what it shows as its first state, and who
may see it. The presenter screen is in tests/speed_dating_staff/test_presenter.py."""

from __future__ import annotations

import json
import re

import pytest

from speed_dating_support import embedded, partner_of
from support import csrf_token, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def headline(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="sd-headline">(.*?)</h1>', page, re.S).group(1))


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
