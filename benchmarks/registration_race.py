"""Registrations over HTTP, like browsers, against gunicorn (4 workers) on PostgreSQL.

--race:       200 visitors open the form of one date with 20 seats, then all submit at once.
              Nobody may be lost, no seat given twice, no 5xx; everybody is told "seat held"
              or "waiting list, position N", and positions 1..180 go out exactly once.
--throughput: 2,000 registrations from 50 concurrent visitors over 100 dates, against the same
              load on a bare route of the same Flask app on the same server (Flask parses the
              form, one INSERT, one transaction, redirect: the stack's limit), and for
              transparency on a raw WSGI function doing that INSERT without Flask; the three
              loads take turns in 4 rounds. Target: our throughput >= 0.4 of the bare one.
              Afterwards this process plays the outbox worker: every queued mail is composed
              and handed over (SMTP suppressed) exactly once.
--flow:       the visitor's real flow: GET the form, then POST it, per registration, from 50
              concurrent visitors, with the whole municipality directory loaded; against the
              same registrations POSTed alone (the token fetched beforehand, untimed), the two
              loads taking turns. Target: the flow reaches >= 0.5 of the POST-only rate (the
              form page no longer carries a list that grows with the municipalities).
--cost:       one POST at a time, in-process: SQL statements and CPU time (app and its
              PostgreSQL backend) per registration and per bare INSERT.

Each visitor GETs the form first (session cookie, CSRF token) and POSTs it like a browser.
A scratch database is created and dropped; gunicorn serves benchmarks/bench_wsgi.py.

    .venv/bin/python benchmarks/registration_race.py [--race] [--throughput] [--flow] [--cost]

Exits non-zero if an invariant fails (overbooked, lost, 5xx, wrong answer, a mail not sent
exactly once); the throughput ratio is reported against its target but is not an invariant.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from live_server import (
    BARE_TABLE_DDL,
    Browser,
    Server,
    add_bare_route,
    command_line,
    cpu_ticks,
    gunicorn,
    load_average,
    percentile,
)

from startsmart import clock, create_app
from startsmart.catalog.models import EventDate, Offering, OfferingFormat
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, Person
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus

RATIO_TARGET = 0.4
FLOW_TARGET = 0.5
PENDING_TEXT = "Wir halten einen Platz für Sie frei."
WAITLIST_TEXT = re.compile(r"Sie stehen auf Platz (\d+) der Warteliste")


# -- data ----------------------------------------------------------------------------------


def local_app(environment: dict[str, str]):
    """The app in this process, on the server's database: to prepare data, check results and
    play the outbox worker (composing every queued mail; nothing is handed to SMTP)."""
    return create_app(
        {
            "DATABASE_URL": environment["STARTSMART_DATABASE_URL"],
            "INSTANCE_PATH": environment["STARTSMART_INSTANCE_PATH"],
            "SECRET_KEY": environment["STARTSMART_SECRET_KEY"],
            "PUBLIC_URL": environment["STARTSMART_PUBLIC_URL"],
            "MAIL_DEFAULT_SENDER": environment["STARTSMART_MAIL_DEFAULT_SENDER"],
            "MAIL_SUPPRESS_SEND": True,
            "MAIL_FILE_DROP": False,
        }
    )


def make_dates(app, count: int, capacity: int, slug: str) -> list[int]:
    """``count`` published online dates of one new offering, a week and more ahead."""
    with app.app_context():
        offering = Offering(
            slug=slug,
            format=OfferingFormat.ONLINE_INTRO,
            title="Online-Einführung: Grundlagen der Smart City",
            summary="Überblick.",
            description="Text.",
        )
        starts = (clock.now() + timedelta(days=7)).replace(microsecond=0)
        dates = [
            EventDate(
                offering=offering,
                starts_at=starts + timedelta(days=n),
                ends_at=starts + timedelta(days=n, minutes=90),
                online_url="https://konferenz.example.org/raum",
                capacity=capacity,
            )
            for n in range(count)
        ]
        db.session.add_all(dates)
        db.session.commit()
        return [d.id for d in dates]


def known_municipalities(app, count: int, tag: str) -> None:
    """Municipalities the service already knows (most registrations come from known ones)."""
    with app.app_context():
        db.session.add_all(
            Municipality(
                name=f"{tag}-Gemeinde {n}", kind=MunicipalityKind.TOWN, state=FederalState.NI
            )
            for n in range(count)
        )
        db.session.commit()


def form(tag: str, number: int, municipality: int, token: str) -> dict[str, str]:
    """What visitor ``number`` types in: a new person, from municipality ``municipality``."""
    return {
        "csrf_token": token,
        "name": f"Person {number}",
        "email": f"{tag}{number}@gemeinde{municipality}.de".lower(),
        "function": "Digitalisierung",
        "municipality": f"{tag}-Gemeinde {municipality}",
        "state": "NI",
        "municipality_kind": "town",
        "population_class": "",
        "privacy": "y",
    }


# -- (a) the race --------------------------------------------------------------------------


@dataclass
class Visitor:
    form_status: int | None = None
    post_status: int | None = None
    page_status: int | None = None
    post_seconds: float | None = None
    answered_at: float | None = None
    told: str | None = None  # "pending", "waitlisted" or what else the page said
    position: int | None = None
    error: str | None = None

    @property
    def statuses(self) -> list[int]:
        return [s for s in (self.form_status, self.post_status, self.page_status) if s]


def what_we_were_told(page: str) -> tuple[str, int | None]:
    if "bereits eine Anmeldung" in page:
        return "repeated", None
    if PENDING_TEXT in page:
        return "pending", None
    match = WAITLIST_TEXT.search(page)
    if match:
        return "waitlisted", int(match.group(1))
    return "unclear", None


def race(server: Server, app, clients: int, capacity: int) -> bool:
    (date_id,) = make_dates(app, 1, capacity, "rennen")
    path = f"/angebote/termine/{date_id}/anmeldung"
    released: list[float] = []
    barrier = threading.Barrier(
        clients, action=lambda: released.append(time.perf_counter()), timeout=300
    )
    visitors = [Visitor() for _ in range(clients)]

    def visit(number: int) -> None:
        visitor = visitors[number]
        browser = Browser(server)
        token = None
        try:
            answer = browser.get(path)
            visitor.form_status = answer.status
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.body)
        except OSError as error:
            visitor.error = f"form: {error!r}"
        barrier.wait()  # everybody has the form open; now all press "submit" together
        if token is None:
            visitor.error = visitor.error or "no form"
            return
        try:
            answer = browser.post(path, form("rennen", number, number, token.group(1)))
            visitor.post_status, visitor.post_seconds = answer.status, answer.seconds
            visitor.answered_at = time.perf_counter()
            if answer.status == 302:
                page = browser.get(answer.headers["Location"])
                visitor.page_status = page.status
                visitor.told, visitor.position = what_we_were_told(page.body)
        except OSError as error:
            visitor.error = f"submit: {error!r}"

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(v.answered_at or 0 for v in visitors) - released[0]

    with app.app_context():
        rows = db.session.execute(
            sa.select(Person.email, Registration.status, Registration.queued_at, Registration.id)
            .join(Registration.person)
            .where(Registration.event_date_id == date_id)
        ).all()
    per_email = Counter(email for email, *_ in rows)
    status_of = {email: status for email, status, *_ in rows}
    waiting = sorted(
        (queued, rid, email)
        for email, status, queued, rid in rows
        if status is RegistrationStatus.WAITLISTED
    )
    rank = {email: n for n, (_, _, email) in enumerate(waiting, start=1)}
    emails = [form("rennen", n, n, "")["email"] for n in range(clients)]

    answered = sum(1 for v in visitors if v.post_status is not None)
    server_errors = sum(1 for v in visitors for s in v.statuses if s >= 500)
    holding = sum(1 for _, status, *_ in rows if status in HOLDING_A_SEAT)
    overbooked = max(0, holding - capacity)
    lost = sum(
        1
        for v, email in zip(visitors, emails, strict=True)
        if v.post_status is None or not per_email[email]
    )
    duplicates = sum(1 for count in per_email.values() if count > 1)
    told = Counter(v.told for v in visitors)
    other = clients - told["pending"] - told["waitlisted"]
    positions = sorted(v.position for v in visitors if v.position is not None)
    expected_waiting = max(0, clients - capacity)
    positions_ok = positions == list(range(1, expected_waiting + 1))
    mismatched = sum(
        1
        for v, e in zip(visitors, emails, strict=True)
        if (v.told == "pending" and status_of.get(e) is not RegistrationStatus.PENDING)
        or (v.told == "waitlisted" and rank.get(e) != v.position)
    )
    latencies = [v.post_seconds * 1000 for v in visitors if v.post_seconds is not None]

    checks = [
        ("answers received (POST)", f"{answered} / {clients}", answered == clients),
        ("5xx answers", server_errors, server_errors == 0),
        ("seats held in the database", f"{holding} / capacity {capacity}", holding <= capacity),
        ("overbooked seats", overbooked, overbooked == 0),
        ("lost (no answer, or not in the database)", lost, lost == 0),
        ("in the database more than once", duplicates, duplicates == 0),
        ("told: seat held (pending)", told["pending"], told["pending"] == min(capacity, clients)),
        ("told: waiting list", told["waitlisted"], told["waitlisted"] == expected_waiting),
        ("told something else (or nothing)", other, other == 0),
        (
            f"waiting-list positions 1..{expected_waiting} told exactly once each",
            "yes" if positions_ok else f"no: {len(positions)} told, {len(set(positions))} distinct",
            positions_ok,
        ),
        ("told differs from the database", mismatched, mismatched == 0),
    ]
    print(f"\n## Race: {clients} visitors submit at once for one date with {capacity} seats\n")
    print("| check | result | ok |")
    print("| --- | --- | --- |")
    for name, value, ok in checks:
        print(f"| {name} | {value} | {'yes' if ok else 'NO'} |")
    print(f"\nlast submission answered {elapsed:.2f} s after the barrier released; POST latency")
    print(
        f"p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms (they queue for the date's row lock)"
    )
    errors = [v.error for v in visitors if v.error]
    if errors:
        print(f"client errors ({len(errors)}), first: {errors[0]}")
    return all(ok for _, _, ok in checks)


# -- (b) throughput ------------------------------------------------------------------------


@dataclass
class Load:
    seconds: float
    latencies_ms: list[float]
    statuses: Counter
    server_ms: list[float]
    busy_ticks: int = 0  # CPU of the whole machine (server, database, this client)
    total_ticks: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def busy(self) -> float:
        """Share of the machine's CPU time in use while the load ran."""
        return self.busy_ticks / self.total_ticks if self.total_ticks else float("nan")

    def __add__(self, other: Load) -> Load:
        return Load(
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            self.statuses + other.statuses,
            self.server_ms + other.server_ms,
            self.busy_ticks + other.busy_ticks,
            self.total_ticks + other.total_ticks,
        )


