"""The simulated visitors of ``site_load.py``: what they do, what they read in their mail,
and what they were told; plus the SMTP sink as their mailbox and the timings they collect.

A visitor is one municipality's staff member in a thread of its own, with its own cookies
(``live_server.Browser``), reading the real pages (links, CSRF tokens, error summaries) and
acting on the mail the SMTP server received for its addresses, as a person would.
"""

from __future__ import annotations

import email
import html
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

from live_server import Browser

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from smtp_sink import SinkHandler  # noqa: E402  (the tests' SMTP sink)

# What a visitor does when nothing in their mailbox asks for an answer (relative weights).
JOURNEYS = {"browse": 45, "register": 25, "book": 12, "cancel": 8}
# The smoke run is short: fewer pages browsed, so that every kind of journey gets through.
SMOKE_JOURNEYS = {"browse": 10, "register": 30, "book": 25, "cancel": 35}
CONFIRMS = 0.85  # share of confirmation links that get clicked
DATE_LINK = re.compile(r'href="(/angebote/termine/\d+/anmeldung)"')
SLOT_LINK = re.compile(r'href="(/initialberatung/buchen\?start=[^"]+)"')
NEXT_WEEK = re.compile(r'href="(/initialberatung/\?ab=[^"]+)"[^>]*>[^<]*→')
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/(?:anmeldung|beratung)/[\w-]+/bestaetigen)\b")
MANAGE_LINK = re.compile(r"https?://[^/\s]+(/(?:anmeldung|beratung)/[\w-]+)(?=\s|$)", re.MULTILINE)
CANCEL_PATH = {"registration": "stornieren", "consultation": "absagen"}
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
