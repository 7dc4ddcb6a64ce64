"""The whole site under load: simulated visitors against gunicorn, PostgreSQL, the outbox
worker and an SMTP server, then the invariants checked in the database and the mailbox.

gunicorn (4 sync workers, ``bench_wsgi.py``) and ``flask outbox work`` run on a scratch
PostgreSQL database with the demo data (``demo.service.load_demo``: seven offerings, eight
dates, three advisors with weekly hours); the tests' aiosmtpd sink receives every mail. Each
simulated visitor is a thread with its own cookies (``live_server.Browser``) that goes on
journeys until the time is up, pausing between pages (``--think``):

- browse: the start page, the catalogue (sometimes filtered or paged), an offering;
- register: offering → date's form → POST (a new colleague of the visitor's municipality);
- confirm: opens the link from the mail the SMTP server received → POST, then the manage page
  (registrations and consultation bookings alike; some visitors never confirm);
- cancel: manage link from a mail (a registration's or a consultation's) → cancel page → POST;
- book: the week of free consultation slots (maybe a few weeks ahead) → a slot → the booking
  form → POST. A slot somebody else took meanwhile is a normal answer, not an error.

The rate limits per client address (registration and booking, manage-link actions, login)
are raised to 1,000,000 per minute: every simulated visitor comes from 127.0.0.1, so the
limits would turn the run into a test of HTTP 429. Production keeps them (shared in Redis).

Afterwards the outbox is drained and the script checks: no 5xx and no failed connection; no
date holds more seats than it has, and nobody waits while a seat is free; no advisor has two
active consultations closer than the buffer, or more than the day limit; every confirmed
registration and consultation has its invitation (METHOD:REQUEST with its UID; for a
consultation to the municipality and the advisor) in the SMTP sink, and every one invited and
then cancelled also its CANCEL; every mail in the outbox was sent and received exactly once;
and it says which kind of journey never got through, if one did not (a check over nothing
proves nothing; ``--smoke`` fails then, a full run on a slow machine only says so). Exits
non-zero if an invariant fails, or on any 5xx or failed connection.

Latencies are measured by the visitors (client time, including the wait in gunicorn's
queue) and by the app (``Server-Timing``); a probe in a process of its own asks the
catalogue once every 0.25 s, free of the load generator's interpreter lock. CPU use per
process (gunicorn, PostgreSQL, outbox worker, load generator, everything else on the
machine) is read from ``/proc``: on a small machine the run is CPU-bound, and this says by
whom.

    .venv/bin/python benchmarks/site_load.py [--users 200] [--seconds 60] [--think 1.0]
    .venv/bin/python benchmarks/site_load.py --smoke   # every journey once, about 25 s
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from live_server import (
    Server,
    command_line,
    gunicorn,
    latency_probe,
    load_average,
    machine_cpu,
    outbox_workers,
    percentile,
    process_cpu,
)
from site_checks import invariants
from site_visitors import JOURNEYS, SMOKE_JOURNEYS, Mailbox, Site, Stats, Visitor

from smtp_sink import SmtpSink  # the tests' SMTP sink (site_visitors puts tests/ on the path)
from startsmart import clock, create_app
from startsmart.catalog.models import EventDate, Offering, OfferingFormat, Topic
from startsmart.clock import BERLIN
from startsmart.demo.service import load_demo
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus

UNLIMITED = "1000000 per minute"
GUNICORN, POSTGRES = "gunicorn", "PostgreSQL (this database)"  # processes by role
REGISTRABLE = (
    OfferingFormat.ONLINE_INTRO,
    OfferingFormat.THEMATIC_INPUT,
    OfferingFormat.MODERATED_EXCHANGE,
)


# -- the run ---------------------------------------------------------------------------------


def local_app(environment: dict[str, str]):
    """The app in this process, on the server's database: demo data in, checks out."""
    return create_app(
        {
            "DATABASE_URL": environment["STARTSMART_DATABASE_URL"],
            "INSTANCE_PATH": environment["STARTSMART_INSTANCE_PATH"],
            "SECRET_KEY": environment["STARTSMART_SECRET_KEY"],
            "PUBLIC_URL": environment["STARTSMART_PUBLIC_URL"],
            "MAIL_DEFAULT_SENDER": environment["STARTSMART_MAIL_DEFAULT_SENDER"],
            "MAIL_SUPPRESS_SEND": True,
        }
    )


