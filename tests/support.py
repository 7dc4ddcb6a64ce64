"""Small helpers that build data and drive forms the way a person would."""

from __future__ import annotations

import csv
import html
import re
from contextlib import contextmanager
from datetime import time, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, name_key
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations.service import Applicant
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import hash_password

DEFAULT_PASSWORD = "ein-langes-test-passwort"

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def app_config(instance_path, database_url: str, **overrides) -> dict:
    """The configuration every test app starts from; a test may override single keys."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-production",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_DEFAULT_SENDER": "Start Smart (KTS) <startsmart@kts.example>",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_FILE_DROP": False,
        "MAIL_DELIVERY": "after_commit",
        "MAIL_TIMEOUT": 5,
        "PUBLIC_URL": "https://startsmart.test",
        # Tests register many people from one client and one mail domain; the caps on
        # unconfirmed requests have their own tests (tests/hostile/test_seat_hoarding.py).
        "UNCONFIRMED_PER_CLIENT": 10_000,
        "UNCONFIRMED_PER_DOMAIN": 10_000,
        **overrides,
    }


def make_staff(
    app: Flask,
    email: str = "berater@kts.example",
    role: Role = Role.ADVISOR,
    password: str = DEFAULT_PASSWORD,
    name: str = "Bea Berater",
    active: bool = True,
) -> int:
    """Create a staff account directly in the database and return its id."""
    with app.app_context():
        user = StaffUser(
            email=email, name=name, role=role, password_hash=hash_password(password), active=active
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client: FlaskClient, page: str) -> str:
    """Open ``page`` like a browser and take the CSRF token from its form."""
    html = client.get(page).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, page: str, data: dict, action: str | None = None, **kwargs
) -> TestResponse:
    """Fill in the form on ``page`` and post it (to ``action``, default the page itself)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> TestResponse:
    return submit(client, "/staff/login", {"email": email, "password": password})


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def shown(response: TestResponse) -> str:
    """The words of the page's body as a reader gets them: no tags, entities decoded, every run
    of white space one blank, none before punctuation."""
    body = text(response).split("<body", 1)[-1]
    words = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", body)).split())
    return re.sub(r" ([.,:;])", r"\1", words)  # "<span>Kiel</span>:" reads "Kiel:"


def make_date(
    app: Flask,
    capacity: int = 10,
    fmt: str = "online_intro",
    starts_in: timedelta | None = None,
    closes_before: timedelta | None = timedelta(days=1),
    limit: int = 2,
    slug: str | None = None,
    **fields,
) -> int:
    """A published date of a new offering, ``starts_in`` from now; returns the date's id.

    By default two weeks ahead at 10:00 in Berlin: 14 days and 90 minutes from a late evening
    would run past midnight, which a date's own form (one day, a start and an end) cannot
    save, so tests of that form failed late in the evening."""
    from startsmart import clock
    from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
    from startsmart.clock import berlin_to_utc, berlin_today

    with app.app_context():
        slug = slug or f"angebot-{clock.now().timestamp():.6f}".replace(".", "-")
        offering = Offering(
            slug=slug,
            format=OfferingFormat(fmt),
            title="Grundlagen der Smart City",
            summary="Ein Überblick.",
            description="Beschreibung.",
            per_municipality_limit=limit,
        )
        if starts_in is None:
            starts = berlin_to_utc(berlin_today(clock.now()) + timedelta(days=14), time(10))
        else:
            starts = (clock.now() + starts_in).replace(microsecond=0)
        fields.setdefault("status", EventDateStatus.PUBLISHED)
        fields.setdefault("online_url", "https://konferenz.example.org/raum-1")
        date = EventDate(
            offering=offering,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            capacity=capacity,
            registration_closes_at=starts - closes_before if closes_before else None,
            **fields,
        )
        db.session.add(date)
        db.session.commit()
        return date.id


def registration_form(**overrides) -> dict:
    """What a person from Flensburg types into the registration form."""
    return {
        "name": "Kim Kommune",
        "email": "kim@flensburg.de",
        "function": "Digitalisierung",
        "municipality": "Flensburg",
        "state": "SH",
        "municipality_kind": "independent_city",
        "population_class": "",
        "privacy": "y",
        **overrides,
    }


def links_in(message) -> list[str]:
    """Every https link in the plain-text body of a received mail."""
    body = message.get_body(("plain",)).get_content()
    return re.findall(r"https://\S+", body)


def path_of(url: str) -> str:
    """The path of an absolute link, to open it with the test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def known_towns(app: Flask, state, names) -> None:
    """Municipalities in the directory that staff vouched for (verified), so that the people
    of a test register from real places: a public form's invented municipalities share one
    municipality's limit per date until somebody vouches for them (startsmart.unconfirmed)."""
    with app.app_context():
        for name in names:
            db.session.add(
                Municipality(
                    name=name,
                    name_key=name_key(name),
                    kind=MunicipalityKind.TOWN,
                    state=state,
                    verified_at=clock.now(),
                )
            )
        db.session.commit()


@contextmanager
def counted_statements():
    """The SQL statements run inside the block (not BEGIN or savepoints), for query counts."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(" ".join(statement.split())[:100])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def town_applicant(number: int, state: FederalState) -> Applicant:
    """Person ``number`` from "Gemeinde ``number``" in ``state`` (see ``known_towns``), as a
    public form would send them to ``registrations.service.register``."""
    return Applicant(
        name=f"Person {number}",
        email=f"person{number}@kommune.de",
        function="",
        municipality=MunicipalityInput(f"Gemeinde {number}", state, MunicipalityKind.TOWN),
    )


def directory_extract(path, names: set[str]):
    """A small Gemeindeverzeichnis in the shipped layout, written to ``path``: the shipped
    file's municipalities (satzart 60) whose name is among ``names``, with the Land, district
    and association rows above them, for ``municipalities.directory.import_directory``."""
    from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT

    with SHIPPED_EXTRACT.open(encoding="utf-8-sig") as file:
        header, *lines = file.read().splitlines()
    parsed = [(line, next(csv.reader([line]))) for line in lines]
    keys = {tuple(row[2:6]) for _line, row in parsed if row[0] == "60" and row[7] in names}
    wanted = []
    for line, row in parsed:
        if row[0] == "30":  # a region: not one of the levels imported
            continue
        level = {"10": 1, "20": 2, "40": 3, "50": 4, "60": 4}[row[0]]
        if any(key[:level] == tuple(row[2 : 2 + level]) for key in keys) and (
            row[0] != "60" or row[7] in names
        ):
            wanted.append(line)
    path.write_text("\n".join([header, *wanted]) + "\n", encoding="utf-8")
    return path
