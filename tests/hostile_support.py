"""The hostile-input battery's tools: a world in which every page has something to show, every
route's URL built from ``app.url_map``, the forms found on those pages, and a snapshot of the
whole database to prove that a refused request changed nothing.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from consultation_support import booking_request, make_advisor
from startsmart.catalog.models import EventDate, Offering
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences import service as conferences
from startsmart.conferences import speed_dating, speed_planning
from startsmart.consultations import booking, feed
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import AdvisorAbsence, ExtraHours, WeeklyHours
from startsmart.database import utcnow
from startsmart.extensions import db, limiter
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import mails as registration_mails
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Consent
from startsmart.staff.models import Role, StaffUser
from startsmart.tokens import mint
from support import login, make_date, make_staff

ADMIN = "admin@kts.example"
ADVISOR = "berta@kts.example"
SCRIPT_NAME = '<script>alert("x")</script><b>Kim</b>'

# POST routes no page in the world shows a form for, and why: buttons without fields (the CSRF
# battery posts to them all the same). Every other POST route must be reached by a form the
# crawler finds, so a new form cannot slip past the battery.
NOT_A_PAGE_FORM = {
    "staff.keep_alive": "called by idle.js with the page's CSRF token, no form",
    "registrations.resend_link": "shown only right after registering (session outcome)",
    "consultations_staff.send_follow_up": "shown only after the consultation took place",
    "speed_dating_staff.contacts": "shown only after the speed-dating ended",
}


# -- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    """Ids and secrets of one of everything; ``url_values`` fills a route's placeholders."""

    offering_slug: str
    date_id: int
    exchange_date_id: int
    offering_id: int
    conference_id: int
    conference_slug: str
    registration_id: int
    registration_token: str
    consultation_id: int
    consultation_token: str
    advisor_id: int
    feed_token: str
    speed_code: str
    staff_user_id: int
    past_date_id: int  # began two hours ago: attendance can be recorded
    weekly_id: int
    absence_id: int
    extra_id: int
    consent_id: int
    message_id: int

    def url_values(self, rule: Rule) -> dict[str, Any]:
        """Values for every placeholder of ``rule``: ids and tokens of this world."""
        endpoint = rule.endpoint
        common: dict[str, Any] = {
            "date_id": self.date_id,
            "offering_id": self.offering_id,
            "conference_id": self.conference_id,
            "consultation_id": self.consultation_id,
            "advisor_id": self.advisor_id,
            "user_id": self.staff_user_id,
            "message_id": self.message_id,
            "consent_id": self.consent_id,
            "kind": "anmeldung",
            "code": self.speed_code,
            "action": "start",
        }
        special: dict[str, dict[str, Any]] = {
            "catalog.offering": {"slug": self.offering_slug},
            # The exchange's form asks for a question too: a superset of the others.
            "registrations.register": {"date_id": self.exchange_date_id},
            "staff_registrations.attendance": {"date_id": self.past_date_id},
            "conferences.detail": {"slug": self.conference_slug},
            "language.switch": {"code": "en"},
            "consultations.advisor_feed": {"token": self.feed_token},
            "availability_staff.remove_weekly": {"row_id": self.weekly_id},
            "availability_staff.remove_absence": {"row_id": self.absence_id},
            "availability_staff.remove_extra": {"row_id": self.extra_id},
        }
        if endpoint.startswith("consultations."):
            common["token"] = self.consultation_token
        else:
            common["token"] = self.registration_token
        values = {**common, **special.get(endpoint, {})}
        return {name: values[name] for name in rule.arguments}


def weekday_ahead(days: int, hour: int = 10) -> datetime:
    day = berlin_today(utcnow()) + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return berlin_to_utc(day, time(hour))


