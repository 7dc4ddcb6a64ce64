"""Helpers for the second-factor tests: an authenticator app in a few lines (pyotp, the test
clock), and an account whose app is already set up."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa
from flask import Flask

from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.staff import second_factor
from startsmart.staff.models import StaffUser


def code_now(secret: str, shift: timedelta = timedelta(0)) -> str:
    """What the phone shows now (or ``shift`` from now), on the tests' clock."""
    return pyotp.TOTP(secret).at(clock.now() + shift)


def not_a_code(secret: str) -> str:
    """Six digits that are none of the codes the login accepts now."""
    accepted = {code_now(secret, timedelta(seconds=s)) for s in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "123456", "999999", "424242") if c not in accepted)


def secret_on_page(html: str) -> str:
    """The key the set-up page prints beside the QR code, without its spaces."""
    match = re.search(r'<code class="secret" lang="en">([A-Z2-7 ]+)</code>', html)
    assert match, "no key on the set-up page"
    return match.group(1).replace(" ", "")


def recovery_codes_on_page(html: str) -> list[str]:
    return re.findall(r"<li><code lang=\"en\">([a-z0-9-]{19})</code></li>", html)


def set_up_factor(app: Flask, user_id: int) -> tuple[str, list[str]]:
    """Set up the account's app through the service; returns the secret and recovery codes.
    The code that confirmed it was one step ago, so the current code is still fresh."""
    with app.app_context():
        user = db.session.get_one(StaffUser, user_id)
        secret = second_factor.pending_secret(user)
        codes = second_factor.confirm_set_up(
            user, code_now(secret, -timedelta(seconds=30)), clock.now() - timedelta(seconds=30)
        )
        return secret, codes


def audit_actions(app: Flask, subject_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(AuditEvent.action)
                .where(AuditEvent.subject == f"staff_user:{subject_id}")
                .order_by(AuditEvent.id)
            ).scalars()
        )
