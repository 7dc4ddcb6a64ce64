"""The outbox: queue a message inside the caller's transaction; deliver it after the commit.

Queueing writes a row and nothing else, so a rollback sends nothing and a commit always leads
to delivery. Delivery claims rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers can
run; SQLite serialises writers anyway), sends them over one SMTP connection per batch and marks
each one the moment the server accepted it. A worker that dies keeps its rows only until the
lease expires; then another worker takes them over. A worker that is only slow (a sluggish
relay, a paused process) renews the lease of the rest of its batch once half of it is gone,
and skips whatever another worker took over meanwhile. So delivery is exactly-once except at
one point: the message in flight when a worker dies (or stalls past its lease) may go out
twice, if the SMTP server accepted it before the worker could mark it sent (at-least-once).
Leases compare the workers' own clocks: hosts running workers keep them in sync (NTP).

Two ways to queue: ``queue_mail`` composes the message at once (templates, MIME, calendar);
``queue_intent`` stores only the facts the mail will say (a snapshot, JSON) and leaves
composing to the worker. The worker renders an intent in the transaction that claims it and
stores the bytes and subject (the Message-ID was chosen when it was queued) before it sends,
so a retry sends the same bytes, and a crash before that commit leaves nothing behind (not
even the link's token). A renderer depends only on the snapshot and may add rows (tokens),
nothing else: what the mail says is fixed when it is queued, not when it happens to be sent.
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
from flask_babel import gettext as _

from startsmart import clock
from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations.compose import Draft, Invitation, Recipient, compose, new_message_id
from startsmart.invitations.models import (
    AttemptOutcome,
    DeliveryAttempt,
    OutboxMessage,
    OutboxStatus,
)
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


Renderer = Callable[[Mapping[str, Any], datetime], Draft]
_renderers: dict[str, Renderer] = {}


def renders(name: str) -> Callable[[Renderer], Renderer]:
    """Register the function that turns the facts of ``name`` intents into a ``Draft``; it is
    called with the facts and the time of rendering (for tokens it mints)."""

    def register(renderer: Renderer) -> Renderer:
        _renderers[name] = renderer
        return renderer

    return register


@dataclass(frozen=True)
class Intent:
    """A mail for ``recipient`` that the worker composes from ``facts`` (JSON: everything the
    mail will say, as it is now) with the renderer registered as ``renderer``; its Date header
    will be ``now``."""

    recipient: str
    kind: str
    renderer: str
    facts: Mapping[str, Any]
    now: datetime
    reference: str | None = None
    dedupe_key: str | None = None


_INSERT_MESSAGE = sa.insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)


def queue_intent(intent: Intent) -> int:
    """Queue ``intent`` as part of the current transaction, like ``queue_mail``; returns the
    message's id.

    Written at once with a Core INSERT of the model's table (SQLAlchemy fills in the model's
    defaults: queued, no attempts), not added to the session: nearly every registration queues
    one, and the ORM's flush of the row cost more CPU than the rest of queueing it (see
    docs/performance.md)."""
    db.session.info[QUEUED_FLAG] = True  # after a rollback: one needless wake-up, no mail
    values = {
        "recipient": intent.recipient,
        "subject": intent.kind,  # until it is rendered
        "kind": intent.kind,
        "reference": intent.reference,
        "dedupe_key": intent.dedupe_key,
        "message_id": new_message_id(),
        "payload": {"renderer": intent.renderer, "facts": dict(intent.facts)},
        "created_at": intent.now,
        "next_attempt_at": intent.now,
    }
    message_id: int = db.session.execute(_INSERT_MESSAGE, values).scalar_one()
    return message_id


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
    lease_expires_at: datetime
    forget: bool = False  # FORGET_ONCE_SENT


# A reference with this prefix: the person it goes to asked to be forgotten while the mail (a
# cancellation) was on its way. Once it has gone (or failed for good), recipient, subject,
# text and the server's answers are emptied like any other mail of theirs.
FORGET_ONCE_SENT = "forget:"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(worker: str | None = None, max_batches: int | None = None) -> DeliveryReport:
    """Deliver every message that is due, batch by batch, until none is left."""
    worker = worker or worker_name()
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        failed_before = report.failed
        claimed = _claim(clock.now(), worker, report)
        if not claimed and report.failed == failed_before:
            break
        batches += 1
        if claimed:
            _send_batch(claimed, worker, report)
    return report


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < now),
    )


def _claim(now: datetime, worker: str, report: DeliveryReport | None = None) -> list[_Claimed]:
    """Claim a batch of due messages, rendering the intents among them, in one transaction."""
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
        raw = row.raw if row.raw is not None else _render(row, now, worker, report)
        if raw is None:
            continue
        claimed.append(
            _Claimed(
                row.id,
                row.recipient,
                raw,
                row.attempts,
                row.kind,
                row.created_at,
                lease,
                (row.reference or "").startswith(FORGET_ONCE_SENT),
            )
        )
    db.session.commit()
    return claimed


def _render(
    row: OutboxMessage, now: datetime, worker: str, report: DeliveryReport | None
) -> bytes | None:
    """Compose an intent into the row (committed with the claim, before anything is sent);
    returns its bytes, None if it failed.

    A renderer that fails marks the row failed, with the error for staff; "send again" tries
    once more. What the renderer added to the session (a token) is taken out again then: it
    only adds rows, and without autoflush they stay pending until the claim commits, all the
    batch's tokens in one INSERT.
    """
    pending = set(db.session.new)
    try:
        with db.session.no_autoflush:
            payload = row.payload or {}
            draft = _renderers[payload["renderer"]](payload["facts"], now)
            composed = compose(
                draft.template,
                draft.to,
                draft.context,
                row.created_at,
                draft.invitation,
                message_id=row.message_id,
            )
    except Exception as error:  # a bug in one mail must not stop the others
        current_app.logger.exception("composing outbox message %s failed", row.id)
        for added in set(db.session.new) - pending:
            db.session.expunge(added)
        row.status = OutboxStatus.FAILED
        row.lease_expires_at = None
        row.last_error = reply_text(f"could not be composed: {error!r}")
        _add_attempt(row.id, row.attempts, now, AttemptOutcome.PERMANENT, row.last_error, worker)
        if report is not None:
            report.failed += 1
            report.errors.append(f"#{row.id} {row.recipient}: {row.last_error}")
        return None
    row.raw = composed.raw
    row.subject = composed.subject[:300]
    row.payload = None  # the bytes say it all now; no second copy of the personal data
    return composed.raw


def _send_batch(batch: list[_Claimed], worker: str, report: DeliveryReport) -> None:
    config = current_app.config
    sender = parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
    mail_dir = Path(current_app.instance_path) / "mail"
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    ours = {message.id for message in batch}
    expires = min(message.lease_expires_at for message in batch)
    with SmtpSession() as smtp:
        for message in batch:
            now = clock.now()
            if expires - now < lease / 2:
                ours, expires = _renew(ours, worker, now, lease)
            if message.id not in ours:
                continue  # taken over by another worker while this one was slow
            ours.discard(message.id)
            if config["MAIL_FILE_DROP"]:
                stamp = message.created_at.strftime("%Y%m%d-%H%M%S")
                drop_file(mail_dir, f"{stamp}-{message.id:06d}-{message.kind}", message.raw)
            try:
                answer = smtp.send(sender, message.recipient, message.raw)
            except DeliveryError as error:
                _record_failure(message, error, clock.now(), worker, report)
            else:
                now = clock.now()
                _add_attempt(message.id, message.attempts, now, AttemptOutcome.SENT, answer, worker)
                _finish(
                    message.id,
                    worker,
                    status=OutboxStatus.SENT,
                    sent_at=now,
                    last_error=None,
                )
                report.sent += 1
            if message.forget:
                _forget_settled(message.id)


def _forget_settled(message_id: int) -> None:
    settled = (OutboxStatus.SENT, OutboxStatus.FAILED)
    db.session.execute(
        sa.update(DeliveryAttempt)
        .where(
            DeliveryAttempt.message_id == message_id,
            sa.exists().where(OutboxMessage.id == message_id, OutboxMessage.status.in_(settled)),
        )
        .values(reply="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(settled))
        .values(recipient="", subject="", raw=b"", payload=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _renew(
    ids: set[int], worker: str, now: datetime, lease: timedelta
) -> tuple[set[int], datetime]:
    """Extend this worker's claim on the rest of its batch; return what is still its own.

    Without this a batch that takes longer than the lease (a slow relay, a paused process)
    would be taken over by another worker while this one still sends it: twice delivered.
    Renewing at half the lease leaves the message in flight that half to finish.
    """
    expires = now + lease
    kept = (
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.claimed_by == worker,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(lease_expires_at=expires)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    return set(kept), expires


def _record_failure(
    message: _Claimed, error: DeliveryError, now: datetime, worker: str, report: DeliveryReport
) -> None:
    config = current_app.config
    answer = reply_text(error.answer)
    report.errors.append(f"#{message.id} {message.recipient}: {answer}")
    outcome = AttemptOutcome.PERMANENT if error.permanent else AttemptOutcome.TEMPORARY
    _add_attempt(message.id, message.attempts, now, outcome, answer, worker)
    if error.permanent or message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        _finish(message.id, worker, status=OutboxStatus.FAILED, last_error=answer)
        report.failed += 1
        return
    _finish(
        message.id,
        worker,
        status=OutboxStatus.QUEUED,
        last_error=answer,
        next_attempt_at=now + retry_delay(message.attempts),
    )
    report.retrying += 1


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th attempt failed for now."""
    delays = current_app.config["OUTBOX_RETRY_DELAYS"]
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


