"""Guessing one account's password from many client addresses: after five failures in a row
the account waits, longer with each further failure but never for good, and its holder gets
one mail about it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from startsmart import clock, create_app
from startsmart.clock import BERLIN
from startsmart.extensions import db
from startsmart.staff.models import StaffUser
from support import DEFAULT_PASSWORD, app_config, make_staff, submit, text

pytestmark = pytest.mark.time_sensitive  # the message names the Berlin time to come back

BEA = "bea@kts.example"
WRONG = "E-Mail-Adresse oder Passwort ist nicht richtig."
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto."
_ADDRESSES = iter(range(1, 10_000))


def _attempt(
    app: Flask, email: str = BEA, password: str = "falsch-falsch-falsch"
) -> tuple[TestResponse, FlaskClient]:
    """One login from a client address of its own, so the limit per address never bites."""
    number = next(_ADDRESSES)
    client = app.test_client()
    address = {"REMOTE_ADDR": f"198.51.{number // 250}.{number % 250 + 1}"}
    response = submit(
        client, "/staff/login", {"email": email, "password": password}, environ_base=address
    )
    return response, client


def _fail(app: Flask, times: int, email: str = BEA) -> None:
    for _ in range(times):
        response, _client = _attempt(app, email)
        assert response.status_code == 200 and WRONG in text(response)


def _refused_for(app: Flask, email: str = BEA, password: str = DEFAULT_PASSWORD) -> int:
    """Try (with the right password by default); it must be refused: the seconds to wait."""
    response, client = _attempt(app, email, password)
    assert response.status_code == 429, text(response)
    assert LOCKED in text(response)
    assert f'value="{email}"' in text(response)  # what was typed stays
    assert client.get("/staff/").status_code == 302
    return int(response.headers["Retry-After"])


def _logs_in(app: Flask, email: str = BEA) -> None:
    response, client = _attempt(app, email, DEFAULT_PASSWORD)
    assert response.status_code == 302, text(response)
    assert client.get("/staff/").status_code == 200


def test_failures_from_many_addresses_lock_the_account_even_for_the_right_password(app, travel):
    make_staff(app, email=BEA)
    before = clock.now()
    _fail(app, 5)  # five addresses, one guess each
    response, client = _attempt(app, BEA, DEFAULT_PASSWORD)
    assert response.status_code == 429
    # The lock began with the fifth failure, somewhere between these two readings of the
    # (ticking) clock; the page names the minute it ends, rounded up.
    shown = {
        (moment + timedelta(seconds=60 + 59)).astimezone(BERLIN).strftime("%H:%M")
        for moment in (before, clock.now())
    }
    said = text(response)
    assert any(f"bitte versuchen Sie es ab {hhmm} Uhr wieder." in said for hhmm in shown), said
    assert 55 <= int(response.headers["Retry-After"]) <= 60
    assert client.get("/staff/").status_code == 302
    travel.shift(timedelta(seconds=61))
    _logs_in(app)


def test_the_wait_doubles_with_each_further_failure_up_to_a_cap_and_always_ends(app, travel):
    make_staff(app, email=BEA)
    _fail(app, 5)
    waits = []
    for _ in range(6):
        wait = _refused_for(app)
        waits.append(wait)
        travel.shift(timedelta(seconds=wait - 2))
        _refused_for(app)  # still waiting, and trying meanwhile does not count
        travel.shift(timedelta(seconds=3))
        _fail(app, 1)  # the lock ran out: one more guess, which fails
    assert [round(w, -1) for w in waits] == [60, 120, 240, 480, 900, 900]
    travel.shift(timedelta(seconds=_refused_for(app) + 1))
    _logs_in(app)  # even after a long attack, the holder gets in once the wait is over
    _fail(app, 4)  # and the right password ended the streak: four failures lock nothing
    _logs_in(app)


def test_the_account_holder_gets_one_mail_when_the_lock_starts(app, smtp, travel):
    make_staff(app, email=BEA, name="Bea Berater")
    _fail(app, 4)
    assert smtp.to(BEA) == []
    _fail(app, 1)
    [mail] = smtp.to(BEA)
    assert "vorübergehend gesperrt" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "Guten Tag Bea Berater" in body and "5-mal hintereinander" in body
    for _ in range(3):  # the attack goes on: the lock grows, no further mail
        travel.shift(timedelta(seconds=_refused_for(app) + 1))
        _fail(app, 1)
    assert len(smtp.to(BEA)) == 1


def test_an_unknown_address_is_answered_the_same_and_nobody_is_mailed(app, smtp):
    make_staff(app, email=BEA)
    _fail(app, 5, email="niemand@kts.example")
    assert _refused_for(app, email="niemand@kts.example") > 0
    _logs_in(app)  # another account is not affected
    assert smtp.received == []


def test_the_count_is_shared_by_every_worker(app, database_url, smtp_server, tmp_path):
    """Two app instances on one database, like two gunicorn workers (each with its own
    in-memory limit per address): failures at either count against the account."""
    make_staff(app, email=BEA)
    other = create_app(app_config(tmp_path, database_url, MAIL_PORT=smtp_server.port, TESTING=True))
    try:
        _fail(app, 3)
        _fail(other, 2)
        assert _refused_for(app) > 0
        assert _refused_for(other) > 0
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_streak_is_forgotten_after_a_quiet_day(app, travel):
    make_staff(app, email=BEA)
    _fail(app, 4)
    travel.shift(timedelta(hours=25))
    _fail(app, 4)  # counted anew: still no lock
    _fail(app, 1)
    assert _refused_for(app) > 0


def test_the_mail_is_in_the_holders_language(app, smtp):
    user_id = make_staff(app, email=BEA, name="Bea Berater")
    with app.app_context():
        db.session.get(StaffUser, user_id).locale = "en"
        db.session.commit()
    _fail(app, 5)
    [mail] = smtp.to(BEA)
    assert mail["Subject"] == "Start Smart: logins to your account temporarily locked"
    body = mail.get_body(("plain",)).get_content()
    assert "with a wrong password 5 times in a row" in body and "Passwort" not in body
