"""How names of municipalities are compared: forgiving what people type differently.

Pure: no Flask, no database. "Münster" and "Muenster" fold alike (the staff search's letter
table, ``search.fold``: umlauts spelled out, accents dropped), as do "Straße" and "Strasse",
"St. Ingbert" and "Sankt Ingbert", "Heide-Land" and "Heide Land". A folded text has only
lower-case letters a–z, digits and single spaces, so it can go into a LIKE pattern as it is.
"""

from __future__ import annotations

import re

from startsmart.search import fold as letters

_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")
# "St." and "Sankt" (and "St" without the dot) as a word of their own.
_SAINT = re.compile(r"\b(sankt|st)\b")


def fold(text: str) -> str:
    """``text`` as it is compared: lower case, umlauts spelled out ("ü" → "ue"), other accents
    dropped, "ß" → "ss", every run of other characters one space, "Sankt" as "st".

    "Munster" stays apart from "Münster": both are towns, and "Neunkirchen" from
    "Neuenkirchen"; folding "ue" to "u" would make them one."""
    text = letters.fold(text)
    text = _NOT_A_LETTER.sub(" ", text).strip()
    return _SAINT.sub("st", text)


def core_key(name: str) -> str:
    """The place's own name, folded: the directory's "Heide, Stadt" and "Cottbus/Chóśebuz,
    Stadt" as somebody types them ("Heide", "Cottbus"). What comes after the comma says
    what kind of place it is, and a bilingual name is also known by its first part."""
    return fold(name.split(",")[0].split("/")[0])
