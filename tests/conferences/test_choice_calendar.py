"""A workshop place reaches the person's calendar the moment it is theirs, and leaves it when
it goes: the choice service and the registration's life call the session calendar
(``choices.calendars_follow``). The calendar entries themselves are tested in
``tests/conferences_staff/test_session_calendar.py``; here, which mails the places cause."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock, tokens
from startsmart.conferences import choices, session_calendar, workshop_staff
from startsmart.conferences.models import (
    SessionChoice,
    SessionInvitationState,
)
from startsmart.extensions import db
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.staff.models import StaffUser
from workshop_support import calendar_mails, calendar_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

ACTIVE, CANCELLED = SessionInvitationState.ACTIVE, SessionInvitationState.CANCELLED


def _confirm(registration_id: int) -> None:
    now = clock.now()
    token = tokens.mint("registration", registration_id, now, now + timedelta(days=90))
    db.session.commit()
    registrations.confirm(token, now)


def test_a_place_reaches_the_calendar_when_confirmed_and_follows_every_change(app, smtp):
    w = make_workshops(app, capacities=(2, 2))
    first, second = w.session_ids
    with app.app_context():
        ann, ben, cem = (register(w.date_id, n, first) for n in (1, 2, 3))
        # Registered, not yet confirmed: a held place is no calendar entry.
        assert calendar_of(ann) == {} and calendar_mails(ann) == []

        _confirm(ann)
        assert calendar_of(ann) == {first: (ACTIVE, 0)}
        assert calendar_mails(ann) == [session_calendar.INVITATION]
        _confirm(cem)  # confirmed, but waiting for the workshop: nothing in the calendar
        assert calendar_of(cem) == {}

        # Ann changes to the other workshop: out of the first, into the second; Cem, first in
        # line, gets her place and, confirmed, its calendar entry.
        choices.change(
            db.session.get_one(Registration, ann), {"workshop_0": str(second)}, clock.now()
        )
        assert calendar_of(ann) == {first: (CANCELLED, 1), second: (ACTIVE, 0)}
        assert calendar_mails(ann) == [session_calendar.INVITATION, session_calendar.CANCELLED] + [
            session_calendar.INVITATION
        ]
        assert calendar_of(cem) == {first: (ACTIVE, 0)}

        # Ben confirms late: his place was held all along, now it is in his calendar.
        _confirm(ben)
        assert calendar_of(ben) == {first: (ACTIVE, 0)}

        # Staff move Ann back: the same entry comes back (same UID, SEQUENCE 2).
        staff = db.session.execute(sa.select(StaffUser)).scalars().first()
        choice_id = _choice_id(ann)
        workshop_staff.move(choice_id, first, staff, clock.now(), override=True)
        db.session.commit()
        assert calendar_of(ann) == {first: (ACTIVE, 2), second: (CANCELLED, 1)}

        # Cem cancels the conference: his workshop leaves his calendar too.
        now = clock.now()
        token = tokens.mint("registration", cem, now, now + timedelta(days=90))
        db.session.commit()
        registrations.cancel(token, now)
        assert calendar_of(cem) == {first: (CANCELLED, 1)}
        assert calendar_mails(cem)[-1] == session_calendar.CANCELLED


def _choice_id(registration_id: int) -> int:
    return db.session.execute(
        sa.select(SessionChoice.id).where(SessionChoice.registration_id == registration_id)
    ).scalar_one()
