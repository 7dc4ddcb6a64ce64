"""A worker's claim on its batch (the lease) against workers that are slow, not dead.

A claim lasts ``OUTBOX_LEASE_SECONDS``; after that another worker may take the rows over. A
worker that is merely slow (a sluggish relay, a paused process) must neither lose rows it is
still sending to a colleague, nor send rows a colleague has taken over meanwhile: either way
the message would go out twice.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from outbox_support import deliver_at
from smtp_sink import SinkHandler
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import (
    DeliveryReport,
    _claim,
    _send_batch,
    deliver_due,
    queue_mail,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def queue(count: int) -> None:
    for number in range(count):
        queue_mail(
            to=Recipient(f"p{number}@beispielstadt.de", f"P {number}"),
            template="staff_message",
            context={"subject": f"Nr. {number}", "text": "x"},
            now=NOW,
        )
    db.session.commit()


def slow_down(monkeypatch, handler: SinkHandler, seconds: float) -> None:
    """The relay takes ``seconds`` to accept each message."""
    accept = handler.handle_DATA

    async def slow(server, session, envelope):
        await asyncio.sleep(seconds)
        return await accept(server, session, envelope)

    monkeypatch.setattr(handler, "handle_DATA", slow)


def subjects(smtp) -> list[str]:
    return [r.message["Subject"] for r in smtp.received]


def test_a_worker_paused_past_its_lease_does_not_send_what_another_took_over(app, smtp):
    lease = app.config["OUTBOX_LEASE_SECONDS"]
    with app.app_context():
        queue(3)
        claimed = _claim(NOW, "paused")  # then the process stops (SIGSTOP, a VM pause) ...
        assert len(claimed) == 3
        later = NOW + timedelta(seconds=lease + 60)
        assert deliver_at(later, worker="rescuer").sent == 3
        # ... and wakes up with its old batch in hand.
        report = DeliveryReport()
        with time_machine.travel(later + timedelta(seconds=1), tick=False):
            _send_batch(claimed, "paused", report)
        assert report.attempted == 0
        rows = db.session.execute(sa.select(OutboxMessage)).scalars().all()
        assert {(r.status, r.claimed_by) for r in rows} == {(OutboxStatus.SENT, "rescuer")}
    assert sorted(subjects(smtp)) == ["Nr. 0", "Nr. 1", "Nr. 2"]


def test_a_batch_slower_than_the_lease_keeps_its_claim(app, smtp, monkeypatch):
    # 10 messages at 0.3 s each: the batch needs 3 s or more, the lease is 2 s. Renewed when
    # less than 1 s is left, so a message may take 1 s before the lease could run out.
    before = {k: app.config[k] for k in ("OUTBOX_LEASE_SECONDS", "OUTBOX_BATCH_SIZE")}
    app.config.update(OUTBOX_LEASE_SECONDS=2, OUTBOX_BATCH_SIZE=10)
    slow_down(monkeypatch, smtp.handler, 0.3)
    try:
        with app.app_context():
            queue(10)
        errors: list[BaseException] = []
        done = threading.Event()

        def slow_worker() -> None:
            try:
                with app.app_context():
                    deliver_due(worker="slow", max_batches=1)
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                done.set()

        def colleague() -> None:
            # Polls like `flask outbox work` does, until the slow worker is through.
            try:
                with app.app_context():
                    while not done.is_set():
                        deliver_due(worker="colleague", max_batches=1)
                        time.sleep(0.1)
            except BaseException as error:
                errors.append(error)

        first = threading.Thread(target=slow_worker)
        first.start()
        with app.app_context():  # the colleague starts once the batch is claimed
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                claimed = db.session.execute(
                    sa.select(sa.func.count()).where(OutboxMessage.claimed_by == "slow")
                ).scalar()
                db.session.commit()
                if claimed:
                    break
                time.sleep(0.02)
        second = threading.Thread(target=colleague)
        second.start()
        first.join(timeout=30)
        second.join(timeout=30)
        assert errors == []
        with app.app_context():
            rows = db.session.execute(sa.select(OutboxMessage)).scalars().all()
            assert {(r.status, r.claimed_by, r.attempts) for r in rows} == {
                (OutboxStatus.SENT, "slow", 1)
            }
    finally:
        app.config.update(before)
    received = subjects(smtp)
    assert len(received) == 10 and len(set(received)) == 10
