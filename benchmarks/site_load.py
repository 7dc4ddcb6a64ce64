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
- cancel: manage link from a mail → cancel page → POST;
- book: the week of free consultation slots (maybe a few weeks ahead) → a slot → the booking
  form → POST. A slot somebody else took meanwhile is a normal answer, not an error.

Afterwards the outbox is drained and the script checks: no 5xx and no failed connection; no
date holds more seats than it has, and nobody waits while a seat is free; no advisor has two
active consultations closer than the buffer, or more than the day limit; every confirmed
registration has its invitation (METHOD:REQUEST with its UID) in the SMTP sink; every mail in
the outbox was sent and received exactly once. Exits non-zero if one of them fails.

    .venv/bin/python benchmarks/site_load.py [--users 200] [--seconds 60] [--think 1.0]
"""

from __future__ import annotations

import argparse
import email
import html
import os
import platform
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from live_server import (
    Browser,
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from smtp_sink import SinkHandler, SmtpSink  # noqa: E402  (the tests' SMTP sink)
from startsmart import create_app  # noqa: E402
from startsmart.catalog.models import EventDate, Offering, OfferingFormat, Topic  # noqa: E402
from startsmart.clock import BERLIN  # noqa: E402
from startsmart.consultations.models import Consultation, ConsultationStatus  # noqa: E402
from startsmart.database import utcnow  # noqa: E402
from startsmart.demo.service import load_demo  # noqa: E402
from startsmart.extensions import db  # noqa: E402
from startsmart.invitations.models import OutboxMessage, OutboxStatus  # noqa: E402
from startsmart.municipalities.models import Person  # noqa: E402
from startsmart.registrations.models import (  # noqa: E402
    HOLDING_A_SEAT,
    Registration,
    RegistrationStatus,
)
from startsmart.staff.models import StaffUser  # noqa: E402

# What a visitor does when nothing in their mailbox asks for an answer (relative weights).
JOURNEYS = {"browse": 45, "register": 25, "book": 12, "cancel": 8}
# The smoke run is short: fewer pages browsed, so that every kind of journey gets through.
SMOKE_JOURNEYS = {"browse": 10, "register": 30, "book": 25, "cancel": 35}
CONFIRMS = 0.85  # share of confirmation links that get clicked
UNLIMITED = "1000000 per minute"
REGISTRABLE = (
    OfferingFormat.ONLINE_INTRO,
    OfferingFormat.THEMATIC_INPUT,
    OfferingFormat.MODERATED_EXCHANGE,
)
DATE_LINK = re.compile(r'href="(/angebote/termine/\d+/anmeldung)"')
SLOT_LINK = re.compile(r'href="(/initialberatung/buchen\?start=[^"]+)"')
NEXT_WEEK = re.compile(r'href="(/initialberatung/\?ab=[^"]+)"[^>]*>[^<]*→')
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/(?:anmeldung|beratung)/[\w-]+/bestaetigen)\b")
MANAGE_LINK = re.compile(r"https?://[^/\s]+(/(?:anmeldung|beratung)/[\w-]+)(?=\s|$)", re.MULTILINE)
CANCEL_PATH = {"registration": "stornieren", "consultation": "absagen"}
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
# WTForms writes name before type, the hand-written forms (confirm, cancel) type first.
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?<ul>(.*?)</ul>', re.DOTALL)


def form_errors(page: str) -> str:
    """The error summary of a form shown again, as plain text."""
    found = ERROR_SUMMARY.search(page)
    if found is None:
        return "no error shown"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()[:120]


class TimeUp(Exception):
    """The load's time is over: the visitor stops where it is."""


# -- the mailbox -----------------------------------------------------------------------------


@dataclass
class Mailbox(SinkHandler):
    """The tests' SMTP sink, plus an index by recipient so a visitor finds their mail at once."""

    by_recipient: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient.lower()].append(envelope.original_content)
        return answer

    def since(self, recipient: str, seen: int) -> list[bytes]:
        with self.lock:
            return list(self.by_recipient.get(recipient, ())[seen:])


