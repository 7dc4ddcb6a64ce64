"""What gunicorn serves in the HTTP benchmarks: the real app, plus what only they need.

- ``POST /bench/insert``: the stack's limit. A route of the real Flask app, added here to the
  app object (``live_server.add_bare_route``), never in ``create_app``: Flask parses the
  posted form (``request.form``), one INSERT into a scratch table through ``db.session`` in
  one transaction, commit, redirect — the request handling a registration shares, without
  its rules. Exempt from CSRF, as it has no form page to take a token from. Registration
  throughput is reported as a share of this.
- ``POST /bench/insert-raw``: the same INSERT from a bare WSGI function through the app's
  engine, without Flask (gunicorn + SQLAlchemy only). Reported for transparency: the gap
  between the two is what Flask itself costs per request.
- A ``Server-Timing: app;dur=<ms>`` header on every response: the time from the request
  reaching the app to the response starting (routing, queries, rendering), without the
  network and the client.

Never part of production: ``wsgi.py`` serves ``create_app()`` alone.

    gunicorn --workers 4 --chdir benchmarks bench_wsgi:app
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import sqlalchemy as sa
from live_server import BARE_TABLE, add_bare_route

from startsmart import create_app
from startsmart.extensions import db

startsmart_app = create_app()
add_bare_route(startsmart_app)
with startsmart_app.app_context():
    engine = db.engine  # the app's engine and pool, not a look-alike


def bare_insert(environ, start_response):
    """The same without Flask: parse the body by hand, INSERT through the engine, redirect."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode())
    with engine.begin() as connection:
        connection.execute(
            sa.insert(BARE_TABLE).values(
                name=form["name"][0], email=form["email"][0], municipality=form["municipality"][0]
            )
        )
    body = b"<p>Gespeichert.</p>"
    start_response(
        "302 FOUND",
        [
            ("Location", "/bench/inserted"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


def dispatch(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/insert-raw" and environ["REQUEST_METHOD"] == "POST":
        return bare_insert(environ, start_response)
    return startsmart_app(environ, start_response)


def with_server_timing(wsgi_app):
    """Add the server time as a header; the response has been fully built by the time a
    Flask app calls start_response (render_template returns the whole page)."""

    def timed(environ, start_response):
        started = time.perf_counter()

        def start_response_with_timing(status, headers, exc_info=None):
            elapsed = (time.perf_counter() - started) * 1000
            headers.append(("Server-Timing", f"app;dur={elapsed:.2f}"))
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start_response_with_timing)

    return timed


app = with_server_timing(dispatch)