def build_world(app: Flask) -> World:
    """An admin (logged in by ``as_admin``), an advisor with hours, an offering with dates and
    registrations, a booked consultation, a regional conference with a speed-dating plan."""
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    advisor_id = make_advisor(app, ADVISOR, name="Berta Beraterin")
    staff_user_id = make_staff(app, email="eva@kts.example", role=Role.EVENT_TEAM, name="Eva")
    date_id = make_date(app, slug="grundlagen")
    exchange_date_id = make_date(app, fmt="moderated_exchange", slug="austausch")
    past_date_id = make_date(app, slug="vorbei")
    make_date(app, slug="eingestellt")  # its offering is retired below
    now = utcnow()
    expires = now + timedelta(days=60)
    with app.app_context():
        admin = db.session.get(StaffUser, admin_id)
        advisor = db.session.get(StaffUser, advisor_id)
        offering_id = db.session.get(EventDate, date_id).offering_id
        outcome = registrations.register(
            date_id, applicant("Kim Kommune", "kim@flensburg.de", news=True), now
        )
        registration_token = mint(
            registration_mails.TOKEN_PURPOSE, outcome.registration_id, now, expires
        )
        consent_id = db.session.execute(sa.select(Consent.id)).scalars().first()
        registrations.register(
            past_date_id, applicant("Paul Vorbei", "paul@husum.de", town="Husum"), now, True
        )
        past = db.session.get(EventDate, past_date_id)
        past.starts_at, past.ends_at = now - timedelta(hours=2), now - timedelta(minutes=30)
        retired = db.session.execute(
            sa.select(Offering).where(Offering.slug == "eingestellt")
        ).scalar_one()
        retired.retired_at = now
        booked = booking.book(booking_request(weekday_ahead(7)), now, by_staff=True)
        consultation_token = mint(
            consultation_mails.TOKEN_PURPOSE, booked.consultation_id, now, expires
        )
        feed_token = feed.rotate(advisor, now).rsplit("/", 1)[1].removesuffix(".ics")
        db.session.add(
            AdvisorAbsence(
                advisor_id=advisor_id,
                first_day=berlin_today(now) + timedelta(days=40),
                last_day=berlin_today(now) + timedelta(days=41),
                note="Urlaub",
            )
        )
        db.session.add(
            ExtraHours(
                advisor_id=advisor_id,
                starts_at=weekday_ahead(20, 14),
                ends_at=weekday_ahead(20, 16),
                channels="video",
                label="Zusatz",
            )
        )
        db.session.commit()
        conference, code = _conference_with_plan(admin, now)
        world = World(
            offering_slug="grundlagen",
            date_id=date_id,
            exchange_date_id=exchange_date_id,
            offering_id=offering_id,
            conference_id=conference.id,
            conference_slug=conference.slug,
            registration_id=outcome.registration_id,
            registration_token=registration_token,
            consultation_id=booked.consultation_id,
            consultation_token=consultation_token,
            advisor_id=advisor_id,
            feed_token=feed_token,
            speed_code=code,
            staff_user_id=staff_user_id,
            past_date_id=past_date_id,
            weekly_id=_first_id(WeeklyHours),
            absence_id=_first_id(AdvisorAbsence),
            extra_id=_first_id(ExtraHours),
            consent_id=consent_id,
            message_id=_first_id(OutboxMessage),
        )
        db.session.commit()
    return world


def _first_id(model) -> int:
    return db.session.execute(sa.select(model.id).order_by(model.id)).scalars().first()


def applicant(
    name: str, email: str, town: str = "Flensburg", news: bool = False, **fields
) -> registrations.Applicant:
    return registrations.Applicant(
        name=name,
        email=email,
        function=fields.pop("function", "Digitalisierung"),
        municipality=MunicipalityInput(town, FederalState.SH, MunicipalityKind.TOWN),
        news_consent=news,
        **fields,
    )


