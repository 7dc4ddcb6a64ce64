"""One spelling per e-mail address, so that one address is one person or one account."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _


class InvalidEmail(ValueError):
    """The text is not a usable e-mail address; the message says why, in the user's language."""


def normalise_email(text: str) -> str:
    """Validate ``text`` and return it lower-cased in email-validator's normal form.

    Deliverability (a DNS lookup) is not checked here: that belongs to sending, and the check
    must not depend on the network while somebody fills in a form.
    """
    try:
        result = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(
            _("Bitte geben Sie eine gültige E-Mail-Adresse an (zum Beispiel name@stadt.de).")
        ) from error
    return result.normalized.lower()
