"""Outbox delivery with 1, 2, 3 … ``flask outbox work`` processes: messages per second.

A scratch PostgreSQL database (``flask db upgrade``), the tests' aiosmtpd sink on loopback,
and for each number of workers: the workers started and idle, ``--messages`` finished mails
queued in one INSERT (composed once and numbered, as in
``tests/operations/test_outbox_workers.py``), and the time until every row is ``sent``. Each
message must arrive exactly once, or the run fails. The workers run with the production
settings (batches of 100, one SMTP connection per batch, each message marked sent in its own
transaction the moment the server took it).

Registration mails are queued as intents and composed by the worker (about 5 ms more per
mail, see docs/performance.md); these mails are finished already, so the figures are the
delivery machinery: claim, SMTP, mark.

    .venv/bin/python benchmarks/outbox_workers.py [--messages 3000] [--workers 1 2 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from live_server import (
    command_line,
    load_average,
    migrate,
    outbox_workers,
    process_cpu,
    scratch_database,
    server_environment,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from outbox_support import queue_bulk  # noqa: E402  (the tests' bulk queueing)
from smtp_sink import SmtpSink  # noqa: E402  (the tests' SMTP sink)
from startsmart import create_app  # noqa: E402
from startsmart.extensions import db  # noqa: E402
from startsmart.invitations.models import OutboxMessage, OutboxStatus  # noqa: E402


def unsent() -> int:
    waiting = db.session.execute(
        sa.select(sa.func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
    ).scalar_one()
    db.session.commit()
    return waiting


def wait_started(instance: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [instance / f"outbox-worker-{n}.log" for n in range(count)]
        if all(log.exists() and "started" in log.read_text() for log in logs):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the outbox workers did not start; see {instance}")


def run(app, environment, sink: SmtpSink, workers: int, messages: int):
    """Seconds to deliver, whether each arrived once, and CPU seconds by role."""
    sink.clear()
    database = environment["STARTSMART_DATABASE_URL"].rsplit("/", 1)[1]
    with app.app_context():
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
    with outbox_workers(environment, workers, idle=0.2) as processes:
        wait_started(Path(environment["STARTSMART_INSTANCE_PATH"]), workers)
        pids = {process.pid for process in processes}
        with app.app_context():
            queue_bulk(messages)
            before = process_cpu()
            started = time.monotonic()
            while unsent():
                if time.monotonic() - started > 600:
                    raise RuntimeError("not delivered within 10 minutes")
                time.sleep(0.05)
            seconds = time.monotonic() - started
            after = process_cpu()
    used: Counter = Counter()
    for pid, (cpu, command) in after.items():
        if pid in pids:
            role = "workers"
        elif command.startswith("postgres:") and f" {database} " in command:
            role = "PostgreSQL"
        elif pid == os.getpid():
            role = "SMTP sink (and this script's polling)"
        else:
            continue
        used[role] += cpu - before.get(pid, (0, ""))[0]
    received = Counter(r.message["Message-ID"] for r in sink.received)
    exactly_once = len(received) == messages and set(received.values()) == {1}
    return seconds, exactly_once, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"command: {command_line()}")
    print(f"load average before: {load_average()}")
    sink = SmtpSink()
    sink.start()
    instance = Path(tempfile.mkdtemp(prefix="startsmart-outbox-bench-"))
    ok = True
    try:
        with scratch_database("outbox") as url:
            environment = {
                **server_environment(url, instance, "https://startsmart.example.org"),
                "STARTSMART_MAIL_SERVER": "127.0.0.1",
                "STARTSMART_MAIL_PORT": str(sink.port),
            }
            migrate(environment)
            app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
            print(
                "\n| workers | messages | seconds | messages/s | each exactly once "
                "| CPU per message: workers / PostgreSQL / SMTP sink |"
            )
            print("| --- | --- | --- | --- | --- | --- |")
            for workers in args.workers:
                seconds, once, used = run(app, environment, sink, workers, args.messages)
                ok &= once
                cpu = " / ".join(
                    f"{1000 * used[role] / args.messages:.2f} ms"
                    for role in ("workers", "PostgreSQL", "SMTP sink (and this script's polling)")
                )
                print(
                    f"| {workers} | {args.messages:,} | {seconds:.1f} | "
                    f"{args.messages / seconds:.0f} | {'yes' if once else 'NO'} | {cpu} |"
                )
            with app.app_context():
                db.engine.dispose()
    finally:
        sink.stop()
    print(f"\nload average after: {load_average()}")
    print("result:", "OK" if ok else "FAILED (a message missing or sent twice)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
