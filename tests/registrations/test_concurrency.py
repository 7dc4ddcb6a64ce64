"""Many people at once: no seat is given twice, nobody is lost, every freed seat goes once.

Each thread is its own app context, so its own database connection and transaction: the
database's locking is what is being tested, not Python's. The app has no switch for these tests:
what they change (a pause, the lock taken away) they inject as SQLAlchemy event listeners.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

import concurrency_support
from concurrency_support import all_at_once
from environment import DATABASE
from startsmart import clock, tokens
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus
from support import known_towns, make_date, town_applicant

applicant = functools.partial(town_applicant, state=FederalState.NI)


@pytest.fixture(autouse=True)
def towns(app):
    """ "Gemeinde 1" to "Gemeinde 60" are known (the people of these tests come from them)."""
    known_towns(app, FederalState.NI, [f"Gemeinde {number}" for number in range(1, 61)])


def gap_held_open(app, seconds: float = 0.05, lock: bool = True):
    """Pause every registration for ``seconds`` between counting the date's seats and writing
    (after the tally, ``seats.tally_statement``); with ``lock=False`` also take the date's lock
    away."""
    return concurrency_support.gap_held_open(
        app, "count(registration.id) FILTER", (" FOR UPDATE OF event_date",), seconds, lock
    )


def counts(date_id: int) -> Counter:
    rows = db.session.execute(
        sa.select(Registration.status).where(Registration.event_date_id == date_id)
    ).scalars()
    return Counter(rows)


def test_50_at_once_for_10_seats(app, smtp):
    date_id = make_date(app, capacity=10)
    now = clock.now()
    with gap_held_open(app, seconds=0.02):
        results = all_at_once(app, lambda n: service.register(date_id, applicant(n), now), 50)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Counter(r.status for r in results) == {
        RegistrationStatus.PENDING: 10,
        RegistrationStatus.WAITLISTED: 40,
    }
    assert sorted(r.position for r in results if r.position) == list(range(1, 41))
    with app.app_context():
        assert counts(date_id) == {
            RegistrationStatus.PENDING: 10,
            RegistrationStatus.WAITLISTED: 40,
        }


@pytest.mark.skipif(DATABASE != "postgresql", reason="SQLite serialises every writer anyway")
def test_without_the_row_lock_the_same_race_overbooks(app, smtp):
    """The control run: proves the test above can fail, so its passing means something.

    The app's connection pool lets 10 transactions run at once (the rest wait for a
    connection), so 5 seats make sure one wave of unlocked registrations already overbooks."""
    date_id = make_date(app, capacity=5)
    now = clock.now()
    with gap_held_open(app, lock=False):
        all_at_once(app, lambda n: service.register(date_id, applicant(n), now), 50)
    with app.app_context():
        held = sum(c for status, c in counts(date_id).items() if status in HOLDING_A_SEAT)
    assert held > 5, "without the lock the race should overbook; the test would prove nothing"


def test_five_cancel_at_once_and_exactly_five_move_up(app, smtp):
    date_id = make_date(app, capacity=5)
    now = clock.now()
    with app.app_context():
        for number in range(15):
            service.register(date_id, applicant(number), now)
        seated = (
            db.session.execute(
                sa.select(Registration.id).where(Registration.status.in_(HOLDING_A_SEAT))
            )
            .scalars()
            .all()
        )
        tokens = [_token(registration_id, now) for registration_id in seated]
    results = all_at_once(app, lambda n: service.cancel(tokens[n], now), 5)
    assert [r for r in results if isinstance(r, Exception)] == []
    with app.app_context():
        assert counts(date_id) == {
            RegistrationStatus.CANCELLED: 5,
            RegistrationStatus.PENDING: 5,
            RegistrationStatus.WAITLISTED: 5,
        }
        promoted = (
            db.session.execute(
                sa.select(Registration.person_id).where(Registration.promoted_at.is_not(None))
            )
            .scalars()
            .all()
        )
        assert len(promoted) == len(set(promoted)) == 5


def _token(registration_id: int, now) -> str:
    token = tokens.mint("registration", registration_id, now, now + timedelta(days=30))
    db.session.commit()
    return token
