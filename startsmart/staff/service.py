"""Staff accounts: create, authenticate, change role, deactivate, change password.

Each function is one unit of work and commits; the acting user and ``now`` are arguments.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart import clock
from startsmart.audit import service as audit
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff import lookalikes
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


def authenticate(email: str, password: str, now: datetime) -> StaffUser | None:
    """The active account with this e-mail and password, or None — the same for every failure.
    Both outcomes are in the audit log (a failure with the address that was tried)."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        audit.record(
            "staff.login_failed",
            None,
            now,
            actor_name=email.strip()[:254] or "–",
            known_account=user is not None,
        )
        db.session.commit()
        return None
    user.last_login_at = now
    audit.record("staff.login", user, now, subject=f"staff_user:{user.id}")
    db.session.commit()
    return user


def logout(user: StaffUser, now: datetime) -> None:
    audit.record("staff.logout", user, now, subject=f"staff_user:{user.id}")
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
    if user.active and not active:
        user.session_version += 1  # ends every open session of this account
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


def change_password(user: StaffUser, current: str, new: str, now: datetime | None = None) -> None:
    """Replace the password after checking the current one; other sessions of the user end."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Das bisherige Passwort ist nicht richtig."), "current_password")
    check_password_rule(new, user.email, user.name)
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(
        "staff.password_changed", user, now or clock.now(), subject=f"staff_user:{user.id}"
    )
    db.session.commit()


def staff_list() -> list[StaffUser]:
    return list(
        db.session.execute(sa.select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name))
        .scalars()
        .all()
    )
