"""The demo's history: after `flask demo load` every staff page has something to show — past
dates with attendance, a full date with its waiting list, consultations in every state, today's
conference with check-in and plan, and mail that went out, failed or waits — at any moment."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from startsmart import clock
from startsmart.catalog.models import EventDate, Offering, OfferingFormat
from startsmart.clock import BERLIN
from startsmart.conferences.models import Conference
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.invitations.models import DeliveryAttempt, OutboxMessage, OutboxStatus
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from support import login, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


@pytest.fixture
def demo(app, runner, client, smtp):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    login(client, "admin@kts.example", "demo-leitung-startsmart")
    return client


def _fact(page: str, term: str) -> str:
    return re.search(rf"<dt>{term}</dt>\s*<dd>([^<]*)</dd>", page).group(1).strip()


def test_loading_sends_no_mail_and_leaves_a_consistent_history(app, demo, smtp):
    now = clock.now()
    assert smtp.received == []  # the outbox holds the mail; nothing was sent
    with app.app_context():
        past = (
            db.session.execute(
                sa.select(Registration).join(EventDate).where(EventDate.ends_at < now)
            )
            .scalars()
            .all()
        )
        marks = {r.attendance for r in past}
        assert {Attendance.ATTENDED, Attendance.NO_SHOW} <= marks
        states = set(db.session.execute(sa.select(Consultation.status)).scalars())
        assert states == set(ConsultationStatus)
        held = (
            db.session.execute(
                sa.select(Consultation).where(
                    Consultation.status == ConsultationStatus.CONFIRMED, Consultation.ends_at < now
                )
            )
            .scalars()
            .all()
        )
        assert len(held) == 2 and sum(c.follow_up_sent_at is not None for c in held) == 1
        # every message's attempts are counted on it, the last one says its state
        for message in db.session.execute(sa.select(OutboxMessage)).scalars():
            attempts = (
                db.session.execute(
                    sa.select(DeliveryAttempt)
                    .where(DeliveryAttempt.message_id == message.id)
                    .order_by(DeliveryAttempt.number)
                )
                .scalars()
                .all()
            )
            assert [a.number for a in attempts] == list(range(1, message.attempts + 1))
            assert all(a.at <= now for a in attempts)
            if message.status is OutboxStatus.SENT:
                assert attempts[-1].outcome.value == "sent" and message.raw
            if message.status is OutboxStatus.QUEUED:
                assert message.next_attempt_at > now or not attempts


def test_a_full_date_shows_its_waiting_list_and_a_past_one_its_attendance(app, demo):
    with app.app_context():
        full = db.session.execute(sa.select(EventDate).where(EventDate.capacity == 8)).scalar_one()
        waiting = db.session.execute(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.event_date_id == full.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
        ).scalar()
        past = (
            db.session.execute(
                sa.select(EventDate.id)
                .join(Offering)
                .where(
                    EventDate.ends_at < clock.now(), Offering.format != OfferingFormat.CONFERENCE
                )
                .order_by(EventDate.starts_at)
            )
            .scalars()
            .all()
        )
    assert waiting == 3 and len(past) == 2
    page = text(demo.get(f"/staff/termine/{full.id}"))
    assert _fact(page, "Warteliste") == "3"
    assert page.count("<td>Warteliste</td>") == 3 and "unbestätigt" in page
    first = text(demo.get(f"/staff/termine/{past[0]}"))
    assert first.count("<td>nicht erschienen</td>") == 2
    assert first.count("<td>teilgenommen</td>") == 6
    assert "Teilnahme erfassen" in first


def test_consultations_page_shows_every_state_and_an_overdue_follow_up(app, demo):
    page = text(demo.get("/staff/beratungen/?alle=1"))
    overdue = page.split("Follow-up überfällig", 1)[1].split("</table>", 1)[0]
    assert "Detmold" in overdue and "Köln" not in overdue
    for label in ("unbestätigt", "bestätigt"):
        assert f"<td>{label}</td>" in page, label
    with app.app_context():
        ids = dict(
            db.session.execute(
                sa.select(Consultation.status, Consultation.id).where(
                    Consultation.status.in_(
                        [ConsultationStatus.CANCELLED, ConsultationStatus.EXPIRED]
                    )
                )
            ).all()
        )
    cancelled = text(demo.get(f"/staff/beratungen/{ids[ConsultationStatus.CANCELLED]}"))
    assert "Iserlohn" in cancelled and "Abgesagt:" in cancelled and "storniert" in cancelled
    expired = text(demo.get(f"/staff/beratungen/{ids[ConsultationStatus.EXPIRED]}"))
    assert "Amt Süderbrarup" in expired and "verfallen" in expired


def test_todays_conference_has_check_ins_walk_ins_and_a_plan_with_rounds(app, demo):
    with app.app_context():
        conference = db.session.execute(
            sa.select(Conference).where(Conference.city == "Guben")
        ).scalar_one()
        assert (
            conference.starts_at.astimezone(BERLIN).date() == clock.now().astimezone(BERLIN).date()
        )
    base = f"/staff/regionalkonferenzen/{conference.id}/speed-dating"
    check_in = text(demo.get(f"{base}/check-in"))
    assert "14 Personen sind als anwesend markiert." in check_in
    assert "Doreen Lehmann" in text(demo.get(f"{base}/check-in?q=Doreen"))
    board = text(demo.get(base))
    assert "Präsentation für den Beamer öffnen" in board
    tables = text(demo.get(f"{base}/tische"))
    rounds = re.findall(r"<th scope=\"row\">\s*(\d+)\s*</th>", tables)
    assert rounds and max(map(int, rounds)) >= 3
    assert demo.get(f"{base}/praesentation").status_code == 200


def test_the_outbox_shows_failed_and_waiting_mail_with_its_attempts(app, demo):
    failed = text(demo.get("/staff/postausgang/?status=failed"))
    paths = re.findall(r'href="(/staff/postausgang/\d+)"', failed)
    assert len(paths) == 2
    pages = [text(demo.get(path)) for path in paths]
    assert any(
        "550 5.1.1 Recipient address rejected" in page and "dauerhafter Fehler" in page
        for page in pages
    )
    assert any(page.count("<td>vorübergehender Fehler</td>") == 8 for page in pages)
    waiting = text(demo.get("/staff/postausgang/?status=queued"))
    assert "Greylisted" in waiting and "nächster Versuch" in waiting
