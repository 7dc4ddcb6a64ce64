"""Failed logins against one account, counted from every client address, with growing back-off.

The rate limit per client address (``LOGIN_RATE_LIMIT``, Flask-Limiter) does not stop someone
who spreads the guesses over many addresses. So the database counts failures in a row per
e-mail address, shared by every worker and host: after ``LOGIN_ACCOUNT_FAILURES`` of them the
address is refused for ``LOGIN_ACCOUNT_BACKOFF_SECONDS``, each further failure doubles that, up
to ``LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS``. A lock always runs out, and attempts while it holds do
not count, so nobody can lock an account for good; a correct password ends the streak.

Rows are keyed by a hash of the typed address, whether an account has it or not: an unknown
address is throttled the same, so the answer does not tell which addresses have accounts.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.outbox import queue_mail
from startsmart.staff.models import LoginThrottle, StaffUser

# A streak without a new failure for this long is forgotten (and its row deleted).
FORGET_AFTER = timedelta(days=1)


def address_key(email: str) -> str:
    """What the throttle counts by: the address in the spelling accounts are found by (so
    other spellings of it count too), else as typed in lower case; hashed."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        address = email.strip().lower()
    return hashlib.sha256(address.encode("utf-8", "replace")).hexdigest()


def code_key(email: str) -> str:
    """What wrong second-factor codes are counted by: apart from the password's streak, which
    the right password ends (whoever knows it could otherwise guess codes without end)."""
    return hashlib.sha256(f"second-factor:{address_key(email)}".encode()).hexdigest()


def locked_until(key: str, now: datetime) -> datetime | None:
    """Until when logins for this address are refused, or None."""
    until = db.session.execute(
        sa.select(LoginThrottle.locked_until).where(LoginThrottle.address_hash == key)
    ).scalar_one_or_none()
    return until if until is not None and until > now else None


def backoff(failures: int) -> timedelta | None:
    """How long the ``failures``-th failure in a row locks the address (None: not yet)."""
    config = current_app.config
    beyond = failures - config["LOGIN_ACCOUNT_FAILURES"]
    if beyond < 0:
        return None
    seconds = config["LOGIN_ACCOUNT_BACKOFF_SECONDS"] * 2 ** min(beyond, 30)
    return timedelta(seconds=min(seconds, config["LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS"]))


@functools.cache
def _insert_if_missing(dialect_name: str) -> sa.Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert: sa.Insert = (
        dialect.insert(LoginThrottle.__table__)
        .values(
            address_hash=sa.bindparam("key"),
            failures=0,
            last_failed_at=sa.bindparam("now"),
        )
        .on_conflict_do_nothing()
    )
    return insert


def _locked_row(key: str) -> LoginThrottle | None:
    """The address's row, locked until the caller commits: parallel attempts from several
    workers count one after the other."""
    return db.session.execute(
        sa.select(LoginThrottle)
        .where(LoginThrottle.address_hash == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def record_failure(key: str, user: StaffUser | None, now: datetime) -> datetime | None:
    """Count a failed login (caller's transaction); returns the lock it started, if any.

    The failure that first trips the lock in a streak queues one mail to the account holder;
    the failures after it only lengthen the lock."""
    # Forget old streaks of other addresses while here; rows another attempt holds are
    # skipped (two deletes locking the same rows in different orders could deadlock).
    stale = (
        sa.select(LoginThrottle.address_hash)
        .where(LoginThrottle.last_failed_at < now - FORGET_AFTER, LoginThrottle.address_hash != key)
        .limit(100)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        sa.delete(LoginThrottle).where(LoginThrottle.address_hash.in_(stale.scalar_subquery()))
    )
    db.session.execute(
        _insert_if_missing(db.session.get_bind().dialect.name), {"key": key, "now": now}
    )
    row = _locked_row(key)
    assert row is not None  # inserted just now if it was missing
    if now - row.last_failed_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failed_at = now
    wait = backoff(row.failures)
    if wait is None:
        return None
    row.locked_until = now + wait
    if user is not None and row.failures == current_app.config["LOGIN_ACCOUNT_FAILURES"]:
        queue_mail(
            to=Recipient(email=user.email, name=user.name, locale=user.locale),
            template="staff_login_locked",
            context={
                "failures": row.failures,
                "at": now,
                "until": row.locked_until,
                "longest_minutes": current_app.config["LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS"] // 60,
            },
            now=now,
            reference=f"staff_user:{user.id}",
        )
    return row.locked_until


def record_success(key: str, now: datetime) -> datetime | None:
    """A correct password: ends the streak, unless a lock started meanwhile (a parallel
    failure tripped it), which is returned and still holds (caller's transaction)."""
    row = _locked_row(key)
    if row is None:
        return None
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    db.session.delete(row)
    return None
