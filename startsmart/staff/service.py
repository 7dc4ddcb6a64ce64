"""Staff accounts: create, authenticate, change role, deactivate, change password.

Each function is one unit of work and commits; the acting user and ``now`` are arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart import clock
from startsmart.audit import service as audit
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.i18n import berlin_time
from startsmart.staff import lookalikes, second_factor, sessions, throttle
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import check_password_rule, hash_password, verify_password


def find_by_email(email: str) -> StaffUser | None:
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return None
    return db.session.execute(
        sa.select(StaffUser).where(StaffUser.email == address)
    ).scalar_one_or_none()


class LoginLocked(DomainError):
    """Too many failed logins against this address in a row: refused until ``until``."""

    def __init__(self, until: datetime):
        # Shown to the minute, rounded up: before that minute the lock would still hold.
        shown = (until + timedelta(seconds=59)).replace(second=0, microsecond=0)
        super().__init__(
            _(
                "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. Aus Sicherheitsgründen "
                "ist die Anmeldung gerade gesperrt; bitte versuchen Sie es ab %(time)s Uhr wieder.",
                time=berlin_time(shown),
            )
        )
        self.until = until


@dataclass(frozen=True)
class Login:
    user: StaffUser
    # For the cookie; names the new row of staff_session. None: the password was right, but
    # the account signs in with a second factor, and only its code step opens a session.
    session_token: str | None


def authenticate(
    email: str,
    password: str,
    now: datetime,
    second_step: Callable[[StaffUser], bool] = lambda user: False,
) -> Login | None:
    """A new session for the active account with this e-mail and password, or None — the same
    for every failure. Raises LoginLocked while the address is throttled (staff.throttle);
    then the password is not even checked. Every outcome is in the audit log (a failure with
    the address that was tried). If ``second_step(user)``, no session is opened yet
    (``open_session`` does that after the code)."""
    key = throttle.address_key(email)
    user = find_by_email(email)
    until = throttle.locked_until(key, now)
    if until is None:
        ok = verify_password(user.password_hash if user else None, password)
        if not ok or user is None or not user.active:
            locks = throttle.record_failure(key, user if user and user.active else None, now)
            _login_failed(email, user, now, locked_until=locks)
            db.session.commit()
            return None
        until = throttle.record_success(key, now)
        if until is None:
            if second_step(user):
                db.session.commit()
                return Login(user, None)
            return Login(user, open_session(user, now))
    _login_failed(email, user, now, refused_until=until)
    db.session.commit()
    raise LoginLocked(until)


def prove_second_factor(user: StaffUser, code: str, now: datetime) -> bool:
    """Whether ``code`` proves the account's second factor (``second_factor.verify``), with
    wrong codes counted per account from every client address like wrong passwords (their own
    streak, see ``throttle.code_key``). Raises LoginLocked while that streak locks the step."""
    key = throttle.code_key(user.email)
    until = throttle.locked_until(key, now)
    if until is not None:
        db.session.commit()
        raise LoginLocked(until)
    if second_factor.verify(user, code, now):
        throttle.record_success(key, now)  # a lock started meanwhile ran its course: the code
        db.session.commit()  # was right, and was checked before the lock
        return True
    throttle.record_failure(key, user, now)
    db.session.commit()
    return False


def open_session(user: StaffUser, now: datetime) -> str:
    """The account is signed in (password, and the second factor where it has one): a new
    server-side session, recorded; returns the token for the cookie."""
    user.last_login_at = now
    token = sessions.start(user, now)
    audit.record("staff.login", user, now, subject=f"staff_user:{user.id}")
    db.session.commit()
    return token


def _login_failed(email: str, user: StaffUser | None, now: datetime, **details: Any) -> None:
    audit.record(
        "staff.login_failed",
        None,
        now,
        actor_name=email.strip()[:254] or "–",
        known_account=user is not None,
        **{name: value.isoformat() for name, value in details.items() if value is not None},
    )


def logout(
    user: StaffUser, session_token: str | None, now: datetime, reason: str | None = None
) -> None:
    """End this session on the server: its cookie opens nothing any more, wherever it is
    replayed. ``reason``: "idle" or "lifetime" when the session ran out rather than the
    person logging out."""
    if session_token is not None:
        sessions.end(session_token, now)
    audit.record("staff.logout", user, now, subject=f"staff_user:{user.id}", reason=reason)
    db.session.commit()


def create_staff(
    name: str,
    email: str,
    role: Role,
    password: str,
    actor: StaffUser | None = None,
    now: datetime | None = None,
) -> StaffUser:
    """Create an account; the e-mail must be new and the password must follow the rule.
    Without ``actor`` it was the command line (the first admin)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Bitte geben Sie einen Namen an."), "name")
    lookalikes.check_name(name)
    try:
        address = normalise_email(email)
    except InvalidEmail as error:
        raise DomainError(str(error), "email") from error
    lookalikes.check_email(address)
    check_password_rule(password, address, name)
    if find_by_email(address) is not None:
        raise DomainError(_("Für diese E-Mail-Adresse gibt es schon ein Konto."), "email")
    user = StaffUser(name=name, email=address, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(
        "staff.created",
        actor,
        now or clock.now(),
        subject=f"staff_user:{user.id}",
        actor_name=None if actor else "flask staff create",
        role=role.value,
    )
    db.session.commit()
    return user


def _other_active_admins(user: StaffUser) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == Role.ADMIN, StaffUser.active, StaffUser.id != user.id)
    ).scalar_one()


def update_staff(
    actor: StaffUser, user: StaffUser, role: Role, active: bool, now: datetime | None = None
) -> None:
    """Change role and active flag. The last active admin cannot be demoted or deactivated,
    and nobody deactivates their own account (they would lock themselves out mid-request)."""
    if user.id == actor.id and not active:
        raise DomainError(_("Sie können Ihr eigenes Konto nicht deaktivieren."), "active")
    losing_admin = (
        user.role is Role.ADMIN and user.active and (role is not Role.ADMIN or not active)
    )
    if losing_admin and _other_active_admins(user) == 0:
        raise DomainError(
            _("Es muss mindestens ein aktives Konto mit der Rolle Administration geben."), "role"
        )
    if user.role is not role or (user.active and not active):
        # A cookie of the account, wherever it is, must not carry on with other rights.
        sessions.end_all(user, now or clock.now())
    audit.record(
        "staff.updated",
        actor,
        now or clock.now(),
        subject=f"staff_user:{user.id}",
        role=f"{user.role.value} -> {role.value}" if user.role is not role else None,
        active=f"{user.active} -> {active}" if user.active != active else None,
    )
    user.role = role
    user.active = active
    db.session.commit()


def change_password(user: StaffUser, current: str, new: str, now: datetime | None = None) -> str:
    """Replace the password after checking the current one. Every session of the account ends,
    also the one asking (a copy of its cookie may be why the password is changed); it goes on
    in a new session, whose token is returned for its cookie."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Das bisherige Passwort ist nicht richtig."), "current_password")
    check_password_rule(new, user.email, user.name)
    now = now or clock.now()
    user.password_hash = hash_password(new)
    sessions.end_all(user, now)
    token = sessions.start(user, now)
    audit.record("staff.password_changed", user, now, subject=f"staff_user:{user.id}")
    db.session.commit()
    return token


def staff_list() -> list[StaffUser]:
    return list(
        db.session.execute(sa.select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name))
        .scalars()
        .all()
    )
