"""Password hashing and the password rule for staff accounts."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from startsmart.errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 200  # long enough for any passphrase, short enough to keep hashing cheap
# zxcvbn's scale: 3 is "safely unguessable" for an online attack (about 10^8 guesses), which
# is what a login behind a rate limit and a second factor faces.
MIN_SCORE = 3
# zxcvbn's matching grows fast with the length; a passphrase this long is strong anyway, so
# only its start is estimated.
_ESTIMATED_LENGTH = 64
# Shorter parts of a name ("Li", "Neu") are inside too many good passwords to refuse them; zxcvbn
# still counts them as guessable.
_MIN_PERSONAL = 4

# Words of this service and its organisation: the first guesses against its accounts
# ("StartSmart2026!"). zxcvbn's dictionaries are English; these it learns as the user's own.
_SERVICE_WORDS = (
    "startsmart",
    "smartcity",
    "smartcities",
    "kts",
    "kommune",
    "modellprojekte",
    "transferstelle",
)

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


def _personal_parts(email: str, name: str) -> list[str]:
    """What of the address and the name must not be in the password, lower-case."""
    local = email.rpartition("@")[0].lower() if "@" in email else email.lower()
    parts = [local, *re.split(r"[.\-_+]", local), name.strip().lower(), *name.lower().split()]
    return sorted({p for p in parts if p}, key=len, reverse=True)


def check_password_rule(password: str, email: str, name: str = "") -> None:
    """Raise a DomainError naming what is wrong with a new password: too short or long,
    containing the person's address or name, or easy to guess (zxcvbn's estimate)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(
            _("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_LENGTH), "password"
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            _("Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=MAX_LENGTH), "password"
        )
    lowered = password.lower()
    if email and email.lower() in lowered:
        raise DomainError(_("Das Passwort darf nicht die E-Mail-Adresse enthalten."), "password")
    for part in _personal_parts(email, name):
        if len(part) >= _MIN_PERSONAL and part in lowered:
            raise DomainError(
                _(
                    "Das Passwort darf weder den Namen noch den Teil der E-Mail-Adresse vor dem "
                    "@ enthalten („%(part)s“).",
                    part=part,
                ),
                "password",
            )
    estimate = zxcvbn(
        password[:_ESTIMATED_LENGTH], user_inputs=[*_personal_parts(email, name), *_SERVICE_WORDS]
    )
    if estimate["score"] < MIN_SCORE:
        raise DomainError(
            _(
                "Dieses Passwort ist zu leicht zu erraten: Wiederholungen, Tastaturfolgen, "
                "Jahreszahlen und bekannte Wörter oder Passwörter helfen Angreifern. Ein Satz "
                "aus mehreren ungewöhnlichen Wörtern ist gut."
            ),
            "password",
        )