def drive(
    server: Server,
    clients: int,
    jobs: list[tuple[str, int, int]],
    token_path: str,
    tag: str,
    fetch_form: bool = False,
) -> Load:
    """``clients`` visitors, each with its own session and token, work through ``jobs``
    (path, person number, municipality) as fast as the server answers; POSTs are timed.
    ``fetch_form``: each job GETs its form first and posts with that page's token, and the
    pair is timed as one."""
    browsers = [Browser(server) for _ in range(clients)]
    tokens = [browser.csrf_token(token_path) for browser in browsers]  # not timed
    work: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        work.put(job)
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    server_ms: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def run(number: int) -> None:
        barrier.wait()
        while True:
            try:
                path, person, municipality = work.get_nowait()
            except queue.Empty:
                return
            try:
                started = time.perf_counter()
                token = browsers[number].csrf_token(path) if fetch_form else tokens[number]
                answer = browsers[number].post(path, form(tag, person, municipality, token))
                seconds = time.perf_counter() - started if fetch_form else answer.seconds
            except OSError as error:
                with lock:
                    statuses[repr(error)] += 1
                continue
            with lock:
                statuses[answer.status] += 1
                latencies.append(seconds * 1000)
                if answer.server_ms is not None:
                    server_ms.append(answer.server_ms)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, (busy, total) = time.perf_counter(), cpu_ticks()
    for thread in threads:
        thread.join()
    busy_after, total_after = cpu_ticks()
    return Load(
        time.perf_counter() - started,
        latencies,
        statuses,
        server_ms,
        busy_after - busy,
        total_after - total,
    )


