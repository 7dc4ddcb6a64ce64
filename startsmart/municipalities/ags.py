"""The Amtlicher Gemeindeschlüssel (AGS): eight digits, the first two name the Bundesland.

Pure: no Flask, no database. Only the format is checked; whether the number exists is
Destatis' business, not ours.
"""

from __future__ import annotations

import re

_AGS = re.compile(r"\d{8}")

# The Länder in the order of their official key (01 Schleswig-Holstein … 16 Thüringen).
STATE_CODES = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}


class InvalidAGS(ValueError):
    """The text is not a well-formed Gemeindeschlüssel (or does not fit the Bundesland)."""


def normalise_ags(text: str, state: str | None = None) -> str:
    """Return the eight digits of ``text`` (spaces allowed), checked against ``state``'s code."""
    digits = re.sub(r"\s+", "", text)
    if not _AGS.fullmatch(digits):
        raise InvalidAGS("Der Gemeindeschlüssel besteht aus genau 8 Ziffern.")
    code_state = STATE_CODES.get(digits[:2])
    if code_state is None:
        raise InvalidAGS(
            "Die ersten beiden Ziffern des Gemeindeschlüssels benennen kein Bundesland."
        )
    if state is not None and code_state != state:
        raise InvalidAGS("Der Gemeindeschlüssel gehört zu einem anderen Bundesland.")
    return digits
