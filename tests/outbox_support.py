"""The outbox worker run at a chosen moment, and many finished mails in the outbox at once, for
the tests and benchmarks of its workers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import time_machine

from startsmart import clock
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient, compose
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import DeliveryReport, deliver_due


def deliver_at(moment: datetime, **options) -> DeliveryReport:
    """One worker's pass as it runs at ``moment``: the tests' clock stands there for the pass
    and moves back afterwards (retries and leases are due by that clock)."""
    with time_machine.travel(moment, tick=False):
        return deliver_due(**options)


def queue_bulk(count: int) -> set[str]:
    """``count`` finished messages in one INSERT: composed once, then numbered (Message-ID,
    subject, recipient), which is all the workers and the SMTP server look at."""
    now = clock.now()
    template = compose(
        "staff_message",
        Recipient("person-NUMBER@beispielstadt.de", "Person"),
        {"subject": "Nachricht NUMBER", "text": "Der Raum hat sich geändert."},
        now,
        message_id="<NUMBER@kts.example>",
    ).raw
    header, body = template.split(b"\r\n\r\n", 1)
    rows = [
        {
            "recipient": f"person-{number:06d}@beispielstadt.de",
            "subject": f"Nachricht {number:06d}",
            "kind": "staff_message",
            "message_id": f"<{number:06d}@kts.example>",
            "raw": header.replace(b"NUMBER", f"{number:06d}".encode()) + b"\r\n\r\n" + body,
            "created_at": now,
            "next_attempt_at": now,
            "status": OutboxStatus.QUEUED,
            "attempts": 0,
        }
        for number in range(count)
    ]
    db.session.execute(sa.insert(OutboxMessage), rows)
    db.session.commit()
    return {row["message_id"] for row in rows}
