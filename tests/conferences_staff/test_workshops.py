"""Staff and the workshops of a conference: the list per workshop (places, then the waiting
list in order) with its CSV, moving a person within the time slot, check-in, and "Workshopwahl
bis" on the conference form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock
from startsmart.conferences.models import ChoiceStatus, Conference, SessionChoice
from startsmart.extensions import db
from support import login, submit, text
from workshop_support import choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING


def _page(w, session_id: int) -> str:
    return f"/staff/regionalkonferenzen/{w.conference_id}/workshops/{session_id}"


def _choice_of(registration_id: int) -> int:
    return db.session.execute(
        sa.select(SessionChoice.id).where(SessionChoice.registration_id == registration_id)
    ).scalar_one()


@pytest.fixture
def full_workshop(app, team):
    """Workshop 1 (2 places) chosen by persons 1-4: 1 and 2 have places, 3 and 4 wait."""
    w = make_workshops(app, capacities=(2, 1))
    with app.app_context():
        ids = [register(w.date_id, n, w.session_ids[0]) for n in range(1, 5)]
    return w, ids


def test_the_list_shows_places_then_the_waiting_list_in_order(app, team, full_workshop):
    w, ids = full_workshop
    detail = text(team.get(f"/staff/regionalkonferenzen/{w.conference_id}"))
    assert _page(w, w.session_ids[0]) in detail and "2 belegt" in detail
    html = text(team.get(_page(w, w.session_ids[0])))
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    names = re.findall(r"<th scope=\"row\"><a [^>]*>Person (\d)", body)
    assert names == ["1", "2", "3", "4"]
    assert body.count("Warteliste 1") == 1 and body.count("Warteliste 2") == 1
    assert body.index("Person 2") < body.index("Warteliste 1") < body.index("Person 3")


def test_the_list_as_csv(app, team, full_workshop):
    w, _ids = full_workshop
    response = team.get(_page(w, w.session_ids[0]) + "/teilnehmende.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "workshop-workshop-1-" in response.headers["Content-Disposition"]
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Platz;Name;E-Mail")
    assert [line.split(";")[:2] for line in lines[1:]] == [
        ["Platz", "Person 1"],
        ["Platz", "Person 2"],
        ["Warteliste 1", "Person 3"],
        ["Warteliste 2", "Person 4"],
    ]


def test_moving_someone_to_a_full_workshop_needs_the_override(app, team, full_workshop):
    w, ids = full_workshop
    one, two = w.session_ids
    with app.app_context():
        other = register(w.date_id, 9, two)  # workshop 2 is now full
        first = _choice_of(ids[0])
    page = _page(w, one)
    response = submit(team, page, {"target": str(two)}, action=f"{page}/verschieben/{first}")
    assert response.status_code == 200
    assert "„Workshop 2“ ist voll" in text(response)
    assert 'href="#target-' in text(response)
    response = submit(
        team, page, {"target": str(two), "override": "y"}, action=f"{page}/verschieben/{first}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert choices_of(two) == [(other, SEATED), (ids[0], SEATED)]
        assert choices_of(one) == [(ids[1], SEATED), (ids[2], SEATED), (ids[3], WAITING)]


@pytest.mark.parametrize("target", ["", "abc", "99999999999", "-1"])
def test_a_tampered_move_is_a_message(app, team, full_workshop, target):
    w, ids = full_workshop
    with app.app_context():
        first = _choice_of(ids[0])
    page = _page(w, w.session_ids[0])
    response = submit(team, page, {"target": target}, action=f"{page}/verschieben/{first}")
    assert response.status_code == 200
    assert 'class="error-summary"' in text(response)
    with app.app_context():
        assert choices_of(w.session_ids[0])[0] == (ids[0], SEATED)


def test_moving_into_the_plenary_is_refused(app, team, full_workshop):
    w, ids = full_workshop
    with app.app_context():
        first = _choice_of(ids[0])
    page = _page(w, w.session_ids[0])
    response = submit(
        team, page, {"target": str(w.plenary_id)}, action=f"{page}/verschieben/{first}"
    )
    assert "desselben Zeitfensters" in text(response)


def test_check_in_on_the_day(app, team, full_workshop, travel):
    w, ids = full_workshop
    page = _page(w, w.session_ids[0])
    with app.app_context():
        first, third = _choice_of(ids[0]), _choice_of(ids[2])
    response = submit(team, page, {"anwesend": str(first)}, action=f"{page}/anwesenheit")
    assert "erst am Tag des Programmpunkts" in text(team.get(response.headers["Location"]))
    with app.app_context():
        travel.move_to(db.session.get_one(Conference, w.conference_id).starts_at)
    login(team, "team@kts.example")  # the login of a month ago has run out
    response = submit(team, page, {"anwesend": str(first)}, action=f"{page}/anwesenheit")
    assert "1 Änderung" in text(team.get(response.headers["Location"]))
    assert re.search(rf'value="{first}" id="anwesend-{first}" checked', text(team.get(page)))
    for wrong in (str(third), "x", "1" * 30):  # waiting, or not an id
        response = submit(team, page, {"anwesend": wrong}, action=f"{page}/anwesenheit")
        assert "keinen Platz" in text(team.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.get_one(SessionChoice, first).checked_in_at is not None


def test_pages_of_another_conference_are_404(app, team, full_workshop):
    w, _ids = full_workshop
    other = make_workshops(app, towns=0)
    assert team.get(_page(w, other.session_ids[0])).status_code == 404
    assert team.get(_page(w, 10**12)).status_code == 404


def test_workshopwahl_bis_on_the_conference_form(app, team, full_workshop):
    w, _ids = full_workshop
    page = f"/staff/regionalkonferenzen/{w.conference_id}/bearbeiten"
    html = text(team.get(page))
    form = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    form["description"] = ""
    day_before = (w.day - timedelta(days=2)).isoformat()
    form.update(choices_day=day_before, choices_time="")
    response = submit(team, page, form)
    assert response.status_code == 200
    assert "Datum und Uhrzeit für das Ende der Workshopwahl" in text(response)
    form.update(choices_day=(w.day + timedelta(days=1)).isoformat(), choices_time="12:00")
    assert "spätestens mit Beginn der Konferenz" in text(submit(team, page, form))
    form.update(choices_day=day_before, choices_time="18:00")
    assert submit(team, page, form).status_code == 302
    with app.app_context():
        closes = db.session.get_one(Conference, w.conference_id).choices_close_at
    berlin = closes.astimezone(clock.BERLIN)
    assert (berlin.date().isoformat(), berlin.hour) == (day_before, 18)
    assert f'value="{day_before}"' in text(team.get(page))
