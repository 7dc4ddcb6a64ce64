"""Staff actions on one registration (registrations.staff_actions), at the service: the seat a
staff cancellation frees goes to the first in line exactly once, also when several staff act at
the same moment; a resend is queued once however often it is asked for at once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from concurrency_support import all_at_once
from environment import DATABASE
from staff_support import register_person
from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.registrations import staff_actions
from startsmart.registrations.models import Consent, ConsentKind, Registration, RegistrationStatus
from startsmart.staff.models import Role, StaffUser
from support import make_date, make_staff


def team(app) -> int:
    return make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)


def actor() -> StaffUser:
    return db.session.execute(sa.select(StaffUser)).scalars().first()


def promoted(date_id: int) -> list[int]:
    return list(
        db.session.execute(
            sa.select(Registration.id).where(
                Registration.event_date_id == date_id, Registration.promoted_at.is_not(None)
            )
        ).scalars()
    )


def mails(kind: str) -> Counter:
    rows = db.session.execute(
        sa.select(OutboxMessage.reference).where(OutboxMessage.kind == kind)
    ).scalars()
    return Counter(rows)


def test_a_staff_cancel_promotes_once_and_a_second_one_is_refused(app, smtp):
    team(app)
    date_id = make_date(app, capacity=2)
    seated = [register_person(app, date_id, n) for n in range(2)]
    waiting = [register_person(app, date_id, n) for n in range(2, 5)]
    with app.app_context():
        staff_actions.cancel_on_request(seated[0], "Anruf", True, actor(), clock.now())
        assert promoted(date_id) == [waiting[0]]
        with pytest.raises(DomainError, match="bereits storniert"):
            staff_actions.cancel_on_request(seated[0], "nochmal", True, actor(), clock.now())
        db.session.rollback()
        assert promoted(date_id) == [waiting[0]]
        assert mails("registration_cancelled") == {f"registration:{seated[0]}": 1}
        assert mails("registration_invitation")[f"registration:{waiting[0]}"] == 1


def test_no_cancel_once_the_date_has_begun(app, smtp):
    team(app)
    date_id = make_date(app, starts_in=timedelta(minutes=30), closes_before=None)
    registration_id = register_person(app, date_id, 1)
    with app.app_context():
        later = clock.now() + timedelta(hours=1)
        with pytest.raises(DomainError, match="Teilnahme erfassen"):
            staff_actions.cancel_on_request(registration_id, "zu spät", True, actor(), later)
        db.session.rollback()
        status = db.session.get(Registration, registration_id).status
        assert status is RegistrationStatus.CONFIRMED


def test_consents_given_with_the_registration_follow_the_new_address(app, smtp):
    team(app)
    date_id = make_date(app)
    here = register_person(app, date_id, 1)
    other = register_person(app, make_date(app, starts_in=timedelta(days=20)), 1)
    with app.app_context():
        person_id = db.session.get(Registration, here).person_id
        for source in (here, other):
            db.session.add(
                Consent(
                    person_id=person_id,
                    kind=ConsentKind.NEWS,
                    given_at=clock.now(),
                    source=f"registration:{source}",
                )
            )
        db.session.commit()
        change = staff_actions.change_email(here, "kim@stadt.de", False, actor(), clock.now())
        assert (change.old, change.new, change.known_as, change.sent) == (
            "person1@kommune.de",
            "kim@stadt.de",
            None,
            None,
        )
        moved = db.session.get(Registration, here).person_id
        assert moved != person_id
        owners = dict(db.session.execute(sa.select(Consent.source, Consent.person_id)).all())
        assert owners == {f"registration:{here}": moved, f"registration:{other}": person_id}


# -- at the same moment (PostgreSQL: SQLite lets one writer in at a time anyway) ----------------


@pytest.mark.skipif(DATABASE != "postgresql", reason="SQLite serialises every writer anyway")
def test_five_staff_cancel_the_same_registration_at_once(app, smtp):
    staff_id = team(app)
    date_id = make_date(app, capacity=1)
    seated = register_person(app, date_id, 1)
    waiting = [register_person(app, date_id, n) for n in range(2, 5)]
    now = clock.now()

    def cancel(number: int):
        return staff_actions.cancel_on_request(
            seated, f"Anruf {number}", True, db.session.get(StaffUser, staff_id), now
        ).id

    results = all_at_once(app, cancel, 5)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert results.count(seated) == 1 and len(refused) == 4, results
    assert all("bereits storniert" in r.message for r in refused)
    with app.app_context():
        assert promoted(date_id) == [waiting[0]]
        assert mails("registration_cancelled") == {f"registration:{seated}": 1}


@pytest.mark.skipif(DATABASE != "postgresql", reason="SQLite serialises every writer anyway")
def test_three_cancelled_at_once_move_up_exactly_three(app, smtp):
    staff_id = team(app)
    date_id = make_date(app, capacity=3)
    seated = [register_person(app, date_id, n) for n in range(3)]
    waiting = [register_person(app, date_id, n) for n in range(3, 8)]
    now = clock.now()

    def cancel(number: int):
        user = db.session.get(StaffUser, staff_id)
        return staff_actions.cancel_on_request(seated[number], "Anruf", True, user, now).id

    results = all_at_once(app, cancel, 3)
    assert sorted(results) == sorted(seated), results
    with app.app_context():
        assert sorted(promoted(date_id)) == sorted(waiting[:3])
        invited = mails("registration_invitation")
        assert all(invited[f"registration:{w}"] == 1 for w in waiting[:3])


@pytest.mark.skipif(DATABASE != "postgresql", reason="SQLite serialises every writer anyway")
def test_a_double_click_on_resend_queues_one_mail(app, smtp):
    staff_id = team(app)
    date_id = make_date(app)
    registration_id = register_person(app, date_id, 1)
    later = clock.now() + timedelta(minutes=10)

    def resend(number: int):
        return staff_actions.resend(registration_id, db.session.get(StaffUser, staff_id), later)

    results = all_at_once(app, resend, 4)
    assert len([r for r in results if isinstance(r, staff_actions.Sent)]) == 1, results
    assert all("ging erst um" in r.message for r in results if isinstance(r, DomainError))
    with app.app_context():
        assert mails("registration_invitation") == {f"registration:{registration_id}": 2}
