"""Fifty people choose the same 10-place workshop at once: 10 get a place, 40 wait in the order
of their choice, nobody is lost; and the control run without the session's row lock overbooks.

Each thread is its own app context (its own connection and transaction), as in
tests/registrations/test_concurrency.py, whose helpers these tests share."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

import concurrency_support
from concurrency_support import all_at_once
from environment import DATABASE
from startsmart import clock
from startsmart.conferences import choices, workshop_staff
from startsmart.conferences.models import ChoiceStatus, SessionChoice
from startsmart.extensions import db
from startsmart.staff.models import StaffUser
from workshop_support import make_workshops, register


def gap_held_open(app, lock: bool = True):
    """Pause every choice between counting the session's places and writing; with
    ``lock=False`` also take the session's lock away (FOR UPDATE dropped)."""
    return concurrency_support.gap_held_open(
        app, "count(session_choice.id)", (" FOR UPDATE OF conference_session",), 0.02, lock
    )


def _fifty_registered(app, capacity: int):
    w = make_workshops(app, capacities=(capacity, 60))
    with app.app_context():
        ids = [register(w.date_id, n, None) for n in range(1, 51)]
    return w.session_ids[0], ids


def _rows(session_id: int) -> list[SessionChoice]:
    return list(
        db.session.execute(
            sa.select(SessionChoice)
            .where(SessionChoice.session_id == session_id)
            .order_by(SessionChoice.chosen_at, SessionChoice.id)
        ).scalars()
    )


def test_50_choose_a_10_place_workshop_at_once(app, smtp):
    session_id, ids = _fifty_registered(app, capacity=10)
    now = clock.now()
    with gap_held_open(app):
        results = all_at_once(app, lambda n: choices.choose(ids[n], [session_id], now), 50)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Counter(r[0][1] for r in results) == {
        ChoiceStatus.SEATED: 10,
        ChoiceStatus.WAITING: 40,
    }
    with app.app_context():
        rows = _rows(session_id)
        assert sorted(row.registration_id for row in rows) == sorted(ids)  # 0 lost, 0 twice
        # In the order of choice: the first ten chosen have the places, the queue follows.
        assert [row.status for row in rows] == [ChoiceStatus.SEATED] * 10 + [
            ChoiceStatus.WAITING
        ] * 40
        assert len({row.chosen_at for row in rows}) == 50
        positions = [choices.waiting_position(row) for row in rows[10:]]
        assert positions == list(range(1, 41))


@pytest.mark.skipif(DATABASE != "postgresql", reason="SQLite serialises every writer anyway")
def test_without_the_session_lock_the_same_race_overbooks(app, smtp):
    """The control run: proves the test above can fail, so its passing means something. The
    pool lets 10 transactions run at once, so 5 places make sure one wave overbooks."""
    session_id, ids = _fifty_registered(app, capacity=5)
    now = clock.now()
    with gap_held_open(app, lock=False):
        all_at_once(app, lambda n: choices.choose(ids[n], [session_id], now), 50)
    with app.app_context():
        seated = [row for row in _rows(session_id) if row.status is ChoiceStatus.SEATED]
    assert len(seated) > 5, "without the lock the race should overbook; this proves nothing"


def test_staff_entering_people_race_with_people_choosing_under_the_same_lock(app, smtp):
    """Twenty at once into a 5-place workshop, half choosing themselves, half entered by staff
    (``workshop_staff.assign``): 5 places, 15 waiting, nobody lost or entered twice."""
    session_id, ids = _fifty_registered(app, capacity=5)
    with app.app_context():
        staff_id = db.session.execute(sa.select(StaffUser.id)).scalars().first()
    now = clock.now()

    def one(n: int):
        if n % 2:
            return choices.choose(ids[n], [session_id], now)
        actor = db.session.get_one(StaffUser, staff_id)
        return workshop_staff.assign(session_id, ids[n], actor, now)

    with gap_held_open(app):
        results = all_at_once(app, one, 20)
    assert [r for r in results if isinstance(r, Exception)] == []
    with app.app_context():
        rows = _rows(session_id)
        assert sorted(row.registration_id for row in rows) == sorted(ids[:20])
        assert Counter(row.status for row in rows) == {
            ChoiceStatus.SEATED: 5,
            ChoiceStatus.WAITING: 15,
        }