def _conference_with_plan(actor: StaffUser, now: datetime):
    day = berlin_today(now) + timedelta(days=10)
    conference = conferences.create_conference(
        conferences.ConferenceInput(
            title="Regionalkonferenz Nord",
            day=day,
            starts=time(9, 0),
            ends=time(17, 0),
            city="Flensburg",
            venue="Deutsches Haus",
            description="Fachimpulse, Beratung und Speed-Dating.",
            capacity=200,
            deadline=Deadline(),
        ),
        actor,
        now,
    )
    speed_dating.save_settings(
        conference.id,
        speed_dating.Settings(
            starts=time(13, 0), questions=tuple(speed_dating.default_questions())
        ),
        actor,
        now,
    )
    date_id = conferences.conference_date(conference.id).id
    codes = []
    for number in range(4):
        outcome = registrations.register(
            date_id,
            applicant(
                f"Person {number}",
                f"person{number}@ort{number}.de",
                town=f"Ort {number}",
                speed_dating=True,
                contact_exchange=True,
            ),
            now,
            by_staff=True,
        )
        person = speed_dating.set_presence(
            conference.id,
            registration_id=outcome.registration_id,
            present=True,
            actor=actor,
            now=now,
        )
        codes.append(person.code)
    speed_planning.make_plan(conference.id, actor, berlin_to_utc(day, time(12, 0)))
    db.session.commit()
    return conference, codes[0]


def as_admin(client: FlaskClient) -> FlaskClient:
    login(client, ADMIN)
    return client


# -- routes -------------------------------------------------------------------------------------


def rules(app: Flask, method: str) -> list[Rule]:
    """Every rule that answers ``method``, except static files."""
    return sorted(
        (r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


def url_of(app: Flask, rule: Rule, world: World) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, world.url_values(rule))


def endpoint_of(app: Flask, path: str, method: str = "POST") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(path).path, method=method)
    except Exception:  # noqa: BLE001  (not ours: a redirect, 404 or 405)
        return None
    return endpoint


def is_staff(rule: Rule) -> bool:
    return rule.rule.startswith("/staff")


_QUERY_PARAMETER = re.compile(
    r"request\.(?:args|values)\.get(?:list)?\(\s*\"(\w+)\"|\"(\w+)\" (?:not )?in request\.args"
)
# Read through a helper (``_day("von")``): the pattern above cannot see these.
INDIRECT_PARAMETERS = {"audit.index": ["von", "bis"]}


def query_parameters(app: Flask, endpoint: str) -> list[str]:
    """The query-string parameters the module of ``endpoint``'s view reads."""
    view = inspect.unwrap(app.view_functions[endpoint])
    source = Path(inspect.getfile(view)).read_text(encoding="utf-8")
    found = {a or b for a, b in _QUERY_PARAMETER.findall(source)}
    return sorted(found | set(INDIRECT_PARAMETERS.get(endpoint, [])))


def client_for(app: Flask, admin: FlaskClient, endpoint: str) -> FlaskClient:
    """The admin for staff forms; a visitor of their own for public ones (and the login)."""
    staff = endpoint.split(".")[0] not in PUBLIC_BLUEPRINTS and endpoint != "staff.login"
    return admin if staff else app.test_client()


PUBLIC_BLUEPRINTS = {
    "pages",
    "privacy",
    "language",
    "catalog",
    "registrations",
    "consultations",
    "conferences",
    "speed_dating_public",
}


# -- forms on pages -----------------------------------------------------------------------------

TEXT_TYPES = {"text", "email", "tel", "url", "search", "password", ""}


@dataclass
class Field:
    name: str
    kind: str  # "textarea", "select", or an input's type
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    id: str = ""
    maxlength: int | None = None  # the limit the page announces

    @property
    def is_text(self) -> bool:
        return self.kind == "textarea" or self.kind in TEXT_TYPES


