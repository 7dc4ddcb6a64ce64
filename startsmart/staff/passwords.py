"""Password hashing and the password rule for staff accounts."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from startsmart.errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 200  # long enough for any passphrase, short enough to keep hashing cheap

# Checked against an unknown account, so a login with an unknown e-mail costs as much time as
# one with a wrong password and does not reveal which addresses have accounts.
_DUMMY_HASH = generate_password_hash("startsmart-timing-equaliser")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; with no hash, spend the same time and say no."""
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def check_password_rule(password: str, email: str) -> None:
    """Raise a DomainError naming what is wrong with a new password."""
    if len(password) < MIN_LENGTH:
        raise DomainError(
            _("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_LENGTH), "password"
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            _("Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=MAX_LENGTH), "password"
        )
    if password.strip().lower() == email.lower():
        raise DomainError(_("Das Passwort darf nicht die E-Mail-Adresse sein."), "password")
