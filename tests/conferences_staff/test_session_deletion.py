"""A workshop people hold places in or wait for is not deleted with their choices: staff are
told how many there are and led to the list to move them first. Once it is empty it goes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from startsmart.conferences.models import ChoiceStatus, ConferenceSession, SessionChoice
from startsmart.extensions import db
from support import submit, text
from workshop_support import calendar_mails, choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING


@pytest.fixture
def world(app, team):
    """Workshop 1 (2 places): persons 1 and 2 seated, person 3 waiting (all confirmed)."""
    w = make_workshops(app, capacities=(2, 5))
    with app.app_context():
        ids = [register(w.date_id, n, w.session_ids[0], by_staff=True) for n in (1, 2, 3)]
    return w, ids


def _delete(w, session_id: int) -> str:
    return f"/staff/regionalkonferenzen/{w.conference_id}/programm/{session_id}/loeschen"


def _list(w, session_id: int) -> str:
    return f"/staff/regionalkonferenzen/{w.conference_id}/workshops/{session_id}"


def _exists(session_id: int) -> bool:
    return db.session.get(ConferenceSession, session_id) is not None


def test_a_workshop_with_people_says_how_many_and_links_to_their_list(app, team, world):
    w, ids = world
    first = w.session_ids[0]
    page = text(team.get(_delete(w, first)))
    assert "Plätze vergeben: 2, auf der Warteliste: 1" in page
    assert f'href="{_list(w, first)}"' in page
    assert "Ja, Programmpunkt löschen" not in page
    # A form sent from a page shown before they chose (the empty workshop's has the button).
    response = submit(team, _delete(w, w.session_ids[1]), {}, action=_delete(w, first))
    assert response.status_code == 200
    assert "Plätze vergeben: 2, auf der Warteliste: 1" in text(response)
    with app.app_context():
        assert _exists(first)
        assert choices_of(first) == [(ids[0], SEATED), (ids[1], SEATED), (ids[2], WAITING)]
        assert all("conference_session_cancelled" not in calendar_mails(i) for i in ids)


def test_once_everybody_is_moved_the_workshop_goes(app, team, world):
    w, ids = world
    first, second = w.session_ids
    with app.app_context():
        moved = db.session.execute(
            sa.select(SessionChoice.id).where(SessionChoice.session_id == first)
        ).scalars()
        moved = list(moved)
    page = _list(w, first)
    for choice_id in moved:
        response = submit(
            team, page, {"target": str(second)}, action=f"{page}/verschieben/{choice_id}"
        )
        assert response.status_code == 302, text(response)
    assert "Ja, Programmpunkt löschen" in text(team.get(_delete(w, first)))
    assert submit(team, _delete(w, first), {}).status_code == 302
    with app.app_context():
        assert not _exists(first)
        assert sorted(r for r, _ in choices_of(second)) == ids  # nobody lost their choice
