"""Error pages in the visitor's language: no stack trace, nothing changed."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from startsmart import clock
from startsmart.extensions import db, limiter

# (title, explanation) per status code; codes not listed fall back to their nearest family.
MESSAGES = {
    400: (
        _l("Die Anfrage konnte nicht verarbeitet werden"),
        _l("Bitte gehen Sie zurück und versuchen Sie es noch einmal."),
    ),
    403: (
        _l("Kein Zugriff"),
        _l("Für diese Seite fehlt Ihrem Konto die nötige Berechtigung."),
    ),
    404: (
        _l("Seite nicht gefunden"),
        _l("Diese Adresse gibt es nicht (mehr). Vielleicht hilft Ihnen die Startseite weiter."),
    ),
    405: (
        _l("Diese Aktion ist hier nicht möglich"),
        _l("Bitte nutzen Sie die Schaltflächen auf der Seite."),
    ),
    410: (
        _l("Nicht mehr verfügbar"),
        _l("Dieser Link ist abgelaufen oder wurde bereits verwendet."),
    ),
    413: (
        _l("Die Anfrage ist zu groß"),
        _l("Es können höchstens 1 MB auf einmal gesendet werden. Bitte kürzen Sie Ihre Eingaben."),
    ),
    429: (
        _l("Zu viele Versuche"),
        _l("Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal."),
    ),
    503: (
        _l("Vorübergehend nicht erreichbar"),
        _l(
            "Start Smart ist gerade kurz nicht erreichbar. Es wurde nichts gespeichert. Bitte "
            "versuchen Sie es in einer Minute noch einmal."
        ),
    ),
    500: (
        _l("Ein interner Fehler ist aufgetreten"),
        _l(
            "Das tut uns leid. Es wurde nichts gespeichert. Bitte versuchen Sie es später noch "
            "einmal; wenn der Fehler bleibt, schreiben Sie uns."
        ),
    ),
}

CSRF_MESSAGE = _l(
    "Das Formular war zu lange geöffnet oder ist unvollständig angekommen. Aus Sicherheitsgründen "
    "wurde nichts gespeichert. Bitte laden Sie die Seite neu und senden Sie das Formular erneut."
)


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code) or MESSAGES[500 if code >= 500 else 400]
    return (
        render_template("errors/error.html", code=code, title=title, message=detail or message),
        code,
    )


def register(app: Flask) -> None:
    close_session_quietly(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            return (*response, {"Allow": ", ".join(error.valid_methods)})
        if error.code == 429:
            return (*response, {"Retry-After": _seconds_until_the_limit_resets()})
        return response

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def database_unavailable(error: Exception):
        # The database is restarting or out of reach: say so (503, retry soon) instead of a 500.
        # Nothing was written: the transaction did not commit.
        db.session.rollback()
        app.logger.warning("database unavailable: %s", type(error).__name__)
        body, code = render_error(503)
        return body, code, {"Retry-After": "10"}

    # Flask logs the original exception; with TESTING or DEBUG it propagates instead, so a
    # bug fails its test rather than hiding behind this page.
    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()  # the request's transaction is abandoned: nothing half-written
        return render_error(500)


def close_session_quietly(app: Flask) -> None:
    """End each request's database session without letting a dead connection change the answer.

    Flask-SQLAlchemy removes the session when the app context ends, after the response has been
    built: a view's commit went through, its 302 is decided. If PostgreSQL dropped the connection
    meanwhile (a restart, a failover, pg_terminate_backend), the ROLLBACK of closing raised out
    of Flask, past every error page, and gunicorn answered its own plain 500 instead of the 302,
    so a stored registration looked failed. The connection is discarded (the pool opens a new
    one) and the failure logged; the visitor gets the answer the request earned.

    Registered after ``db.init_app``: teardown functions run in reverse order, so this one
    closes the session first and Flask-SQLAlchemy's own finds nothing left to do."""

    @app.teardown_appcontext
    def close_session(error: BaseException | None) -> None:
        try:
            db.session.remove()
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as failure:
            app.logger.warning(
                "database connection lost while closing the session: %s", type(failure).__name__
            )
            try:  # drop the connection without another round trip to the server
                db.session.registry().invalidate()
            except sa.exc.SQLAlchemyError:
                pass  # it is gone either way
            db.session.registry.clear()  # remove() stopped before forgetting the session


def _seconds_until_the_limit_resets() -> str:
    """For the 429 page only: Flask-Limiter's own headers (RATELIMIT_HEADERS_ENABLED) would
    ask the storage for the window on every limited request, refused or not, one more round
    trip to Redis on each registration, to tell browsers what they ignore."""
    breached = limiter.current_limit
    if breached is None:
        return "60"
    resets_at, _remaining = breached.window
    return str(max(1, math.ceil(resets_at - clock.now().timestamp())))
