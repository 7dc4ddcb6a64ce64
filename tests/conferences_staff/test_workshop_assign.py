"""Staff enter a person who chose nothing in a time slot into one of its workshops, from the
workshop's list: a free place seats them, a full workshop puts them at the end of its waiting
list (or beyond its places, if staff say so), under the same locks as choosing; audited, and
the calendar follows."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from startsmart.audit.models import AuditEvent
from startsmart.conferences.models import ChoiceStatus, SessionInvitationState
from startsmart.extensions import db
from support import submit, text
from workshop_support import calendar_mails, calendar_of, choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING


def _page(w, session_id: int) -> str:
    return f"/staff/regionalkonferenzen/{w.conference_id}/workshops/{session_id}"


def _assign(team, w, session_id: int, registration: int | str, **extra):
    page = _page(w, session_id)
    form = {"registration": str(registration), **extra}
    return submit(team, page, form, action=f"{page}/eintragen")


@pytest.fixture
def world(app, team):
    """Workshop 1 (2 places) taken by persons 1 and 2; persons 3 and 4 chose nothing (entered
    by staff, so confirmed)."""
    w = make_workshops(app, capacities=(2, 2))
    with app.app_context():
        chose = [register(w.date_id, n, w.session_ids[0]) for n in (1, 2)]
        nothing = [register(w.date_id, n, None, by_staff=True) for n in (3, 4)]
    return w, chose, nothing


def _offered(team, w, session_id: int) -> list[str]:
    html = text(team.get(_page(w, session_id)))
    select = re.search(r'<select[^>]*name="registration".*?</select>', html, re.S)
    return re.findall(r">(Person \d)", select.group(0)) if select else []


def test_a_person_without_a_choice_gets_a_free_place_and_it_reaches_their_calendar(
    app, team, world
):
    w, chose, (third, fourth) = world
    second = w.session_ids[1]
    assert _offered(team, w, second) == ["Person 3", "Person 4"]  # not those who chose
    response = _assign(team, w, second, third)
    assert response.status_code == 302, text(response)
    assert "hat einen Platz" in text(team.get(response.headers["Location"]))
    assert _offered(team, w, second) == ["Person 4"]
    assert _offered(team, w, w.session_ids[0]) == ["Person 4"]  # one choice per slot
    with app.app_context():
        assert choices_of(second) == [(third, SEATED)]
        assert calendar_of(third) == {second: (SessionInvitationState.ACTIVE, 0)}
        assert calendar_mails(third) == ["conference_session_invitation"]
        (event,) = db.session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "conference.choice_assigned")
        ).scalars()
        assert event.subject == f"registration:{third}"
        assert event.details["session"] == second and event.details["status"] == "seated"


def test_a_full_workshop_puts_them_on_its_waiting_list_unless_staff_override(app, team, world):
    w, chose, (third, fourth) = world
    full = w.session_ids[0]
    response = _assign(team, w, full, third)
    assert response.status_code == 302
    assert "auf der Warteliste" in text(team.get(response.headers["Location"]))
    response = _assign(team, w, full, fourth, override="y")
    assert response.status_code == 302
    with app.app_context():
        assert choices_of(full) == [
            (chose[0], SEATED),
            (chose[1], SEATED),
            (third, WAITING),
            (fourth, SEATED),  # beyond the two places: staff decided
        ]
        assert calendar_of(third) == {}  # a waiting-list place is not in the calendar
        assert fourth in {registration for registration, _ in choices_of(full)}


def test_someone_who_chose_already_is_refused_with_a_message(app, team, world):
    w, chose, _nothing = world
    response = _assign(team, w, w.session_ids[1], chose[0])
    assert response.status_code == 200
    page = text(response)
    assert "schon „Workshop 1“ gewählt" in page and 'class="error-summary"' in page
    with app.app_context():
        assert choices_of(w.session_ids[1]) == []
        assert choices_of(w.session_ids[0])[0] == (chose[0], SEATED)


@pytest.mark.parametrize("tampered", ["", "abc", "99999999999", "-1", "1" * 30])
def test_a_tampered_registration_is_a_message(app, team, world, tampered):
    w, _chose, _nothing = world
    response = _assign(team, w, w.session_ids[1], tampered)
    assert response.status_code == 200
    assert 'class="error-summary"' in text(response)
    with app.app_context():
        assert choices_of(w.session_ids[1]) == []


def test_a_registration_of_another_conference_or_the_plenary_is_refused(app, team, world):
    w, _chose, _nothing = world
    other = make_workshops(app, towns=0)
    with app.app_context():
        stranger = register(other.date_id, 7, None, by_staff=True)
    response = _assign(team, w, w.session_ids[1], stranger)
    assert "gehört nicht zu dieser Regionalkonferenz" in text(response)
    response = _assign(team, w, w.plenary_id, _nothing[0])
    assert "es gibt keine Auswahl" in text(response)
    with app.app_context():
        assert choices_of(w.session_ids[1]) == [] and choices_of(w.plenary_id) == []