@dataclass(frozen=True)
class Try:
    """One attempt of the past: when, what came of it, and the server's answer."""

    at: datetime
    outcome: AttemptOutcome
    answer: str


def record_history(message: OutboxMessage, tries: list[Try], worker: str) -> None:
    """Settle ``message`` as a worker would have after ``tries``, without an SMTP server: the
    demo data's mail history (nothing is sent). An intent is composed as of the first try;
    each try is noted; the status, the next attempt and the last answer follow the worker's
    rules (``OUTBOX_MAX_ATTEMPTS``, ``retry_delay``). The caller commits."""
    if message.raw is None and _render(message, tries[0].at, worker, None) is None:
        return
    for attempt in tries:
        message.attempts += 1
        _add_attempt(
            message.id, message.attempts, attempt.at, attempt.outcome, attempt.answer, worker
        )
    last = tries[-1]
    message.claimed_by, message.lease_expires_at = worker, None
    if last.outcome is AttemptOutcome.SENT:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, last.at, None
        return
    message.last_error = reply_text(last.answer)
    gave_up = message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    if last.outcome is AttemptOutcome.PERMANENT or gave_up:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = last.at + retry_delay(message.attempts)


REPLY_LENGTH = 500


def reply_text(answer: str) -> str:
    """The server's answer as it is kept: on one line, at most ``REPLY_LENGTH`` characters,
    and never with the SMTP login in it (some servers quote what they were sent)."""
    config = current_app.config
    for secret in (config.get("MAIL_PASSWORD"), config.get("MAIL_USERNAME")):
        if secret and len(secret) >= 4:
            answer = answer.replace(secret, "[…]")
    answer = " ".join(answer.split())
    return answer if len(answer) <= REPLY_LENGTH else answer[: REPLY_LENGTH - 1] + "…"


def _add_attempt(
    message_id: int,
    number: int,
    at: datetime,
    outcome: AttemptOutcome,
    answer: str,
    worker: str,
) -> None:
    """Note one try; the caller commits it with the message's new status (one transaction).

    Noted even when another worker took the message over meanwhile (and ``_finish`` changes
    nothing): the try happened, and two tries of one number show staff the double delivery.
    """
    db.session.add(
        DeliveryAttempt(
            message_id=message_id,
            number=number,
            at=at,
            outcome=outcome,
            reply=reply_text(answer),
            worker=worker[:64],
        )
    )


def _finish(message_id: int, worker: str, **values: Any) -> None:
    # Only the claim's owner may settle it: a worker whose lease ran out must not overwrite
    # what the worker that took over has done. The attempt noted just before is committed
    # with it.
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
    if not message.recipient:
        raise DomainError(
            _(
                "Diese Nachricht wurde aus Datenschutzgründen geleert und kann nicht "
                "mehr gesendet werden."
            )
        )
    if message.status in (OutboxStatus.FAILED, OutboxStatus.QUEUED):
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now
        audit.record("outbox.resent", actor, now, subject=f"outbox_message:{message.id}")
        db.session.commit()
