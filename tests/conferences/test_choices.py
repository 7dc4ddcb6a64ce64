"""Choosing workshops through the service: places, the waiting list in order of choice,
promotion exactly once with one mail, changes until the deadline, cancelling, staff moves,
check-in, and refusals of what no form offers."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart import clock, tokens
from startsmart.audit.models import AuditEvent
from startsmart.conferences import choices, programme, workshop_staff
from startsmart.conferences.models import (
    ChoiceStatus,
    Conference,
    ConferenceSession,
    SessionChoice,
)
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import StaffUser
from workshop_support import applicant, choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING


def _token(registration_id: int) -> str:
    now = clock.now()
    token = tokens.mint("registration", registration_id, now, now + timedelta(days=90))
    db.session.commit()
    return token


def _promotion_mails(registration_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "workshop_promoted",
            OutboxMessage.reference == f"registration:{registration_id}",
        )
    ).scalar_one()


def _staff() -> StaffUser:
    return db.session.execute(sa.select(StaffUser)).scalars().first()


def test_the_first_get_places_the_rest_wait_in_the_order_they_chose(app, smtp):
    w = make_workshops(app, capacities=(3, 3))
    first = w.session_ids[0]
    with app.app_context():
        ids = [register(w.date_id, n, first) for n in range(1, 6)]
        assert choices_of(first) == [(i, SEATED) for i in ids[:3]] + [(i, WAITING) for i in ids[3:]]
        assert choices.free_places(choices.offered(w.conference_id)) == {
            first: 0,
            w.session_ids[1]: 3,
        }
        queue = [
            choices.of_registration(i, choices.offered(w.conference_id))[0].position for i in ids
        ]
        assert queue == [None, None, None, 1, 2]


def test_a_cancellation_promotes_the_first_in_line_once_with_one_mail(app, smtp):
    w = make_workshops(app, capacities=(3, 3))
    first = w.session_ids[0]
    with app.app_context():
        ids = [register(w.date_id, n, first) for n in range(1, 6)]
        registrations.cancel(_token(ids[0]), clock.now())
        assert choices_of(first) == [(i, SEATED) for i in ids[1:4]] + [(ids[4], WAITING)]
        # Anything later that settles the session promotes nobody twice.
        registrations.cancel(_token(ids[1]), clock.now())
        assert choices_of(first) == [(i, SEATED) for i in ids[2:5]]
        assert [_promotion_mails(i) for i in ids] == [0, 0, 0, 1, 1]
        promoted = db.session.execute(
            sa.select(SessionChoice.promoted_at).where(SessionChoice.registration_id == ids[3])
        ).scalar_one()
        assert promoted is not None
        deliver_at(clock.now() + timedelta(minutes=1))
    mail = smtp.to("person4@kommune.de")[-1]
    assert "Ein Platz ist frei: Workshop 1" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "10:30 bis 12:00 Uhr" in body and "Raum 1" in body


def test_the_promotion_mail_names_the_workshop_in_the_registrant_s_language(app, smtp):
    w = make_workshops(app, capacities=(1, 3))
    first = w.session_ids[0]
    with app.app_context():
        db.session.get_one(ConferenceSession, first).title_en = "Workshop one"
        db.session.commit()
        seated = register(w.date_id, 1, first)
        english, german = (
            registrations.register(
                w.date_id,
                replace(applicant(n), locale=locale, workshops={"workshop_0": str(first)}),
                clock.now(),
            ).registration_id
            for n, locale in ((2, "en"), (3, "de"))
        )
        assert choices_of(first) == [(seated, SEATED), (english, WAITING), (german, WAITING)]
        registrations.cancel(_token(seated), clock.now())  # the English registrant moves up
        registrations.cancel(_token(english), clock.now())  # then the German one
        assert choices_of(first) == [(german, SEATED)]
        deliver_at(clock.now() + timedelta(minutes=1))
    to_english, to_german = (_place_free_mail(smtp, n) for n in (2, 3))
    assert to_english["Subject"] == "A place is free: Workshop one"
    body = to_english.get_body(("plain",)).get_content()
    assert "Workshop one" in body and "Workshop 1" not in body
    assert to_german["Subject"] == "Ein Platz ist frei: Workshop 1"
    body = to_german.get_body(("plain",)).get_content()
    assert "Workshop 1" in body and "Workshop one" not in body


def _place_free_mail(smtp, number: int):
    """Person ``number``'s one mail that a place in a workshop is theirs, in either language."""
    mails = [
        m
        for m in smtp.to(f"person{number}@kommune.de")
        if m["Subject"].startswith(("A place is free:", "Ein Platz ist frei:"))
    ]
    assert len(mails) == 1, [m["Subject"] for m in smtp.to(f"person{number}@kommune.de")]
    return mails[0]


