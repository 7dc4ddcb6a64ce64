"""A session that moves takes its choices along (a choice belongs to its session), and every
person keeps at most one choice per time slot: a place before a waiting-list place, then the
session that was already at that time. The calendars follow. And a conference that moves to
another day moves its date, programme and every calendar in one transaction."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.conferences import choices, programme, service, session_calendar
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionChoice,
    SessionInvitation,
    SessionInvitationState,
    SessionKind,
)
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.staff.models import StaffUser
from workshop_support import calendar_of, choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING
ACTIVE, CANCELLED = SessionInvitationState.ACTIVE, SessionInvitationState.CANCELLED


def _staff() -> StaffUser:
    return db.session.execute(sa.select(StaffUser)).scalars().one()


def _workshop(day, title: str, starts: time, ends: time, places: int, position: int = 0):
    return programme.SessionInput(
        SessionKind.WORKSHOP,
        title,
        day,
        starts,
        ends,
        room=title,
        capacity=places,
        position=position,
    )


@pytest.fixture
def day_of_two_slots(app, team):
    """Workshops 1 (3 places), 2, 3 at 10:30 and Nachmittag A, B (2 places each) at 14:00."""
    w = make_workshops(app, capacities=(3, 2, 2))
    with app.app_context():
        afternoon = [
            programme.add_session(
                w.conference_id,
                _workshop(w.day, title, time(14), time(15, 30), 2, n),
                _staff(),
                clock.now(),
            ).id
            for n, title in enumerate(("Nachmittag A", "Nachmittag B"))
        ]
    return w, afternoon


def _one_choice_per_slot(conference_id: int) -> None:
    for slot in choices.offered(conference_id):
        ids = [session.id for session in slot.sessions]
        per_person = db.session.execute(
            sa.select(SessionChoice.registration_id, sa.func.count(SessionChoice.id))
            .where(SessionChoice.session_id.in_(ids))
            .group_by(SessionChoice.registration_id)
        ).all()
        assert all(count == 1 for _, count in per_person), (slot.starts_at, per_person)


def test_a_moved_workshop_keeps_its_people_and_each_keeps_one_choice_per_slot(
    app, day_of_two_slots
):
    w, (a, b) = day_of_two_slots
    one = w.session_ids[0]
    with app.app_context():
        people = {n: register(w.date_id, n, None, by_staff=True) for n in range(1, 8)}
        now = clock.now()
        for n, picked in (
            (1, [one, a]),  # seated in both
            (2, [one, b]),  # seated in both
            (7, [one]),  # seated, nothing in the afternoon
            (3, [one]),  # waiting, nothing in the afternoon
            (6, [one, b]),  # waiting in 1, seated in B
            (4, [w.session_ids[1], a]),
            (5, [w.session_ids[2], a]),  # waiting in A
        ):
            choices.choose(people[n], picked, now)
        assert [s for _, s in choices_of(one)] == [SEATED, SEATED, SEATED, WAITING, WAITING]

        programme.change_session(
            one, _workshop(w.day, "Workshop 1", time(14), time(15, 30), 3), _staff(), now
        )

        _one_choice_per_slot(w.conference_id)
        (afternoon,) = [s for s in choices.offered(w.conference_id) if one in _ids(s)]
        assert sorted(_ids(afternoon)) == sorted([one, a, b])
        # 1 and 2 keep the afternoon workshop they had chosen for that time; 6 keeps the
        # place in B over the queue in 1; 7 and 3 (promoted) keep workshop 1 at its new time.
        assert choices_of(one) == [(people[7], SEATED), (people[3], SEATED)]
        assert choices_of(a) == [(people[1], SEATED), (people[4], SEATED), (people[5], WAITING)]
        assert choices_of(b) == [(people[2], SEATED), (people[6], SEATED)]
        # Nothing at 10:30 was touched.
        assert choices_of(w.session_ids[1]) == [(people[4], SEATED)]
        assert choices_of(w.session_ids[2]) == [(people[5], SEATED)]
        # The calendars: out for 1 and 2, the new time for 7, an invitation for 3.
        assert calendar_of(people[1]) == {one: (CANCELLED, 1), a: (ACTIVE, 0)}
        assert calendar_of(people[2]) == {one: (CANCELLED, 1), b: (ACTIVE, 0)}
        assert calendar_of(people[7]) == {one: (ACTIVE, 1)}
        assert calendar_of(people[3]) == {one: (ACTIVE, 0)}
        entry = db.session.execute(
            sa.select(SessionInvitation).where(SessionInvitation.registration_id == people[7])
        ).scalar_one()
        assert entry.starts_at == datetime.combine(w.day, time(14), tzinfo=clock.BERLIN)


def test_waiting_in_both_keeps_the_workshop_that_was_there_before(app, day_of_two_slots):
    """A tie (waiting in both): the workshop already at that time stays."""
    w, (a, _b) = day_of_two_slots
    one = w.session_ids[0]
    with app.app_context():
        fillers = [register(w.date_id, n, None, by_staff=True) for n in (1, 2, 3, 4, 5)]
        now = clock.now()
        for filler in fillers[:3]:
            choices.choose(filler, [one], now)
        for filler in fillers[3:]:
            choices.choose(filler, [w.session_ids[1], a], now)
        both_waiting = register(w.date_id, 9, None, by_staff=True)
        choices.choose(both_waiting, [one, a], now)
        programme.change_session(
            one, _workshop(w.day, "Workshop 1", time(14), time(15, 30), 3), _staff(), now
        )
        assert (both_waiting, WAITING) in choices_of(a)
        assert both_waiting not in [r for r, _ in choices_of(one)]


def _ids(slot) -> list[int]:
    return [session.id for session in slot.sessions]


def test_a_conference_move_that_fails_leaves_the_date_programme_and_calendars_as_they_were(
    app, day_of_two_slots
):
    """The sessions' calendar updates fail (here: injected at their INSERT into the outbox);
    the date's move must not be committed without them."""
    w, (a, _b) = day_of_two_slots
    with app.app_context():
        person = register(w.date_id, 1, None, by_staff=True)
        choices.choose(person, [w.session_ids[0], a], clock.now())
        date_before = db.session.get_one(EventDate, w.date_id).starts_at
        sessions_before = _starts(w.conference_id)
        outbox_before = _outbox()

    def fail(_conn, _cursor, statement: str, parameters, _context, _many) -> None:
        if "outbox_message" in statement and session_calendar.UPDATE in str(parameters):
            raise RuntimeError("the calendar update fails")

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", fail)
    try:
        with app.app_context(), pytest.raises(RuntimeError):
            service.update_conference(
                w.conference_id,
                service.ConferenceInput(
                    title="Regionalkonferenz Süd",
                    day=w.day + timedelta(days=2),
                    starts=time(9),
                    ends=time(17),
                    city="Ulm",
                    venue="Stadthaus Ulm",
                    description="",
                    capacity=200,
                ),
                _staff(),
                clock.now(),
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail)
    with app.app_context():
        assert db.session.get_one(EventDate, w.date_id).starts_at == date_before
        conference = db.session.get_one(Conference, w.conference_id)
        assert conference.starts_at == date_before
        assert _starts(w.conference_id) == sessions_before
        assert _outbox() == outbox_before  # no update of the day's invitation either


def _starts(conference_id: int) -> list[datetime]:
    return list(
        db.session.execute(
            sa.select(ConferenceSession.starts_at)
            .where(ConferenceSession.conference_id == conference_id)
            .order_by(ConferenceSession.id)
        ).scalars()
    )


def _outbox() -> list[str]:
    return list(
        db.session.execute(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).scalars()
    )