@dataclass
class Form:
    page: str  # where the form was found
    action: str
    fields: list[Field]

    def data(self, **changes: str) -> dict[str, str | list[str]]:
        """What a browser sends when nothing is changed, with ``changes`` applied."""
        values: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind in ("submit", "button", "reset"):
                continue
            values.setdefault(f.name, []).append(f.value)
        for name, value in changes.items():
            values[name] = [value]
        return {k: v if len(v) > 1 else v[0] for k, v in values.items()}

    def text_fields(self) -> list[Field]:
        """Fields a person types into (the honeypot excluded: bots only)."""
        return [f for f in self.fields if f.is_text and f.name not in ("website", "csrf_token")]


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.page, a.get("action") or self.page, [])
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag in ("input", "textarea", "select"):
            return
        limit = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", ""),
                    "checked" in a,
                    id=a.get("id", ""),
                    maxlength=limit,
                )
            )
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", id=a.get("id", ""), maxlength=limit)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", id=a.get("id", ""))
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value", "")
            self._select.options.append(self._option)
            if "selected" in a or len(self._select.options) == 1:
                self._select.value = self._option

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:  # HTML drops one newline right after <textarea>
                value = self._textarea.value
                self._textarea.value = value[2:] if value.startswith("\r\n") else value
                if value.startswith("\n"):
                    self._textarea.value = value[1:]
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def crawl(app: Flask, world: World, admin: FlaskClient, near: str | None = None) -> list[Form]:
    """Every POST form on every GET page of the world: public pages as a visitor sees them
    (the login form among them), staff pages as an admin. With ``near`` (a POST endpoint) only
    the pages whose address starts its address: where that form is."""
    visitor = app.test_client()
    target = None
    if near is not None:
        target = url_of(app, next(app.url_map.iter_rules(near)), world) + "/"
    found: list[Form] = []
    for rule in rules(app, "GET"):
        if rule.endpoint in ("health.healthz", "health.readyz", "language.switch"):
            continue
        page = url_of(app, rule, world)
        if target is not None and not target.startswith(page.rstrip("/") + "/"):
            continue
        client = admin if is_staff(rule) and rule.endpoint != "staff.login" else visitor
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        found.extend(forms_on(page, response.get_data(as_text=True)))
    return found


def post_forms(app: Flask, forms: Iterable[Form]) -> dict[str, Form]:
    """One form per POST endpoint (the first found)."""
    chosen: dict[str, Form] = {}
    for form in forms:
        endpoint = endpoint_of(app, form.action)
        if endpoint:
            chosen.setdefault(endpoint, form)
    return chosen


def typing_forms(app: Flask, forms: Iterable[Form]) -> dict[tuple[str, tuple[str, ...]], Form]:
    """Every distinct form with fields to type into, by endpoint and field names (the
    registration form of an exchange asks one question more than the others)."""
    chosen: dict[tuple[str, tuple[str, ...]], Form] = {}
    for form in forms:
        endpoint = endpoint_of(app, form.action)
        names = tuple(f.name for f in form.text_fields())
        if endpoint and names:
            chosen.setdefault((endpoint, names), form)
    return chosen


def same_form(form: Form, html: str) -> Form | None:
    """The form on a page answered with: the one sent to the same address."""
    return next((f for f in forms_on(form.page, html) if f.action == form.action), None)


def fresh_form(client: FlaskClient, form: Form, gone_ok: bool = False) -> Form | None:
    """The same form, loaded again (a new CSRF token, today's defaults); None if the page no
    longer shows it and ``gone_ok`` (a step that was taken cannot be taken again)."""
    html = client.get(form.page).get_data(as_text=True)
    for candidate in forms_on(form.page, html):
        if candidate.action == form.action and [f.name for f in candidate.fields] == [
            f.name for f in form.fields
        ]:
            return candidate
    if gone_ok:
        return None
    raise AssertionError(f"the form for {form.action} is gone from {form.page}")


def send(client: FlaskClient, form: Form, **changes: str) -> TestResponse:
    limiter.reset()  # the battery posts more often than any person would
    return client.post(form.action, data=form.data(**changes))


# -- reading answers ----------------------------------------------------------------------------


