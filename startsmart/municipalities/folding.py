"""How names of municipalities are compared: forgiving what people type differently.

Pure: no Flask, no database. "Münster", "Muenster" and "munster" fold alike, as do "Straße"
and "Strasse", "St. Ingbert" and "Sankt Ingbert", "Heide-Land" and "Heide Land". A folded
text has only lower-case letters a–z, digits and single spaces, so it can go into a LIKE
pattern as it is.
"""

from __future__ import annotations

import re

from startsmart.search import fold as letters

# The staff search's letter table spells umlauts out (ä → ae, ß → ss); here "ae" folds further
# to "a", so "Münster", "Muenster" and "Munster" meet. A name that happens to contain "ae"
# (Michael) folds the same way on both sides, which is all a comparison needs.
_TRANSCRIPTIONS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")
# "St." and "Sankt" (and "St" without the dot) as a word of their own.
_SAINT = re.compile(r"\b(sankt|st)\b")


def fold(text: str) -> str:
    """``text`` as it is compared: lower case, accents and umlauts to their base letter (and
    "ae", "oe", "ue" too), "ß" to "ss", every run of other characters one space, "Sankt"
    as "st"."""
    text = letters.fold(text)
    for written, folded in _TRANSCRIPTIONS:
        text = text.replace(written, folded)
    text = _NOT_A_LETTER.sub(" ", text).strip()
    return _SAINT.sub("st", text)


def core_key(name: str) -> str:
    """The place's own name, folded: the directory's "Heide, Stadt" and "Cottbus/Chóśebuz,
    Stadt" as somebody types them ("Heide", "Cottbus"). What comes after the comma says
    what kind of place it is, and a bilingual name is also known by its first part."""
    return fold(name.split(",")[0].split("/")[0])
