"""One spelling per e-mail address, so that one address is one person or one account."""

from __future__ import annotations

import functools

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from startsmart.invitations.addresses import ascii_address

__all__ = ["InvalidEmail", "ascii_address", "normalise_email"]


class InvalidEmail(ValueError):
    """The text is not a usable e-mail address; the message says why, in the user's language."""


def normalise_email(text: str) -> str:
    """Validate ``text`` and return it lower-cased in email-validator's normal form.

    Deliverability (a DNS lookup) is not checked here: that belongs to sending, and the check
    must not depend on the network while somebody fills in a form.
    """
    normalised = _normal_form(text.strip())
    if normalised is None:
        raise InvalidEmail(
            _("Bitte geben Sie eine gültige E-Mail-Adresse an (zum Beispiel name@stadt.de).")
        )
    return normalised


@functools.lru_cache(maxsize=1024)
def _normal_form(text: str) -> str | None:
    """The normal form, or None if ``text`` is no usable address. Remembered: a registration
    checks its address in the form and again in the service, and email-validator's check cost
    a few percent of a registration's CPU (see docs/performance.md)."""
    try:
        # Umlauts after the @ are fine (sent as punycode); before it they need SMTPUTF8, which
        # many municipal mail servers do not speak, so such an address would never get mail.
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()
