"""English mode end to end: with the demo data, every page a visitor or a staff member can reach
by following links, the error pages and the mails of a person who registered in English show no
German interface text. German that is data (titles, places, names) is taken out first."""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask import Flask

import startsmart
from consultation_support import booking_form
from speed_dating_support import arrives, conference_with_speed_dating
from staff_support import calendars, deliver
from startsmart import clock
from startsmart.catalog.models import EventDate, Offering, OfferingFormat
from startsmart.clock import berlin_today
from startsmart.demo import content
from startsmart.demo.service import load_demo
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.speed_dating import planning
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, links_in, login, path_of, registration_form, submit, text

CATALOGUE = Path(startsmart.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
# Words that only German interface text has (data is removed before this looks).
GERMAN = re.compile(
    r"[äöüÄÖÜß]|\b(?:und|oder|der|die|das|den|dem|des|ein|eine|einen|ist|sind|nicht|Sie|Ihre?|"
    r"für|mit|von|vom|zum|zur|bei|auf|bis|noch|schon|wird|wurde|bitte|Bitte|Uhr|Termine?|"
    r"Anmeldung|Kommunen?|Beratung|Plätze|Platz|Warteliste|alle|keine?|jetzt|Runde)\b"
)
# German kept on purpose in English: proper names of kinds of municipality, a Land, and the
# language switcher's "Deutsch" (marked lang="de", so it is skipped anyway).
KEPT = ["Amt / Verbandsgemeinde", "kreisfreie Stadt", "Landkreis", "Gemeinde", "Baden-Württemberg"]
ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class _VisibleText(HTMLParser):
    """Text a person reads or hears: text nodes and labelling attributes, without scripts and
    without parts marked as another language (lang="de")."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    @property
    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skip = tag in {"script", "style"} or values.get("lang", "en") != "en"
        if tag == "html":
            skip = False
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self._stack.append((tag, skip))
        if self._skipping or skip:
            return
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name, value in attrs:
            if value and (name in ATTRIBUTES or (name.startswith("data-") and " " in value)):
                self.parts.append(value)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def _data_strings() -> list[str]:
    """Every text stored in the database (titles, descriptions, names, places, questions):
    German content is not interface text."""
    found: set[str] = set()
    for mapper in db.Model.registry.mappers:
        for column in mapper.columns:
            if isinstance(column.type, sa.String | sa.Text | sa.JSON):
                for value in db.session.execute(sa.select(column)).scalars():
                    found |= set(_strings_in(value))
    pieces = {p.strip() for s in found for p in re.split(r"\n\s*\n|\n", s) if p.strip()}
    return sorted(found | pieces, key=len, reverse=True)


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value) > 1 else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return []


@cache
def _catalogue_german() -> re.Pattern:
    """Any German text of the catalogue whose English differs ("Speichern", not "Status"), as a
    whole: shown on an English page, it was not translated. Texts with placeholders are found
    by GERMAN instead; German that is also an English text ("Pause", "Start") cannot tell."""
    with open(CATALOGUE, "rb") as handle:
        entries = [m for m in read_po(handle) if isinstance(m.id, str) and m.id]
    english = {m.string for m in entries}
    texts = {m.id for m in entries if m.string != m.id and "%" not in m.id} - english
    alternatives = "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def german_left(page_text: str, data: list[str]) -> list[str]:
    """The German and its surroundings that remains once data and kept names are out."""
    known = "|".join(re.escape(k) for k in sorted([*data, *KEPT], key=len, reverse=True))
    page_text = re.sub(rf"(?<!\w)(?:{known})(?!\w)", " ", page_text)
    found = [*GERMAN.finditer(page_text), *_catalogue_german().finditer(page_text)]
    return [page_text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ") for m in found]


def _pattern(url: str) -> str:
    """Pages of one kind (/staff/termine/7, /staff/termine/9) count as one."""
    parts = urlsplit(url)
    keys = ",".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return re.sub(r"\d+", "N", parts.path) + "?" + keys


def crawl(client, start: list[str], per_kind: int = 2) -> dict[str, str]:
    """Follow the links from ``start`` (GET, same site, HTML only); returns url → visible text.
    Up to ``per_kind`` pages of each kind, so a list of 20 dates costs two visits."""
    seen: dict[str, int] = {}
    queue, pages = deque(start), {}
    while queue:
        url = queue.popleft()
        kind = _pattern(url)
        if url in pages or seen.get(kind, 0) >= per_kind:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        response = client.get(url)
        if response.status_code in {301, 302, 303}:
            queue.append(response.headers["Location"])
            continue
        assert response.status_code == 200, url
        if not response.mimetype == "text/html":
            continue
        parser = _VisibleText()
        parser.feed(text(response))
        pages[url] = "\n".join(parser.parts)
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in {"", "localhost"} or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/static/", "/sprache/")) or parts.path.endswith(
                (".ics", ".csv", ".json")
            ):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


@pytest.fixture
def demo(app: Flask, client, smtp):
    """The demo data, seen by an English-speaking visitor who registered for a date and booked
    a consultation (both confirmed), plus a speed networking with a plan at the conference."""
    with app.app_context():
        load_demo(clock.now(), with_history=False)  # this visitor's own story follows
        first_date = db.session.execute(
            sa.select(EventDate.id)
            .join(Offering)
            .where(Offering.format == OfferingFormat.ONLINE_INTRO)
            .limit(1)
        ).scalar_one()
    client.get("/sprache/en")
    response = submit(client, f"/angebote/termine/{first_date}/anmeldung", registration_form())
    assert response.status_code == 302, text(response)
    _confirm(client, smtp.to("kim@flensburg.de")[0])
    slot = _first_free_slot(client)
    start = unquote(slot.split("start=")[1])
    response = submit(client, slot, booking_form(datetime.fromisoformat(start)))
    assert response.status_code == 302, text(response)
    _confirm(client, smtp.to("kim@kleinstadt.de")[0])
    _speed_networking_with_a_plan(app)


def _first_free_slot(client) -> str:
    """The booking link of the first free consultation, this week or one of the next two."""
    week = "/initialberatung/"
    for _week in range(3):
        page = text(client.get(week))
        found = re.search(r'href="(/initialberatung/buchen\?start=[^"&]+)"', page)
        if found:
            return found[1]
        week = re.search(r'href="(/initialberatung/\?ab=[^"]+)">[^<]*→', page)[1]
    raise AssertionError("no free consultation in three weeks of demo data")


def _confirm(client, mail) -> None:
    # The mail is English: its links say so (?lang=en), whatever the browser's cookie.
    confirm = path_of(next(u for u in links_in(mail) if urlsplit(u).path.endswith("/bestaetigen")))
    response = client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    assert response.status_code == 302, text(response)


def _speed_networking_with_a_plan(app: Flask) -> None:
    with app.app_context():
        admin = db.session.execute(
            sa.select(StaffUser).where(StaffUser.role == Role.ADMIN)
        ).scalar_one()
        # The demo's conference predates registrations; this one has them.
        conference = conference_with_speed_dating(
            admin,
            clock.now(),
            berlin_today(clock.now()) + timedelta(days=20),
            title="Regionalkonferenz Süd",
            city="Ulm",
            venue="Stadthaus",
            description="Fachimpulse und Speed-Dating.",
            capacity=100,
        )
        for number, town in enumerate(["Aach", "Bühl", "Calw", "Dettingen", "Ehingen"]):
            arrives(
                conference.id,
                registrations.Applicant(
                    name=f"Person {number}",
                    email=f"person{number}@example.org",
                    function="Digitalisierung",
                    municipality=MunicipalityInput(town, FederalState.BW, MunicipalityKind.TOWN),
                    speed_dating=True,
                    contact_exchange=True,
                    locale="en" if number == 0 else "de",
                ),
                admin,
                clock.now(),
            )
        planning.make_plan(conference.id, admin, clock.now())
    deliver(app)  # the invitations and the code mails with the link to the phone view


def _leaks(app: Flask, pages: dict[str, str]) -> str:
    """The German left on ``pages``, one line per finding ("" when there is none). The
    operator's settings (name, addresses) count as data, like the database."""
    with app.app_context():
        data = _data_strings()
    data += [v for v in app.config.values() if isinstance(v, str) and len(v) > 1]
    return "\n".join(
        f"{url}: …{found}…" for url, page in pages.items() for found in german_left(page, data)
    )


# Who registered or booked in English (the web forms, the conference registrant's choice).
ENGLISH_PEOPLE = ("kim@flensburg.de", "kim@kleinstadt.de", "person0@example.org")


def _links_in_mails(smtp, *addresses: str) -> list[str]:
    """Links into Start Smart from the mails to ``addresses`` (not the online meeting's)."""
    links = [u for a in addresses for m in smtp.to(a) for u in links_in(m)]
    return [path_of(u) for u in links if u.startswith("https://startsmart.test/")]


def test_public_pages_in_english_show_no_german(app, client, smtp, demo):
    own = _links_in_mails(smtp, *ENGLISH_PEOPLE)
    pages = crawl(client, ["/", "/leichte-sprache", "/datenschutz", "/impressum", "/sd", *own])
    tokens = re.compile(r"/[A-Za-z0-9_-]{20,}|(?<=/sd)/[A-Z0-9]{8}")
    kinds = {_pattern(tokens.sub("/N", url)) for url in pages}
    assert {"/anmeldung/N?", "/beratung/N?", "/anmeldung/N/daten-loeschen?", "/sd/N?"} <= kinds
    assert len(pages) >= 25
    assert _leaks(app, pages) == ""


def test_staff_pages_in_english_show_no_german(app, client, demo):
    admin, _name, _role, password = content.STAFF[0]
    login(client, admin, password)
    pages = crawl(client, ["/staff/", "/staff/protokoll/"])
    assert any("/speed-dating" in url for url in pages) and len(pages) >= 60, sorted(pages)
    assert _leaks(app, pages) == ""


def test_error_pages_in_english_show_no_german(app, client):
    client.get("/sprache/en")
    pages = {}
    for url, code in [("/gibt-es-nicht", 404), ("/staff/", 302)]:
        response = client.get(url)
        assert response.status_code == code
        pages[url] = text(response) if code != 302 else text(client.get(response.location))
    missing_token = client.post("/staff/login", data={"email": "x@example.org"})
    assert missing_token.status_code == 400
    pages["/staff/login (no CSRF token)"] = text(missing_token)
    visible = {}
    for url, html in pages.items():
        parser = _VisibleText()
        parser.feed(html)
        visible[url] = "\n".join(parser.parts)
    assert "Page not found" in visible["/gibt-es-nicht"]
    assert _leaks(app, visible) == ""


def test_mails_to_a_person_who_registered_in_english_are_english(app, smtp, demo):
    mails = [m for address in ENGLISH_PEOPLE for m in smtp.to(address)]
    # confirm + invitation for the date and for the consultation; at the conference the
    # invitation and the code for the phone view
    assert len(mails) == 6
    texts = {}
    for number, mail in enumerate(mails):
        parser = _VisibleText()
        parser.feed(mail.get_body(("html",)).get_content())
        calendar = "\n".join(
            str(event.get(key, ""))
            for calendar in calendars(mail)
            for event in calendar.walk("VEVENT")
            for key in ("SUMMARY", "DESCRIPTION", "LOCATION")
        )
        texts[f"mail {number}: {mail['Subject']}"] = "\n".join(
            [mail["Subject"], mail.get_body(("plain",)).get_content(), *parser.parts, calendar]
        )
    assert all(mail["Content-Language"] == "en" for mail in mails)
    assert _leaks(app, texts) == ""


def test_the_detector_finds_german_interface_text_and_ignores_data():
    data = ["Grundlagen der Smart City"]
    assert german_left("Register for Grundlagen der Smart City", data) == []
    assert german_left("Independent city (kreisfreie Stadt)", data) == []
    assert german_left("Registration until 12:00 Uhr", data) != []
    assert german_left("Bitte wählen", data) != []
    assert german_left("Speichern", data) != []  # no marker word, but a catalogue text
    assert german_left("Status: Start Smart", data) == []  # the same in both languages
