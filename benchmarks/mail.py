"""1,000 invitations built, queued through the outbox and delivered to a local SMTP server.

Each message is a complete iMIP invitation (text, HTML, text/calendar REQUEST, .ics attachment),
composed from the templates and written to the outbox in one transaction; then the outbox
delivers them in batches, one SMTP connection per batch, to aiosmtpd on loopback.
Target: all 1,000 delivered within 10 s in total on the 2-core machine.

    .venv/bin/python benchmarks/mail.py [--messages 1000] [--database postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from smtp_sink import SmtpSink  # noqa: E402  (the tests' SMTP sink: aiosmtpd on loopback)
from startsmart import create_app  # noqa: E402
from startsmart.extensions import db  # noqa: E402
from startsmart.invitations.compose import Invitation, Recipient  # noqa: E402
from startsmart.invitations.ical import Attendee, CalendarEvent, Method, Person  # noqa: E402
from startsmart.invitations.models import OutboxMessage, OutboxStatus  # noqa: E402
from startsmart.invitations.outbox import deliver_due, queue_mail  # noqa: E402

TARGET_SECONDS = 10.0
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    sink = SmtpSink()
    sink.start()
    workdir = Path(tempfile.mkdtemp(prefix="startsmart-bench-"))
    app = create_app(
        {
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": args.database or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "SECRET_KEY": "benchmark" * 4,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": sink.port,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_FILE_DROP": False,
            "MAIL_DELIVERY": "worker",
            "PUBLIC_URL": "https://startsmart.example.org",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        organizer = Person("startsmart@kts.example", "Start Smart (KTS)")
        started = time.perf_counter()
        for number in range(args.messages):
            to = Recipient(f"person{number}@kommune.example", f"Person Nummer {number}")
            starts = NOW + timedelta(days=7, hours=number % 8)
            event = CalendarEvent(
                uid=f"registration-{number}@startsmart.example.org",
                sequence=0,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=90),
                summary="Online-Einführung: Grundlagen der Smart City",
                description="Zugang: https://konferenz.example.org/x\nVerwalten: https://x/y",
                location="Online",
                organizer=organizer,
                attendees=(Attendee(to.email, to.name),),
            )
            queue_mail(
                to=to,
                template="staff_message",
                now=NOW,
                context={"subject": "Einladung", "text": "Alle Angaben zum Termin."},
                invitation=Invitation(Method.REQUEST, event),
            )
        db.session.commit()
        queued = time.perf_counter()
        report = deliver_due()
        delivered = time.perf_counter()
        left = db.session.execute(
            sa.select(sa.func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        ).scalar()
        dialect = db.engine.dialect.name
    sink.stop()

    total = delivered - started
    received = len(sink.received)
    print(f"database: {dialect}; messages: {args.messages}")
    print(f"  build + queue (one transaction): {queued - started:6.2f} s")
    print(
        f"  deliver (outbox -> SMTP):        {delivered - queued:6.2f} s "
        f"({report.sent} sent, {report.retrying} retrying, {report.failed} failed)"
    )
    print(f"  total:                           {total:6.2f} s  (target <= {TARGET_SECONDS:.0f} s)")
    print(f"  SMTP connections: {sink.handler.sessions}; received: {received}; not sent: {left}")
    ok = received == args.messages and left == 0 and total <= TARGET_SECONDS
    print("result:", "OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