def throughput(
    server: Server, app, registrations: int, clients: int, dates: int, rounds: int
) -> bool:
    municipalities = -(-registrations // dates)  # one per registration of a date: limit is 2
    known_municipalities(app, municipalities, "Last")
    date_ids = make_dates(app, dates, capacity=registrations, slug="durchsatz")
    (warm_id,) = make_dates(app, 1, capacity=1000, slug="aufwaermen")
    form_path = f"/angebote/termine/{date_ids[0]}/anmeldung"

    def registration_jobs(first: int, count: int, ids: list[int]):
        return [
            (f"/angebote/termine/{ids[n % len(ids)]}/anmeldung", first + n, n // len(ids))
            for n in range(count)
        ]

    our_jobs = registration_jobs(0, registrations, date_ids)
    bare_jobs = [("/bench/insert", n, n % municipalities) for n in range(registrations)]
    raw_jobs = [("/bench/insert-raw", n, n % municipalities) for n in range(registrations)]
    # Every worker renders each template and fills its pool once before the clock runs.
    drive(server, 8, registration_jobs(0, 64, [warm_id]), form_path, "warm")
    drive(server, 8, bare_jobs[:64], form_path, "warm")
    drive(server, 8, raw_jobs[:64], form_path, "warm")
    # The three loads take turns, a share of each per round, so that whatever else runs on
    # the machine meanwhile weighs on all three alike rather than on whichever ran last.
    ours = bare = raw = Load(0.0, [], Counter(), [])
    for turn in range(rounds):
        share = slice(turn * registrations // rounds, (turn + 1) * registrations // rounds)
        ours += drive(server, clients, our_jobs[share], form_path, "Last")
        bare += drive(server, clients, bare_jobs[share], form_path, "Last")
        raw += drive(server, clients, raw_jobs[share], form_path, "Last")

    with app.app_context():
        stored = db.session.execute(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.event_date_id.in_(date_ids)
            )
        ).scalar_one()
        overbooked = db.session.execute(
            sa.select(sa.func.count()).select_from(
                sa.select(EventDate.id)
                .join(Registration, Registration.event_date_id == EventDate.id)
                .where(EventDate.id.in_(date_ids), Registration.status.in_(HOLDING_A_SEAT))
                .group_by(EventDate.id, EventDate.capacity)
                .having(sa.func.count(Registration.id) > EventDate.capacity)
                .subquery()
            )
        ).scalar_one()
        bare_rows = db.session.execute(sa.text("SELECT count(*) FROM bench_insert")).scalar_one()

    ratio = ours.rate / bare.rate
    print(
        f"\n## Throughput: {registrations:,} POSTs from {clients} concurrent visitors "
        f"(registrations over {dates} dates; the loads alternate in {rounds} rounds)\n"
    )
    print("| endpoint | per second | POST p50 | POST p95 | server p50 | CPU busy | answers |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    loads = (
        ("registration form", ours),
        ("bare INSERT, Flask route (/bench/insert): the stack's limit", bare),
        ("bare INSERT, raw WSGI without Flask (/bench/insert-raw)", raw),
    )
    for name, load in loads:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(load.statuses.items(), key=str))
        print(
            f"| {name} | {load.rate:,.0f} | {percentile(load.latencies_ms, 0.5):.0f} ms "
            f"| {percentile(load.latencies_ms, 0.95):.0f} ms "
            f"| {statistics.median(load.server_ms):.1f} ms | {100 * load.busy:.0f} % | {answers} |"
        )
    print(
        f"\nregistration throughput / bare INSERT (Flask): {ratio:.2f} (target >= {RATIO_TARGET})"
    )
    raw_ratio = ours.rate / raw.rate
    print(f"registration throughput / bare INSERT without Flask (for comparison): {raw_ratio:.2f}")
    print(
        f"database: {stored:,} registrations stored, {overbooked} dates overbooked; "
        f"{bare_rows:,} bare rows (both bare endpoints, incl. warm-up)"
    )
    server_errors = sum(v for k, v in ours.statuses.items() if isinstance(k, int) and k >= 500)
    ok = (
        ours.statuses == Counter({302: registrations})
        and bare.statuses == Counter({302: registrations})
        and raw.statuses == Counter({302: registrations})
        and stored == registrations
        and bare_rows == 2 * (registrations + 64)
        and overbooked == 0
        and server_errors == 0
    )
    if ratio < RATIO_TARGET:
        print("ratio below target (reported, not an invariant)")
    return ok and drain_outbox(app)


def flow(server: Server, app, registrations: int, clients: int, dates: int, rounds: int) -> bool:
    municipalities = -(-registrations // dates)
    with app.app_context():
        import_directory(SHIPPED_EXTRACT, clock.now())
    known_municipalities(app, 2 * municipalities, "Flow")
    date_ids = make_dates(app, dates, capacity=2 * registrations, slug="browser-flow")
    (warm_id,) = make_dates(app, 1, capacity=1000, slug="browser-flow-warm")
    form_path = f"/angebote/termine/{date_ids[0]}/anmeldung"
    form_bytes = len(Browser(server).get(form_path).body.encode())

    def jobs(first: int, offset: int, ids: list[int]) -> list[tuple[str, int, int]]:
        return [
            (f"/angebote/termine/{ids[n % len(ids)]}/anmeldung", first + n, offset + n // dates)
            for n in range(registrations)
        ]

    post_jobs, flow_jobs = jobs(0, 0, date_ids), jobs(registrations, municipalities, date_ids)
    # Every worker renders the form and fills its pool once before the clock runs.
    drive(server, 8, jobs(0, 0, [warm_id])[:64], form_path, "warm", fetch_form=True)
    posts = flows = Load(0.0, [], Counter(), [])
    for turn in range(rounds):
        share = slice(turn * registrations // rounds, (turn + 1) * registrations // rounds)
        posts += drive(server, clients, post_jobs[share], form_path, "Flow")
        flows += drive(server, clients, flow_jobs[share], form_path, "Flow", fetch_form=True)
    with app.app_context():
        stored = db.session.execute(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.event_date_id.in_(date_ids)
            )
        ).scalar_one()
        directory = db.session.execute(sa.select(sa.func.count(Municipality.id))).scalar_one()
    ratio = flows.rate / posts.rate
    print(
        f"\n## Browser flow: {registrations:,} registrations from {clients} concurrent visitors "
        f"each way ({directory:,} municipalities in the database; the form page is "
        f"{form_bytes:,} bytes)\n"
    )
    print("| load | registrations per second | p50 | p95 | answers |")
    print("| --- | --- | --- | --- | --- |")
    for name, load in (("POST only", posts), ("GET the form, then POST", flows)):
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(load.statuses.items(), key=str))
        print(
            f"| {name} | {load.rate:,.0f} | {percentile(load.latencies_ms, 0.5):.0f} ms "
            f"| {percentile(load.latencies_ms, 0.95):.0f} ms | {answers} |"
        )
    print(f"\nbrowser flow / POST only: {ratio:.2f} (target >= {FLOW_TARGET})")
    print(f"database: {stored:,} of {2 * registrations:,} registrations stored")
    if ratio < FLOW_TARGET:
        print("ratio below target (reported, not an invariant)")
    return (
        posts.statuses == Counter({302: registrations})
        and flows.statuses == Counter({302: registrations})
        and stored == 2 * registrations
    )


def drain_outbox(app) -> bool:
    """Play the outbox worker once the load is over: every registration queued one mail to be
    composed later; each must compose and go out exactly once (MAIL_SUPPRESS_SEND: the SMTP
    hand-over is skipped, everything before it runs)."""
    with app.app_context():
        expected = db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one()
        db.session.commit()
        started = time.perf_counter()
        report = deliver_due()
        seconds = time.perf_counter() - started
        by_status = Counter(
            dict(
                db.session.execute(
                    sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
                ).all()
            )
        )
        unrendered = db.session.execute(
            sa.select(sa.func.count()).where(OutboxMessage.raw.is_(None))
        ).scalar_one()
    print(
        f"outbox worker afterwards (one process, the same machine): composed and sent "
        f"{report.sent:,} mails in {seconds:.1f} s ({1000 * seconds / max(report.sent, 1):.1f} ms "
        f"each); failed {report.failed}, not composed {unrendered}"
    )
    return (
        report.sent == expected
        and report.failed == 0
        and unrendered == 0
        and by_status == Counter({OutboxStatus.SENT: expected})
    )


# -- (c) cost per request -------------------------------------------------------------------


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a PostgreSQL backend, if the server runs on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cost(environment: dict[str, str], requests: int) -> bool:
    """One POST at a time, in this process (Flask's test client, the same scratch database):
    SQL statements, CPU time of the app and of its PostgreSQL backend, and wall time per POST,
    registration against the bare route. CPU time barely depends on what else the machine
    does, unlike the throughput figures."""
    app = create_app(
        {
            "DATABASE_URL": environment["STARTSMART_DATABASE_URL"],
            "INSTANCE_PATH": environment["STARTSMART_INSTANCE_PATH"],
            "SECRET_KEY": environment["STARTSMART_SECRET_KEY"],
            "PUBLIC_URL": environment["STARTSMART_PUBLIC_URL"],
            "MAIL_DELIVERY": "worker",
            "REGISTRATION_RATE_LIMIT": "100000 per minute",
            # One connection, so that one backend does all the database's work.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 1, "max_overflow": 0},
        }
    )
    add_bare_route(app)
    known_municipalities(app, -(-(requests + 100) // 100), "Kosten")
    date_ids = make_dates(app, 100, capacity=requests + 100, slug="kosten")
    statements: list[str] = []
    with app.app_context():
        backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        db.session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    page = client.get(f"/angebote/termine/{date_ids[0]}/anmeldung").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post(kind: str, number: int) -> int:
        path = (
            f"/angebote/termine/{date_ids[number % 100]}/anmeldung"
            if kind == "registration"
            else "/bench/insert"
        )
        return client.post(path, data=form("Kosten", number, number // 100, token)).status_code

    totals = {kind: Counter() for kind in ("registration", "bare")}
    answers: Counter = Counter()
    for kind in totals:  # warm-up: caches, prepared statements
        for number in range(30):
            answers[post(kind, 50_000 + number)] += 1
    for turn in range(2):
        for kind, total in totals.items():
            statements.clear()
            cpu, pg, wall = time.process_time(), backend_cpu_seconds(backend), time.perf_counter()
            for number in range(turn * requests // 2, (turn + 1) * requests // 2):
                answers[post(kind, number)] += 1
            total["app"] += time.process_time() - cpu
            total["wall"] += time.perf_counter() - wall
            total["statements"] += len(statements)
            after = backend_cpu_seconds(backend)
            total["pg"] += (after - pg) if pg is not None and after is not None else float("nan")
    with app.app_context():
        db.engine.dispose()

    print(f"\n## Cost per POST: {requests} of each, one at a time, in-process\n")
    print("| POST | SQL statements | app CPU | PostgreSQL CPU | CPU together | wall |")
    print("| --- | --- | --- | --- | --- | --- |")
    per = {kind: {k: v / requests for k, v in total.items()} for kind, total in totals.items()}
    for kind, name in (("registration", "registration form"), ("bare", "bare INSERT (Flask)")):
        figures = per[kind]
        print(
            f"| {name} | {figures['statements']:.1f} | {1000 * figures['app']:.2f} ms "
            f"| {1000 * figures['pg']:.2f} ms | {1000 * (figures['app'] + figures['pg']):.2f} ms "
            f"| {1000 * figures['wall']:.2f} ms |"
        )
    ours, bare = per["registration"], per["bare"]
    print(
        f"\nCPU of a registration / CPU of a bare INSERT: "
        f"{(ours['app'] + ours['pg']) / (bare['app'] + bare['pg']):.1f}"
    )
    return answers == Counter({302: 2 * (requests + 30)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--race", action="store_true", help="only the race")
    parser.add_argument("--throughput", action="store_true", help="only the throughput run")
    parser.add_argument("--cost", action="store_true", help="only the cost per request")
    parser.add_argument("--flow", action="store_true", help="only the browser flow")
    parser.add_argument("--clients", type=int, default=200, help="race: visitors (200)")
    parser.add_argument("--capacity", type=int, default=20, help="race: seats (20)")
    parser.add_argument("--registrations", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--dates", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="throughput: turns of the loads")
    parser.add_argument("--requests", type=int, default=400, help="cost: POSTs of each kind")
    parser.add_argument(
        "--limits",
        default="redis://127.0.0.1:6379/0",
        help="where the workers count rate limits, as in production (docs/deployment.md); "
        "memory:// counts per worker, without the round trip",
    )
    args = parser.parse_args()
    every = not (args.race or args.throughput or args.cost or args.flow)

    print(f"command: {command_line()}")
    print(f"load average before: {load_average()}")
    ok = True
    limits = {
        "STARTSMART_RATELIMIT_STORAGE_URI": args.limits,
        "STARTSMART_RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",  # no earlier counts
        # Every client of the benchmark is 127.0.0.1: the cap per client would be all of them.
        "STARTSMART_UNCONFIRMED_PER_CLIENT": "100000",
    }
    with gunicorn("registrations", limits) as (server, environment):
        app = local_app(environment)
        with app.app_context():
            db.session.execute(sa.text(BARE_TABLE_DDL))
            db.session.commit()
        print(
            f"server: gunicorn, 4 sync workers, http://{server.host}:{server.port}, "
            f"rate limits counted in {args.limits}"
        )
        if args.race or every:
            ok &= race(server, app, args.clients, args.capacity)
        if args.throughput or every:
            ok &= throughput(
                server, app, args.registrations, args.concurrency, args.dates, args.rounds
            )
        if args.flow or every:
            ok &= flow(server, app, args.registrations, args.concurrency, args.dates, args.rounds)
        if args.cost or every:
            ok &= cost(environment, args.requests)
        with app.app_context():
            db.engine.dispose()
    print(f"\nload average after: {load_average()}")
    print("result:", "OK" if ok else "FAILED (an invariant does not hold)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
