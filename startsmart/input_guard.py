"""Input the database cannot take is refused before any view sees the request.

Numbers: ``<int:...>`` in a route matches only what fits an integer column (a larger id would
be a 500 on both databases: psycopg and sqlite3 cannot bind it), and ``database_int`` reads a
number from a query string or a form the same way; ``query_day`` a day within sane years.

Characters no text of ours may hold:

PostgreSQL cannot store NUL (``\\x00``) in text and refuses every query that carries one, and a
lone surrogate (``\\ud800``, possible only through JSON's ``\\u`` escapes) cannot be encoded at
all: either would end in a 500 page, on PostgreSQL only. No person types these characters, so
the request is answered with a clear 400 page (or JSON) and nothing is read or written.
Checked: the URL path, the query string, form fields (names and values) and JSON bodies.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import Flask, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from startsmart.error_pages import render_error

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider


def database_int(value: str | None) -> int:
    """A whole number >= 0 that fits an integer column, from text a client sent; ValueError
    otherwise. ``str.isdigit`` alone lets "²" through, and ``int()`` reads any length."""
    text = (value or "").strip() if isinstance(value, str) else str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > DATABASE_INT_MAX:
        raise ValueError(f"not a database id: {text[:20]!r}")
    return int(text)


# Days asked for in a query string (?ab=, ?tag=, ?von=) lie in this range: "9999-12-31" plus a
# week, or "0001-01-01" turned into UTC, would overflow Python's dates.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def query_day(text: str | None) -> date | None:
    """A YYYY-MM-DD day a client asked for, or None if it is unreadable or out of range."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in routes: a number beyond any row id does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_converters(app: Flask) -> None:
    """Before the blueprints: rules pick their converters when they are added."""
    app.url_map.converters["int"] = DatabaseIdConverter


_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")

MESSAGE = _l(
    "Ihre Eingabe enthält ein unzulässiges Zeichen (ein Steuerzeichen, das in Texten nicht "
    "vorkommen darf, etwa aus kopiertem Text). Es wurde nichts gespeichert. Bitte entfernen Sie "
    "es und senden Sie das Formular erneut."
)


def _texts(value: Any) -> Iterable[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _request_texts() -> Iterable[str]:
    yield request.path
    for source in (request.args, request.form):
        for key, values in source.lists():
            yield key
            yield from values
    if request.is_json:
        yield from _texts(request.get_json(silent=True))


def has_forbidden_character() -> bool:
    return any(_FORBIDDEN.search(text) for text in _request_texts())


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or request.path.endswith(".json") or best == "application/json"


def register(app: Flask) -> None:
    @app.before_request
    def refuse_forbidden_characters():
        if not has_forbidden_character():
            return None
        if _wants_json():
            return jsonify(error=str(MESSAGE)), 400
        return render_error(400, str(MESSAGE))


class ChunkedBodyLimit:
    """A chunked request body (no Content-Length) over ``limit`` bytes gets the 413 page.

    Werkzeug reads such a body through a stream that stops at MAX_CONTENT_LENGTH without a
    word: the form was parsed from its first megabyte, the CSRF token was not in it, and the
    visitor got the 400 page of an expired form. Read up to one byte past the limit here and
    hand the app what it gets for any body: a buffered body with its Content-Length, so a
    larger one is refused with RequestEntityTooLarge (the 413 page) before a form is parsed.
    A chunked body is uploaded from scripts, not browsers; a megabyte in memory is cheap."""

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        # Only from a server that ends the stream itself (gunicorn, Werkzeug's): from any
        # other, Werkzeug reads no body without a length, and neither may this.
        terminated = environ.get("wsgi.input_terminated")
        if chunked and terminated and not environ.get("CONTENT_LENGTH"):
            stream = environ["wsgi.input"]
            body = bytearray()
            while len(body) <= self.limit:
                data = stream.read(min(64 * 1024, self.limit + 1 - len(body)))
                if not data:
                    break
                body += data
            # No longer chunked for the app: with that header Werkzeug ignores the length.
            environ.pop("HTTP_TRANSFER_ENCODING")
            environ["wsgi.input"] = io.BytesIO(bytes(body))
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def install_body_limit(app: Flask) -> None:
    """Flask's documented way to wrap its WSGI app in middleware."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    if limit:
        app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, limit)  # type: ignore[method-assign]