def test_a_changed_choice_frees_the_old_place_and_queues_at_the_end(app, smtp):
    w = make_workshops(app, capacities=(2, 2))
    one, two = w.session_ids
    with app.app_context():
        a, b, c = (register(w.date_id, n, one) for n in (1, 2, 3))
        d, e = (register(w.date_id, n, two) for n in (4, 5))
        registration = db.session.get_one(Registration, a)
        changed = choices.change(registration, {"workshop_0": str(two)}, clock.now())
        assert changed == 1
        assert choices_of(one) == [(b, SEATED), (c, SEATED)]  # c moved up
        assert choices_of(two) == [(d, SEATED), (e, SEATED), (a, WAITING)]
        assert _promotion_mails(c) == 1
        # The same choice again keeps the place in the queue.
        choices.change(registration, {"workshop_0": str(two)}, clock.now())
        assert choices_of(two) == [(d, SEATED), (e, SEATED), (a, WAITING)]


def test_no_changes_after_the_deadline(app, smtp, travel):
    w = make_workshops(app, capacities=(2, 2), days=3)
    with app.app_context():
        a = register(w.date_id, 1, w.session_ids[0])
        conference = db.session.get_one(Conference, w.conference_id)
        limit = choices.deadline(conference)
        assert limit == choices.default_deadline(conference.starts_at)
    travel.move_to(limit)
    with app.app_context():
        registration = db.session.get_one(Registration, a)
        with pytest.raises(DomainError, match="Workshopwahl ist geschlossen"):
            choices.change(registration, {"workshop_0": str(w.session_ids[1])}, clock.now())
        db.session.rollback()
        assert choices_of(w.session_ids[0]) == [(a, SEATED)]


def test_the_default_deadline_is_2359_berlin_the_day_before(app):
    w = make_workshops(app)
    with app.app_context():
        conference = db.session.get_one(Conference, w.conference_id)
        limit = choices.deadline(conference)
    berlin = limit.astimezone(clock.BERLIN)
    assert (berlin.date(), berlin.hour, berlin.minute) == (w.day - timedelta(days=1), 23, 59)


@pytest.mark.parametrize(
    "values, message",
    [
        ({}, "Bitte wählen Sie einen der Programmpunkte"),
        ({"workshop_0": ""}, "Bitte wählen Sie einen der Programmpunkte"),
        ({"workshop_0": "abc"}, "gibt es in diesem Zeitfenster nicht"),
        ({"workshop_0": "99999999999999999999"}, "gibt es in diesem Zeitfenster nicht"),
        ({"workshop_0": "-1"}, "gibt es in diesem Zeitfenster nicht"),
    ],
)
def test_a_registration_with_a_bad_choice_is_refused_and_nothing_is_written(
    app, smtp, values, message
):
    w = make_workshops(app)
    with app.app_context():
        with pytest.raises(DomainError, match=message) as refused:
            registrations.register(
                w.date_id,
                registrations.Applicant(**{**applicant(1).__dict__, "workshops": values}),
                clock.now(),
            )
        assert refused.value.field == "workshop_0"
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0


def test_sessions_of_another_conference_or_of_no_choice_are_refused(app, smtp):
    w = make_workshops(app)
    other = make_workshops(app, towns=0)
    with app.app_context():
        a = register(w.date_id, 1, w.session_ids[0])
        for wrong in (other.session_ids[0], w.plenary_id):
            with pytest.raises(DomainError, match="gibt es in diesem Zeitfenster nicht"):
                choices.change(
                    db.session.get_one(Registration, a), {"workshop_0": str(wrong)}, clock.now()
                )
            db.session.rollback()
            with pytest.raises(DomainError, match="keiner Auswahl dieser Regionalkonferenz"):
                choices.choose(a, [wrong], clock.now())
            db.session.rollback()
        with pytest.raises(DomainError, match="je Zeitfenster nur einen"):
            choices.choose(a, w.session_ids, clock.now())
        db.session.rollback()
        assert choices_of(w.session_ids[0]) == [(a, SEATED)]
        assert choices_of(w.session_ids[1]) == []


def test_a_cancelled_registration_cannot_choose(app, smtp):
    w = make_workshops(app)
    with app.app_context():
        a = register(w.date_id, 1, w.session_ids[0])
        registrations.cancel(_token(a), clock.now())
        assert choices_of(w.session_ids[0]) == []
        with pytest.raises(DomainError, match="nicht mehr aktiv"):
            choices.choose(a, [w.session_ids[1]], clock.now())


