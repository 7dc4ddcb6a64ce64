"""Answers under failure, against the app as production runs it (issue 15, item 11).

gunicorn in production mode on PostgreSQL, Redis and the SMTP sink (tests/production_server.py):

- a kill storm: while visitors open the registration form and send it, every connection to
  the app's database is ended (``pg_terminate_backend``) every few hundredths of a second.
  Whoever is hit gets the app's German 503 page with Retry-After, never gunicorn's plain
  "Internal Server Error", and every registration answered with its 302 is stored. A dead
  connection at the end of a request (closing the session after the page was built) used to
  escape Flask and end as gunicorn's 500, also after a committed registration;
- a chunked 20 MB body (no Content-Length) gets the 413 page, not the 400 page of a form
  without its CSRF token, and a chunked form under the limit is still stored;
- the session cookie the real server sets is a ``__Host-`` cookie: Secure, HttpOnly, Path=/,
  no Domain.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from environment import DATABASE
from production_server import CSRF, ProductionServer, production_server
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Registration
from support import make_date, registration_form

pytestmark = [
    pytest.mark.skipif(
        DATABASE != "postgresql", reason="production mode runs gunicorn on PostgreSQL only"
    ),
    # Migrating the scratch database and starting gunicorn take about 20 s, stopping it and
    # dropping the database about 10 s more on a busy machine; the tests themselves about 10 s.
    pytest.mark.slow,
]

GUNICORN_500 = "<h1><p>Internal Server Error</p></h1>"
PAGE_503 = "<title>Vorübergehend nicht erreichbar – Start Smart</title>"
PAGE_413 = "<title>Die Anfrage ist zu groß – Start Smart</title>"
REGISTRATIONS = 60
KILL_EVERY = 0.05  # seconds between two rounds of pg_terminate_backend


@pytest.fixture(scope="module")
def production() -> Iterator[ProductionServer]:
    with production_server(
        "production",
        # Every request comes from 127.0.0.1 and the storm needs many: out of the way (the
        # limit of requests, and of unconfirmed registrations, per client address).
        REGISTRATION_RATE_LIMIT="100000 per minute",
        UNCONFIRMED_PER_CLIENT="100000",
    ) as server:
        yield server


@pytest.fixture(scope="module")
def form_path(production: ProductionServer) -> str:
    # Far enough ahead for the server's clock as well as the tests' (tests/moments.py).
    date_id = make_date(
        production.app, capacity=100_000, limit=100_000, starts_in=timedelta(days=120)
    )
    return f"/angebote/termine/{date_id}/anmeldung"


def stored(production: ProductionServer, addresses: list[str]) -> set[str]:
    with production.app.app_context():
        found = db.session.execute(
            sa.select(Person.email)
            .join(Registration, Registration.person_id == Person.id)
            .where(Person.email.in_(addresses))
        ).scalars()
        return set(found)


def test_a_kill_storm_gets_the_503_page_and_every_302_was_stored(production, form_path):
    stop = threading.Event()
    killed = []

    def storm() -> None:
        while not stop.wait(KILL_EVERY):
            killed.append(production.terminate_backends())

    answers = []  # (what, status, body, headers)
    accepted = []  # addresses whose registration was answered with its 302
    thread = threading.Thread(target=storm)
    thread.start()
    try:
        for number in range(REGISTRATIONS):
            browser = production.browser()
            page = browser.get(form_path)
            answers.append(("GET form", page.status, page.body, page.headers))
            if page.status != 200:
                continue
            address = f"kim{number}@sturm{number}.example"
            form = registration_form(
                email=address, csrf_token=CSRF.search(page.body).group(1), name=f"Kim {number}"
            )
            sent = browser.post(form_path, form)
            answers.append(("POST form", sent.status, sent.body, sent.headers))
            if sent.status == 302:
                accepted.append(address)
    finally:
        stop.set()
        thread.join()

    plain = [(what, status) for what, status, body, _ in answers if GUNICORN_500 in body]
    assert not plain, f"gunicorn's own 500 instead of the app's page: {plain}"
    statuses = sorted({status for _, status, _, _ in answers})
    assert set(statuses) <= {200, 302, 503}, statuses
    failed = [(body, headers) for _, status, body, headers in answers if status == 503]
    for body, headers in failed:
        assert PAGE_503 in body and '<html lang="de">' in body
        assert headers["Retry-After"] == "10"
    # A storm that hit nothing, or a run in which nothing got through, proves nothing.
    assert sum(killed) > 0 and failed, f"killed {sum(killed)}, answers {statuses}"
    assert accepted, "no registration got through the storm"
    assert stored(production, accepted) == set(accepted)
    # The workers came through: a dead connection was dropped, not kept in the pool.
    for _ in range(6):
        assert production.browser().get(form_path).status == 200


def chunked_post(production: ProductionServer, path: str, body: bytes, cookie: str = "") -> str:
    """POST ``body`` with Transfer-Encoding: chunked and no Content-Length, as a script can;
    returns the raw answer (status line, headers, page). The server may answer and close
    before it has read everything: the rest of the body is then not sent."""
    with socket.create_connection((production.server.host, production.server.port), 30) as s:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {production.server.host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Transfer-Encoding: chunked\r\n{cookie}Connection: close\r\n\r\n"
        )
        s.sendall(head.encode())
        try:
            for start in range(0, len(body), 64 * 1024):
                chunk = body[start : start + 64 * 1024]
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # refused while we were still sending
        answer = b""
        while data := s.recv(64 * 1024):
            answer += data
    return answer.decode("utf-8", "replace")


def test_a_chunked_20_mb_body_gets_the_413_page(production, form_path):
    body = b"name=" + b"a" * (20 * 1024 * 1024)
    answer = chunked_post(production, form_path, body)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert PAGE_413 in answer


def test_a_chunked_form_under_the_limit_is_still_stored(production, form_path):
    browser = production.browser()
    page = browser.get(form_path)
    form = registration_form(
        email="chunk@klein.example", csrf_token=CSRF.search(page.body).group(1)
    )
    cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in browser.cookies.items()) + "\r\n"
    answer = chunked_post(production, form_path, urlencode(form).encode(), cookie)
    assert answer.startswith("HTTP/1.1 302"), answer[:600]
    assert stored(production, ["chunk@klein.example"]) == {"chunk@klein.example"}


def test_the_session_cookie_is_a_host_cookie(production, form_path):
    answer = production.browser().get(form_path)  # the form's CSRF token opens the session
    cookies = [SimpleCookie(header) for header in answer.headers.get_all("Set-Cookie") or ()]
    sessions = [c["__Host-startsmart_session"] for c in cookies if "__Host-startsmart_session" in c]
    assert len(sessions) == 1, answer.headers.get_all("Set-Cookie")
    cookie = sessions[0]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert cookie["samesite"] == "Lax"
