"""Fixtures shared by every test: an app on SQLite or PostgreSQL, a client, a clean database.

The app and its database are made once per test worker (schema from the real migrations);
after each test that used them, every table is emptied again. Every test runs at the moment of
the run, on the clock ``travel`` controls (tests/moments.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from databases import empty_all_tables, postgres_database, sqlite_database
from environment import DATABASE
from moments import moment_of_this_run
from smtp_sink import SmtpSink
from startsmart import create_app
from startsmart.extensions import db, limiter
from support import app_config

_COLLECTION_CLOCK: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    """From the start the run reads the run's moment, also what modules compute on import
    (a form's "in 30 days") and the session fixtures."""
    global _COLLECTION_CLOCK
    _COLLECTION_CLOCK = time_machine.travel(moment_of_this_run().astimezone(UTC), tick=True)
    _COLLECTION_CLOCK.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _COLLECTION_CLOCK is not None:
        _COLLECTION_CLOCK.stop()


@pytest.fixture(autouse=True)
def travel() -> Iterator[time_machine.Traveller]:
    """The clock of every test: it starts at the run's moment and ticks on. A test moves it
    with ``travel.shift(timedelta(...))`` or ``travel.move_to(moment)``; the app, its live
    server thread and the test all read it (time-machine also moves C-level time calls).

    Given as UTC so the process keeps its own time zone: the app must never rely on it."""
    with time_machine.travel(moment_of_this_run().astimezone(UTC), tick=True) as traveller:
        yield traveller


def _worker(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> Iterator[str]:
    label = _worker(request)
    if DATABASE == "postgresql":
        with postgres_database(label) as url:
            yield url
    else:
        with sqlite_database(tmp_path_factory.mktemp("db"), label) as url:
            yield url


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_server: SmtpSink) -> Iterator[SmtpSink]:
    """The worker's SMTP server, empty at the start of the test; every mail the app sends
    lands here. ``smtp.stop()`` plays an outage; the fixture starts it again afterwards."""
    smtp_server.clear()
    yield smtp_server
    if not smtp_server.running:
        smtp_server.start()
    smtp_server.clear()


@pytest.fixture(scope="session")
def _app(database_url: str, smtp_server: SmtpSink, tmp_path_factory) -> Iterator[Flask]:
    config = app_config(tmp_path_factory.mktemp("instance"), database_url)
    app = create_app({**config, "MAIL_PORT": smtp_server.port})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The worker's app; every table is emptied and rate limits forgotten after the test."""
    yield _app
    with _app.app_context():
        db.session.remove()
        empty_all_tables()
    limiter.reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()