def prepare(app) -> Site:
    with app.app_context():
        # Without the demo's history: its mail never went through the sink the checks read.
        summary = load_demo(clock.now(), with_history=False)
        assert summary is not None, "the scratch database should be empty"
        slugs = sorted(
            set(
                db.session.execute(
                    sa.select(Offering.slug)
                    .join(EventDate, EventDate.offering_id == Offering.id)
                    .where(Offering.format.in_(REGISTRABLE))
                ).scalars()
            )
        )
        topics = db.session.execute(sa.select(Topic.slug)).scalars().all()
        months = {
            d.astimezone(BERLIN).strftime("%Y-%m")
            for d in db.session.execute(sa.select(EventDate.starts_at)).scalars()
        }
        formats = {f.value for f in REGISTRABLE}
    filters = (
        [f"/angebote/?format={f}" for f in sorted(formats)]
        + [f"/angebote/?thema={t}" for t in topics]
        + [f"/angebote/?monat={m}" for m in sorted(months)]
        + ["/angebote/?seite=2"]
    )
    print(
        f"data: demo ({summary.offerings} offerings, {summary.dates} dates, "
        f"{summary.staff} staff accounts of which 3 advisors with weekly hours)"
    )
    return Site(slugs, filters)


def load(
    server: Server, site: Site, mailbox: Mailbox, database: str, workers: set[int], args
) -> tuple[Stats, float]:
    stats = Stats()
    visitors = [
        Visitor(
            *(n, server, site, stats, mailbox, 0.0, args.think, args.seed * 100_000 + n),
            journeys=SMOKE_JOURNEYS if args.smoke else JOURNEYS,
        )
        for n in range(args.users)
    ]
    threads = [threading.Thread(target=v.run, name=f"visitor-{v.number}") for v in visitors]
    with latency_probe(server, "/angebote/") as probed:
        busy, total = machine_cpu()
        before = process_cpu()
        started = time.monotonic()
        for visitor in visitors:
            visitor.deadline = started + args.seconds
        for thread in threads:
            thread.start()
        while args.smoke and any(thread.is_alive() for thread in threads):
            if stats.every_journey_through():
                for visitor in visitors:
                    visitor.deadline = time.monotonic()  # each stops at its next page
                break
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        busy_after, total_after = machine_cpu()
        after = process_cpu()
    used = Counter()
    for pid, (cpu, command) in after.items():
        used[_role(pid, command, server, database, workers)] += cpu - before.get(pid, (0, ""))[0]
    cores = (total_after - total) / seconds
    machine = (busy_after - busy) / seconds
    print(
        f"CPU during the load: {machine:.2f} of {cores:.0f} cores busy; in cores: "
        + ", ".join(f"{role} {cpu / seconds:.2f}" for role, cpu in used.most_common())
        + f", unaccounted (processes that ended, the kernel) "
        f"{machine - used.total() / seconds:.2f}"
    )
    requests = sum(len(times) for times in stats.seconds.values())
    serving = used[GUNICORN] + used[POSTGRES]
    if requests and serving:
        per_request = 1000 * serving / requests
        print(
            f"CPU per request ({GUNICORN} and {POSTGRES}): {per_request:.1f} ms; {cores:.0f} cores "
            f"doing nothing else could serve about {1000 * cores / per_request:.0f} requests/s "
            "(an upper bound, estimated)"
        )
    if probed:
        print(
            f"probe (a separate process, one GET /angebote/ at a time, {len(probed)} requests): "
            f"p50 {percentile(probed, 0.5):.0f} ms, p95 {percentile(probed, 0.95):.0f} ms, "
            f"p99 {percentile(probed, 0.99):.0f} ms"
        )
    return stats, seconds


def _role(pid: int, command: str, server: Server, database: str, workers: set[int]) -> str:
    if pid == os.getpid():
        return "load generator (this process: visitors' threads, SMTP sink)"
    if "bench_wsgi:app" in command and f":{server.port}" in command:
        return GUNICORN
    if command.startswith("postgres:") and f" {database} " in command:
        return POSTGRES
    if pid in workers:
        return "outbox worker"
    if "live_server as s" in command and f" {server.port} " in command:
        return "probe"
    return "other processes on the machine"