def test_an_expired_hold_gives_its_workshop_place_to_the_next(app, smtp, travel):
    w = make_workshops(app, capacities=(1, 1))
    one = w.session_ids[0]
    with app.app_context():
        a, b = (register(w.date_id, n, one) for n in (1, 2))
        assert choices_of(one) == [(a, SEATED), (b, WAITING)]
    travel.shift(timedelta(days=3))  # nobody confirmed: the holds run out
    with app.app_context():
        registrations.expire_all(clock.now())
        assert db.session.get_one(Registration, a).status is RegistrationStatus.EXPIRED
        # b's hold ran out too: nobody is left to promote, and nothing counts twice.
        assert choices_of(one) == []


def test_staff_move_someone_within_the_slot_and_it_is_logged(app, smtp):
    w = make_workshops(app, capacities=(2, 1))
    one, two = w.session_ids
    with app.app_context():
        a, b, c = (register(w.date_id, n, one) for n in (1, 2, 3))
        d = register(w.date_id, 4, two)
        choice_a = db.session.execute(
            sa.select(SessionChoice.id).where(SessionChoice.registration_id == a)
        ).scalar_one()
        with pytest.raises(DomainError, match="ist voll") as full:
            workshop_staff.move(choice_a, two, _staff(), clock.now())
        assert full.value.field == "target"
        db.session.rollback()
        assert choices_of(one) == [(a, SEATED), (b, SEATED), (c, WAITING)]

        workshop_staff.move(choice_a, two, _staff(), clock.now(), override=True)
        assert choices_of(two) == [(d, SEATED), (a, SEATED)]  # beyond its place: staff said so
        assert choices_of(one) == [(b, SEATED), (c, SEATED)]
        assert _promotion_mails(c) == 1
        event = db.session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "conference.choice_moved")
        ).scalar_one()
        assert event.details["beyond_capacity"] is True
        assert event.subject == f"registration:{a}"


def test_staff_move_only_within_the_slot(app, smtp):
    w = make_workshops(app)
    other = make_workshops(app, towns=0)
    with app.app_context():
        a = register(w.date_id, 1, w.session_ids[0])
        choice_a = db.session.execute(sa.select(SessionChoice.id)).scalar_one()
        for target in (w.plenary_id, other.session_ids[1], w.session_ids[0], 10**9):
            with pytest.raises(DomainError):
                workshop_staff.move(choice_a, target, _staff(), clock.now(), override=True)
            db.session.rollback()
        assert choices_of(w.session_ids[0]) == [(a, SEATED)]


def test_check_in_on_the_day_of_the_workshop(app, smtp, travel):
    w = make_workshops(app, capacities=(1, 1), days=2)
    one = w.session_ids[0]
    with app.app_context():
        a, b = (register(w.date_id, n, one) for n in (1, 2))
        seated, waiting = db.session.execute(
            sa.select(SessionChoice.id).order_by(SessionChoice.chosen_at)
        ).scalars()
        with pytest.raises(DomainError, match="erst am Tag"):
            workshop_staff.check_in(one, {seated}, _staff(), clock.now())
        db.session.rollback()
    with app.app_context():
        travel.move_to(db.session.get_one(Conference, w.conference_id).starts_at)
        with pytest.raises(DomainError, match="keinen Platz"):
            workshop_staff.check_in(one, {waiting}, _staff(), clock.now())
        db.session.rollback()
        assert workshop_staff.check_in(one, {seated}, _staff(), clock.now()) == 1
        assert db.session.get_one(SessionChoice, seated).checked_in_at is not None
        assert workshop_staff.check_in(one, set(), _staff(), clock.now()) == 1
        assert db.session.get_one(SessionChoice, seated).checked_in_at is None


def test_more_places_move_the_first_in_line_up_and_fewer_than_taken_are_refused(app, smtp):
    w = make_workshops(app, capacities=(1, 1))
    one = w.session_ids[0]
    with app.app_context():
        a, b, c = (register(w.date_id, n, one) for n in (1, 2, 3))
        session = db.session.get_one(ConferenceSession, one)
        data = programme.SessionInput(
            session.kind, session.title, w.day, time(10, 30), time(12), room="Raum 1", capacity=2
        )
        programme.change_session(one, data, _staff(), clock.now())
        assert choices_of(one) == [(a, SEATED), (b, SEATED), (c, WAITING)]
        assert _promotion_mails(b) == 1
        with pytest.raises(DomainError, match="2 Plätze sind schon vergeben") as refused:
            programme.change_session(one, replace(data, capacity=1), _staff(), clock.now())
        assert refused.value.field == "capacity"
        db.session.rollback()
        with pytest.raises(DomainError, match="2 Plätze sind schon vergeben"):
            programme.change_session(one, replace(data, capacity=None), _staff(), clock.now())
