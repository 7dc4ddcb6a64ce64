"""How a search text and a stored name are made comparable: one letter table for both sides.

Pure (no Flask, no SQLAlchemy): the query is folded here in Python; stored names are folded
in the database by the same table, so "Müller" finds "Mueller" and the other way round, on
SQLite and PostgreSQL alike (``service.Folded``: on SQLite this module's ``fold_stored`` as an
SQL function, on PostgreSQL ``translate()`` and ``replace()`` built from ``LETTERS``).
SQLite's ``lower()`` only knows ASCII, which is why every non-ASCII letter that matters is
mapped in both cases here before anything is lower-cased.
"""

from __future__ import annotations

MIN_LENGTH = 2

# German umlauts become their two-letter spelling (ä → ae, ß → ss); other accented Latin
# letters lose the accent (é → e, ł → l), as people type them on a German keyboard.
_PLAIN = {
    "a": "àáâãåāąă",
    "c": "çćčĉ",
    "d": "ďđ",
    "e": "èéêëēęěė",
    "g": "ğ",
    "i": "ìíîïīį",
    "l": "łľĺ",
    "n": "ñńňņ",
    "o": "òóôõøōő",
    "r": "řŕ",
    "s": "śšşș",
    "t": "ťţț",
    "u": "ùúûůūűų",
    "y": "ýÿ",
    "z": "źżž",
}
_SPELLED = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe"}


def _letters() -> dict[str, str]:
    table: dict[str, str] = {}
    for small, plain in _SPELLED.items():
        table[small] = plain
        if small.upper() != small and len(small.upper()) == 1:
            table[small.upper()] = plain
    table["ẞ"] = "ss"  # capital sharp s: its upper() is not one letter, so named here
    for plain, accented in _PLAIN.items():
        for letter in accented:
            table[letter] = plain
            table[letter.upper()] = plain
    table["ı"] = "i"  # Turkish dotless i
    table["İ"] = "i"
    return table


LETTERS: dict[str, str] = _letters()


# For PostgreSQL: the one-letter mappings go into one translate(), the others are replace()s.
ONE_FOR_ONE = {letter: plain for letter, plain in LETTERS.items() if len(plain) == 1}
SPELLED_OUT = {letter: plain for letter, plain in LETTERS.items() if len(plain) > 1}


# str.translate runs in C: SQLite calls fold_stored once per row it compares.
_TABLE = str.maketrans(LETTERS)


def fold_stored(text: str | None) -> str | None:
    """A stored name as it is compared: letters from ``LETTERS``, lower case."""
    if text is None:
        return None
    return text.translate(_TABLE).lower()


def fold(text: str) -> str:
    """A typed search text as it is compared: single spaces, then as ``fold_stored``."""
    return " ".join(text.split()).translate(_TABLE).lower()


def long_enough(text: str) -> bool:
    """A search needs two characters: one letter would match nearly everybody."""
    return len(" ".join(text.split())) >= MIN_LENGTH


def like_pattern(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, with ``\\`` escaping LIKE's own signs."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