def report(stats: Stats, seconds: float) -> bool:
    total = sum(len(v) for v in stats.seconds.values())
    server_errors = sum(
        n for counts in stats.statuses.values() for status, n in counts.items() if status >= 500
    )
    print(f"\n## {total:,} requests in {seconds:.1f} s: {total / seconds:.1f} per second\n")
    print("| page | requests | p50 | p95 | p99 | max | server p50 / p95 | answers |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for page in sorted(stats.seconds, key=lambda p: -len(stats.seconds[p])):
        times = [1000 * s for s in stats.seconds[page]]
        server = stats.server_ms[page]
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses[page].items()))
        print(
            f"| {page} | {len(times):,} | {percentile(times, 0.5):.0f} ms "
            f"| {percentile(times, 0.95):.0f} ms | {percentile(times, 0.99):.0f} ms "
            f"| {max(times):.0f} ms | {percentile(server or [0], 0.5):.0f} / "
            f"{percentile(server or [0], 0.95):.0f} ms | {answers} |"
        )
    everything = [1000 * s for times in stats.seconds.values() for s in times]
    print(
        f"| **all** | {total:,} | {percentile(everything, 0.5):.0f} ms "
        f"| {percentile(everything, 0.95):.0f} ms | {percentile(everything, 0.99):.0f} ms "
        f"| {max(everything):.0f} ms | | 5xx: {server_errors} |"
    )
    print("\nwhat the visitors were told:")
    for name, count in sorted(stats.outcomes.items()):
        print(f"  {name}: {count:,}")
    if stats.errors:
        print("connection errors:", dict(stats.errors))
    print(f"\n5xx answers: {server_errors}; failed connections: {sum(stats.errors.values())}")
    return server_errors == 0 and not stats.errors


def drain(app, seconds: float) -> bool:
    """Wait until the outbox worker has sent everything that was queued."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    with app.app_context():
        while True:
            waiting = db.session.execute(
                sa.select(sa.func.count()).where(
                    OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING))
                )
            ).scalar_one()
            db.session.commit()
            if waiting == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    print(
        f"\noutbox drained after the load: {time.monotonic() - started:.1f} s"
        + ("" if waiting == 0 else f", {waiting} still waiting after {seconds:.0f} s")
    )
    return waiting == 0


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between pages, s")
    parser.add_argument("--outbox-workers", type=int, default=1)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="10 visitors with short pauses, fewer of them browsing, until every kind of "
        "journey has got through once (at most 90 s): each check has something to check; "
        "the figures mean nothing (about 25 s in all on an idle machine)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds, args.think = 10, 90, 0.2

    print(f"command: {command_line()}")
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores; "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print(f"load average before: {load_average()}")
    mailbox_sink = SmtpSink()
    mailbox = Mailbox()
    mailbox_sink.handler = mailbox
    mailbox_sink.start()
    settings = {
        "STARTSMART_MAIL_SERVER": "127.0.0.1",
        "STARTSMART_MAIL_PORT": str(mailbox_sink.port),
        # Every simulated visitor comes from 127.0.0.1: the per-address limits would stop
        # them, not protect anybody. Production keeps them (and shares them via Redis).
        "STARTSMART_REGISTRATION_RATE_LIMIT": UNLIMITED,
        "STARTSMART_MANAGE_RATE_LIMIT": UNLIMITED,
        "STARTSMART_LOGIN_RATE_LIMIT": UNLIMITED,
    }
    ok = True
    try:
        with gunicorn("site", settings) as (server, environment):
            app = local_app(environment)
            with app.app_context():
                version = db.session.execute(sa.text("SHOW server_version")).scalar_one()
                db.session.commit()
            print(
                f"PostgreSQL {version}; gunicorn 4 sync workers on http://{server.host}:{server.port}"
            )
            site = prepare(app)
            with outbox_workers(environment, args.outbox_workers, idle=0.5) as workers:
                print(
                    f"load: {args.users} visitors for {args.seconds:.0f} s, pause between pages "
                    f"uniform 0–{2 * args.think:.1f} s; {args.outbox_workers} outbox worker(s); "
                    f"rate limits (registration and booking, manage links, login) set to "
                    f"{UNLIMITED}: every visitor comes from 127.0.0.1"
                )
                database = environment["STARTSMART_DATABASE_URL"].rsplit("/", 1)[1]
                pids = {worker.pid for worker in workers}
                stats, seconds = load(server, site, mailbox, database, pids, args)
                print(f"load average at the end of the load: {load_average()}")
                ok &= report(stats, seconds)
                ok &= drain(app, args.drain_timeout)
            ok &= invariants(app, mailbox, every_journey=args.smoke)
            with app.app_context():
                db.engine.dispose()
    finally:
        mailbox_sink.stop()
    print(f"\nload average after: {load_average()}")
    print("result:", "OK" if ok else "FAILED (an invariant does not hold)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