def plain_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=default_policy)
    body = message.get_body(("plain",))
    return body.get_content() if body is not None else ""


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)

    def record(self, page: str, answer) -> None:
        with self.lock:
            self.seconds[page].append(answer.seconds)
            self.statuses[page][answer.status] += 1
            if answer.server_ms is not None:
                self.server_ms[page].append(answer.server_ms)

    def failed(self, page: str, error: Exception) -> None:
        with self.lock:
            self.errors[f"{page}: {type(error).__name__}"] += 1

    def outcome(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1

    def every_journey_through(self) -> bool:
        """Each kind of journey has got to its end at least once (what --smoke waits for)."""
        with self.lock:
            done = {name for name, count in self.outcomes.items() if count}
        return {
            "confirm registration: HTTP 302",
            "confirm consultation: HTTP 302",
        } <= done and any(name.startswith("cancel ") and "302" in name for name in done)


# -- a visitor -------------------------------------------------------------------------------


@dataclass
class Site:
    """What a visitor knows beforehand, as from a bookmark or a search engine (taken from
    the database once; everything else it reads from the pages)."""

    offerings: list[str]  # slugs of offerings with dates to register for
    filters: list[str]  # catalogue URLs with a filter or a page number


class Visitor:
    """One municipality's staff: browses, registers colleagues, books a consultation, reads
    the mail that comes back and acts on it."""

    def __init__(
        self, number, server, site, stats, mailbox, deadline, think, seed, journeys=JOURNEYS
    ) -> None:
        self.number = number
        self.server = server
        self.site = site
        self.stats = stats
        self.mailbox = mailbox
        self.deadline = deadline
        self.think = think
        self.journeys = journeys
        self.random = random.Random(seed)
        self.browser = Browser(server, timeout=120)
        self.municipality = f"Lastgemeinde {number}"
        self.colleagues = 0
        self.bookings = 0
        self.addresses: dict[str, int] = {}  # address -> mails read
        self.to_confirm: list[str] = []
        self.manage_links: dict[str, str] = {}  # address -> newest manage link

    # one request, timed; the pause before it is the visitor reading the previous page
    def fetch(self, page: str, path: str, form: dict[str, str] | None = None):
        if self.think:
            time.sleep(self.random.uniform(0, 2 * self.think))
        if time.monotonic() >= self.deadline:
            raise TimeUp
        try:
            answer = self.browser.request("POST" if form is not None else "GET", path, form)
        except OSError as error:
            self.stats.failed(page, error)
            if time.monotonic() >= self.deadline:
                raise TimeUp from error
            raise
        self.stats.record(page, answer)
        return answer

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                self.read_mail()
                if self.to_confirm and self.random.random() < CONFIRMS:
                    self.confirm(self.to_confirm.pop(0))
                    continue
                self.to_confirm.clear()  # the rest is left unanswered
                journey = self.random.choices(list(self.journeys), list(self.journeys.values()))[0]
                if journey == "cancel" and not self.manage_links:
                    journey = "browse"
                getattr(self, journey)()
            except TimeUp:
                return
            except OSError:
                continue  # counted; the visitor tries something else

    def read_mail(self) -> None:
        for address, seen in self.addresses.items():
            for raw in self.mailbox.since(address, seen):
                self.addresses[address] += 1
                text = plain_text(raw)
                self.to_confirm.extend(CONFIRM_LINK.findall(text))
                manage = MANAGE_LINK.findall(text)
                if manage:
                    self.manage_links[address] = manage[-1]

    def browse(self) -> None:
        self.fetch("start page /", "/")
        if self.random.random() < 0.5:
            self.fetch("catalogue /angebote/", "/angebote/")
        else:
            self.fetch("catalogue, filtered or paged", self.random.choice(self.site.filters))
        self.fetch(
            "offering /angebote/<slug>", f"/angebote/{self.random.choice(self.site.offerings)}"
        )

    def register(self) -> None:
        offering = self.fetch(
            "offering /angebote/<slug>", f"/angebote/{self.random.choice(self.site.offerings)}"
        )
        dates = DATE_LINK.findall(offering.body)
        if not dates:
            self.stats.outcome("register: no date open")
            return
        path = self.random.choice(dates)
        page = self.fetch("registration form", path)
        token = CSRF.search(page.body)
        if page.status != 200 or token is None:
            self.stats.outcome("register: no form")
            return
        self.colleagues += 1
        address = f"kollegin{self.colleagues}@lastgemeinde{self.number}.example"
        form = {
            "csrf_token": token.group(1),
            "name": f"Kollegin {self.colleagues} aus {self.municipality}",
            "email": address,
            "function": "Digitalisierung",
            "municipality": self.municipality,
            "state": "NI",
            "municipality_kind": "town",
            "population_class": "5k_20k",
            "privacy": "y",
        }
        if 'name="question"' in page.body:
            form["question"] = "Wie wählen wir die ersten Projekte aus?"
        answer = self.fetch("registration POST", path, form)
        if answer.status != 302:
            self.stats.outcome(f"register: form shown again: {form_errors(answer.body)}")
            return
        self.addresses[address] = 0
        received = self.fetch("registration received", answer.headers["Location"])
        if "Wir halten einen Platz" in received.body:
            self.stats.outcome("register: seat held (pending)")
        elif "Warteliste" in received.body:
            self.stats.outcome("register: waiting list")
        else:
            self.stats.outcome("register: other answer")

    def confirm(self, path: str) -> None:
        kind = "consultation" if path.startswith("/beratung/") else "registration"
        page = self.fetch(f"{kind} confirm page", path)
        token = CSRF.search(page.body)
        if page.status != 200 or token is None:
            self.stats.outcome(f"confirm {kind}: no form (HTTP {page.status})")
            return
        answer = self.fetch(f"{kind} confirm POST", path, {"csrf_token": token.group(1)})
        self.stats.outcome(f"confirm {kind}: HTTP {answer.status}")
        if answer.status == 302:
            self.fetch(f"{kind} manage page", answer.headers["Location"])

    def cancel(self) -> None:
        address = self.random.choice(list(self.manage_links))
        manage = self.manage_links.pop(address)
        kind = "consultation" if manage.startswith("/beratung/") else "registration"
        cancel = f"{manage}/{CANCEL_PATH[kind]}"
        self.fetch(f"{kind} manage page", manage)
        page = self.fetch(f"{kind} cancel page", cancel)
        token = CSRF.search(page.body)
        if page.status != 200 or token is None:
            self.stats.outcome(f"cancel {kind}: no form (HTTP {page.status})")
            return
        answer = self.fetch(f"{kind} cancel POST", cancel, {"csrf_token": token.group(1)})
        self.stats.outcome(f"cancel {kind}: HTTP {answer.status}")
        if answer.status == 302:
            self.fetch(f"{kind} manage page", answer.headers["Location"])

    def book(self) -> None:
        week = self.fetch("consultation week /initialberatung/", "/initialberatung/")
        ahead = self.random.choice((0, 0, 1, 1, 2, 3))  # weeks to look further ahead
        for _ in range(8):  # and on while a week has nothing free, as a person would
            if (ahead <= 0 and SLOT_LINK.search(week.body)) or not NEXT_WEEK.search(week.body):
                break
            ahead -= 1
            following = html.unescape(NEXT_WEEK.search(week.body).group(1))
            week = self.fetch("consultation week /initialberatung/", following)
        slots = SLOT_LINK.findall(week.body)
        if not slots:
            self.stats.outcome("book: no free slot in the weeks looked at")
            return
        path = html.unescape(self.random.choice(slots))
        start = parse_qs(urlsplit(path).query)["start"][0]
        page = self.fetch("booking form", path)
        token = CSRF.search(page.body)
        if page.status != 200 or token is None:
            self.stats.outcome(f"book: no form (HTTP {page.status})")
            return
        # One consultation per municipality and year: each booking is another municipality.
        self.bookings += 1
        address = f"buchung{self.bookings}@lastgemeinde{self.number}.example"
        form = {
            "csrf_token": token.group(1),
            "starts_at": start,
            "channel": "video",
            "phone": "",
            "name": f"Bea Buchung {self.number}-{self.bookings}",
            "email": address,
            "function": "Bauamt",
            "municipality": f"Beratungsgemeinde {self.number}-{self.bookings}",
            "state": "NW",
            "municipality_kind": "city",
            "population_class": "5k_20k",
            "situation": "Wir haben einen Ratsbeschluss, aber noch kein Team.",
            "goals": "Wie fangen wir an?",
            "privacy": "y",
        }
        answer = self.fetch("booking POST", "/initialberatung/buchen", form)
        if answer.status == 302:
            self.addresses[address] = 0
            self.stats.outcome("book: booked (pending)")
            self.fetch("booking received", answer.headers["Location"])
        else:  # usually: somebody else took the slot meanwhile
            self.stats.outcome(f"book: form shown again: {form_errors(answer.body)}")


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
        summary = load_demo(utcnow())
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
        return "gunicorn"
    if command.startswith("postgres:") and f" {database} " in command:
        return "PostgreSQL (this database)"
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


def calendars(mailbox: Mailbox) -> tuple[set[tuple[str, str, str]], Counter]:
    """(UID, METHOD, recipient) of every calendar the SMTP server received; Message-IDs."""
    seen, ids = set(), Counter()
    for received in mailbox.received:
        header = received.data.split(b"\r\n\r\n", 1)[0]
        ids[MESSAGE_ID.search(header).group(1).decode()] += 1
        if b"text/calendar" not in received.data:
            continue
        message = email.message_from_bytes(received.data, policy=default_policy)
        for part in message.walk():
            if part.get_content_type() != "text/calendar":
                continue
            text = part.get_content()
            if isinstance(text, bytes):
                text = text.decode()
            text = text.replace("\r\n ", "").replace("\n ", "")
            method = re.search(r"^METHOD:(\S+)", text, re.MULTILINE).group(1)
            for uid in re.findall(r"^UID:(\S+)", text, re.MULTILINE):
                for recipient in received.rcpt_tos:
                    seen.add((uid, method, recipient.lower()))
            break  # the .ics attachment repeats the same calendar
    return seen, ids


def invited_people() -> list[tuple[str, int, str, tuple[str, ...]]]:
    """(kind, id, status now, addresses) of every registration and consultation that was sent
    its calendar invitation (some since cancelled): the person, and for a consultation also
    the advisor."""
    registrations = db.session.execute(
        sa.select(Registration.id, Registration.status, Person.email)
        .join(Person, Registration.person_id == Person.id)
        .where(Registration.invitation_sent)
    ).all()
    consultations = db.session.execute(
        sa.select(Consultation.id, Consultation.status, Person.email, StaffUser.email)
        .join(Person, Consultation.person_id == Person.id)
        .join(StaffUser, Consultation.advisor_id == StaffUser.id)
        .where(Consultation.invitation_sent)
    ).all()
    return [("registration", i, s.value, (e,)) for i, s, e in registrations] + [
        ("consultation", i, s.value, (e, a)) for i, s, e, a in consultations
    ]


def invariants(app, mailbox: Mailbox) -> bool:
    config = app.config
    buffer = config["CONSULTATION_BUFFER_MINUTES"]
    host = urlsplit(config["PUBLIC_URL"]).hostname
    with app.app_context():
        now = utcnow()
        dates = db.session.execute(
            sa.select(
                EventDate.id,
                EventDate.capacity,
                EventDate.starts_at,
                sa.func.count(Registration.id).filter(Registration.status.in_(HOLDING_A_SEAT)),
                sa.func.count(Registration.id).filter(
                    Registration.status == RegistrationStatus.WAITLISTED
                ),
            )
            .outerjoin(Registration, Registration.event_date_id == EventDate.id)
            .group_by(EventDate.id)
        ).all()
        over = [(i, held, cap) for i, cap, _, held, _ in dates if held > cap]
        stuck = [(i, held, cap, w) for i, cap, s, held, w in dates if held < cap and w and s > now]
        statuses = Counter(
            dict(
                db.session.execute(
                    sa.select(Registration.status, sa.func.count()).group_by(Registration.status)
                ).all()
            )
        )
        # Occupying the advisor: confirmed, or pending with the hold still running.
        active = "status = 'confirmed' OR (status = 'pending' AND hold_expires_at > :now)"
        overlapping = db.session.execute(
            sa.text(
                f"""
                WITH active AS (SELECT * FROM consultation WHERE {active})
                SELECT a.id, b.id, a.advisor_id FROM active a JOIN active b
                  ON a.advisor_id = b.advisor_id AND a.id < b.id
                 AND a.starts_at < b.ends_at + make_interval(mins => :buffer)
                 AND b.starts_at < a.ends_at + make_interval(mins => :buffer)
                """
            ),
            {"buffer": buffer, "now": now},
        ).all()
        per_day = db.session.execute(
            sa.text(
                f"""
                SELECT advisor_id, (starts_at AT TIME ZONE 'Europe/Berlin')::date, count(*)
                FROM consultation WHERE {active}
                GROUP BY 1, 2 HAVING count(*) > :limit
                """
            ),
            {"limit": config["CONSULTATION_MAX_PER_DAY"], "now": now},
        ).all()
        consultations = Counter(
            dict(
                db.session.execute(
                    sa.select(Consultation.status, sa.func.count()).group_by(Consultation.status)
                ).all()
            )
        )
        invited = invited_people()
        outbox = db.session.execute(
            sa.select(
                OutboxMessage.message_id,
                OutboxMessage.status,
                OutboxMessage.created_at,
                OutboxMessage.sent_at,
            )
        ).all()
    seen, received_ids = calendars(mailbox)

    def missing(kind: str, status: str, method: str) -> list[int]:
        return [
            number
            for what, number, now_status, addresses in invited
            if what == kind and (status == "any" or now_status == status)
            for address in addresses
            if (f"{kind}-{number}@{host}", method, address.lower()) not in seen
        ]

    outbox_ids = Counter(m for m, *_ in outbox)
    not_sent = sum(1 for _, status, *_ in outbox if status is not OutboxStatus.SENT)
    lost = set(outbox_ids) - set(received_ids)
    twice = sum(1 for n in received_ids.values() if n > 1)
    delays = [(sent - created).total_seconds() for _, _, created, sent in outbox if sent]

    # A check over nothing proves nothing: each kind of journey must have got through.
    kinds = Counter(what for what, *_ in invited)
    cancelled = statuses[RegistrationStatus.CANCELLED] + consultations[ConsultationStatus.CANCELLED]
    never = [
        name
        for name, count in (
            ("registration confirmed (invitation sent)", kinds["registration"]),
            ("consultation confirmed (invitation sent)", kinds["consultation"]),
            ("registration or consultation cancelled", cancelled),
        )
        if count == 0
    ]

    print("\n## Invariants\n")
    print(
        "registrations: "
        + ", ".join(f"{s.value} {n:,}" for s, n in sorted(statuses.items(), key=str))
    )
    print(
        "consultations: "
        + ", ".join(f"{s.value} {n:,}" for s, n in sorted(consultations.items(), key=str))
    )
    print(
        f"mails: {len(outbox):,} in the outbox, {len(mailbox.received):,} received; delay from "
        f"queued to sent p50 {percentile(delays or [0], 0.5):.1f} s, "
        f"p95 {percentile(delays or [0], 0.95):.1f} s"
    )
    checks = [
        ("dates over capacity", over),
        ("dates with a free seat while people wait", stuck),
        (f"advisors' active consultations overlapping (incl. {buffer} min buffer)", overlapping),
        ("advisor days over the day limit", per_day),
        (
            "confirmed registrations without their invitation (REQUEST, UID) in the sink",
            missing("registration", "confirmed", "REQUEST"),
        ),
        (
            "confirmed consultations without the invitation to the municipality and the advisor",
            missing("consultation", "confirmed", "REQUEST"),
        ),
        (
            "invited, then cancelled, without the invitation and its CANCEL (same UID)",
            missing("registration", "cancelled", "REQUEST")
            + missing("registration", "cancelled", "CANCEL")
            + missing("consultation", "cancelled", "REQUEST")
            + missing("consultation", "cancelled", "CANCEL"),
        ),
        ("outbox mails not sent", [not_sent] if not_sent else []),
        ("outbox mails the SMTP server never received", sorted(lost)),
        ("mails received more than once", [twice] if twice else []),
        ("journeys that never got through (the checks above would miss them)", never),
    ]
    print("\n| invariant | violations |")
    print("| --- | --- |")
    for name, found in checks:
        print(f"| {name} | {len(found)}{' ' + str(found[:5]) if found else ''} |")
    print(
        f"(invitations checked: {kinds['registration']:,} registrations, "
        f"{kinds['consultation']:,} consultations, confirmed now or cancelled since)"
    )
    return all(not found for _, found in checks)


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
            ok &= invariants(app, mailbox)
            with app.app_context():
                db.engine.dispose()
    finally:
        mailbox_sink.stop()
    print(f"\nload average after: {load_average()}")
    print("result:", "OK" if ok else "FAILED (an invariant does not hold)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
