"""The outbox loses nothing and sends nothing twice, against a real SMTP server on loopback."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from environment import DATABASE
from outbox_support import deliver_at
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import _claim, deliver_due, queue_mail
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def at(minutes: float):
    """``minutes`` after NOW."""
    return NOW + timedelta(minutes=minutes)


def queue(to: str = "kommune@beispielstadt.de", name: str = "Kim Kommune", **context) -> int:
    message = queue_mail(
        to=Recipient(email=to, name=name),
        template="staff_message",
        context={
            "subject": context.get("subject", "Hinweis zum Termin"),
            "text": context.get("text", "Der Raum hat sich geändert."),
        },
        now=NOW,
        reference="test:1",
    )
    db.session.commit()
    return message.id


def row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_committed_message_is_delivered(app, smtp):
    with app.app_context():
        message_id = queue()
        report = deliver_at(at(0))
        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        assert row(message_id).status is OutboxStatus.SENT
        assert row(message_id).sent_at == NOW
    [received] = smtp.to("kommune@beispielstadt.de")
    assert received["Subject"] == "Hinweis zum Termin"
    assert "Der Raum hat sich geändert." in received.get_body(("plain",)).get_content()


def test_rolled_back_message_is_never_sent(app, smtp):
    with app.app_context():
        queue_mail(
            to=Recipient("a@beispielstadt.de", "A"),
            template="staff_message",
            context={"subject": "S", "text": "T"},
            now=NOW,
        )
        db.session.rollback()
        assert deliver_at(at(0)).attempted == 0
        assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar() == 0
    assert smtp.received == []


def test_smtp_outage_keeps_the_message_and_delivers_it_when_the_server_is_back(app, smtp):
    smtp.stop()
    with app.app_context():
        message_id = queue()
        report = deliver_at(at(0))
        assert report.retrying == 1
        waiting = row(message_id)
        assert waiting.status is OutboxStatus.QUEUED
        assert waiting.next_attempt_at == NOW + timedelta(minutes=1)
        assert "not reachable" in waiting.last_error
        smtp.start()
        assert deliver_at(at(0.5)).attempted == 0  # not due yet: back-off holds
        assert deliver_at(at(1)).sent == 1
        assert deliver_at(at(60)).attempted == 0  # and never again
    assert len(smtp.to("kommune@beispielstadt.de")) == 1


def test_backoff_grows_and_ends_in_failed(app, smtp):
    smtp.stop()
    with app.app_context():
        message_id = queue()
        minutes, waits = 0.0, []
        for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
            deliver_at(at(minutes))
            message = row(message_id)
            if message.status is OutboxStatus.FAILED:
                break
            wait = (message.next_attempt_at - (NOW + timedelta(minutes=minutes))).total_seconds()
            waits.append(wait)
            minutes += wait / 60
        assert waits[:4] == [60, 300, 1800, 7200]
        assert row(message_id).status is OutboxStatus.FAILED
        assert row(message_id).attempts == app.config["OUTBOX_MAX_ATTEMPTS"]


def test_permanent_refusal_is_marked_failed_at_once_and_shown_to_staff(app, smtp, client):
    smtp.handler.refuse["unbekannt"] = "550 5.1.1 Mailbox unknown"
    with app.app_context():
        message_id = queue(to="unbekannt@beispielstadt.de")
        other_id = queue(to="bekannt@beispielstadt.de")
        report = deliver_at(at(0))
        assert (report.sent, report.failed) == (1, 1)
        failed = row(message_id)
        assert failed.status is OutboxStatus.FAILED and failed.attempts == 1
        assert failed.last_error == "550 5.1.1 Mailbox unknown"
        assert row(other_id).status is OutboxStatus.SENT
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get("/staff/postausgang/?status=failed"))
    assert "unbekannt@beispielstadt.de" in page and "550 5.1.1 Mailbox unknown" in page
    smtp.handler.refuse.clear()
    response = client.post(
        f"/staff/postausgang/{message_id}/erneut-senden",
        data={"csrf_token": csrf_token(client, "/staff/postausgang/")},
    )
    assert response.status_code == 302
    with app.app_context():
        deliver_due()
        assert row(message_id).status is OutboxStatus.SENT
    assert len(smtp.to("unbekannt@beispielstadt.de")) == 1


def test_a_dead_workers_claim_is_taken_over_after_the_lease(app, smtp):
    with app.app_context():
        message_id = queue()
        [claimed] = _claim(NOW, "worker-that-dies")  # claimed, then killed before sending
        assert claimed.id == message_id
        assert deliver_at(at(1), worker="rescuer").attempted == 0  # lease still running
        lease = app.config["OUTBOX_LEASE_SECONDS"] / 60
        assert deliver_at(at(lease + 1), worker="rescuer").sent == 1
        assert row(message_id).claimed_by == "rescuer"
    assert len(smtp.received) == 1


def test_one_smtp_connection_per_batch(app, smtp):
    with app.app_context():
        for number in range(25):
            queue(to=f"person{number}@beispielstadt.de")
        assert deliver_at(at(0)).sent == 25
    assert len(smtp.received) == 25
    assert smtp.handler.sessions == 1


def test_development_writes_every_message_as_eml(app, smtp, tmp_path):
    app.config["MAIL_FILE_DROP"] = True
    try:
        with app.app_context():
            message_id = queue()
            deliver_at(at(0))
    finally:
        app.config["MAIL_FILE_DROP"] = False

    drops = list((Path(app.instance_path) / "mail").glob(f"*-{message_id:06d}-staff_message.eml"))
    assert len(drops) == 1
    assert b"Subject: Hinweis zum Termin" in drops[0].read_bytes()


def test_cli_send_delivers_and_reports(app, smtp, runner):
    with app.app_context():
        queue()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert "sent 1, retrying later 0, failed 0" in result.output
    assert len(smtp.received) == 1


def test_two_workers_deliver_500_messages_exactly_once(app, smtp):
    with app.app_context():
        for number in range(500):
            queue_mail(
                to=Recipient(f"p{number}@beispielstadt.de", f"P {number}"),
                template="staff_message",
                context={"subject": f"Nr. {number}", "text": "x"},
                now=NOW,
            )
        db.session.commit()

    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with app.app_context():
                deliver_at(at(0), worker=name)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    subjects = [r.message["Subject"] for r in smtp.received]
    assert len(subjects) == 500 and len(set(subjects)) == 500
    with app.app_context():
        by_worker = dict(
            db.session.execute(
                sa.select(OutboxMessage.claimed_by, sa.func.count()).group_by(
                    OutboxMessage.claimed_by
                )
            ).all()
        )
        assert sum(by_worker.values()) == 500
        if DATABASE == "postgresql":  # SKIP LOCKED lets them work side by side
            assert set(by_worker) == {"worker-0", "worker-1"}
        assert (
            db.session.execute(
                sa.select(sa.func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
            ).scalar()
            == 0
        )
