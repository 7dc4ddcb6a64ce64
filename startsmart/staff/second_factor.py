"""The staff second factor: set up an authenticator app, check its codes, recovery codes, reset.

TOTP (RFC 6238) through pyotp, always at ``now`` from the app's one clock. A code is accepted
for the current 30-second step and one step either side (phones drift); the step it matched is
remembered, so the same code (or an older one) never works twice. Each function that changes
something is one unit of work and commits; every set-up, reset and recovery-code use is in the
audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff import sessions
from startsmart.staff.models import StaffUser
from startsmart.staff.second_factor_models import StaffRecoveryCode, StaffSecondFactor

RECOVERY_CODES = 10
WINDOW = 1  # steps either side of now
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def is_required(user: StaffUser, roles: Collection[str]) -> bool:
    """Whether the account's role must sign in with a second factor (the setting's roles)."""
    return user.role.value in roles


def _factor(user: StaffUser, lock: bool = False) -> StaffSecondFactor | None:
    query = sa.select(StaffSecondFactor).where(StaffSecondFactor.staff_user_id == user.id)
    if lock:
        query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def is_set_up(user: StaffUser) -> bool:
    factor = _factor(user)
    return factor is not None and factor.confirmed_at is not None


def pending_secret(user: StaffUser) -> str:
    """The secret the set-up page shows, made once and kept until the first code confirms it
    (reloading the page must not invalidate what the phone has already scanned)."""
    factor = _factor(user, lock=True)
    if factor is not None and factor.confirmed_at is not None:
        raise DomainError(_("Der zweite Faktor ist für dieses Konto schon eingerichtet."), "code")
    if factor is None:
        factor = StaffSecondFactor(staff_user_id=user.id, secret=pyotp.random_base32())
        db.session.add(factor)
    db.session.commit()
    return factor.secret


def provisioning_uri(user: StaffUser, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The set-up address as an inline SVG QR code, made on the server (no third party sees it)."""
    return str(
        segno.make(uri, error="m").svg_inline(
            scale=4, border=4, svgclass="qr", lineclass=None, title=None
        )
    )


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to, within the window around ``now``; else None."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None  # compare_digest refuses non-ASCII text; other digits are no code anyway
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def confirm_set_up(user: StaffUser, code: str, now: datetime) -> list[str]:
    """Confirm the set-up with the first code from the app; returns the new recovery codes
    (shown once; only their hashes are kept)."""
    factor = _factor(user, lock=True)
    if factor is None or factor.confirmed_at is not None:
        raise DomainError(_("Bitte laden Sie die Seite neu und scannen Sie den Code."), "code")
    step = _matching_step(factor.secret, _digits(code), now)
    if step is None:
        raise DomainError(
            _(
                "Der Code passt nicht. Geben Sie die sechs Ziffern ein, die die App gerade "
                "anzeigt; stimmt die Uhrzeit des Telefons?"
            ),
            "code",
        )
    factor.confirmed_at = now
    factor.last_step = step
    codes = _new_recovery_codes(user)
    audit.record("staff.second_factor_set_up", user, now, subject=f"staff_user:{user.id}")
    db.session.commit()
    return codes


def _hash(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode("ascii", "replace")).hexdigest()


def _forget_recovery_codes(user: StaffUser) -> None:
    db.session.execute(
        sa.delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_user_id == user.id)
    )


def _new_recovery_codes(user: StaffUser) -> list[str]:
    _forget_recovery_codes(user)
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(16))  # 79 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    db.session.add_all(StaffRecoveryCode(staff_user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def verify(user: StaffUser, code: str, now: datetime) -> bool:
    """Whether ``code`` (six digits from the app, or an unused recovery code) proves the second
    factor now. A code is used up by this call; a failure is in the audit log."""
    factor = _factor(user, lock=True)
    if factor is None or factor.confirmed_at is None:
        db.session.rollback()
        return False
    digits = _digits(code)
    if digits.isascii() and digits.isdigit() and len(digits) == 6:
        step = _matching_step(factor.secret, digits, now)
        if step is not None and (factor.last_step is None or step > factor.last_step):
            factor.last_step = step
            db.session.commit()
            return True
    elif _use_recovery_code(user, code, now):
        remaining = _unused_recovery_codes(user)
        audit.record(
            "staff.recovery_code_used",
            user,
            now,
            subject=f"staff_user:{user.id}",
            remaining=remaining,
        )
        db.session.commit()
        return True
    audit.record("staff.second_factor_failed", user, now, subject=f"staff_user:{user.id}")
    db.session.commit()
    return False


def _use_recovery_code(user: StaffUser, code: str, now: datetime) -> bool:
    # One UPDATE that only matches an unused code: two requests with the same code cannot both
    # win, whatever the database's isolation level.
    used = db.session.execute(
        sa.update(StaffRecoveryCode)
        .where(
            StaffRecoveryCode.staff_user_id == user.id,
            StaffRecoveryCode.code_hash == _hash(code),
            StaffRecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(getattr(used, "rowcount", 0))


def _unused_recovery_codes(user: StaffUser) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(StaffRecoveryCode)
        .where(StaffRecoveryCode.staff_user_id == user.id, StaffRecoveryCode.used_at.is_(None))
    ).scalar_one()


def unused_recovery_codes(user: StaffUser) -> int:
    """How many recovery codes the account has left."""
    return _unused_recovery_codes(user)


def reset(actor: StaffUser | None, user: StaffUser, now: datetime) -> None:
    """An admin removes another account's second factor (lost phone and codes); that person
    sets it up again at the next sign-in, and their open sessions end. Without ``actor`` it was
    the command line (the only admin lost theirs)."""
    if actor is not None and actor.id == user.id:
        raise DomainError(
            _(
                "Ihren eigenen zweiten Faktor setzt eine andere Person aus der Administration "
                "zurück."
            )
        )
    db.session.execute(
        sa.delete(StaffSecondFactor).where(StaffSecondFactor.staff_user_id == user.id)
    )
    _forget_recovery_codes(user)
    sessions.end_all(user, now)
    audit.record(
        "staff.second_factor_reset",
        actor,
        now,
        subject=f"staff_user:{user.id}",
        actor_name=None if actor else "flask staff reset-second-factor",
    )
    db.session.commit()
