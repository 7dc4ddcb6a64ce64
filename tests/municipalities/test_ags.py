"""The Amtlicher Gemeindeschlüssel is checked by its format and its Land."""

from __future__ import annotations

import pytest

from startsmart.municipalities.ags import InvalidAGS, normalise_ags


@pytest.mark.parametrize(
    ("text", "state", "expected"),
    [
        ("01001000", "SH", "01001000"),
        ("11 000 000", "BE", "11000000"),
        ("09162000", None, "09162000"),
    ],
)
def test_valid_keys(text, state, expected):
    assert normalise_ags(text, state) == expected


@pytest.mark.parametrize(
    ("text", "state", "message"),
    [
        ("0100100", "SH", "genau 8 Ziffern"),
        ("010010000", "SH", "genau 8 Ziffern"),
        ("0100100A", "SH", "genau 8 Ziffern"),
        ("17000000", None, "kein Bundesland"),
        ("00000000", None, "kein Bundesland"),
        ("01001000", "BY", "anderen Bundesland"),
    ],
)
def test_invalid_keys_are_explained(text, state, message):
    with pytest.raises(InvalidAGS, match=message):
        normalise_ags(text, state)
