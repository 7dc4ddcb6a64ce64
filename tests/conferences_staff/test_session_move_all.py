"""A workshop people hold places in or wait for, deleted in one step: everybody moves to
another workshop of the same time slot in the order they chose (those with a place first,
then the waiting list), each as a staff move would (a place while one is free, then the end
of the waiting list), the calendars follow, and the workshop goes. All of it or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.conferences import session_calendar
from startsmart.conferences.models import (
    ChoiceStatus,
    ConferenceSession,
    SessionChoice,
    SessionInvitation,
    SessionInvitationState,
)
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from support import shown, submit, text
from workshop_support import calendar_mails, calendar_of, choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive  # the conference is days ahead of every moment

SEATED, WAITING = ChoiceStatus.SEATED, ChoiceStatus.WAITING
ACTIVE, CANCELLED = SessionInvitationState.ACTIVE, SessionInvitationState.CANCELLED
INVITATION, CANCEL = session_calendar.INVITATION, session_calendar.CANCELLED


@pytest.fixture
def world(app, team):
    """Workshop 1 (2 places): persons 1 and 2 seated, 3 and 4 waiting; workshop 2 (2 places):
    person 5 seated, so one place is free (all confirmed)."""
    w = make_workshops(app, capacities=(2, 2))
    with app.app_context():
        ids = [register(w.date_id, n, w.session_ids[0], by_staff=True) for n in (1, 2, 3, 4)]
        other = register(w.date_id, 5, w.session_ids[1], by_staff=True)
    return w, ids, other


def _delete(w, session_id: int) -> str:
    return f"/staff/regionalkonferenzen/{w.conference_id}/programm/{session_id}/loeschen"


@pytest.fixture
def move_all(team):
    def send(w, session_id: int, **data):
        page = _delete(w, session_id)
        return submit(team, page, data, action=f"{page}/alle-verschieben")

    return send


def _exists(session_id: int) -> bool:
    return db.session.get(ConferenceSession, session_id) is not None


def _snapshot() -> tuple:
    """Everything a failed attempt must leave as it was."""
    return tuple(
        tuple(db.session.execute(sa.select(*columns).order_by(columns[0])).all())
        for columns in (
            (ConferenceSession.id, ConferenceSession.title),
            (OutboxMessage.id, OutboxMessage.kind, OutboxMessage.reference),
            (AuditEvent.id, AuditEvent.action),
            (
                SessionChoice.id,
                SessionChoice.session_id,
                SessionChoice.status,
                SessionChoice.chosen_at,
            ),
            (
                SessionInvitation.id,
                SessionInvitation.session_id,
                SessionInvitation.state,
                SessionInvitation.ical_sequence,
            ),
        )
    )


def test_the_page_offers_the_other_workshops_of_the_slot(app, team, world):
    w, _ids, _other = world
    first, second = w.session_ids
    html = text(team.get(_delete(w, first)))
    assert "Plätze vergeben: 2, auf der Warteliste: 2" in html
    assert f'action="{_delete(w, first)}/alle-verschieben"' in html
    options = html[html.index('<select id="target"') : html.index("</select>")]
    assert f'value="{second}"' in options and "Workshop 2" in options
    assert f'value="{first}"' not in options and f'value="{w.plenary_id}"' not in options
    assert "Auch über die Platzzahl hinaus" in html


def test_everybody_moves_in_order_seated_while_places_are_free_then_the_workshop_goes(
    app, team, world, move_all
):
    w, (p1, p2, p3, p4), other = world
    first, second = w.session_ids
    response = move_all(w, first, target=str(second), confirm="y")
    assert response.status_code == 302, text(response)
    page = shown(team.get(response.headers["Location"]))
    assert (
        "Der Programmpunkt „Workshop 1“ ist gelöscht. Nach „Workshop 2“ verschoben: "
        "1 mit Platz, 3 auf der Warteliste." in page
    )
    with app.app_context():
        assert not _exists(first)
        # The one free place goes to the first who had a place; the rest queue in their order,
        # behind nobody who waited for workshop 2 before them (nobody did).
        assert choices_of(second) == [
            (other, SEATED),
            (p1, SEATED),
            (p2, WAITING),
            (p3, WAITING),
            (p4, WAITING),
        ]
        # Calendars as for a staff move: out of workshop 1 (same entry, SEQUENCE + 1), into
        # workshop 2 for the one with a place; a waiting place is no calendar entry.
        assert calendar_of(p1) == {None: (CANCELLED, 1), second: (ACTIVE, 0)}
        assert calendar_mails(p1) == [INVITATION, CANCEL, INVITATION]
        assert calendar_of(p2) == {None: (CANCELLED, 1)}
        assert calendar_mails(p2) == [INVITATION, CANCEL]
        assert calendar_of(p3) == {} and calendar_mails(p3) == []
        assert calendar_mails(other) == [INVITATION]
        # Nobody of the deleted workshop was promoted in it on the way (no mail for that).
        promoted = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.kind == "workshop_promoted"
            )
        ).scalar_one()
        assert promoted == 0
        events = {
            event.action: event
            for event in db.session.execute(
                sa.select(AuditEvent).where(AuditEvent.action.like("conference.%"))
            ).scalars()
        }
        deleted = events["conference.session_deleted"]
        assert (deleted.details["target"], deleted.details["seated"]) == (second, 1)
        assert deleted.details["waiting"] == 3
        moved = db.session.execute(
            sa.select(AuditEvent.subject, AuditEvent.details)
            .where(AuditEvent.action == "conference.choice_moved")
            .order_by(AuditEvent.id)
        ).all()
        assert [subject for subject, _ in moved] == [f"registration:{p}" for p in (p1, p2, p3, p4)]
        assert [details["status"] for _, details in moved] == ["seated"] + ["waiting"] * 3


def test_beyond_the_places_everybody_is_seated(app, team, world, move_all):
    w, (p1, p2, p3, p4), other = world
    first, second = w.session_ids
    response = move_all(w, first, target=str(second), override="y", confirm="y")
    assert response.status_code == 302, text(response)
    assert "4 mit Platz, 0 auf der Warteliste" in shown(team.get(response.headers["Location"]))
    with app.app_context():
        assert choices_of(second) == [(other, SEATED)] + [(p, SEATED) for p in (p1, p2, p3, p4)]
        # Those who waited for workshop 1 now have a place: it reaches their calendar.
        assert calendar_of(p3) == {second: (ACTIVE, 0)}
        assert calendar_of(p1) == {None: (CANCELLED, 1), second: (ACTIVE, 0)}


@pytest.mark.parametrize("target", ["plenary", "itself", "elsewhere", "", "abc", "99999999999"])
def test_only_into_another_workshop_of_the_same_slot(app, team, world, move_all, target):
    w, ids, other = world
    first, second = w.session_ids
    elsewhere = make_workshops(app, towns=0).session_ids[1]
    value = {
        "plenary": str(w.plenary_id),
        "itself": str(first),
        "elsewhere": str(elsewhere),
    }.get(target, target)
    with app.app_context():
        before = _snapshot()
    response = move_all(w, first, target=value, confirm="y")
    assert response.status_code == 200
    assert 'class="error-summary"' in text(response)
    with app.app_context():
        assert _snapshot() == before
        assert choices_of(first) == [(ids[0], SEATED), (ids[1], SEATED)] + [
            (ids[2], WAITING),
            (ids[3], WAITING),
        ]
        assert choices_of(second) == [(other, SEATED)]


def test_without_the_confirmation_nothing_happens(app, team, world, move_all):
    w, ids, _other = world
    first, second = w.session_ids
    with app.app_context():
        before = _snapshot()
    response = move_all(w, first, target=str(second))
    assert response.status_code == 200
    assert "Bitte bestätigen Sie" in text(response)
    with app.app_context():
        assert _snapshot() == before


def test_a_failure_half_way_leaves_everything_as_it_was(app, team, world, move_all):
    """The calendar invitation into workshop 2 fails at its INSERT into the outbox, after the
    first person was moved and her workshop 1 entry cancelled: nothing of it may stay."""
    w, ids, other = world
    first, second = w.session_ids
    with app.app_context():
        before = _snapshot()
        engine = db.engine

    def fail(_conn, _cursor, statement: str, parameters, _context, _many) -> None:
        if "outbox_message" in statement and INVITATION in str(parameters):
            raise RuntimeError("the calendar invitation fails")

    sa.event.listen(engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError):
            move_all(w, first, target=str(second), confirm="y")
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail)
    with app.app_context():
        assert _snapshot() == before
        assert _exists(first)
        assert choices_of(first) == [(ids[0], SEATED), (ids[1], SEATED)] + [
            (ids[2], WAITING),
            (ids[3], WAITING),
        ]
        assert choices_of(second) == [(other, SEATED)]
        assert calendar_of(ids[0]) == {first: (ACTIVE, 0)}


def test_without_another_workshop_in_the_slot_it_stays_as_before(app, team, move_all):
    """Workshop 2 is not limited any more: nothing to choose at 10:30, nowhere to move to."""
    w = make_workshops(app, capacities=(2, 5))
    first, second = w.session_ids
    with app.app_context():
        person = register(w.date_id, 1, first, by_staff=True)
        session = db.session.get_one(ConferenceSession, second)
        session.capacity = None
        db.session.commit()
    html = text(team.get(_delete(w, first)))
    assert "Plätze vergeben: 1, auf der Warteliste: 0" in html
    assert "keinen anderen Programmpunkt mit Plätzen" in html
    assert "alle-verschieben" not in html
    response = move_all(w, first, target=str(second), confirm="y")
    assert response.status_code == 200
    assert "desselben Zeitfensters" in text(response)
    with app.app_context():
        assert _exists(first) and choices_of(first) == [(person, SEATED)]


def test_who_lost_a_place_to_the_waiting_list_is_told_where_they_wait(
    app, team, world, move_all, smtp
):
    """The one moved from a place onto the waiting list of workshop 2 gets, with the removal
    from their calendar, the line they now wait in and their place in it."""
    w, (_p1, _p2, _p3, _p4), _other = world
    first, second = w.session_ids
    assert move_all(w, first, target=str(second), confirm="y").status_code == 302
    with app.app_context():
        deliver_at(clock.now() + timedelta(minutes=1))
    cancel = next(m for m in smtp.to("person2@kommune.de") if "Entfernt" in m["Subject"])
    body = cancel.get_body(("plain",)).get_content()
    assert "Warteliste für „Workshop 2“ zur selben Zeit (Platz 1)" in body
    # Who moved with a place is not told of any waiting list.
    removed = next(m for m in smtp.to("person1@kommune.de") if "Entfernt" in m["Subject"])
    assert "Warteliste" not in removed.get_body(("plain",)).get_content()
    # Who waited for workshop 1 and waits for workshop 2 now has no calendar entry to follow:
    # a mail of its own says where they wait, behind the one who lost a place.
    for number, place in ((3, 2), (4, 3)):
        (moved,) = smtp.to(f"person{number}@kommune.de")[-1:]
        assert moved["Subject"] == "Ihre Warteliste: Workshop 2"
        body = moved.get_body(("plain",)).get_content()
        assert "„Workshop 1“, für den Sie auf der Warteliste standen, findet nicht statt" in body
        assert f"Sie sind dort Nummer {place}." in body