class _ErrorParser(HTMLParser):
    """Field errors (``<p class="error" id="<field>-error">``) and the error summary's items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.errors: dict[str, str] = {}
        self.summary: list[str] = []
        self._current: str | None = None
        self._in_summary = 0
        self._item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "p"
            and "error" in a.get("class", "").split()
            and a.get("id", "").endswith("-error")
        ):
            self._current = a["id"][: -len("-error")]
            self.errors[self._current] = ""
        if tag == "div" and "error-summary" in a.get("class", ""):
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        if tag == "li" and self._in_summary:
            self._item = []

    def handle_data(self, data):
        if self._current is not None:
            self.errors[self._current] += data
        if self._item is not None:
            self._item.append(data)

    def handle_endtag(self, tag):
        if tag == "p":
            self._current = None
        if tag == "li" and self._item is not None:
            self.summary.append("".join(self._item).strip())
            self._item = None
        if tag == "div" and self._in_summary:
            self._in_summary -= 1


def field_errors(html: str) -> dict[str, str]:
    parser = _ErrorParser()
    parser.feed(html)
    return parser.errors


def flashes(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, re.S)
    ]


def mail_texts(smtp) -> list[str]:
    """The plain and HTML bodies of every mail received, decoded."""
    texts = []
    for received in smtp.received:
        for part in received.message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                texts.append(part.get_content())
    return texts


# -- mails and calendars that must stay whole ------------------------------------------------

# Every line break Python, mail and calendar readers know, each starting something of its own.
BREAKS = ["\r\n", "\n", "\r", "\u2028", "\x85", "\x0b", "\x0c"]
# Under 120 characters, the shortest limit of a field that reaches a calendar (a city).
INJECTION = (
    "Kim{0}Bcc: x@evil.example{0}{0}END:VEVENT{0}BEGIN:VEVENT"
    "{0}ATTENDEE:mailto:x@evil.example{0}X-INJECTED:y"
)


def injection(number: int = 0) -> str:
    """A text that would add a header, a calendar property and an event if a line break in it
    ever reached a mail header or a calendar line; ``number`` picks the kind of line break."""
    return INJECTION.format(BREAKS[number % len(BREAKS)])


MAIL_HEADERS = {
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "auto-submitted",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-language",
}


def check_mail(received) -> list[str]:
    """What is wrong with one received mail: a header or recipient nobody wrote, a calendar
    part that is not exactly one invitation with its known people."""
    problems = []
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    names = [line.split(":", 1)[0].lower() for line in head.split("\r\n") if line[:1] not in " \t"]
    if unknown := set(names) - MAIL_HEADERS:
        problems.append(f"headers {sorted(unknown)}")
    if any("evil" in address for address in received.rcpt_tos):
        problems.append(f"recipients {received.rcpt_tos}")
    message = received.message
    for name in ("To", "From", "Subject"):
        value = str(message[name] or "")
        if any(ch in value for ch in "\r\n\u2028\x85\x0b\x0c"):
            problems.append(f"a line break in {name}")
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            problems += check_calendar(part.get_payload(decode=True), events=1)
    return problems


CALENDAR_COMPONENTS = {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT"}


def check_calendar(data: bytes, events: int | None = None) -> list[str]:
    """What is wrong with an iCalendar object: more than one calendar, components or events
    nobody made, an injected property, an attendee from the injected text."""
    problems = []
    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    if len(calendars) != 1:
        return [f"{len(calendars)} calendars"]
    components = list(calendars[0].walk())
    if unknown := {c.name for c in components} - CALENDAR_COMPONENTS:
        problems.append(f"components {sorted(unknown)}")
    found = sum(c.name == "VEVENT" for c in components)
    if events is not None and found != events:
        problems.append(f"{found} events")
    for component in components:
        for name, value in component.property_items(recursive=False):
            if "INJECTED" in name.upper():
                problems.append(f"property {name}")
            if name in ("ATTENDEE", "ORGANIZER") and "evil" in str(value):
                problems.append(f"{name} {value}")
    return problems


# -- the database -------------------------------------------------------------------------------

# Written by a request whatever it carries: the staff member's "last seen" and the like.
VOLATILE_COLUMNS = {("staff_user", "last_login_at")}


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table (volatile columns left out), to compare before and after."""
    with app.app_context():
        state = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
                rows = connection.execute(
                    sa.select(*columns).order_by(*table.primary_key.columns)
                ).all()
                state[table.name] = [tuple(row) for row in rows]
        return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@dataclass
class StatementCounter:
    """How many SQL statements ran: a deterministic stand-in for "as long as"."""

    count: int = 0

    def __call__(self, *args) -> None:
        self.count += 1


@contextmanager
def counting_statements(app: Flask) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


def berlin(day: date, at: time) -> datetime:
    return berlin_to_utc(day, at).astimezone(UTC)
