"""The outbox: queue a message inside the caller's transaction; deliver it after the commit.

Queueing writes a row and nothing else, so a rollback sends nothing and a commit always leads
to delivery. Delivery claims rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers can
run; SQLite serialises writers anyway), sends them over one SMTP connection per batch and marks
each one the moment the server accepted it. A worker that dies keeps its rows only until the
lease expires; then another worker takes them over.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from startsmart.audit import service as audit
from startsmart.database import utcnow
from startsmart.extensions import db
from startsmart.invitations.compose import Invitation, Recipient, compose
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.transport import DeliveryError, SmtpSession, drop_file
from startsmart.staff.models import StaffUser

QUEUED_FLAG = "startsmart.outbox_queued"


def queue_mail(
    *,
    to: Recipient,
    template: str,
    context: Mapping[str, Any],
    now: datetime,
    reference: str | None = None,
    invitation: Invitation | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Send ``to`` the mail ``template`` (with ``invitation`` as calendar part) as part of the
    current transaction. Nothing leaves before the caller commits."""
    composed = compose(template, to, context, now, invitation)
    message = OutboxMessage(
        recipient=to.email,
        subject=composed.subject[:300],
        kind=template,
        reference=reference,
        dedupe_key=dedupe_key,
        message_id=composed.message_id,
        raw=composed.raw,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(message)
    db.session.info[QUEUED_FLAG] = True
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class _Claimed:
    id: int
    recipient: str
    raw: bytes
    attempts: int
    kind: str
    created_at: datetime


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(
    clock: Callable[[], datetime] = utcnow,
    worker: str | None = None,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Deliver every message that is due, batch by batch, until none is left."""
    worker = worker or worker_name()
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        claimed = _claim(clock(), worker)
        if not claimed:
            break
        batches += 1
        _send_batch(claimed, clock, worker, report)
    return report


def _due(now: datetime):
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < now),
    )


def _claim(now: datetime, worker: str) -> list[_Claimed]:
    config = current_app.config
    rows = (
        db.session.execute(
            sa.select(OutboxMessage)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(config["OUTBOX_BATCH_SIZE"])
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    lease = now + timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    claimed = []
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.claimed_by = worker
        row.lease_expires_at = lease
        row.attempts += 1
        claimed.append(
            _Claimed(row.id, row.recipient, row.raw, row.attempts, row.kind, row.created_at)
        )
    db.session.commit()
    return claimed


def _send_batch(
    batch: list[_Claimed], clock: Callable[[], datetime], worker: str, report: DeliveryReport
) -> None:
    config = current_app.config
    sender = parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
    mail_dir = Path(current_app.instance_path) / "mail"
    with SmtpSession() as smtp:
        for message in batch:
            if config["MAIL_FILE_DROP"]:
                stamp = message.created_at.strftime("%Y%m%d-%H%M%S")
                drop_file(mail_dir, f"{stamp}-{message.id:06d}-{message.kind}", message.raw)
            try:
                smtp.send(sender, message.recipient, message.raw)
            except DeliveryError as error:
                _record_failure(message, error, clock(), worker, report)
            else:
                _finish(
                    message.id, worker, status=OutboxStatus.SENT, sent_at=clock(), last_error=None
                )
                report.sent += 1


def _record_failure(
    message: _Claimed, error: DeliveryError, now: datetime, worker: str, report: DeliveryReport
) -> None:
    config = current_app.config
    report.errors.append(f"#{message.id} {message.recipient}: {error.answer}")
    if error.permanent or message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        _finish(message.id, worker, status=OutboxStatus.FAILED, last_error=error.answer)
        report.failed += 1
        return
    delays = config["OUTBOX_RETRY_DELAYS"]
    delay = delays[min(message.attempts, len(delays)) - 1]
    _finish(
        message.id,
        worker,
        status=OutboxStatus.QUEUED,
        last_error=error.answer,
        next_attempt_at=now + timedelta(seconds=delay),
    )
    report.retrying += 1


def _finish(message_id: int, worker: str, **values: Any) -> None:
    # Only the claim's owner may settle it: a worker whose lease ran out must not overwrite
    # what the worker that took over has done.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OutboxStatus.SENDING,
        )
        .values(lease_expires_at=None, **values)
    )
    db.session.commit()


def send_again(message: OutboxMessage, actor: StaffUser, now: datetime) -> None:
    """Staff: queue a failed (or waiting) message for immediate delivery."""
    if message.status in (OutboxStatus.FAILED, OutboxStatus.QUEUED):
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now
        audit.record("outbox.resent", actor, now, subject=f"outbox_message:{message.id}")
        db.session.commit()
