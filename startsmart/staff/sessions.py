"""Staff sessions, held on the server.

The signed cookie carries only the account id (Flask-Login) and a random token naming one row
of ``staff_session``; each request looks that row up (``staff.access.load_user``). So ending a
session is a database write, and a cookie copied before the logout, a password change, a
deactivation or a role change opens nothing afterwards, whoever replays it. The login time is
the row's, so the longest session (``PERMANENT_SESSION_LIFETIME``) counts from the login and
no amount of re-signing the cookie stretches it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.extensions import db
from startsmart.staff.models import StaffSession, StaffUser
from startsmart.tokens import TOKEN_BYTES, hash_token

SESSION_KEY = "staff_session"  # the key of the token in Flask's (signed) session cookie


def lifetime() -> timedelta:
    return timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])


def start(user: StaffUser, now: datetime) -> str:
    """A new session for ``user`` in the caller's transaction; returns the token for the
    cookie (only its hash is stored). Forgets the account's sessions that are over."""
    db.session.execute(
        sa.delete(StaffSession).where(
            StaffSession.staff_user_id == user.id,
            sa.or_(StaffSession.ended_at.is_not(None), StaffSession.started_at < now - lifetime()),
        )
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        StaffSession(staff_user_id=user.id, token_hash=hash_token(token), started_at=now)
    )
    return token


def find_open(user_id: int, token: str) -> tuple[StaffUser, StaffSession] | None:
    """The active account and its session that ``token`` names, if the session was not ended.
    Whether it ran out (lifetime, idle) is the caller's question: it says why to the user."""
    row = db.session.execute(
        sa.select(StaffUser, StaffSession)
        .join(StaffSession, StaffSession.staff_user_id == StaffUser.id)
        .where(
            StaffUser.id == user_id,
            StaffUser.active,
            StaffSession.token_hash == hash_token(token),
            StaffSession.ended_at.is_(None),
        )
    ).first()
    return None if row is None else (row[0], row[1])


def has_run_out(started_at: datetime, now: datetime) -> bool:
    """True once the session is older than the longest session, counted from the login."""
    return now - started_at >= lifetime()


def end(token: str, now: datetime) -> None:
    """End the session ``token`` names (caller's transaction)."""
    db.session.execute(
        sa.update(StaffSession)
        .where(StaffSession.token_hash == hash_token(token), StaffSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_all(user: StaffUser, now: datetime) -> None:
    """End every open session of ``user`` (caller's transaction)."""
    db.session.execute(
        sa.update(StaffSession)
        .where(StaffSession.staff_user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=now)
    )
