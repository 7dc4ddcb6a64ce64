"""One e-mail address, one spelling."""

from __future__ import annotations

import pytest

from startsmart.email_address import InvalidEmail, normalise_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Max.Mustermann@Beispielstadt.DE", "max.mustermann@beispielstadt.de"),
        ("  info@flensburg.de ", "info@flensburg.de"),
        ("amt@süderbrarup.de", "amt@süderbrarup.de"),
    ],
)
def test_addresses_are_normalised(app, typed, stored):
    with app.test_request_context():
        assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "kein-at-zeichen", "a@b", "a@@b.de", "a b@c.de", "x@y.de\r\nBcc: z@evil.example"]
)
def test_invalid_addresses_get_a_german_message(app, typed):
    with app.test_request_context(), pytest.raises(InvalidEmail, match="gültige E-Mail-Adresse"):
        normalise_email(typed)
