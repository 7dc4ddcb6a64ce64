"""The last activity of a staff session as a cookie of its own, renewed by a screen that polls.

A request writing Flask's session cookie sends the whole session back: every flash message and
setting as it was when that request *arrived*. A screen asking every few seconds (the presenter
screen's plan.json) would thus answer, now and then, just after a form sent in another tab of
the same browser, and its cookie would put back the session of before the form: the form's
confirmation message gone. Yet its asking is activity (the projector runs a whole speed-dating
without a click, and must not be logged out for idleness). So such a request renews this cookie
only: it holds nothing but the moment, signed and tied to the login it belongs to, and a stale
one is merely an earlier moment (staff.idle takes the later of it and the session's).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from startsmart.tokens import hash_token

SALT = "staff-activity"
SUFFIX = "_active"  # after the session cookie's name, so it keeps its "__Host-" prefix


def cookie_name(app: Flask) -> str:
    return app.config["SESSION_COOKIE_NAME"] + SUFFIX


def _serializer(app: Flask) -> URLSafeSerializer:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT)


def _login_mark(session_token: str) -> str:
    """Names the login without revealing its token (the cookie is readable by its holder)."""
    return hash_token(session_token)[:32]


def last_renewed(request: Request, session_token: str | None) -> float | None:
    """The moment (POSIX seconds) the activity cookie of this login was last renewed; None
    without one, or for another login's, or a forged one."""
    value = request.cookies.get(cookie_name(current_app))
    if not value or not session_token:
        return None
    try:
        mark, moment = _serializer(current_app).loads(value)
    except (BadSignature, ValueError, TypeError):
        return None
    if mark != _login_mark(session_token) or not isinstance(moment, int | float):
        return None
    return float(moment)


def renew(response: Response, session_token: str, now: datetime) -> None:
    """Put the activity cookie of this login, at ``now``, on ``response``; the same
    attributes as the session cookie (Secure, HttpOnly, SameSite, path, no expiry)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interface = app.session_interface
    response.set_cookie(
        cookie_name(app),
        _serializer(app).dumps([_login_mark(session_token), now.timestamp()]),
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=interface.get_cookie_secure(app),
        httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app),
    )
