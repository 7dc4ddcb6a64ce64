"""How many mails strangers' forms can make the KTS mailbox send to one address.

The public forms are limited per client address (``REGISTRATION_RATE_LIMIT``), but somebody
with many addresses could still fill one person's inbox with confirmation requests from the
KTS sender. So each address also has a budget of form-triggered mails
(``FORM_MAILS_PER_ADDRESS``, per hour and per day). It is kept in the rate limiter's storage
(Redis in production, so every worker sees the same count) under a keyed hash of the address:
the storage never holds the address itself. A mail is counted only when the form sent one, so
a form shown again with a typo costs nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItem, parse_many

from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.extensions import limiter

NAMESPACE = "form-mail"


def _key(address: str) -> str:
    try:
        normal = normalise_email(address)
    except InvalidEmail:
        normal = address.strip().lower()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normal.encode(), hashlib.sha256).hexdigest()


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["FORM_MAILS_PER_ADDRESS"])


def refusal(address: str) -> str | None:
    """Why no further form may send mail to ``address`` now, or None if one may."""
    key = _key(address)
    if all(limiter.limiter.test(item, NAMESPACE, key) for item in _limits()):
        return None
    return _(
        "An diese Adresse haben wir in letzter Zeit schon mehrere E-Mails geschickt. Bitte sehen "
        "Sie in Ihrem Postfach nach (auch im Spam-Ordner) oder versuchen Sie es später noch "
        "einmal."
    )


def spend(address: str) -> None:
    """Count one mail a form made us send to ``address``."""
    key = _key(address)
    for item in _limits():
        limiter.limiter.hit(item, NAMESPACE, key)
